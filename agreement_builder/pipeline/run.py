"""The build, in the order it happens: gather the inputs, plan the documents, render them (the
scheduler in schedule.py decides what waits for what), write the files, then the listings.

A document is rebuilt only when its own HTML (which holds everything of the workbook it shows),
the templates' files, the reference DOCX or the program's version changed; unchanged files keep
their bytes and modification time. Rendering runs in worker processes; this process alone writes,
each file under a temporary name renamed into place, and records each finished document in the
build state at once, so an interrupted build leaves complete files and a rerun finishes it.

Every file is written through the version's open folder (fileio.Folder): the agreement and version
folders are opened without following links, so a link planted in the output sends nothing
elsewhere. manifest.json is removed before the first document is replaced or removed, and
written again once the build is done: whenever a manifest is there, its files have the bytes it
names. A final version is recognised from what its folder holds (the build state, the manifest or
the workbook it was built from, `workbook.yaml`): its documents are never replaced, a rerun of the
same workbook only adds what an interrupted build did not write, and any other is refused.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import __version__
from ..errors import AgreementBuilderError, BuildRefused, OutputError, VersionInputError
from ..theme import SHIPPED, Templates
from ..workbook.parts import agreement_part
from ..workbook.validate import load_workbook

# The modules that plan and render (Jinja, Babel, the document context) are imported only once a
# build knows it has something to render, so that a build with nothing to do answers at once.
from . import quick
from .files import Folder, sha256
from .parts import keep as keep_parts
from .parts import kept as kept_parts
from .parts import prune as prune_parts
from .render import FORMATS, PASTE_KIT, RenderTask, TaskResult, fingerprint, load_writers
from .report import BuildReport, Failure, Progress
from .state import MANIFEST, MAX_LISTING, STATE, BuildState, Document, manifest, recorded_manifest
from .versions import SNAPSHOT, previous_of, snapshot

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

    from ..changes.compare import ChangeSet
    from ..document.context import DocumentContext
    from ..indicators.lock import IndicatorLock
    from ..workbook.model import Workbook
    from .plan import Target

DEFAULT_TEMPLATES = SHIPPED  # the shipped templates folder (see theme.Templates)
LOCK = ".build.lock"
__all__ = ["MANIFEST", "STATE", "BuildRefused", "BuildReport", "Document", "Failure", "build"]


@dataclass(frozen=True)
class Gathered:
    """Everything a build reads, read and checked before anything is written."""

    workbook: Workbook
    version_dir: Path
    templates: Templates
    reference_docx: bytes | None  # checked and cleaned (render/reference.py)
    formats: tuple[str, ...]
    only: tuple[str, ...]
    assets: str  # the fingerprint of the program, templates and reference DOCX
    inputs: str  # of the assets, the workbook and the version compared with: all of it
    changes: ChangeSet | None  # against the previous version, for a draft's change summary
    follow_up: FollowUp | None = None  # set for the documents of a year's follow-up
    # "plan" for the plan's documents in the two-document form (workbook `plan:`), which go into
    # `<agreement id>/plan-<plan version>/`
    document: str = "agreement"

    @property
    def shown(self) -> Workbook:
        """The workbook as the documents show it: for a plan, with the plan's version, status,
        date and approvers (workbook/parts.py), which name its files and decide its finality."""
        if self.document == "plan":
            from ..workbook.parts import for_plan

            return for_plan(self.workbook)
        return self.workbook


@dataclass(frozen=True)
class FollowUp:
    """The follow-up of one year: its documents go into `<agreement id>/follow-up-<year>/`."""

    year: int
    lock: IndicatorLock | None  # the Sotkanet values fetched (`indicators fetch`), if any


@dataclass
class Plan:
    """The documents of the build, and what of them must be rendered."""

    contexts: dict[str, DocumentContext]
    targets: list[Target]
    tasks: list[RenderTask] = field(default_factory=list)
    # PDFs on disk with the bytes recorded, by fingerprint, that documents to render join.
    ready: dict[str, bytes] = field(default_factory=dict)
    recorded: dict[str, Document] = field(default_factory=dict)  # what the last build made
    parts: set[str] = field(default_factory=set)  # the fingerprints of every package's parts


def build(
    workbook_path: Path,
    output_root: Path = Path("output"),
    *,
    templates: Templates | Path | None = None,
    reference_docx: Path | None = None,
    jobs: int | None = 1,
    force: bool = False,
    only: tuple[str, ...] = (),
    formats: tuple[str, ...] = FORMATS,
    progress: Progress | None = None,
    previous: Path | None = None,
) -> BuildReport:
    """Build every document of a workbook into `output_root/<agreement id>/<version>/`.

    `templates` is a folder of one's own over the shipped templates (see theme.Templates).
    Raises WorkbookError (bad workbook), TemplateError (a broken template or catalog) or
    BuildRefused (a final version would change, another build is writing there, an unknown
    party in `only`) before anything is written. A failing document does not stop the others:
    see `BuildReport.failures`. A draft gets a change summary against `previous` (a workbook or
    a version folder), else against the highest version below it already built in
    `output_root`, if any.
    """
    started = time.perf_counter()
    templates = Templates.of(templates)
    job = gather(workbook_path, output_root, templates, reference_docx, formats, only, previous)
    report = _build_into(job, BuildReport(job.version_dir), force, jobs, progress, started)
    if job.workbook.plan is not None:
        # The two-document form: the plan is built into a folder of its own, after the agreement.
        plan_job = gather_plan(job, output_root)
        report.plan = _build_into(
            plan_job, BuildReport(plan_job.version_dir), force, jobs, progress, time.perf_counter()
        )
    if report.ok and not only:  # what a next build with nothing to do checks first (quick.py)
        # Each folder once both are built: each records the other as a version beside it.
        for done, compared in ((report, previous), (report.plan, None)):
            if done is None:
                continue
            with contextlib.suppress(OSError, AgreementBuilderError):
                quick.record(
                    workbook_path,
                    done,
                    templates=templates,
                    reference_docx=reference_docx,
                    formats=formats,
                    previous=compared,
                )
    return report


def _build_into(
    job: Gathered,
    report: BuildReport,
    force: bool,
    jobs: int | None,
    progress: Progress | None,
    started: float,
) -> BuildReport:
    """The build's phases in its folder `OUTPUT/<agreement id>/<version or follow-up-year>/`,
    opened (and made) without following links, one build at a time."""
    agreement_dir = job.version_dir.parent
    with (
        Folder.open(agreement_dir.parent, agreement_dir.name) as parent,
        _exclusive(parent),
        parent.subfolder(job.version_dir.name) as folder,
    ):
        folder.remove_temporaries()  # of a build that was killed while writing them
        state = BuildState.read(folder)
        final = _final_on_disk(job, folder, state)
        if _up_to_date(job, folder, state, force, final):
            report.unchanged = True
            return _finish(report, state, started)
        plan = plan_documents(job, folder, state, force and not final, report, final)
        if job.follow_up is None and not final:
            folder.write_if_changed(SNAPSHOT, snapshot(job.workbook))
        render_documents(job, folder, plan, state, report, jobs, progress, final)
        write_listings(job, folder, plan, state, report, final)
        if not job.only and not final:
            draft = job.follow_up is None and job.workbook.agreement.status == "draft"
            prune_parts(folder, plan.parts if draft else set())
    return _finish(report, state, started)


def build_follow_up(
    workbook_path: Path,
    year: int,
    output_root: Path = Path("output"),
    *,
    templates: Templates | Path | None = None,
    reference_docx: Path | None = None,
    jobs: int | None = 1,
    force: bool = False,
    formats: tuple[str, ...] = FORMATS,
    progress: Progress | None = None,
) -> BuildReport:
    """Build the follow-up of `year` into `output_root/<agreement id>/follow-up-<year>/`: the
    follow-up report in each of the agreement's languages and each municipality's extract in
    each of its languages, with the same incremental, parallel and atomic build, manifest and
    index.html as the agreement's documents. Indicator values come from the workbook and its
    lock file only (see `indicators fetch`): nothing goes online.

    Raises WorkbookError, FollowUpError (the workbook does not follow up `year`) or
    LockFileError (a broken lock file) before anything is written.
    """
    started = time.perf_counter()
    templates = Templates.of(templates)
    job = gather_follow_up(workbook_path, year, output_root, templates, reference_docx, formats)
    report = BuildReport(job.version_dir)
    report.notes.extend(_missing_values(job))
    return _build_into(job, report, force, jobs, progress, started)


def gather_follow_up(
    workbook_path: Path,
    year: int,
    output_root: Path,
    templates: Templates,
    reference_docx: Path | None,
    formats: tuple[str, ...],
) -> Gathered:
    """The workbook, its lock file and the fingerprint of all of it, for the year's follow-up."""
    from ..errors import FollowUpError
    from ..indicators.lock import lock_path, read_lock

    workbook = load_workbook(workbook_path, display=str(workbook_path))
    years = [entry.year for entry in workbook.follow_up]
    if year not in years:
        followed = f"it follows up {', '.join(map(str, years))}" if years else "it has none"
        raise FollowUpError(
            f"{workbook_path}: no follow-up of {year} ({followed}): add the year under "
            f"follow_up (or a sheet 'Seuranta {year}' in the spreadsheet)"
        )
    lock_file = lock_path(workbook_path)
    lock = read_lock(lock_file)
    reference = _checked_reference(reference_docx)
    assets = _assets_hash(templates, reference, formats)
    locked = lock_file.read_bytes() if lock is not None else b""
    inputs = hashlib.sha256(
        f"{assets}\0follow-up {year}\0".encode() + workbook_path.read_bytes() + b"\0" + locked
    ).hexdigest()
    return Gathered(
        workbook,
        output_root / workbook.agreement.id / f"follow-up-{year}",
        templates,
        reference,
        formats,
        (),
        assets,
        inputs,
        None,
        FollowUp(year, lock),
    )


