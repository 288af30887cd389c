"""Walking raw workbook data alongside the model's classes, and naming places in it."""

from __future__ import annotations

import types
from collections.abc import Iterator
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel

from .model import AS_WRITTEN, AnyLanguageText, LocalizedText, Workbook
from .problems import Loc


def _unwrap(annotation: Any) -> Any:
    """The model class or LocalizedText inside `X | None`, `list[X]` and `Annotated[X, ...]`."""
    origin = get_origin(annotation)
    if origin in (Union, types.UnionType, list):
        for arg in get_args(annotation):
            found = _unwrap(arg)
            if found is not None:
                return found
        return None
    if hasattr(annotation, "__metadata__"):
        return _unwrap(get_args(annotation)[0])
    if isinstance(annotation, type) and (
        issubclass(annotation, BaseModel) or issubclass(annotation, LocalizedText)
    ):
        return annotation
    return None


def model_at(loc: Loc) -> type[BaseModel] | None:
    """The model class that describes the mapping at `loc`, if any."""
    cls: Any = Workbook
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(cls, type) and issubclass(cls, BaseModel)):
            return None
        field = cls.model_fields.get(part)
        if field is None:
            return None
        cls = _unwrap(field.annotation)
    return cls if isinstance(cls, type) and issubclass(cls, BaseModel) else None


def localized_values(
    data: Any, cls: type[BaseModel] = Workbook, loc: Loc = ()
) -> Iterator[tuple[Loc, Any]]:
    """Every value in `data` that the model types as localized text, with its location."""
    if not isinstance(data, dict):
        return
    for name, field in cls.model_fields.items():
        if name not in data:
            continue
        inner = _unwrap(field.annotation)
        value = data[name]
        items = list(enumerate(value)) if isinstance(value, list) else [(None, value)]
        for index, item in items:
            item_loc = (*loc, name) if index is None else (*loc, name, index)
            if inner is AnyLanguageText and not isinstance(item, dict):
                continue  # its plain form serves every language
            if isinstance(inner, type) and issubclass(inner, LocalizedText):
                yield item_loc, item
            elif inner is not None:
                yield from localized_values(item, inner, item_loc)


def _marked(annotation: Any) -> bool:
    """Whether AS_WRITTEN is in `annotation` (inside `X | None` and `Annotated[...]`)."""
    if any(item is AS_WRITTEN for item in getattr(annotation, "__metadata__", ())):
        return True
    return any(_marked(arg) for arg in get_args(annotation))


def written_texts(
    data: Any, cls: type[BaseModel] = Workbook, loc: Loc = ()
) -> Iterator[tuple[Loc, Any]]:
    """(location, value) of every value in `data` that the model takes as free text: a field
    marked AS_WRITTEN and a localized text (a plain one, or each language's)."""
    if not isinstance(data, dict):
        return
    for name, field in cls.model_fields.items():
        if name not in data:
            continue
        value = data[name]
        if AS_WRITTEN in field.metadata or _marked(field.annotation):
            yield (*loc, name), value
            continue
        inner = _unwrap(field.annotation)
        items = list(enumerate(value)) if isinstance(value, list) else [(None, value)]
        for index, item in items:
            item_loc = (*loc, name) if index is None else (*loc, name, index)
            if isinstance(inner, type) and issubclass(inner, LocalizedText):
                if isinstance(item, dict):
                    yield from (((*item_loc, lang), text) for lang, text in item.items())
                else:
                    yield item_loc, item
            elif inner is not None:
                yield from written_texts(item, inner, item_loc)


def label(loc: Loc, data: Any) -> str:
    """A field's name for people: `goals[T1].measures[T1.2].responsible[1]`.

    List items are named by their id where they have one, else by position counting from 1.
    """
    out = ""
    node = data
    for part in loc:
        if isinstance(part, int):
            item = node[part] if isinstance(node, list) and part < len(node) else None
            item_id = item.get("id") if isinstance(item, dict) else None
            out += f"[{item_id}]" if isinstance(item_id, str) and item_id else f"[{part + 1}]"
            node = item
        else:
            out += f".{part}" if out else str(part)
            node = node.get(part) if isinstance(node, dict) else None
    return out or "the workbook"
