"""Line charts of indicator values over the years, as SVG, drawn by matplotlib.

matplotlib's SVG backend is well kept and draws text as paths, so the chart needs no font in
the PDF and looks the same everywhere. The same data always gives the same bytes: the SVG's
ids come from a fixed salt (`svg.hashsalt`), its metadata carries no date, and the font is the
templates' own Liberation Sans. Each series has its own marker and line style besides its shade
of grey, so the chart reads in greyscale; numbers are written by the caller's formatter (Babel,
in the document's language). The chart is a picture only: the document gives its text
alternative and the numbers as a table.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

# Marker, line style and grey per series: told apart without colour.
STYLES = (
    ("o", "-", "#000000"),
    ("s", "--", "#4d4d4d"),
    ("^", ":", "#7a7a7a"),
    ("D", "-.", "#262626"),
)
TARGET_STYLE = ((0, (6, 3)), "#000000")


@dataclass(frozen=True)
class Series:
    label: str
    values: tuple[tuple[int, float], ...]  # (year, value), in year order


@dataclass(frozen=True)
class Chart:
    series: tuple[Series, ...]
    target: float | None  # drawn as a dashed horizontal line, labelled
    target_label: str
    unit: str  # the y axis label, e.g. "%"


@cache
def _font(font_path: Path) -> str:
    """Register the templates' font with matplotlib and return its family name."""
    from matplotlib import font_manager

    font_manager.fontManager.addfont(str(font_path))
    return font_manager.FontProperties(fname=str(font_path)).get_name()


def chart_svg(chart: Chart, number: Callable[[float], str], font_path: Path) -> bytes:
    """The chart as SVG bytes; `number` writes a value as the document's language does."""
    import matplotlib

    matplotlib.use("svg", force=False)
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    family = _font(font_path)
    settings: dict[Any, Any] = {
        "svg.hashsalt": "agreement-builder",
        "svg.fonttype": "path",
        "font.family": family,
        "font.size": 8,
        "axes.spines.top": False,
        "axes.spines.right": False,
    }
    with matplotlib.rc_context(settings):
        figure = Figure(figsize=(6.2, 2.6))
        axes = figure.add_subplot()
        years: set[int] = set()
        for index, series in enumerate(chart.series):
            marker, line, grey = STYLES[index % len(STYLES)]
            xs = [year for year, _ in series.values]
            ys = [value for _, value in series.values]
            years.update(xs)
            axes.plot(
                xs,
                ys,
                marker=marker,
                linestyle=line,
                color=grey,
                linewidth=1.4,
                markersize=5,
                markerfacecolor="white" if index % 2 else grey,
                label=series.label,
            )
        if chart.target is not None:
            dashes, grey = TARGET_STYLE
            axes.axhline(
                chart.target, linestyle=dashes, color=grey, linewidth=1, label=chart.target_label
            )
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
        axes.xaxis.set_major_formatter(FuncFormatter(lambda x, _: str(round(x))))
        axes.yaxis.set_major_formatter(FuncFormatter(lambda y, _: number(y)))
        if len(years) == 1:
            [year] = years
            axes.set_xlim(year - 1, year + 1)
        axes.set_ylabel(chart.unit)
        axes.grid(axis="y", color="#cccccc", linewidth=0.5)
        # Fixed margins and the legend below the plot: computing a tight layout or the best
        # place for the legend would take most of the time of a chart.
        figure.subplots_adjust(left=0.12, right=0.98, top=0.96, bottom=0.26)
        axes.legend(
            loc="upper center",
            bbox_to_anchor=(0.5, -0.14),
            ncol=len(chart.series) + (chart.target is not None),
            frameon=False,
            fontsize=7.5,
        )
        out = io.BytesIO()
        figure.savefig(out, format="svg", metadata={"Date": None, "Creator": None})
    return out.getvalue()


def series_of(label: str, values: dict[int, float]) -> Series:
    return Series(label, tuple(sorted(values.items())))


def any_values(series: Sequence[Series]) -> bool:
    return any(s.values for s in series)