def _missing_values(job: Gathered) -> list[str]:
    """A note for each Sotkanet indicator the lock file has no values of."""
    assert job.follow_up is not None
    lock = job.follow_up.lock
    missing = [
        f"{indicator.id} (Sotkanet {indicator.sotkanet.id})"
        for goal in job.workbook.goals
        for indicator in goal.indicators
        if indicator.sotkanet is not None
        and (lock is None or indicator.sotkanet.id not in lock.indicators)
    ]
    if not missing:
        return []
    return [
        f"no Sotkanet values of {', '.join(missing)} in the lock file: run "
        "`agreement-builder indicators fetch` with the workbook first"
    ]


# --- 1. gather --------------------------------------------------------------------------------
def gather(
    workbook_path: Path,
    output_root: Path,
    templates: Templates,
    reference_docx: Path | None,
    formats: tuple[str, ...],
    only: tuple[str, ...],
    previous: Path | None,
) -> Gathered:
    """Load and validate the workbook, the version it is compared with, and the fingerprints."""
    workbook = load_workbook(workbook_path, display=str(workbook_path))
    agreement = workbook.agreement
    unknown = [p for p in only if p not in {party.id for party in workbook.parties}]
    if unknown:
        raise BuildRefused(f"--only names no party of the workbook: {', '.join(unknown)}")
    try:
        old = previous_of(workbook, output_root, previous)
    except VersionInputError as error:
        raise BuildRefused(f"--previous: {error}") from None
    changes, compared = None, ""
    if old is not None:
        from ..changes.compare import compare

        if workbook.plan is None:
            changes, compared = compare(old, workbook), snapshot(old).hex()
        else:  # the two-document form: the agreement's change summary leaves the plan out
            changes = compare(agreement_part(old), agreement_part(workbook))
            compared = snapshot(agreement_part(old)).hex()
    reference = _checked_reference(reference_docx)
    assets = _assets_hash(templates, reference, formats)
    # The agreement's documents depend on the workbook without its yearly follow-up (recording
    # a year's follow-up or indicator values changes no approved, final, version) and, in the
    # two-document form, without the plan (a revised plan changes no file of the agreement).
    inputs = hashlib.sha256(
        (assets + snapshot(agreement_part(workbook)).hex() + compared).encode()
    ).hexdigest()
    return Gathered(
        workbook,
        output_root / agreement.id / agreement.version,
        templates,
        reference,
        formats,
        only,
        assets,
        inputs,
        changes,
    )


