"""`agreement-builder diff`: what changed between two versions, and the documents that say so.

For each language of the new version it writes the change summary as a web page and a PDF, and
the new full agreement as a DOCX whose differences from the old one are tracked changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..changes.compare import ChangeSet, compare
from ..changes.report import format_text
from ..document.context import build_context
from ..pipeline.files import write_atomic
from ..pipeline.plan import change_stem
from ..pipeline.summary import summary_html, summary_pdf, tracked_docx
from ..pipeline.versions import load_version
from ..theme import Templates


@dataclass
class DiffResult:
    changes: ChangeSet
    written: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def text(self, *, color: bool = False) -> str:
        """The report for the terminal, then the files written and any notes."""
        lines = [format_text(self.changes, color=color)]
        lines += [f"wrote {path}\n" for path in self.written]
        lines += [f"note: {note}\n" for note in self.notes]
        return "".join(lines)


def diff(
    old: Path,
    new: Path,
    output: Path | None = None,
    *,
    templates: Templates | Path | None = None,
) -> DiffResult:
    """Compare two versions (workbooks or built version folders); with `output`, write the
    change summary (HTML and PDF) and the tracked-changes DOCX there, per language, with
    `templates` (a folder of one's own over the shipped templates).

    Raises WorkbookError, VersionInputError (from load_version) or TemplateError before
    anything is written.
    """
    templates = Templates.of(templates)
    old_workbook, new_workbook = load_version(old), load_version(new)
    result = DiffResult(compare(old_workbook, new_workbook))
    if output is None:
        return result
    templates.check(new_workbook.agreement.languages)
    for language in new_workbook.agreement.languages:
        context = build_context(new_workbook, language, templates)
        stem = change_stem(new_workbook, context, "file_changes")
        page = summary_html(result.changes, context, templates, page=True)
        result.written.append(_write(output / f"{stem}.html", page.encode()))
        pdf = summary_pdf(result.changes, context, templates)
        result.written.append(_write(output / f"{stem}.pdf", pdf))
        if language not in old_workbook.agreement.languages:
            result.notes.append(
                f"version {old_workbook.agreement.version} has no '{language}' text: "
                f"no tracked-changes DOCX in that language"
            )
            continue
        old_context = build_context(old_workbook, language, templates)
        docx = tracked_docx(old_context, context, templates)
        tracked = change_stem(new_workbook, context, "file_tracked_changes")
        result.written.append(_write(output / f"{tracked}.docx", docx))
    return result


def _write(path: Path, data: bytes) -> Path:
    write_atomic(path, data)
    return path
