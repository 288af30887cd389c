"""A draft's build adds its change summary against the previous version (on the small fixture)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from pypdf import PdfReader

from agreement_builder.cli import main
from agreement_builder.errors import BuildRefused
from agreement_builder.pipeline.run import build
from tests.conftest import FIXTURES

MINIMAL = FIXTURES / "minimal.yaml"


def version(tmp_path: Path, number: str, status: str = "draft", text: str | None = None) -> Path:
    data = yaml.safe_load(MINIMAL.read_text(encoding="utf-8"))
    data["agreement"]["version"] = number
    data["agreement"]["status"] = status
    if text is not None:
        data["goals"][0]["measures"][0]["text"]["fi"] = text
    path = tmp_path / f"minimal-{number}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def changes_documents(version_dir: Path) -> list[dict]:
    manifest = json.loads((version_dir / "manifest.json").read_text(encoding="utf-8"))
    return [d for d in manifest["documents"] if d["kind"] == "changes"]


def pdf_text(path: Path) -> str:
    return " ".join(" ".join(p.extract_text() or "" for p in PdfReader(path).pages).split())


def test_the_next_draft_gets_a_change_summary(tmp_path: Path) -> None:
    first = build(version(tmp_path, "0.1"), tmp_path / "out")
    assert changes_documents(first.version_dir) == []  # nothing to compare with yet
    second = build(
        version(tmp_path, "0.2", text="Liikuntaneuvonta käynnistetään kaikissa kunnissa."),
        tmp_path / "out",
    )
    assert second.ok, second.failures
    [summary] = changes_documents(second.version_dir)
    assert summary == {
        "path": "testi_muutokset_v0.2_LUONNOS_fi.pdf",
        "kind": "changes",
        "party": None,
        "language": "fi",
        "format": "pdf",
        "pages": 1,
        "sha256": summary["sha256"],
    }
    text = pdf_text(second.version_dir / summary["path"])
    assert "Muutokset versioon 0.2" in text
    assert "Verrattuna versioon 0.1 (20.11.2026)" in text
    assert "Toimenpide T1.1 – muutettu" in text
    index = (second.version_dir / "index.html").read_text(encoding="utf-8")
    [row] = [r for r in index.split("<tr>") if 'href="testi_muutokset_v0.2_LUONNOS_fi.pdf"' in r]
    assert ">Muutokset · " in row
    # Nothing changed: nothing to do, the summary included.
    assert build(
        version(tmp_path, "0.2", text="Liikuntaneuvonta käynnistetään kaikissa kunnissa."),
        tmp_path / "out",
    ).unchanged


def test_previous_names_the_version_to_compare_with(tmp_path: Path) -> None:
    old = version(tmp_path, "0.1", text="Liikuntaneuvonta suunnitellaan.")
    report = build(version(tmp_path, "0.5"), tmp_path / "out", previous=old, formats=("pdf",))
    [summary] = changes_documents(report.version_dir)
    assert "Verrattuna versioon 0.1" in pdf_text(report.version_dir / summary["path"])


def test_a_final_version_gets_no_change_summary(tmp_path: Path) -> None:
    build(version(tmp_path, "0.1"), tmp_path / "out", formats=("pdf",))
    report = build(version(tmp_path, "1.0", status="final"), tmp_path / "out", formats=("pdf",))
    assert changes_documents(report.version_dir) == []


def test_a_bad_previous_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    with pytest.raises(BuildRefused, match="is a folder but not a built version folder"):
        build(version(tmp_path, "0.2"), tmp_path / "out", previous=tmp_path)
    assert not (tmp_path / "out" / "testi").exists()
    result = CliRunner().invoke(
        main,
        [
            "build",
            str(version(tmp_path, "0.2")),
            "-o",
            str(tmp_path / "out"),
            "--previous",
            str(tmp_path / "missing.yaml"),
        ],
    )
    assert result.exit_code == 1
    assert "refused: --previous: " in result.output and "no such file or folder" in result.output
