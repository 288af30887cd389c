"""No command prints a Python traceback, whatever the input or fault: each command runs as a
separate process over hostile inputs and must end with a message of its own (exit 1 or 2)."""

from __future__ import annotations

import os
import re
import zipfile
from pathlib import Path

import pytest

from agreement_builder.workbook.validate import load_workbook
from agreement_builder.workbook.xlsx_write import workbook_to_xlsx
from tests.conftest import FIXTURES
from tests.hostile.helpers import edited, rewrite_zip, run_process, sheet_part

MINIMAL = FIXTURES / "minimal.yaml"


def _inputs(folder: Path) -> dict[str, Path]:
    """Hostile workbooks, each a file (or something that is not one) in `folder`."""
    made: dict[str, Path] = {}

    def text(name: str, content: str) -> None:
        made[name] = folder / f"{name}.yaml"
        made[name].write_text(content, encoding="utf-8")

    text("escape-in-text", edited({"Liikkuminen lisääntyy": '"Liikunta\\e[2J\\e]0;x\\a"'}))
    text("path-version", edited({'  version: "0.1"': '  version: "../../../x"'}))
    text("sexagesimal", edited({'        target: "40 %"': "        target: 1:20"}))
    text("nul", "format: agreement-workbook/1\n\0\n")
    text("not-a-mapping", "- a\n- b\n")
    text("bidi-key", edited({"  status: draft": '  status: draft\n  "st\\u202eatus": x'}))
    made["binary"] = folder / "binary.yaml"
    made["binary"].write_bytes(os.urandom(2048))
    made["fifo"] = folder / "fifo.yaml"
    os.mkfifo(made["fifo"])
    made["folder"] = folder / "folder.yaml"
    made["folder"].mkdir()
    made["missing"] = folder / "missing.yaml"
    made["device"] = Path("/dev/zero")

    raw = workbook_to_xlsx(load_workbook(MINIMAL))
    part = sheet_part(raw, "Toimenpiteet")
    xlsx = {
        "xxe": rewrite_zip(
            raw,
            lambda n, d: b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
            + re.sub(rb"^<\?xml[^>]*\?>", b"", d)
            if n == part
            else d,
        ),
        "broken-sheet": rewrite_zip(raw, lambda n, d: d[:100] if n == part else d),
        "no-workbook-part": rewrite_zip(raw, lambda n, d: None if n == "xl/workbook.xml" else d),
        "truncated": raw[: len(raw) // 2],
        "not-a-zip": b"PK\x03\x04 not really",
    }
    for name, data in xlsx.items():
        made[name] = folder / f"{name}.xlsx"
        made[name].write_bytes(data)
    bomb = folder / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (101 << 20))
    made["bomb"] = bomb
    return made


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return _inputs(tmp_path_factory.mktemp("hostile"))


def _commands(workbook: Path, out: Path) -> dict[str, list[str]]:
    return {
        "validate": ["validate", str(workbook)],
        "build": ["build", str(workbook), "-o", str(out / "build"), "--jobs", "1"],
        "diff": ["diff", str(MINIMAL), str(workbook), "-o", str(out / "diff")],
        "export-xlsx": ["export-xlsx", str(workbook), "-o", str(out / "x.xlsx")],
        "import-xlsx": ["import-xlsx", str(workbook), "-o", str(out / "x.yaml")],
    }


NAMES = [
    "escape-in-text", "path-version", "nul", "not-a-mapping", "bidi-key", "binary", "fifo",
    "folder", "missing", "device", "xxe", "broken-sheet", "no-workbook-part", "truncated",
    "not-a-zip", "bomb",
]  # fmt: skip


@pytest.mark.parametrize("command", ["validate", "build", "diff", "export-xlsx", "import-xlsx"])
def test_no_command_prints_a_traceback_for_hostile_workbooks(
    tmp_path: Path, inputs: dict[str, Path], command: str
) -> None:
    for name in NAMES:
        args = _commands(inputs[name], tmp_path / name)[command]
        result = run_process(*args, timeout=120)
        shown = f"{command} {name}: {result.stderr}"
        assert "Traceback" not in result.stderr, shown
        assert result.returncode in (1, 2), shown
        assert result.stderr.strip(), shown
        assert all(ch.isprintable() or ch == "\n" for ch in result.stderr), shown
        assert not (tmp_path / name).exists() or not any((tmp_path / name).rglob("*.pdf"))


def test_the_sexagesimal_target_is_kept_as_written(inputs: dict[str, Path]) -> None:
    result = run_process("validate", str(inputs["sexagesimal"]))
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["new", "--area", "\x1b[31mlappi"],
        ["new", "--area", "lappi", "-o", "/proc/version", "--force"],
        ["new", "--area", "lappi", "-o", "{fifo}", "--force"],
        ["new", "--area", "lappi", "-o", "{tmp}"],
        ["build", str(MINIMAL), "-o", "{tmp}/out", "--reference-docx", "/dev/zero"],
        ["build", str(MINIMAL), "-o", "{tmp}/out", "--reference-docx", "{fifo}"],
        ["build", str(MINIMAL), "-o", "{tmp}/out", "--reference-docx", str(MINIMAL)],
        ["build", str(MINIMAL), "-o", "/proc/self", "--jobs", "1"],
        ["diff", str(MINIMAL), "/dev/zero"],
        ["diff", str(MINIMAL), str(MINIMAL), "-o", "/proc/self"],
        ["export-xlsx", str(MINIMAL), "-o", "/proc/self/x.xlsx"],
        ["import-xlsx", str(MINIMAL), "-o", "{fifo}"],
    ],
)
def test_no_command_prints_a_traceback_for_hostile_places(tmp_path: Path, args: list[str]) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    filled = [a.format(tmp=tmp_path, fifo=fifo) for a in args]
    result = run_process(*filled, timeout=120)
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode in (1, 2), (result.returncode, result.stderr)
    assert all(ch.isprintable() or ch == "\n" for ch in result.stderr), result.stderr
