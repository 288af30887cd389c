"""The page stamp's font: cut from a WinAnsi cut of the font, byte for byte as from the whole."""

from __future__ import annotations

import io

import pytest
from fontTools.ttLib import TTFont

from agreement_builder.render import pagestamp
from agreement_builder.render.pdf import STAMP_FONT
from agreement_builder.theme import Templates


@pytest.mark.parametrize(
    "text",
    [
        "Liite: Ranuan kunta · Sivu 2 / 31",
        "Bilaga: Korsholms kommun · Sida 14 / 18",
        "Liite: Lapin hyvinvointialue ÅÄÖåäö é ü · Sivu 9 / 9",
        "".join(map(chr, range(32, 127))),
    ],
)
def test_cut_from_the_winansi_font_is_the_cut_of_the_whole_font(text: str) -> None:
    path = Templates.of(None).find(STAMP_FONT)
    chars = frozenset(text)
    whole = TTFont(path, recalcTimestamp=False)
    head = whole["head"]
    scale = 1000 / head.unitsPerEm
    bbox = [round(v * scale) for v in (head.xMin, head.yMin, head.xMax, head.yMax)]
    pagestamp._cut(whole, chars | {" "})
    expected = io.BytesIO()
    whole.save(expected)
    data, widths, metrics = pagestamp._subset(path, chars)
    assert data == expected.getvalue()
    assert metrics["bbox"] == bbox  # the whole font's, as the descriptor has always said
    assert set(widths) == chars | {" "}
    if len(chars) < 60:  # a real cut, not the WinAnsi font passed through
        assert len(data) < len(pagestamp._winansi(path)[0]) / 2
