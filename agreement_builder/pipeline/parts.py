"""Each part's PDF of the packages, kept between builds in the version folder's `.parts/`.

A package's PDF joins its parts (cover, the agreement, the common measures, the party's annex),
each drawn on its own. When one measure's text changes, the agreement changes in every package
but most parties' own parts do not: a build joins the parts it kept instead of drawing them
again. A part is named by the fingerprint of its HTML and the sha256 of its PDF
(`<fingerprint>-<sha256>.pdf`); one whose bytes are not those of its name is not used. A complete
build removes the parts no document of the version has any more; only a draft keeps any.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

from ..errors import OutputError
from .files import Folder, sha256

PARTS = ".parts"
_LIMIT = 256 * 1024 * 1024


def kept(folder: Folder, fingerprints: Iterable[str]) -> dict[str, bytes]:
    """The PDFs kept of these parts, by fingerprint (the intact ones)."""
    wanted = set(fingerprints)
    if not wanted or not folder.exists(PARTS):
        return {}
    found: dict[str, bytes] = {}
    with folder.subfolder(PARTS, create=False) as parts:
        for name in parts.names():
            fingerprint, _, rest = name.partition("-")
            if fingerprint in wanted and rest.endswith(".pdf"):
                data = parts.read(name, _LIMIT)
                if data is not None and sha256(data) == rest[: -len(".pdf")]:
                    found[fingerprint] = data
    return found


def keep(folder: Folder, drawn: Iterable[tuple[str, bytes]], skip: set[str]) -> None:
    """Keep the parts' PDFs (but those in `skip`: documents of their own, already on disk)."""
    fresh = [(fp, data) for fp, data in drawn if fp not in skip]
    if not fresh:
        return
    with folder.subfolder(PARTS) as parts:
        for fingerprint, data in fresh:
            parts.write_if_changed(f"{fingerprint}-{sha256(data)}.pdf", data)  # or repaired
            skip.add(fingerprint)


def prune(folder: Folder, in_use: set[str]) -> None:
    """Remove the kept parts no document of the version joins any more (with none in use, the
    folder too: a final version keeps none, it is never built again)."""
    if not folder.exists(PARTS):
        return
    try:
        with folder.subfolder(PARTS, create=False) as parts:
            for name in parts.names():
                if name.partition("-")[0] not in in_use:
                    parts.remove(name)
        if not in_use:
            os.rmdir(PARTS, dir_fd=folder.fd)
    except (OSError, OutputError):
        return  # kept parts are a cache: never a reason for a build to fail
