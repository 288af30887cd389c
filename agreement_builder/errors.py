"""Every error a user may see, under one base class that the command line maps to an exit code.

A library function raises one of these for a problem the user can mend (a bad workbook, a build
that would overwrite an approved version, an unknown area); anything else is a bug.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from .workbook.problems import Problem


def printable(text: str) -> str:
    """`text` safe to print on a terminal: a character that is not printable (an escape
    sequence's ESC, a NUL, a direction override, U+FFFE) is shown as its escape, e.g. `\\x1b`."""
    if text.isprintable():
        return text
    return "".join(
        ch if ch.isprintable() or ch == " " else ascii(ch)[1:-1] for ch in text
    )


class AgreementBuilderError(Exception):
    """A problem the user can mend; its message says what and how."""

    exit_code: ClassVar[int] = 1
    prefix: ClassVar[str] = "error"

    def lines(self) -> list[str]:
        """What the command line prints, one line each, on stderr."""
        return [f"{self.prefix}: {self}"]


class WorkbookError(AgreementBuilderError):
    """A workbook that cannot be used; `problems` lists everything found, sorted by position."""

    MAX_SHOWN: ClassVar[int] = 200

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: list[Problem] = sorted(set(problems))
        self.todo = sum(1 for p in self.problems if p.todo)
        super().__init__("\n".join(str(p) for p in self.problems))

    def lines(self) -> list[str]:
        shown = [str(problem) for problem in self.problems[: self.MAX_SHOWN]]
        hidden = len(self.problems) - self.MAX_SHOWN
        if hidden > 0:
            shown.append(f"… and {hidden} more problems")
        if self.todo:
            shown.append(
                f"{self.todo} of {len(self.problems)} problems are placeholders still to fill in "
                "(text that starts with TODO)"
            )
        return shown


class BuildRefused(AgreementBuilderError):
    """The build would overwrite what must not be overwritten; nothing was written."""

    prefix = "refused"


class VersionInputError(AgreementBuilderError):
    """A path that is neither a workbook nor a built version folder."""


class UnknownArea(AgreementBuilderError, LookupError):
    """No area matches what was asked; the message says what would."""


class OutputExists(AgreementBuilderError, FileExistsError):
    """A command would overwrite a file that may hold someone's work."""


class TemplateError(AgreementBuilderError):
    """A template folder, template or message catalog that cannot be used (file and line)."""


class OutputError(AgreementBuilderError):
    """A file could not be written (disk full, read-only folder, a link planted in the way)."""


class IndicatorFetchError(AgreementBuilderError):
    """Indicator data could not be fetched (unknown indicator, unreachable or slow API, an
    answer that is not what the API gives); the previous lock file is left as it was."""


class LockFileError(AgreementBuilderError):
    """An indicator lock file that cannot be read (broken, edited by hand, another format)."""


class AccountError(AgreementBuilderError):
    """An account of the web application that cannot be made as asked."""


class InputError(AgreementBuilderError):
    """An input file that cannot be read: missing, not a regular file, too large."""

    def __init__(self, path: str | os.PathLike[str], reason: str) -> None:
        self.path = os.fspath(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


class ReferenceDocxError(AgreementBuilderError):
    """A --reference-docx that is not a macro-free Word document of a sensible size."""


class FollowUpError(AgreementBuilderError):
    """A follow-up that cannot be made: the workbook does not follow up the year asked for."""
