"""The yearly cycle around an approved agreement: recording a year's follow-up or indicator
values is no change of the final version, which stays built and untouched."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from agreement_builder.errors import BuildRefused
from agreement_builder.pipeline.run import build
from tests.conftest import FIXTURES


def test_a_final_version_stays_when_the_follow_up_grows(tmp_path: Path):
    workbook = tmp_path / "followup.yaml"
    shutil.copy(FIXTURES / "followup.yaml", workbook)
    first = build(workbook, tmp_path / "out", formats=("docx",), jobs=1)
    assert first.ok and first.documents
    files = {p.name: p.stat().st_mtime_ns for p in first.version_dir.iterdir()}
    text = workbook.read_text("utf-8")
    text = text.replace("  - year: 2026\n", "  - year: 2028\n")
    text = text.replace(
        "indicator_values:\n",
        "indicator_values:\n  - {indicator: M1-I2, year: 2028, region: omrade, value: 40.1}\n",
    )
    workbook.write_text(text, "utf-8")
    again = build(workbook, tmp_path / "out", formats=("docx",), jobs=1)
    assert again.unchanged
    assert {p.name: p.stat().st_mtime_ns for p in again.version_dir.iterdir()} == files
    # a change of the agreement itself is refused, as before
    workbook.write_text(text.replace("Motionsrådgivning startas.", "Motion."), "utf-8")
    with pytest.raises(BuildRefused, match="is final"):
        build(workbook, tmp_path / "out", formats=("docx",), jobs=1)
