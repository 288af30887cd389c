"""A validated workbook as plain data: the dicts, lists, strings and dates a YAML file holds."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from .model import LocalizedText, Party, Workbook

# A municipality's keys in the order of the format's table (the model adds code and languages
# after the fields it shares with other parties).
_PARTY_ORDER = ("id", "code", "business_id", "address", "name", "languages", "approver")


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
        names = list(type(value).model_fields)
        if isinstance(value, Party):
            names.sort(key=lambda n: _PARTY_ORDER.index(n) if n in _PARTY_ORDER else 99)
        for name in names:
            item = getattr(value, name)
            if item is None or item == []:
                continue
            out[name] = _plain(item)
        return out
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value
