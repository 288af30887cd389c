"""`agreement-builder diff`: the report, the exit codes, version folders, bad input, and the
change summary and tracked-changes DOCX it writes with -o."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from pypdf import PdfReader

from agreement_builder.cli import main
from agreement_builder.pipeline.run import build
from agreement_builder.pipeline.versions import SNAPSHOT, previous_version, snapshot, version_key
from agreement_builder.workbook.validate import load_workbook
from tests.changes.versions import LAPPI, edited, lappi_data, measure, write
from tests.conftest import FIXTURES, WORKBOOKS, pdfua_check


def run(*args: str):
    return CliRunner().invoke(main, ["diff", *args])


@pytest.fixture(scope="module")
def new_version(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write(edited(lappi_data()), tmp_path_factory.mktemp("v04") / "lappi-0.4.yaml")


def test_identical_workbooks_exit_0(tmp_path: Path) -> None:
    reformatted = tmp_path / "lappi.yaml"
    reformatted.write_text(
        yaml.safe_dump(lappi_data(), allow_unicode=True, sort_keys=True), encoding="utf-8"
    )
    result = run(str(LAPPI), str(reformatted))
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == "no changes"


def test_changes_exit_1_and_are_marked_without_colour(new_version: Path) -> None:
    result = run(str(LAPPI), str(new_version))
    assert result.exit_code == 1, result.output
    assert "8 changes: 2 added, 1 removed, 4 changed, 1 moved" in result.output
    assert "measure T3.4 moved from goal T3 to goal T4" in result.output
    assert "\x1b[" not in result.output  # not a terminal: no colour codes
    assert "[-lähellä arkeaan-]{+läheltä+}" in result.output


def test_colour_on_request(new_version: Path) -> None:
    result = run(str(LAPPI), str(new_version), "--color")
    assert "\x1b[" in result.output
    assert "[-" not in result.output  # the colours mark the words instead


def test_a_version_folder_is_a_version(tmp_path: Path) -> None:
    minimal = FIXTURES / "minimal.yaml"
    report = build(minimal, tmp_path, formats=("docx",))
    assert (report.version_dir / SNAPSHOT).is_file()
    assert load_workbook(report.version_dir / SNAPSHOT) == load_workbook(minimal)
    result = run(str(report.version_dir), str(minimal))
    assert result.exit_code == 0, result.output

    data = yaml.safe_load(minimal.read_text(encoding="utf-8"))
    measure(data, "T1", "T1.1")["schedule"] = "2027"
    result = run(str(report.version_dir), str(write(data, tmp_path / "changed.yaml")))
    assert result.exit_code == 1
    assert "schedule: {+2027+}" in result.output


def test_the_previous_version_is_the_highest_below(tmp_path: Path) -> None:
    workbook = load_workbook(FIXTURES / "minimal.yaml")
    for version in ("0.2", "0.9", "0.10", "1.0"):
        (tmp_path / version).mkdir()
        (tmp_path / version / SNAPSHOT).write_bytes(snapshot(workbook))
    (tmp_path / "0.11").mkdir()  # no snapshot: not a built version
    assert previous_version(tmp_path, "1.0") == tmp_path / "0.10"
    assert previous_version(tmp_path, "0.10") == tmp_path / "0.9"
    assert previous_version(tmp_path, "0.2") is None
    assert version_key("0.9") < version_key("0.10") < version_key("1.0")


def a_pdf(path: Path) -> Path:
    path.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    return path


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda tmp: tmp, "is a folder but not a built version folder (it has no workbook.yaml)"),
        (lambda tmp: tmp / "missing.yaml", "missing.yaml: no such file or folder"),
        (
            lambda tmp: a_pdf(tmp / "agreement.pdf"),
            "agreement.pdf is neither a workbook (.yaml, .yml, .xlsx) nor a built version folder",
        ),
    ],
)
def test_neither_a_workbook_nor_a_version_folder(tmp_path: Path, make, message: str) -> None:
    path = make(tmp_path)
    out = tmp_path / "out"
    result = run(str(path), str(LAPPI), "-o", str(out))
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output
    assert not out.exists()


def test_an_invalid_workbook_is_reported_with_its_place(tmp_path: Path) -> None:
    out = tmp_path / "out"
    bad = FIXTURES / "bad" / "bad-status.yaml"
    result = run(str(LAPPI), str(bad), "-o", str(out))
    assert result.exit_code == 2
    assert "bad-status.yaml:9:11: agreement.status: 'luonnos' is not valid" in result.output
    assert not out.exists()


def test_output_summary_and_tracked_changes(tmp_path: Path, new_version: Path) -> None:
    out = tmp_path / "out"
    result = run(str(LAPPI), str(new_version), "-o", str(out))
    assert result.exit_code == 1, result.output
    stem = "lapin-yhteistyosopimus_{}_v0.4_LUONNOS_fi"
    names = sorted(p.name for p in out.iterdir())
    assert names == [
        stem.format("muutokset") + ".html",
        stem.format("muutokset") + ".pdf",
        stem.format("muutosmerkinnat") + ".docx",
    ]
    page = (out / (stem.format("muutokset") + ".html")).read_text(encoding="utf-8")
    assert '<h1 class="title">Muutokset versioon 0.4</h1>' in page
    assert "<del>lähellä arkeaan</del>" in page and "<ins>läheltä</ins>" in page

    pdf = PdfReader(out / (stem.format("muutokset") + ".pdf"))
    assert pdf.metadata is not None and pdf.metadata.title is not None
    assert pdf.metadata.title.startswith("Muutokset versioon 0.4")
    text = " ".join(" ".join(page.extract_text() or "" for page in pdf.pages).split())
    assert "Muutokset versioon 0.4" in text
    assert "Verrattuna versioon 0.3 (20.11.2026)" in text
    assert "Toimenpide T3.4 – siirretty (aiemmin: Tavoite T3)" in text
    assert "Osapuoli: Lapin liitto – lisätty" in text

    with zipfile.ZipFile(out / (stem.format("muutosmerkinnat") + ".docx")) as docx:
        document = docx.read("word/document.xml").decode()
    # Words Word may hyphenate have optional hyphens between pieces of their text.
    document = re.sub(r"</w:(t|delText)><w:softHyphen/><w:\1(?: [^>]*)?>", "", document)
    assert 'w:author="Sanna Ylitalo"' in document
    assert "järjestön toimintaan" in document

    # The summary is as accessible as the agreement.
    result = pdfua_check(out / f"{stem.format('muutokset')}.pdf")
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_swedish_summary_for_a_bilingual_agreement(tmp_path: Path) -> None:
    path = WORKBOOKS / "pohjanmaa.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["agreement"]["version"] = "0.3"
    data["goals"][0]["measures"][0]["schedule"] = "2031"
    out = tmp_path / "out"
    result = run(str(path), str(write(data, tmp_path / "new.yaml")), "-o", str(out))
    assert result.exit_code == 1, result.output
    names = {p.name for p in out.iterdir()}
    assert "pohjanmaa-samarbetsavtal_andringar_v0.3_UTKAST_sv.pdf" in names
    assert "pohjanmaa-samarbetsavtal_muutokset_v0.3_LUONNOS_fi.pdf" in names
    page = (out / "pohjanmaa-samarbetsavtal_andringar_v0.3_UTKAST_sv.html").read_text("utf-8")
    assert "Ändringar i version 0.3" in page and "Tidtabell" in page
    assert '<html lang="sv">' in page


def test_the_cli_in_a_pipe_has_no_colour(new_version: Path) -> None:
    if shutil.which("agreement-builder") is None:
        pytest.skip("agreement-builder is not installed as a command")
    result = subprocess.run(
        ["agreement-builder", "diff", str(LAPPI), str(new_version)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "\x1b[" not in result.stdout and "{+läheltä+}" in result.stdout


def test_a_spreadsheet_is_a_version_too(tmp_path: Path, new_version: Path) -> None:
    from agreement_builder.commands.spreadsheet import export_xlsx

    spreadsheet = tmp_path / "lappi.xlsx"
    export_xlsx(LAPPI, spreadsheet)
    assert run(str(spreadsheet), str(LAPPI)).exit_code == 0
    result = run(str(spreadsheet), str(new_version))
    assert result.exit_code == 1
    assert "measure T3.4 moved from goal T3 to goal T4" in result.output
