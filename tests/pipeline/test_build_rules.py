"""What a build must never do: write for bad input, overwrite a final version, run workbook text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document as open_docx
from pypdf import PdfReader

from agreement_builder.cli import main
from agreement_builder.errors import BuildRefused
from agreement_builder.pipeline.run import build
from tests.conftest import FIXTURES
from tests.pipeline.conftest import docx_blocks

HOSTILE = [
    "<script>alert('x')</script>",
    "{{ 7*7 }}",
    '<img src="file:///etc/passwd">',
    "{% include '/etc/passwd' %}",
]


def _workbook(tmp_path: Path, minimal_text: str, **replace: str) -> Path:
    text = minimal_text
    for old, new in replace.items():
        text = text.replace(old, new)
    path = tmp_path / "workbook.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_bad_workbook_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main, ["build", str(FIXTURES / "bad" / "dangling-references.yaml"), "-o", str(out)]
    )
    assert result.exit_code == 1
    assert "unknown party 'rovaneimi'; did you mean 'rovaniemi'?" in result.stderr
    assert not out.exists()


def test_hostile_text_stays_text(tmp_path: Path, minimal_text: str) -> None:
    text = " ".join(HOSTILE)
    path = _workbook(
        tmp_path,
        minimal_text,
        **{"text: {fi: Liikuntaneuvonta käynnistetään.}": f"text: {{fi: {json.dumps(text)}}}"},
    )
    report = build(path, tmp_path / "out")
    assert report.ok and report.notes == []  # nothing was even asked for
    pdf = next(d for d in report.documents if d.format == "pdf")
    docx = next(d for d in report.documents if d.format == "docx")
    pdf_text = " ".join(
        (p.extract_text() or "") for p in PdfReader(report.version_dir / pdf.path).pages
    )
    docx_text = "\n".join(docx_blocks(open_docx(str(report.version_dir / docx.path))))
    for hostile in HOSTILE:
        assert hostile in " ".join(docx_text.split())
        assert hostile.replace(" ", "") in pdf_text.replace(" ", "").replace("\n", "")
    assert "49" not in docx_text
    assert "root:" not in pdf_text and "root:" not in docx_text


def test_final_version_is_not_marked_and_never_overwritten(
    tmp_path: Path, minimal_text: str
) -> None:
    path = _workbook(tmp_path, minimal_text, **{"status: draft": "status: final"})
    out = tmp_path / "out"
    first = build(path, out)
    assert first.ok
    names = sorted(d.path for d in first.documents)
    assert all("LUONNOS" not in name for name in names)
    reader = PdfReader(first.version_dir / next(n for n in names if n.endswith(".pdf")))
    assert all("LUONNOS" not in (page.extract_text() or "") for page in reader.pages)
    assert reader.metadata is not None
    assert "LUONNOS" not in reader.metadata.get("/Keywords", "")
    before = {p.name: p.read_bytes() for p in first.version_dir.iterdir()}

    # The same inputs again: nothing to do.
    assert build(path, out).unchanged
    # Changed inputs under the same final version: refused, nothing written.
    path.write_text(
        path.read_text(encoding="utf-8").replace("Liikkuminen", "Liikunta"), encoding="utf-8"
    )
    with pytest.raises(BuildRefused, match=r"raise agreement\.version"):
        build(path, out)
    result = CliRunner().invoke(main, ["build", str(path), "-o", str(out)])
    assert result.exit_code == 1 and "never overwritten" in result.stderr
    # Back to draft under the same version: still refused.
    path.write_text(
        path.read_text(encoding="utf-8").replace("status: final", "status: draft"), encoding="utf-8"
    )
    with pytest.raises(BuildRefused):
        build(path, out)
    assert {p.name: p.read_bytes() for p in first.version_dir.iterdir()} == before


def test_a_failing_document_does_not_stop_the_others(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import agreement_builder.render.docx

    def broken(html: str, **_: object) -> object:
        raise ValueError("the DOCX writer broke")

    monkeypatch.setattr(agreement_builder.render.docx, "render_docx", broken)
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main, ["build", str(FIXTURES / "minimal.yaml"), "-o", str(out), "--jobs", "1"]
    )
    assert result.exit_code == 1
    assert "failed: agreement (fi) as docx" in result.stderr
    assert "failed: package for ranua (fi) as docx" in result.stderr
    version_dir = out / "testi" / "0.1"
    manifest = json.loads((version_dir / "manifest.json").read_text(encoding="utf-8"))
    # Every DOCX failed; the PDFs and the paste kits (which need no reference DOCX) are made.
    assert {d["format"] for d in manifest["documents"]} == {"pdf", "txt", "html", "json"}
    # Every PDF was still made: the agreement, 3 packages, 2 agenda items for each party.
    assert sum(d["format"] == "pdf" for d in manifest["documents"]) == 10
    suffixes = {p.suffix for p in version_dir.iterdir() if not p.name.startswith(".")}
    # .yaml: the version's snapshot; .txt, .html, .json: the paste kits (and the index)
    assert suffixes == {".json", ".pdf", ".html", ".txt", ".yaml"}


def test_a_reference_that_is_no_docx_is_one_error_before_building(tmp_path: Path) -> None:
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"this is not a Word file")
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main,
        ["build", str(FIXTURES / "minimal.yaml"), "-o", str(out), "--reference-docx", str(broken)],
    )
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: --reference-docx {broken}: is not a Word document (.docx)\n"
    )
    assert not out.exists()


def test_missing_label_fails_loudly(tmp_path: Path) -> None:
    import shutil

    from tests.conftest import TEMPLATES

    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    (templates / "agreement.html.j2").write_text(
        (templates / "agreement.html.j2")
        .read_text(encoding="utf-8")
        .replace("{% block content %}", '{% block content %}{{ t("no_such_label") }}'),
        encoding="utf-8",
    )
    report = build(FIXTURES / "minimal.yaml", tmp_path / "out", templates=templates)
    # The agreement and every package (which holds it) fail; the agenda items are still made.
    assert sorted(f.target for f in report.failures) == [
        "agreement (fi)",
        "package for alue (fi)",
        "package for ranua (fi)",
        "package for rovaniemi (fi)",
    ]
    assert {f.format for f in report.failures} == {"html"}
    assert "the label 'no_such_label' is missing from the fi catalog" in report.failures[0].reason
    assert {d.kind for d in report.documents} == {"agenda-item", "paste-kit"}
