"""`watch`: a saved change rebuilds; a save with an error keeps the last good documents."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from agreement_builder.commands.watch import rebuild, watch
from tests.conftest import FIXTURES


def _wait_for(condition, seconds: float = 90) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def test_a_save_with_an_error_prints_it_and_keeps_the_last_good_documents(tmp_path: Path) -> None:
    workbook = tmp_path / "workbook.yaml"
    workbook.write_text((FIXTURES / "minimal.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    out = tmp_path / "out"
    lines: list[tuple[str, bool]] = []

    def say(line: str, error: bool = False) -> None:
        lines.append((line, error))

    assert rebuild(workbook, out, say, jobs=1)
    good = {p.name: p.read_bytes() for p in (out / "testi" / "0.1").iterdir() if p.is_file()}
    workbook.write_text(
        workbook.read_text(encoding="utf-8").replace("responsible: [alue", "responsible: [alu"),
        encoding="utf-8",
    )
    lines.clear()
    assert not rebuild(workbook, out, say, jobs=1)
    assert any("unknown party 'alu'" in line and error for line, error in lines)
    assert ("not rebuilt: the last good documents are kept", True) in lines
    after = (out / "testi" / "0.1").iterdir()
    assert {p.name: p.read_bytes() for p in after if p.is_file()} == good


def test_watch_rebuilds_after_a_save(tmp_path: Path) -> None:
    workbook = tmp_path / "workbook.yaml"
    workbook.write_text((FIXTURES / "minimal.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    out = tmp_path / "out"
    lines: list[str] = []
    stop = threading.Event()
    thread = threading.Thread(
        target=watch,
        kwargs={
            "workbook": workbook,
            "output": out,
            "jobs": 1,
            "stop": stop,
            "say": lambda line, error=False: lines.append(line),
        },
    )
    thread.start()
    try:
        assert _wait_for(lambda: any(line.startswith("rebuilt") for line in lines))
        time.sleep(1)  # the watcher is running once the first build has been reported
        lines.clear()
        workbook.write_text(
            workbook.read_text(encoding="utf-8").replace("Liikkuminen", "Liikunta"),
            encoding="utf-8",
        )
        assert _wait_for(lambda: any("rebuilt" in line for line in lines)), lines
        assert "changed: workbook.yaml" in lines
    finally:
        stop.set()
        thread.join(timeout=30)
    assert not thread.is_alive()
