"""The indicator lock file: the Sotkanet data a workbook's documents use, fetched once.

`agreement-builder indicators fetch` writes it beside the workbook (`lappi.yaml` →
`lappi.indicators.lock.json`); builds and reports read only this file, so they never go online
and the same inputs give the same bytes. It records when the data was retrieved and, per
indicator, the official titles and unit, the decimals, when THL last updated the data, and the
values by region and year. Regions are `country`, `area` (the wellbeing area) and municipality
codes (`"047"`), as Sotkanet matches them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import LockFileError

LOCK_FORMAT = "agreement-indicators-lock/1"
LOCK_SUFFIX = ".indicators.lock.json"
COUNTRY = "country"
AREA = "area"


@dataclass(frozen=True)
class LockedIndicator:
    id: int
    title: dict[str, str]
    unit: dict[str, str]
    decimals: int
    updated: str  # ISO date, or ""
    # region ("country", "area" or a municipality code) -> year -> value
    values: dict[str, dict[int, float]] = field(default_factory=dict)


@dataclass(frozen=True)
class IndicatorLock:
    api: str
    retrieved: str  # ISO date and time, UTC
    years: tuple[int, ...]
    indicators: dict[int, LockedIndicator]


def lock_path(workbook_path: Path) -> Path:
    """`workbooks/lappi.yaml` → `workbooks/lappi.indicators.lock.json`."""
    return workbook_path.with_name(workbook_path.stem + LOCK_SUFFIX)


def lock_bytes(lock: IndicatorLock) -> bytes:
    """The lock file's bytes: keys sorted, so the same data gives the same file."""
    data = {
        "format": LOCK_FORMAT,
        "source": "THL, Sotkanet (CC BY 4.0)",
        "api": lock.api,
        "retrieved": lock.retrieved,
        "years": list(lock.years),
        "indicators": {
            str(i.id): {
                "title": i.title,
                "unit": i.unit,
                "decimals": i.decimals,
                "data_updated": i.updated,
                "values": {
                    region: {str(year): value for year, value in sorted(years.items())}
                    for region, years in sorted(i.values.items())
                },
            }
            for i in sorted(lock.indicators.values(), key=lambda i: i.id)
        },
    }
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True).encode() + b"\n"


def read_lock(path: Path) -> IndicatorLock | None:
    """The lock file at `path`, or None if there is none; LockFileError if it is broken."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise LockFileError(f"{path}: cannot read the lock file ({error.strerror})") from None
    try:
        data = json.loads(raw.decode("utf-8"))
        return _parse(data)
    except (UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError) as error:
        raise LockFileError(
            f"{path}: not a valid indicator lock file ({error}); write it again with "
            "`agreement-builder indicators fetch WORKBOOK`"
        ) from None


def _parse(data: Any) -> IndicatorLock:
    if not isinstance(data, dict) or data.get("format") != LOCK_FORMAT:
        raise ValueError(f"its format is not {LOCK_FORMAT}")
    indicators = {}
    for key, item in data["indicators"].items():
        values: dict[str, dict[int, float]] = {}
        for region, years in item["values"].items():
            values[str(region)] = {int(year): _number(v) for year, v in years.items()}
        indicators[int(key)] = LockedIndicator(
            id=int(key),
            title={str(k): str(v) for k, v in item["title"].items()},
            unit={str(k): str(v) for k, v in item.get("unit", {}).items()},
            decimals=int(item.get("decimals", 0)),
            updated=str(item.get("data_updated", "")),
            values=values,
        )
    return IndicatorLock(
        api=str(data["api"]),
        retrieved=str(data["retrieved"]),
        years=tuple(int(y) for y in data["years"]),
        indicators=indicators,
    )


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"a value is not a number: {value!r}")
    return float(value)
