"""What one party's own documents (its package and agenda item) show, beyond the agreement."""

from __future__ import annotations

from dataclasses import dataclass

from .context import Concern, DocumentContext, GoalView, PartyView


@dataclass(frozen=True)
class LanguageVersion:
    """One language version of the party's package, as its agenda item lists the attachments."""

    language: str
    title: str  # the agreement's title in that language
    language_name: str  # `ruotsiksi` / `på finska`, in the document's language


@dataclass(frozen=True)
class GoalConcerns:
    goal: GoalView
    concerns: tuple[Concern, ...]


@dataclass(frozen=True)
class PartyDocument:
    party: PartyView
    board: str  # the executive board that proposes; empty when the approver decides directly
    goals: tuple[GoalConcerns, ...]  # every measure that concerns the party
    # Those of `goals` not in the package's part common to all municipalities (all of them for
    # a party that is not a municipality), and how many are in that common part.
    own: tuple[GoalConcerns, ...]
    common: int
    lead: int  # how many measures the party leads
    participant: int  # how many others it takes part in
    measure_ids: tuple[str, ...]
    # The package in each of the party's languages, main one first: a bilingual council's
    # attachments exist in both (Language Act 423/2003, section 29).
    versions: tuple[LanguageVersion, ...]


def party_document(doc: DocumentContext, party_id: str) -> PartyDocument:
    """The party's measures grouped by goal, their counts, and the body that proposes."""
    party = next(p for p in doc.parties if p.id == party_id)
    concerns = doc.concerns[party_id]
    common = {id(c.measure) for c in doc.common} if has_common_part(doc, party_id) else set()
    board_key = f"board.{party.approver}"
    board = doc.t(board_key) if board_key in doc.t.messages else ""
    return PartyDocument(
        party=party,
        board=board,
        goals=by_goal(concerns),
        own=by_goal(tuple(c for c in concerns if id(c.measure) not in common)),
        common=len(common),
        lead=sum(c.role == "lead" for c in concerns),
        participant=sum(c.role == "participant" for c in concerns),
        measure_ids=tuple(c.measure.id for c in concerns),
        versions=tuple(
            LanguageVersion(language, doc.titles[language], doc.t(f"language_name.{language}"))
            for language in party.languages
        ),
    )


def has_common_part(doc: DocumentContext, party_id: str) -> bool:
    """Whether the party's package has the part common to all municipalities (the measures that
    concern every municipality alike): a municipality's does, when there are such measures."""
    party = next(p for p in doc.parties if p.id == party_id)
    return party.kind == "municipality" and bool(doc.common)


def by_goal(concerns: tuple[Concern, ...]) -> tuple[GoalConcerns, ...]:
    """The measures grouped under their goals, in the agreement's order."""
    grouped: dict[str, list[Concern]] = {}
    for concern in concerns:
        grouped.setdefault(concern.goal.id, []).append(concern)
    return tuple(GoalConcerns(items[0].goal, tuple(items)) for items in grouped.values())
