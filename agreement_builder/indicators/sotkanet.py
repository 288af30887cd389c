"""THL's Sotkanet indicator bank, read through its open REST API, version 1.1 (no key; the data
is CC BY 4.0): `/indicators/{id}` (an indicator's metadata: title in fi/sv/en, unit, decimals,
when its data was last updated), `/regions` (every region: id, category such as KUNTA or
HYVINVOINTIALUE, code) and `/json?indicator={id}&years={y}&genders=total` (the values, a row
per region and year).

The HTTP client is the standard library's urllib: three kinds of GET that answer JSON need no
more, every request has a timeout, and it adds no dependency to install. Every answer is
checked against the shape the API gives before anything is used, and any problem (an unknown
indicator, an API that does not answer or answers late, an answer of another shape) raises
IndicatorFetchError naming the URL.
"""

from __future__ import annotations

import datetime as dt
import json
import urllib.error
import urllib.parse
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .. import __version__
from ..errors import IndicatorFetchError

DEFAULT_API = "https://sotkanet.fi/rest/1.1"
DEFAULT_TIMEOUT = 30.0  # seconds, per request
MAX_ANSWER = 64 * 1024 * 1024  # a year of one indicator for every region is a few hundred kB

# Region categories as Sotkanet names them.
MUNICIPALITY = "KUNTA"
WELLBEING_AREA = "HYVINVOINTIALUE"
COUNTRY = "MAA"
FINLAND_CODES = ("246", "FI")  # the country's code (ISO 3166 numeric, alpha-2)


@dataclass(frozen=True)
class Region:
    id: int
    category: str
    code: str
    title: dict[str, str]


@dataclass(frozen=True)
class IndicatorMeta:
    id: int
    title: dict[str, str]  # by language: fi, sv, en
    unit: dict[str, str]  # by language; empty when the API names none
    decimals: int
    updated: str  # ISO date the data was last updated, or ""


@dataclass(frozen=True)
class Row:
    region: int
    year: int
    value: float


