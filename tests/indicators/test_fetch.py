"""`indicators fetch` against a local stand-in for the Sotkanet API: the lock file it writes,
and the errors that leave the previous lock file as it was. Nothing reaches the internet."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from agreement_builder.cli import main
from agreement_builder.commands.indicators import FetchReport, fetch_indicators
from agreement_builder.errors import IndicatorFetchError, LockFileError
from agreement_builder.indicators.lock import lock_path, read_lock
from tests.conftest import FIXTURES
from tests.indicators.fake_sotkanet import FakeSotkanet, fake_sotkanet

FIXED = dt.datetime(2026, 11, 29, 20, 0, tzinfo=dt.UTC)


@pytest.fixture
def api() -> Iterator[FakeSotkanet]:
    with fake_sotkanet() as server:
        yield server


@pytest.fixture
def workbook(tmp_path: Path) -> Path:
    path = tmp_path / "followup.yaml"
    shutil.copy(FIXTURES / "followup.yaml", path)
    return path


def fetch(workbook: Path, api: FakeSotkanet, **options: Any) -> FetchReport:
    return fetch_indicators(workbook, api.url, now=lambda: FIXED, **options)


def test_fetch_writes_the_lock_file_beside_the_workbook(workbook: Path, api: FakeSotkanet):
    report = fetch(workbook, api)
    path = workbook.with_name("followup.indicators.lock.json")
    assert report.path == path == lock_path(workbook)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["format"] == "agreement-indicators-lock/1"
    assert data["retrieved"] == "2026-11-29T20:00:00Z"
    assert data["api"] == api.url
    assert data["years"] == list(range(2021, 2030))  # five years before the period, and it
    unemployment = data["indicators"]["181"]
    assert unemployment["title"]["sv"] == "Arbetslösa, % av arbetskraften"
    assert unemployment["unit"]["fi"] == "%"
    assert unemployment["decimals"] == 1
    assert unemployment["data_updated"] == "2025-05-20"
    # the area by its official code (17, through the registry), municipalities by theirs,
    # the country; regions the workbook does not have (Vaasa, Lapland) are left out
    assert set(unemployment["values"]) == {"area", "country", "545", "399"}
    assert unemployment["values"]["545"] == {
        "2021": 4.1, "2022": 3.5, "2023": 3.9, "2024": 4.6, "2025": 5.0
    }
    assert "2026" not in unemployment["values"]["399"]  # a null value is no value
    # only the total of the genders, and only the years asked for (2020 is not)
    mortality = data["indicators"]["186"]["values"]
    assert mortality["area"] == {"2021": 1120.5, "2022": 1101.9, "2023": 1088.0, "2024": 1070.6}
    assert report.indicators == 2
    lock = read_lock(path)
    assert lock is not None and lock.indicators[186].values["545"][2024] == 1180.2


def test_the_same_data_gives_the_same_bytes(workbook: Path, api: FakeSotkanet):
    fetch(workbook, api)
    first = lock_path(workbook).read_bytes()
    report = fetch(workbook, api)
    assert lock_path(workbook).read_bytes() == first
    assert report.unchanged


def test_the_requests_are_those_of_the_api(workbook: Path, api: FakeSotkanet):
    fetch(workbook, api)
    paths = sorted(api.requests)
    assert "/rest/1.1/regions" in paths
    assert "/rest/1.1/indicators/181" in paths and "/rest/1.1/indicators/186" in paths
    [data] = [p for p in paths if p.startswith("/rest/1.1/json?indicator=186")]
    assert "&years=2021&years=2022" in data and data.endswith("&genders=total")


def _unchanged_after(workbook: Path, api: FakeSotkanet, error: str, **options) -> None:
    """The fetch fails with `error` in its message and the old lock file keeps its bytes."""
    path = lock_path(workbook)
    path.write_bytes(b"the previous lock file\n")
    with pytest.raises(IndicatorFetchError, match=error):
        fetch(workbook, api, **options)
    assert path.read_bytes() == b"the previous lock file\n"
    assert [p.name for p in workbook.parent.iterdir() if p.name.endswith(".tmp")] == []


def test_an_unknown_indicator_is_named(workbook: Path, api: FakeSotkanet):
    text = workbook.read_text(encoding="utf-8").replace("{id: 186}", "{id: 99999}")
    workbook.write_text(text, encoding="utf-8")
    _unchanged_after(workbook, api, r"Sotkanet has no indicator 99999 \(referenced by M2-I1\)")


def test_an_unreachable_api(workbook: Path, api: FakeSotkanet):
    with fake_sotkanet() as gone:
        url = gone.url
    api.url = url  # the server is shut: nothing listens on its port
    _unchanged_after(workbook, api, "cannot reach the API")


def test_a_timeout(workbook: Path, api: FakeSotkanet):
    api.behaviour = "slow"
    _unchanged_after(workbook, api, r"no answer within 0.3 s", timeout=0.3)


def test_an_http_error(workbook: Path, api: FakeSotkanet):
    api.behaviour = "error"
    _unchanged_after(workbook, api, "HTTP 503")


@pytest.mark.parametrize(
    ("behaviour", "message"),
    [("garbage", "the answer is not JSON"), ("wrong-shape", "expected a list of regions")],
)
def test_a_malformed_answer(workbook: Path, api: FakeSotkanet, behaviour: str, message: str):
    api.behaviour = behaviour
    _unchanged_after(workbook, api, message)


def test_a_municipality_sotkanet_does_not_know(workbook: Path, api: FakeSotkanet):
    text = workbook.read_text(encoding="utf-8").replace('code: "399"', 'code: "398"')
    workbook.write_text(text, encoding="utf-8")
    _unchanged_after(workbook, api, r"no municipality with the code of laihia \(398\)")


def test_a_workbook_without_sotkanet_indicators(tmp_path: Path, api: FakeSotkanet):
    path = tmp_path / "minimal.yaml"
    shutil.copy(FIXTURES / "minimal.yaml", path)
    with pytest.raises(IndicatorFetchError, match="no indicator references Sotkanet"):
        fetch(path, api)
    assert not lock_path(path).exists()
    assert api.requests == []


def test_the_command_line(workbook: Path, api: FakeSotkanet):
    result = CliRunner().invoke(main, ["indicators", "fetch", str(workbook), "--api", api.url])
    assert result.exit_code == 0, result.output
    assert "followup.indicators.lock.json: 2 indicators, " in result.output
    api.behaviour = "error"
    result = CliRunner().invoke(main, ["indicators", "fetch", str(workbook), "--api", api.url])
    assert result.exit_code == 1
    assert "error: " in result.output and "HTTP 503" in result.output
    assert "Traceback" not in result.output


def test_a_broken_lock_file_is_a_clear_error(tmp_path: Path):
    path = tmp_path / "x.indicators.lock.json"
    path.write_text('{"format": "something else"}', encoding="utf-8")
    with pytest.raises(LockFileError, match="indicators fetch"):
        read_lock(path)
    assert read_lock(tmp_path / "none.indicators.lock.json") is None


def test_an_api_that_is_no_http_url(workbook: Path):
    with pytest.raises(IndicatorFetchError, match="is not an http"):
        fetch_indicators(workbook, "ftp://example.org/rest/1.1")
    assert not lock_path(workbook).exists()


def test_a_lock_file_without_an_indicator_is_named_by_the_report(
    workbook: Path, api: FakeSotkanet, tmp_path: Path
):
    from agreement_builder.pipeline.run import build_follow_up

    fetch(workbook, api)
    text = workbook.read_text(encoding="utf-8").replace("{id: 186}", "{id: 185}")
    workbook.write_text(text, encoding="utf-8")  # a number the lock file has no values of
    report = build_follow_up(workbook, 2027, tmp_path / "out", formats=("docx",))
    assert report.ok
    assert report.notes == [
        "no Sotkanet values of M2-I1 (Sotkanet 185) in the lock file: run "
        "`agreement-builder indicators fetch` with the workbook first"
    ]