def gather_plan(agreement: Gathered, output_root: Path) -> Gathered:
    """The plan's build (the two-document form), from what the agreement's gathered: its own
    folder `<agreement id>/plan-<plan version>/`, its inputs (the plan's part of the workbook,
    see workbook/parts.py) and its change summary against the previous plan version (goals,
    measures and indicators only)."""
    from ..workbook.parts import plan_content, plan_part
    from .versions import PLAN_PREFIX, previous_plan_of

    workbook = agreement.workbook
    assert workbook.plan is not None
    old = previous_plan_of(workbook, output_root)
    changes, compared = None, ""
    if old is not None and old.plan is not None:
        from ..changes.compare import compare

        changes = compare(*plan_content(old, workbook))
        compared = snapshot(plan_part(old)).hex()
    inputs = hashlib.sha256(
        (agreement.assets + snapshot(plan_part(workbook)).hex() + compared).encode()
    ).hexdigest()
    return replace(
        agreement,
        version_dir=agreement.version_dir.parent / f"{PLAN_PREFIX}{workbook.plan.version}",
        inputs=inputs,
        changes=changes,
        document="plan",
    )


def _final_on_disk(job: Gathered, folder: Folder, state: BuildState) -> bool:
    """Whether the version folder holds a final version, known from any of what it holds: the
    build state, the manifest or the workbook it was built from (deleting one file does not
    make a final version a draft). Raises BuildRefused unless this build is of the very same
    final version (then it may only complete what an interrupted build left undone)."""
    if job.follow_up is not None:
        return False  # a year's follow-up is rebuilt as the year goes on
    built_from = folder.read(SNAPSHOT, MAX_LISTING)
    statuses = {
        state.status,
        recorded_manifest(folder).get("status"),
        _status_of(built_from, job.document),
    }
    if "final" not in statuses:
        return False
    agreement = job.shown.agreement
    if (
        agreement.status != "final"
        or not _same_document(built_from, job)
        or (state.inputs is not None and state.inputs != job.inputs)
    ):
        raise BuildRefused(
            f"version {agreement.version} is final and already built in {job.version_dir}; "
            "its inputs have changed since. An approved version is never overwritten: "
            f"raise {job.document}.version in the workbook to build a new version."
        )
    return True


