"""Zip archives whose bytes depend on their contents alone: the DOCX and XLSX packages and the
downloads of a party's documents. Every member carries one fixed time (a document's date, never
the clock), is deflated and has the mode 0644, so the same contents give the same bytes."""

from __future__ import annotations

import datetime as dt
import io
import os
import zipfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    from _typeshed import SizedBuffer

EPOCH = dt.date(1980, 1, 1)  # the earliest time a zip member can carry


def zip_time(day: dt.date | None) -> tuple[int, int, int, int, int, int]:
    """A member's time: midnight of `day` (none, or before 1980: 1 January 1980)."""
    day = day or EPOCH
    if day.year < EPOCH.year:
        return (EPOCH.year, day.month, day.day, 0, 0, 0)
    return (day.year, day.month, day.day, 0, 0, 0)


class StableZip(zipfile.ZipFile):
    """A zip being written whose members all carry the time of `when`, deflated, mode 0644
    (whatever the code writing into it, openpyxl's ExcelWriter for one, asks for)."""

    def __init__(self, file: str | os.PathLike[str] | IO[bytes], *, when: dt.date | None) -> None:
        super().__init__(file, "w", zipfile.ZIP_DEFLATED)
        self.stamp = zip_time(when)

    def writestr(
        self,
        zinfo_or_arcname: str | zipfile.ZipInfo,
        data: SizedBuffer | str,
        compress_type: int | None = None,
        compresslevel: int | None = None,
    ) -> None:
        name = (
            zinfo_or_arcname.filename
            if isinstance(zinfo_or_arcname, zipfile.ZipInfo)
            else zinfo_or_arcname
        )
        info = zipfile.ZipInfo(name, date_time=self.stamp)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        super().writestr(info, data, compress_type, compresslevel)

    def write(
        self,
        filename: str | os.PathLike[str],
        arcname: str | os.PathLike[str] | None = None,
        compress_type: int | None = None,
        compresslevel: int | None = None,
    ) -> None:
        self.writestr(str(arcname or Path(filename).name), Path(filename).read_bytes())


def restamp(
    data: bytes,
    when: dt.date | None,
    edit: Mapping[str, Callable[[bytes], bytes]] | None = None,
) -> bytes:
    """A zip (python-docx's output) re-packed as a StableZip, its members in their order;
    `edit` changes the named members' bytes on the way (the DOCX writer puts its body in)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, StableZip(out, when=when) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if edit and info.filename in edit:
                content = edit[info.filename](content)
            target.writestr(info.filename, content)
    return out.getvalue()
