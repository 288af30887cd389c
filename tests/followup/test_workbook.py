"""The yearly follow-up in the workbook: measure status per year (and per municipality where it
differs), in YAML and in the spreadsheet's sheet per year, validated with located errors."""

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


def test_the_follow_up_is_read():
    workbook = load_workbook(FOLLOWUP)
    [first, second] = workbook.follow_up
    assert (first.year, second.year) == (2026, 2027)
    [common, own, dropped] = second.measures
    assert (common.measure, common.status) == ("M1.1", "in-progress")
    assert [(m.municipality, m.status) for m in common.municipalities] == [("laihia", "delayed")]
    assert own.account is not None and own.account.get("sv") == "Vägen togs i bruk i oktober."
    assert dropped.status == "dropped"


def test_yaml_errors_are_located(tmp_path: Path):
    text = FOLLOWUP.read_text(encoding="utf-8")
    text = text.replace("  - year: 2026\n", "  - year: 2031\n")
    text = text.replace(
        "      - measure: M1.2\n        status: done", "      - measure: M1.3\n        status: done"
    )
    text = text.replace("status: dropped", "status: cancelled")
    text = text.replace(
        "          - municipality: laihia",
        "          - municipality: narpse\n            status: done\n"
        "          - municipality: laihia",
    )
    text += "      - measure: M1.2\n        status: done\n        municipalities:\n"
    text += "          - {municipality: laihia, status: done}\n"
    text += "      - {measure: M2.1, status: done}\n"
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    assert problems_of(path) == [
        "bad.yaml:77:11: follow_up[1].year: 2031 is not a year of the agreement's period "
        "(2026–2029)",
        "bad.yaml:94:27: follow_up[2].measures[1].municipalities[1].municipality: measure "
        "'M1.1' does not concern 'narpse'; did you mean 'narpes'?",
        "bad.yaml:99:18: follow_up[2].measures[2].measure: unknown measure 'M1.3'; "
        "did you mean 'M1.2'?",
        "bad.yaml:103:17: follow_up[2].measures[3].status: 'cancelled' is not valid: use "
        "'not-started', 'in-progress', 'done', 'delayed' or 'dropped'",
        "bad.yaml:110:28: follow_up[2].measures[4].municipalities[1].municipality: measure "
        "'M1.2' does not concern 'laihia'; it concerns narpes",
        "bad.yaml:111:9: follow_up[2].measures[5]: measure 'M2.1' is followed up twice in this "
        "year: the first is at line 102",
    ]


def test_the_spreadsheet_has_a_sheet_per_year_with_drop_downs(tmp_path: Path):
    workbook = load_workbook(FOLLOWUP)
    path = tmp_path / "followup.xlsx"
    path.write_bytes(workbook_to_xlsx(workbook))
    book = openpyxl.load_workbook(path)
    assert book.sheetnames[-3:] == ["Seuranta 2026", "Seuranta 2027", "Valinnat"]
    sheet = book["Seuranta 2027"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Toimenpide", "Kunta", "Tila", "Selvitys (sv)", "Selvitys (fi)")
    assert rows[2][:3] == ("M1.1", "laihia", "viivästynyt")
    lists = {str(v.sqref).split(":")[0]: v for v in sheet.data_validations.dataValidation}
    assert set(lists) == {"A2", "B2", "C2"}
    assert lists["C2"].errorStyle == "stop"  # a status is one of the list
    choices = book["Valinnat"]
    header = [c.value for c in choices[1]]
    column = header.index("measure status") + 1
    statuses = [choices.cell(r, column).value for r in range(2, 7)]
    assert statuses == ["ei aloitettu", "käynnissä", "valmis", "viivästynyt", "luovuttu"]
    assert load_workbook(path) == workbook
    assert workbook_to_xlsx(workbook) == path.read_bytes()


def test_spreadsheet_errors_name_the_cell(tmp_path: Path):
    path = tmp_path / "followup.xlsx"
    path.write_bytes(workbook_to_xlsx(load_workbook(FOLLOWUP)))
    book = openpyxl.load_workbook(path)
    sheet = book["Seuranta 2027"]
    sheet["C2"].value = "kesken"
    sheet["A4"].value = "M9.9"
    sheet.append(["M2.1", "narpes", "valmis"])  # below M2.1, which concerns no municipality
    sheet.append(["M1.3", "laihia", "valmis"])  # no row of its own
    book["Seuranta 2026"].title = "Seuranta 2035"
    book.save(path)
    assert problems_of(path) == [
        "followup.xlsx:Seuranta 2035: follow_up[1].year: 2035 is not a year of the agreement's "
        "period (2026–2029)",
        "followup.xlsx:Seuranta 2027!C2: Tila: 'kesken' is not valid: use 'ei aloitettu', "
        "'käynnissä', 'valmis', 'viivästynyt' or 'luovuttu'",
        "followup.xlsx:Seuranta 2027!A4: Toimenpide: unknown measure 'M9.9'; "
        "known measure ids: M1.1, M1.2, M2.1",
        "followup.xlsx:Seuranta 2027!B6: Kunta: measure 'M2.1' does not concern 'narpes'; "
        "it concerns no municipality",
        "followup.xlsx:Seuranta 2027!B7: Kunta: a municipality's row follows its measure's own "
        "row: add a row for measure 'M1.3' with Kunta empty above this one",
    ]
