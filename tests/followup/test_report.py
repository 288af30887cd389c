"""`report --year`: the follow-up report and each municipality's extract, built like every
document (incremental, atomic, listed in manifest.json and index.html), opened and checked."""

from __future__ import annotations

import json
import re
import shutil
import socket
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pikepdf
import pytest
from click.testing import CliRunner
from docx import Document as open_docx

from agreement_builder.cli import main
from agreement_builder.commands.indicators import fetch_indicators
from agreement_builder.errors import FollowUpError
from agreement_builder.pipeline.report import BuildReport
from agreement_builder.pipeline.run import build_follow_up
from tests.conftest import FIXTURES, pdf_text, pdfua_check
from tests.indicators.fake_sotkanet import fake_sotkanet
from tests.pipeline.conftest import docx_blocks


@dataclass
class Built:
    workbook: Path
    output: Path
    report: BuildReport

    @cached_property
    def manifest(self) -> dict:
        return json.loads((self.report.version_dir / "manifest.json").read_text("utf-8"))

    def path(self, kind: str, language: str, fmt: str, party: str | None = None) -> Path:
        [doc] = [
            d
            for d in self.manifest["documents"]
            if (d["kind"], d["language"], d["format"], d["party"]) == (kind, language, fmt, party)
        ]
        return self.report.version_dir / doc["path"]

    def text(self, kind: str, language: str, party: str | None = None) -> str:
        # Words as they read, whatever the lines a table cell broke them into.
        return pdf_text(self.path(kind, language, "pdf", party))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    folder = tmp_path_factory.mktemp("followup")
    workbook = folder / "followup.yaml"
    shutil.copy(FIXTURES / "followup.yaml", workbook)
    with fake_sotkanet() as api:
        fetch_indicators(workbook, api.url)
    report = build_follow_up(workbook, 2027, folder / "output", jobs=None)
    assert report.ok, report.failures
    return Built(workbook, folder / "output", report)


def test_the_documents_and_their_names(built: Built):
    assert built.report.version_dir.name == "follow-up-2027"
    listed = sorted(
        (d["kind"], d["party"] or "", d["language"], d["format"], d["path"])
        for d in built.manifest["documents"]
    )
    assert [row[:3] for row in listed[::2]] == [
        ("extract", "laihia", "fi"),
        ("extract", "narpes", "fi"),
        ("extract", "narpes", "sv"),
        ("report", "", "fi"),
        ("report", "", "sv"),
    ]
    names = {row[4] for row in listed}
    assert "testavtal_seurantaraportti_2027_fi.pdf" in names
    assert "testavtal_uppfoljningsrapport_2027_sv.docx" in names
    assert "narpes_uppfoljningsutdrag_2027_sv.pdf" in names
    index = (built.report.version_dir / "index.html").read_text("utf-8")
    assert "testavtal_seurantaraportti_2027_fi.pdf" in index and "Kunnan seurantaote" not in index
    assert "Uppföljningsrapport" in index  # the index is in the agreement's main language, sv


def test_the_report_says_how_every_measure_stands(built: Built):
    text = built.text("report", "fi")
    assert "Seurantaraportti 2027" in text
    assert "Toimenpiteet tavoitteittain" in text
    for words in ("Käynnissä", "Toteutunut", "Luovuttu", "Väylä otettiin käyttöön lokakuussa."):
        assert words in text
    # the municipality whose status differs, under the measure that concerns all
    assert "Laihian kunta: Viivästynyt" in text
    # what changed since 2026: M1.1 not started → in progress, M1.2 in progress → done
    changes = text[text.index("Muutokset edellisestä vuodesta") :]
    assert re.search(r"M1\.1.*Ei aloitettu.*Käynnissä", changes, re.S)
    assert re.search(r"M2\.1.*Käynnissä.*Luovuttu", changes, re.S)
    # and the area's indicators: the latest value against the one before it
    assert re.search(
        r"Mittarien viimeisimmät arvot: Testialueen hyvinvointialue .* M1-I1 Työttömät, % "
        r"työvoimasta 6,4 \(2024\) 6,8 \(2025\) \+0,4",
        changes,
    )
    assert re.search(r"M2-I1 .* 1.088 \(2023\) 1.071 \(2024\) \u221217", changes)
    swedish = built.text("report", "sv")
    assert "Uppföljningsrapport 2027" in swedish and "Slopad" in swedish


