"""How each party approves and signs: its stages, bodies, appeal, signatories and name forms.

A municipality (and the wellbeing area) handles the agreement twice under one diary number: the
executive board prepares and proposes, the council decides. A party whose approver is itself a
board (a regional council's maakuntahallitus) decides at one stage. Everything a sentence needs
in another form than the nominative (the genitive of a party's name, the genitive of a position
in Finnish, its definite form in Swedish) is decided here, so that no template drops a name into
a sentence uninflected. See docs/approval.md for the legal sources of the appeal texts.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..registry import registry
from ..workbook.model import LocalizedText, Municipality, Party, Workbook
from .i18n import Catalog

BOARD = "board"
COUNCIL = "council"
# A council: its decision is the approving one, prepared by a board.
_COUNCIL_ENDINGS = ("valtuusto", "fullmäktige")


@dataclass(frozen=True)
class SignatoryView:
    position: str
    name: str  # empty when not known


@dataclass(frozen=True)
class Forms:
    """A party's name and nouns in the forms sentences need, in the document's language."""

    kind: str  # kunta, kaupunki, hyvinvointialue, liitto or osapuoli
    genitive: str  # "Ranuan kunnan" (fi) / "Ranua kommuns" (sv); the noun's when unknown
    on_behalf: str  # "Ranuan kunnan puolesta" / "på kommunens vägnar"


def party_kind(workbook: Workbook, party: Party) -> str:
    """kunta, kaupunki, hyvinvointialue, liitto (a regional council) or osapuoli."""
    if party is workbook.wellbeing_area:
        return "hyvinvointialue"
    if isinstance(party, Municipality):
        known = _registry_municipality(party.code)
        if known is not None:
            return known.kind
        approver = (
            " ".join(party.approver.texts.values())
            if party.approver.plain is None
            else (party.approver.plain)
        )
        return "kaupunki" if ("kaupungin" in approver or "stads" in approver) else "kunta"
    name = party.name.plain or " ".join(party.name.texts.values())
    if "liitto" in name or "förbund" in name:
        return "liitto"
    return "osapuoli"


def _registry_municipality(code: str):  # type: ignore[no-untyped-def]
    for area in registry().areas:
        for municipality in area.municipalities:
            if municipality.code == code:
                return municipality
    return None


# The Finnish genitive of the last word of a name whose attribute is already a genitive
# (Pohjanmaan liitto, Keski-Suomen liitto, Lapin hyvinvointialue).
_FI_HEADS = {
    "kunta": "kunnan",
    "kaupunki": "kaupungin",
    "hyvinvointialue": "hyvinvointialueen",
    "liitto": "liiton",
    "kuntayhtymä": "kuntayhtymän",
}


def finnish_genitive(workbook: Workbook, party: Party, name: str) -> str | None:
    """The genitive of a party's Finnish name, or None when no rule or registry knows it.

    The registry knows every municipality's and area's form (Kaskisten kaupungin, Lapin
    hyvinvointialueen); a name in the form `<genitive> <kunta|kaupunki|liitto|…>` inflects its
    last word only."""
    if isinstance(party, Municipality):
        known = _registry_municipality(party.code)
        if known is not None and name == known.official_name:
            return known.official_genitive
        if known is not None and name == known.fi:
            return known.genitive
    if party is workbook.wellbeing_area:
        for area in registry().areas:
            if area.fi == name:
                return area.genitive
    head, _, last = name.rpartition(" ")
    if head and last in _FI_HEADS:
        return f"{head} {_FI_HEADS[last]}"
    return None


def swedish_genitive(name: str) -> str:
    """`Ranua kommuns`, `Österbottens förbunds`; a name ending in s, x or z takes nothing."""
    return name if name.endswith(("s", "x", "z")) else f"{name}s"


def forms(workbook: Workbook, party: Party, t: Catalog) -> Forms:
    kind = party_kind(workbook, party)
    name = party.name.get(t.language) if party.name.has(t.language) else ""
    noun = t(f"kind_genitive.{kind}")  # kunnan / kommunens
    if t.language == "fi":
        genitive = finnish_genitive(workbook, party, name) if name else None
        on_behalf = t("on_behalf", party=genitive) if genitive else t("on_behalf", party=noun)
        return Forms(kind, genitive or noun, on_behalf)
    genitive = swedish_genitive(name) if name else noun
    # Finland-Swedish councils write "på kommunens vägnar", not the name.
    return Forms(kind, genitive, t("on_behalf", party=noun))


def text_in(value: LocalizedText | None, language: str) -> str:
    if value is None or not value.has(language):
        return ""
    return value.get(language)


def board_of(party: Party, t: Catalog) -> str:
    """The executive board that prepares what the party's approver decides; empty when the
    approver is itself the deciding board (or a council the templates and workbook do not
    name a board for)."""
    given = text_in(party.board, t.language)
    if given:
        return given
    approver = text_in(party.approver, t.language)
    return str(t.messages.get(f"board.{approver}", ""))


def approver_stage(party: Party, t: Catalog) -> str:
    """The stage at which the approver decides: a council's, or a board's deciding directly."""
    approver = text_in(party.approver, t.language)
    if board_of(party, t) or approver.endswith(_COUNCIL_ENDINGS):
        return COUNCIL
    return BOARD


def manager(kind: str, t: Catalog) -> str:
    """The party's manager by position (kunnanjohtaja / kommundirektör); empty if unknown."""
    return str(t.messages.get(f"manager.{kind}", ""))


