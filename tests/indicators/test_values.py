"""Indicators in the workbook: a Sotkanet reference, and values entered by hand (YAML and the
spreadsheet's sheet Mittariarvot), validated with located errors."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from agreement_builder.workbook.problems import WorkbookError
from agreement_builder.workbook.validate import load_workbook
from agreement_builder.workbook.xlsx_write import workbook_to_xlsx
from tests.conftest import FIXTURES

FOLLOWUP = FIXTURES / "followup.yaml"


def problems_of(path: Path) -> list[str]:
    with pytest.raises(WorkbookError) as caught:
        load_workbook(path, display=path.name)
    return [str(problem) for problem in caught.value.problems]


def test_the_fixture_has_sotkanet_references_and_values():
    workbook = load_workbook(FOLLOWUP)
    [unemployment, _survey] = workbook.goals[0].indicators
    assert unemployment.sotkanet is not None and unemployment.sotkanet.id == 181
    assert len(workbook.indicator_values) == 8
    assert workbook.indicator_values[1].value == 41.5


def test_bad_values_are_located(tmp_path: Path):
    text = FOLLOWUP.read_text(encoding="utf-8")
    text = text.replace(
        "{indicator: M1-I2, year: 2025, region: narpes, value: 41.5}",
        "{indicator: M1-I3, year: 2025, region: narpse, value: 41.5}",
    )
    text = text.replace("region: laihia, value: 35}", "region: laihia, value: '35,x'}")
    text = text.replace("year: 2027, region: country", "year: 2027, region: omrade")
    text = text.replace("sotkanet: {id: 186}", "sotkanet: {id: -3}")
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    assert problems_of(path) == [
        "bad.yaml:61:24: goals[M2].indicators[M2-I1].sotkanet.id: '-3' is not valid: "
        "must be above 0",
        "bad.yaml:69:17: indicator_values[2].indicator: unknown indicator 'M1-I3'; "
        "did you mean 'M1-I2'?",
        "bad.yaml:69:44: indicator_values[2].region: unknown region 'narpse'; "
        "did you mean 'narpes'?",
        "bad.yaml:74:59: indicator_values[7].value: '35,x' is not valid: write a number, "
        "e.g. 37.5",
        "bad.yaml:75:5: indicator_values[8]: a second value of indicator 'M1-I2' for omrade "
        "in 2027: the first is at line 72",
    ]


def test_values_round_trip_through_the_spreadsheet(tmp_path: Path):
    workbook = load_workbook(FOLLOWUP)
    path = tmp_path / "followup.xlsx"
    path.write_bytes(workbook_to_xlsx(workbook))
    book = openpyxl.load_workbook(path)
    sheet = book["Mittariarvot"]
    assert [c.value for c in sheet[1]] == ["Mittari", "Vuosi", "Alue", "Arvo"]
    assert [c.value for c in sheet[3]] == ["M1-I2", 2025, "narpes", 41.5]
    assert "Sotkanet-tunnus" in [c.value for c in book["Mittarit"][1]]
    assert load_workbook(path) == workbook


def test_values_as_people_type_them_in_the_spreadsheet(tmp_path: Path):
    path = tmp_path / "followup.xlsx"
    path.write_bytes(workbook_to_xlsx(load_workbook(FOLLOWUP)))
    book = openpyxl.load_workbook(path)
    sheet = book["Mittariarvot"]
    sheet["D2"].value = "37,5"  # a decimal comma typed as text
    sheet["D3"].value, sheet["D3"].number_format = 0.415, "0.0%"
    sheet["B4"].value = "2025"  # a year typed as text
    sheet["C5"].value = "kuntaa"
    sheet["D6"].value = "paljon"
    book.save(path)
    problems = problems_of(path)
    assert problems == [
        "followup.xlsx:Mittariarvot!C5: Alue: unknown region 'kuntaa'; use the wellbeing "
        "area's id, a municipality's id or 'country'",
        "followup.xlsx:Mittariarvot!D6: Arvo: 'paljon' is not valid: write a number, e.g. 37.5",
    ]
    sheet["C5"].value, sheet["D6"].value = "country", 40
    book.save(path)
    values = load_workbook(path).indicator_values
    assert [v.value for v in values[:2]] == [37.5, 41.5]
    assert values[2].year == 2025
