"""The build, top to bottom: load and validate, plan the targets, render, write.

A document is rebuilt only when its own HTML (which holds everything of the workbook it shows),
the templates' files, the reference DOCX or the program's version changed; unchanged files keep
their bytes and modification time. Rendering runs in worker processes; this process alone writes,
each file under a temporary name renamed into place, and records each finished document in the
build state at once, so an interrupted build leaves complete files and a rerun finishes it.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import time
from collections import Counter, deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import __version__
from ..errors import BuildRefused, VersionInputError
from ..workbook.validate import load_workbook
from .files import sha256, write_atomic

# The modules that plan and render (Jinja, Babel, the document context) are imported only once a
# build knows it has something to render, so that a build with nothing to do answers at once.
from .render import (
    FORMATS,
    PartPdf,
    RenderTask,
    TaskResult,
    draw_part,
    load_writers,
    render_task,
)
from .versions import SNAPSHOT, previous_of, snapshot

if TYPE_CHECKING:
    from ..changes.compare import ChangeSet
    from ..document.context import DocumentContext
    from .plan import Target


# Shipped inside the package (package data), so that an installed tool builds outside a checkout.
DEFAULT_TEMPLATES = Path(str(resources.files("agreement_builder") / "templates"))
MANIFEST = "manifest.json"
STATE = ".build-state.json"
LOCK = ".build.lock"



@dataclass(frozen=True)
class Document:
    """A written file, as the manifest lists it."""

    path: str
    kind: str
    party: str | None
    language: str
    format: str
    pages: int | None
    sha256: str


@dataclass(frozen=True)
class Failure:
    target: str
    format: str
    reason: str


@dataclass
class BuildReport:
    version_dir: Path
    documents: list[Document] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    built: list[str] = field(default_factory=list)  # files written by this build
    kept: list[str] = field(default_factory=list)  # files that were already up to date
    unchanged: bool = False  # nothing at all needed doing
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.failures


Progress = Callable[[str, int, int], None]  # (what just finished, done, total)


def build(
    workbook_path: Path,
    output_root: Path = Path("output"),
    *,
    templates_dir: Path = DEFAULT_TEMPLATES,
    reference_docx: Path | None = None,
    jobs: int | None = 1,
    force: bool = False,
    only: tuple[str, ...] = (),
    formats: tuple[str, ...] = FORMATS,
    progress: Progress | None = None,
    previous: Path | None = None,
) -> BuildReport:
    """Build every document of a workbook into `output_root/<agreement id>/<version>/`.

    Raises WorkbookError (bad workbook) or BuildRefused (a final version would change, another
    build is writing there, an unknown party in `only`) before anything is written. A failing
    document does not stop the others: see `BuildReport.failures`. A draft gets a change summary
    against `previous` (a workbook or a version folder), else against the highest version below
    it already built in `output_root`, if any.
    """
    started = time.perf_counter()
    workbook = load_workbook(workbook_path, display=str(workbook_path))
    agreement = workbook.agreement
    unknown = [p for p in only if p not in {party.id for party in workbook.parties}]
    if unknown:
        raise BuildRefused(f"--only names no party of the workbook: {', '.join(unknown)}")
    version_dir = output_root / agreement.id / agreement.version
    report = BuildReport(version_dir)
    assets = _assets_hash(templates_dir, reference_docx, formats)
    try:
        old = previous_of(workbook, output_root, previous)
    except VersionInputError as error:
        raise BuildRefused(f"--previous: {error}") from None
    changes = None
    if old is not None:
        from ..changes.compare import compare

        changes = compare(old, workbook)
    compared = snapshot(old).hex() if old is not None else ""
    inputs = hashlib.sha256(
        (assets + workbook_path.read_bytes().hex() + compared).encode()
    ).hexdigest()

    with _exclusive(output_root / agreement.id), ExitStack() as stack:
        _remove_leftovers(version_dir)
        state = _read_json(version_dir / STATE)
        if state.get("status") == "final":
            if agreement.status == "final" and state.get("inputs") == inputs:
                report.unchanged = True
                return _finish(report, state, started)
            raise BuildRefused(
                f"version {agreement.version} is final and already built in {version_dir}; "
                "its inputs have changed since. An approved version is never overwritten: "
                "raise agreement.version in the workbook to build a new version."
            )
        # What the version was built from, for `diff` and a later build's --previous.
        _write_if_changed(version_dir / SNAPSHOT, snapshot(workbook))
        if (
            not force
            and not only
            and state.get("inputs") == inputs
            and _complete(version_dir, state)
        ):
            report.unchanged = True
            return _finish(report, state, started)

        from ..document.context import build_context
        from .index import write_index
        from .plan import plan

        try:
            contexts: dict[str, DocumentContext] = {
                language: build_context(workbook, language, templates_dir / "messages")
                for language in agreement.languages
            }
        except FileNotFoundError as missing:
            raise BuildRefused(
                f"the templates have no message catalog {missing.filename}: every language in "
                "agreement.languages needs one (copy templates/messages/fi.yaml and translate it)"
            ) from None
        targets = plan(workbook, contexts, only or None, changes=changes is not None)
        entries: dict[str, dict] = dict(state.get("documents", {})) if only else {}
        written = state.get("documents", {})
        tasks: list[RenderTask] = []
        for target in targets:
            try:
                parts = _render_parts(target, contexts[target.language], templates_dir, changes)
            except Exception as exc:  # a template error fails this document only
                report.failures.append(Failure(target.describe(), "html", _reason(exc)))
                continue
            fingerprint = _fingerprint(assets, parts)
            todo = []
            for fmt in (f for f in formats if f in target.formats):
                name = f"{target.stem}.{fmt}"
                old = written.get(name)
                if (
                    not force
                    and old
                    and old["fingerprint"] == fingerprint
                    and _intact(version_dir / name, old)
                ):
                    entries[name] = old
                    report.kept.append(name)
                else:
                    todo.append(fmt)
            if todo:
                tasks.append(
                    RenderTask(
                        target,
                        tuple(parts),
                        tuple(todo),
                        fingerprint,
                        assets,
                        templates_dir,
                        reference_docx,
                    )
                )

        state = {"status": agreement.status, "inputs": None, "documents": entries}
        # PDFs already written whose HTML is a part of a document to render (the agreement
        # inside a package built with --only): their pages are joined in, not drawn again, if
        # the file is still exactly what was written.
        joined = {fp for task in tasks if len(task.parts) > 1 for fp in _part_fingerprints(task)}
        ready = {
            entry["fingerprint"]: version_dir / name
            for name, entry in written.items()
            if entry["format"] == "pdf"
            and entry["fingerprint"] in joined
            and _unaltered(version_dir / name, entry)
        }
        pool = stack.enter_context(_workers(jobs)) if tasks else None
        for result in _run(tasks, pool, progress, ready):
            _record(result, version_dir, entries, report)
            if any(output.format == "pdf" for output in result.outputs):
                ready[result.fingerprint] = version_dir / f"{result.target.stem}.pdf"
            _write_state(version_dir, state)  # what is done stays done if the build is killed

        order = {f"{t.stem}.{fmt}": i for i, t in enumerate(targets) for fmt in formats}
        entries = dict(sorted(entries.items(), key=lambda kv: (order.get(kv[0], 1 << 30), kv[0])))
        state["documents"] = entries
        if not only and report.ok:
            _remove_stale(version_dir, written, entries)
            state["inputs"] = inputs
        _write_if_changed(version_dir / MANIFEST, _manifest(workbook.agreement, entries))
        write_index(version_dir, contexts[agreement.languages[0]], entries, templates_dir)
        _write_state(version_dir, state)
    return _finish(report, state, started)


def _render_parts(
    target: Target, context: DocumentContext, templates_dir: Path, changes: ChangeSet | None
) -> list[str]:
    from ..document.party import by_goal, party_document
    from ..render.html import render_html
    from .summary import summary_html

    if target.kind == "changes" and changes is not None:
        return [summary_html(changes, context, templates_dir)]
    extra = {}
    if target.party:
        extra = {
            "pd": party_document(context, target.party),
            "common_goals": by_goal(context.common),
        }
    return [render_html(templates_dir, template, context, **extra) for template in target.templates]


@contextmanager
def _workers(jobs: int | None) -> Iterator[ProcessPoolExecutor | None]:
    """The worker processes (none for one job), with the writers loaded.

    This process loads the writers (WeasyPrint takes about half a second) before the workers
    are forked, so they start with them instead of each loading them again.
    """
    count = jobs or os.cpu_count() or 1
    if count <= 1:
        yield None
        return
    load_writers()
    with ProcessPoolExecutor(max_workers=count) as pool:
        yield pool


def _run(
    tasks: list[RenderTask],
    pool: ProcessPoolExecutor | None,
    progress: Progress | None,
    ready: dict[str, Path],
) -> Iterator[TaskResult]:
    """Render the tasks, in the worker processes if there are any.

    A part that several documents share is drawn once and joined into each: the full agreement
    inside every package (its own document: `ready` maps a document fingerprint to its written
    PDF, and the caller adds each PDF it writes before asking for the next result) and the
    measures common to all municipalities (drawn as a part of its own). A document waits for
    the shared parts drawn in this run; if one fails, it draws that part itself.
    """
    multi = [t for t in tasks if len(t.parts) > 1 and "pdf" in t.formats]
    joining = {id(t) for t in multi}  # the documents that join parts
    documents = {t.fingerprint for t in tasks if len(t.parts) == 1 and "pdf" in t.formats}
    uses = Counter(fp for task in multi for fp in set(_part_fingerprints(task)))
    shared: dict[str, tuple[str, Path]] = {}  # fingerprint -> (its HTML, templates folder)
    for task in multi:
        for fingerprint, html in zip(_part_fingerprints(task), task.parts, strict=True):
            if uses[fingerprint] > 1 and fingerprint not in ready and fingerprint not in documents:
                shared.setdefault(fingerprint, (html, task.templates_dir))
    drawing = documents | set(shared)
    drawn: dict[str, PartPdf] = {}
    waiting: list[tuple[RenderTask, set[str]]] = []
    startable: list[RenderTask] = []
    for task in tasks:
        needs = drawing.intersection(_part_fingerprints(task)) if id(task) in joining else set()
        if needs:
            waiting.append((task, needs))
        else:
            startable.append(task)

    def prepared(task: RenderTask) -> RenderTask:
        if id(task) not in joining:
            return task
        given: list[tuple[int, PartPdf]] = []
        for index, fingerprint in enumerate(_part_fingerprints(task)):
            if fingerprint in drawn:
                given.append((index, drawn[fingerprint]))
            elif fingerprint in ready:
                given.append((index, PartPdf(ready[fingerprint].read_bytes(), ())))
        return replace(task, prepared=tuple(given))

    def released(fingerprint: str) -> list[RenderTask]:
        """The waiting tasks that no longer wait (whether the part they waited for was drawn or
        failed: then they draw it themselves and report its failure as their own)."""
        drawing.discard(fingerprint)
        free = [task for task, needs in waiting if not needs & drawing]
        waiting[:] = [(task, needs) for task, needs in waiting if needs & drawing]
        return free

    def part_drawn(fingerprint: str, part: PartPdf | None) -> list[RenderTask]:
        if part is not None:
            drawn[fingerprint] = part
        return released(fingerprint)

    total, done = len(tasks), 0
    if pool is None:
        for fingerprint, (html, templates_dir) in shared.items():
            startable.extend(part_drawn(fingerprint, _draw_part_or_none(html, templates_dir)))
        queue = deque(startable)
        while queue:
            task = queue.popleft()
            result = render_task(prepared(task))
            done += 1
            if progress:
                progress(task.target.describe(), done, total)
            yield result
            queue.extend(released(task.fingerprint))
        return
    parts = {pool.submit(draw_part, html, where): fp for fp, (html, where) in shared.items()}
    running = {pool.submit(render_task, prepared(task)): task for task in startable}
    while running or parts:
        pending: list[Future[Any]] = [*running, *parts]  # a part drawn or a document made
        finished, _ = wait(pending, return_when=FIRST_COMPLETED)
        for future in finished:
            if future in parts:
                fingerprint = parts.pop(future)
                part = None if future.exception() else future.result()
                for free in part_drawn(fingerprint, part):
                    running[pool.submit(render_task, prepared(free))] = free
                continue
            task = running.pop(future)
            done += 1
            if progress:
                progress(task.target.describe(), done, total)
            yield future.result()
            for free in released(task.fingerprint):
                running[pool.submit(render_task, prepared(free))] = free


def _draw_part_or_none(html: str, templates_dir: Path) -> PartPdf | None:
    try:
        return draw_part(html, templates_dir)
    except Exception:  # the documents that share the part draw it and report the failure
        return None


def _part_fingerprints(task: RenderTask) -> list[str]:
    return [_fingerprint(task.assets, (part,)) for part in task.parts]


def _fingerprint(assets: str, parts: Sequence[str]) -> str:
    """What a document's files depend on; a one-part document's is that of its part."""
    return hashlib.sha256("\0".join([assets, *parts]).encode()).hexdigest()


def _record(result: TaskResult, version_dir: Path, entries: dict, report: BuildReport) -> None:
    target = result.target
    report.notes.extend(result.notes)
    for fmt, reason in result.failures:
        report.failures.append(Failure(target.describe(), fmt, reason))
    for output in result.outputs:
        name = f"{target.stem}.{output.format}"
        digest = sha256(output.data)
        path = version_dir / name
        if not (
            path.exists()
            and path.stat().st_size == len(output.data)
            and sha256(path.read_bytes()) == digest
        ):
            write_atomic(path, output.data)
            report.built.append(name)
        else:
            report.kept.append(name)
        entries[name] = {
            "fingerprint": result.fingerprint,
            "sha256": digest,
            "size": len(output.data),
            "kind": target.kind,
            "party": target.party,
            "language": target.language,
            "format": output.format,
            "pages": output.pages,
        }


def _finish(report: BuildReport, state: dict, started: float) -> BuildReport:
    report.documents = [
        Document(name, e["kind"], e["party"], e["language"], e["format"], e["pages"], e["sha256"])
        for name, e in state.get("documents", {}).items()
    ]
    report.seconds = time.perf_counter() - started
    return report


def _manifest(agreement: object, entries: dict[str, dict]) -> bytes:
    manifest = {
        "agreement": agreement.id,  # type: ignore[attr-defined]
        "version": agreement.version,  # type: ignore[attr-defined]
        "status": agreement.status,  # type: ignore[attr-defined]
        "documents": [
            {
                "path": name,
                "kind": e["kind"],
                "party": e["party"],
                "language": e["language"],
                "format": e["format"],
                "pages": e["pages"],
                "sha256": e["sha256"],
            }
            for name, e in entries.items()
        ],
    }
    return json.dumps(manifest, ensure_ascii=False, indent=2).encode() + b"\n"


def _write_if_changed(path: Path, data: bytes) -> None:
    if not (path.exists() and path.read_bytes() == data):
        write_atomic(path, data)


def _write_state(version_dir: Path, state: dict) -> None:
    _write_if_changed(version_dir / STATE, json.dumps(state, indent=1).encode())


def _intact(path: Path, entry: dict) -> bool:
    """The file is there as the state recorded it (its size; its hash is checked on rebuild)."""
    try:
        return path.stat().st_size == entry.get("size")
    except OSError:
        return False


def _unaltered(path: Path, entry: dict) -> bool:
    """The file has the bytes the state recorded."""
    try:
        return _intact(path, entry) and sha256(path.read_bytes()) == entry.get("sha256")
    except OSError:
        return False


def _complete(version_dir: Path, state: dict) -> bool:
    documents = state.get("documents", {})
    return bool(documents) and all(_intact(version_dir / n, e) for n, e in documents.items())


def _remove_stale(version_dir: Path, previous: dict, current: dict) -> None:
    """Delete documents an earlier build wrote that this build no longer makes."""
    for name in previous:
        stale = version_dir / name
        if name not in current and stale.parent == version_dir:
            stale.unlink(missing_ok=True)


def _remove_leftovers(version_dir: Path) -> None:
    """Temporary files of a build that was killed while writing them (see write_atomic)."""
    if version_dir.is_dir():
        for leftover in version_dir.glob(".*.tmp"):
            leftover.unlink(missing_ok=True)


def _reason(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def _read_json(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _assets_hash(templates_dir: Path, reference_docx: Path | None, formats: tuple[str, ...]) -> str:
    """Everything besides the workbook that documents depend on: program, templates, reference."""
    digest = hashlib.sha256(f"{__version__}\0{','.join(formats)}".encode())
    for path in sorted(p for p in templates_dir.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(templates_dir)).encode())
        digest.update(path.read_bytes())
    if reference_docx is not None:
        digest.update(reference_docx.read_bytes())
    return digest.hexdigest()


@contextmanager
def _exclusive(folder: Path) -> Iterator[None]:
    """One build at a time per agreement folder: a second one refuses instead of interleaving."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / LOCK, "a+b") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BuildRefused(
                f"another build is writing to {folder}; run again when it has finished"
            ) from None
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
