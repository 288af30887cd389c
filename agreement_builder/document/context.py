"""The document context: everything a template shows, computed once from the workbook.

Numbering, party names in the document's language, which measures concern whom, and dates
formatted for the language are decided here, so that the templates only lay them out and every
document (the agreement, a party's package, an agenda item) reads the same answers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..theme import Templates
from ..workbook.model import (
    ALL_MUNICIPALITIES,
    CHAPTERS,
    Contact,
    Decision,
    Goal,
    Language,
    LocalizedText,
    Measure,
    Municipality,
    Party,
    Workbook,
)
from ..workbook.parts import for_plan
from ..workbook.warnings import decision_applies
from . import approval
from .approval import SignatoryView
from .collation import sort_key
from .i18n import Catalog, load_catalog
from .text import Block, blocks

# Sámi forms of a name (Enontekiö, Inari, Sodankylä, Utsjoki) are shown after the official ones.
SAMI = ("se", "smn", "sms")


@dataclass(frozen=True)
class NameView:
    """A name in one language; a template marks it with `lang` when that is not the document's."""

    language: str
    text: str


@dataclass(frozen=True)
class ContactView:
    name: str
    title: str
    email: str
    phone: str


@dataclass(frozen=True)
class DecisionView:
    body: str
    date: str
    section: str
    diary_number: str
    version: str  # the version it approved, as recorded ("" when not recorded)
    stage: str  # "board" or "council": whose record it belongs to
    applies: bool  # it approved this version (see workbook/warnings.py)


@dataclass(frozen=True)
class PartyView:
    id: str
    kind: str  # "area", "municipality" or "other"
    name: str
    approver: str
    code: str
    business_id: str
    address: str
    contact: ContactView | None
    # The approver's decision, only when it approved this version: no document claims that a
    # party approved a version it did not. `decisions` lists every recorded one.
    decision: DecisionView | None
    languages: tuple[str, ...]  # the languages of its own documents, main one first
    # Its names as its own cover shows them: each of its languages (main first) and Sámi forms;
    # only the document's language when the party does not use that language itself.
    names: tuple[NameView, ...]
    noun: str = ""  # kunta, kaupunki, hyvinvointialue, liitto or osapuoli (approval.party_kind)
    genitive: str = ""  # "Ranuan kunnan" / "Ranua kommuns"
    on_behalf: str = ""  # "Ranuan kunnan puolesta" / "på kommunens vägnar"
    board: str = ""  # the executive board that prepares; empty when the approver decides alone
    approver_stage: str = "council"  # "council", or "board" for a board deciding directly
    board_decision: DecisionView | None = None  # the board's handling, when for this version
    decisions: tuple[DecisionView, ...] = ()  # every recorded decision, board's first
    diary_number: str = ""  # the party's own (Dnro)
    preparer: ContactView | None = None  # its own preparer, else its contact
    presenter: str = ""  # the board's presenter by position
    signatories: tuple[SignatoryView, ...] = ()


@dataclass(frozen=True)
class IndicatorView:
    id: str
    name: str
    baseline: str
    target: str
    source: str


@dataclass(frozen=True)
class ResponsibleView:
    name: str
    lead: bool


@dataclass(frozen=True)
class MeasureView:
    id: str
    text: tuple[Block, ...]
    responsible: tuple[ResponsibleView, ...]
    schedule: str
    indicators: tuple[IndicatorView, ...]
    only_for: tuple[str, ...]  # names of the municipalities it is limited to


@dataclass(frozen=True)
class GoalView:
    id: str
    anchor: str
    title: str
    description: tuple[Block, ...]
    indicators: tuple[IndicatorView, ...]
    measures: tuple[MeasureView, ...]


@dataclass(frozen=True)
class ThemeView:
    number: str
    anchor: str
    title: str  # empty for goals that have no theme
    goals: tuple[GoalView, ...]


@dataclass(frozen=True)
class ForumView:
    anchor: str
    name: str
    members: tuple[Block, ...]
    meets: tuple[Block, ...]
    tasks: tuple[Block, ...]
    number: str = ""  # 4.1: every subsection is numbered, so that it can be cited


@dataclass(frozen=True)
class ReportView:
    when: str
    what: str
    responsible: tuple[str, ...]


