"""Writing workbook data as YAML in the examples' style, the same data always as the same text.

Short localized texts and id lists stay on one line (`name: {fi: Ranuan kunta}`), long text
becomes a `|` block, and the emitter quotes whatever YAML would otherwise read as something
else (`code: '047'`, `version: '0.3'`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import yaml

WIDTH = 100
_FLOW_LIMIT = 72  # a mapping or list shorter than this, of one-line scalars, stays on one line
_STR = "tag:yaml.org,2002:str"


class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        # Indent list items under their key, as the examples do.
        super().increase_indent(flow, False)


def dump_workbook(data: dict[str, Any], header: str = "") -> str:
    """YAML text of workbook data, a blank line between top-level keys; `header` becomes
    comment lines at the top."""
    text = yaml.serialize(
        _node(data, top=True),
        Dumper=_Dumper,
        allow_unicode=True,
        width=WIDTH,
        indent=2,
        explicit_start=False,
    )
    lines: list[str] = []
    for line in text.splitlines():
        if lines and line and not line.startswith((" ", "-", "#")):
            lines.append("")
        lines.append(line)
    comments = [f"# {line}".rstrip() for line in header.splitlines()] if header else []
    return "\n".join([*comments, *([""] if comments else []), *lines]) + "\n"


def _scalar(value: Any) -> yaml.ScalarNode:
    if isinstance(value, bool):
        return yaml.ScalarNode("tag:yaml.org,2002:bool", "true" if value else "false")
    if isinstance(value, int | float):
        tag = "int" if isinstance(value, int) else "float"
        return yaml.ScalarNode(f"tag:yaml.org,2002:{tag}", repr(value))
    if isinstance(value, dt.date):
        return yaml.ScalarNode("tag:yaml.org,2002:timestamp", value.isoformat())
    text = str(value)
    style = "|" if "\n" in text else None
    return yaml.ScalarNode(_STR, text, style=style)


def _short(value: Any) -> bool:
    return not isinstance(value, dict | list) and "\n" not in str(value)


def _node(value: Any, top: bool = False) -> yaml.Node:
    if isinstance(value, dict):
        pairs = [(yaml.ScalarNode(_STR, str(k)), _node(v)) for k, v in value.items()]
        flow = (
            not top
            and bool(value)
            and all(_short(v) for v in value.values())
            and sum(len(str(k)) + len(str(v)) + 4 for k, v in value.items()) <= _FLOW_LIMIT
        )
        return yaml.MappingNode("tag:yaml.org,2002:map", pairs, flow_style=flow)
    if isinstance(value, list):
        items = [_node(item) for item in value]
        flow = all(_short(v) for v in value) and sum(len(str(v)) + 2 for v in value) <= (
            _FLOW_LIMIT
        )
        return yaml.SequenceNode("tag:yaml.org,2002:seq", items, flow_style=flow)
    return _scalar(value)
