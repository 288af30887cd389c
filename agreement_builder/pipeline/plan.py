"""Which documents a workbook makes, in which languages, and what each file is called."""

from __future__ import annotations

from dataclasses import dataclass

from ..document.context import DocumentContext, party_languages
from ..document.party import has_common_part
from ..workbook.model import Workbook
from .render import FORMATS

AGREEMENT = ("agreement.html.j2",)
# A party's package: cover sheet, the full agreement, the measures common to all municipalities
# (a municipality's package only: the part is the same in each, drawn once), and the party's own
# annex with its signature page.
PACKAGE = (
    "package-cover.html.j2",
    "agreement.html.j2",
    "package-common.html.j2",
    "package-annex.html.j2",
)
COMMON_PART = "package-common.html.j2"
# The parts alike in every package of a language: rendered once, with nothing of the party.
SHARED_PARTS = frozenset({*AGREEMENT, COMMON_PART})
AGENDA_ITEM = ("agenda-item.html.j2",)
# Beside each agenda item, its fields to paste into a case-management system, and per party and
# language a small metadata file (render/pastekit.py, pipeline/paste.py).
PASTE_FORMATS = ("txt", "html")
PASTE_METADATA = ("paste-metadata",)  # made from the data, not from a template
CHANGES = ("changes.html.j2",)  # a draft's change summary: a PDF only


@dataclass(frozen=True)
class Target:
    """One document in one language; rendered once to HTML and written in every format."""

    # "agreement", "changes", "package", "agenda-item" or "paste-kit"; of a plan (the
    # two-document form) "plan", "plan-changes", "plan-package", "plan-agenda-item" or
    # "plan-paste-kit"
    kind: str
    party: str | None
    language: str
    templates: tuple[str, ...]  # its parts, in order: each a whole HTML document
    stem: str  # file name without the extension
    formats: tuple[str, ...] = FORMATS  # the formats it is made in, of those a build asks for
    stage: str | None = None  # an agenda item's (and its paste kit's): "board" or "council"
    # A paste kit's metadata: the files it names, as (what, file stem): ("package:sv", …),
    # ("agenda-item:board", …), ("paste-kit:board", …).
    related: tuple[tuple[str, str], ...] = ()

    @property
    def part(self) -> str:
        """What kind of document it is, whether of the agreement or of the plan."""
        return self.kind.removeprefix("plan-")

    def describe(self) -> str:
        who = f" for {self.party}" if self.party else ""
        stage = f" {self.stage}" if self.stage else ""
        return f"{self.kind}{stage}{who} ({self.language})"


def file_stem(workbook: Workbook, language: str, draft_mark: str, *what: str) -> str:
    """`ranua_sopimusliite_v0.3_LUONNOS_fi`: whose and what (else the agreement id), version,
    the draft mark, language. The mark is in the name so a draft is never taken for the final."""
    agreement = workbook.agreement
    pieces = [*(what or (agreement.id,)), f"v{agreement.version}"]
    if agreement.status == "draft" and draft_mark:
        pieces.append(draft_mark)
    pieces.append(language)
    return "_".join(pieces)


def change_stem(workbook: Workbook, context: DocumentContext, label: str) -> str:
    """`lapin-yhteistyosopimus_muutokset_v0.4_LUONNOS_fi` (`label` names what it is)."""
    what = (workbook.agreement.id, context.t(label))
    return file_stem(workbook, context.language, context.status_mark, *what)


# The names of a plan's files (the two-document form): its kinds and their catalog labels.
PLAN_LABELS = {
    "plan": "file_plan",
    "package": "file_plan_package",
    "agenda-item": "file_plan_agenda_item",
}
AGREEMENT_LABELS = {"package": "file_package", "agenda-item": "file_agenda_item"}