@dataclass(frozen=True)
class SectionView:
    """A numbered chapter of the agreement; `key` says which template part renders it."""

    key: str
    number: str
    anchor: str
    title: str
    body: tuple[Block, ...] = ()


@dataclass(frozen=True)
class TocEntry:
    anchor: str
    text: str
    children: tuple[TocEntry, ...] = ()


@dataclass(frozen=True)
class Concern:
    """A measure that concerns a party, and the party's role in it."""

    goal: GoalView
    measure: MeasureView
    role: str  # "lead" or "participant"


@dataclass
class DocumentContext:
    """What the templates of one language see."""

    language: str
    t: Catalog
    title: str
    titles: dict[str, str]  # the agreement's title in each of its languages
    title_genitive: str  # the Finnish title in the genitive, when the workbook gives it
    subject: str
    author: str
    keywords: str
    version: str
    draft: bool
    status_mark: str  # "LUONNOS" / "UTKAST" for a draft, else ""
    date_iso: str
    date: str
    long_date: str
    period: str
    diary_number: str
    preparer: ContactView | None
    area: PartyView
    parties: tuple[PartyView, ...]
    municipalities: tuple[PartyView, ...]
    purpose: tuple[Block, ...]
    themes: tuple[ThemeView, ...]
    forums: tuple[ForumView, ...]
    monitoring_text: tuple[Block, ...]
    reports: tuple[ReportView, ...]
    sections: tuple[SectionView, ...]
    toc: tuple[TocEntry, ...]
    concerns: dict[str, tuple[Concern, ...]] = field(default_factory=dict)
    # The measures that concern every municipality alike (all municipalities are responsible
    # and none is named), with the role each municipality has in them.
    common: tuple[Concern, ...] = ()
    # The two-document form (workbook `plan:`): "agreement" is the agreement, which then holds
    # no goals, measures or indicators and refers to the plan (`separate_plan`); "plan" is the
    # plan, with its own title, version, status, date and approvers.
    document: str = "agreement"
    separate_plan: bool = False
    plan_title: str = ""  # the plan's title in this language (two-document form)
    agreement_title: str = ""  # the agreement's title in this language
    # Names that are never hyphenated, in any language: parties, forums, people.
    proper_names: tuple[str, ...] = ()
    # The standard clauses a section of the workbook states; the templates state the others.
    covered: frozenset[str] = frozenset()

    @property
    def goal_count(self) -> int:
        return sum(len(theme.goals) for theme in self.themes)

    @property
    def measure_count(self) -> int:
        return sum(len(goal.measures) for theme in self.themes for goal in theme.goals)


def anchor(prefix: str, item_id: str) -> str:
    return f"{prefix}-{item_id}".lower().replace(".", "-")


def party_languages(workbook: Workbook, party_id: str) -> tuple[Language, ...]:
    """The languages of a party's own documents, main one first: a municipality's official
    languages; the area's are the agreement's; another party's the agreement's main one."""
    if party_id == workbook.wellbeing_area.id:
        return tuple(workbook.agreement.languages)
    for municipality in workbook.municipalities:
        if municipality.id == party_id:
            return tuple(municipality.languages)
    return (workbook.agreement.languages[0],)


def concerned_municipalities(measure: Measure, workbook: Workbook) -> set[str]:
    """Ids of the municipalities a measure concerns (see workbook-format.md)."""
    ids = {m.id for m in workbook.municipalities}
    concerned = set(measure.municipalities) | (set(measure.responsible) & ids)
    if ALL_MUNICIPALITIES in measure.responsible:
        concerned |= ids
    return concerned


def concerns_all_alike(measure: Measure, workbook: Workbook) -> bool:
    """All municipalities are responsible and none is named: each has the same role in it."""
    ids = {m.id for m in workbook.municipalities}
    return ALL_MUNICIPALITIES in measure.responsible and not ids & set(measure.responsible)


def role_of(party_id: str, measure: Measure, workbook: Workbook) -> str | None:
    """ "lead", "participant" or None (the measure does not concern the party)."""
    is_municipality = any(m.id == party_id for m in workbook.municipalities)
    lead = measure.responsible[0]
    if lead == party_id or (lead == ALL_MUNICIPALITIES and is_municipality):
        return "lead"
    if party_id in measure.responsible:
        return "participant"
    if is_municipality and party_id in concerned_municipalities(measure, workbook):
        return "participant"
    return None


