"""Each party's package and agenda item, the index, and regenerating the batch."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import yaml
from docx import Document as open_docx
from pypdf import PdfReader

from agreement_builder.pipeline.files import sha256
from agreement_builder.pipeline.run import build
from tests.conftest import FIXTURES, ROOT, WORKBOOKS, pdfua_check
from tests.pipeline.conftest import Built, docx_blocks, soffice_to_pdf

LAPPI = yaml.safe_load((WORKBOOKS / "lappi.yaml").read_text(encoding="utf-8"))
MUNICIPALITIES = {m["id"] for m in LAPPI["municipalities"]}


def expected_measures(party: str) -> set[str]:
    """The rule of workbook-format.md, restated independently of the program."""
    found = set()
    for goal in LAPPI["goals"]:
        for measure in goal["measures"]:
            responsible = measure["responsible"]
            if (
                party in responsible
                or (party in MUNICIPALITIES and "all-municipalities" in responsible)
                or party in measure.get("municipalities", [])
            ):
                found.add(measure["id"])
    return found


ANNEX_HEADS = ("kunnan", "kaupungin", "hyvinvointialueen", "liiton")


def annex_measure_ids(document) -> set[str]:
    """Ids in the first column of the tables after the agreement in a package DOCX: the part
    common to all municipalities (a municipality's package only), then the party's annex."""
    blocks = docx_blocks(document)
    start = next(
        i
        for i, text in enumerate(blocks)
        if text == "Kaikkia kuntia koskevat toimenpiteet"
        # the annex's title: the party's name in the genitive (Ranuan kunnan toimenpiteet)
        or text.endswith(tuple(f"{head} toimenpiteet" for head in ANNEX_HEADS))
    )
    ids = set()
    for text in blocks[start:]:
        if re.fullmatch(r"T\d+\.\d+", text.strip()):
            ids.add(text.strip())
    return ids


def test_a_package_holds_exactly_the_measures_that_concern_its_party(lappi: Built) -> None:
    limited = [m for g in LAPPI["goals"] for m in g["measures"] if m.get("municipalities")]
    assert limited, "the example has measures limited to some municipalities"
    for party in ("ranua", "utsjoki", "lapha", "tornio"):
        document = open_docx(str(lappi.party_path("package", party, "docx")))
        assert annex_measure_ids(document) == expected_measures(party), party


def test_a_package_pdf_is_cover_agreement_annex(lappi: Built) -> None:
    agreement_pages = len(lappi.pdf.pages)
    package = PdfReader(lappi.party_path("package", "ranua", "pdf"))
    pages = [page.extract_text() for page in package.pages]
    assert "Ranuan kunta" in pages[0] and "Liite" in pages[0]
    # The agreement, page for page as in the full agreement, under the package's own page
    # number (the last line: the stamp at the footer's right end).
    for number in (1, 2, agreement_pages):
        text, stamp = pages[number].rsplit("\n", 1)
        assert (
            text + "\n" + stamp.split("Liite: ")[0].rstrip() == lappi.pdf_pages[number - 1].rstrip()
            or text == lappi.pdf_pages[number - 1].rstrip()
        )
        assert f"Liite: Ranuan kunta · Sivu {number + 1} / {len(pages)}" in pages[number]
    annex = " ".join(pages[agreement_pages + 1 :])
    assert "Ranuan kunnan toimenpiteet" in annex
    assert "Allekirjoitus" in annex
    # Parties sign by position: Ranua lists its signatories, by position and name.
    signature = annex[annex.index("Ranuan kunnan puolesta") :]
    assert "Jouko Ruokangas, kunnanhallituksen puheenjohtaja" in signature
    assert "Ville Kilpimaa, kunnanjohtaja" in signature
    # Kemi lists none: its manager signs by position; its contact is not named.
    kemi = PdfReader(lappi.party_path("package", "kemi", "pdf")).pages[-1].extract_text()
    assert "Kemin kaupungin puolesta" in kemi and "kaupunginjohtaja" in kemi
    assert "Riikka Hannula" not in kemi


def test_the_agenda_items_name_the_right_bodies_and_person(lappi: Built) -> None:
    def text(party: str, stage: str) -> str:
        path = lappi.party_path("agenda-item", party, "docx", stage=stage)
        return " ".join(docx_blocks(open_docx(str(path))))

    board, council = text("ranua", "board"), text("ranua", "council")
    # The agreement is named in the genitive the workbook gives (title_genitive).
    approves = (
        "kunnanvaltuusto hyväksyy Lapin hyvinvointialueen ja kuntien strategisen "
        "yhteistyösopimuksen 2027–2029 liitteen 1 mukaisena ja valtuuttaa kunnanhallituksen "
        "puheenjohtajan ja kunnanjohtajan allekirjoittamaan sopimuksen Ranuan kunnan puolesta."
    )
    assert f"Kunnanhallitus esittää kunnanvaltuustolle, että {approves}" in board
    assert "K" + approves[1:] in council
    assert "Aikaisempi käsittely" in council and "Aikaisempi käsittely" not in board
    for measure in expected_measures("ranua"):
        assert measure in board and measure in council
    assert LAPPI["agreement"]["preparer"]["name"] in council
    city = text("kemi", "board")
    assert "Kaupunginhallitus esittää kaupunginvaltuustolle, että kaupunginvaltuusto" in city
    # Kemi's council approved this version: its item records it; the board's records its own.
    assert "Päätösehdotus hyväksyttiin (kaupunginvaltuusto 30.11.2026 § 118" in text(
        "kemi", "council"
    )
    assert "valtuuttaa kaupunginjohtajan allekirjoittamaan sopimuksen Kemin kaupungin" in city
    area = text("lapha", "board")
    assert "Aluehallitus esittää aluevaltuustolle, että aluevaltuusto hyväksyy" in area
    assert "(laki hyvinvointialueesta 611/2021, 141 §)" in area
    pdf = PdfReader(lappi.party_path("agenda-item", "ranua", "pdf", stage="council"))
    assert "Päätösehdotus" in " ".join(p.extract_text() for p in pdf.pages)


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "a":
            self.links.append(dict(attrs)["href"])


def test_every_link_in_the_index_resolves(lappi: Built) -> None:
    index = (lappi.report.version_dir / "index.html").read_text(encoding="utf-8")
    parser = _Links()
    parser.feed(index)
    assert len(parser.links) == len(lappi.manifest["documents"])
    for link in parser.links:
        assert (lappi.report.version_dir / link).is_file(), link
    assert '<meta name="viewport"' in index
    assert "Ranuan kunta" in index


def _small_workbook(tmp_path: Path) -> Path:
    text = (FIXTURES / "minimal.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "    approver: {fi: kunnanvaltuusto}\n",
        "    approver: {fi: kunnanvaltuusto}\n"
        "    contact: {name: Riikka Ranua, email: riikka.ranua@ranua.fi}\n",
    )
    path = tmp_path / "workbook.yaml"
    path.write_text(text, encoding="utf-8")
    return path


FILES = 2 + 3 * (2 + 2 * 2 + 2 * 2 + 1)


def test_regeneration_rebuilds_only_what_changed(tmp_path: Path) -> None:
    workbook = _small_workbook(tmp_path)
    out = tmp_path / "out"
    first = build(workbook, out, jobs=2)
    # The agreement, and for 3 parties a package and 2 agenda items (PDF + DOCX), 2 paste kits
    # (text + HTML) and the paste kit's metadata.
    assert first.ok and len(first.built) == FILES
    version_dir = first.version_dir
    stamps = {p.name: p.stat().st_mtime_ns for p in version_dir.iterdir()}

    again = build(workbook, out)
    assert again.unchanged and again.built == [] and again.seconds < 5
    assert {p.name: p.stat().st_mtime_ns for p in version_dir.iterdir()} == stamps

    workbook.write_text(
        workbook.read_text(encoding="utf-8").replace("riikka.ranua@ranua.fi", "riikka@ranua.fi"),
        encoding="utf-8",
    )
    edited = build(workbook, out)
    assert edited.ok
    assert edited.built and all(name.startswith("ranua_") for name in edited.built)
    assert {name.split("_")[1] for name in edited.built} == {"sopimusliite", "esityslista-asia"}
    untouched = [n for n in stamps if not n.startswith("ranua_") and not n.startswith(".")]
    for name in untouched:
        if name not in ("manifest.json", "workbook.yaml"):  # both describe the new version
            assert (version_dir / name).stat().st_mtime_ns == stamps[name], name
    manifest = json.loads((version_dir / "manifest.json").read_text(encoding="utf-8"))
    for document in manifest["documents"]:
        assert sha256((version_dir / document["path"]).read_bytes()) == document["sha256"]

    forced = build(workbook, out, force=True)
    assert len(forced.built) + len(forced.kept) == FILES and forced.kept  # same bytes: kept


def test_a_killed_build_leaves_complete_files_and_a_rerun_finishes(tmp_path: Path) -> None:
    workbook = _small_workbook(tmp_path)
    out = tmp_path / "out"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "agreement_builder",
            "build",
            str(workbook),
            "-o",
            str(out),
            "--jobs",
            "1",
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    state = out / "testi" / "0.1" / ".build-state.json"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if state.exists() and json.loads(state.read_text() or "{}").get("documents"):
            break
        time.sleep(0.05)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    version_dir = out / "testi" / "0.1"
    recorded = json.loads(state.read_text())["documents"]
    assert 0 < len(recorded) < FILES, "killed midway"
    for name, entry in recorded.items():
        assert sha256((version_dir / name).read_bytes()) == entry["sha256"]

    rerun = build(workbook, out)
    assert rerun.ok and len(rerun.documents) == FILES
    assert set(rerun.kept) >= set(recorded)  # what was done stays done
    assert not list(version_dir.glob(".*.tmp"))
    for document in rerun.documents:
        assert sha256((version_dir / document.path).read_bytes()) == document.sha256


def test_a_second_build_of_the_same_folder_refuses_while_one_runs(tmp_path: Path) -> None:
    import fcntl

    import pytest

    from agreement_builder.errors import BuildRefused

    workbook = _small_workbook(tmp_path)
    out = tmp_path / "out"
    (out / "testi").mkdir(parents=True)
    with open(out / "testi" / ".build.lock", "a+b") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        with pytest.raises(BuildRefused, match="another build is writing"):
            build(workbook, out)
    assert not (out / "testi" / "0.1").exists()


def test_packages_stay_tagged_and_accessible(lappi: Built) -> None:

    import pikepdf

    path = lappi.party_path("package", "ranua", "pdf")
    with pikepdf.open(path) as pdf:
        assert "/StructTreeRoot" in pdf.Root and str(pdf.Root.Lang) == "fi"
        assert str(pdf.open_metadata()["dc:title"]).endswith("Ranuan kunta")
        # Every page's content is in the structure tree, the agreement's pages included.
        assert all("/StructParents" in page.obj for page in pdf.pages)
    result = pdfua_check(path)
    assert result.returncode == 0, result.stdout + result.stderr


def common_measures() -> set[str]:
    """Measures all municipalities are responsible for, none of them named (restated)."""
    return {
        measure["id"]
        for goal in LAPPI["goals"]
        for measure in goal["measures"]
        if "all-municipalities" in measure["responsible"]
        and not MUNICIPALITIES & set(measure["responsible"])
    }


def package_parts(built: Built, party: str) -> dict[str, list[str]]:
    """A package PDF's pages after the agreement, split by their headings into the common
    part, the party's annex and its signature page."""
    agreement_pages = len(built.pdf.pages)
    pages = PdfReader(built.party_path("package", party, "pdf")).pages[agreement_pages + 1 :]
    parts: dict[str, list[str]] = {"common": [], "annex": [], "signature": []}
    current = None
    for page in pages:
        # Without the package's own page number, stamped on each page ("Liite: … · Sivu n / N").
        text = re.sub(r"\s*Liite: .* · Sivu \d+ / \d+$", "", page.extract_text())
        for part, heading in (
            ("common", r"Kaikkia kuntia koskevat toimenpiteet"),
            ("annex", r".* (kunnan|kaupungin|hyvinvointialueen|liiton) toimenpiteet"),
            ("signature", r"Allekirjoitus"),
        ):
            if re.search(f"^{heading}$", text, flags=re.M):
                current = part
        assert current is not None, text
        parts[current].append(text)
    return parts


def measure_ids(pages: list[str]) -> set[str]:
    return set(re.findall(r"^(T\d+\.\d+)(?:\s|$)", "\n".join(pages), flags=re.M))


def test_measures_common_to_all_municipalities_are_one_part_alike_in_their_packages(
    lappi: Built,
) -> None:
    common = common_measures()
    assert common, "the example has measures that concern every municipality alike"
    ranua, utsjoki = package_parts(lappi, "ranua"), package_parts(lappi, "utsjoki")
    # The same pages in every municipality's package, holding exactly those measures.
    assert ranua["common"] == utsjoki["common"]
    assert measure_ids(ranua["common"]) == common
    # The municipality's own part holds the rest of what concerns it, and nothing else.
    assert measure_ids(utsjoki["annex"]) == expected_measures("utsjoki") - common
    assert measure_ids(ranua["annex"]) == expected_measures("ranua") - common
    assert "Utsjoen kunnan toimenpiteet" in utsjoki["annex"][0]
    assert len(ranua["signature"]) == 1 and "Ranuan kunta" in ranua["signature"][0]
    # The wellbeing area is no municipality: its annex lists all its measures, no common part.
    area = package_parts(lappi, "lapha")
    assert area["common"] == []
    assert measure_ids(area["annex"]) == expected_measures("lapha")


def test_a_package_built_alone_joins_the_agreement_on_disk_only_if_unaltered(
    lappi: Built, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    shutil.copytree(lappi.root, out)
    version_dir = out / lappi.report.version_dir.relative_to(lappi.root)
    package = lappi.party_path("package", "kemi", "pdf").name
    expected = (version_dir / package).read_bytes()
    # An agreement PDF altered on disk (same size, other bytes) is not joined into a package.
    agreement = version_dir / lappi.path("pdf").name
    data = bytearray(agreement.read_bytes())
    data[-40:-30] = b"0123456789"
    agreement.write_bytes(bytes(data))
    (version_dir / package).unlink()
    report = build(WORKBOOKS / "lappi.yaml", out, only=("kemi",), jobs=1)
    assert report.ok and package in report.built
    assert (version_dir / package).read_bytes() == expected


def test_a_package_docx_names_the_party_on_its_annex_pages(lappi: Built, tmp_path: Path) -> None:
    """As the PDF's running header does: the annex is a section whose every page's header says
    whose annex it is, with the draft mark; LibreOffice shows it so."""
    path = lappi.party_path("package", "ranua", "docx")
    document = open_docx(str(path))
    *before, annex = document.sections
    title = "Lapin hyvinvointialueen ja kuntien strateginen yhteistyösopimus"
    assert before and all(s.header.paragraphs[0].text.startswith(title) for s in before)
    assert annex.header.paragraphs[0].text.startswith("Liite: Ranuan kunta · versio 0.3 · LUONNOS")
    assert not annex.different_first_page_header_footer
    assert 'string="LUONNOS"' in annex.header._element.xml  # the watermark
    converted = soffice_to_pdf(path, tmp_path)
    assert converted.returncode == 0, converted.stderr
    pages = [page.extract_text() for page in PdfReader(tmp_path / f"{path.stem}.pdf").pages]
    assert pages[-1].startswith("Liite: Ranuan kunta")
    assert pages[1].startswith(title) and "Liite:" not in pages[1]