def signatories(party: Party, kind: str, t: Catalog) -> tuple[SignatoryView, ...]:
    """Who signs: the workbook's signatories, else the manager of the party's kind."""
    if party.signatories:
        return tuple(
            SignatoryView(text_in(s.position, t.language), s.name or "") for s in party.signatories
        )
    position = manager(kind, t)
    return (SignatoryView(position, ""),) if position else ()


def presenter(party: Party, kind: str, t: Catalog) -> str:
    return text_in(party.presenter, t.language) or manager(kind, t)


def position_object(position: str, t: Catalog) -> str | None:
    """A position as the object of "authorizes … to sign": the Finnish genitive
    (kunnanjohtajan), the Swedish definite form (kommundirektören); None when no rule knows it.
    """
    known = t.messages.get(f"position_object.{position}")
    if isinstance(known, str):
        return known
    if t.language == "fi":
        return f"{position}n" if position.endswith(("ja", "jä")) else None
    head = position.rsplit(" ", 1)
    if len(head) == 2 and head[0].endswith("s"):
        return position  # "kommunstyrelsens ordförande": already definite
    if position.endswith("ör"):
        return f"{position}en"
    if position.endswith("e"):
        return f"{position}n"
    return None


def join(items: list[str], t: Catalog) -> str:
    """`a, b ja c` / `a, b och c`."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {t('and')} {items[-1]}"


def authorization(signers: tuple[SignatoryView, ...], on_behalf: str, t: Catalog) -> str:
    """The clause of a decision that authorizes by position, e.g. "valtuuttaa kunnanjohtajan
    allekirjoittamaan sopimuksen Ranuan kunnan puolesta"; empty when nobody is known."""
    positions = [s.position for s in signers if s.position]
    if not positions:
        return ""
    objects = [position_object(p, t) for p in positions]
    if all(objects):
        return t("authorize", signers=join([o for o in objects if o], t), on_behalf=on_behalf)
    return t("authorize_plain", signers=join(positions, t), on_behalf=on_behalf)


def appeal(party_kind_: str, stage: str, decides: bool, t: Catalog) -> str:
    """The appeal part of a stage: a preparatory board proposal cannot be appealed; a council's
    decision carries an appeal instruction, a board's final decision a rectification one."""
    law = "area" if party_kind_ == "hyvinvointialue" else "municipal"
    if not decides:
        return t(f"appeal.preparatory.{law}")
    return t(f"appeal.{stage}.{law}")