def party_name(workbook: Workbook, party_id: str, t: Catalog) -> str:
    """A party as a document in `t`'s language names it: its name, every municipality by the
    label for them, an id the workbook does not have (a party of another version) as it is."""
    if party_id == ALL_MUNICIPALITIES:
        return t("all_municipalities")
    for party in workbook.parties:
        if party.id == party_id:
            return party.name.get(t.language)
    return party_id


class _Builder:
    def __init__(self, workbook: Workbook, catalog: Catalog) -> None:
        self.wb = workbook
        self.t = catalog
        self.lang = catalog.language

    def text(self, value: LocalizedText | None) -> str:
        return value.get(self.lang) if value is not None else ""

    def blocks(self, value: LocalizedText | None) -> tuple[Block, ...]:
        return blocks(self.text(value)) if value is not None else ()

    def contact(self, contact: Contact | None) -> ContactView | None:
        if contact is None:
            return None
        return ContactView(
            contact.name, self.text(contact.title), contact.email or "", contact.phone or ""
        )

    def decision(self, decision: Decision | None, stage: str) -> DecisionView | None:
        if decision is None:
            return None
        return DecisionView(
            body=self.text(decision.body),
            date=self.t.date(decision.date) if decision.date else "",
            section=f"§ {decision.section}" if decision.section else "",
            diary_number=decision.diary_number or "",
            version=decision.version or "",
            stage=stage,
            applies=decision_applies(decision, self.wb),
        )

    def party(self, party: Party, kind: str) -> PartyView:
        t = self.t
        forms = approval.forms(self.wb, party, t)
        stage = approval.approver_stage(party, t)
        board = approval.board_of(party, t)
        recorded = (
            self.decision(party.board_decision, approval.BOARD) if board else None,
            self.decision(party.decision, stage),
        )
        decisions = tuple(d for d in recorded if d is not None)
        applying = {d.stage: d for d in decisions if d.applies}
        recorded_diary = next((d.diary_number for d in decisions if d.diary_number), "")
        diary = party.diary_number or recorded_diary
        return PartyView(
            id=party.id,
            kind=kind,
            name=self.text(party.name),
            approver=self.text(party.approver),
            code=party.code if isinstance(party, Municipality) else "",
            business_id=party.business_id or "",
            address=party.address or "",
            contact=self.contact(party.contact),
            decision=applying.get(stage),
            languages=party_languages(self.wb, party.id),
            names=self.names_of(party),
            noun=forms.kind,
            genitive=forms.genitive,
            on_behalf=forms.on_behalf,
            board=board,
            approver_stage=stage,
            board_decision=applying.get(approval.BOARD) if board else None,
            decisions=decisions,
            diary_number=diary,
            preparer=self.contact(party.preparer or party.contact),
            presenter=approval.presenter(party, forms.kind, t),
            signatories=approval.signatories(party, forms.kind, t),
        )

    def names_of(self, party: Party) -> tuple[NameView, ...]:
        languages = party_languages(self.wb, party.id)
        if self.lang not in languages:
            return (NameView(self.lang, self.text(party.name)),)
        name = party.name
        sami = tuple(s for s in SAMI if name.plain is None and s in name.texts)
        shown: list[NameView] = []
        for language in (*languages, *sami):
            text = name.get(language)
            if all(text != n.text for n in shown):
                shown.append(NameView(language, text))
        return tuple(shown)

    def party_name(self, party_id: str) -> str:
        return party_name(self.wb, party_id, self.t)

    def indicator(self, goal: Goal, indicator_id: str) -> IndicatorView:
        for g in self.wb.goals:
            for i in g.indicators:
                if i.id == indicator_id:
                    # An indicator of Sotkanet that names no source has THL's (CC BY 4.0).
                    source = self.text(i.source) or (
                        "THL, Sotkanet" if i.sotkanet is not None else ""
                    )
                    return IndicatorView(
                        i.id,
                        self.text(i.name),
                        self.text(i.baseline),
                        self.text(i.target),
                        source,
                    )
        raise KeyError(indicator_id)  # validation guarantees every reference resolves

    def measure(self, goal: Goal, measure: Measure) -> MeasureView:
        return MeasureView(
            id=measure.id,
            text=self.blocks(measure.text),
            responsible=tuple(
                ResponsibleView(self.party_name(r), i == 0)
                for i, r in enumerate(measure.responsible)
            ),
            schedule=measure.schedule or "",
            indicators=tuple(self.indicator(goal, i) for i in measure.indicators),
            only_for=tuple(self.party_name(m) for m in measure.municipalities),
        )

    def goal(self, goal: Goal) -> GoalView:
        return GoalView(
            id=goal.id,
            anchor=anchor("goal", goal.id),
            title=self.text(goal.title),
            description=self.blocks(goal.description),
            indicators=tuple(self.indicator(goal, i.id) for i in goal.indicators),
            measures=tuple(self.measure(goal, m) for m in goal.measures),
        )


