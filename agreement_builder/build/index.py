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
    names = {p.id: p.name for p in doc.parties}
    groups: dict[str | None, list[dict]] = {}
    for name, entry in entries.items():
        groups.setdefault(entry["party"], []).append({"path": name, **entry})
    parties = [(None, doc.t("index_agreement"))] + [
        (party_id, names[party_id]) for party_id in names if party_id in groups
    ]
    html = (
        environment(templates_dir)
        .get_template("index.html.j2")
        .render(
            doc=doc,
            t=doc.t,
            groups=[(label, groups.get(party_id, [])) for party_id, label in parties],
            size=_size,
        )
    )
    path = version_dir / INDEX
    data = html.encode()
    if not (path.exists() and path.read_bytes() == data):
        write_atomic(path, data)


def _size(size: int) -> str:
    return f"{size / 1024:.0f} kB" if size < 1024 * 1024 else f"{size / 1024 / 1024:.1f} MB"
