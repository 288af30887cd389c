"""A workbook as normalized YAML: what a built version keeps of what it was built from.

The snapshot is a valid workbook (load_workbook reads it back into the same model), whatever the
source looked like: comments, key order, quoting and spreadsheet layout are gone, the content
stays. Comparing two versions later needs nothing but their snapshots.
"""

from __future__ import annotations

from typing import Any

import yaml
from pydantic import BaseModel

from .model import LocalizedText, Workbook

HEADER = (
    "# The workbook this version was built from, as agreement-builder read it (normalized).\n"
    "# `agreement-builder diff` compares versions by it; edit the original workbook instead.\n"
)


class _Dumper(yaml.SafeDumper):
    """Prose of several lines as a `|` block, the way people write it in a workbook."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def snapshot_yaml(workbook: Workbook) -> bytes:
    """The workbook as YAML text: the model's keys in the model's order, empty values left out."""
    text = yaml.dump(
        _plain(workbook),
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        width=100,
        default_flow_style=False,
    )
    return (HEADER + text).encode("utf-8")


def _plain(value: Any) -> Any:
    if isinstance(value, LocalizedText):
        return value.plain if value.plain is not None else dict(value.texts)
    if isinstance(value, BaseModel):
        out = {}
        for name in type(value).model_fields:
            item = _plain(getattr(value, name))
            if item is not None and item != []:
                out[name] = item
        return out
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value
