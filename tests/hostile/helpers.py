"""Hostile inputs made on the fly from the minimal fixture, and ways to run the command line."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

from click.testing import CliRunner

from agreement_builder.cli import main
from tests.conftest import FIXTURES, ROOT

MINIMAL = FIXTURES / "minimal.yaml"


def edited(changes: dict[str, str]) -> str:
    """The minimal workbook's text with each `old` line fragment replaced by `new`."""
    text = MINIMAL.read_text(encoding="utf-8")
    for old, new in changes.items():
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


def write(folder: Path, text: str, name: str = "workbook.yaml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def run(*args: str) -> tuple[int, str, str]:
    """The command line in this process."""
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def run_process(
    *args: str, cwd: Path | None = None, timeout: float = 300
) -> subprocess.CompletedProcess:
    """The command line as a separate process, as a user runs it."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "agreement_builder", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        cwd=cwd,
        check=False,
    )


def rewrite_zip(raw: bytes, change: Callable[[str, bytes], bytes | None]) -> bytes:
    """The zip `raw` with each part's bytes passed through `change` (None drops the part)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = change(info.filename, source.read(info))
            if data is not None:
                target.writestr(info.filename, data, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def sheet_part(raw: bytes, title: str) -> str:
    """The zip part name of the sheet `title` of the XLSX `raw`."""
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(raw), read_only=True)
    try:
        # A read-only sheet keeps its part name in a private attribute the stubs do not declare.
        return str(book[title]._worksheet_path)  # type: ignore[attr-defined]
    finally:
        book.close()


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` (links as their target text), to show nothing changed."""
    out: dict[str, bytes] = {}
    for path in sorted(folder.rglob("*")):
        if path.is_symlink():
            out[str(path.relative_to(folder))] = os.readlink(path).encode()
        elif path.is_file():
            out[str(path.relative_to(folder))] = path.read_bytes()
    return out
