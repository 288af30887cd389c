"""Typography of every built document: nothing overprints, words break only where they may.

Every PDF of both examples is read with pdfplumber's character boxes. A package holds the full
agreement page for page (the same drawn pages), so each distinct page is read once: pages are
told apart by the bytes of their content streams (pikepdf, a millisecond a document).
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pdfplumber
import pikepdf
import pytest
import yaml
from docx import Document as open_docx

from agreement_builder.pipeline.run import build
from agreement_builder.render.hyphenate import hyphenator
from agreement_builder.render.pagestamp import MARK
from tests.conftest import WORKBOOKS
from tests.pipeline.conftest import Built

HYPHENS = ("\u2010", "-", "\u00ad")  # what a line broken inside a word ends with
TOLERANCE = 0.5  # pt: boxes that touch are not overlapping


def page_keys(path: Path) -> list[str]:
    keys = []
    with pikepdf.open(path) as pdf:
        for page in pdf.pages:
            digest = hashlib.sha256()
            contents = page.obj.get("/Contents")
            streams = contents if isinstance(contents, pikepdf.Array) else [contents]
            for stream in streams:
                assert isinstance(stream, pikepdf.Stream)
                data = stream.read_bytes()
                # A package's page numbers, stamped over pages drawn once for many packages,
                # do not make the page another page (one package is read whole, stamps too).
                if data != b"q\n" and not data.startswith(b"Q\n" + MARK):
                    digest.update(data)
            keys.append(digest.hexdigest())
    return keys


def overlaps(chars: list[dict]) -> list[str]:
    """Pairs of glyphs of different words whose boxes overlap. Neighbouring glyphs of one word
    (next to each other in the content stream) may touch by kerning, never by more."""
    boxes = sorted(
        (c["x0"], c["top"], c["x1"], c["bottom"], i, c["text"], c["size"])
        for i, c in enumerate(chars)
        if c["text"].strip()
    )
    found = []
    for a, (x0, top, x1, bottom, i, text, size) in enumerate(boxes):
        for bx0, btop, bx1, bbottom, j, btext, bsize in boxes[a + 1 :]:
            if bx0 >= x1 - TOLERANCE:
                break
            across = min(x1, bx1) - max(x0, bx0)
            down = min(bottom, bbottom) - max(top, btop)
            if across <= TOLERANCE or down <= TOLERANCE:
                continue
            if abs(i - j) == 1 and across < 0.15 * min(size, bsize):
                continue
            found.append(f"{text!r}/{btext!r} at ({x0:.0f}, {top:.0f})")
    return found


class Pages:
    """Each distinct page of a build's PDFs: its characters and its lines of text."""

    def __init__(self, built: Built) -> None:
        self.problems: list[str] = []
        self.lines: dict[Path, list[str]] = {}
        seen: set[str] = set()
        any_package_whole = False
        for entry in built.manifest["documents"]:
            if entry["format"] != "pdf":
                continue
            path = built.report.version_dir / entry["path"]
            keys = page_keys(path)
            whole = entry["kind"] == "package" and not any_package_whole
            any_package_whole = any_package_whole or whole
            todo = [i for i, key in enumerate(keys) if whole or key not in seen]
            seen.update(keys)
            lines: list[str] = []
            with pdfplumber.open(path) as pdf:
                for index in todo:
                    page = pdf.pages[index]
                    chars = page.chars
                    self.problems += [f"{path.name} p. {index + 1}: {o}" for o in overlaps(chars)]
                    lines += (page.extract_text() or "").splitlines()
            self.lines[path] = lines


@pytest.fixture(scope="session")
def lappi_pages(lappi: Built) -> Pages:
    return Pages(lappi)


@pytest.fixture(scope="session")
def pohjanmaa_pages(pohjanmaa: Built) -> Pages:
    return Pages(pohjanmaa)


@pytest.mark.parametrize("example", ["lappi_pages", "pohjanmaa_pages"])
def test_no_two_glyphs_of_different_words_overlap(example: str, request) -> None:
    pages: Pages = request.getfixturevalue(example)
    assert sum(len(lines) for lines in pages.lines.values()) > 1000  # the pages were read
    assert pages.problems == []


def broken_words(lines: list[str]) -> list[str]:
    """The first piece of every word broken at a line end with a hyphen. (The rest is not
    always the next line's first word: pdfplumber reads a table row's cells line by line.)"""
    out = []
    for line in lines:
        match = re.search(r"(?:^|\s)(\S+)[\u2010\u00ad-]$", line)
        if match and not match.group(1).endswith(("-", "–")):
            out.append(match.group(1))
    return out


def names_of(workbook: Path) -> set[str]:
    data = yaml.safe_load(workbook.read_text(encoding="utf-8"))
    parties = [data["wellbeing_area"], *data["municipalities"], *data.get("other_parties", [])]
    words = set()
    for party in parties:
        name = party["name"]
        for text in name.values() if isinstance(name, dict) else [name]:
            words |= {w for w in re.findall(r"\w+", text) if w[:1].isupper() and len(w) > 4}
    return words


