"""The build worker: Huey tasks (SQLite storage by default, Redis with REDIS_URL).

`serve` starts a consumer beside the web server; `agreement-builder worker` starts one on any
machine that shares the database, the data folder and the queue.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time

from django.conf import settings
from django.utils import timezone
from huey.contrib.djhuey import HUEY, db_task, task

from ..errors import AgreementBuilderError
from .models import Version
from .workbooks import upload_path

log = logging.getLogger(__name__)


# A worker writes the time into the queue's storage every few seconds, from a thread of its
# own, so that /healthz hears a worker that is busy with a long build as well as an idle one.
HEARTBEAT = "agreement-builder:worker-heartbeat"
HEARTBEAT_SECONDS = 5.0
HEARTBEAT_MAX_AGE = 30.0


@task()
def ping() -> str:
    """Run by the worker; in immediate mode (tests), /healthz asks it instead of the heartbeat."""
    return "pong"


def start_heartbeat() -> threading.Event:
    """Beat once now, then every HEARTBEAT_SECONDS until the returned event is set.

    The first beat is written before this returns, so that /healthz hears a worker as soon as
    it has started (the thread alone lost that race against a request made at once)."""
    stop = threading.Event()

    def beat_once() -> None:
        try:
            HUEY.put(HEARTBEAT, time.time())
        except Exception:  # the queue's storage is away: /healthz will say so
            log.warning("the worker could not write its heartbeat", exc_info=True)

    def beat() -> None:
        while not stop.wait(HEARTBEAT_SECONDS):
            beat_once()

    beat_once()
    threading.Thread(target=beat, name="heartbeat", daemon=True).start()
    return stop


def worker_alive() -> bool:
    """A worker has beaten within HEARTBEAT_MAX_AGE seconds (or, with tasks run at once, the
    task runs)."""
    if HUEY.immediate:
        return bool(ping()(blocking=True, timeout=settings.HEALTH_TIMEOUT) == "pong")
    seen = HUEY.get(HEARTBEAT, peek=True)
    return seen is not None and time.time() - float(seen) < HEARTBEAT_MAX_AGE


@db_task()
def build_version(version_id: int) -> str:
    """Build a version's documents with the library's pipeline, recording progress as it goes."""
    from ..pipeline.run import build

    version = Version.objects.select_related("agreement").get(pk=version_id)
    if version.final:
        return "final"
    Version.objects.filter(pk=version_id).update(
        state=Version.BUILDING,
        builder=worker_id(),
        progress_done=0,
        progress_total=0,
        progress_what="",
        errors=[],
        notes=[],
    )
    last = [0.0]

    def progress(what: str, done: int, total: int) -> None:
        # At most a few writes a second: the page polls, the database need not hear every one.
        now = time.monotonic()
        if done < total and now - last[0] < 0.3:
            return
        last[0] = now
        Version.objects.filter(pk=version_id).update(
            progress_done=done, progress_total=total, progress_what=what[:300]
        )

    try:
        report = build(
            upload_path(version.workbook),
            settings.DOCUMENTS_DIR,
            jobs=settings.BUILD_JOBS,
            progress=progress,
        )
    except AgreementBuilderError as error:
        _finish(version_id, Version.FAILED, error.lines(), [])
        return "failed"
    except Exception as error:  # a bug: recorded, the worker goes on with the next build
        log.exception("build of version %s failed", version_id)
        _finish(version_id, Version.FAILED, [f"{type(error).__name__}: {error}"], [])
        raise
    errors = [f"{f.target} ({f.format}): {f.reason}" for f in report.failures]
    _finish(version_id, Version.BUILT if report.ok else Version.FAILED, errors, list(report.notes))
    return "built" if report.ok else "failed"


def _finish(version_id: int, state: str, errors: list[str], notes: list[str]) -> None:
    updated = {"state": state, "errors": errors, "notes": notes, "built_at": timezone.now()}
    if state == Version.BUILT:
        version = Version.objects.get(pk=version_id)
        updated["progress_done"] = updated["progress_total"] = max(version.progress_total, 1)
    Version.objects.filter(pk=version_id).update(**updated)


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def recover_interrupted() -> int:
    """Builds that a worker of this machine was running when it was stopped (its process is
    gone) are marked failed, so that they can be built again; returns how many."""
    host = socket.gethostname()
    count = 0
    for version in Version.objects.filter(state=Version.BUILDING, builder__startswith=f"{host}:"):
        pid = int(version.builder.rpartition(":")[2] or 0)
        if pid and _alive(pid):
            continue
        count += Version.objects.filter(pk=version.pk, state=Version.BUILDING).update(
            state=Version.FAILED,
            errors=["the build was interrupted (the worker stopped): build again"],
        )
    return count


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
