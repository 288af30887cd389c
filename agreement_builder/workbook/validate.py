"""Load and validate a workbook: the one entry point the rest of the program uses."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from . import rules
from .fields import model_at, written_texts
from .load import Loaded, Source, load_yaml
from .model import ID_PATTERN, ITEM_ID_PATTERN, VERSION_PATTERN, Workbook
from .problems import (
    Loc,
    Problem,
    WorkbookError,
    did_you_mean,
    is_placeholder,
    kind_of,
    one_of,
)

SPREADSHEET_SUFFIXES = (".xlsx",)


def load_workbook(path: Path, display: str | None = None) -> Workbook:
    """Read, check and model a workbook, YAML or spreadsheet (`.xlsx`, by its suffix).

    Raises WorkbookError listing every problem found, placeholders still to fill in included.
    """
    return check(read_workbook(path, display))


def read_workbook(path: Path, display: str | None = None) -> Loaded:
    """A workbook file's plain data and where each value stands, without checking it."""
    if path.suffix.lower() in SPREADSHEET_SUFFIXES:
        # Imported here so that YAML-only commands do not pay for loading openpyxl.
        from .xlsx_read import load_xlsx

        return load_xlsx(path, display)
    return load_yaml(path, display)


def check(loaded: Loaded) -> Workbook:
    """Model loaded data; the same checks whatever file it came from, located by its source."""
    data, source = loaded.data, loaded.source
    _keep_as_written(data, source)
    todo = dict(_placeholders(data, ()))
    problems: list[Problem] = [
        *loaded.problems,
        *_character_problems(data, source),
        *(
            source.problem(
                loc, f"{source.label(loc, data)}: still to fill in ('{_short(text)}')", todo=True
            )
            for loc, text in todo.items()
        ),
    ]
    workbook: Workbook | None = None
    try:
        workbook = Workbook.model_validate(data)
    except ValidationError as exc:
        # A placeholder in a date or id field is not also reported as a wrong date or id.
        problems.extend(
            _translate(error, data, source)
            for error in exc.errors()
            if not any(tuple(error["loc"][:n]) in todo for n in range(len(error["loc"]) + 1))
        )
    problems.extend(rules.check(data, source))
    if problems or workbook is None:
        raise WorkbookError(problems)
    return workbook


def _keep_as_written(data: Any, source: Source) -> None:
    """Free text that YAML 1.1 read as something else (`1:20` as 80, `0x7E3` as 2019, `0.50`
    as 0.5, `yes` as true, a date) becomes the characters written, in place."""
    found = [
        (loc, written)
        for loc, value in written_texts(data)
        if isinstance(value, bool | int | float | dt.date)
        and (written := source.texts.get(loc)) is not None
    ]
    for loc, written in found:
        parent = data
        for part in loc[:-1]:
            parent = parent[part]
        parent[loc[-1]] = written


# Characters no text of an agreement holds and that make text other than it seems: control
# characters (but tab and line break), DEL and C1 controls, direction overrides and isolates,
# line and paragraph separators, the byte order mark, surrogates and noncharacters (U+FFFE).
_FORBIDDEN = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2028\u2029"
    "\u2066-\u2069\ufeff\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]"
    "|[\U0001fffe\U0001ffff\U0010fffe\U0010ffff]"
)
_C0_NAMES = {0: "NUL", 0x1B: "ESC", 0x0C: "form feed", 0x0D: "carriage return", 0x08: "backspace"}


def _character_name(ch: str) -> str:
    code = ord(ch)
    name = _C0_NAMES.get(code) or unicodedata.name(ch, "") or (
        "a control character" if code < 0xA0 else "a noncharacter"
    )
    return f"U+{code:04X} ({name})"


