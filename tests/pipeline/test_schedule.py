"""The scheduler without WeasyPrint: fake renderers record what was drawn, when and with what."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from agreement_builder.pipeline.plan import Target
from agreement_builder.pipeline.render import (
    Output,
    PartPdf,
    RenderTask,
    TaskResult,
    fingerprint,
)
from agreement_builder.pipeline.schedule import Scheduler, run
from agreement_builder.theme import Templates

ASSETS = "assets"
AGREEMENT = "<agreement/>"
COMMON = "<common/>"


def task(name: str, *parts: str, formats: tuple[str, ...] = ("pdf", "docx")) -> RenderTask:
    target = Target("package" if len(parts) > 1 else "agreement", name, "fi", (), name, formats)
    return RenderTask(
        target,
        parts,
        formats,
        fingerprint(ASSETS, parts),
        ASSETS,
        Templates.shipped(),
        None,
    )


def batch() -> list[RenderTask]:
    """The agreement, and three packages that join it; two of them share a common part."""
    return [
        task("kemi", "<cover kemi/>", AGREEMENT, COMMON, "<annex kemi/>"),
        task("agreement", AGREEMENT),
        task("ranua", "<cover ranua/>", AGREEMENT, COMMON, "<annex ranua/>"),
        task("area", "<cover area/>", AGREEMENT, "<annex area/>"),
    ]


class Fakes:
    """Render and draw functions that record their calls and what each task was given."""

    def __init__(self, fail_parts: bool = False, fail_agreement: bool = False) -> None:
        self.calls: list[str] = []
        self.given: dict[str, dict[int, bytes]] = {}
        self.fail_parts, self.fail_agreement = fail_parts, fail_agreement
        self.lock = threading.Lock()

    def draw(self, html: str, templates: Templates) -> PartPdf:
        with self.lock:
            self.calls.append(f"draw {html}")
        if self.fail_parts:
            raise RuntimeError("no")
        return PartPdf(f"pdf of {html}".encode(), ())

    def render(self, task: RenderTask) -> TaskResult:
        name = task.target.stem
        with self.lock:
            self.calls.append(f"render {name}")
            self.given[name] = {index: part.data for index, part in task.prepared}
        result = TaskResult(task.target, task.fingerprint)
        if name == "agreement" and self.fail_agreement:
            result.failures.append(("pdf", "broken"))
        else:
            result.outputs.append(Output("pdf", f"pdf of {name}".encode(), 1))
        return result


def test_a_shared_part_is_drawn_once_and_given_to_every_document_that_joins_it() -> None:
    fakes = Fakes()
    results = list(run(batch(), {}, render=fakes.render, draw=fakes.draw))
    assert sorted(r.target.stem for r in results) == ["agreement", "area", "kemi", "ranua"]
    # The common part is drawn once; the agreement is its own document, never drawn as a part.
    assert fakes.calls.count(f"draw {COMMON}") == 1
    assert f"draw {AGREEMENT}" not in fakes.calls
    # Packages wait for the agreement, then get its PDF (and the common part) to join.
    assert fakes.calls.index("render agreement") < fakes.calls.index("render kemi")
    assert fakes.given["kemi"] == {1: b"pdf of agreement", 2: f"pdf of {COMMON}".encode()}
    assert fakes.given["area"] == {1: b"pdf of agreement"}
    assert fakes.given["agreement"] == {}


def test_a_part_used_by_one_document_only_is_drawn_by_that_document() -> None:
    fakes = Fakes()
    tasks = [task("kemi", "<cover/>", COMMON, "<annex/>")]
    list(run(tasks, {}, render=fakes.render, draw=fakes.draw))
    assert fakes.calls == ["render kemi"] and fakes.given["kemi"] == {}


def test_a_failed_part_is_drawn_by_each_document_itself() -> None:
    fakes = Fakes(fail_parts=True, fail_agreement=True)
    results = list(run(batch(), {}, render=fakes.render, draw=fakes.draw))
    assert len(results) == 4  # nobody waits forever
    assert fakes.given["kemi"] == {} and fakes.given["ranua"] == {}


def test_parts_ready_on_disk_are_joined_not_drawn_and_nothing_waits_for_them() -> None:
    fakes = Fakes()
    tasks = [t for t in batch() if t.target.stem in ("kemi", "ranua")]
    ready = {fingerprint(ASSETS, (AGREEMENT,)): b"agreement on disk"}
    scheduler = Scheduler(tasks, ready)
    parts, startable = scheduler.start()
    assert [p.html for p in parts] == [COMMON] and startable == []
    list(run(tasks, ready, render=fakes.render, draw=fakes.draw))
    assert fakes.given["kemi"][1] == b"agreement on disk"


def test_a_docx_only_task_joins_nothing_and_waits_for_nothing() -> None:
    tasks = [task("agreement", AGREEMENT), task("kemi", "<c/>", AGREEMENT, formats=("docx",))]
    parts, startable = Scheduler(tasks, {}).start()
    assert parts == [] and [t.target.stem for t in startable] == ["agreement", "kemi"]


@pytest.mark.parametrize("workers", [1, 3])
def test_in_a_pool_the_same_parts_are_drawn_once_and_progress_counts_every_document(
    workers: int,
) -> None:
    fakes = Fakes()
    seen: list[tuple[str, int, int]] = []
    with ThreadPoolExecutor(workers) as pool:
        results = list(
            run(
                batch(),
                {},
                pool=pool,
                render=fakes.render,
                draw=fakes.draw,
                progress=lambda what, done, total: seen.append((what, done, total)),
            )
        )
    assert len(results) == 4 and fakes.calls.count(f"draw {COMMON}") == 1
    assert [done for _, done, _ in seen] == [1, 2, 3, 4] and {t for *_, t in seen} == {4}
    assert fakes.given["ranua"] == {1: b"pdf of agreement", 2: f"pdf of {COMMON}".encode()}
