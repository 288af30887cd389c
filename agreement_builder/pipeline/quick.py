"""A rebuild with nothing to do, answered before the workbook is loaded.

Loading a workbook builds its typed model (pydantic: about a third of a second to import alone),
and a rebuild that finds nothing changed would spend most of its time there. After every complete
build of a draft, the build records here, beside its state, what it was made from: the
workbook's bytes, the program, the templates, the reference DOCX, and every version it could
have compared with. A rebuild first reads only the workbook's agreement id and version (YAML, by
libyaml), and if every one of those is as recorded and every file is in place, the version is up
to date: the answer the full check would give, without the model. Anything else (a spreadsheet
workbook, a final version, `--force`, `--only`, a file touched) takes the full path.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from pathlib import Path

from .. import __version__
from ..errors import AgreementBuilderError, InputError
from ..fileio import read_input
from ..theme import Templates
from .files import Folder
from .report import BuildReport
from .state import MANIFEST, MAX_LISTING, BuildState, recorded_manifest

QUICK = ".build-quick.json"
SNAPSHOT = "workbook.yaml"  # as pipeline/versions.py names it (that module loads the model)
PLAN_PREFIX = "plan-"  # a plan version's folder, as pipeline/versions.py names it
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def inputs_key(templates: Templates, reference_docx: Path | None, formats: tuple[str, ...]) -> str:
    """The program, the formats, the templates and the reference DOCX, as one digest."""
    digest = hashlib.sha256(f"{__version__}\0{','.join(formats)}\0".encode())
    digest.update(templates.fingerprint().encode())
    if reference_docx is not None:
        digest.update(hashlib.sha256(_read(reference_docx)).digest())
    return digest.hexdigest()


def _compared(version_dir: Path, previous: Path | None) -> dict[str, str]:
    """What a draft may be compared with: `--previous` (a workbook, or a version folder's
    workbook.yaml), else every other built version of the agreement; by sha256."""
    if previous is not None:
        source = previous / SNAPSHOT if previous.is_dir() else previous
        return {str(previous): _sha256_of(source)}
    found = {}
    siblings = version_dir.parent.iterdir() if version_dir.parent.is_dir() else ()
    for sibling in sorted(siblings):
        if sibling != version_dir and (sibling / SNAPSHOT).is_file():
            found[sibling.name] = _sha256_of(sibling / SNAPSHOT)
    return found


def _sha256_of(path: Path) -> str:
    try:
        return hashlib.sha256(_read(path)).hexdigest()
    except InputError:
        return ""


def _read(path: Path) -> bytes:
    """A regular file's bytes (never a FIFO's or a device's: those would block or never end)."""
    return read_input(path, MAX_LISTING)


def record(
    workbook_path: Path,
    report: BuildReport,
    *,
    templates: Templates,
    reference_docx: Path | None,
    formats: tuple[str, ...],
    previous: Path | None,
) -> None:
    """After a complete build of a draft: what it was made from, for `up_to_date`."""
    version_dir = report.version_dir
    root, where = version_dir.parent.parent, (version_dir.parent.name, version_dir.name)
    with Folder.open(root, *where, create=False) as folder:
        state = BuildState.read(folder)
        if state.status != "draft" or state.inputs is None:
            folder.remove(QUICK)
            return
        data = {
            "workbook": hashlib.sha256(_read(workbook_path)).hexdigest(),
            "key": inputs_key(templates, reference_docx, formats),
            "compared": _compared(version_dir, previous),
            "inputs": state.inputs,
            "snapshot": hashlib.sha256(folder.read(SNAPSHOT, MAX_LISTING) or b"").hexdigest(),
        }
        folder.write_if_changed(QUICK, json.dumps(data, indent=1).encode())


def up_to_date(
    workbook_path: Path,
    output_root: Path,
    *,
    templates: Templates,
    reference_docx: Path | None,
    formats: tuple[str, ...],
    previous: Path | None,
) -> BuildReport | None:
    """The report of a build with nothing to do, if this is one for certain; else None. In the
    two-document form (`plan:`), both the agreement's and the plan's folder must be up to date
    (the plan's report is the agreement report's `plan`)."""
    started = time.perf_counter()
    try:
        data = _read(workbook_path)
    except InputError:
        return None  # the full path says what is wrong
    where = _version_of(workbook_path, data)
    if where is None:
        return None
    agreement_id, version, plan_version = where
    report = _folder_up_to_date(
        data, output_root, (agreement_id, version), previous, templates, reference_docx, formats
    )
    if report is None or plan_version is None:
        return _timed(report, started)
    plan_where = (agreement_id, PLAN_PREFIX + plan_version)
    report.plan = _folder_up_to_date(
        data, output_root, plan_where, None, templates, reference_docx, formats
    )
    return _timed(report if report.plan is not None else None, started)


def _timed(report: BuildReport | None, started: float) -> BuildReport | None:
    if report is not None:
        report.seconds = time.perf_counter() - started
    return report


def _folder_up_to_date(
    data: bytes,
    output_root: Path,
    where: tuple[str, str],
    previous: Path | None,
    templates: Templates,
    reference_docx: Path | None,
    formats: tuple[str, ...],
) -> BuildReport | None:
    """The report of one version folder recorded as built from these very inputs (`data`, the
    workbook's bytes), if it still is; else None."""
    version_dir = output_root / where[0] / where[1]
    try:
        with Folder.open(output_root, *where, create=False) as folder:
            recorded = json.loads(folder.read(QUICK, MAX_LISTING) or b"null")
            state = BuildState.read(folder)
            if not (
                isinstance(recorded, dict)
                and state.status == "draft"
                and state.inputs is not None
                and recorded.get("inputs") == state.inputs
                and recorded.get("workbook") == hashlib.sha256(data).hexdigest()
                and recorded.get("key") == inputs_key(templates, reference_docx, formats)
                and recorded.get("compared") == _compared(version_dir, previous)
                and recorded.get("snapshot")
                == hashlib.sha256(folder.read(SNAPSHOT, MAX_LISTING) or b"").hexdigest()
                and recorded_manifest(folder).get("status") == "draft"
                and folder.size(MANIFEST) is not None
                and state.complete(folder)
            ):
                return None
    except (OSError, ValueError, AgreementBuilderError):
        return None
    return BuildReport(version_dir, documents=list(state.documents.values()), unchanged=True)


def _version_of(workbook_path: Path, data: bytes) -> tuple[str, str, str | None] | None:
    """A YAML workbook's agreement id and version, and in the two-document form its plan's
    version, if the agreement (and the plan) are drafts and these are plain names."""
    if workbook_path.suffix.lower() not in (".yaml", ".yml"):
        return None
    from ..yamlload import safe_load

    try:
        workbook = safe_load(data)
        agreement = workbook["agreement"]
        what = (agreement["id"], agreement["version"], agreement["status"])
        plan = workbook.get("plan")
        plan_what = None if plan is None else (plan["version"], plan["status"])
    except Exception:  # anything odd (deep nesting, aliases, not a mapping): the full path
        return None
    if what[2] != "draft" or not all(isinstance(x, str) and _NAME.fullmatch(x) for x in what[:2]):
        return None
    if plan_what is None:
        return what[0], what[1], None
    if plan_what[1] != "draft" or not (
        isinstance(plan_what[0], str) and _NAME.fullmatch(plan_what[0])
    ):
        return None
    return what[0], what[1], plan_what[0]
