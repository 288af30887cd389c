"""What a build did, and the one way it is told (the build command and watch both print it)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .state import Document

Progress = Callable[[str, int, int], None]  # (what just finished, done, total)
Say = Callable[..., None]  # say(line, error=False)


@dataclass(frozen=True)
class Failure:
    target: str
    format: str
    reason: str


@dataclass
class BuildReport:
    """What a build did. Each file of the version was written (new bytes), re-rendered to the
    bytes it already had, or skipped as up to date; or it failed."""

    version_dir: Path
    documents: list[Document] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    written: list[str] = field(default_factory=list)  # rendered, and its bytes are new
    rerendered: list[str] = field(default_factory=list)  # rendered to the bytes it had
    up_to_date: list[str] = field(default_factory=list)  # not rendered: nothing it shows changed
    unchanged: bool = False  # nothing at all needed doing
    seconds: float = 0.0
    # The two-document form (workbook `plan:`): the build of the plan's folder, after this one.
    plan: BuildReport | None = None

    @property
    def ok(self) -> bool:
        return not self.failures and (self.plan is None or self.plan.ok)

    @property
    def built(self) -> list[str]:
        """The files this build wrote."""
        return self.written

    @property
    def kept(self) -> list[str]:
        """The files whose bytes stayed as they were (re-rendered or up to date)."""
        return [*self.rerendered, *self.up_to_date]

    def summary(self) -> str:
        """`output/x/0.3: 90 documents: 2 written, 0 re-rendered unchanged, 88 up to date,
        0 failed (4.1 s)`."""
        if self.unchanged:
            return (
                f"{self.version_dir}: up to date, {_counted(len(self.documents))} unchanged "
                f"({self.seconds:.2f} s)"
            )
        total = len(self.written) + len(self.rerendered) + len(self.up_to_date)
        return (
            f"{self.version_dir}: {_counted(total)}: {len(self.written)} written, "
            f"{len(self.rerendered)} re-rendered unchanged, {len(self.up_to_date)} up to date, "
            f"{len(self.failures)} failed ({self.seconds:.1f} s)"
        )


def print_report(report: BuildReport, say: Say, *, files: bool = False) -> None:
    """Notes and failures (as errors), with `files` each file written, then the summary."""
    for note in report.notes:
        say(f"note: {note}", error=True)
    for failure in report.failures:
        say(f"failed: {failure.target} as {failure.format}: {failure.reason}", error=True)
    if files:
        for name in report.written:
            say(f"rebuilt {name}")
    say(report.summary())
    if report.plan is not None:
        print_report(report.plan, say, files=files)


def _counted(n: int) -> str:
    return f"{n} document" if n == 1 else f"{n} documents"