def test_indicator_values_against_baseline_and_target_in_the_documents_locale(built: Built):
    text = built.text("report", "fi")
    # the area's unemployment from the lock file, as Finnish writes numbers: 6,8 (2025)
    assert re.search(r"2025\s+6,8\s+9,0", text), text
    assert (
        "Lähde: THL, Sotkanet, indikaattori 181: Työttömät, % työvoimasta "
        "(tiedot päivitetty 20.5.2025)" in text
    )
    assert "Lähtötaso 9,1 % (2024), tavoitetaso 8 %" in text
    # a value entered by hand (the school health survey), with its own source
    assert re.search(r"2027\s+39,2\s+39,5", text)
    # mortality has no decimals: 1 071 with a (narrow) no-break space between the thousands
    assert re.search(r"2024\s+1.071\s+1.049", text)
    swedish = built.text("report", "sv")
    assert (
        "Källa: THL, Sotkanet, indikator 181: Arbetslösa, % av arbetskraften "
        "(uppgifterna uppdaterade 20.5.2025)" in swedish
    )
    # no baseline in the workbook: the area's value of the year before the period, from the data
    assert re.search(r"Utgångsläge 1.071 / 100 000 invånare \(2024\), målnivå 900", swedish)


def test_each_chart_has_a_text_alternative_in_the_structure_tree(built: Built):
    with pikepdf.open(built.path("report", "fi", "pdf")) as pdf:
        figures = []

        def walk(node: pikepdf.Object) -> None:
            if isinstance(node, pikepdf.Dictionary):
                if node.get("/S") == "/Figure":
                    figures.append(str(node.get("/Alt", "")))
                kids = node.get("/K")
                if kids is not None:
                    for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
                        walk(kid)

        walk(pdf.Root.StructTreeRoot)
    assert len(figures) == 3  # one chart per indicator with values
    assert all(alt.startswith("Viivakaavio vuosilta") for alt in figures)
    assert any("Testialueen hyvinvointialue 2021: 6,2, 2025: 6,8" in alt for alt in figures)
    assert all(alt.endswith("Luvut ovat kuvion alla olevassa taulukossa.") for alt in figures)


def test_the_pdfs_pass_the_pdfua_checker(built: Built):
    for kind, language, party in (("report", "fi", None), ("extract", "sv", "narpes")):
        result = pdfua_check(built.path(kind, language, "pdf", party))
        assert result.returncode == 0, result.stdout + result.stderr


def test_the_docx_has_the_text_alternative_and_the_numbers(built: Built):
    document = open_docx(str(built.path("report", "sv", "docx")))
    blocks = docx_blocks(document)
    alts = [b for b in blocks if b.startswith("Linjediagram för åren")]
    assert len(alts) == 3
    assert "Figur: Dödlighet per 100 000 invånare" in blocks
    assert "Dödlighet per 100 000 invånare: värden per år" in blocks  # the table's caption
    row = blocks.index("2024", blocks.index("Dödlighet per 100 000 invånare: värden per år"))
    assert blocks[row + 1 : row + 3] == ["1\u00a0071", "1\u00a0049"]
    assert document.core_properties.language == "sv"


