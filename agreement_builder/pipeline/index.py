"""`index.html` of a built version: the documents by party, for the council secretaries."""

from __future__ import annotations

from collections.abc import Sequence

from ..document.context import DocumentContext
from ..render.html import render_html
from ..theme import Templates
from .files import Folder
from .state import Document

INDEX = "index.html"


def write_index(
    folder: Folder,
    doc: DocumentContext,
    documents: list[Document],
    templates: Templates,
    others: Sequence[DocumentContext] = (),
) -> None:
    """List every document, grouped by party (the agreement first), with links, sizes, pages:
    `index.html` in the agreement's main language (`doc`'s), `index.<language>.html` in each of
    its other languages (`others`), each page linking to the others."""
    pages = [(doc, INDEX), *((other, f"index.{other.language}.html") for other in others)]
    for context, name in pages:
        groups: dict[str | None, list[Document]] = {}
        for document in documents:
            groups.setdefault(document.party, []).append(document)
        # The agreement's own documents first (no party), then each party's, in the order the
        # language's documents list the parties.
        parties = [None, *(party for party in context.parties if party.id in groups)]
        html = render_html(
            templates,
            "index.html.j2",
            context,
            hyphenate=False,
            groups=[(party, groups.get(party.id if party else None, [])) for party in parties],
            size=lambda size, context=context: _size(context, size),
            # Each other language's page, named in its own language (Suomeksi, På svenska).
            languages=[
                (other.language, other_name, other.t("index_this_language"))
                for other, other_name in pages
                if other_name != name
            ],
        )
        folder.write_if_changed(name, html.encode())


def _size(doc: DocumentContext, size: int) -> str:
    """`412 kB`, `1,2 MB`: numbers written as the index's language writes them."""
    if size < 1024 * 1024:
        return f"{doc.t.number(size / 1024)} kB"
    return f"{doc.t.number(size / 1024 / 1024, 1)} MB"
