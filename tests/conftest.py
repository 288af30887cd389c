"""Shared paths and helpers for the tests."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
WORKBOOKS = ROOT / "workbooks"
TEMPLATES = ROOT / "agreement_builder" / "templates"


@pytest.fixture
def minimal_text() -> str:
    return (FIXTURES / "minimal.yaml").read_text(encoding="utf-8")


def soffice_convert(
    source: Path, outdir: Path, target: str = "pdf", package: str = "libreoffice-writer-nogui"
) -> subprocess.CompletedProcess:
    """LibreOffice (a real client) converts `source` into `outdir`, with a profile of its own;
    the test is skipped, naming the Debian package, where LibreOffice is not installed."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip(f"LibreOffice (soffice) is not installed: apt-get install {package}")
    outdir.mkdir(parents=True, exist_ok=True)
    return subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{outdir / 'lo-profile'}",
            "--headless",
            "--convert-to",
            target,
            "--outdir",
            str(outdir),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def pdfua_check(path: Path) -> subprocess.CompletedProcess:
    """The independent PDF/UA checker on `path`, reporting errors only (exit 0: none); the
    test is skipped where it is not installed."""
    pdfua = shutil.which("pdfua")
    if pdfua is None:
        pytest.skip("pdfua is not installed: pip install pdfua")
    return subprocess.run(
        [pdfua, "check", "--min-severity", "error", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )


def pdf_text(path: Path) -> str:
    """The text of every page, lines joined (a table cell wraps its text; a word hyphenated at a
    line's end, its soft hyphen drawn as U+2010, is one word again)."""
    from pypdf import PdfReader

    return " ".join(
        " ".join((page.extract_text() or "").replace("\u2010\n", "").split())
        for page in PdfReader(path).pages
    )
