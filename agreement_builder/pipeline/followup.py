"""The follow-up report's documents: their HTML, with a chart per indicator drawn as SVG.

The build (run.py) plans them with `plan.plan_follow_up` and renders, writes and lists them
like every other document; what is particular to them is here: the year's view of the
workbook and the indicator lock file, and the charts embedded in the HTML as data URLs (the
HTML holds everything a document shows, so its fingerprint covers the data and the charts).
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from functools import partial
from pathlib import Path

from ..document.context import DocumentContext
from ..document.followup import IndicatorReportView, extract_view, follow_up_view
from ..indicators.lock import IndicatorLock
from ..render.html import render_html
from ..theme import Templates
from ..workbook.model import Workbook
from .plan import Target

CHART_FONT = "fonts/LiberationSans-Regular.ttf"


def charts(
    indicators: Sequence[IndicatorReportView], context: DocumentContext, font: Path
) -> dict[str, str]:
    """Indicator id → the chart of its values as a `data:` URL (SVG), for those with values."""
    from ..render.chart import Chart, Series, chart_svg

    t = context.t
    drawn = {}
    for view in indicators:
        if not view.has_values:
            continue
        chart = Chart(
            series=tuple(
                Series(s.label, tuple(sorted(s.values.items()))) for s in view.series if s.values
            ),
            target=view.target,
            target_label=t("report_target_line"),
            unit=view.unit,
        )
        svg = chart_svg(chart, partial(t.number, decimals=view.decimals), font)
        drawn[view.indicator.id] = "data:image/svg+xml;base64," + base64.b64encode(svg).decode()
    return drawn


def follow_up_parts(
    target: Target,
    context: DocumentContext,
    workbook: Workbook,
    lock: IndicatorLock | None,
    year: int,
    templates: Templates,
) -> list[str]:
    """The HTML of a follow-up document: the report, or a municipality's extract."""
    [template] = target.templates
    font = templates.find(CHART_FONT)
    if target.kind == "report":
        view = follow_up_view(context, workbook, lock, year)
        drawn = charts(view.indicators, context, font)
        return [render_html(templates, template, context, f=view, charts=drawn)]
    assert target.party is not None
    extract = extract_view(context, workbook, lock, year, target.party)
    drawn = charts(extract.indicators, context, font)
    return [render_html(templates, template, context, x=extract, year=year, charts=drawn)]
