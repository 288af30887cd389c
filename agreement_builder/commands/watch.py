"""Rebuild on every saved change of the workbook or the templates (watchfiles)."""

from __future__ import annotations

import threading
from pathlib import Path

from watchfiles import watch as watch_changes

from ..errors import AgreementBuilderError, WorkbookError
from ..pipeline.report import Say, print_report
from ..pipeline.run import build
from ..theme import Templates


def rebuild(
    workbook: Path,
    output: Path,
    say: Say,
    *,
    templates: Templates | Path | None = None,
    reference_docx: Path | None = None,
    jobs: int | None = None,
) -> bool:
    """One rebuild, reported in lines; an error is printed and the last good files stay."""
    try:
        report = build(
            workbook, output, templates=templates, reference_docx=reference_docx, jobs=jobs
        )
    except AgreementBuilderError as error:
        for line in error.lines():
            say(line, error=True)
        if isinstance(error, WorkbookError):
            say("not rebuilt: the last good documents are kept", error=True)
        return False
    print_report(report, say, files=True)
    return report.ok


def watch(
    workbook: Path,
    output: Path,
    *,
    templates: Templates | Path | None = None,
    reference_docx: Path | None = None,
    jobs: int | None = None,
    say: Say = print,
    stop: threading.Event | None = None,
) -> None:
    """Build once, then again after every change of the workbook or of any templates folder in
    use (a folder of one's own, and the shipped one), until `stop` is set (or Ctrl-C)."""
    templates = Templates.of(templates)
    rebuild(workbook, output, say, templates=templates, reference_docx=reference_docx, jobs=jobs)
    source = workbook.resolve()
    folders = [folder.resolve() for folder in templates.dirs]

    def relevant(_change: object, path: str) -> bool:
        # Editors save by writing a new file and renaming it: watch the folder, not the file.
        changed = Path(path)
        return changed == source or any(changed.is_relative_to(f) for f in folders)

    for changes in watch_changes(
        source.parent, *folders, watch_filter=relevant, stop_event=stop, debounce=300
    ):
        changed = sorted({Path(path).name for _, path in changes})
        say(f"changed: {', '.join(changed)}")
        rebuild(
            workbook, output, say, templates=templates, reference_docx=reference_docx, jobs=jobs
        )