def _strings(value: Any, loc: Loc) -> Any:
    """(location, text, is a key) of every text in workbook data, keys included."""
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str):
                yield (*loc, key), key, True
            yield from _strings(item, (*loc, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, (*loc, index))
    elif isinstance(value, str):
        yield loc, value, False


def _character_problems(data: Any, source: Source) -> Any:
    """A located problem for each text that holds a forbidden character (see _FORBIDDEN)."""
    for loc, text, key in _strings(data, ()):
        found = _FORBIDDEN.search(text)
        if found is None:
            continue
        what = "key" if key else source.label(loc, data)
        yield source.problem(
            loc,
            f"{what}: holds the invisible character {_character_name(found.group())} at "
            f"character {found.start() + 1}: remove it (a text may hold letters, punctuation, "
            "spaces, tabs and line breaks)",
            key=key,
        )


def _placeholders(value: Any, loc: Loc) -> Any:
    """(location, text) of every text that starts with TODO."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _placeholders(item, (*loc, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _placeholders(item, (*loc, index))
    elif is_placeholder(value):
        yield loc, value.strip()


def _short(text: str, limit: int = 70) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


_PATTERN_ADVICE = {
    ID_PATTERN: "use lowercase letters a–z, digits and hyphens, starting with a letter or digit "
    "(e.g. 'rovaniemi', 'hyte')",
    ITEM_ID_PATTERN: "use letters, digits, dots and hyphens, starting with a letter or digit "
    "(e.g. 'T1', 'T1.3', 'T1-I1')",
    VERSION_PATTERN: "a version names the output folder: use letters, digits, dots, hyphens, "
    "underscores and plus signs, starting with a letter or digit, at most 32 (e.g. '0.3', "
    "'1.0-rc1'); never a path",
    r"^[0-9]{3}$": 'a municipality code is three digits, e.g. "047"',
    r"^[0-9]{7}-[0-9]$": "a business ID is seven digits, a hyphen and a check digit, "
    "e.g. 0164308-3",
    r"^[^@\s]+@[^@\s]+\.[^@\s]+$": "write an e-mail address, e.g. etunimi.sukunimi@kunta.fi",
}


def _translate(error: Any, data: Any, source: Source) -> Problem:
    """One pydantic error as a located problem that says what would be valid."""
    loc: Loc = tuple(error["loc"])
    kind: str = error["type"]
    value = error.get("input")
    ctx = error.get("ctx") or {}
    where = source.label(loc, data)
    written = source.texts.get(loc)

    if kind == "missing":
        # Located at the key's own place where the source has one (an empty cell), else its parent.
        return source.problem(loc, source.missing(loc, data))
    if kind == "extra_forbidden":
        model = model_at(loc[:-1])
        valid = list(model.model_fields) if model else []
        key = str(loc[-1])
        hint = did_you_mean(key, valid)
        return source.problem(
            loc,
            f"{source.label(loc[:-1], data)}: unknown key '{key}'{hint}"
            + (f" (valid keys: {', '.join(valid)})" if valid else ""),
            key=True,
        )
    if kind == "string_type" and isinstance(value, int | float | dt.date) and written is not None:
        # An identifier YAML 1.1 took for something else (047, 0x7E3, yes, 2026-01-01).
        what = (
            "true/false"
            if isinstance(value, bool)
            else "a date"
            if isinstance(value, dt.date)
            else "a number"
        )
        key = loc[-1] if isinstance(loc[-1], str) else "-"
        return source.problem(
            loc,
            f"{where}: must be text, and YAML reads {written} as {what}: "
            f'put it in quotes: {key}: "{written}"',
        )
    if kind in ("string_type", "str_type"):
        return source.problem(loc, f"{where}: must be text, not {kind_of(value)}")
    if kind == "string_pattern_mismatch":
        advice = _PATTERN_ADVICE.get(ctx.get("pattern", ""), f"it must match {ctx.get('pattern')}")
        return source.problem(loc, f"{where}: '{value}' is not valid: {advice}")
    if kind == "literal_error":
        expected = [e.strip().strip("'") for e in str(ctx.get("expected", "")).split(" or ")]
        choices = [c.strip().strip("'") for part in expected for c in part.split(", ")]
        shown = value if isinstance(value, str) else written or value
        return source.problem(
            loc,
            f"{where}: '{shown}' is not valid: use {one_of(choices)}"
            + (did_you_mean(str(shown), choices) if isinstance(shown, str) else ""),
        )
    if kind.startswith("date"):
        shown = written if written is not None else value
        return source.problem(
            loc, f"{where}: '{shown}' is not a valid date: write YYYY-MM-DD, e.g. 2026-12-11"
        )
    if kind in ("float_parsing", "float_type", "int_parsing", "int_type", "int_from_float"):
        shown = written if written is not None else value
        whole = kind.startswith("int")
        example = "a whole number, e.g. 2027" if whole else "a number, e.g. 37.5"
        return source.problem(loc, f"{where}: '{shown}' is not valid: write {example}")
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        shown = written if written is not None else value
        bound = {"greater_than": "above", "greater_than_equal": "at least"}.get(kind, "at most")
        if kind == "less_than":
            bound = "below"
        limit = next(iter(ctx.values()), "")
        return source.problem(loc, f"{where}: '{shown}' is not valid: must be {bound} {limit}")
    if kind == "list_type":
        return source.problem(
            loc,
            f"{where}: must be a list (one item per line, each starting with '- '), "
            f"not {kind_of(value)}",
        )
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        model = model_at(loc)
        keys = f" with keys {', '.join(model.model_fields)}" if model else ""
        return source.problem(loc, f"{where}: must be a mapping{keys}, not {kind_of(value)}")
    if kind == "too_short":
        if loc[-1:] == ("measures",):
            return source.problem(loc, f"{where}: a goal needs at least one measure")
        return source.problem(loc, f"{where}: needs at least one item")
    if kind == "string_too_short":
        return source.problem(loc, f"{where}: must not be empty")
    if kind == "frozen_instance":  # not expected from input, kept readable
        return source.problem(loc, f"{where}: {error['msg']}")
    # Our own PydanticCustomErrors already say what is wrong and what to do.
    message = str(error["msg"]).removeprefix("Value error, ")
    return source.problem(loc, f"{where}: {message}")
