"""Indicator charts: the same data gives the same SVG, readable in greyscale, numbers as the
document's language writes them."""

from __future__ import annotations

import re
from functools import partial

from babel.numbers import format_decimal

from agreement_builder.render.chart import Chart, Series, chart_svg
from tests.conftest import TEMPLATES

FONT = TEMPLATES / "fonts" / "LiberationSans-Regular.ttf"
CHART = Chart(
    series=(
        Series("Testialue", ((2021, 6.2), (2022, 5.3), (2023, 5.6), (2024, 6.4), (2025, 6.8))),
        Series("Koko maa", ((2021, 7.7), (2022, 6.9), (2023, 7.4), (2024, 8.5), (2025, 9.0))),
        Series("Ranua", ((2023, 1234.5),)),
    ),
    target=8.0,
    target_label="Tavoite",
    unit="%",
)


def finnish(value: float) -> str:
    return format_decimal(value, "#,##0.0", locale="fi_FI")


def test_the_same_chart_gives_the_same_bytes():
    first = chart_svg(CHART, finnish, FONT)
    assert chart_svg(CHART, finnish, FONT) == first
    assert first.startswith(b"<?xml")
    assert b"<dc:date>" not in first  # no time of drawing


def test_series_are_told_apart_without_colour():
    svg = chart_svg(CHART, finnish, FONT).decode()
    colours = set(re.findall(r"(?:stroke|fill): ?#([0-9a-fA-F]{6})", svg))
    assert colours, "the chart draws in colours given as #rrggbb"
    assert all(c[0:2] == c[2:4] == c[4:6] for c in colours), colours  # greys only
    dashes = set(re.findall(r"stroke-dasharray: ?([0-9.,\s]+)", svg))
    assert len(dashes) >= 3  # dashed, dotted and the target's dashes besides the solid line
    markers = set(re.findall(r'<defs>\s*<path id="(m[0-9a-f]+)"', svg))
    assert len(re.findall(r'<path id="m[0-9a-f]+" d=', svg)) >= 3, markers  # o, s, ^


def test_numbers_follow_the_formatter_and_years_stay_years():
    """Text is drawn as paths; matplotlib keeps each string as a comment beside it."""
    svg = chart_svg(CHART, finnish, FONT).decode()
    texts = re.findall(r"<!-- (.*?) -->", svg)
    assert texts[:5] == ["2021", "2022", "2023", "2024", "2025"]  # no "2 021"
    assert "1\u00a0000,0" in texts and "200,0" in texts  # Finnish grouping and decimal comma
    assert texts[-4:] == ["Testialue", "Koko maa", "Ranua", "Tavoite"]  # the legend
    swedish = chart_svg(CHART, partial(format_decimal, format="#,##0.0", locale="sv_FI"), FONT)
    assert "1\u00a0000,0" in re.findall(r"<!-- (.*?) -->", swedish.decode())
