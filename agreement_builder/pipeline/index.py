"""`index.html` of a built version: the documents by party, for the council secretaries."""

from __future__ import annotations

from ..document.context import DocumentContext
from ..render.html import render_html
from ..theme import Templates
from .files import Folder
from .state import Document

INDEX = "index.html"


def write_index(
    folder: Folder, doc: DocumentContext, documents: list[Document], templates: Templates
) -> None:
    """List every document, grouped by party (the agreement first), with links, sizes, pages."""
    groups: dict[str | None, list[Document]] = {}
    for document in documents:
        groups.setdefault(document.party, []).append(document)
    # The agreement's own documents first (no party), then each party's, in workbook order.
    parties = [None, *(party for party in doc.parties if party.id in groups)]
    html = render_html(
        templates,
        "index.html.j2",
        doc,
        groups=[(party, groups.get(party.id if party else None, [])) for party in parties],
        size=lambda size: _size(doc, size),
    )
    folder.write_if_changed(INDEX, html.encode())


def _size(doc: DocumentContext, size: int) -> str:
    """`412 kB`, `1,2 MB`: numbers written as the index's language writes them."""
    if size < 1024 * 1024:
        return f"{doc.t.number(size / 1024)} kB"
    return f"{doc.t.number(size / 1024 / 1024, 1)} MB"
