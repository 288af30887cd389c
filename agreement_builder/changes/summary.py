"""The change summary of one language: what the templates show of a ChangeSet.

Changes are grouped the way the agreement reads (its details, the parties, the themes, each
goal with its indicators and measures, the forums, monitoring, the other sections); every value
is shown in the document's language, party references by name, dates as dates, and the changed
words of each value are marked. The labels come from the language's catalog (`changes_*`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from ..document.context import party_name
from ..document.i18n import Catalog
from ..textdiff import word_diff
from ..workbook.model import Workbook
from .compare import Change, ChangeSet, FieldChange, Value

# Values longer than this are shown before and after on rows of their own, not `old → new`.
LONG_VALUE = 60
SUBJECT_LABEL = "changes_subject."
FIELD_LABEL = "changes_field."
KIND_LABEL = "changes_kind."
# Fields whose values are party ids, shown as the parties' names.
PARTY_FIELDS = {"responsible", "municipalities"}
DATE_FIELDS = {"period.start", "period.end", "decision.date"}

Segment = tuple[str, str]  # ("=", text), ("-", deleted) or ("+", inserted)


@dataclass(frozen=True)
class ValueView:
    label: str
    old: tuple[Segment, ...]  # empty for an added item's value
    new: tuple[Segment, ...]  # empty for a removed item's value
    long: bool  # shown before and after on rows of their own


@dataclass(frozen=True)
class EntryView:
    kind: str  # added, removed, changed, moved: a hook for the stylesheet
    heading: str
    status: str
    values: tuple[ValueView, ...]
    note: str  # e.g. that only the other language's text changed


@dataclass(frozen=True)
class GroupView:
    title: str
    entries: tuple[EntryView, ...]


@dataclass(frozen=True)
class SummaryView:
    title: str  # "Muutokset versioon 0.4"
    compared: str  # "Verrattuna versioon 0.3 (20.11.2026)"
    counts: str
    empty: bool
    groups: tuple[GroupView, ...]


def summary_view(changes: ChangeSet, t: Catalog) -> SummaryView:
    """The summary of `changes` in the catalog's language."""
    old, new = changes.old.agreement, changes.new.agreement
    counts = changes.counts()
    return SummaryView(
        title=t("changes_title", version=new.version),
        compared=t("changes_compared", version=old.version, date=t.date(old.date)),
        counts=t("changes_counts", **counts),
        empty=not changes.changes,
        groups=tuple(_Summary(changes, t).groups()),
    )


