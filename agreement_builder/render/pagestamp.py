"""A line of text stamped onto pages of a finished PDF: a package's own page numbers.

A package joins parts drawn once for many packages (the full agreement, the measures common to
all municipalities), so their pages cannot carry a package's page numbers when drawn. The line
is added to each page afterwards, at the right end of the footer's line, as an artifact (not
part of the structure tree, like WeasyPrint's own running headers and footers), in Liberation
Sans embedded as a small subset (a simple TrueType font with WinAnsiEncoding, as PDF/A allows).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pikepdf
from fontTools import subset
from fontTools.ttLib import TTFont
from pikepdf import Array, Dictionary, Name, Pdf

SIZE = 8.0  # pt, as the running footer
GREY = "0.333 0.333 0.333"  # the footer's colour, #555
# Where the running footer's text stands on an A4 page (print.css: 20 mm right margin, the
# footer 3 mm below the bottom margin's rule): its right end and its baseline, in points.
RIGHT = 595.276 - 56.693
BASELINE = 45.08
MARK = b"% agreement-builder page stamp\n"  # first line of every stamp's content stream


@dataclass(frozen=True)
class Stamp:
    """`text` on every page from `first` on (1-based); `{page}` and `{pages}` are replaced."""

    text: str
    first: int = 2
    font: Path | None = None


def stamp_pages(pdf: Pdf, stamp: Stamp) -> None:
    """Stamp `pdf`'s pages in place."""
    total = len(pdf.pages)
    texts = {
        number: _encodable(stamp.text.format(page=number, pages=total))
        for number in range(stamp.first, total + 1)
    }
    if not texts or stamp.font is None:
        return
    font, widths = _font(pdf, stamp.font, frozenset("".join(texts.values())))
    for number, text in texts.items():
        page = pdf.pages[number - 1]
        # A fixed name (a prefix would get a random suffix): the same inputs, the same bytes.
        name = page.add_resource(font, Name.Font, Name.FAgreementStamp)
        width = sum(widths.get(char, 0) for char in text) * SIZE / 1000
        literal = pikepdf.String(text.encode("cp1252")).unparse()
        content = (
            MARK
            + b"q /Artifact BMC BT "
            + bytes(name)
            + f" {SIZE:g} Tf {GREY} rg ".encode()
            + f"1 0 0 1 {RIGHT - width:.2f} {BASELINE:.2f} Tm ".encode()
            + literal
            + b" Tj ET EMC Q\n"
        )
        page.contents_add(pikepdf.Stream(pdf, b"q\n"), prepend=True)
        page.contents_add(pikepdf.Stream(pdf, b"Q\n" + content))


def _encodable(text: str) -> str:
    """The text in the characters WinAnsiEncoding has (Finnish and Swedish all are)."""
    return text.encode("cp1252", errors="replace").decode("cp1252")


def _font(pdf: Pdf, path: Path, chars: frozenset[str]) -> tuple[Dictionary, dict[str, float]]:
    data, widths, metrics = _subset(path, chars)
    codes = range(32, 256)
    char_of = {code: bytes([code]).decode("cp1252", errors="ignore") for code in codes}
    file = pikepdf.Stream(pdf, data)
    file.Length1 = len(data)
    descriptor = Dictionary(
        Type=Name.FontDescriptor,
        FontName=Name("/" + metrics["name"]),
        Flags=32,  # nonsymbolic: the glyphs are found through the font's Unicode cmap
        FontBBox=Array(metrics["bbox"]),
        ItalicAngle=0,
        Ascent=metrics["ascent"],
        Descent=metrics["descent"],
        CapHeight=metrics["cap_height"],
        StemV=80,
        FontFile2=pdf.make_indirect(file),
    )
    font = Dictionary(
        Type=Name.Font,
        Subtype=Name.TrueType,
        BaseFont=Name("/" + metrics["name"]),
        FirstChar=32,
        LastChar=255,
        Widths=Array([round(widths.get(char_of[code], 0)) for code in codes]),
        Encoding=Name.WinAnsiEncoding,
        FontDescriptor=pdf.make_indirect(descriptor),
    )
    return pdf.make_indirect(font), widths


@cache
def _subset(path: Path, chars: frozenset[str]) -> tuple[bytes, dict[str, float], dict]:
    """The font cut down to `chars`, their widths (per 1000 units of the em) and metrics."""
    # Cut from the font already cut down to WinAnsiEncoding's characters (once per process):
    # the same bytes as cutting the whole font, a tenth of the time (reading the whole font's
    # layout tables was most of a package's join).
    winansi, bbox = _winansi(path)
    font = TTFont(io.BytesIO(winansi), recalcTimestamp=False)
    _cut(font, chars | {" "})
    scale = 1000 / font["head"].unitsPerEm
    cmap = font.getBestCmap()
    widths = {c: font["hmtx"][cmap[ord(c)]][0] * scale for c in chars | {" "} if ord(c) in cmap}
    hhea, os2 = font["hhea"], font["OS/2"]
    metrics = {
        # A subset's name starts with a tag of six capitals; a fixed one keeps bytes stable.
        "name": "STAMPA+" + font["name"].getDebugName(6),
        "bbox": [round(v * scale) for v in bbox],
        "ascent": round(hhea.ascent * scale),
        "descent": round(hhea.descent * scale),
        "cap_height": round(getattr(os2, "sCapHeight", hhea.ascent) * scale),
    }
    out = io.BytesIO()
    font.save(out)
    return out.getvalue(), widths, metrics


@cache
def _winansi(path: Path) -> tuple[bytes, tuple[int, int, int, int]]:
    """The font at `path` cut down to the characters WinAnsiEncoding has, and the whole font's
    bounding box (the descriptor's FontBBox: saving the cut recomputes the cut's own)."""
    # The font's own timestamps, not the time of saving: the same inputs give the same bytes.
    font = TTFont(path, recalcTimestamp=False)
    head = font["head"]
    bbox = (head.xMin, head.yMin, head.xMax, head.yMax)
    _cut(font, frozenset(_encodable(bytes(range(32, 256)).decode("cp1252", errors="ignore"))))
    out = io.BytesIO()
    font.save(out)
    return out.getvalue(), bbox


def _cut(font: TTFont, chars: frozenset[str]) -> None:
    options = subset.Options()
    options.hinting = False
    options.name_IDs = [1, 2, 3, 4, 6]
    options.notdef_outline = True
    options.drop_tables += ["FFTM"]  # FontForge's timestamps: not needed, not subsettable
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(ord(c) for c in chars))
    subsetter.subset(font)
