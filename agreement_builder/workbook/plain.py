"""A validated workbook as plain data: the dicts, lists, strings and dates a YAML file holds."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from .fields import model_at
from .model import LocalizedText, Party, Workbook
from .problems import Loc

# A municipality's keys in the order of the format's table (the model adds code and languages
# after the fields it shares with other parties).
_PARTY_ORDER = ("id", "code", "business_id", "address", "name", "languages", "approver")


def to_data(workbook: Workbook) -> dict[str, Any]:
    """The workbook as plain data in the format's key order, leaving out empty optional keys.

    Loading the result with `validate.check` gives a workbook equal to this one.
    """
    return _plain(workbook)


def ordered(data: Any, loc: Loc = ()) -> Any:
    """Unvalidated workbook data (a new one, placeholders and all) with every mapping's keys
    in the order `to_data` gives them; keys the model does not know come last."""
    if isinstance(data, list):
        return [ordered(item, (*loc, index)) for index, item in enumerate(data)]
    if not isinstance(data, dict):
        return data
    model = model_at(loc)
    names = _names(model) if model is not None else []
    rank = {name: index for index, name in enumerate(names)}
    keys = sorted(data, key=lambda key: rank.get(key, len(rank)))
    return {key: ordered(data[key], (*loc, key)) for key in keys}


def _names(model: type[BaseModel]) -> list[str]:
    names = list(model.model_fields)
    if issubclass(model, Party):
        names.sort(key=lambda n: _PARTY_ORDER.index(n) if n in _PARTY_ORDER else 99)
    return names


def _plain(value: Any) -> Any:
    if isinstance(value, LocalizedText):
        return value.plain if value.plain is not None else dict(value.texts)
    if isinstance(value, BaseModel):
        out: dict[str, Any] = {}
        fields = type(value).model_fields
        for name in _names(type(value)):
            item = getattr(value, name)
            if item is None or item == []:
                continue
            if isinstance(item, str) and item == fields[name].default:
                continue  # a choice left at its default (party_order: alphabetical)
            out[name] = _plain(item)
        return out
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value
