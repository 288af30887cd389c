"""What the follow-up report and a municipality's extract show, for one year and one language.

The status of every measure by goal (and where a municipality differs), what changed since the
year before, and each indicator's values over the years against its baseline and target. The
values come from the indicator lock file (Sotkanet, fetched by `indicators fetch`) and from the
workbook's values entered by hand; nothing here goes online.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

from ..indicators.lock import AREA, COUNTRY, IndicatorLock
from ..workbook.model import COUNTRY as COUNTRY_REGION
from ..workbook.model import (
    MEASURE_STATUSES,
    FollowUpYear,
    Indicator,
    LocalizedText,
    MeasureFollowUp,
    Workbook,
)
from .context import Concern, DocumentContext, GoalView, IndicatorView, MeasureView, anchor
from .party import by_goal
from .text import Block, blocks

NOT_REPORTED = "none"


@dataclass(frozen=True)
class StatusView:
    key: str  # a MEASURE_STATUSES value, or "none" when the year does not report the measure
    label: str


@dataclass(frozen=True)
class OwnStatusView:
    """A municipality where the measure stands otherwise than as a whole."""

    municipality: str
    status: StatusView
    account: tuple[Block, ...]


@dataclass(frozen=True)
class MeasureStatusView:
    goal: GoalView
    measure: MeasureView
    status: StatusView
    account: tuple[Block, ...]
    municipalities: tuple[OwnStatusView, ...]
    previous: StatusView | None  # last year's status, when last year was followed up

    @property
    def changed(self) -> bool:
        return self.previous is not None and self.previous.key != self.status.key


@dataclass(frozen=True)
class GoalStatusView:
    goal: GoalView
    measures: tuple[MeasureStatusView, ...]


@dataclass(frozen=True)
class SeriesView:
    key: str  # "area", "country" or a municipality id
    label: str
    values: dict[int, float]


@dataclass(frozen=True)
class IndicatorReportView:
    indicator: IndicatorView
    baseline: str  # as the workbook writes it, else taken from the data; "" when neither
    anchor: str
    goal_id: str
    unit: str
    decimals: int
    source: str  # "Lähde: THL, Sotkanet (…)", or the indicator's own source
    series: tuple[SeriesView, ...]
    years: tuple[int, ...]  # the years that have a value, up to the report's year
    target: float | None  # the target as a number, when the text starts with one
    text_alternative: str

    def cell(self, series: SeriesView, year: int, number: Callable[[float, int], str]) -> str:
        value = series.values.get(year)
        return number(value, self.decimals) if value is not None else "–"

    @property
    def has_values(self) -> bool:
        return bool(self.years)


@dataclass(frozen=True)
class IndicatorChangeView:
    """The area's latest value of an indicator against its value the year before it."""

    indicator: IndicatorView
    previous_year: int
    previous: str
    latest_year: int
    latest: str
    change: str  # signed: +0,4 / −0,4 / ±0


@dataclass(frozen=True)
class FollowUpView:
    year: int
    previous_year: int | None  # the year before, when it was followed up
    title: str  # "Seurantaraportti 2027"
    goals: tuple[GoalStatusView, ...]
    counts: tuple[tuple[StatusView, int], ...]
    changes: tuple[MeasureStatusView, ...]
    indicators: tuple[IndicatorReportView, ...]
    retrieved: str  # when the Sotkanet data was fetched, formatted; "" without a lock file
    indicator_changes: tuple[IndicatorChangeView, ...] = ()


@dataclass(frozen=True)
class ExtractView:
    """One municipality's extract: its measures and their status, its indicator values beside
    the area's and the country's."""

    party_id: str
    party_name: str
    title: str
    goals: tuple[GoalStatusView, ...]
    indicators: tuple[IndicatorReportView, ...]


@dataclass(frozen=True)
class Values:
    """An indicator's values by region (`area`, `country`, a municipality id) and year."""

    values: dict[str, dict[int, float]]
    decimals: int
    unit: dict[str, str]
    updated: str
    sotkanet: int | None  # the indicator's number in Sotkanet, when the lock file has it
    title: dict[str, str]  # Sotkanet's official title by language


def follow_up_year(workbook: Workbook, year: int) -> FollowUpYear | None:
    return next((entry for entry in workbook.follow_up if entry.year == year), None)


def indicator_values(workbook: Workbook, lock: IndicatorLock | None) -> dict[str, Values]:
    """Every indicator's values: those of the lock file for a Sotkanet indicator, and those
    entered by hand (which win where both give a year)."""
    by_code = {m.code: m.id for m in workbook.municipalities}
    area_id = workbook.wellbeing_area.id
    found: dict[str, Values] = {}
    for goal in workbook.goals:
        for indicator in goal.indicators:
            values: dict[str, dict[int, float]] = {}
            decimals, unit, updated, sotkanet, title = 0, {}, "", None, {}
            locked = (
                lock.indicators.get(indicator.sotkanet.id)
                if lock is not None and indicator.sotkanet is not None
                else None
            )
            if locked is not None:
                sotkanet, title = locked.id, locked.title
                decimals, unit, updated = locked.decimals, locked.unit, locked.updated
                for region, years in locked.values.items():
                    key = region if region in (AREA, COUNTRY) else by_code.get(region)
                    if key is not None:
                        values[key] = dict(years)
            hand = [v for v in workbook.indicator_values if v.indicator == indicator.id]
            for value in hand:
                key = AREA if value.region == area_id else value.region
                key = COUNTRY if key == COUNTRY_REGION else key
                values.setdefault(key, {})[value.year] = value.value
            if hand and sotkanet is None:
                decimals = max(_decimals(v.value) for v in hand)
            found[indicator.id] = Values(values, decimals, unit, updated, sotkanet, title)
    return found


