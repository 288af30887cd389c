"""A validated workbook as plain data: the dicts, lists, strings and dates a YAML file holds."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from .model import LocalizedText, Workbook


def to_data(workbook: Workbook) -> dict[str, Any]:
    """The workbook as plain data in the format's key order, leaving out empty optional keys.

    Loading the result with `validate.check` gives a workbook equal to this one.
    """
    return _plain(workbook)


def _plain(value: Any) -> Any:
    if isinstance(value, LocalizedText):
        return value.plain if value.plain is not None else dict(value.texts)
    if isinstance(value, BaseModel):
        out: dict[str, Any] = {}
        for name in type(value).model_fields:
            item = getattr(value, name)
            if item is None or item == []:
                continue
            out[name] = _plain(item)
        return out
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value
