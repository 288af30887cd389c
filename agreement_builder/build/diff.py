"""`agreement-builder diff`: what changed between two versions, and the documents that say so.

For each language of the new version it writes the change summary as a web page and a PDF, and
the new full agreement as a DOCX whose differences from the old one are tracked changes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from ..changes.compare import ChangeSet, compare
from ..changes.report import format_text
from ..changes.summary import summary_view
from ..document.context import DocumentContext, build_context
from ..render.html import render_html
from ..workbook.model import Workbook
from .files import write_atomic
from .plan import AGREEMENT, file_stem
from .run import DEFAULT_TEMPLATES
from .versions import load_version

SUMMARY = "changes.html.j2"
SUMMARY_PAGE = "changes-page.html.j2"
DEFAULT_AUTHOR = "agreement-builder"


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
    old: Path, new: Path, output: Path | None = None, *, templates_dir: Path = DEFAULT_TEMPLATES
) -> DiffResult:
    """Compare two versions (workbooks or built version folders); with `output`, write the
    change summary (HTML and PDF) and the tracked-changes DOCX there, per language.

    Raises WorkbookError or VersionInputError (from load_version) before anything is written.
    """
    old_workbook, new_workbook = load_version(old), load_version(new)
    result = DiffResult(compare(old_workbook, new_workbook))
    if output is None:
        return result
    for language in new_workbook.agreement.languages:
        context = build_context(new_workbook, language, templates_dir / "messages")
        stem = change_stem(new_workbook, context, "file_changes")
        page = summary_html(result.changes, context, templates_dir, SUMMARY_PAGE)
        result.written.append(_write(output / f"{stem}.html", page.encode()))
        pdf = summary_pdf(result.changes, context, templates_dir)
        result.written.append(_write(output / f"{stem}.pdf", pdf))
        if language not in old_workbook.agreement.languages:
            result.notes.append(
                f"version {old_workbook.agreement.version} has no '{language}' text: "
                f"no tracked-changes DOCX in that language"
            )
            continue
        old_context = build_context(old_workbook, language, templates_dir / "messages")
        docx = tracked_docx(old_context, context, templates_dir)
        tracked = change_stem(new_workbook, context, "file_tracked_changes")
        result.written.append(_write(output / f"{tracked}.docx", docx))
    return result


def change_stem(workbook: Workbook, context: DocumentContext, label: str) -> str:
    """`lapin-yhteistyosopimus_muutokset_v0.4_LUONNOS_fi`."""
    what = (workbook.agreement.id, context.t(label))
    return file_stem(workbook, context.language, context.status_mark, *what)


def summary_html(
    changes: ChangeSet, context: DocumentContext, templates_dir: Path, template: str = SUMMARY
) -> str:
    """The change summary in the context's language: the document HTML, or the web page."""
    return render_html(templates_dir, template, context, s=summary_view(changes, context.t))


def summary_pdf(changes: ChangeSet, context: DocumentContext, templates_dir: Path) -> bytes:
    from ..render.pdf import render_pdf  # WeasyPrint is slow to import: only when needed

    return render_pdf(summary_html(changes, context, templates_dir), base_dir=templates_dir).data


def tracked_docx(old: DocumentContext, new: DocumentContext, templates_dir: Path) -> bytes:
    """The new full agreement as DOCX, its differences from the old one as tracked changes by
    the preparer (else agreement-builder), dated the new version's date."""
    from ..render.docx import render_docx
    from ..render.tracked import track_changes

    [template] = AGREEMENT
    documents = [
        render_docx(render_html(templates_dir, template, context)).data for context in (old, new)
    ]
    author = new.preparer.name if new.preparer else DEFAULT_AUTHOR
    data, _ = track_changes(*documents, author=author, when=dt.date.fromisoformat(new.date_iso))
    return data


def _write(path: Path, data: bytes) -> Path:
    write_atomic(path, data)
    return path
