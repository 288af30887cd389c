"""Writing output files so that a reader never sees half of one (see agreement_builder.fileio:
one segment names a file in its folder, links are not followed, a failed write raises
OutputError naming the path and leaves no temporary file)."""

from __future__ import annotations

from pathlib import Path

from ..fileio import Folder, sha256, write_atomic

__all__ = ["Folder", "sha256", "write_atomic", "write_if_changed"]


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write `data` (atomically) unless `path` already holds exactly it, keeping its
    modification time; whether it was written."""
    with Folder.open(path.parent) as folder:
        return folder.write_if_changed(path.name, data)