def test_a_municipalitys_extract(built: Built):
    text = built.text("extract", "fi", "laihia")
    assert "Laihian kunta: seurantaote 2027" in text
    # its own status where it differs from the measure's, with its own account
    assert re.search(r"M1\.1.*Viivästynyt.*Neuvoja palkataan vuonna 2028\.", text, re.S)
    assert "M1.2" not in text  # Närpiö's own measure does not concern Laihia
    # its values beside the area's and the country's
    assert re.search(r"Vuosi\s+Laihian kunta\s+Testialueen hyvinvointialue\s+Koko maa", text)
    assert re.search(r"2025\s+6,5\s+6,8\s+9,0", text)
    swedish = built.text("extract", "sv", "narpes")
    assert "Närpes stad: uppföljningsutdrag 2027" in swedish
    assert "M1.2" in swedish and "Genomförd" in swedish


def test_a_rebuild_changes_only_what_changed(
    built: Built, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    again = build_follow_up(built.workbook, 2027, built.output, jobs=1)
    assert again.unchanged
    workbook = tmp_path / "followup.yaml"
    shutil.copy(built.workbook, workbook)
    shutil.copy(built.workbook.with_name("followup.indicators.lock.json"), tmp_path)
    shutil.copytree(built.output, tmp_path / "output")
    text = workbook.read_text("utf-8").replace(
        "account: {sv: Rådgivaren anställs 2028., fi: Neuvoja palkataan vuonna 2028.}",
        "account: {sv: Rådgivaren anställs i januari., fi: Neuvoja palkataan tammikuussa.}",
    )
    workbook.write_text(text, "utf-8")
    # offline: a build that tried to go online would fail here

    def refuse(self: socket.socket, address: object) -> None:
        raise AssertionError(f"the report went online: {address}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    changed = build_follow_up(workbook, 2027, tmp_path / "output", jobs=1)
    monkeypatch.undo()
    assert changed.ok
    assert sorted(changed.written) == [
        "laihia_seurantaote_2027_fi.docx",
        "laihia_seurantaote_2027_fi.pdf",
        "testavtal_seurantaraportti_2027_fi.docx",
        "testavtal_seurantaraportti_2027_fi.pdf",
        "testavtal_uppfoljningsrapport_2027_sv.docx",
        "testavtal_uppfoljningsrapport_2027_sv.pdf",
    ]
    assert "narpes_seurantaote_2027_fi.pdf" in changed.up_to_date


def test_the_same_inputs_give_the_same_bytes(built: Built, tmp_path: Path):
    again = build_follow_up(built.workbook, 2027, tmp_path, jobs=1, formats=("pdf",))
    first = {d["path"]: d["sha256"] for d in built.manifest["documents"]}
    for document in again.documents:
        assert first[document.path] == document.sha256, document.path


def test_a_year_not_followed_up_writes_nothing(built: Built, tmp_path: Path):
    with pytest.raises(FollowUpError, match=r"no follow-up of 2028 \(it follows up 2026, 2027\)"):
        build_follow_up(built.workbook, 2028, tmp_path)
    assert list(tmp_path.iterdir()) == []
    result = CliRunner().invoke(
        main, ["report", str(built.workbook), "--year", "2028", "-o", str(tmp_path)]
    )
    assert result.exit_code == 1
    assert "error: " in result.stderr and "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []


def test_a_reference_docx_gives_the_docx_its_styles(built: Built, tmp_path: Path):
    """A municipality's Word template works for the follow-up as for the agreement (it is
    checked once and its bytes fingerprinted, not its path)."""
    from docx import Document

    reference = Document()
    reference.styles["Normal"].font.name = "Verdana"
    reference.save(str(tmp_path / "oma-pohja.docx"))
    report = build_follow_up(
        built.workbook,
        2027,
        tmp_path / "output",
        reference_docx=tmp_path / "oma-pohja.docx",
        jobs=1,
        formats=("docx",),
    )
    assert report.ok, report.failures
    paths = [d.path for d in report.documents]
    [path] = [p for p in paths if p.endswith("_fi.docx") and "seurantaote" not in p]
    styles = open_docx(str(report.version_dir / path)).styles
    assert styles["Normal"].font.name == "Verdana"