def plan(
    workbook: Workbook,
    contexts: dict[str, DocumentContext],
    only: tuple[str, ...] | None = None,
    changes: bool = False,
    document: str = "agreement",
) -> list[Target]:
    """Every target of a build: the full agreement in each language (with `changes`, its change
    summary after it), then each party's package and agenda item in each of its languages.
    `only` limits it to those parties' documents.

    With `document` "plan" (the two-document form), the plan's: `workbook` is then the plan's
    view of it (document.context.for_plan), whose version and status name the files, and the
    contexts are the plan's. The documents are the same templates, the plan's context making them
    the plan, each party's annex of the measures that concern it, and its agenda item."""
    is_plan = document == "plan"
    prefix = "plan-" if is_plan else ""
    labels = PLAN_LABELS if is_plan else AGREEMENT_LABELS
    targets: list[Target] = []
    if not only:
        for language in workbook.agreement.languages:
            ctx = contexts[language]
            mark = ctx.status_mark
            what = (workbook.agreement.id, ctx.t(PLAN_LABELS["plan"])) if is_plan else ()
            stem = file_stem(workbook, language, mark, *what)
            targets.append(Target(document, None, language, AGREEMENT, stem))
            if changes:
                stem = file_stem(
                    workbook,
                    language,
                    mark,
                    *what or (workbook.agreement.id,),
                    ctx.t("file_changes"),
                )
                targets.append(Target(f"{prefix}changes", None, language, CHANGES, stem, ("pdf",)))
    for party in workbook.parties:
        if only and party.id not in only:
            continue
        for language in party_languages(workbook, party.id):
            ctx = contexts[language]
            package: tuple[str, ...] = PACKAGE
            if not has_common_part(ctx, party.id):
                package = tuple(part for part in PACKAGE if part != COMMON_PART)
            label = labels["package"]
            stem = file_stem(workbook, language, ctx.status_mark, party.id, ctx.t(label))
            targets.append(Target(f"{prefix}package", party.id, language, package, stem))
            related = [
                (f"package:{lang}", _stem(workbook, contexts[lang], party.id, label))
                for lang in party_languages(workbook, party.id)
            ]
            for stage in stages_of(ctx, party.id):
                what = (labels["agenda-item"], f"file_stage.{stage}")
                stem = _stem(workbook, ctx, party.id, *what)
                item = Target(
                    f"{prefix}agenda-item", party.id, language, AGENDA_ITEM, stem, stage=stage
                )
                targets.append(item)
                paste = _stem(workbook, ctx, party.id, *what, "file_paste_kit")
                targets.append(
                    Target(
                        f"{prefix}paste-kit",
                        party.id,
                        language,
                        AGENDA_ITEM,
                        paste,
                        PASTE_FORMATS,
                        stage,
                    )
                )
                related += [(f"agenda-item:{stage}", stem), (f"paste-kit:{stage}", paste)]
            # The metadata of a plan's items is named after them, beside the agreement's.
            meta = (labels["agenda-item"], "file_metadata") if is_plan else ("file_metadata",)
            stem = _stem(workbook, ctx, party.id, *meta)
            targets.append(
                Target(
                    f"{prefix}paste-kit",
                    party.id,
                    language,
                    PASTE_METADATA,
                    stem,
                    ("json",),
                    related=tuple(related),
                )
            )
    return targets


# The yearly follow-up: the report in each of the agreement's languages, and each
# municipality's extract in each of its languages.
REPORT = ("report.html.j2",)
EXTRACT = ("report-extract.html.j2",)


def plan_follow_up(
    workbook: Workbook, contexts: dict[str, DocumentContext], year: int
) -> list[Target]:
    """The documents of the follow-up of `year`: `lapin-yhteistyosopimus_seurantaraportti_2027_fi`
    and `ranua_seurantaote_2027_fi` (no version or draft mark: the report follows up the
    agreement in force, whatever its version)."""
    targets = []
    for language in workbook.agreement.languages:
        label = contexts[language].t("file_report")
        stem = "_".join((workbook.agreement.id, label, str(year), language))
        targets.append(Target("report", None, language, REPORT, stem))
    for municipality in workbook.municipalities:
        for language in party_languages(workbook, municipality.id):
            label = contexts[language].t("file_extract")
            stem = "_".join((municipality.id, label, str(year), language))
            targets.append(Target("extract", municipality.id, language, EXTRACT, stem))
    return targets


def stages_of(context: DocumentContext, party_id: str) -> tuple[str, ...]:
    """The stages a party handles the agreement at: its board's and its council's, or the
    deciding body's only (document/approval.py)."""
    party = next(p for p in context.parties if p.id == party_id)
    return ("board", "council") if party.board else (party.approver_stage,)


def _stem(workbook: Workbook, context: DocumentContext, party_id: str, *labels: str) -> str:
    """A party's file stem, its pieces named by catalog labels in the context's language."""
    what = (party_id, *(context.t(label) for label in labels))
    return file_stem(workbook, context.language, context.status_mark, *what)
