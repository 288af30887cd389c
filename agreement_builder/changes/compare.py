"""What changed between two versions of a workbook, in the workbook's own terms.

Items with ids (parties, themes, goals, indicators, measures, forums, sections) are matched by
id, so that reformatting the file or reordering its keys changes nothing. An item whose id
changed but whose text stayed nearly the same is the same item renumbered, not a removal and an
addition; an item under another parent (a measure under another goal, a goal under another theme)
or in another place among its siblings has moved.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any, get_args

from pydantic import BaseModel

from ..textdiff import similarity
from ..workbook import model
from ..workbook.model import LocalizedText, Workbook

# How alike the texts of a removed and an added item must be for them to be one item renumbered.
RENUMBERED_SIMILARITY = 0.8

Value = str | tuple[str, ...] | None

# Each kind of item compared, its model, and what is not compared as one of its values (its id,
# what is compared as items of their own, and what tells two versions apart).
SUBJECTS: dict[str, tuple[type[BaseModel], frozenset[str]]] = {
    "agreement": (model.Agreement, frozenset({"id", "version", "date"})),
    "party": (model.Municipality, frozenset({"id"})),  # a municipality has every party's keys
    "theme": (model.Theme, frozenset({"id"})),
    "goal": (model.Goal, frozenset({"id", "theme", "indicators", "measures"})),
    "indicator": (model.Indicator, frozenset({"id"})),
    "measure": (model.Measure, frozenset({"id"})),
    "forum": (model.Forum, frozenset({"id"})),
    "monitoring": (model.Monitoring, frozenset({"reports"})),
    "report": (model.Report, frozenset()),
    "section": (model.Section, frozenset({"id"})),
}
KINDS = ("added", "removed", "changed", "moved")


def field_paths() -> set[str]:
    """Every `FieldChange.field` a comparison can report (`schedule`, `contact.name`, ...)."""

    def walk(cls: type[BaseModel], prefix: str, skip: frozenset[str]) -> Iterator[str]:
        for name, info in cls.model_fields.items():
            if name in skip:
                continue
            nested = [
                a
                for a in (get_args(info.annotation) or (info.annotation,))
                if isinstance(a, type) and issubclass(a, BaseModel)
            ]
            if nested:
                yield from walk(nested[0], f"{prefix}{name}.", frozenset())
            else:
                yield prefix + name

    return {"id"} | {p for cls, skip in SUBJECTS.values() for p in walk(cls, "", skip)}


@dataclass(frozen=True)
class FieldChange:
    """One value of an item that differs: `field` is the workbook's key (`schedule`,
    `contact.name`); `language` is set for a localized text, one change per language."""

    field: str
    old: Value
    new: Value
    language: str | None = None


@dataclass(frozen=True)
class Change:
    """An item added, removed, changed or moved.

    `parent` is where the item stands (a measure's or an indicator's goal, a goal's theme): in the
    new version, or in the old one for a removed item; `old_parent` is where it stood before a
    move. `old_id` is set when the item was renumbered. `item` is the item itself (the old one
    when removed), `old_item` the old one of a changed or moved item.
    """

    subject: str
    kind: str
    id: str
    old_id: str | None = None
    parent: str | None = None
    old_parent: str | None = None
    fields: tuple[FieldChange, ...] = ()
    item: Any = field(default=None, compare=False, repr=False)
    old_item: Any = field(default=None, compare=False, repr=False)

    @property
    def renumbered(self) -> bool:
        return self.old_id is not None and self.old_id != self.id

    @property
    def reparented(self) -> bool:
        return self.kind == "moved" and self.old_parent != self.parent


@dataclass(frozen=True)
class ChangeSet:
    """Every change from `old` to `new`, in the order of the agreement."""

    old: Workbook
    new: Workbook
    changes: tuple[Change, ...]

    def __len__(self) -> int:
        return len(self.changes)

    def counts(self) -> dict[str, int]:
        """How many changes of each kind, in the order added, removed, changed, moved."""
        return {kind: sum(c.kind == kind for c in self.changes) for kind in KINDS}

    def of(self, subject: str) -> list[Change]:
        return [c for c in self.changes if c.subject == subject]


def compare(old: Workbook, new: Workbook) -> ChangeSet:
    """The changes from the workbook `old` to the workbook `new` (both validated models).

    The version and the date are what tells two versions apart, not a change in them.
    """
    languages = tuple(dict.fromkeys([*new.agreement.languages, *old.agreement.languages]))
    main = languages[0]
    differ = _Differ(languages)
    changes: list[Change] = []

    agreement_fields = differ.fields(old.agreement, new.agreement, skip=SUBJECTS["agreement"][1])
    if agreement_fields:
        changes.append(
            Change(
                "agreement",
                "changed",
                new.agreement.id,
                fields=tuple(agreement_fields),
                item=new.agreement,
                old_item=old.agreement,
            )
        )

    def name_of(item: Any) -> str:
        return _text(item.name, main) or ""

    changes += differ.collection(
        "party", [(None, p) for p in old.parties], [(None, p) for p in new.parties], name_of
    )
    changes += differ.collection(
        "theme",
        [(None, t) for t in old.themes],
        [(None, t) for t in new.themes],
        lambda t: _text(t.title, main) or "",
    )
    changes += differ.collection(
        "goal",
        [(g.theme, g) for g in old.goals],
        [(g.theme, g) for g in new.goals],
        lambda g: _text(g.title, main) or "",
    )
    changes += differ.collection(
        "indicator",
        [(g.id, i) for g in old.goals for i in g.indicators],
        [(g.id, i) for g in new.goals for i in g.indicators],
        name_of,
    )
    changes += differ.collection(
        "measure",
        [(g.id, m) for g, m in old.measures()],
        [(g.id, m) for g, m in new.measures()],
        lambda m: _text(m.text, main) or "",
    )
    changes += differ.collection(
        "forum", [(None, f) for f in old.forums], [(None, f) for f in new.forums], name_of
    )
    changes += _monitoring(differ, old, new)
    changes += differ.collection(
        "section",
        [(None, s) for s in old.sections],
        [(None, s) for s in new.sections],
        lambda s: _text(s.title, main) or "",
    )
    return ChangeSet(old, new, tuple(changes))


def _monitoring(differ: _Differ, old: Workbook, new: Workbook) -> list[Change]:
    a, b = old.monitoring, new.monitoring
    if a is None and b is None:
        return []
    if a is None or b is None:
        kind = "added" if a is None else "removed"
        content = tuple(differ.fields(a, b, skip=SUBJECTS["monitoring"][1]))
        return [Change("monitoring", kind, "monitoring", fields=content, item=b or a)]
    changes: list[Change] = []
    skip = SUBJECTS["monitoring"][1]
    text = differ.fields(a, b, skip=skip)
    if text:
        changes.append(Change("monitoring", "changed", "monitoring", fields=tuple(text), item=b))
    # Reports have no ids: align them by their content, and a report that stands where another
    # stood, changed, is that report changed.
    keys_a = [differ.key(r) for r in a.reports]
    keys_b = [differ.key(r) for r in b.reports]
    matcher = SequenceMatcher(None, keys_a, keys_b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        pairs = min(i2 - i1, j2 - j1)
        for k in range(pairs):
            old_report, new_report = a.reports[i1 + k], b.reports[j1 + k]
            changes.append(
                Change(
                    "report",
                    "changed",
                    str(j1 + k + 1),
                    fields=tuple(differ.fields(old_report, new_report)),
                    item=new_report,
                    old_item=old_report,
                )
            )
        for j in range(j1 + pairs, j2):
            content = tuple(differ.fields(None, b.reports[j], skip=()))
            changes.append(Change("report", "added", str(j + 1), fields=content, item=b.reports[j]))
        for i in range(i1 + pairs, i2):
            content = tuple(differ.fields(a.reports[i], None, skip=()))
            changes.append(
                Change("report", "removed", str(i + 1), fields=content, item=a.reports[i])
            )
    return changes


class _Differ:
    def __init__(self, languages: tuple[str, ...]) -> None:
        self.languages = languages

    def fields(
        self, old: BaseModel | None, new: BaseModel | None, skip: Iterable[str] = ("id",)
    ) -> list[FieldChange]:
        """The values of two versions of one item that differ, nested models flattened."""
        skipped = set(skip)
        either = new if new is not None else old
        if either is None:
            return []
        out: list[FieldChange] = []
        for name in type(either).model_fields:
            if name in skipped:
                continue
            out += self.value(name, getattr(old, name, None), getattr(new, name, None))
        return out

    def value(self, name: str, old: Any, new: Any) -> list[FieldChange]:
        if old == new:
            return []
        if isinstance(old, LocalizedText) or isinstance(new, LocalizedText):
            found = []
            for language in self.text_languages(old, new):
                a, b = _text(old, language), _text(new, language)
                if a != b:
                    found.append(FieldChange(name, a, b, language))
            return found
        if isinstance(old, BaseModel) or isinstance(new, BaseModel):
            return [
                FieldChange(f"{name}.{change.field}", change.old, change.new, change.language)
                for change in self.fields(old, new, skip=())
            ]
        plain_old, plain_new = _plain(old), _plain(new)
        return [] if plain_old == plain_new else [FieldChange(name, plain_old, plain_new)]

    def text_languages(self, *texts: LocalizedText | None) -> list[str]:
        """The agreement's languages, then any other language a text carries (a Sámi name)."""
        extra = [lang for t in texts if t is not None for lang in t.texts]
        return list(dict.fromkeys([*self.languages, *extra]))

    def key(self, item: BaseModel) -> tuple:
        """An item's whole content as a comparable value."""
        return tuple(
            (name, self._key_value(getattr(item, name))) for name in type(item).model_fields
        )

    def _key_value(self, value: Any) -> Any:
        if isinstance(value, LocalizedText):
            return tuple(_text(value, lang) for lang in self.text_languages(value))
        if isinstance(value, BaseModel):
            return self.key(value)
        return _plain(value)

    def collection(
        self,
        subject: str,
        old: Sequence[tuple[str | None, Any]],
        new: Sequence[tuple[str | None, Any]],
        text_of: Callable[[Any], str],
    ) -> list[Change]:
        """Changes among items with ids, each under a parent (or None): matched by id, then
        removed and added items whose texts are nearly equal matched as renumbered."""
        skipped = SUBJECTS[subject][1]
        old_by_id = {item.id: (parent, item) for parent, item in old}
        new_by_id = {item.id: (parent, item) for parent, item in new}
        pairs = {i: i for i in new_by_id if i in old_by_id}  # new id -> old id
        removed = [i for i in old_by_id if i not in new_by_id]
        added = [i for i in new_by_id if i not in old_by_id]
        pairs.update(_renumbered(removed, added, old_by_id, new_by_id, text_of))
        matched_old = set(pairs.values())
        reordered = _reordered(old, new, pairs)

        changes: list[Change] = []
        for parent, item in new:
            if item.id not in pairs:
                content = tuple(self.fields(None, item, skip=skipped))
                changes.append(Change(subject, "added", item.id, None, parent, None, content, item))
                continue
            old_id = pairs[item.id]
            old_parent, old_item = old_by_id[old_id]
            fields = self.fields(old_item, item, skip=skipped)
            if old_id != item.id:
                fields.insert(0, FieldChange("id", old_id, item.id))
            moved = old_parent != parent or item.id in reordered
            if not moved and not fields:
                continue
            changes.append(
                Change(
                    subject,
                    "moved" if moved else "changed",
                    item.id,
                    old_id=old_id if old_id != item.id else None,
                    parent=parent,
                    old_parent=old_parent,
                    fields=tuple(fields),
                    item=item,
                    old_item=old_item,
                )
            )
        for parent, item in old:
            if item.id not in matched_old:
                content = tuple(self.fields(item, None, skip=skipped))
                changes.append(
                    Change(subject, "removed", item.id, None, parent, None, content, item)
                )
        return changes


def _renumbered(
    removed: list[str],
    added: list[str],
    old_by_id: dict[str, tuple[str | None, Any]],
    new_by_id: dict[str, tuple[str | None, Any]],
    text_of: Callable[[Any], str],
) -> dict[str, str]:
    """Pairs (new id -> old id) of a removed and an added item with nearly the same text,
    the most alike first."""
    scored = sorted(
        (
            (similarity(text_of(old_by_id[o][1]), text_of(new_by_id[n][1])), n, o)
            for o in removed
            for n in added
        ),
        key=lambda entry: -entry[0],
    )
    pairs: dict[str, str] = {}
    taken: set[str] = set()
    for score, new_id, old_id in scored:
        if score < RENUMBERED_SIMILARITY:
            break
        if new_id not in pairs and old_id not in taken:
            pairs[new_id] = old_id
            taken.add(old_id)
    return pairs


def _reordered(
    old: Sequence[tuple[str | None, Any]],
    new: Sequence[tuple[str | None, Any]],
    pairs: dict[str, str],
) -> set[str]:
    """New ids of the items that stayed under their parent but changed place among the others
    that stayed: those outside the longest common order."""
    back = {old_id: new_id for new_id, old_id in pairs.items()}
    old_parent = {back[item.id]: parent for parent, item in old if item.id in back}
    stayed = [
        (parent, item.id)
        for parent, item in new
        if item.id in pairs and old_parent.get(item.id, parent) == parent
    ]
    moved: set[str] = set()
    for parent in dict.fromkeys(p for p, _ in stayed):
        ids = {i for p, i in stayed if p == parent}
        before = [back[item.id] for p, item in old if item.id in back and back[item.id] in ids]
        after = [i for p, i in stayed if p == parent]
        matcher = SequenceMatcher(None, before, after, autojunk=False)
        blocks = matcher.get_matching_blocks()
        kept = {i for block in blocks for i in after[block.b : block.b + block.size]}
        moved |= set(after) - kept
    return moved


def _text(value: LocalizedText | None, language: str) -> str | None:
    return value.get(language) if value is not None and value.has(language) else None


def _plain(value: Any) -> Value:
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return tuple(str(v) for v in value) or None  # an empty list says nothing
    return str(value)
