"""`indicators fetch`: the values of a workbook's Sotkanet indicators, into its lock file.

Everything is fetched and checked first; the lock file is written only then, atomically, so a
failure (unknown indicator, unreachable API, timeout, an answer of another shape) leaves the
previous lock file exactly as it was.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..errors import IndicatorFetchError
from ..indicators.lock import AREA, COUNTRY, IndicatorLock, LockedIndicator, lock_bytes, lock_path
from ..indicators.sotkanet import (
    COUNTRY as COUNTRY_CATEGORY,
)
from ..indicators.sotkanet import (
    DEFAULT_API,
    DEFAULT_TIMEOUT,
    FINLAND_CODES,
    MUNICIPALITY,
    WELLBEING_AREA,
    Region,
    SotkanetClient,
)
from ..pipeline.files import write_atomic
from ..workbook.model import Workbook
from ..workbook.validate import load_workbook

# Years fetched: a few before the period (the baselines), through the period's last year.
YEARS_BEFORE = 5


@dataclass(frozen=True)
class FetchReport:
    path: Path
    indicators: int
    values: int
    unchanged: bool  # the data was the same as the lock file's: only the time was updated


def sotkanet_indicators(workbook: Workbook) -> dict[int, list[str]]:
    """Sotkanet id → the workbook's indicators that reference it."""
    found: dict[int, list[str]] = {}
    for goal in workbook.goals:
        for indicator in goal.indicators:
            if indicator.sotkanet is not None:
                found.setdefault(indicator.sotkanet.id, []).append(indicator.id)
    return found


def fetch_years(workbook: Workbook) -> tuple[int, ...]:
    period = workbook.agreement.period
    return tuple(range(period.start.year - YEARS_BEFORE, period.end.year + 1))


def fetch_indicators(
    workbook_path: Path,
    api: str = DEFAULT_API,
    timeout: float = DEFAULT_TIMEOUT,
    *,
    now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
    progress: Callable[[str], None] | None = None,
) -> FetchReport:
    """Fetch every Sotkanet indicator of the workbook for the area, each municipality and the
    country, and write the lock file beside the workbook."""
    workbook = load_workbook(workbook_path, display=str(workbook_path))
    wanted = sotkanet_indicators(workbook)
    if not wanted:
        raise IndicatorFetchError(
            f"{workbook_path}: no indicator references Sotkanet; give one, e.g. "
            "`sotkanet: {id: 186}` under the indicator"
        )
    client = SotkanetClient(api, timeout)
    years = fetch_years(workbook)
    regions = _match_regions(workbook, client.regions(), client.url("/regions"))
    keys = {region.id: key for key, region in regions.items()}
    indicators: dict[int, LockedIndicator] = {}
    count = 0
    for sotkanet_id, users in sorted(wanted.items()):
        meta = client.indicator(sotkanet_id)
        if meta is None:
            raise IndicatorFetchError(
                f"{client.url(f'/indicators/{sotkanet_id}')}: Sotkanet has no indicator "
                f"{sotkanet_id} (referenced by {', '.join(users)}): check its number in "
                "Sotkanet's indicator list"
            )
        values: dict[str, dict[int, float]] = {}
        for row in client.data(sotkanet_id, years):
            key = keys.get(row.region)
            if key is not None:
                values.setdefault(key, {})[row.year] = row.value
                count += 1
        indicators[sotkanet_id] = LockedIndicator(
            meta.id, meta.title, meta.unit, meta.decimals, meta.updated, values
        )
        if progress:
            progress(f"{sotkanet_id}: {meta.title['fi']}")
    path = lock_path(workbook_path)
    retrieved = now().astimezone(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    lock = IndicatorLock(client.api, retrieved, years, indicators)
    data = lock_bytes(lock)
    unchanged = False
    if path.exists():
        from ..indicators.lock import read_lock

        try:
            old = read_lock(path)
        except Exception:  # a broken old lock is simply replaced
            old = None
        unchanged = old is not None and old.indicators == indicators and old.years == years
    write_atomic(path, data)
    return FetchReport(path, len(indicators), count, unchanged)


def _match_regions(workbook: Workbook, regions: list[Region], url: str) -> dict[str, Region]:
    """The regions of the country, the wellbeing area and each municipality (by its code)."""
    by_code: dict[tuple[str, str], Region] = {}
    for region in regions:
        by_code.setdefault((region.category, _code(region.code)), region)
    found: dict[str, Region] = {}
    country = next(
        (
            r
            for r in regions
            if r.category == COUNTRY_CATEGORY and r.code.upper() in FINLAND_CODES
        ),
        None,
    ) or next((r for r in regions if r.category == COUNTRY_CATEGORY), None)
    if country is not None:
        found[COUNTRY] = country
    missing: list[str] = []
    for municipality in workbook.municipalities:
        matched = by_code.get((MUNICIPALITY, _code(municipality.code)))
        if matched is None:
            missing.append(f"{municipality.id} ({municipality.code})")
        else:
            found[municipality.code] = matched
    if missing:
        raise IndicatorFetchError(
            f"{url}: Sotkanet has no municipality with the code of {', '.join(missing)}: "
            "check the codes in the workbook"
        )
    area = _area_region(workbook, regions, by_code)
    if area is None:
        raise IndicatorFetchError(
            f"{url}: no region of category {WELLBEING_AREA} matches the wellbeing area "
            f"{workbook.wellbeing_area.name.get(workbook.agreement.languages[0])!r} "
            "(by its official code or its Finnish name)"
        )
    found[AREA] = area
    return found


def _area_region(
    workbook: Workbook, regions: list[Region], by_code: dict[tuple[str, str], Region]
) -> Region | None:
    from ..registry import registry

    # The registry's area that holds most of the workbook's municipalities.
    codes = {m.code for m in workbook.municipalities}
    overlap = [(len(codes & {m.code for m in a.municipalities}), a) for a in registry().areas]
    count, area = max(overlap, key=lambda pair: pair[0])
    if count:
        region = by_code.get((WELLBEING_AREA, _code(area.code)))
        if region is not None:
            return region
    name = workbook.wellbeing_area.name
    finnish = name.get("fi") if name.has("fi") else None
    return next(
        (r for r in regions if r.category == WELLBEING_AREA and r.title.get("fi") == finnish),
        None,
    )


def _code(code: str) -> str:
    """Codes compare as numbers where they are numbers: `047`, `47` and `0047` are one."""
    return str(int(code)) if code.isdigit() else code
