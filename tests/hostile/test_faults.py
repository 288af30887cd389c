"""A full disk or a read-only folder: one line naming the path, exit 1 (diff: 2, its exit for
trouble), earlier files intact, no temporary file left, no traceback."""

from __future__ import annotations

import errno
import io
import subprocess
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader

from agreement_builder.errors import OutputError
from agreement_builder.fileio import write_atomic
from tests.conftest import FIXTURES
from tests.hostile.helpers import edited, run, snapshot, write

MINIMAL = FIXTURES / "minimal.yaml"


@pytest.fixture
def mount(tmp_path: Path) -> Iterator[Callable[[str], Path]]:
    """Mounts a small tmpfs (a real full disk, a real read-only file system); skipped where
    mounting is not allowed (not root)."""
    made: list[Path] = []

    def make(size: str) -> Path:
        point = tmp_path / f"mnt{len(made)}"
        point.mkdir()
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(point)],
            capture_output=True,
            check=False,
        )
        if done.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
        made.append(point)
        return point

    yield make
    for point in made:
        subprocess.run(["umount", "-l", str(point)], check=False)


def read_only(point: Path) -> None:
    subprocess.run(["mount", "-o", "remount,ro", str(point)], check=True)


def fill(point: Path) -> None:
    """Leave no free space on the file system of `point`."""
    import os

    fd = os.open(point / "filler", os.O_WRONLY | os.O_CREAT)
    try:
        while True:
            os.write(fd, b"\0" * 4096)
    except OSError as exc:
        assert exc.errno == errno.ENOSPC
    finally:
        os.close(fd)


def no_temporaries(folder: Path) -> bool:
    return not [p for p in folder.rglob("*") if p.name.endswith(".tmp")]


def complete(path: Path) -> bool:
    """A document that opens: a PDF with pages, a DOCX whose zip is whole."""
    if path.suffix == ".pdf":
        return len(PdfReader(path).pages) > 0
    with zipfile.ZipFile(path) as archive:
        return archive.testzip() is None


def one_line(err: str) -> str:
    """The one error line of a command's stderr (a build's progress may precede it)."""
    assert "Traceback" not in err, err
    errors = [line for line in err.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1 and err.endswith(errors[0] + "\n"), err
    return errors[0]


# -- a full disk -----------------------------------------------------------------------------


def test_build_on_a_full_disk(mount: Callable[[str], Path]) -> None:
    out = mount("300k")
    code, _, err = run("build", str(MINIMAL), "-o", str(out), "--jobs", "1")
    assert code == 1
    line = one_line(err)
    assert line.startswith(f"error: cannot write {out}/testi/0.1/")
    assert line.endswith(": No space left on device")
    assert no_temporaries(out)
    version = out / "testi" / "0.1"
    written = [p for p in version.iterdir() if p.suffix in (".pdf", ".docx")]
    assert all(complete(p) for p in written)
    assert not (version / "manifest.json").exists()  # no manifest naming what is not there


@pytest.mark.parametrize("command", ["new", "export-xlsx", "import-xlsx"])
def test_workbook_commands_on_a_full_disk_keep_the_old_file(
    mount: Callable[[str], Path], command: str
) -> None:
    out = mount("2m")
    target = out / ("lappi.xlsx" if command == "export-xlsx" else "lappi.yaml")
    target.write_bytes(b"the earlier file\n")
    fill(out)
    source = Path(__file__).resolve().parents[2] / "workbooks" / "lappi.yaml"
    args = {
        "new": ["new", "--area", "lappi", "-o", str(target), "--force"],
        "export-xlsx": ["export-xlsx", str(source), "-o", str(target)],
        "import-xlsx": ["import-xlsx", str(source), "-o", str(target)],
    }[command]
    code, _, err = run(*args)
    assert code == 1
    assert one_line(err) == f"error: cannot write {target}: No space left on device"
    assert target.read_bytes() == b"the earlier file\n"
    assert no_temporaries(out)


def test_diff_output_on_a_full_disk(tmp_path: Path, mount: Callable[[str], Path]) -> None:
    out = mount("1m")
    fill(out)
    new = write(tmp_path, edited({"Liikkuminen lisääntyy": "Liikunta kasvaa"}), "new.yaml")
    code, _, err = run("diff", str(MINIMAL), str(new), "-o", str(out))
    assert code == 2
    line = one_line(err)
    assert line.startswith(f"error: cannot write {out}/testi_muutokset_v0.1_LUONNOS_fi.")
    assert line.endswith("No space left on device")
    assert no_temporaries(out)


# -- a read-only folder ------------------------------------------------------------------------


def test_force_build_on_a_read_only_folder_changes_nothing(mount: Callable[[str], Path]) -> None:
    out = mount("8m")
    code, _, err = run("build", str(MINIMAL), "-o", str(out), "--jobs", "1")
    assert code == 0, err
    before = snapshot(out)
    read_only(out)
    code, _, err = run("build", str(MINIMAL), "-o", str(out), "--jobs", "1", "--force")
    assert code == 1
    line = one_line(err)
    assert line.startswith("error: cannot ") and f"{out}/testi" in line
    assert line.endswith(": Read-only file system")
    assert snapshot(out) == before


@pytest.mark.parametrize(
    "command", ["new", "export-xlsx", "import-xlsx", "diff", "build", "templates"]
)
def test_every_writing_command_on_a_read_only_folder(
    tmp_path: Path, mount: Callable[[str], Path], command: str
) -> None:
    out = mount("1m")
    read_only(out)
    new = write(tmp_path, edited({"Liikkuminen lisääntyy": "Liikunta kasvaa"}), "new.yaml")
    args = {
        "new": ["new", "--area", "lappi", "-o", str(out / "lappi.yaml")],
        "export-xlsx": ["export-xlsx", str(MINIMAL), "-o", str(out / "x.xlsx")],
        "import-xlsx": ["import-xlsx", str(MINIMAL), "-o", str(out / "x.yaml")],
        "diff": ["diff", str(MINIMAL), str(new), "-o", str(out)],
        "build": ["build", str(MINIMAL), "-o", str(out), "--jobs", "1"],
        "templates": ["templates", "export", str(out)],
    }[command]
    code, _, err = run(*args)
    assert code == (2 if command == "diff" else 1)
    line = one_line(err)
    assert str(out) in line and line.endswith("Read-only file system")
    assert list(out.iterdir()) == []


# -- the same, where mounting is not allowed -----------------------------------------------------


@pytest.mark.parametrize("error", [errno.ENOSPC, errno.EROFS, errno.EIO])
def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: int
) -> None:

    target = tmp_path / "manifest.json"
    target.write_bytes(b"old")

    def failing(fd: int, data: bytes) -> int:
        raise OSError(error, __import__("os").strerror(error))

    monkeypatch.setattr("agreement_builder.fileio.os.write", failing)
    with pytest.raises(OutputError) as raised:
        write_atomic(target, b"new" * 1000)
    assert str(raised.value) == f"cannot write {target}: {__import__('os').strerror(error)}"
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["manifest.json"]


def test_a_failed_rename_leaves_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:

    def failing(*args: object, **kwargs: object) -> None:
        raise OSError(errno.EXDEV, "Invalid cross-device link")

    monkeypatch.setattr("agreement_builder.fileio.os.replace", failing)
    with pytest.raises(OutputError, match="Invalid cross-device link"):
        write_atomic(tmp_path / "a.pdf", io.BytesIO(b"x").getvalue())
    assert list(tmp_path.iterdir()) == []
