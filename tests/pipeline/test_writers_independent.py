"""A document's PDF and DOCX are made from its HTML alone: either can be made again by itself,
to the same bytes (the DOCX's contents take no page numbers from the PDF)."""

from __future__ import annotations

import zipfile
from pathlib import Path

from click.testing import CliRunner

from agreement_builder.cli import main
from agreement_builder.pipeline.run import build
from tests.conftest import FIXTURES
from tests.pipeline.conftest import soffice_to_pdf

# The minimal workbook's files: the agreement (PDF, DOCX) and for each of its 3 parties a
# package, an agenda item per stage (board, council; PDF, DOCX), a paste kit per stage (text,
# HTML) and the paste kit's metadata.
FILES = 2 + 3 * (2 + 2 * 2 + 2 * 2 + 1)


def test_a_file_deleted_alone_comes_back_byte_identical(tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = build(FIXTURES / "minimal.yaml", out, jobs=1)
    assert first.ok
    files = {d.path: (first.version_dir / d.path).read_bytes() for d in first.documents}
    package = next(d for d in first.documents if (d.kind, d.party) == ("package", "ranua"))
    stem = package.path.rsplit(".", 1)[0]
    for deleted in (f"{stem}.docx", f"{stem}.pdf", "testi_v0.1_LUONNOS_fi.docx"):
        (first.version_dir / deleted).unlink()
        again = build(FIXTURES / "minimal.yaml", out, jobs=1)
        assert again.ok and again.written == [deleted], (deleted, again.summary())
        assert (first.version_dir / deleted).read_bytes() == files[deleted], deleted
        counts = f"1 written, 0 re-rendered unchanged, {FILES - 1} up to date, 0 failed"
        assert f"{FILES} documents: {counts}" in (
            again.summary()
        )
    # The contents' field result names the headings and no page number; Word numbers them.
    with zipfile.ZipFile(first.version_dir / "testi_v0.1_LUONNOS_fi.docx") as docx:
        document = docx.read("word/document.xml").decode()
        settings = docx.read("word/settings.xml").decode()
    assert 'TOC \\o "1-3" \\h \\z \\u' in document and "PAGEREF" not in document
    assert '<w:updateFields w:val="true"/>' in settings


def test_the_summary_tells_written_rerendered_and_up_to_date_apart(tmp_path: Path) -> None:
    out = tmp_path / "out"
    args = ["build", str(FIXTURES / "minimal.yaml"), "-o", str(out), "--jobs", "1"]
    first = CliRunner().invoke(main, args)
    written = f"{FILES} written, 0 re-rendered unchanged, 0 up to date, 0 failed"
    assert f"{FILES} documents: {written}" in first.stdout
    again = CliRunner().invoke(main, args)
    assert f": up to date, {FILES} documents unchanged" in again.stdout
    forced = CliRunner().invoke(main, [*args, "--force"])
    assert forced.exit_code == 0
    rerendered = f"0 written, {FILES} re-rendered unchanged, 0 up to date, 0 failed"
    assert f"{FILES} documents: {rerendered}" in forced.stdout


def test_libreoffice_still_converts_the_docx(tmp_path: Path) -> None:
    report = build(FIXTURES / "minimal.yaml", tmp_path / "out", jobs=1, only=("ranua",))
    assert report.ok
    docx = next(d for d in report.documents if (d.kind, d.format) == ("package", "docx"))
    result = soffice_to_pdf(report.version_dir / docx.path, tmp_path / "lo")
    assert result.returncode == 0, result.stderr
    converted = tmp_path / "lo" / docx.path.replace(".docx", ".pdf")
    assert converted.is_file() and converted.stat().st_size > 1000
