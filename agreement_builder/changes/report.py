"""The changes as text for the terminal: one heading line per change, one line per value.

Changed words are marked `[-old-]{+new+}` (as `git diff --word-diff` does), or with colours when
the text goes to a terminal. Labels are the workbook's own keys (`schedule`, `responsible`), so a
preparer finds in the file what the report names.
"""

from __future__ import annotations

import click

from ..textdiff import word_diff
from .compare import Change, ChangeSet, FieldChange, Value

_KIND_COLOURS = {"added": "green", "removed": "red", "changed": "yellow", "moved": "cyan"}
_PARENTS = {"goal": "theme", "indicator": "goal", "measure": "goal"}


def format_text(changes: ChangeSet, *, color: bool = False) -> str:
    """The whole report: what was compared, the counts, then every change."""
    old, new = changes.old.agreement, changes.new.agreement
    lines = [
        f"{new.id}: version {old.version} ({old.date.isoformat()}) → "
        f"version {new.version} ({new.date.isoformat()})"
    ]
    if not changes.changes:
        lines.append("no changes")
        return "\n".join(lines) + "\n"
    counts = ", ".join(f"{n} {kind}" for kind, n in changes.counts().items() if n)
    noun = "change" if len(changes) == 1 else "changes"
    lines.append(f"{len(changes)} {noun}: {counts}")
    multilingual = len(set(old.languages) | set(new.languages)) > 1
    for change in changes.changes:
        lines.append("")
        lines.append(_heading(change, color))
        for item in change.fields:
            lines.append(f"  {_label(item, multilingual)}: {_value_line(change, item, color)}")
    return "\n".join(lines) + "\n"


def _heading(change: Change, color: bool) -> str:
    name = f"{change.subject} {change.id}"
    if change.renumbered:
        name += f" (was {change.old_id})"
    parent_kind = _PARENTS.get(change.subject)
    kind = (
        click.style(change.kind, fg=_KIND_COLOURS[change.kind], bold=True)
        if color
        else (change.kind)
    )
    if change.kind == "moved" and parent_kind:
        if change.reparented:
            where = f"from {_place(parent_kind, change.old_parent)} "
            where += f"to {_place(parent_kind, change.parent)}"
        else:
            where = f"within {_place(parent_kind, change.parent)}"
        return f"{_bold(name, color)} {kind} {where}"
    if change.kind == "moved":
        return f"{_bold(name, color)} {kind} (its place in the order changed)"
    where = f" ({_place(parent_kind, change.parent)})" if parent_kind and change.parent else ""
    return f"{_bold(name, color)}{where} {kind}"


def _place(parent_kind: str, parent: str | None) -> str:
    return f"{parent_kind} {parent}" if parent else f"no {parent_kind}"


def _label(item: FieldChange, multilingual: bool) -> str:
    return f"{item.field} ({item.language})" if item.language and multilingual else item.field


def _value_line(change: Change, item: FieldChange, color: bool) -> str:
    old, new = _shown(item.old), _shown(item.new)
    if change.kind == "added" or item.old is None:
        return _mark("+", new, color) if change.kind != "added" else new
    if change.kind == "removed" or item.new is None:
        return _mark("-", old, color) if change.kind != "removed" else old
    return "".join(_mark(op, text, color) for op, text in word_diff(old, new))


def _shown(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, tuple):
        return ", ".join(value)
    return " ".join(value.split())  # prose on one line


def _mark(op: str, text: str, color: bool) -> str:
    if op == "=" or not text:
        return text
    if color:
        return click.style(text, fg="red" if op == "-" else "green", strikethrough=op == "-")
    return f"[-{text}-]" if op == "-" else f"{{+{text}+}}"


def _bold(text: str, color: bool) -> str:
    return click.style(text, bold=True) if color else text
