"""Versions of an agreement on disk: a workbook file, or a built version folder that keeps the
workbook it was built from (`workbook.yaml`, written by the build)."""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import VersionInputError
from ..workbook.dump import dump_workbook
from ..workbook.model import Workbook
from ..workbook.plain import to_data
from ..workbook.problems import WorkbookError
from ..workbook.validate import load_workbook

SNAPSHOT = "workbook.yaml"
SNAPSHOT_HEADER = (
    "The workbook this version was built from, as agreement-builder read it (normalized).\n"
    "`agreement-builder diff` compares versions by it; edit the original workbook instead."
)
WORKBOOK_SUFFIXES = (".yaml", ".yml", ".xlsx")


def snapshot(workbook: Workbook) -> bytes:
    """What a version folder keeps of its workbook: a valid workbook, normalized (comments, key
    order and spreadsheet layout gone, the content the same)."""
    return dump_workbook(to_data(workbook), SNAPSHOT_HEADER).encode("utf-8")


def load_version(path: Path) -> Workbook:
    """The workbook of `path`: a workbook file, or a version folder's snapshot.

    Raises WorkbookError for a workbook with problems, VersionInputError for anything else.
    """
    if path.is_dir():
        snapshot = path / SNAPSHOT
        if snapshot.is_file():
            return load_workbook(snapshot, display=str(snapshot))
        if (path / "manifest.json").is_file():
            raise VersionInputError(
                f"{path}: this version folder has no {SNAPSHOT}, so it was built by an earlier "
                "agreement-builder: build that version again, or give its workbook instead"
            )
        raise VersionInputError(
            f"{path} is a folder but not a built version folder (it has no {SNAPSHOT}): give a "
            "workbook file or a folder OUTPUT/<agreement id>/<version> made by build"
        )
    if not path.exists():
        raise VersionInputError(f"{path}: no such file or folder")
    try:
        return load_workbook(path, display=str(path))
    except WorkbookError:
        if path.suffix.lower() in WORKBOOK_SUFFIXES:
            raise
        raise VersionInputError(
            f"{path} is neither a workbook ({', '.join(WORKBOOK_SUFFIXES)}) nor a built version "
            "folder"
        ) from None


def version_key(version: str) -> tuple:
    """Versions in their natural order: 0.9 < 0.10 < 1.0; numbers before letters."""
    return tuple(
        (0, int(part), "") if part.isdigit() else (1, 0, part)
        for part in re.findall(r"\d+|[^\d.]+", version)
    )


# The folder of a plan's version (the two-document form, workbook `plan:`), beside the agreement's
# version folders: OUTPUT/<agreement id>/plan-<plan version>/.
PLAN_PREFIX = "plan-"
# Folders beside the versions that are not versions of the agreement.
NOT_AGREEMENT_VERSIONS = (PLAN_PREFIX, "follow-up-")


def previous_version(agreement_dir: Path, version: str, prefix: str = "") -> Path | None:
    """The built version folder in `agreement_dir` with the highest version below `version`:
    an agreement's (`prefix` empty), or a plan's (`prefix` PLAN_PREFIX, folders `plan-<v>`)."""
    if not agreement_dir.is_dir():
        return None
    below = []
    for folder in agreement_dir.iterdir():
        name = folder.name
        if prefix:
            if not name.startswith(prefix):
                continue
            name = name[len(prefix) :]
        elif name.startswith(NOT_AGREEMENT_VERSIONS):
            continue
        if (
            folder.is_dir()
            and (folder / SNAPSHOT).is_file()
            and version_key(name) < version_key(version)
        ):
            below.append((version_key(name), folder))
    return max(below, default=(None, None))[1]


def previous_of(workbook: Workbook, output_root: Path, given: Path | None) -> Workbook | None:
    """The version a draft's change summary compares with: `given` (a workbook or a version
    folder), else the highest version below this one built under `output_root`; None for a
    final version, or when there is none."""
    if workbook.agreement.status != "draft":
        return None
    if given is None:
        given = previous_version(output_root / workbook.agreement.id, workbook.agreement.version)
    return load_version(given) if given is not None else None


def previous_plan_of(workbook: Workbook, output_root: Path) -> Workbook | None:
    """The plan version a draft plan's change summary compares with: the highest plan version
    below this one built under `output_root` (None for a final plan, or when there is none)."""
    plan = workbook.plan
    if plan is None or plan.status != "draft":
        return None
    folder = previous_version(output_root / workbook.agreement.id, plan.version, PLAN_PREFIX)
    return load_version(folder) if folder is not None else None