DOCUMENTS = ("agreement", "plan")


def plan_title(workbook: Workbook, t: Catalog) -> str:
    """The plan's title in `t`'s language: its own, else the catalog's."""
    plan = workbook.plan
    if plan is not None and plan.title is not None:
        return plan.title.get(t.language)
    return t("plan_title")


def build_context(
    workbook: Workbook, language: str, templates: Templates | Path, document: str = "agreement"
) -> DocumentContext:
    """The context of every document of `workbook` in `language`, with the message catalog of
    `templates` (or of a folder of catalogs). In the two-document form (`plan:`), `document`
    says which: the agreement (which then refers to the plan) or the plan."""
    t = load_catalog(templates, language)
    separate = workbook.plan is not None and document == "agreement"
    # The same templates word the plan, and the agreement that refers to it, otherwise: by the
    # catalog's labels `plan.<label>` and `separate.<label>` in place of `<label>`.
    if document == "plan":
        t = t.variant("plan.")
    elif separate:
        t = t.variant("separate.")
    agreement_title = workbook.agreement.title.get(language)
    if document == "plan":
        workbook = for_plan(workbook)
    b = _Builder(workbook, t)
    agreement = workbook.agreement
    draft = agreement.status == "draft"
    area = b.party(workbook.wellbeing_area, "area")
    municipalities = tuple(b.party(m, "municipality") for m in workbook.municipalities)
    others = tuple(b.party(p, "other") for p in workbook.other_parties)
    if agreement.party_order == "alphabetical":
        # The area first, then the municipalities and the other parties, each in the order of
        # the document's alphabet (Swedish names in Swedish order, Finnish in Finnish).
        key = sort_key(language)
        municipalities = tuple(sorted(municipalities, key=lambda p: key(p.name)))
        others = tuple(sorted(others, key=lambda p: key(p.name)))
    parties = (area, *municipalities, *others)

    goal_views = {g.id: b.goal(g) for g in workbook.goals}
    themes: list[tuple[str, str, list[GoalView]]] = [
        (th.id, b.text(th.title), [goal_views[g.id] for g in workbook.goals if g.theme == th.id])
        for th in workbook.themes
    ]
    themes = [entry for entry in themes if entry[2]]
    unthemed = [goal_views[g.id] for g in workbook.goals if g.theme is None]
    if unthemed:
        themes.append(("other", t("other_goals") if themes else "", unthemed))

    # (key, title, body, anchor): the chapters in the outline of an agreement, numbered in order.
    if separate:
        goal_views, themes = {}, []  # the goals are in the plan
    chapters = _chapters(workbook, b, document, separate, agreement_title)
    sections = tuple(
        SectionView(key, str(n), anchor_id, title, body)
        for n, (key, title, body, anchor_id) in enumerate(chapters, 1)
    )
    goals_number = next((s.number for s in sections if s.key == "goals"), "")
    theme_views = tuple(
        ThemeView(
            number=f"{goals_number}.{i}" if title else "",
            anchor=anchor("theme", theme_id),
            title=title,
            goals=tuple(goals),
        )
        for i, (theme_id, title, goals) in enumerate(themes, 1)
    )
    numbers = {s.key: s.number for s in sections}
    forums = tuple(
        ForumView(
            anchor("forum", f.id),
            b.text(f.name),
            b.blocks(f.members),
            b.blocks(f.meets),
            b.blocks(f.tasks),
            number=f"{numbers['forums']}.{i}",
        )
        for i, f in enumerate(workbook.forums, 1)
    )
    monitoring = workbook.monitoring
    reports = tuple(
        ReportView(b.text(r.when), b.text(r.what), tuple(b.party_name(p) for p in r.responsible))
        for r in (monitoring.reports if monitoring else [])
    )

    subsections: dict[str, tuple[TocEntry, ...]] = {
        "goals": tuple(
            TocEntry(th.anchor, f"{th.number} {th.title}") for th in theme_views if th.title
        ),
        "forums": tuple(TocEntry(f.anchor, f"{f.number} {f.name}") for f in forums),
    }
    if reports:
        subsections["monitoring"] = (
            TocEntry("s-reports", f"{numbers['monitoring']}.1 {t('reports')}"),
        )
    # The approval chapter: the decisions recorded (if any), then the list of annexes.
    approval_parts = (
        [("s-decisions", t("decisions_title"))] if any(p.decisions for p in parties) else []
    )
    approval_parts.append(("s-annexes", t("annexes")))
    subsections["approval"] = tuple(
        TocEntry(anchor_id, f"{numbers['approval']}.{n} {title}")
        for n, (anchor_id, title) in enumerate(approval_parts, 1)
    )
    toc = tuple(
        TocEntry(s.anchor, f"{s.number} {s.title}", subsections.get(s.key, ())) for s in sections
    )

    title = b.text(agreement.title)
    titles: dict[str, str] = {lang: agreement.title.get(lang) for lang in agreement.languages}
    if document == "plan":
        titles = {
            lang: plan_title(workbook, load_catalog(templates, lang))
            for lang in agreement.languages
        }
        title = titles[language]
    period = f"{t.date(agreement.period.start)}–{t.date(agreement.period.end)}"
    status_mark = t("draft_mark") if draft else ""
    preparer = b.contact(agreement.preparer)
    context = DocumentContext(
        language=language,
        t=t,
        title=title,
        titles=titles,
        title_genitive=(
            (agreement.title_genitive or "") if language == "fi" and document != "plan" else ""
        ),
        subject=t("subject", area=area.name, period=period),
        author=preparer.name if preparer else area.name,
        keywords=", ".join(
            k
            for k in (
                t("keyword_agreement"),
                area.name,
                t("version_label", version=agreement.version),
                status_mark,
            )
            if k
        ),
        version=agreement.version,
        draft=draft,
        status_mark=status_mark,
        date_iso=agreement.date.isoformat(),
        date=t.date(agreement.date),
        long_date=t.long_date(agreement.date),
        period=period,
        diary_number=agreement.diary_number or "",
        preparer=preparer,
        area=area,
        parties=parties,
        municipalities=municipalities,
        purpose=b.blocks(agreement.purpose),
        themes=theme_views,
        forums=forums,
        monitoring_text=b.blocks(monitoring.text) if monitoring else (),
        reports=reports,
        sections=sections,
        toc=toc,
    )
    context.proper_names = _proper_names(workbook)
    context.covered = frozenset(c for section in workbook.sections for c in section.covers)
    context.document, context.separate_plan = document, separate
    context.agreement_title = agreement_title
    context.plan_title = plan_title(workbook, t) if workbook.plan is not None else ""
    if separate:  # no measure concerns anyone in the agreement: they are in the plan
        context.concerns = {party.id: () for party in workbook.parties}
        return context
    context.concerns = {
        party.id: _concerns(workbook, party.id, goal_views) for party in workbook.parties
    }
    any_municipality = workbook.municipalities[0].id  # in these measures, each is as any other
    context.common = tuple(
        Concern(goal_views[goal.id], view, role_of(any_municipality, measure, workbook) or "")
        for goal in workbook.goals
        for measure, view in zip(goal.measures, goal_views[goal.id].measures, strict=True)
        if concerns_all_alike(measure, workbook)
    )
    return context


