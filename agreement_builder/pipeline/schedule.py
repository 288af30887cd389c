"""What is drawn when: a part several documents share is drawn once, and the documents that join
it wait for it. No rendering and no files here: `run` is given the functions that draw, so the
order can be tested with fakes (tests/pipeline/test_schedule.py).

The shared parts are the full agreement inside every party's package (a document of its own: its
PDF, once made, is joined into each package) and the measures common to all municipalities
(drawn as a part of its own). A part already on disk with the bytes a build recorded is given
in `ready` and joined, not drawn. A document waits only for parts drawn in this run; if one
fails, the documents that need it draw it themselves and report the failure as their own.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from dataclasses import dataclass, replace

from ..theme import Templates
from .render import PartPdf, RenderTask, TaskResult, draw_part, render_task

Progress = Callable[[str, int, int], None]  # (what just finished, done, total)
Render = Callable[[RenderTask], TaskResult]
Draw = Callable[[str, Templates], PartPdf]


@dataclass(frozen=True)
class SharedPart:
    """A part several documents of this run join, drawn once before them."""

    fingerprint: str
    html: str
    templates: Templates


class Scheduler:
    """Which shared parts are drawn once, and which document waits for which part.

    `start()` gives the parts to draw first and the documents that can start at once; each
    finished part or document is reported back (`part_drawn`, `document_done`), which gives the
    documents that no longer wait, each carrying the parts it joins (`RenderTask.prepared`).
    """

    def __init__(self, tasks: Sequence[RenderTask], ready: Mapping[str, bytes]) -> None:
        # A document's own PDF made by this run is a part for the documents that join it.
        own = {t.fingerprint for t in tasks if len(t.parts) == 1 and "pdf" in t.formats}
        joining = [t for t in tasks if t.joins_parts]
        uses = Counter(fp for task in joining for fp in set(task.part_fingerprints))
        self._drawn: dict[str, PartPdf] = {fp: PartPdf(data, ()) for fp, data in ready.items()}
        self.shared: list[SharedPart] = []
        for task in joining:
            for fingerprint, html in zip(task.part_fingerprints, task.parts, strict=True):
                if (
                    uses[fingerprint] > 1
                    and fingerprint not in self._drawn
                    and fingerprint not in own
                    and all(part.fingerprint != fingerprint for part in self.shared)
                ):
                    self.shared.append(SharedPart(fingerprint, html, task.templates))
        self._pending = own | {part.fingerprint for part in self.shared}  # drawn in this run
        self._waiting: list[tuple[RenderTask, set[str]]] = []
        self._startable: list[RenderTask] = []
        for task in tasks:
            needs = self._pending & set(task.part_fingerprints) if task.joins_parts else set()
            if needs:
                self._waiting.append((task, needs))
            else:
                self._startable.append(task)

    def start(self) -> tuple[list[SharedPart], list[RenderTask]]:
        """The shared parts to draw, and the documents that need none of them."""
        return list(self.shared), [self._prepared(task) for task in self._startable]

    def part_drawn(self, fingerprint: str, part: PartPdf | None) -> list[RenderTask]:
        """A shared part is drawn (None: it failed); the documents that no longer wait."""
        if part is not None:
            self._drawn[fingerprint] = part
        return self._release(fingerprint)

    def document_done(self, task: RenderTask, result: TaskResult) -> list[RenderTask]:
        """A document is rendered; its PDF, if made, is a part of the documents that join it."""
        pdf = next((output for output in result.outputs if output.format == "pdf"), None)
        if pdf is not None and len(task.parts) == 1:
            self._drawn.setdefault(task.fingerprint, PartPdf(pdf.data, ()))
        return self._release(task.fingerprint)

    @property
    def waiting(self) -> int:
        return len(self._waiting)

    def _release(self, fingerprint: str) -> list[RenderTask]:
        self._pending.discard(fingerprint)
        free = [task for task, needs in self._waiting if not needs & self._pending]
        self._waiting = [(task, needs) for task, needs in self._waiting if needs & self._pending]
        return [self._prepared(task) for task in free]

    def _prepared(self, task: RenderTask) -> RenderTask:
        if not task.joins_parts:
            return task
        given = tuple(
            (index, self._drawn[fingerprint])
            for index, fingerprint in enumerate(task.part_fingerprints)
            if fingerprint in self._drawn
        )
        return replace(task, prepared=given)


def run(
    tasks: Sequence[RenderTask],
    ready: Mapping[str, bytes],
    *,
    pool: Executor | None = None,
    progress: Progress | None = None,
    render: Render = render_task,
    draw: Draw = draw_part,
) -> Iterator[TaskResult]:
    """Render every task (in `pool` if given, else here, one after the other), yielding each
    document's result as it finishes."""
    scheduler = Scheduler(tasks, ready)
    parts, startable = scheduler.start()
    total, done = len(tasks), 0

    def finished(task: RenderTask) -> None:
        nonlocal done
        done += 1
        if progress:
            progress(task.target.describe(), done, total)

    if pool is None:
        for part in parts:
            drawn = _draw_or_none(draw, part)
            startable.extend(scheduler.part_drawn(part.fingerprint, drawn))
        queue = deque(startable)
        while queue:
            task = queue.popleft()
            result = render(task)
            finished(task)
            queue.extend(scheduler.document_done(task, result))
            yield result
        return
    drawing: dict[Future, str] = {
        pool.submit(draw, part.html, part.templates): part.fingerprint for part in parts
    }
    running: dict[Future, RenderTask] = {pool.submit(render, task): task for task in startable}
    while running or drawing:
        complete, _ = wait([*running, *drawing], return_when=FIRST_COMPLETED)
        for future in complete:
            if future in drawing:
                fingerprint = drawing.pop(future)
                drawn = None if future.exception() else future.result()
                free = scheduler.part_drawn(fingerprint, drawn)
            else:
                task = running.pop(future)
                result = future.result()
                finished(task)
                free = scheduler.document_done(task, result)
                yield result
            for task in free:
                running[pool.submit(render, task)] = task


def _draw_or_none(draw: Draw, part: SharedPart) -> PartPdf | None:
    try:
        return draw(part.html, part.templates)
    except Exception:  # the documents that share the part draw it and report the failure
        return None