class _Summary:
    def __init__(self, changes: ChangeSet, t: Catalog) -> None:
        self.changes = changes
        self.t = t
        self.language = t.language
        self.languages = set(changes.old.agreement.languages) | set(changes.new.agreement.languages)

    def groups(self) -> Iterator[GroupView]:
        t = self.t
        plain_groups: tuple[tuple[tuple[str, ...], str], ...] = (
            (("agreement",), t("changes_group_agreement")),
            (("party",), t("section_parties")),
            (("theme",), t("changes_group_themes")),
        )
        for subjects, title in plain_groups:
            yield from self.group(title, [c for c in self.changes.changes if c.subject in subjects])
        for goal_id, title in self.goals():
            in_goal = [
                c
                for c in self.changes.changes
                if (c.subject == "goal" and c.id == goal_id)
                or (c.subject in ("indicator", "measure") and c.parent == goal_id)
            ]
            yield from self.group(title, in_goal)
        after_goals: tuple[tuple[tuple[str, ...], str], ...] = (
            (("forum",), t("section_forums")),
            (("monitoring", "report"), t("section_monitoring")),
            (("section",), t("changes_group_sections")),
        )
        for subjects, title in after_goals:
            yield from self.group(title, [c for c in self.changes.changes if c.subject in subjects])

    def goals(self) -> Iterator[tuple[str, str]]:
        """Each goal of the new version, then each removed one: its id and its heading."""
        seen: set[str] = set()
        for goal in [*self.changes.new.goals, *self.changes.old.goals]:
            if goal.id not in seen:
                seen.add(goal.id)
                title = goal.title.get(self.language)
                yield goal.id, self.t("goal_heading", id=goal.id, title=title)

    def group(self, title: str, changes: list[Change]) -> Iterator[GroupView]:
        if changes:
            yield GroupView(title, tuple(self.entry(c) for c in changes))

    def entry(self, change: Change) -> EntryView:
        t = self.t
        subject = t(SUBJECT_LABEL + change.subject)
        name = self.name(change)
        numbered = change.subject in ("goal", "indicator", "measure", "report")
        heading = (f"{subject} {name}" if numbered else f"{subject}: {name}") if name else subject
        if change.renumbered:
            heading += f" ({t('changes_renumbered', id=change.old_id)})"
        status = t(KIND_LABEL + change.kind)
        if change.kind == "moved":
            if change.reparented:
                status = t("changes_moved_from", place=self.place(change))
            else:
                status = t("changes_reordered")
        shown = [f for f in change.fields if self.shows(f)]
        other = sorted({f.language for f in change.fields if not self.shows(f) and f.language})
        note = t("changes_other_language", languages=", ".join(other)) if other else ""
        values = tuple(self.value(change, f) for f in shown)
        if change.kind == "moved" and not values:
            values = self.what_it_says(change)
        return EntryView(change.kind, heading, status, values, note)

    def what_it_says(self, change: Change) -> tuple[ValueView, ...]:
        """A moved item's own words, so that the reader knows which one moved."""
        for name in ("text", "title", "name"):
            value = getattr(change.item, name, None)
            if value is not None and value.has(self.language):
                text = " ".join(value.get(self.language).split())
                label = self.t(FIELD_LABEL + name)
                return (ValueView(label, (), (("=", text),), len(text) > LONG_VALUE),)
        return ()

    def shows(self, item: FieldChange) -> bool:
        """A text in the other agreement language belongs to that language's summary."""
        return (
            item.language is None
            or item.language == self.language
            or item.language not in self.languages
        )

    def name(self, change: Change) -> str:
        if change.subject in ("goal", "indicator", "measure"):
            return change.id
        if change.subject == "report":
            return change.id
        item = change.item
        for attribute in ("name", "title"):
            text = getattr(item, attribute, None)
            if text is not None and change.subject != "agreement":
                return text.get(self.language) if text.has(self.language) else change.id
        return ""

    def place(self, change: Change) -> str:
        """Where a moved item stood: `Tavoite T3`, or the old theme's title."""
        if change.subject in ("indicator", "measure"):
            return f"{self.t(SUBJECT_LABEL + 'goal')} {change.old_parent}"
        if change.old_parent is None:
            return self.t("other_goals")
        theme = next((th for th in self.changes.old.themes if th.id == change.old_parent), None)
        title = theme.title.get(self.language) if theme is not None else change.old_parent
        return f"{self.t(SUBJECT_LABEL + 'theme')} {title}"

    def value(self, change: Change, item: FieldChange) -> ValueView:
        label = self.t(FIELD_LABEL + item.field)
        if item.language and item.language != self.language:
            label += f" ({item.language})"
        old = self.shown(item.field, item.old, self.changes.old)
        new = self.shown(item.field, item.new, self.changes.new)
        long = max(len(old), len(new)) > LONG_VALUE
        if change.kind == "added" or not old:
            return ValueView(label, (), (("+" if change.kind != "added" else "=", new),), long)
        if change.kind == "removed" or not new:
            return ValueView(label, (("-" if change.kind != "removed" else "=", old),), (), long)
        segments = word_diff(old, new)
        return ValueView(
            label,
            tuple(s for s in segments if s[0] != "+"),
            tuple(s for s in segments if s[0] != "-"),
            long,
        )

    def shown(self, field: str, value: Value, workbook: Workbook) -> str:
        """A value as the document would print it."""
        if value is None:
            return ""
        if field in PARTY_FIELDS and isinstance(value, tuple):
            names = [party_name(workbook, p, self.t) for p in value]
            if field == "responsible" and names:
                names[0] = f"{names[0]} ({self.t('lead')})"
            return ", ".join(names)
        if isinstance(value, tuple):
            return ", ".join(value)
        if field in DATE_FIELDS:
            return self.t.date(dt.date.fromisoformat(value))
        if field == "status":
            return self.t("status_draft") if value == "draft" else self.t("status_final")
        return " ".join(value.split())
