"""A located problem in a workbook, and the error that carries all of them."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..errors import WorkbookError

__all__ = [
    "Loc",
    "Problem",
    "WorkbookError",
    "cell_name",
    "did_you_mean",
    "is_placeholder",
    "one_of",
]

# A place in workbook data: the keys and list indexes from the top, e.g. ("goals", 0, "title").
Loc = tuple[str | int, ...]

TODO = "TODO"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a workbook, at a 1-based line and column of a text file or, when
    `sheet` is set, at a row (`line`) and column of that sheet of a spreadsheet.

    A line of 0 means the whole file (or the whole sheet). `todo` marks a placeholder that is
    still to fill in rather than a mistake.
    """

    path: str
    line: int
    column: int
    message: str
    sheet: str = ""
    sheet_number: int = 0  # the sheet's position in the file, so problems sort sheet by sheet
    todo: bool = False

    @property
    def where(self) -> str:
        """`12:5` in a text file, `Toimenpiteet!C14` in a spreadsheet, empty for the file."""
        if self.sheet:
            return f"{self.sheet}!{cell_name(self.line, self.column)}" if self.line else self.sheet
        return f"{self.line}:{self.column}" if self.line else ""

    def _key(self) -> tuple[str, int, int, int, str]:
        return (self.path, self.sheet_number, self.line, self.column, self.message)

    def __lt__(self, other: Problem) -> bool:
        return self._key() < other._key()

    def __str__(self) -> str:
        where = self.where
        return f"{self.path}:{where}: {self.message}" if where else f"{self.path}: {self.message}"


def cell_name(row: int, column: int) -> str:
    """A spreadsheet cell's name: row 14, column 3 is `C14`."""
    letters = ""
    while column > 0:
        column, remainder = divmod(column - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return f"{letters}{row}"


def is_placeholder(value: object) -> bool:
    """Text that `new` writes for the preparer to replace: it starts with TODO."""
    return isinstance(value, str) and value.lstrip().startswith(TODO)


def did_you_mean(word: str, choices: Sequence[str]) -> str:
    """`"; did you mean 'x'?"` when a choice is close to `word`, else an empty string."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def kind_of(value: object) -> str:
    """What a value read from a workbook is, in words for a message: `text`, `a number (5)`."""
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return f"a number ({value})"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return "a date" if hasattr(value, "isoformat") else type(value).__name__


def one_of(choices: Iterable[str]) -> str:
    """A readable list of the valid choices: `'a', 'b' or 'c'`."""
    quoted = [f"'{c}'" for c in choices]
    if len(quoted) <= 1:
        return "".join(quoted)
    return ", ".join(quoted[:-1]) + " or " + quoted[-1]
