"""Nothing written outside the output folder: names that would be paths are refused when the
workbook is read, links planted in the output are never followed."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import FIXTURES
from tests.hostile.helpers import edited, run, snapshot, write

MINIMAL = FIXTURES / "minimal.yaml"
VERSION_DIR = ("testi", "0.1")
AGENDA = "ranua_esityslista-asia_valtuusto_v0.1_LUONNOS_fi.pdf"


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder beside the output with a file someone cares about."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "precious.txt").write_text("do not touch\n")
    return folder


def _build(*args: str) -> tuple[int, str, str]:
    return run("build", *args, "--jobs", "1")


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ('  version: "0.1"', '  version: "../../../outside/x"'),
        ('  version: "0.1"', '  version: "/tmp/absolute"'),
        ("  id: testi", "  id: ../../outside"),
        ("  - id: ranua", "  - id: ../outside/ranua"),
    ],
)
def test_a_name_that_would_be_a_path_writes_nothing_anywhere(
    tmp_path: Path, outside: Path, old: str, new: str
) -> None:
    path = write(tmp_path, edited({old: new}))
    before = snapshot(tmp_path)
    code, _, err = _build(str(path), "-o", str(tmp_path / "out"))
    assert code == 1 and "is not valid" in err
    assert snapshot(tmp_path) == before
    assert not Path("/tmp/absolute").exists()


@pytest.mark.parametrize("link", ["version", "agreement"])
def test_a_linked_output_folder_is_refused(tmp_path: Path, outside: Path, link: str) -> None:
    out = tmp_path / "out"
    if link == "version":
        (out / "testi").mkdir(parents=True)
        (out / "testi" / "0.1").symlink_to(outside)
    else:
        out.mkdir()
        (out / "testi").symlink_to(outside)
    before = snapshot(outside)
    code, _, err = _build(str(MINIMAL), "-o", str(out))
    assert code == 1
    shown = out / "testi" / ("0.1" if link == "version" else "")
    assert err == (
        f"error: {str(shown).rstrip('/')} is a symbolic link: an output folder is never followed "
        "elsewhere; remove the link\n"
    )
    assert snapshot(outside) == before


def test_a_linked_lock_file_is_refused(tmp_path: Path, outside: Path) -> None:
    out = tmp_path / "out"
    (out / "testi").mkdir(parents=True)
    (out / "testi" / ".build.lock").symlink_to(outside / "precious.txt")
    code, _, err = _build(str(MINIMAL), "-o", str(out))
    assert code == 1 and "is a symbolic link" in err
    assert (outside / "precious.txt").read_text() == "do not touch\n"
    assert not (out / "testi" / "0.1").exists()


def test_links_planted_at_file_names_are_replaced_not_followed(
    tmp_path: Path, outside: Path
) -> None:
    out = tmp_path / "out"
    version = out.joinpath(*VERSION_DIR)
    version.mkdir(parents=True)
    names = [AGENDA, "manifest.json", "index.html", "workbook.yaml", ".build-state.json"]
    for name in names:
        (version / name).symlink_to(outside / "precious.txt")
    (version / "testi_v0.1_LUONNOS_fi.docx").symlink_to(outside / "new-file.docx")
    code, _, err = _build(str(MINIMAL), "-o", str(out))
    assert code == 0, err
    assert snapshot(outside) == {"precious.txt": b"do not touch\n"}
    for name in [*names, "testi_v0.1_LUONNOS_fi.docx"]:
        assert not (version / name).is_symlink() and (version / name).stat().st_size > 0


def test_diff_output_never_writes_through_a_link(tmp_path: Path, outside: Path) -> None:
    new = write(tmp_path, edited({'  version: "0.1"': '  version: "0.2"'}), "new.yaml")
    out = tmp_path / "diff"
    out.mkdir()
    target = out / "testi_muutokset_v0.2_LUONNOS_fi.html"
    target.symlink_to(outside / "precious.txt")
    code, _, err = run("diff", str(MINIMAL), str(new), "-o", str(out))
    assert code == 0, err
    assert not target.is_symlink() and target.read_bytes().startswith(b"<!DOCTYPE html>")
    assert snapshot(outside) == {"precious.txt": b"do not touch\n"}


@pytest.mark.parametrize("command", ["new", "export-xlsx", "import-xlsx"])
def test_a_link_at_the_target_is_replaced_not_followed(
    tmp_path: Path, outside: Path, command: str
) -> None:
    target = tmp_path / ("out.xlsx" if command == "export-xlsx" else "out.yaml")
    target.symlink_to(outside / "precious.txt")
    args = {
        "new": ["new", "--area", "lappi", "-o", str(target), "--force"],
        "export-xlsx": ["export-xlsx", str(MINIMAL), "-o", str(target)],
        "import-xlsx": ["import-xlsx", str(MINIMAL), "-o", str(target)],
    }[command]
    code, _, err = run(*args)
    assert code == 0, err
    assert not target.is_symlink()
    assert snapshot(outside) == {"precious.txt": b"do not touch\n"}


def test_temporary_files_never_leave_the_folder(tmp_path: Path) -> None:
    from agreement_builder.errors import OutputError
    from agreement_builder.fileio import Folder

    with Folder.open(tmp_path) as folder:
        for name in ("../escape", "a/b", "..", ".", ""):
            with pytest.raises(OutputError, match="one plain path segment"):
                folder.write(name, b"x")
    assert sorted(os.listdir(tmp_path)) == []


def test_templates_export_never_follows_a_planted_link(tmp_path: Path, outside: Path) -> None:
    folder = tmp_path / "pohjat"
    folder.mkdir()
    (folder / "messages").symlink_to(outside)
    code, _, err = run("templates", "export", str(folder))
    assert code == 1
    assert err == (
        f"error: {folder / 'messages'} is a symbolic link: an output folder is never followed "
        "elsewhere; remove the link\n"
    )
    assert snapshot(outside) == {"precious.txt": b"do not touch\n"}
