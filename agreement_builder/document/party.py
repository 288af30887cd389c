"""What one party's own documents (its package and agenda item) show, beyond the agreement."""

from __future__ import annotations

from dataclasses import dataclass, replace

from . import approval
from .context import Concern, ContactView, DecisionView, DocumentContext, GoalView, PartyView


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
class Handling:
    """An earlier handling repeated in a later stage's item (the board's, in the council's)."""

    body: str
    decision: DecisionView | None  # recorded for this version; else date and § are blank
    proposal: str


@dataclass(frozen=True)
class Stage:
    """One agenda item of the party: the board's (preparing or deciding) or the council's."""

    key: str  # "board" or "council"
    body: str  # the body whose agenda it is on, e.g. kunnanhallitus
    decides: bool  # its decision is the approving one (else it proposes to the council)
    presenter: str  # the board's presenter by position; empty for a council
    proposal: str  # the decision proposal, a whole sentence
    decision: DecisionView | None  # this stage's own recorded decision, for this version
    appeal: str  # the appeal part for this stage, body and law
    earlier: tuple[Handling, ...]  # the board's handling, in the council's item


@dataclass(frozen=True)
class PartyDocument:
    party: PartyView
    board: str  # the executive board that proposes; empty when the approver decides directly
    stages: tuple[Stage, ...]  # the agenda items it gets, in the order they are handled
    heading: str  # the agenda item's title
    for_info: tuple[str, ...]  # Tiedoksi: the other parties, by name or as a group
    roles: str  # "on päävastuussa 3 toimenpiteestä ja osallisena 7 toimenpiteessä"; a 0 left out
    # Lisätietoja: the party's contact when someone else prepares, else the agreement's
    # preparer (who answers for the agreement); None when that is the preparer again.
    more_info: ContactView | None
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
    return PartyDocument(
        party=party,
        board=party.board,
        stages=stages(doc, party),
        heading=(
            doc.t("agenda_heading_genitive", title=doc.title_genitive)
            if doc.title_genitive
            else doc.t("agenda_heading", title=doc.title)
        ),
        for_info=for_info(doc, party),
        roles=roles(doc, concerns),
        more_info=next(
            (c for c in (party.contact, doc.preparer) if c is not None and c != party.preparer),
            None,
        ),
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


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def proposal(doc: DocumentContext, party: PartyView, proposing: bool) -> str:
    """The decision proposal: the board's to the council, or the deciding body's own."""
    t = doc.t
    clause = approval.authorization(party.signatories, party.on_behalf, t)
    values = {
        "object": (
            t("approve_object_title", title=doc.title_genitive)
            if doc.title_genitive
            else t("approve_object")
        ),
        "authorize": clause,
        "approver": party.approver if proposing else _capital(party.approver),
    }
    if proposing:
        # "esittää kunnanvaltuustolle": the allative of a body ending in a vowel.
        to = f"{party.approver}lle" if party.approver[-1:] in "aeiouyäö" else party.approver
        values.update(board=_capital(party.board), approver_to=to)
        return t("proposal_board" if clause else "proposal_board_plain", **values)
    return t("proposal_decide" if clause else "proposal_decide_plain", **values)


def stages(doc: DocumentContext, party: PartyView) -> tuple[Stage, ...]:
    """The party's agenda items: board then council, or the deciding body's one."""
    t = doc.t
    decides_alone = not party.board
    final = Stage(
        key=party.approver_stage,
        body=party.approver,
        decides=True,
        presenter=party.presenter if party.approver_stage == approval.BOARD else "",
        proposal=proposal(doc, party, proposing=False),
        decision=party.decision,
        appeal=approval.appeal(party.noun, party.approver_stage, True, t),
        earlier=(),
    )
    if decides_alone:
        return (final,)
    board_proposal = proposal(doc, party, proposing=True)
    board = Stage(
        key=approval.BOARD,
        body=party.board,
        decides=False,
        presenter=party.presenter,
        proposal=board_proposal,
        decision=party.board_decision,
        appeal=approval.appeal(party.noun, approval.BOARD, False, t),
        earlier=(),
    )
    earlier = (Handling(party.board, party.board_decision, board_proposal),)
    return (board, replace(final, earlier=earlier))


def for_info(doc: DocumentContext, party: PartyView) -> tuple[str, ...]:
    """Tiedoksi: the wellbeing area and the other parties (the municipalities as a group)."""
    names: list[str] = []
    if party.id != doc.area.id:
        names.append(doc.area.name)
    if party.kind != "municipality":
        names.append(doc.t("agenda_all_municipalities"))
    names += [p.name for p in doc.parties if p.kind == "other" and p.id != party.id]
    return tuple(names)


def roles(doc: DocumentContext, concerns: tuple[Concern, ...]) -> str:
    """The party's roles in the measures that concern it, leaving out a role it has in none
    (never "päävastuussa 0 toimenpiteestä"); empty when no measure concerns it."""
    t = doc.t
    lead = sum(c.role == "lead" for c in concerns)
    participant = sum(c.role == "participant" for c in concerns)
    values = {
        "lead": t.count("count_lead", lead),
        "participant": t.count("count_participant", participant),
    }
    if lead and participant:
        return t("roles_both", **values)
    if lead:
        return t("roles_lead", **values)
    return t("roles_participant", **values) if participant else ""