def _decimals(value: float) -> int:
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return len(text.split(".")[1]) if "." in text else 0


def leading_number(text: str | None) -> float | None:
    """`9,1 % (2024)` → 9.1; None when the text does not start with a number."""
    if not text:
        return None
    match = re.match(r"\s*[<>≤≥~]?\s*(-?\d[\d\u00a0 ]*(?:[.,]\d+)?)", text)
    if not match:
        return None
    return float(match[1].replace("\u00a0", "").replace(" ", "").replace(",", "."))


class _Views:
    def __init__(
        self, doc: DocumentContext, workbook: Workbook, lock: IndicatorLock | None, year: int
    ) -> None:
        self.doc = doc
        self.t = doc.t
        self.workbook = workbook
        self.year = year
        self.entry = follow_up_year(workbook, year)
        previous = follow_up_year(workbook, year - 1)
        self.previous = previous
        self.values = indicator_values(workbook, lock)
        self.lock = lock
        self.names = {p.id: p.name for p in doc.parties}
        self.goal_views = {g.id: g for theme in doc.themes for g in theme.goals}

    def status(self, key: str) -> StatusView:
        return StatusView(key, self.t(f"measure_status.{key}"))

    def text(self, value: LocalizedText | None) -> tuple[Block, ...]:
        return blocks(value.get(self.doc.language)) if value is not None else ()

    def record(self, entry: FollowUpYear | None, measure_id: str) -> MeasureFollowUp | None:
        if entry is None:
            return None
        return next((m for m in entry.measures if m.measure == measure_id), None)

    def measure_status(
        self, goal: GoalView, measure: MeasureView, municipality: str | None = None
    ) -> MeasureStatusView:
        """The measure's status this year; for `municipality`, its own where it differs."""
        record = self.record(self.entry, measure.id)
        before = self.record(self.previous, measure.id)
        status = self.status(record.status if record else NOT_REPORTED)
        account = self.text(record.account) if record else ()
        own: list[OwnStatusView] = []
        if record is not None:
            for item in record.municipalities:
                if municipality is None:
                    own.append(
                        OwnStatusView(
                            self.names[item.municipality],
                            self.status(item.status),
                            self.text(item.account),
                        )
                    )
                elif item.municipality == municipality:
                    status, account = self.status(item.status), self.text(item.account)
        previous = None
        if self.previous is not None:
            previous = self.status(before.status if before else NOT_REPORTED)
            if municipality is not None and before is not None:
                for item in before.municipalities:
                    if item.municipality == municipality:
                        previous = self.status(item.status)
        return MeasureStatusView(goal, measure, status, account, tuple(own), previous)

    def goals(self) -> tuple[GoalStatusView, ...]:
        return tuple(
            GoalStatusView(goal, tuple(self.measure_status(goal, m) for m in goal.measures))
            for theme in self.doc.themes
            for goal in theme.goals
        )

    def indicator(
        self, goal_id: str, indicator: Indicator, regions: tuple[tuple[str, str], ...]
    ) -> IndicatorReportView:
        """The indicator's values for `regions` ((key, label) pairs), up to the year."""
        view = next(i for i in self.goal_views[goal_id].indicators if i.id == indicator.id)
        data = self.values[indicator.id]
        series = tuple(
            SeriesView(
                key,
                label,
                {y: v for y, v in data.values.get(key, {}).items() if y <= self.year},
            )
            for key, label in regions
        )
        years = tuple(sorted({year for s in series for year in s.values}))
        unit = data.unit.get(self.doc.language, data.unit.get("fi", "")) if data.unit else ""
        if data.sotkanet is not None:
            official = data.title.get(self.doc.language) or data.title.get("fi", "")
            updated = self.t.date(_date(data.updated)) if data.updated else "–"
            source = self.t(
                "report_source_sotkanet", id=data.sotkanet, title=official, date=updated
            )
        else:
            source = self.t("report_source", source=view.source) if view.source else ""
        target = leading_number(view.target)
        baseline = view.baseline or self.baseline_from_data(data, unit)
        return IndicatorReportView(
            indicator=view,
            baseline=baseline,
            anchor=anchor("indicator", indicator.id),
            goal_id=goal_id,
            unit=unit,
            decimals=data.decimals,
            source=source,
            series=series,
            years=years,
            target=target,
            text_alternative=self.text_alternative(view, series, years, data.decimals),
        )

    def baseline_from_data(self, data: Values, unit: str) -> str:
        """The area's value of the last year before the period (else its first year), when the
        workbook gives no baseline: `6,2 % (2026)`."""
        area = data.values.get(AREA, {})
        if not area:
            return ""
        start = self.workbook.agreement.period.start.year
        before = [year for year in area if year < start]
        year = max(before) if before else min(area)
        number = self.t.number(area[year], data.decimals)
        return f"{number} {unit} ({year})" if unit else f"{number} ({year})"

    def text_alternative(
        self,
        view: IndicatorView,
        series: tuple[SeriesView, ...],
        years: tuple[int, ...],
        decimals: int,
    ) -> str:
        if not years:
            return self.t("report_no_values")
        parts = []
        for s in series:
            if not s.values:
                continue
            first, last = min(s.values), max(s.values)
            if first == last:
                parts.append(f"{s.label} {first}: {self.t.number(s.values[first], decimals)}")
            else:
                parts.append(
                    f"{s.label} {first}: {self.t.number(s.values[first], decimals)}, "
                    f"{last}: {self.t.number(s.values[last], decimals)}"
                )
        text = self.t(
            "chart_alt", name=view.name, first=years[0], last=years[-1], series="; ".join(parts)
        )
        if view.target:
            text += " " + self.t("chart_alt_target", target=view.target)
        return text + " " + self.t("chart_alt_table")

    def regions(self, municipality: str | None = None) -> tuple[tuple[str, str], ...]:
        own = ((municipality, self.names[municipality]),) if municipality else ()
        return (*own, (AREA, self.doc.area.name), (COUNTRY, self.t("whole_country")))


