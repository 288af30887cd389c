"""Spreadsheets as an attack surface: entities, broken XML, lying dimensions, huge claims,
error literals, formulas, and text that must survive the round trip."""

from __future__ import annotations

import copy
import io
import re
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook as open_book

from agreement_builder.workbook.plain import to_data
from agreement_builder.workbook.problems import WorkbookError
from agreement_builder.workbook.validate import _FORBIDDEN as FORBIDDEN
from agreement_builder.workbook.validate import load_workbook
from agreement_builder.workbook.xlsx_read import MAX_COLUMNS, MAX_ROWS
from agreement_builder.workbook.xlsx_write import workbook_to_xlsx
from tests.conftest import FIXTURES
from tests.hostile.helpers import rewrite_zip, run, sheet_part
from tests.workbook.test_xlsx import libreoffice_resave

# Texts an office program would take for something else if typed in: formulas (also DDE),
# error literals, numbers, times, dates, booleans, escapes of the file format itself, markup.
TRICKY = [
    "#N/A",
    "#DIV/0!",
    "=1+1",
    '=HYPERLINK("http://example.com","x")',
    "=cmd|' /C calc'!A0",
    "+358 40 123 4567",
    "-5 %",
    "@SUM(A1:A2)",
    "_x0041_",
    "x005F_ and _x005F_",
    "'lainattu",
    "a\tb",
    "rivi\nrivi",
    "1:20",
    "0x7E3",
    "0.50",
    "047",
    "TRUE",
    "2026-01-01",
    "1e5",
    "<b>&amp;</b>",
    "😀 ä ö å ŋ",
]


def minimal_data() -> dict:
    return to_data(load_workbook(FIXTURES / "minimal.yaml"))


def with_measure_texts(texts: list[str]) -> dict:
    data = minimal_data()
    goal = data["goals"][0]
    template = goal["measures"][0]
    goal["measures"] = []
    for index, text in enumerate(texts, 1):
        measure = copy.deepcopy(template)
        measure.update(id=f"T1.{index}", text={"fi": text})
        goal["measures"].append(measure)
    return data


def xlsx_of(data: dict) -> bytes:
    return workbook_to_xlsx(data)


def measure_texts(path: Path) -> list[str]:
    return [measure.text.get("fi") for _, measure in load_workbook(path).measures()]


def problems(path: Path) -> list[str]:
    with pytest.raises(WorkbookError) as error:
        load_workbook(path)
    return [str(p) for p in error.value.problems]


def edit_sheet(raw: bytes, title: str, change) -> bytes:
    part = sheet_part(raw, title)
    return rewrite_zip(raw, lambda name, data: change(data) if name == part else data)


# -- entities and broken XML ------------------------------------------------------------------

XXE = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
BOMB = (
    b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">'
    b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
)


@pytest.mark.parametrize("prolog", [XXE, BOMB], ids=["external-entity", "entity-expansion"])
@pytest.mark.parametrize("part", ["sheet", "xl/workbook.xml", "[Content_Types].xml"])
def test_an_xml_entity_anywhere_is_refused_before_parsing(
    tmp_path: Path, prolog: bytes, part: str
) -> None:
    raw = xlsx_of(minimal_data())
    target = sheet_part(raw, "Toimenpiteet") if part == "sheet" else part

    def change(name: str, data: bytes) -> bytes:
        if name != target:
            return data
        return prolog + re.sub(rb"^<\?xml[^>]*\?>", b"", data)

    path = tmp_path / "hostile.xlsx"
    path.write_bytes(rewrite_zip(raw, change))
    code, out, err = run("import-xlsx", str(path), "-o", str(tmp_path / "out.yaml"))
    assert code == 1
    assert err.strip() == (
        f"{path}: its part {target} declares a DOCTYPE or XML entities, which Office programs "
        "never write: refused (an XLSX spreadsheet may hold plain XML only)"
    )
    assert "root:" not in out + err  # /etc/passwd was not read
    assert not (tmp_path / "out.yaml").exists()