def _agreement_data(snapshot_bytes: bytes) -> Any:
    """A version's workbook.yaml as data, without the yearly follow-up (which changes no
    approved version, see gather)."""
    import yaml

    from ..yamlload import safe_load

    try:
        data = safe_load(snapshot_bytes)
    except yaml.YAMLError:
        return None
    if isinstance(data, dict):
        data.pop("follow_up", None)
        data.pop("indicator_values", None)
    return data


def _same_agreement(built_from: bytes | None, workbook: Workbook) -> bool:
    """Whether the version on disk was built from this workbook's agreement."""
    if built_from is None:
        return False
    if built_from == snapshot(workbook):
        return True
    return _agreement_data(built_from) == _agreement_data(snapshot(workbook))


def _same_document(built_from: bytes | None, job: Gathered) -> bool:
    """Whether the folder's documents were built from what this job's show of the workbook:
    the agreement (in the two-document form without the plan) or the plan."""
    if job.workbook.plan is None:
        return _same_agreement(built_from, job.workbook)
    if built_from is None:
        return False
    import yaml
    from pydantic import ValidationError

    from ..workbook.model import Workbook
    from ..workbook.parts import plan_part
    from ..yamlload import safe_load

    try:
        old = Workbook.model_validate(safe_load(built_from))
        part = plan_part if job.document == "plan" else agreement_part
        return snapshot(part(old)) == snapshot(part(job.workbook))
    except (yaml.YAMLError, ValidationError, ValueError):
        return False


def _status_of(built_from: bytes | None, document: str = "agreement") -> str | None:
    """The status in a version's workbook.yaml (None if there is none, or it is unreadable)."""
    if not built_from:
        return None
    import yaml

    from ..yamlload import safe_load

    try:
        data = safe_load(built_from)
        status = data[document]["status"]
    except (yaml.YAMLError, TypeError, KeyError):
        return None
    return status if isinstance(status, str) else None


