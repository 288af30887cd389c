"""The build worker for real: Huey's consumer takes the task from the queue (SQLite storage, or
Redis when REDIS_URL is set, as .ci/run does) and builds with the library's pipeline."""

from __future__ import annotations

import os
import time

import pytest

from .conftest import upload_file

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_queue_is_the_one_configured(consumer):
    expected = "RedisStorage" if os.environ.get("REDIS_URL") else "SqliteStorage"
    assert type(consumer.storage).__name__ == expected


def test_a_worker_builds_a_version_and_records_its_progress(
    client, preparer, minimal_yaml, consumer
):
    from agreement_builder.web import documents
    from agreement_builder.web.models import Version

    client.force_login(preparer)
    upload_file(client, minimal_yaml)
    version = Version.objects.get()
    response = client.post(f"/versions/{version.pk}/build/")
    assert response.status_code == 302
    seen = set()
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        version.refresh_from_db()
        seen.add(version.state)
        if version.state in (Version.BUILT, Version.FAILED):
            break
        time.sleep(0.1)
    assert version.state == Version.BUILT, version.errors
    assert seen & {Version.QUEUED, Version.BUILDING}  # it was not built inside the request
    assert version.progress_total and version.progress_done == version.progress_total
    names = {entry["path"] for entry in documents.documents(version)}
    assert "ranua_sopimusliite_v0.1_LUONNOS_fi.pdf" in names
    page = client.get(f"/versions/{version.pk}/")
    assert b"ranua_sopimusliite_v0.1_LUONNOS_fi.pdf" in page.content


def test_healthz_hears_the_real_worker(client, consumer):
    assert client.get("/healthz").status_code == 200


def test_a_build_interrupted_with_its_worker_can_be_built_again(client, preparer, minimal_yaml):
    import subprocess
    import sys

    from agreement_builder.web.models import Version
    from agreement_builder.web.tasks import recover_interrupted, worker_id

    client.force_login(preparer)
    upload_file(client, minimal_yaml)
    version = Version.objects.get()
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    host = worker_id().rpartition(":")[0]
    Version.objects.filter(pk=version.pk).update(state=Version.BUILDING, builder=f"{host}:{gone}")
    assert recover_interrupted() == 1
    version.refresh_from_db()
    assert version.state == Version.FAILED and "interrupted" in version.errors[0]
    # A build whose worker is alive (here: this process) is left alone.
    Version.objects.filter(pk=version.pk).update(state=Version.BUILDING, builder=worker_id())
    assert recover_interrupted() == 0


def test_healthz_is_503_when_no_worker_beats(client):
    from huey.contrib.djhuey import HUEY

    HUEY.immediate = False
    HUEY.flush()
    try:
        response = client.get("/healthz")
    finally:
        HUEY.immediate = True
    assert response.status_code == 503
    assert response.json() == {"ok": False, "database": True, "worker": False}


def test_only_a_recent_heartbeat_counts(client):
    import time as clock

    from huey.contrib.djhuey import HUEY

    from agreement_builder.web import tasks

    HUEY.immediate = False
    try:
        HUEY.put(tasks.HEARTBEAT, clock.time() - tasks.HEARTBEAT_MAX_AGE - 1)
        assert client.get("/healthz").status_code == 503
        HUEY.put(tasks.HEARTBEAT, clock.time())
        assert client.get("/healthz").status_code == 200
    finally:
        HUEY.flush()
        HUEY.immediate = True
