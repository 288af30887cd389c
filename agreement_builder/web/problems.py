"""A workbook's problems (the library's located Problems) as the pages and the API show them.

The library writes each problem as `field: message`; the field is split off here for display
when the prefix is a field's name: a YAML path (`goals[T1].measures[T1.2].responsible[1]`) or,
in a spreadsheet, a column header (`Muut vastuutahot`, `Nimi (sv)`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from typing import Any

from ..workbook.problems import Problem

_PATH = re.compile(r"[A-Za-z_][\w-]*(\[[^\]\n]*\])*(\.[A-Za-z_][\w-]*(\[[^\]\n]*\])*)*")

PLACEHOLDER = "placeholder"
ERROR = "error"


@cache
def _headers() -> frozenset[str]:
    from ..workbook.sheets import FORM_HEADERS, GOAL_HEADER, ROLE_HEADER, SHEETS

    names = {column.header for sheet in SHEETS for column in sheet.columns}
    return frozenset(names | {GOAL_HEADER, ROLE_HEADER, *FORM_HEADERS})


def split_field(problem: Problem) -> tuple[str, str]:
    """(field, message) of a problem; the field is empty for a problem of the whole file."""
    head, sep, rest = problem.message.partition(": ")
    if sep:
        if problem.sheet:
            from ..workbook.sheets import parse_header

            if parse_header(head)[0] in _headers():
                return head, rest
        elif _PATH.fullmatch(head):
            return head, rest
    return "", problem.message


def as_dict(problem: Problem) -> dict[str, Any]:
    """The API's form: line and column (YAML) or sheet and cell (XLSX), field, message, kind."""
    field, message = split_field(problem)
    where: dict[str, Any]
    if problem.sheet:
        cell = problem.where.partition("!")[2] if problem.line else None
        where = {"sheet": problem.sheet, "cell": cell}
    else:
        where = {
            "line": problem.line or None,
            "column": problem.column or None,
        }
    return {
        **where,
        "field": field,
        "message": message,
        "kind": PLACEHOLDER if problem.todo else ERROR,
    }


def as_dicts(problems: Iterable[Problem]) -> list[dict[str, Any]]:
    return [as_dict(problem) for problem in problems]


def group_key(problem: dict[str, Any]) -> str:
    """What a problem is grouped under: its sheet, else the top of its field
    (`goals[T1]` for `goals[T1].measures[T1.2].text`), else the file."""
    if problem.get("sheet"):
        return problem["sheet"]
    field = problem.get("field") or ""
    return field.split(".", 1)[0] if field else ""


def grouped(problems: list[dict[str, Any]]) -> list[tuple[str, list[tuple[int, dict]]]]:
    """Problems grouped in the order they first appear, each with its number (1-based) for
    anchors `#problem-N` that stay the same across page loads."""
    groups: dict[str, list[tuple[int, dict]]] = {}
    for number, problem in enumerate(problems, 1):
        groups.setdefault(group_key(problem), []).append((number, problem))
    return list(groups.items())