Chapter = tuple[str, str, tuple[Block, ...], str]  # (key, title, body, anchor)


def _chapters(
    workbook: Workbook, b: _Builder, document: str, separate: bool, agreement_title: str
) -> list[Chapter]:
    """The chapters in the outline of the document, numbered in order: an agreement's, or in
    the two-document form the plan's (what it belongs to, its goals and its approval)."""
    t = b.t
    if document == "plan":
        basis = blocks(t("plan_basis_text", agreement=agreement_title))
        return [
            ("text", t("section_plan_basis"), basis, "s-plan-basis"),
            ("goals", t("section_goals"), (), "s-goals"),
            ("approval", t("section_approval"), (), "s-approval"),
        ]
    chapters: list[Chapter] = [
        ("parties", t("section_parties"), (), "s-parties"),
        ("purpose", t("section_purpose"), b.blocks(workbook.agreement.purpose), "s-purpose"),
    ]
    if separate:
        # Named without the plan's version: a revised plan changes no byte of the agreement.
        text = blocks(t("plan_reference_text", plan=plan_title(workbook, t)))
        chapters.append(("text", t("section_goals"), text, "s-goals"))
    else:
        chapters.append(("goals", t("section_goals"), (), "s-goals"))
    if workbook.forums:
        chapters.append(("forums", t("section_forums"), (), "s-forums"))
    if workbook.monitoring is not None:
        chapters.append(("monitoring", t("section_monitoring"), (), "s-monitoring"))
    chapters = _placed(chapters, workbook, b)
    chapters.append(("approval", t("section_approval"), (), "s-approval"))
    return chapters