def _date(value: str) -> dt.date:
    return dt.date.fromisoformat(value)


def follow_up_view(
    doc: DocumentContext, workbook: Workbook, lock: IndicatorLock | None, year: int
) -> FollowUpView:
    """The follow-up report of `year` in the context's language."""
    v = _Views(doc, workbook, lock, year)
    goals = v.goals()
    measures = [m for g in goals for m in g.measures]
    counts = tuple(
        (v.status(key), n)
        for key in (*MEASURE_STATUSES, NOT_REPORTED)
        if (n := sum(m.status.key == key for m in measures)) or key != NOT_REPORTED
    )
    indicators = tuple(
        v.indicator(goal.id, indicator, v.regions())
        for goal in workbook.goals
        for indicator in goal.indicators
    )
    retrieved = ""
    if lock is not None:
        retrieved = doc.t.date(_date(lock.retrieved[:10]))
    return FollowUpView(
        year=year,
        previous_year=year - 1 if v.previous is not None else None,
        title=doc.t("report_title", year=year),
        goals=goals,
        counts=counts,
        changes=tuple(m for m in measures if m.changed),
        indicators=indicators,
        retrieved=retrieved,
        indicator_changes=tuple(
            change for view in indicators if (change := _change(view, doc)) is not None
        ),
    )


def _change(view: IndicatorReportView, doc: DocumentContext) -> IndicatorChangeView | None:
    """The area's two latest values of an indicator, and how much it moved."""
    area = next((s for s in view.series if s.key == AREA), None)
    if area is None or len(area.values) < 2:
        return None
    before, latest = sorted(area.values)[-2:]
    difference = round(area.values[latest] - area.values[before], view.decimals)
    number = doc.t.number(abs(difference), view.decimals)
    sign = "+" if difference > 0 else "\u2212" if difference < 0 else "±"
    return IndicatorChangeView(
        indicator=view.indicator,
        previous_year=before,
        previous=doc.t.number(area.values[before], view.decimals),
        latest_year=latest,
        latest=doc.t.number(area.values[latest], view.decimals),
        change=f"{sign}{number}",
    )


def extract_view(
    doc: DocumentContext,
    workbook: Workbook,
    lock: IndicatorLock | None,
    year: int,
    municipality: str,
) -> ExtractView:
    """One municipality's extract of the follow-up of `year`."""
    v = _Views(doc, workbook, lock, year)
    concerns: tuple[Concern, ...] = doc.concerns[municipality]
    goals = tuple(
        GoalStatusView(
            group.goal,
            tuple(v.measure_status(group.goal, c.measure, municipality) for c in group.concerns),
        )
        for group in by_goal(concerns)
    )
    shown = {i.id for c in concerns for i in c.measure.indicators}
    used = [i.id for g in workbook.goals for i in g.indicators if i.id in shown]
    owners = {i.id: g.id for g in workbook.goals for i in g.indicators}
    indicators_by_id = {i.id: i for g in workbook.goals for i in g.indicators}
    indicators = tuple(
        v.indicator(owners[i], indicators_by_id[i], v.regions(municipality)) for i in used
    )
    name = v.names[municipality]
    return ExtractView(
        party_id=municipality,
        party_name=name,
        title=doc.t("extract_title", party=name, year=year),
        goals=goals,
        indicators=indicators,
    )
