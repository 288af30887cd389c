"""Builds shared by the build tests: each workbook is built once per session."""

from __future__ import annotations

import json
import re
import subprocess
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pytest
from docx import Document as open_docx
from pypdf import PdfReader

from agreement_builder.pipeline.run import BuildReport, build
from tests.conftest import WORKBOOKS, soffice_convert


@dataclass
class Built:
    report: BuildReport
    root: Path

    @cached_property
    def manifest(self) -> dict:
        return json.loads((self.report.version_dir / "manifest.json").read_text(encoding="utf-8"))

    def path(self, fmt: str, language: str = "fi", kind: str = "agreement") -> Path:
        [doc] = [
            d
            for d in self.manifest["documents"]
            if (d["format"], d["language"], d["kind"]) == (fmt, language, kind)
        ]
        return self.report.version_dir / doc["path"]

    def party_path(
        self, kind: str, party: str, fmt: str, language: str = "fi", stage: str | None = None
    ) -> Path:
        """A party's document; of its agenda items, the one of `stage`, else the approving
        one (the last: the council's follows the board's)."""
        docs = [
            d
            for d in self.manifest["documents"]
            if (d["kind"], d["party"], d["format"], d["language"]) == (kind, party, fmt, language)
            and (stage is None or d.get("stage") == stage)
        ]
        assert docs, (kind, party, fmt, language, stage)
        return self.report.version_dir / docs[-1]["path"]

    @cached_property
    def pdf(self) -> PdfReader:
        return PdfReader(self.path("pdf"))

    @cached_property
    def pdf_pages(self) -> list[str]:
        """Each page's text, extracted once (it costs about as much as rendering)."""
        return [page.extract_text() or "" for page in self.pdf.pages]

    @cached_property
    def docx(self):
        return open_docx(str(self.path("docx")))

    @cached_property
    def docx_text(self) -> str:
        return "\n".join(docx_blocks(self.docx))


def docx_blocks(document) -> list[str]:
    """The body's paragraphs and table cells in document order."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    out: list[str] = []

    def walk(container) -> None:
        for item in container.iter_inner_content():
            if isinstance(item, Paragraph):
                out.append(item.text)
            elif isinstance(item, Table):
                for row in item.rows:
                    seen = set()
                    for cell in row.cells:
                        if id(cell._tc) in seen:
                            continue
                        seen.add(id(cell._tc))
                        walk(cell)

    walk(document)
    return out


def words(text: str) -> list[str]:
    return re.findall(r"\w[\w%.,:;/§–-]*", text)


def build_once(tmp_path_factory: pytest.TempPathFactory, workbook: Path, name: str) -> Built:
    root = tmp_path_factory.mktemp(name)
    report = build(workbook, root, jobs=None)
    assert report.ok, report.failures
    return Built(report, root)


@pytest.fixture(scope="session")
def lappi(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build_once(tmp_path_factory, WORKBOOKS / "lappi.yaml", "lappi")


def soffice_to_pdf(docx: Path, outdir: Path) -> subprocess.CompletedProcess:
    return soffice_convert(docx, outdir, "pdf")


@pytest.fixture(scope="session")
def pohjanmaa(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build_once(tmp_path_factory, WORKBOOKS / "pohjanmaa.yaml", "pohjanmaa")
