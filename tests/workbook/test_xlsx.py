"""Spreadsheet workbooks: the round trip, what office software saves, and located errors."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from openpyxl.utils import get_column_letter

from agreement_builder.cli import main
from agreement_builder.workbook.problems import WorkbookError
from agreement_builder.workbook.validate import load_workbook
from agreement_builder.workbook.xlsx_write import workbook_to_xlsx
from tests.conftest import FIXTURES, WORKBOOKS, soffice_convert

EXAMPLES = ["lappi", "pohjanmaa"]
SHEET_NAMES = [
    "Sopimus",
    "Osapuolet",
    "Teemat",
    "Tavoitteet",
    "Mittarit",
    "Toimenpiteet",
    "Foorumit",
    "Seuranta",
    "Osiot",
]


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def export(name: str, tmp_path: Path) -> Path:
    path = tmp_path / f"{name}.xlsx"
    code, _out, err = run("export-xlsx", str(WORKBOOKS / f"{name}.yaml"), "-o", str(path))
    assert (code, err) == (0, ""), err
    return path


def column_of(ws, header: str) -> int:
    return next(c.column for c in ws[1] if c.value == header)


def row_of(ws, column_header: str, value: str) -> int:
    col = column_of(ws, column_header)
    return next(r for r in range(2, ws.max_row + 1) if ws.cell(r, col).value == value)


@pytest.mark.parametrize("name", EXAMPLES)
def test_yaml_to_xlsx_to_yaml_gives_the_same_model(name: str, tmp_path: Path) -> None:
    original = load_workbook(WORKBOOKS / f"{name}.yaml")
    xlsx = export(name, tmp_path)
    assert load_workbook(xlsx) == original
    yaml_again = tmp_path / f"{name}.yaml"
    code, _out, err = run("import-xlsx", str(xlsx), "-o", str(yaml_again))
    assert (code, err) == (0, ""), err
    assert load_workbook(yaml_again) == original


@pytest.mark.parametrize("name", EXAMPLES)
def test_export_is_deterministic(name: str, tmp_path: Path) -> None:
    first = export(name, tmp_path).read_bytes()
    again = workbook_to_xlsx(load_workbook(WORKBOOKS / f"{name}.yaml"))
    assert first == again


def test_the_spreadsheet_is_laid_out_for_people(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(export("pohjanmaa", tmp_path))
    assert book.sheetnames[: len(SHEET_NAMES)] == SHEET_NAMES
    assert book["Valinnat"].sheet_state == "hidden"
    parties = book["Osapuolet"]
    headers = [c.value for c in parties[1]]
    assert headers[:8] == [
        "Laji",
        "Tunnus",
        "Kuntakoodi",
        "Nimi (sv)",
        "Nimi (fi)",
        "Kielet",
        "Hyväksyjä (sv)",
        "Hyväksyjä (fi)",
    ]
    assert parties.freeze_panes == "A2"
    vaasa = row_of(parties, "Tunnus", "vaasa")
    assert parties.cell(vaasa, column_of(parties, "Kuntakoodi")).value == "905"
    assert parties.cell(vaasa, column_of(parties, "Nimi (sv)")).value == "Vasa stad"
    assert parties.cell(vaasa, column_of(parties, "Kielet")).value == "fi, sv"
    assert parties.column_dimensions["D"].width >= 20
    measures = book["Toimenpiteet"]
    assert measures.cell(2, column_of(measures, "Toimenpide (fi)")).alignment.wrap_text
    # Drop-downs: the lead party, the goal, the status, the role.
    ranges = {str(v.sqref).split(":")[0]: v for v in measures.data_validations.dataValidation}
    lead_column = get_column_letter(column_of(measures, "Päävastuutaho"))
    lead = ranges[f"{lead_column}2"]
    assert lead.type == "list" and "Valinnat" in lead.formula1
    choices = book["Valinnat"]
    party_ids = [c.value for c in choices["A"][1:] if c.value]
    assert party_ids[0] == "ovph" and "all-municipalities" in party_ids
    sheet = book["Sopimus"]
    status_row = next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 1).value == "Tila")
    status_rules = [
        v for v in sheet.data_validations.dataValidation if str(v.sqref) == f"B{status_row}"
    ]
    assert status_rules and status_rules[0].errorStyle == "stop"
    date_row = next(
        r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 1).value == "Päivämäärä"
    )
    assert sheet.cell(date_row, 2).value == dt.datetime(2026, 11, 18)
    assert sheet.cell(date_row, 2).number_format == "yyyy-mm-dd"


def test_an_error_points_to_its_cell(tmp_path: Path) -> None:
    path = export("lappi", tmp_path)
    book = openpyxl.load_workbook(path)
    ws = book["Toimenpiteet"]
    row = row_of(ws, "Tunnus", "T1.1")
    column = column_of(ws, "Muut vastuutahot")
    others = ws.cell(row, column).value
    ws.cell(row, column).value = f"{others}, rovaneimi"
    book.save(path)
    code, out, err = run("validate", str(path))
    cell = f"{get_column_letter(column)}{row}"
    assert (code, out) == (1, "")
    assert err == (
        f"{path}:Toimenpiteet!{cell}: Muut vastuutahot: unknown party 'rovaneimi'; "
        "did you mean 'rovaniemi'?\n"
    )


def test_every_problem_of_a_spreadsheet_is_located_and_sorted(tmp_path: Path) -> None:
    path = export("lappi", tmp_path)
    book = openpyxl.load_workbook(path)
    parties = book["Osapuolet"]
    parties.cell(row_of(parties, "Tunnus", "ranua"), column_of(parties, "Kuntakoodi")).value = "68"
    goals = book["Tavoitteet"]
    goals.cell(row_of(goals, "Tunnus", "T2"), column_of(goals, "Teema")).value = "hytee"
    measures = book["Toimenpiteet"]
    row = row_of(measures, "Tunnus", "T1.2")
    measures.cell(row, column_of(measures, "Toimenpide (fi)")).value = "   "
    measures.cell(row, column_of(measures, "Päävastuutaho")).value = None
    book.save(path)
    with pytest.raises(WorkbookError) as caught:
        load_workbook(path)
    assert [str(p).removeprefix(f"{path}:") for p in caught.value.problems] == [
        f"Osapuolet!C{row_of(parties, 'Tunnus', 'ranua')}: Kuntakoodi: '68' is not valid: "
        'a municipality code is three digits, e.g. "047"',
        f"Tavoitteet!B{row_of(goals, 'Tunnus', 'T2')}: Teema: unknown theme 'hytee'; "
        "did you mean 'hyte'?",
        f"Toimenpiteet!C{row}: Toimenpide (fi): required, and the cell is empty",
        f"Toimenpiteet!D{row}: Päävastuutaho: required, and the cell is empty",
    ]


def test_values_as_office_software_saves_them(tmp_path: Path) -> None:
    """Numbers typed as numbers, date cells, spaces, empty rows and a percentage."""
    path = export("lappi", tmp_path)
    book = openpyxl.load_workbook(path)
    parties = book["Osapuolet"]
    row = row_of(parties, "Tunnus", "enontekio")
    parties.cell(row, column_of(parties, "Kuntakoodi")).value = 47  # Excel drops the 0
    parties.cell(row, column_of(parties, "Nimi (fi)")).value = "  Enontekiön kunta  "
    parties.insert_rows(row + 1, 2)  # empty rows
    indicators = book["Mittarit"]
    row = row_of(indicators, "Tunnus", "T1-I1")
    target = indicators.cell(row, column_of(indicators, "Tavoitetaso"))
    target.value, target.number_format = 0.42, "0%"
    indicators.cell(row, column_of(indicators, "Lähtötaso")).value = 37
    sheet = book["Sopimus"]
    for r in range(1, sheet.max_row + 1):
        if sheet.cell(r, 1).value == "Versio":
            sheet.cell(r, 2).value = 0.3  # a version typed as a number
        if sheet.cell(r, 1).value == "Kausi alkaa":
            sheet.cell(r, 2).value = "2027-01-01 "  # a date typed as text
    book.save(path)
    workbook = load_workbook(path)
    enontekio = next(m for m in workbook.municipalities if m.id == "enontekio")
    assert enontekio.code == "047"
    assert enontekio.name.get("fi") == "Enontekiön kunta"
    indicator = workbook.goals[0].indicators[0]
    assert indicator.baseline is not None
    assert (indicator.baseline.plain, indicator.target.plain) == ("37", "42 %")
    assert workbook.agreement.version == "0.3"
    assert workbook.agreement.period.start == dt.date(2027, 1, 1)
    assert len(workbook.municipalities) == 21


def libreoffice_resave(source: Path, outdir: Path) -> Path:
    result = soffice_convert(
        source, outdir, "xlsx:Calc MS Excel 2007 XML", package="libreoffice-calc-nogui"
    )
    saved = outdir / source.name
    if not saved.exists():
        pytest.skip(
            "LibreOffice Calc cannot convert spreadsheets here "
            f"(apt-get install libreoffice-calc-nogui): {result.stderr.strip()}"
        )
    return saved


@pytest.mark.parametrize("name", EXAMPLES)
def test_a_spreadsheet_saved_by_libreoffice_imports_cleanly(name: str, tmp_path: Path) -> None:
    xlsx = export(name, tmp_path)
    saved = libreoffice_resave(xlsx, tmp_path / "lo")
    assert saved.read_bytes() != xlsx.read_bytes()  # really rewritten by LibreOffice
    assert load_workbook(saved) == load_workbook(WORKBOOKS / f"{name}.yaml")


def test_text_that_looks_like_a_formula_stays_text(tmp_path: Path) -> None:
    source = tmp_path / "formula.yaml"
    source.write_text(
        (FIXTURES / "minimal.yaml")
        .read_text(encoding="utf-8")
        .replace(
            "        indicators: [T1-I1]\n",
            "        indicators: [T1-I1]\n        schedule: '=HYPERLINK(\"http://x\")'\n",
        ),
        encoding="utf-8",
    )
    assert "=HYPERLINK" in source.read_text(encoding="utf-8")
    xlsx = tmp_path / "formula.xlsx"
    assert run("export-xlsx", str(source), "-o", str(xlsx))[0] == 0
    ws = openpyxl.load_workbook(xlsx)["Toimenpiteet"]
    cell = ws.cell(2, column_of(ws, "Aikataulu"))
    assert cell.data_type == "s"
    assert load_workbook(xlsx).goals[0].measures[0].schedule == '=HYPERLINK("http://x")'


def test_a_file_that_is_no_spreadsheet_gets_one_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "workbook.xlsx"
    bad.write_text("format: agreement-workbook/1\n", encoding="utf-8")
    target = tmp_path / "out.yaml"
    code, out, err = run("import-xlsx", str(bad), "-o", str(target))
    assert (code, out) == (1, "")
    assert err == (
        f"{bad}: the file is not an XLSX spreadsheet: save it from Excel or LibreOffice Calc "
        "as 'Excel 2007-365 (.xlsx)'\n"
    )
    assert not target.exists()


def test_missing_sheets_and_unknown_columns_are_named(tmp_path: Path) -> None:
    path = export("lappi", tmp_path)
    book = openpyxl.load_workbook(path)
    del book["Toimenpiteet"]
    book["Tavoitteet"].cell(1, 3).value = "Otsikko (fii)"
    book.save(path)
    target = tmp_path / "out.yaml"
    code, out, err = run("import-xlsx", str(path), "-o", str(target))
    assert (code, out) == (1, "")
    lines = err.splitlines()
    assert lines[0].startswith(
        f"{path}: the spreadsheet has no sheet 'Toimenpiteet' (it has: Sopimus, Osapuolet,"
    )
    assert lines[1] == (
        f"{path}:Tavoitteet!C1: unknown column 'Otsikko (fii)'; did you mean 'Otsikko (fi)'? "
        "(the columns of 'Tavoitteet' are: Tunnus, Teema, Otsikko (fi), Kuvaus (fi))"
    )
    assert not target.exists()


def test_the_two_document_form_survives_the_spreadsheet(tmp_path: Path) -> None:
    """`plan:` is rows of Sopimus, a party's plan approver a column of Osapuolet."""
    original = load_workbook(FIXTURES / "two-documents.yaml")
    assert original.plan is not None and original.municipalities[0].plan_approver is not None
    path = tmp_path / "two.xlsx"
    path.write_bytes(workbook_to_xlsx(original))
    book = openpyxl.load_workbook(path)
    labels = {ws_row[0].value: ws_row[1].value for ws_row in book["Sopimus"].iter_rows()}
    assert labels["Suunnitelman versio"] == "2026.1"
    assert labels["Suunnitelman tila"] == "draft"
    assert "Suunnitelman hyväksyjä (fi)" in [c.value for c in book["Osapuolet"][1]]
    assert load_workbook(path) == original
    # Changing the plan's status in the spreadsheet to something else is a located error.
    ws = book["Sopimus"]
    row = next(r[0].row for r in ws.iter_rows() if r[0].value == "Suunnitelman tila")
    ws.cell(row, 2).value = "hyväksytty"
    book.save(path)
    with pytest.raises(WorkbookError) as caught:
        load_workbook(path)
    assert f"Sopimus!B{row}" in str(caught.value)
    assert "Suunnitelman tila" in str(caught.value) and "'draft' or 'final'" in str(caught.value)