def _placed(chapters: list[Chapter], workbook: Workbook, b: _Builder) -> list[Chapter]:
    """The free sections among the chapters: each right after the chapter or section its
    `after` names (several after one, in the workbook's order), the others at the end."""
    out = list(chapters)
    # A chapter's anchor is s-<its key> (the goals' too where the plan holds them).
    anchors = {key: f"s-{key}" for key in CHAPTERS}
    last_after: dict[str, str] = {}  # an anchor → the anchor of the last entry put after it
    pending = list(workbook.sections)
    while pending:
        progress = False
        for section in list(pending):
            entry = (
                "text",
                b.text(section.title),
                b.blocks(section.body),
                anchor("section", section.id),
            )
            if section.after is None:
                out.append(entry)
            else:
                after = section.after
                target = anchors.get(after) or (
                    anchor("section", after)
                    if any(s.id == after for s in workbook.sections)
                    else ""
                )
                positions = [i for i, c in enumerate(out) if c[3] == target]
                if not positions:
                    continue  # its predecessor is not placed yet
                # After the target and whatever was already put after it (and after those).
                end = last_after.get(target, target)
                while end in last_after and end != target:
                    end = last_after[end]
                index = next(i for i, c in enumerate(out) if c[3] == end)
                out.insert(index + 1, entry)
                last_after[target] = entry[3]
            pending.remove(section)
            progress = True
        if not progress:  # validation refuses circles and unknown names; never loop forever
            out.extend(
                ("text", b.text(s.title), b.blocks(s.body), anchor("section", s.id))
                for s in pending
            )
            break
    return out


def _texts(value: LocalizedText | None) -> list[str]:
    if value is None:
        return []
    return [value.plain] if value.plain is not None else list(value.texts.values())


def _proper_names(workbook: Workbook) -> tuple[str, ...]:
    """Names of parties (every language), forums and people. The approving bodies' names are
    common nouns (kunnanvaltuusto, kommunfullmäktige) and break at their compound joints."""
    names: list[str] = []
    for party in workbook.parties:
        names += _texts(party.name)
        if party.contact is not None:
            names.append(party.contact.name)
    names += [text for forum in workbook.forums for text in _texts(forum.name)]
    if workbook.agreement.preparer is not None:
        names.append(workbook.agreement.preparer.name)
    return tuple(sorted(set(names)))


def _concerns(workbook: Workbook, party_id: str, goals: dict[str, GoalView]) -> tuple[Concern, ...]:
    found: list[Concern] = []
    for goal in workbook.goals:
        view = goals[goal.id]
        for measure, measure_view in zip(goal.measures, view.measures, strict=True):
            role = role_of(party_id, measure, workbook)
            if role is not None:
                found.append(Concern(view, measure_view, role))
    return tuple(found)
