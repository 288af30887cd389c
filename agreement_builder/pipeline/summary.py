"""The documents that say what changed: the change summary (HTML, PDF) and the tracked-changes
DOCX, for `diff -o` and for a draft's build alike."""

from __future__ import annotations

import datetime as dt

from ..changes.compare import ChangeSet
from ..changes.summary import summary_view
from ..document.context import DocumentContext
from ..render.html import render_html
from ..theme import Templates
from .plan import AGREEMENT, CHANGES

SUMMARY_PAGE = "changes-page.html.j2"
DEFAULT_AUTHOR = "agreement-builder"


def summary_html(
    changes: ChangeSet, context: DocumentContext, templates: Templates, page: bool = False
) -> str:
    """The change summary in the context's language: the document HTML (for the PDF), or with
    `page` the web page."""
    [template] = (SUMMARY_PAGE,) if page else CHANGES
    view = summary_view(changes, context.t)
    return render_html(templates, template, context, hyphenate=not page, s=view)


def summary_pdf(changes: ChangeSet, context: DocumentContext, templates: Templates) -> bytes:
    from ..render.pdf import render_pdf  # WeasyPrint is slow to import: only when needed

    return render_pdf(summary_html(changes, context, templates), templates=templates).data


def tracked_docx(old: DocumentContext, new: DocumentContext, templates: Templates) -> bytes:
    """The new full agreement as DOCX, its differences from the old one as tracked changes by
    the preparer (else agreement-builder), dated the new version's date."""
    from ..render.docx import render_docx
    from ..render.tracked import track_changes

    [template] = AGREEMENT
    documents = [
        render_docx(render_html(templates, template, context)).data for context in (old, new)
    ]
    author = new.preparer.name if new.preparer else DEFAULT_AUTHOR
    data, _ = track_changes(*documents, author=author, when=dt.date.fromisoformat(new.date_iso))
    return data
