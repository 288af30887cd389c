"""Reading inputs and writing outputs safely: the one place that opens files for the program.

Inputs (workbooks, spreadsheets, the reference DOCX) are read only if they are regular files, and
never more than a stated number of bytes: a FIFO, a device such as /dev/zero or a folder is
refused at once instead of hanging or filling memory.

Outputs are written through a `Folder`, an open directory: a file's name must be one path
segment (it cannot leave the folder), the data goes to a new temporary file (created with
O_EXCL, so nothing planted under that name is followed) that is flushed and renamed over the
name (a rename replaces a link planted there instead of writing through it). Folders below a
base the user chose are opened without following links, so a link planted in the output cannot
send a write elsewhere. A failed write (a full disk, a read-only folder) removes its temporary
file and raises OutputError naming the path.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import secrets
import stat
from pathlib import Path
from types import TracebackType

from .errors import InputError, OutputError

__all__ = [
    "Folder",
    "is_safe_segment",
    "read_input",
    "sha256",
    "write_atomic",
]

TEMPORARY_SUFFIX = ".tmp"


def is_safe_segment(name: str) -> bool:
    """Whether `name` is one path segment that stays inside its folder: not empty, `.` or `..`,
    no separator or NUL, at most 255 bytes."""
    return (
        bool(name)
        and name.strip(".") != ""
        and "/" not in name
        and "\x00" not in name
        and len(name.encode("utf-8", "surrogateescape")) <= 255
    )


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# -- reading -----------------------------------------------------------------------------------


def read_input(path: Path, limit: int, what: str = "file") -> bytes:
    """The bytes of the regular file `path`, at most `limit` of them.

    Raises InputError (with a message saying what is wrong and what would do) for a file that
    cannot be read, is not a regular file (a folder, a FIFO, a device) or is larger than `limit`.
    """
    flags = os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise InputError(path, f"cannot read the file: {_strerror(exc)}") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise InputError(path, f"is a folder, not a {what}")
        if not stat.S_ISREG(info.st_mode):
            raise InputError(
                path, f"is not a regular file (a pipe, device or socket): give a {what} on disk"
            )
        if info.st_size > limit:
            raise InputError(path, _too_large(info.st_size, limit, what))
        chunks: list[bytes] = []
        size = 0
        while True:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:  # it grew while being read
                raise InputError(path, _too_large(size, limit, what))
        return b"".join(chunks)
    except OSError as exc:
        raise InputError(path, f"cannot read the file: {_strerror(exc)}") from None
    finally:
        os.close(fd)


def _too_large(size: int, limit: int, what: str) -> str:
    return (
        f"the file is {size / 1_048_576:.1f} MB; a {what} is at most "
        f"{limit / 1_048_576:g} MB: is this the right file?"
    )


def _strerror(exc: OSError) -> str:
    return exc.strerror or str(exc)


# -- writing -----------------------------------------------------------------------------------


class Folder:
    """An open output folder: every file written through it lands inside it.

    `Folder.open(base, "a", "b")` opens (creating them) base/a/b: `base` as given (the user
    chose it, links and all), each segment below it without following a link.
    """

    def __init__(self, fd: int, path: Path) -> None:
        self.fd = fd
        self.path = path

    @classmethod
    def open(cls, base: Path, *segments: str, create: bool = True) -> Folder:
        try:
            if create and not base.is_dir():
                base.mkdir(parents=True, exist_ok=True)
            fd = os.open(base, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        except OSError as exc:
            raise OutputError(f"cannot use the folder {base}: {_strerror(exc)}") from None
        folder = cls(fd, base)
        try:
            for segment in segments:
                child = folder.subfolder(segment, create=create)
                folder.close()
                folder = child
        except BaseException:
            folder.close()
            raise
        return folder

    def subfolder(self, name: str, *, create: bool = True) -> Folder:
        """The folder `name` inside this one, made if missing; a link there is refused."""
        path = self._child(name)
        if create:
            try:
                os.mkdir(name, 0o777, dir_fd=self.fd)
            except FileExistsError:
                pass
            except OSError as exc:  # a read-only file system may say so of a folder that exists
                if not self.exists(name):
                    raise OutputError(
                        f"cannot create the folder {path}: {_strerror(exc)}"
                    ) from None
        flags = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
        try:
            fd = os.open(name, flags, dir_fd=self.fd)
        except OSError as exc:
            if exc.errno in (errno.ELOOP, errno.ENOTDIR) and self.is_link(name):
                raise OutputError(
                    f"{path} is a symbolic link: an output folder is never followed elsewhere; "
                    "remove the link"
                ) from None
            raise OutputError(f"cannot use the folder {path}: {_strerror(exc)}") from None
        return Folder(fd, path)

    def is_link(self, name: str) -> bool:
        try:
            return stat.S_ISLNK(os.lstat(name, dir_fd=self.fd).st_mode)
        except OSError:
            return False

    def exists(self, name: str) -> bool:
        try:
            os.lstat(self._child(name).name, dir_fd=self.fd)
        except OSError:
            return False
        return True

    def size(self, name: str) -> int | None:
        """The size of the regular file `name`, None if there is none (a link is none)."""
        try:
            info = os.lstat(self._child(name).name, dir_fd=self.fd)
        except OSError:
            return None
        return info.st_size if stat.S_ISREG(info.st_mode) else None

    def read(self, name: str, limit: int = 1 << 30) -> bytes | None:
        """The bytes of the regular file `name` (not through a link), None if it cannot be read."""
        path = self._child(name)
        flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
        try:
            fd = os.open(path.name, flags, dir_fd=self.fd)
        except OSError:
            return None
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                return None
            chunks, size = [], 0
            while chunk := os.read(fd, 1 << 20):
                chunks.append(chunk)
                size += len(chunk)
                if size > limit:
                    return None
            return b"".join(chunks)
        except OSError:
            return None
        finally:
            os.close(fd)

    def write(self, name: str, data: bytes) -> Path:
        """Write `data` as the file `name` in this folder, atomically; return its path.

        The data goes to a new temporary file beside it, flushed to disk, then renamed over
        `name`: a reader sees the old file or the new one, never a part; a link planted at
        `name` is replaced, not followed.
        """
        path = self._child(name)
        try:
            mode = os.lstat(name, dir_fd=self.fd).st_mode
        except FileNotFoundError:
            mode = stat.S_IFREG
        except OSError as exc:
            raise OutputError(f"cannot write {path}: {_strerror(exc)}") from None
        if not (stat.S_ISREG(mode) or stat.S_ISLNK(mode)):
            # A device, pipe or folder there is someone's: never replaced by a file.
            raise OutputError(f"cannot write {path}: it is not a regular file")
        temporary = f".{name[:100]}.{secrets.token_hex(6)}{TEMPORARY_SUFFIX}"
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
        try:
            fd = os.open(temporary, flags, 0o666, dir_fd=self.fd)  # the umask applies
        except OSError as exc:
            raise OutputError(f"cannot write {path}: {_strerror(exc)}") from None
        try:
            try:
                view = memoryview(data)
                while view:
                    written = os.write(fd, view)
                    view = view[written:]
                os.fsync(fd)
            finally:
                os.close(fd)
            os.replace(temporary, name, src_dir_fd=self.fd, dst_dir_fd=self.fd)
        except BaseException as exc:
            with contextlib.suppress(OSError):
                os.unlink(temporary, dir_fd=self.fd)
            if isinstance(exc, OSError):
                raise OutputError(f"cannot write {path}: {_strerror(exc)}") from None
            raise
        with contextlib.suppress(OSError):
            os.fsync(self.fd)  # the rename itself reaches the disk
        return path

    def write_if_changed(self, name: str, data: bytes) -> bool:
        """Write `name` unless it already holds exactly `data`; whether it was written."""
        if self.size(name) == len(data) and self.read(name) == data:
            return False
        self.write(name, data)
        return True

    def remove(self, name: str) -> None:
        """Delete the file (or link) `name` if it is there."""
        path = self._child(name)
        try:
            os.unlink(path.name, dir_fd=self.fd)
        except FileNotFoundError:
            pass
        except OSError as exc:
            raise OutputError(f"cannot remove {path}: {_strerror(exc)}") from None

    def names(self) -> list[str]:
        return sorted(os.listdir(self.fd))

    def remove_temporaries(self) -> None:
        """Temporary files a killed writer left (see `write`)."""
        for name in self.names():
            if name.startswith(".") and name.endswith(TEMPORARY_SUFFIX):
                try:
                    os.unlink(name, dir_fd=self.fd)
                except FileNotFoundError:
                    pass
                except OSError as exc:
                    raise OutputError(
                        f"cannot remove {self.path / name}: {_strerror(exc)}"
                    ) from None

    def _child(self, name: str) -> Path:
        if not is_safe_segment(name):
            raise OutputError(
                f"refusing to write {name!r} in {self.path}: a file name must be one plain "
                "path segment"
            )
        return self.path / name

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1

    def __enter__(self) -> Folder:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def write_atomic(path: Path, data: bytes) -> Path:
    """Write `data` to `path` atomically (see Folder.write); the folder is made if missing.

    Raises OutputError naming the path when it cannot be written.
    """
    with Folder.open(path.parent) as folder:
        return folder.write(path.name, data)


# -- archives (XLSX, DOCX) ---------------------------------------------------------------------


def check_archive(
    path: str | os.PathLike[str],
    raw: bytes,
    what: str,
    *,
    max_unpacked: int,
    max_entries: int = 2_000,
) -> list[str]:
    """The names of the parts of the zip archive `raw` (an Office file), checked before anyone
    parses them: at most `max_entries` parts that unpack to at most `max_unpacked` bytes in all
    (counted while unpacking, not taken from the archive's own claims), and no XML part that
    declares a DOCTYPE (entities: XXE, billion laughs; Office never writes one).

    Raises InputError saying what is wrong.
    """
    import io
    import zipfile
    import zlib

    not_archive = f"is not {what}"
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
    except (zipfile.BadZipFile, ValueError, EOFError, OSError):
        raise InputError(path, not_archive) from None
    with archive:
        entries = archive.infolist()
        if len(entries) > max_entries:
            raise InputError(
                path, f"{not_archive} of a sensible kind: it has {len(entries):,} parts"
            )
        total = 0
        for entry in entries:
            if entry.file_size > max_unpacked:
                total = entry.file_size
                break
            xml = entry.filename.lower().endswith((".xml", ".rels", ".vml"))
            tail = b""
            try:
                with archive.open(entry) as stream:
                    while chunk := stream.read(1 << 20):
                        total += len(chunk)
                        if total > max_unpacked:
                            break
                        if xml and (b"<!DOCTYPE" in tail + chunk or b"<!ENTITY" in tail + chunk):
                            raise InputError(
                                path,
                                f"its part {entry.filename} declares a DOCTYPE or XML entities, "
                                f"which Office programs never write: refused ({what} may hold "
                                "plain XML only)",
                            )
                        tail = chunk[-16:]
            except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, NotImplementedError):
                broken = f"{not_archive}: its part {entry.filename} is broken"
                raise InputError(path, broken) from None
            except RuntimeError:  # an encrypted part
                raise InputError(path, f"{not_archive}: it is encrypted") from None
            if total > max_unpacked:
                break
        if total > max_unpacked:
            raise InputError(
                path,
                f"it unpacks to more than {max_unpacked / 1_048_576:g} MB (a zip bomb?); "
                f"{what} of this kind needs far less",
            )
        return [entry.filename for entry in entries]