def test_broken_xml_in_a_sheet_is_a_problem_of_that_sheet(tmp_path: Path) -> None:
    raw = xlsx_of(minimal_data())
    path = tmp_path / "broken.xlsx"
    path.write_bytes(edit_sheet(raw, "Toimenpiteet", lambda data: data[: len(data) // 2]))
    found = problems(path)
    assert any(
        p.startswith(f"{path}:Toimenpiteet: the sheet cannot be read (xl/worksheets/")
        and "broken XML" in p
        for p in found
    ), found


def test_broken_shared_strings_are_one_clear_error(tmp_path: Path) -> None:
    raw = libreoffice_resave_bytes(tmp_path, xlsx_of(minimal_data()))
    path = tmp_path / "broken.xlsx"
    path.write_bytes(rewrite_zip(raw, lambda n, d: d[:-40] if n == "xl/sharedStrings.xml" else d))
    code, _, err = run("validate", str(path))
    assert code == 1 and "Traceback" not in err
    assert err.startswith(f"{path}: the file is not an XLSX spreadsheet")


def libreoffice_resave_bytes(tmp_path: Path, raw: bytes) -> bytes:
    source = tmp_path / "source" / "book.xlsx"
    source.parent.mkdir()
    source.write_bytes(raw)
    return libreoffice_resave(source, tmp_path / "saved").read_bytes()


# -- dimensions -------------------------------------------------------------------------------


def _set_dimension(data: bytes, ref: bytes) -> bytes:
    if b"<dimension" in data:
        return re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="' + ref + b'"', data)
    return data.replace(b"<sheetViews>", b'<dimension ref="' + ref + b'"/><sheetViews>', 1)


@pytest.mark.parametrize("ref", [b"A1:B2", b"A1", b"C5:D6"])
def test_a_wrong_stated_dimension_loses_no_rows(tmp_path: Path, ref: bytes) -> None:
    texts = [f"Toimenpide {i}" for i in range(1, 30)]
    raw = xlsx_of(with_measure_texts(texts))
    path = tmp_path / "dimension.xlsx"
    path.write_bytes(edit_sheet(raw, "Toimenpiteet", lambda d: _set_dimension(d, ref)))
    assert measure_texts(path) == texts


def test_a_sheet_claiming_a_million_rows_and_columns_is_read_as_it_is(tmp_path: Path) -> None:
    raw = xlsx_of(with_measure_texts(["Yksi", "Kaksi"]))
    for title in ("Toimenpiteet", "Osapuolet", "Sopimus"):
        raw = edit_sheet(raw, title, lambda d: _set_dimension(d, b"A1:XFD1048576"))
    path = tmp_path / "claims.xlsx"
    path.write_bytes(raw)
    assert measure_texts(path) == ["Yksi", "Kaksi"]


def _add_cell(data: bytes, row: int, column: str) -> bytes:
    cell = f'<row r="{row}"><c r="{column}{row}" t="inlineStr"><is><t>x</t></is></c></row>'
    return data.replace(b"</sheetData>", cell.encode() + b"</sheetData>", 1)


def test_a_cell_far_below_the_data_is_reported_not_read_row_by_row(tmp_path: Path) -> None:
    raw = xlsx_of(minimal_data())
    path = tmp_path / "far.xlsx"
    path.write_bytes(edit_sheet(raw, "Toimenpiteet", lambda d: _add_cell(d, 1_048_576, "A")))
    found = problems(path)
    assert f"{path}:Toimenpiteet: the sheet has rows beyond row {MAX_ROWS + 1:,}" in found[0]


def test_a_cell_far_to_the_right_is_reported_at_its_cell(tmp_path: Path) -> None:
    raw = xlsx_of(minimal_data())
    path = tmp_path / "wide.xlsx"
    path.write_bytes(edit_sheet(raw, "Toimenpiteet", lambda d: _add_cell(d, 3, "XFD")))
    found = problems(path)
    assert any(
        p.startswith(f"{path}:Toimenpiteet!XFD3: the sheet has cells beyond column IV")
        for p in found
    ), found
    assert MAX_COLUMNS == 256


# -- error literals, formulas and the round trip -----------------------------------------------


def test_error_literal_text_round_trips_but_an_error_cell_is_refused(tmp_path: Path) -> None:
    raw = xlsx_of(with_measure_texts(["#N/A", "#REF!"]))
    path = tmp_path / "errors.xlsx"
    path.write_bytes(raw)
    assert measure_texts(path) == ["#N/A", "#REF!"]

    def as_error_cell(data: bytes) -> bytes:
        # What a failed formula leaves: a cell of type e.
        return re.sub(
            rb'<c r="C2"([^>]*) t="inlineStr"><is><t>#N/A</t></is></c>',
            rb'<c r="C2"\1 t="e"><v>#N/A</v></c>',
            data,
        )

    broken = tmp_path / "error-cell.xlsx"
    broken.write_bytes(edit_sheet(raw, "Toimenpiteet", as_error_cell))
    assert any("the cell holds the error #N/A" in p for p in problems(broken))


def test_formula_looking_text_is_text_marked_to_stay_text(tmp_path: Path) -> None:
    texts = ["=1+1", "=cmd|' /C calc'!A0", "@SUM(A1)", "+1", "-1"]
    raw = xlsx_of(with_measure_texts(texts))
    book = open_book(io.BytesIO(raw))
    sheet = book["Toimenpiteet"]
    column = [c.value for c in sheet[1]].index("Toimenpide (fi)") + 1
    for row, text in enumerate(texts, 2):
        cell = sheet.cell(row=row, column=column)
        assert (cell.value, cell.data_type, cell.quotePrefix) == (text, "s", True)
    assert not any(b"<f>" in data or b"<f " in data for data in _parts(raw).values())


def _parts(raw: bytes) -> dict[str, bytes]:
    import zipfile

    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_tricky_texts_round_trip_directly_and_after_a_libreoffice_save(tmp_path: Path) -> None:
    source = tmp_path / "tricky.yaml"
    source.write_text(yaml.safe_dump(with_measure_texts(TRICKY), allow_unicode=True))
    code, _, err = run("export-xlsx", str(source), "-o", str(tmp_path / "tricky.xlsx"))
    assert code == 0, err
    assert measure_texts(tmp_path / "tricky.xlsx") == TRICKY
    saved = libreoffice_resave(tmp_path / "tricky.xlsx", tmp_path / "saved")
    assert measure_texts(saved) == TRICKY
    code, _, err = run("import-xlsx", str(saved), "-o", str(tmp_path / "back.yaml"))
    assert code == 0, err
    assert measure_texts(tmp_path / "back.yaml") == TRICKY


# Any text a workbook may hold: no control characters but tab and line break, no surrounding
# white space (it carries no meaning and the model drops it), not empty.
_TEXT = (
    st.lists(
        st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=6)
        | st.sampled_from(["\t", "\n", "_x0041_", "_x005F_", "=", "#N/A", "'", " "]),
        min_size=1,
        max_size=8,
    )
    .map("".join)
    .map(str.strip)
    .filter(lambda text: bool(text) and not FORBIDDEN.search(text))
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts=st.lists(_TEXT, min_size=1, max_size=4))
def test_any_text_survives_yaml_to_xlsx_to_yaml(texts: list[str]) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "any.xlsx"
        path.write_bytes(xlsx_of(with_measure_texts(texts)))
        assert measure_texts(path) == texts


@pytest.mark.parametrize("version", ["../../x", "/etc", "..", "a/b"])
def test_a_version_cell_that_is_a_path_is_an_error_at_its_cell(
    tmp_path: Path, version: str
) -> None:
    raw = xlsx_of(minimal_data())
    book = open_book(io.BytesIO(raw))
    sheet = book["Sopimus"]
    (row,) = [r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 1).value == "Versio"]
    sheet.cell(row, 2).value = version
    path = tmp_path / "version.xlsx"
    book.save(path)
    found = problems(path)
    assert any(
        p.startswith(f"{path}:Sopimus!B{row}: Versio: '{version}' is not valid") for p in found
    )
    assert not (tmp_path / "out").exists()
