"""The PDF writer: confined fetching, archival and accessibility identification, own fonts."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pikepdf
import pytest
from pypdf import PdfReader

from agreement_builder.render.pdf import ConfinedFetcher, render_pdf
from tests.conftest import FIXTURES, TEMPLATES, pdfua_check

SAMPLE = (FIXTURES / "sample-document.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def sample():
    return render_pdf(SAMPLE, templates=TEMPLATES)


def test_only_files_inside_the_templates_folder_are_fetched(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0", encoding="utf-8")
    hostile = SAMPLE.replace(
        '<link rel="stylesheet" href="print.css">',
        '<link rel="stylesheet" href="print.css">'
        '<link rel="stylesheet" href="http://example.invalid/steal.css">'
        '<link rel="stylesheet" href="../pyproject.toml">',
    ).replace(
        "<p>Ensimmäinen kappale.",
        f'<img src="file:///etc/passwd" alt=""><img src="{secret.as_uri()}" alt="">'
        '<img src="https://example.invalid/pixel.png" alt=""><p>Ensimmäinen kappale.',
    )
    output = render_pdf(hostile, templates=TEMPLATES)
    assert set(output.refused) == {
        "http://example.invalid/steal.css",
        (TEMPLATES.parent / "pyproject.toml").resolve().as_uri(),
        "file:///etc/passwd",
        secret.as_uri(),
        "https://example.invalid/pixel.png",
    }
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(output.data)).pages)
    assert "root:x" not in text
    assert "Ensimmäinen kappale." in text  # the document itself is still made


def test_fetcher_rules() -> None:
    fetcher = ConfinedFetcher(TEMPLATES)
    assert fetcher.allows((TEMPLATES / "print.css").as_uri())
    assert fetcher.allows("data:image/svg+xml;base64,PHN2Zy8+")
    assert not fetcher.allows((TEMPLATES / ".." / "README.md").as_uri())
    assert not fetcher.allows("file://otherhost/etc/passwd")
    assert not fetcher.allows("ftp://example.invalid/x")


def test_archival_and_accessible_identification(sample) -> None:
    with pikepdf.open(io.BytesIO(sample.data)) as pdf:
        meta = pdf.open_metadata()
        assert meta["pdfaid:part"] == "2" and meta["pdfaid:conformance"] == "A"
        assert meta["pdfuaid:part"] == "1"
        assert meta["dc:title"] == "Testisopimus: kaikki elementit"
        marked = pdf.Root.MarkInfo.Marked
        assert isinstance(marked, bool) and marked
        assert str(pdf.Root.Lang) == "fi"
        assert pdf.Root.ViewerPreferences.DisplayDocTitle is True
        assert "/OutputIntents" in pdf.Root
        assert "/StructTreeRoot" in pdf.Root


def test_only_the_bundled_fonts_are_embedded(sample) -> None:
    with pikepdf.open(io.BytesIO(sample.data)) as pdf:
        names = set()
        for page in pdf.pages:
            for font in page.Resources.Font.values():
                names.add(str(font.BaseFont).split("+", 1)[-1])
                descendant = font.DescendantFonts[0]
                assert "/FontFile2" in descendant.FontDescriptor  # embedded
    assert names == {"Agreement-Sans", "Agreement-Sans-Bold", "Agreement-Sans-Italic"}


def test_the_same_html_gives_the_same_bytes(sample) -> None:
    assert render_pdf(SAMPLE, templates=TEMPLATES).data == sample.data


def test_pages_and_anchors(sample) -> None:
    reader = PdfReader(io.BytesIO(sample.data))
    assert sample.pages == len(reader.pages) == 4
    assert sample.anchor_pages["s1"] == 3
    assert sample.anchor_pages["t1"] == 3
    text = [page.extract_text() for page in reader.pages]
    assert "Sivu" not in text[0]  # the cover has no running footer
    assert "Sivu 3 / 4" in text[2]


def test_independent_accessibility_checker_finds_no_errors(sample, tmp_path: Path) -> None:
    path = tmp_path / "sample.pdf"
    path.write_bytes(sample.data)
    result = pdfua_check(path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_stylesheet_is_read_as_it_is_now_and_its_fonts_stay_confined(tmp_path: Path) -> None:
    """print.css is parsed once per process and content: an edit is seen at once (watch), and
    what it asks for outside the templates folder is refused like anything else."""
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES / "fonts", templates / "fonts")
    stylesheet = templates / "print.css"
    html = (
        '<!DOCTYPE html><html lang="fi"><head><meta charset="utf-8"><title>Tyyli</title>'
        '<link rel="stylesheet" href="print.css"></head><body><p>Teksti</p></body></html>'
    )
    stylesheet.write_text("p { color: #000000 }", encoding="utf-8")
    black = render_pdf(html, templates=templates)
    stylesheet.write_text("p { color: #ff0000 }", encoding="utf-8")
    red = render_pdf(html, templates=templates)
    assert black.data != red.data
    with pikepdf.open(io.BytesIO(red.data)) as pdf:
        assert b"1 0 0 rg" in pdf.pages[0].Contents.read_bytes()
    stylesheet.write_text(
        '@font-face { font-family: X; src: url("file:///etc/hostname"); } p { font-family: X }',
        encoding="utf-8",
    )
    hostile = render_pdf(html, templates=templates)
    assert hostile.refused == ("file:///etc/hostname",)
