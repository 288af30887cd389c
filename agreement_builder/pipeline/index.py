"""`index.html` of a built version: the documents by party, for the council secretaries."""

from __future__ import annotations

from pathlib import Path

from ..document.context import DocumentContext
from ..render.html import environment
from .files import write_atomic

INDEX = "index.html"


def write_index(
    version_dir: Path, doc: DocumentContext, entries: dict[str, dict], templates_dir: Path
) -> None:
    """List every document, grouped by party (the agreement first), with links, sizes, pages."""
    groups: dict[str | None, list[dict]] = {}
    for name, entry in entries.items():
        groups.setdefault(entry["party"], []).append({"path": name, **entry})
    # The agreement's own documents first (no party), then each party's, in workbook order.
    parties = [None, *(party for party in doc.parties if party.id in groups)]
    html = (
        environment(templates_dir)
        .get_template("index.html.j2")
        .render(
            doc=doc,
            t=doc.t,
            groups=[(party, groups.get(party.id if party else None, [])) for party in parties],
            size=lambda size: _size(doc, size),
        )
    )
    path = version_dir / INDEX
    data = html.encode()
    if not (path.exists() and path.read_bytes() == data):
        write_atomic(path, data)


def _size(doc: DocumentContext, size: int) -> str:
    """`412 kB`, `1,2 MB`: numbers written as the index's language writes them."""
    if size < 1024 * 1024:
        return f"{doc.t.number(size / 1024)} kB"
    return f"{doc.t.number(size / 1024 / 1024, 1)} MB"