def _up_to_date(job: Gathered, folder: Folder, state: BuildState, force: bool, final: bool) -> bool:
    """Whether the version is built from these very inputs already, with every file in place
    (a final one whatever `force` says: it is never rebuilt)."""
    if job.follow_up is not None:
        return not force and state.inputs == job.inputs and state.complete(folder)
    if final:
        return (
            state.inputs == job.inputs
            and state.complete(folder)
            and folder.size(MANIFEST) is not None
        )
    if force or job.only or state.inputs != job.inputs or not state.complete(folder):
        return False
    # What the version was built from, for `diff` and a later build's --previous; in the
    # two-document form kept as it is while what its documents show is the same (a revised plan
    # changes no byte of the agreement's folder).
    if job.workbook.plan is None or not _same_document(folder.read(SNAPSHOT, MAX_LISTING), job):
        folder.write_if_changed(SNAPSHOT, snapshot(job.workbook))
    return True


def _checked_reference(reference_docx: Path | None) -> bytes | None:
    """The reference DOCX's bytes, checked and cleaned once, before anything is built."""
    if reference_docx is None:
        return None
    from ..render.reference import check_reference_docx

    return check_reference_docx(reference_docx)


def _assets_hash(templates: Templates, reference: bytes | None, formats: tuple[str, ...]) -> str:
    """Everything besides the workbook that documents depend on: program, templates, reference."""
    digest = hashlib.sha256(f"{__version__}\0{','.join(formats)}".encode())
    digest.update(templates.fingerprint().encode())
    if reference is not None:
        digest.update(reference)
    return digest.hexdigest()


# --- 2. plan ----------------------------------------------------------------------------------
def plan_documents(
    job: Gathered,
    folder: Folder,
    state: BuildState,
    force: bool,
    report: BuildReport,
    final: bool = False,
) -> Plan:
    """Every document's HTML, and which of its files must be rendered; the others are up to
    date and stay (in a final version: every file that its manifest lists with the bytes on
    disk). Raises TemplateError for a template that does not compile or a missing message
    catalog, before anything is written."""
    from ..document.context import build_context
    from .plan import plan

    languages = job.workbook.agreement.languages
    job.templates.check(languages)
    contexts: dict[str, DocumentContext] = {
        language: build_context(job.workbook, language, job.templates, job.document)
        for language in languages
    }
    from ..render.hyphenate import unavailable

    report.notes.extend(unavailable(languages))  # once per build: Voikko missing
    if job.follow_up is not None:
        from .plan import plan_follow_up

        targets = plan_follow_up(job.workbook, contexts, job.follow_up.year)
    else:
        targets = plan(
            job.shown,
            contexts,
            job.only or None,
            changes=job.changes is not None,
            document=job.document,
        )
    previous = dict(state.documents)
    listed = _listed_documents(folder) if final else {}
    result = Plan(contexts, targets, recorded=previous)
    rendered: dict[tuple[str | None, ...], str] = {}
    if not job.only:
        state.documents = {}  # what this build makes (with --only, the others stay as recorded)
    for target in targets:
        try:
            if job.follow_up is not None:
                from .followup import follow_up_parts

                parts = follow_up_parts(
                    target,
                    contexts[target.language],
                    job.workbook,
                    job.follow_up.lock,
                    job.follow_up.year,
                    job.templates,
                )
            else:
                context = contexts[target.language]
                parts = _render_parts(target, context, job.templates, job.changes, rendered)
        except Exception as exc:  # a template error fails this document only
            report.failures.append(Failure(target.describe(), "html", _reason(exc)))
            continue
        document_fingerprint = fingerprint(job.assets, parts)
        if len(parts) > 1:
            result.parts.update(fingerprint(job.assets, (part,)) for part in parts)
        todo = []
        # A paste kit is made whatever formats the build asks for: it is no document.
        for fmt in (f for f in target.formats if f in job.formats or f in PASTE_KIT):
            name = f"{target.stem}.{fmt}"
            old = previous.get(name)
            if (
                not force
                and old is not None
                and old.fingerprint == document_fingerprint
                and old.intact(folder)
            ):
                state.documents[name] = old
                report.up_to_date.append(name)
            elif name in listed and (kept := listed[name]).unaltered(folder):
                # A final version's document as its manifest lists it: kept, never made again.
                state.documents[name] = replace(kept, fingerprint=document_fingerprint)
                report.up_to_date.append(name)
            else:
                todo.append(fmt)
        if todo:
            result.tasks.append(
                RenderTask(
                    target,
                    tuple(parts),
                    tuple(todo),
                    document_fingerprint,
                    job.assets,
                    job.templates,
                    job.reference_docx,
                )
            )
    # PDFs already written whose HTML is a part of a document to render (the agreement inside a
    # package built with --only): joined in, not drawn again, if still exactly what was written.
    joined = {fp for task in result.tasks if task.joins_parts for fp in task.part_fingerprints}
    for document in previous.values():
        if document.format == "pdf" and document.fingerprint in joined:
            data = document.read(folder)
            if data is not None:
                result.ready[document.fingerprint] = data
    # The parts of the packages an earlier build drew (a party's cover and annex): joined too,
    # unless everything is to be drawn again.
    if not force:
        with contextlib.suppress(OutputError):
            result.ready.update(kept_parts(folder, joined - result.ready.keys()))
    return result


