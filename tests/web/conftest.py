"""The web application's tests: Django's test client, the worker, a real browser.

Django is configured here, before pytest-django needs it, with a data folder of the session's
own; the task queue runs tasks at once (Huey's immediate mode) unless a test starts a real worker.
DATABASE_URL (PostgreSQL) and REDIS_URL are taken from the environment, as in production.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

pytest.importorskip("django", reason="the web extra is not installed: pip install -e '.[web]'")
pytest.importorskip("pytest_django", reason="pytest-django is not installed")

DATA = Path(tempfile.mkdtemp(prefix="agreement-builder-web-"))
os.environ["AGREEMENT_BUILDER_DATA"] = str(DATA)
os.environ["DJANGO_SETTINGS_MODULE"] = "agreement_builder.web.settings"
os.environ.setdefault("AGREEMENT_BUILDER_IMMEDIATE", "1")
# The test client and the browser speak plain HTTP to a local server.
os.environ["AGREEMENT_BUILDER_HTTP"] = "1"
os.environ["AGREEMENT_BUILDER_HEALTH_TIMEOUT"] = "10"
# Each task closes its database connection, so the test database can be dropped at the end.
os.environ["AGREEMENT_BUILDER_DB_CONN_MAX_AGE"] = "0"

import django  # noqa: E402

django.setup()

from tests.conftest import FIXTURES  # noqa: E402

PASSWORD = "kissa-kala-koira-42"


@pytest.fixture(autouse=True)
def _fresh_lockouts(db):
    """django-axes counts failed sign-ins in the database and a cache: each test starts clean."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def make_user(db):
    from agreement_builder.web.models import User

    def make(name: str, role: str = "preparer", party: str = "", language: str = "fi"):
        user = User(username=name, role=role, party=party, language=language)
        user.set_password(PASSWORD)
        user.save()
        return user

    return make


@pytest.fixture
def preparer(make_user):
    return make_user("valmistelija", "preparer")


@pytest.fixture
def ranua_secretary(make_user):
    return make_user("ranua-sihteeri", "secretary", "ranua")


@pytest.fixture
def rovaniemi_secretary(make_user):
    return make_user("rovaniemi-sihteeri", "secretary", "rovaniemi", "sv")


@pytest.fixture
def minimal_yaml() -> bytes:
    return (FIXTURES / "minimal.yaml").read_bytes()


def upload_file(client, content: bytes, name: str = "testi.yaml"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post("/upload/", {"file": SimpleUploadedFile(name, content)})


@pytest.fixture
def built_version(client, preparer, minimal_yaml):
    """The minimal workbook uploaded and built (the worker's task runs at once); later builds
    of the same workbook in the session's data folder find nothing to do."""
    from agreement_builder.web.models import Version

    client.force_login(preparer)
    upload_file(client, minimal_yaml)
    version = Version.objects.get()
    client.post(f"/versions/{version.pk}/build/")
    version.refresh_from_db()
    assert version.state == Version.BUILT, version.errors
    client.logout()
    return version


@pytest.fixture
def consumer():
    """A real Huey consumer (worker threads taking tasks from the configured queue)."""
    from huey.contrib.djhuey import HUEY

    from agreement_builder.web import tasks

    HUEY.immediate = False
    HUEY.flush()
    running = HUEY.create_consumer(workers=1, worker_type="thread", max_delay=0.2)
    running.start()
    beating = tasks.start_heartbeat()
    try:
        yield HUEY
    finally:
        beating.set()
        running.stop(graceful=True)
        HUEY.flush()
        HUEY.immediate = True


def approve(version, parties: tuple[str, ...], section: str = "") -> None:
    """Record each party's council decision approving `version` (the rest of the parties)."""
    from agreement_builder.web.models import Decision

    for party in parties:
        Decision.objects.create(
            version=version,
            party=party,
            stage="council",
            body="valtuusto",
            date="2026-12-02",
            section=section,
            outcome="approved",
        )
