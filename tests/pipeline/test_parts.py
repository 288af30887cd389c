"""A package's parts kept between builds: joined again as they were, never when altered."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from agreement_builder.fileio import sha256
from agreement_builder.pipeline.parts import PARTS
from agreement_builder.pipeline.run import build
from tests.conftest import FIXTURES


def manifest(report) -> dict:
    return json.loads((report.version_dir / "manifest.json").read_text(encoding="utf-8"))


def test_an_edit_joins_the_kept_parts_to_the_bytes_of_a_build_from_scratch(tmp_path: Path) -> None:
    workbook = tmp_path / "minimal.yaml"
    shutil.copy(FIXTURES / "minimal.yaml", workbook)
    first = build(workbook, tmp_path / "out", jobs=1)
    kept = sorted((first.version_dir / PARTS).iterdir())
    assert kept  # each package's cover and annex
    assert all(p.suffix == ".pdf" and p.stat().st_size > 1000 for p in kept)
    # One part altered on disk: its name no longer matches its bytes, so it is drawn again.
    kept[0].write_bytes(kept[0].read_bytes().replace(b"/Type", b"/Tipe", 1))
    # The agreement changes; every party's own parts do not.
    text = workbook.read_text(encoding="utf-8")
    workbook.write_text(text.replace("yhteisistä tavoitteista", "yhteisistä tavoitteista ja"))
    edited = build(workbook, tmp_path / "out", jobs=1)
    assert edited.ok and edited.written
    fresh = build(workbook, tmp_path / "fresh", jobs=1)
    assert manifest(edited) == manifest(fresh)
    # The altered part is written again; every kept part has the bytes its name says.
    after = sorted((edited.version_dir / PARTS).iterdir())
    assert [p.name for p in after] == [p.name for p in kept]
    assert all(sha256(p.read_bytes()) == p.stem.partition("-")[2] for p in after)


def test_parts_no_document_joins_are_removed_and_a_final_version_keeps_none(
    tmp_path: Path,
) -> None:
    workbook = tmp_path / "minimal.yaml"
    shutil.copy(FIXTURES / "minimal.yaml", workbook)
    first = build(workbook, tmp_path / "out", jobs=1)
    stray = first.version_dir / PARTS / f"{'0' * 64}-{'1' * 64}.pdf"
    stray.write_bytes(b"%PDF-1.7 not a part of this version")
    build(workbook, tmp_path / "out", jobs=1, force=True)
    assert not stray.exists()
    final = workbook.read_text(encoding="utf-8").replace("status: draft", "status: final")
    workbook.write_text(final, encoding="utf-8")
    report = build(workbook, tmp_path / "final", jobs=1)
    assert report.ok and not (report.version_dir / PARTS).exists()