def _listed_documents(folder: Folder) -> dict[str, Document]:
    """The documents manifest.json lists (size from the disk, fingerprint unknown)."""
    listed: dict[str, Document] = {}
    entries = recorded_manifest(folder).get("documents")
    for entry in entries if isinstance(entries, list) else []:
        try:
            name = entry["path"]
            size = folder.size(name)
            if size is not None:
                listed[name] = Document(**entry, size=size, fingerprint="")
        except (TypeError, KeyError, OutputError):
            continue
    return listed


def _render_parts(
    target: Target,
    context: DocumentContext,
    templates: Templates,
    changes: ChangeSet | None,
    rendered: dict[tuple[str | None, ...], str],
) -> list[str]:
    """The HTML of each of the target's parts. `rendered` holds the parts rendered before in
    this plan: a part the same in many documents (the agreement inside every package, an agenda
    item and its paste kit) is rendered once."""
    from ..document.party import by_goal, party_document
    from ..render.html import render_html
    from .paste import paste_metadata
    from .plan import PASTE_METADATA, SHARED_PARTS
    from .summary import summary_html

    if target.part == "changes" and changes is not None:
        return [summary_html(changes, context, templates)]
    shared: dict[str, Any] = {"common_goals": by_goal(context.common)}
    extra = shared
    if target.party:
        pd = party_document(context, target.party)
        if target.templates == PASTE_METADATA:
            return [paste_metadata(target, pd, context)]
        stage = next((s for s in pd.stages if s.key == target.stage), None)
        extra = {"pd": pd, "stage": stage, **shared}
    parts = []
    for template in target.templates:
        if template in SHARED_PARTS:
            key: tuple[str | None, ...] = (target.language, template)
        else:
            key = (target.language, target.party, target.stage, template)
        if key not in rendered:
            values = shared if template in SHARED_PARTS else extra
            rendered[key] = render_html(templates, template, context, **values)
        parts.append(rendered[key])
    return parts


# --- 3. render and write ----------------------------------------------------------------------
def render_documents(
    job: Gathered,
    folder: Folder,
    plan: Plan,
    state: BuildState,
    report: BuildReport,
    jobs: int | None,
    progress: Progress | None,
    final: bool = False,
) -> None:
    """Render the planned documents and write each as it comes, recording it in the state at
    once: what is done stays done if the build is killed. The listings go first (see the
    module's description), except in a final version, whose files are only ever added."""
    from .schedule import run

    status = "follow-up" if job.follow_up is not None else job.shown.agreement.status
    state.status, state.inputs = status, None
    if not plan.tasks:
        return
    state.write(folder)  # a final version is known as final from here on
    known = {d.fingerprint for d in state.documents.values()} | plan.ready.keys()
    with _workers(jobs) as pool:
        for result in run(plan.tasks, plan.ready, pool=pool, progress=progress):
            _write_result(result, folder, state, report, final)
            state.write(folder)
            known.add(result.fingerprint)  # a document's own PDF is no part to keep
            if status == "draft":  # a final version is never built again
                with contextlib.suppress(OutputError):
                    keep_parts(folder, result.parts, known)


def _withdraw_manifest(folder: Folder, name: str) -> None:
    """Remove manifest.json before the file `name` it may list is replaced or removed: a reader
    never sees a manifest that names bytes its files no longer have (write_listings writes it
    again when the build ends). A new file changes nothing the manifest says."""
    if folder.exists(name):
        folder.remove(MANIFEST)


