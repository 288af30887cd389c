"""An approved version stays immutable without depending on one deletable file, and a build
killed at any moment leaves a folder whose manifest, when there is one, names its files' bytes;
a rerun completes it."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, ROOT
from tests.hostile.helpers import edited, run, write

FINAL = {"  status: draft": "  status: final"}

# The minimal workbook's documents: the agreement, and for its 3 parties a package, an agenda
# item per stage (board, council) in PDF and DOCX, their paste kits (text, HTML) and metadata.
DOCUMENTS = 2 + 3 * (2 + 2 * 2 + 2 * 2 + 1)


def _build(workbook: Path, out: Path, *extra: str) -> tuple[int, str, str]:
    return run("build", str(workbook), "-o", str(out), "--jobs", "1", *extra)


def _files(version: Path) -> dict[str, tuple[bytes, int]]:
    return {
        p.name: (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(version.iterdir())
        if p.suffix in (".pdf", ".docx")
    }


def _consistent(version: Path) -> bool | None:
    """None without a manifest; else whether every file it lists has the bytes it names."""
    try:
        manifest = json.loads((version / "manifest.json").read_bytes())
    except FileNotFoundError:
        return None
    for document in manifest["documents"]:
        try:
            data = (version / document["path"]).read_bytes()
        except FileNotFoundError:
            return False
        if hashlib.sha256(data).hexdigest() != document["sha256"]:
            return False
    return True


@pytest.fixture(scope="module")
def final_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("final")
    workbook = write(folder, edited(FINAL))
    code, _, err = _build(workbook, folder / "out")
    assert code == 0, err
    return workbook, folder / "out" / "testi" / "0.1"


@pytest.mark.parametrize(
    "deleted",
    [
        (".build-state.json",),
        (".build-state.json", "manifest.json"),
        (".build-state.json", "manifest.json", "index.html"),
    ],
)
def test_a_final_version_stays_final_without_its_state_file(
    tmp_path: Path, final_build: tuple[Path, Path], deleted: tuple[str, ...]
) -> None:
    import shutil

    workbook, built = final_build
    out = tmp_path / "out"
    shutil.copytree(built.parent.parent, out, symlinks=True)
    version = out / "testi" / "0.1"
    for name in deleted:
        (version / name).unlink()
    before = _files(version)
    changed = write(tmp_path, edited({**FINAL, "Liikkuminen lisääntyy": "Liikunta kasvaa"}))
    code, _, err = _build(changed, out)
    assert code == 1 and err.startswith("refused: version 0.1 is final and already built")
    assert _files(version) == before
    code, _, err = _build(changed, out, "--force")
    assert code == 1 and "is final" in err
    assert _files(version) == before
    # The same workbook again: nothing is replaced, the listings are whole again.
    code, _, err = _build(workbook, out, "--force")
    assert code == 0, err
    assert _files(version) == before
    assert _consistent(version) is True


def test_a_draft_of_an_approved_version_is_refused(
    tmp_path: Path, final_build: tuple[Path, Path]
) -> None:
    import shutil

    _, built = final_build
    out = tmp_path / "out"
    shutil.copytree(built.parent.parent, out, symlinks=True)
    version = out / "testi" / "0.1"
    (version / ".build-state.json").unlink()
    before = _files(version)
    code, _, err = _build(FIXTURES / "minimal.yaml", out)
    assert code == 1 and "is final" in err
    assert _files(version) == before


def _start(workbook: Path, out: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "agreement_builder", "build", str(workbook), "-o", str(out),
         "--jobs", "1", *extra],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _kill_while_watching(
    process: subprocess.Popen,
    version: Path,
    sig: int,
    after: float,
    writing: Callable[[], bool],
) -> None:
    """Send `sig` once `after` seconds passed since `writing()` first held (the build began
    to change the folder); until then, and after, a manifest that is there names exactly its
    files' bytes."""
    first_write = None
    deadline = time.monotonic() + 240
    while process.poll() is None and time.monotonic() < deadline:
        if writing():
            first_write = first_write or time.monotonic()
        seen = _consistent(version) if version.is_dir() else None
        again = _consistent(version) if version.is_dir() else None
        assert seen is not False or again is None  # withdrawn between two looks, never wrong
        if first_write is not None and time.monotonic() - first_write >= after:
            process.send_signal(sig)
            break
        time.sleep(0.05)
    process.wait(timeout=120)


# Killed as soon as the build starts replacing files: a build of this small workbook now writes
# its documents within a second, so any later moment may find it finished.
@pytest.mark.parametrize(("sig", "after"), [(signal.SIGKILL, 0.0), (signal.SIGTERM, 0.0)])
def test_a_killed_force_rebuild_never_shows_a_wrong_manifest_and_a_rerun_completes(
    tmp_path: Path, sig: int, after: float
) -> None:
    out = tmp_path / "out"
    workbook = write(tmp_path, edited({}))
    code, _, err = _build(workbook, out)
    assert code == 0, err
    version = out / "testi" / "0.1"
    # The next build changes every document: a new date on every page.
    changed = write(tmp_path, edited({"  date: 2026-11-20": "  date: 2026-11-21"}))
    process = _start(changed, out, "--force")
    # The manifest is withdrawn just before the first document is replaced.
    _kill_while_watching(
        process, version, sig, after, lambda: not (version / "manifest.json").exists()
    )
    assert process.returncode != 0, "the build ended before it was killed"
    assert _consistent(version) is not False
    if sig == signal.SIGTERM:  # stopped cleanly: no traceback, no temporary file left
        assert process.returncode == 128 + signal.SIGTERM
        assert process.stderr is not None and b"Traceback" not in process.stderr.read()
        assert not [p for p in version.iterdir() if p.name.endswith(".tmp")]
    code, _, err = _build(changed, out)
    assert code == 0, err
    assert _consistent(version) is True
    assert not [p for p in version.iterdir() if p.name.endswith(".tmp")]
    manifest = json.loads((version / "manifest.json").read_bytes())
    assert len(manifest["documents"]) == DOCUMENTS


def test_a_final_build_killed_midway_is_completed_by_the_same_workbook(tmp_path: Path) -> None:
    out = tmp_path / "out"
    workbook = write(tmp_path, edited(FINAL))
    version = out / "testi" / "0.1"
    process = _start(workbook, out)

    def writing() -> bool:
        return version.is_dir() and any(p.suffix == ".pdf" for p in version.iterdir())

    _kill_while_watching(process, version, signal.SIGKILL, 0.5, writing)
    assert process.returncode != 0, "the build ended before it was killed"
    written = _files(version)
    assert written, "the build was killed before it wrote a document"
    changed = write(tmp_path, edited({**FINAL, "Liikkuminen": "Liikunta"}), "changed.yaml")
    code, _, err = _build(changed, out)
    assert code == 1 and "is final" in err
    code, _, err = _build(workbook, out)
    assert code == 0, err
    after = _files(version)
    assert {name: after[name] for name in written} == written  # nothing written was replaced
    assert _consistent(version) is True
    assert len(json.loads((version / "manifest.json").read_bytes())["documents"]) == DOCUMENTS
