"""Bounded work: every input is a regular file of bounded size, checked before it is parsed."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from agreement_builder.errors import InputError
from agreement_builder.fileio import read_input
from agreement_builder.workbook.load import MAX_BYTES as YAML_MAX
from agreement_builder.workbook.xlsx_read import MAX_BYTES as XLSX_MAX
from agreement_builder.workbook.xlsx_read import MAX_UNPACKED
from tests.hostile.helpers import run, run_process


@pytest.mark.parametrize("command", ["validate", "export-xlsx", "import-xlsx", "build"])
@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_a_device_is_refused_at_once(tmp_path: Path, command: str, device: str) -> None:
    args = [command, device] + (["-o", str(tmp_path / "out")] if command != "validate" else [])
    code, _, err = run(*args)
    assert code == 1
    assert "is not a regular file (a pipe, device or socket)" in err
    assert not (tmp_path / "out").exists()


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "workbook.yaml"
    os.mkfifo(fifo)
    result = run_process("validate", str(fifo), timeout=60)
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"{fifo}:1:1: is not a regular file (a pipe, device or socket): give a workbook on disk"
    )


def test_a_fifo_spreadsheet_is_refused_too(tmp_path: Path) -> None:
    fifo = tmp_path / "workbook.xlsx"
    os.mkfifo(fifo)
    result = run_process("import-xlsx", str(fifo), "-o", str(tmp_path / "x.yaml"), timeout=60)
    assert result.returncode == 1 and "is not a regular file" in result.stderr


def test_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="is a folder, not a workbook"):
        read_input(tmp_path, 100, "workbook")


@pytest.mark.parametrize(("name", "limit"), [("big.yaml", YAML_MAX), ("big.xlsx", XLSX_MAX)])
def test_a_file_over_the_limit_is_refused_before_reading(
    tmp_path: Path, name: str, limit: int
) -> None:
    path = tmp_path / name
    with open(path, "wb") as handle:  # sparse: large, yet costs nothing to make
        handle.truncate(limit + 1)
    code, _, err = run("validate", str(path))
    assert code == 1
    assert "MB; a workbook" in err and "is at most" in err


def test_read_input_stops_at_the_limit_even_when_the_size_lies() -> None:
    # /proc files are regular files that say they hold 0 bytes: reading counts what comes.
    status = Path("/proc/self/status")
    if not status.exists() or status.stat().st_size != 0:
        pytest.skip("no /proc here")
    with pytest.raises(InputError, match="is at most"):
        read_input(status, 100, "workbook")
    assert read_input(status, 1 << 20, "workbook").startswith(b"Name:")


def test_a_zip_bomb_spreadsheet_is_refused_by_what_it_unpacks_to(tmp_path: Path) -> None:
    import zipfile

    path = tmp_path / "bomb.xlsx"
    block = b"0" * (1 << 20)
    with (
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open("xl/worksheets/sheet1.xml", "w") as part,
    ):
        for _ in range(MAX_UNPACKED // len(block) + 2):
            part.write(block)
    assert path.stat().st_size < XLSX_MAX
    code, _, err = run("validate", str(path))
    assert code == 1
    assert err.strip().endswith(
        "it unpacks to more than 100 MB (a zip bomb?); an XLSX spreadsheet of this kind needs "
        "far less"
    )


def test_a_zip_with_too_many_parts_is_refused(tmp_path: Path) -> None:
    import zipfile

    path = tmp_path / "many.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        for index in range(2_001):
            archive.writestr(f"p{index}", b"")
    code, _, err = run("validate", str(path))
    assert code == 1 and "2,001 parts" in err