def _write_result(
    result: TaskResult, folder: Folder, state: BuildState, report: BuildReport, final: bool
) -> None:
    target = result.target
    report.notes.extend(result.notes)
    for fmt, reason in result.failures:
        report.failures.append(Failure(target.describe(), fmt, reason))
    for output in result.outputs:
        name = f"{target.stem}.{output.format}"
        if final and folder.exists(name) and folder.read(name) != output.data:
            report.failures.append(
                Failure(
                    target.describe(),
                    output.format,
                    f"{name} is a document of a final version and these inputs give other "
                    "bytes (changed templates or program?): it is never overwritten",
                )
            )
            continue
        if folder.size(name) == len(output.data) and folder.read(name) == output.data:
            report.rerendered.append(name)  # the same bytes: the file and its time stay
        else:
            _withdraw_manifest(folder, name)
            folder.write(name, output.data)
            report.written.append(name)
        state.documents[name] = Document(
            path=name,
            kind=target.kind,
            party=target.party,
            language=target.language,
            format=output.format,
            pages=output.pages,
            sha256=sha256(output.data),
            size=len(output.data),
            fingerprint=result.fingerprint,
            stage=target.stage,
        )


def usable_cores() -> int:
    """The processors this process may run on: a container's or `taskset`'s share, which
    os.cpu_count() (the machine's) does not see; each worker beyond them only adds its own
    start-up and memory."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # no affinity outside Linux
        return os.cpu_count() or 1


@contextmanager
def _workers(jobs: int | None) -> Iterator[ProcessPoolExecutor | None]:
    """The worker processes (none for one job), with the writers loaded.

    This process loads the writers (WeasyPrint takes about half a second) before the workers
    are forked, so they start with them instead of each loading them again.
    """
    count = jobs or usable_cores()
    if count <= 1:
        yield None
        return
    from concurrent.futures import ProcessPoolExecutor

    load_writers()
    with ProcessPoolExecutor(max_workers=count) as pool:
        yield pool


# --- 4. the listings --------------------------------------------------------------------------
def write_listings(
    job: Gathered,
    folder: Folder,
    plan: Plan,
    state: BuildState,
    report: BuildReport,
    final: bool = False,
) -> None:
    """The documents in plan order; stale files removed (never a final version's); then
    manifest.json, index.html and the state, which records the inputs only once every
    document is made."""
    from .index import write_index

    order = {f"{t.stem}.{fmt}": i for i, t in enumerate(plan.targets) for fmt in job.formats}
    state.documents = dict(
        sorted(state.documents.items(), key=lambda kv: (order.get(kv[0], 1 << 30), kv[0]))
    )
    if not job.only and report.ok:
        stale = [name for name in plan.recorded if name not in state.documents]
        if stale and not final:
            for name in stale:
                _withdraw_manifest(folder, name)
                folder.remove(name)
        state.inputs = job.inputs
    documents = list(state.documents.values())
    document = job.document if job.document != "agreement" else None
    folder.write_if_changed(MANIFEST, manifest(job.shown.agreement, documents, document))
    language, *other_languages = job.workbook.agreement.languages
    others = [plan.contexts[other] for other in other_languages if other in plan.contexts]
    write_index(folder, plan.contexts[language], documents, job.templates, others)
    state.write(folder)


def _finish(report: BuildReport, state: BuildState, started: float) -> BuildReport:
    report.documents = list(state.documents.values())
    report.seconds = time.perf_counter() - started
    return report


def _reason(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


@contextmanager
def _exclusive(folder: Folder) -> Iterator[None]:
    """One build at a time per agreement folder: a second one refuses instead of interleaving.
    The lock file is opened without following a link planted in its place."""
    # Read-only is enough for a lock, and lets a build on a read-only folder say what it
    # cannot write instead of failing on the lock.
    flags = os.O_RDONLY | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC
    try:
        lock = os.open(LOCK, flags, 0o666, dir_fd=folder.fd)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise OutputError(
                f"{folder.path / LOCK} is a symbolic link: remove it (a build never writes "
                "through a link)"
            ) from None
        raise OutputError(f"cannot write {folder.path / LOCK}: {exc.strerror}") from None
    try:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BuildRefused(
                f"another build is writing to {folder.path}; run again when it has finished"
            ) from None
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    finally:
        os.close(lock)
