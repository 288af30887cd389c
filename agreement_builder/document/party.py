"""What one party's own documents (its package and agenda item) show, beyond the agreement."""

from __future__ import annotations

from dataclasses import dataclass

from .context import Concern, DocumentContext, GoalView, PartyView


@dataclass(frozen=True)
class GoalConcerns:
    goal: GoalView
    concerns: tuple[Concern, ...]


@dataclass(frozen=True)
class PartyDocument:
    party: PartyView
    board: str  # the executive board that proposes; empty when the approver decides directly
    goals: tuple[GoalConcerns, ...]
    lead: int  # how many measures the party leads
    participant: int  # how many others it takes part in
    measure_ids: tuple[str, ...]


def party_document(doc: DocumentContext, party_id: str) -> PartyDocument:
    """The party's measures grouped by goal, their counts, and the body that proposes."""
    party = next(p for p in doc.parties if p.id == party_id)
    concerns = doc.concerns[party_id]
    grouped: dict[str, list[Concern]] = {}
    for concern in concerns:
        grouped.setdefault(concern.goal.id, []).append(concern)
    goals = tuple(GoalConcerns(items[0].goal, tuple(items)) for items in grouped.values())
    board = doc.t.messages.get(f"board.{party.approver}", "")
    return PartyDocument(
        party=party,
        board=board,
        goals=goals,
        lead=sum(c.role == "lead" for c in concerns),
        participant=sum(c.role == "participant" for c in concerns),
        measure_ids=tuple(c.measure.id for c in concerns),
    )
