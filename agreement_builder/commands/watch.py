"""Rebuild on every saved change of the workbook or the templates (watchfiles)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from watchfiles import watch as watch_changes

from ..errors import AgreementBuilderError, WorkbookError
from ..pipeline.run import DEFAULT_TEMPLATES, build

Say = Callable[..., None]  # say(line, error=False)


def rebuild(
    workbook: Path,
    output: Path,
    say: Say,
    *,
    templates_dir: Path = DEFAULT_TEMPLATES,
    reference_docx: Path | None = None,
    jobs: int | None = None,
) -> bool:
    """One rebuild, reported in lines; an error is printed and the last good files stay."""
    try:
        report = build(
            workbook, output, templates_dir=templates_dir, reference_docx=reference_docx, jobs=jobs
        )
    except AgreementBuilderError as error:
        for line in error.lines():
            say(line, error=True)
        if isinstance(error, WorkbookError):
            say("not rebuilt: the last good documents are kept", error=True)
        return False
    for failure in report.failures:
        say(f"failed: {failure.target} as {failure.format}: {failure.reason}", error=True)
    if report.unchanged or not report.built:
        say("nothing to rebuild")
    else:
        for name in report.built:
            say(f"rebuilt {name}")
    return report.ok


def watch(
    workbook: Path,
    output: Path,
    *,
    templates_dir: Path = DEFAULT_TEMPLATES,
    reference_docx: Path | None = None,
    jobs: int | None = None,
    say: Say = print,
    stop: threading.Event | None = None,
) -> None:
    """Build once, then again after every change, until `stop` is set (or Ctrl-C)."""
    rebuild(
        workbook, output, say, templates_dir=templates_dir, reference_docx=reference_docx, jobs=jobs
    )
    source, templates = workbook.resolve(), templates_dir.resolve()

    def relevant(_change: object, path: str) -> bool:
        # Editors save by writing a new file and renaming it: watch the folder, not the file.
        changed = Path(path)
        return changed == source or changed.is_relative_to(templates)

    for changes in watch_changes(
        source.parent, templates, watch_filter=relevant, stop_event=stop, debounce=300
    ):
        changed = sorted({Path(path).name for _, path in changes})
        say(f"changed: {', '.join(changed)}")
        rebuild(
            workbook,
            output,
            say,
            templates_dir=templates_dir,
            reference_docx=reference_docx,
            jobs=jobs,
        )
