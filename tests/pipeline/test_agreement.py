"""The agreement built from the Lapland example, opened as a reader's tools open it."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from docx.oxml.ns import qn
from pypdf import PdfReader

from agreement_builder.pipeline.files import sha256
from tests.conftest import WORKBOOKS, pdfua_check
from tests.pipeline.conftest import Built, docx_blocks, soffice_to_pdf, words

LAPPI = yaml.safe_load((WORKBOOKS / "lappi.yaml").read_text(encoding="utf-8"))


def test_manifest_lists_the_files_with_their_hashes(lappi: Built) -> None:
    manifest = lappi.manifest
    assert (manifest["agreement"], manifest["version"], manifest["status"]) == (
        LAPPI["agreement"]["id"],
        LAPPI["agreement"]["version"],
        LAPPI["agreement"]["status"],
    )
    parties = [LAPPI["wellbeing_area"], *LAPPI["municipalities"], *LAPPI.get("other_parties", [])]
    expected = sorted(
        [("agreement", None, "fi", fmt) for fmt in ("pdf", "docx")]
        + [(kind, p["id"], "fi", fmt) for p in parties for kind, fmt in _party_files(p)],
        key=str,
    )
    listed = sorted(
        ((d["kind"], d["party"], d["language"], d["format"]) for d in manifest["documents"]),
        key=str,
    )
    assert listed == expected
    files = {p.name for p in lappi.report.version_dir.iterdir() if not p.name.startswith(".")}
    assert files == {d["path"] for d in manifest["documents"]} | {
        "manifest.json",
        "index.html",  # one language: no index.<language>.html
        "workbook.yaml",  # what the version was built from
    }
    for document in manifest["documents"]:
        path = lappi.report.version_dir / document["path"]
        assert sha256(path.read_bytes()) == document["sha256"]
        assert "LUONNOS" in document["path"]  # a draft says so in its file name
        if document["format"] == "pdf":
            assert document["pages"] == len(PdfReader(path).pages)
        else:
            assert document["pages"] is None


def test_every_goal_measure_and_party_appears_in_both_formats(lappi: Built) -> None:
    pdf_text = " ".join(lappi.pdf_pages)
    for text in (pdf_text, lappi.docx_text):
        flat = " ".join(text.split())
        for goal in LAPPI["goals"]:
            assert goal["title"]["fi"].split()[0] in flat
            assert f"Tavoite {goal['id']}:" in flat
            for measure in goal["measures"]:
                assert measure["id"] in flat
        for party in [LAPPI["wellbeing_area"], *LAPPI["municipalities"]]:
            assert party["name"]["fi"] in flat


def test_contents_entries_point_to_the_right_pages(lappi: Built) -> None:
    toc_page = next(i for i, text in enumerate(lappi.pdf_pages) if "Sisällys" in text)
    entries = re.findall(r"^(\d+(?:\.\d+)?) (.+?)[ .]*?(\d+)$", lappi.pdf_pages[toc_page], re.M)
    assert len(entries) >= 6
    for number, title, page in entries:
        heading = f"{number} {title.strip(' .')}"
        target = " ".join(lappi.pdf_pages[int(page) - 1].split())
        assert heading[:40] in target, (heading, page)


def test_draft_is_marked_on_every_page_and_in_the_metadata(lappi: Built) -> None:
    for number, text in enumerate(lappi.pdf_pages[1:], 2):
        assert "LUONNOS" in text, f"page {number} has no draft mark"
    metadata = lappi.pdf.metadata
    assert metadata is not None
    assert "LUONNOS" in metadata.get("/Keywords", "")
    core = lappi.docx.core_properties
    assert core.content_status == "LUONNOS"
    header = lappi.docx.sections[0].header
    assert "LUONNOS" in " ".join(p.text for p in header.paragraphs)


def test_metadata_in_both_formats(lappi: Built) -> None:
    agreement = LAPPI["agreement"]
    title = agreement["title"]["fi"]
    metadata = lappi.pdf.metadata
    assert metadata is not None
    assert metadata.title == title
    author = agreement.get("preparer", {}).get("name") or LAPPI["wellbeing_area"]["name"]["fi"]
    assert metadata.author == author
    assert metadata.subject
    date = agreement["date"].strftime("%Y%m%d")
    assert str(metadata["/CreationDate"]).startswith(f"D:{date}")
    assert str(metadata["/ModDate"]).startswith(f"D:{date}")
    assert str(lappi.pdf.root_object["/Lang"]) == "fi"
    core = lappi.docx.core_properties
    assert (core.title, core.author, core.language) == (title, author, "fi")
    assert core.created.date() == agreement["date"] == core.modified.date()
    assert core.version == agreement["version"]
    assert core.keywords


def unhyphenated(ws: list[str]) -> list[str]:
    return [w.replace("-", "") for w in ws]


def test_pdf_and_docx_say_the_same_words_in_the_same_order(lappi: Built) -> None:
    header = lappi.docx.sections[0].header.paragraphs[-1].text
    # A table's header row repeats on each page the table spans, in the PDF only.
    header_rows = [
        words(" ".join(c.text for c in table.rows[0].cells))
        for table in lappi.docx.tables
        if table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    ]
    pdf_words: list[str] = []
    for number, text in enumerate(lappi.pdf_pages):
        # Running headers and footers are page furniture; the DOCX has them outside the body.
        lines = [
            line
            for line in text.splitlines()
            if line.strip() != header.strip() and not re.match(r"^Sivu \d+ / \d+", line.strip())
        ]
        # A word broken at a line end (hyphenation or a compound's own hyphen) is one word.
        # (WeasyPrint draws the hyphen of a soft hyphen where it breaks a word as U+2010.)
        joined = "\n".join(lines).replace("\u2010", "-")
        page = words(re.sub(r"([-–])\n", r"\1", joined))
        for row in header_rows:
            if number and unhyphenated(page[: len(row)]) == unhyphenated(row):
                page = page[len(row) :]
                break
        pdf_words.extend(page)
    docx_words = words("\n".join(docx_blocks(lappi.docx)))

    # The contents carry page numbers in the PDF and field results in the DOCX: compare the rest.
    def body(ws: list[str]) -> list[str]:
        start = ws.index("1", ws.index("Sisällys") + 1)
        rest = ws[start:]
        first_chapter = [i for i, w in enumerate(rest) if w == "1"][1]
        return ws[: ws.index("Sisällys")] + rest[first_chapter:]

    # Where a line broke after a hyphen, the PDF cannot say whether a space followed it
    # ("mielenterveys- ja"): compare the words' letters, hyphens and spaces left out.
    pdf_body, docx_body = body(pdf_words), body(docx_words)
    assert len(docx_body) > 3000

    def letters(ws: list[str]) -> str:
        return "".join(ws).replace("-", "")

    pdf_text, docx_text = letters(pdf_body), letters(docx_body)
    differ = next(
        (i for i, (a, b) in enumerate(zip(pdf_text, docx_text, strict=False)) if a != b),
        min(len(pdf_text), len(docx_text)),
    )
    assert pdf_text == docx_text, (
        pdf_text[differ - 80 : differ + 80],
        docx_text[differ - 80 : differ + 80],
    )


def test_two_builds_are_byte_identical(lappi: Built, tmp_path: Path) -> None:
    from agreement_builder.pipeline.run import build

    # The whole batch once more costs as much as the first; two parties and the agreement's
    # own render (tests/render) show the same.
    again = build(WORKBOOKS / "lappi.yaml", tmp_path, only=("ranua", "lapha"), jobs=None)
    first = {d.path: d.sha256 for d in lappi.report.documents}
    assert again.documents and all(first[d.path] == d.sha256 for d in again.documents)


def test_libreoffice_opens_the_docx(lappi: Built, tmp_path: Path) -> None:
    result = soffice_to_pdf(lappi.path("docx"), tmp_path)
    converted = tmp_path / (lappi.path("docx").stem + ".pdf")
    assert result.returncode == 0, result.stderr
    assert converted.exists() and converted.stat().st_size > 10_000
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", str(converted), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert LAPPI["agreement"]["title"]["fi"].split()[0] in text
        assert "Sopijaosapuolet" in text


def test_pdf_passes_the_independent_accessibility_checker(lappi: Built) -> None:
    result = pdfua_check(lappi.path("pdf"))
    assert result.returncode == 0, result.stdout + result.stderr


def test_pdftotext_reads_the_pdf(lappi: Built) -> None:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed: apt-get install poppler-utils")
    text = subprocess.run(
        ["pdftotext", "-layout", str(lappi.path("pdf")), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "Hyväksyminen ja allekirjoitukset" in text
    assert re.search(r"Sivu 2 / \d+", text)


def _party_files(party: dict) -> list[tuple[str, str]]:
    """A party's package, an agenda item (and its paste kit) per stage, and its metadata: a
    council's approval is prepared by its board, a board (maakuntahallitus) decides alone."""
    stages = 2 if party["approver"]["fi"].endswith("valtuusto") else 1
    return [
        ("package", "pdf"),
        ("package", "docx"),
        *[("agenda-item", fmt) for fmt in ("pdf", "docx")] * stages,
        *[("paste-kit", fmt) for fmt in ("txt", "html")] * stages,
        ("paste-kit", "json"),
    ]
