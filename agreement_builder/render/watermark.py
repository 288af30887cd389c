"""The diagonal draft mark, drawn as glyph outlines in an SVG.

The mark is outlines, not text: it is decoration (a PDF artifact), so a reader's text extraction
and a screen reader never meet it, and it needs no font at render time.
"""

from __future__ import annotations

import base64
from functools import cache
from pathlib import Path

from fontTools.pens.svgPathPen import SVGPathPen
from fontTools.pens.transformPen import TransformPen
from fontTools.ttLib import TTFont

# An A4 page, in the SVG's user units (millimetres); the mark runs corner to corner.
PAGE_WIDTH, PAGE_HEIGHT = 210, 297
ANGLE = -54.7  # the diagonal of A4
COLOUR = "#e4e4e4"


@cache
def watermark_svg(text: str, font_path: Path) -> str:
    """An A4-sized SVG with `text` drawn diagonally across it in the given font."""
    font = TTFont(font_path)
    glyphs = font.getGlyphSet()
    cmap = font.getBestCmap()
    units = font["head"].unitsPerEm
    pen = SVGPathPen(glyphs)
    x = 0
    for char in text:
        name = cmap.get(ord(char), ".notdef")
        # Font units have y upwards; SVG has y downwards.
        glyphs[name].draw(TransformPen(pen, (1, 0, 0, -1, x, 0)))
        x += glyphs[name].width
    width_mm = 0.8 * (PAGE_WIDTH**2 + PAGE_HEIGHT**2) ** 0.5
    scale = width_mm / x if x else 1
    cap_height = 0.7 * units * scale
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{PAGE_WIDTH}mm" height="{PAGE_HEIGHT}mm" '
        f'viewBox="0 0 {PAGE_WIDTH} {PAGE_HEIGHT}">'
        f'<g transform="translate({PAGE_WIDTH / 2} {PAGE_HEIGHT / 2}) rotate({ANGLE}) '
        f'translate({-width_mm / 2:.3f} {cap_height / 2:.3f}) scale({scale:.6f})">'
        f'<path fill="{COLOUR}" d="{pen.getCommands()}"/></g></svg>'
    )


def watermark_url(text: str, font_path: Path) -> str:
    """The mark as a `data:` URL, for a CSS `background` of the page."""
    svg = watermark_svg(text, font_path).encode()
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")