@pytest.mark.parametrize(
    ("example", "workbook"),
    [("lappi_pages", "lappi.yaml"), ("pohjanmaa_pages", "pohjanmaa.yaml")],
)
def test_words_break_only_where_they_may(example: str, workbook: str, request) -> None:
    pages: Pages = request.getfixturevalue(example)
    names = names_of(WORKBOOKS / workbook)
    broken = [piece for lines in pages.lines.values() for piece in broken_words(lines)]
    for piece in broken:
        assert not re.search(r"\d", piece), f"an id or number broken: {piece}-"
        assert "@" not in piece and "/" not in piece, f"an address broken: {piece}-"
        # (Four letters at least: "Oh-" begins the service Ohjaamo and the Sámi Ohcejoga.)
        assert not any(
            name.startswith(piece) for name in names if piece[:1].isupper() and len(piece) >= 4
        ), f"a name broken: {piece}-"
    if hyphenator("fi") is not None:
        finnish = [
            piece
            for path, lines in pages.lines.items()
            if path.name.endswith("_fi.pdf")
            for piece in broken_words(lines)
        ]
        assert len(finnish) > 10  # Finnish is hyphenated, and so fits its columns


def test_swedish_breaks_only_long_words(pohjanmaa_pages: Pages) -> None:
    swedish = [
        piece
        for path, lines in pohjanmaa_pages.lines.items()
        if path.name.endswith("_sv.pdf")
        for piece in broken_words(lines)
    ]
    assert swedish  # hyphenated at all
    for piece in swedish:
        assert len(re.sub(r"\W", "", piece)) >= 4, f"{piece}-"  # four letters at least


def test_titles_keep_their_period_together_and_a_cover_has_one_date_format(
    lappi: Built, pohjanmaa: Built
) -> None:
    for built, language in ((lappi, "fi"), (pohjanmaa, "fi"), (pohjanmaa, "sv")):
        with pdfplumber.open(built.path("pdf", language)) as pdf:
            cover = pdf.pages[0].extract_text()
        title_lines = [line for line in cover.splitlines() if "2029" in line]
        assert any(re.search(r"20\d\d–20\d\d", line) for line in title_lines), cover
        assert not re.search(r"\b20\d\d–$", cover, re.M), cover  # never "2027–" at a line end
        # Dates as 20.11.2026 only: no month names ("20. marraskuuta 2026").
        assert not re.search(r"\d+\.? [a-zåäö]+ 20\d\d", cover), cover


def test_docx_carries_the_pdfs_soft_hyphens(lappi: Built) -> None:
    document = open_docx(str(lappi.path("docx")))
    body = document.element.body
    hyphens = body.findall(".//{*}softHyphen")
    if hyphenator("fi") is not None:
        assert len(hyphens) > 100
    assert "\u00ad" not in "".join(t.text or "" for t in body.iter("{*}t"))


def test_a_workbook_with_long_words_in_narrow_columns(tmp_path: Path) -> None:
    """A workbook made here: long compounds in the narrowest columns, names beside them."""
    data = yaml.safe_load((Path(__file__).parents[1] / "fixtures" / "minimal.yaml").read_text())
    goal = data["goals"][0]
    goal["indicators"][0].update(
        baseline="lähtötasomittauksessa",
        target="kaksinkertaistuminen",
        source="Terveyden ja hyvinvoinnin laitoksen kouluterveyskysely",
    )
    goal["measures"][0].update(
        schedule="puolivuosittain",
        text={
            "fi": "Liikuntaneuvontapalveluiden yhteistoimintamahdollisuuksien "
            "kehittämissuunnitelma laaditaan Rovaniemen kaupungin ja Ranuan kunnan kanssa."
        },
    )
    path = tmp_path / "pitkat.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    report = build(path, tmp_path / "out", jobs=1, only=("ranua",), formats=("pdf",))
    assert report.ok, report.failures
    pdfs = sorted(report.version_dir.glob("*.pdf"))
    assert pdfs
    texts = []
    for pdf_path in pdfs:
        with pdfplumber.open(pdf_path) as pdf:
            for number, page in enumerate(pdf.pages, 1):
                assert overlaps(page.chars) == [], f"{pdf_path.name} p. {number}"
                texts.append(page.extract_text() or "")
    for piece in broken_words("\n".join(texts).splitlines()):
        assert not "Rovaniemen".startswith(piece) and not "Ranuan".startswith(piece), piece
    if hyphenator("fi") is not None:
        joined = "\n".join(texts)
        # (pdfplumber reads a table row's cells side by side: the piece need not end a line.)
        assert re.search(r"puoli\S*[\u2010-](\s|$)", joined), "puolivuosittain is hyphenated"