class SotkanetClient:
    """GET requests to the API at `api`, each with a timeout, answers checked."""

    def __init__(self, api: str = DEFAULT_API, timeout: float = DEFAULT_TIMEOUT) -> None:
        parts = urllib.parse.urlsplit(api)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise IndicatorFetchError(
                f"--api {api!r} is not an http(s) URL: give e.g. {DEFAULT_API}"
            )
        self.api = api.rstrip("/")
        self.timeout = timeout

    def url(self, path: str, query: Iterable[tuple[str, object]] = ()) -> str:
        encoded = urllib.parse.urlencode([(k, str(v)) for k, v in query])
        return f"{self.api}{path}" + (f"?{encoded}" if encoded else "")

    def get(self, path: str, query: Iterable[tuple[str, object]] = ()) -> Any:
        """The JSON answer of GET `path`; None for 404 Not Found."""
        # Imported here: the command line imports this module for its defaults, and
        # urllib.request (http.client, ssl, email) would slow every command's start.
        import urllib.request

        url = self.url(path, query)
        request = urllib.request.Request(
            url,
            headers={
                "Accept": "application/json",
                "User-Agent": f"agreement-builder/{__version__}",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:
                body = answer.read(MAX_ANSWER + 1)
        except urllib.error.HTTPError as error:
            if error.code == 404:
                return None
            raise IndicatorFetchError(
                f"{url}: the API answered HTTP {error.code} {error.reason}; try again later"
            ) from None
        except TimeoutError:
            raise IndicatorFetchError(
                f"{url}: no answer within {self.timeout:g} s; try again later or give a longer "
                "--timeout"
            ) from None
        except urllib.error.URLError as error:
            reason = error.reason
            if isinstance(reason, TimeoutError):
                raise IndicatorFetchError(
                    f"{url}: no answer within {self.timeout:g} s; try again later or give a "
                    "longer --timeout"
                ) from None
            raise IndicatorFetchError(
                f"{url}: cannot reach the API ({reason}); check the network connection and --api"
            ) from None
        except (OSError, ValueError) as error:  # a connection reset, a bad status line
            raise IndicatorFetchError(f"{url}: the request failed ({error})") from None
        if len(body) > MAX_ANSWER:
            raise IndicatorFetchError(f"{url}: the answer is larger than {MAX_ANSWER} bytes")
        try:
            return json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise IndicatorFetchError(
                f"{url}: the answer is not JSON (is --api the Sotkanet REST API 1.1?)"
            ) from None

    # -- the three endpoints ------------------------------------------------------------

    def regions(self) -> list[Region]:
        answer = self.get("/regions")
        url = self.url("/regions")
        if not isinstance(answer, list):
            raise _malformed(url, "a list of regions")
        regions = []
        for item in answer:
            if not (
                isinstance(item, dict)
                and _is_int(item.get("id"))
                and isinstance(item.get("category"), str)
                and isinstance(item.get("code"), str | int)
            ):
                raise _malformed(url, "regions with an id, a category and a code")
            regions.append(
                Region(item["id"], item["category"], str(item["code"]), _texts(item.get("title")))
            )
        return regions

    def indicator(self, indicator_id: int) -> IndicatorMeta | None:
        """The indicator's metadata, or None when Sotkanet has no such indicator."""
        path = f"/indicators/{indicator_id}"
        answer = self.get(path)
        url = self.url(path)
        if answer is None or answer == {} or answer == []:
            return None
        if not isinstance(answer, dict) or not _is_int(answer.get("id")):
            raise _malformed(url, "an indicator with an id")
        if answer["id"] != indicator_id:
            raise _malformed(url, f"indicator {indicator_id} (it answered {answer['id']})")
        title = _texts(answer.get("title"))
        if "fi" not in title:
            raise _malformed(url, "the indicator's title in Finnish (title.fi)")
        decimals = answer.get("decimals", 0)
        if not _is_int(decimals) or not 0 <= decimals <= 6:
            raise _malformed(url, "a number of decimals from 0 to 6")
        unit = answer.get("unit")
        if unit is None and isinstance(answer.get("primaryValueType"), dict):
            unit = answer["primaryValueType"].get("title")
        return IndicatorMeta(
            id=indicator_id,
            title=title,
            unit=_texts(unit),
            decimals=decimals,
            updated=_date(answer.get("data-updated", answer.get("dataUpdated")), url),
        )

    def data(self, indicator_id: int, years: Iterable[int]) -> list[Row]:
        query: list[tuple[str, object]] = [("indicator", indicator_id)]
        query += [("years", year) for year in years]
        query.append(("genders", "total"))
        answer = self.get("/json", query)
        url = self.url("/json", query)
        if answer is None:
            return []
        if not isinstance(answer, list):
            raise _malformed(url, "a list of rows")
        rows = []
        for item in answer:
            if not (
                isinstance(item, dict)
                and _is_int(item.get("region"))
                and _is_int(item.get("year"))
                and item.get("indicator") == indicator_id
            ):
                raise _malformed(url, f"rows of indicator {indicator_id} with a region and a year")
            if item.get("gender", "total") != "total":
                continue
            value = item.get("value")
            if value is None:  # Sotkanet leaves out or nulls a value it may not publish
                continue
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise _malformed(url, "numbers as values")
            rows.append(Row(item["region"], item["year"], float(value)))
        return rows


def _malformed(url: str, expected: str) -> IndicatorFetchError:
    return IndicatorFetchError(
        f"{url}: the answer is not what the Sotkanet API gives (expected {expected}); "
        "is --api the Sotkanet REST API 1.1?"
    )


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _texts(value: object) -> dict[str, str]:
    """A localized text of the API ({fi: ..., sv: ..., en: ...}) or a plain string."""
    if isinstance(value, str):
        return {"fi": value} if value.strip() else {}
    if isinstance(value, dict):
        return {k: v.strip() for k, v in value.items() if isinstance(v, str) and v.strip()}
    return {}


def _date(value: object, url: str) -> str:
    if value in (None, ""):
        return ""
    try:
        return dt.date.fromisoformat(str(value)[:10]).isoformat()
    except ValueError:
        raise _malformed(url, "data-updated as a date, YYYY-MM-DD") from None
