"""The municipality registry and `new`: consistent data, the right parties, clear refusals."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner

from agreement_builder.cli import main
from agreement_builder.registry import KINDS, UnknownArea, registry
from agreement_builder.workbook.problems import WorkbookError, is_placeholder
from agreement_builder.workbook.validate import check, read_workbook

# Lapland's 21 municipalities (../shared/municipalities.md).
LAPPI_CODES = [
    "047",
    "148",
    "240",
    "241",
    "261",
    "273",
    "320",
    "498",
    "583",
    "614",
    "683",
    "698",
    "732",
    "742",
    "751",
    "758",
    "845",
    "851",
    "854",
    "890",
    "976",
]
# The seven bilingual areas (../shared/domain.md), by Statistics Finland's codes.
BILINGUAL = {"01", "03", "04", "05", "10", "17", "18"}


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_the_registry_is_consistent() -> None:
    areas = registry().areas
    assert [a.code for a in areas] == [f"{n:02d}" for n in range(1, 22)]
    municipalities = [m for a in areas for m in a.municipalities]
    codes = [m.code for m in municipalities]
    assert len(codes) == 292 == len(set(codes))
    assert all(len(c) == 3 and c.isdigit() for c in codes)
    assert len({a.id for a in areas}) == 21
    assert {a.code for a in areas if a.bilingual} == BILINGUAL
    for area in areas:
        assert area.fi.endswith("hyvinvointialue") and area.sv.endswith("välfärdsområde")
        if area.bilingual:
            assert any("sv" in m.languages for m in area.municipalities)
    for m in municipalities:
        assert m.kind in KINDS
        assert m.languages in (("fi",), ("fi", "sv"), ("sv", "fi"))
    assert sum(m.kind == "kaupunki" for m in municipalities) == 105  # 107 less Helsinki, Mariehamn
    assert sorted(m.fi for m in municipalities if m.sami) == [
        "Enontekiö",
        "Inari",
        "Sodankylä",
        "Utsjoki",
    ]
    pohjanmaa = registry().find("pohjanmaa")
    names = [m.fi for m in pohjanmaa.municipalities]
    assert "Kruunupyy" in names and "Isokyrö" not in names
    assert "Isokyrö" in [m.fi for m in registry().find("etela-pohjanmaa").municipalities]


@pytest.mark.parametrize(
    "query",
    [
        "lappi",
        "LAPPI",
        "21",
        "LA",
        "Lapin hyvinvointialue",
        "lapin HYVINVOINTIALUE",
        "Lapplands välfärdsområde",
        "Lapland wellbeing services county",
    ],
)
def test_an_area_is_found_by_any_of_its_names(query: str) -> None:
    assert registry().find(query).code == "21"


def test_names_are_matched_without_diacritics() -> None:
    assert registry().find("Paijat-Hameen hyvinvointialue").code == "09"
    assert registry().find("päijät-häme").code == "09"
    assert registry().find("1").code == "01"


def test_an_unknown_area_is_explained() -> None:
    with pytest.raises(UnknownArea, match=r"no wellbeing area 'lapi'; did you mean 'lappi'\?"):
        registry().find("lapi")


def new(area: str, path: Path) -> dict:
    code, out, err = run("new", "--area", area, "-o", str(path))
    assert (code, err) == (0, ""), err
    assert out.startswith(f"{path}: new workbook for ")
    return read_workbook(path).data


def test_new_lappi_lists_its_21_municipalities(tmp_path: Path) -> None:
    data = new("lappi", tmp_path / "lappi.yaml")
    municipalities = data["municipalities"]
    assert [m["code"] for m in municipalities] == LAPPI_CODES
    assert data["agreement"]["languages"] == ["fi"]
    rovaniemi = next(m for m in municipalities if m["code"] == "698")
    assert rovaniemi == {
        "id": "rovaniemi",
        "code": "698",
        "name": {"fi": "Rovaniemi"},
        "languages": ["fi"],
        "approver": {"fi": "kaupunginvaltuusto"},
    }
    ranua = next(m for m in municipalities if m["code"] == "683")
    assert ranua["approver"] == {"fi": "kunnanvaltuusto"}
    assert data["wellbeing_area"]["name"] == {"fi": "Lapin hyvinvointialue"}
    assert [t["id"] for t in data["themes"]][:2] == ["hyte", "lapset"]


def test_a_bilingual_area_gets_both_names_and_languages(tmp_path: Path) -> None:
    data = new("Pohjanmaan hyvinvointialue", tmp_path / "pohjanmaa.yaml")
    assert data["agreement"]["languages"] == ["sv", "fi"]
    by_code = {m["code"]: m for m in data["municipalities"]}
    assert len(by_code) == 14
    assert by_code["287"]["name"] == {"sv": "Kristinestad", "fi": "Kristiinankaupunki"}
    assert by_code["287"]["languages"] == ["sv", "fi"]
    assert by_code["287"]["approver"] == {"sv": "stadsfullmäktige", "fi": "kaupunginvaltuusto"}
    assert by_code["905"]["languages"] == ["fi", "sv"]
    assert by_code["399"]["languages"] == ["fi"]
    assert by_code["499"]["approver"] == {"sv": "kommunfullmäktige", "fi": "kunnanvaltuusto"}
    assert data["wellbeing_area"]["approver"] == {
        "sv": "välfärdsområdesfullmäktige",
        "fi": "aluevaltuusto",
    }
    for theme in data["themes"]:
        assert set(theme["title"]) == {"sv", "fi"}


def fill_in(value, area_id: str):
    """Replace every placeholder as a preparer would."""
    if isinstance(value, dict):
        return {k: fill_in(v, area_id) for k, v in value.items()}
    if isinstance(value, list):
        return [fill_in(v, area_id) for v in value]
    if is_placeholder(value):
        if "YYYY" in value:
            return dt.date(2027, 1, 1)
        if "tunnus" in value or "id" in value.split():
            return area_id
        return "Täytetty teksti."
    return value


@pytest.mark.parametrize("area", ["lappi", "pohjanmaa", "kymenlaakso"])
def test_validate_names_exactly_the_placeholders(area: str, tmp_path: Path) -> None:
    path = tmp_path / f"{area}.yaml"
    new(area, path)
    code, out, err = run("validate", str(path))
    assert (code, out) == (1, "")
    lines = err.splitlines()
    assert all("still to fill in ('TODO" in line for line in lines[:-1])
    assert lines[-1] == (
        f"{len(lines) - 1} of {len(lines) - 1} problems are placeholders still to fill in "
        "(text that starts with TODO)"
    )
    loaded = read_workbook(path)
    with pytest.raises(WorkbookError):
        check(loaded)
    loaded.data = fill_in(loaded.data, loaded.data["wellbeing_area"]["id"])
    workbook = check(loaded)  # nothing but the placeholders was left to do
    assert len(workbook.municipalities) == len(registry().find(area).municipalities)


def test_new_refuses_bad_input_and_writes_nothing(tmp_path: Path) -> None:
    target = tmp_path / "x.yaml"
    code, out, err = run("new", "--area", "lapi", "-o", str(target))
    assert (code, out) == (1, "")
    assert err == (
        "error: no wellbeing area 'lapi'; did you mean 'lappi'?: name one by its id, code or "
        "name (agreement-builder new --list lists them)\n"
    )
    assert not target.exists()
    target.write_text("kept\n", encoding="utf-8")
    code, out, err = run("new", "--area", "lappi", "-o", str(target))
    assert code == 1
    assert err == f"error: {target} exists: choose another file with -o, or --force\n"
    assert target.read_text(encoding="utf-8") == "kept\n"


def test_new_list_names_every_area() -> None:
    code, out, err = run("new", "--list")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert len(lines) == 21
    assert lines[16].startswith("17  pohjanmaa ")
    assert "(14 municipalities, sv, fi)" in lines[16]
