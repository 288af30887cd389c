"""`agreement-builder serve`, `worker` and `users`: one command starts the whole application.

`serve` runs the Django application in waitress, a production WSGI server written in pure
Python: it needs no compiler or C library, runs the same on every platform, and serves with
threads in one process, so the build worker can run beside it as one child process (gunicorn
forks several copies of the application instead, each of which would need its own worker and
its own database connections). runserver is a development server and is not used.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from ..errors import AccountError

DEFAULT_DATA = Path("agreement-builder-data")
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}


def setup(data: Path | None = None, *, http: bool = False, host: str | None = None) -> None:
    """Point Django at the data folder (and its settings at the environment), then start it."""
    if data is not None:
        os.environ["AGREEMENT_BUILDER_DATA"] = str(data.resolve())
    elif "AGREEMENT_BUILDER_DATA" not in os.environ:
        os.environ["AGREEMENT_BUILDER_DATA"] = str(DEFAULT_DATA.resolve())
    if http:
        os.environ["AGREEMENT_BUILDER_HTTP"] = "1"
    if host and host not in LOOPBACK:
        hosts = os.environ.get("AGREEMENT_BUILDER_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
        if host not in hosts.split(","):
            os.environ["AGREEMENT_BUILDER_ALLOWED_HOSTS"] = f"{hosts},{host}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "agreement_builder.web.settings")
    import django

    django.setup()


def migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def serve(
    host: str,
    port: int,
    data: Path | None,
    *,
    http: bool,
    threads: int = 8,
    worker: bool = True,
    say=print,
) -> None:
    """Create or update the database, start the build worker beside the server, and serve."""
    local = host in LOOPBACK
    setup(data, http=http or local, host=host)
    from django.conf import settings

    migrate()
    from .models import User

    say(f"agreement-builder: data in {settings.DATA_DIR}")
    say(
        f"database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}, "
        f"build queue: {'Redis' if os.environ.get('REDIS_URL') else 'SQLite'}"
    )
    if not User.objects.filter(role=User.PREPARER).exists():
        data_option = f" --data {data}" if data else ""
        say("No preparer account yet. Create the first one (it asks for a password):")
        say(f"  agreement-builder users add NAME --role preparer{data_option}")
        say("and one for each council secretary, with their party's id in the workbook:")
        say(f"  agreement-builder users add NAME --role secretary --party PARTY_ID{data_option}")
    if host in {"0.0.0.0", "::"}:
        say(
            "listening on every address: set AGREEMENT_BUILDER_ALLOWED_HOSTS to the host names "
            "people use to reach the site"
        )
    if local and not http:
        say(
            "plain HTTP on the loopback address only; behind an HTTPS proxy set "
            "AGREEMENT_BUILDER_PROXY_HTTPS=1 (see README)"
        )
    # Stopped by SIGTERM (a service manager) as by Ctrl-C: the worker is stopped too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    child = _start_worker() if worker else None
    from waitress import serve as waitress_serve

    from .wsgi import application

    shown = f"[{host}]" if ":" in host else host
    say(f"serving on http://{shown}:{port}/ (Ctrl-C stops)")
    try:
        waitress_serve(
            application,
            host=host,
            port=port,
            threads=threads,
            ident="agreement-builder",
            max_request_body_size=settings.MAX_REQUEST_BYTES,
        )
    finally:
        if child is not None:
            _stop(child)


def _start_worker() -> subprocess.Popen:
    """The build worker as a child process, with the same environment (data folder, database,
    queue): builds render in processes of their own, never in the web server's threads."""
    return subprocess.Popen(
        [sys.executable, "-m", "agreement_builder", "worker"],
        env=os.environ.copy(),
        start_new_session=True,  # its own process group: stopped with its build's processes
    )


def _stop(child: subprocess.Popen) -> None:
    """Stop the worker: a build in progress is interrupted (the next worker marks it failed, to
    be built again), and so are the processes it renders in."""
    try:
        os.killpg(child.pid, signal.SIGTERM)
        child.wait(timeout=10)
    except ProcessLookupError:
        return
    except subprocess.TimeoutExpired:
        os.killpg(child.pid, signal.SIGKILL)
        child.wait()


def work(data: Path | None) -> None:
    """Run the build worker until interrupted (Huey's consumer, one build at a time)."""
    setup(data)
    from huey.contrib.djhuey import HUEY

    from . import tasks

    migrate()
    tasks.recover_interrupted()
    consumer = HUEY.create_consumer(
        workers=1, worker_type="thread", max_delay=1.0, check_worker_health=True
    )
    stop = tasks.start_heartbeat()
    try:
        consumer.run()
    finally:
        stop.set()


def add_user(
    name: str, role: str, party: str | None, language: str, password: str, data: Path | None
) -> str:
    setup(data)
    migrate()
    from .models import User

    if role == User.SECRETARY and not party:
        raise AccountError("a secretary needs --party: the id of their party in the workbook")
    if User.objects.filter(username=name).exists():
        raise AccountError(f"there is already an account '{name}'")
    user = User(username=name, role=role, party=party or "", language=language)
    _check_password(user, password)
    user.set_password(password)
    user.save()
    return f"{name}: {role} account created" + (f" for party {party}" if party else "")


def _check_password(user, password: str) -> None:
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    try:
        validate_password(password, user)
    except ValidationError as error:
        raise AccountError("password: " + " ".join(error.messages)) from None


def set_password(name: str, password: str, data: Path | None) -> str:
    """A new password (which also lifts a sign-in lockout of the account)."""
    setup(data)
    migrate()
    from axes.utils import reset

    from .models import User

    user = User.objects.filter(username=name).first()
    if user is None:
        raise AccountError(f"there is no account '{name}'")
    _check_password(user, password)
    user.set_password(password)
    user.is_active = True
    user.save()
    reset(username=name)
    return f"{name}: password changed"


def remove_user(name: str, data: Path | None) -> str:
    """Close an account: it can no longer sign in; what it recorded stays, with its name."""
    setup(data)
    migrate()
    from .models import User

    if not User.objects.filter(username=name).update(is_active=False):
        raise AccountError(f"there is no account '{name}'")
    return f"{name}: account closed"


def list_users(data: Path | None) -> list[str]:
    setup(data)
    migrate()
    from .models import User

    return [
        f"{user.username}\t{user.role}\t{user.party or '-'}\t{user.language}"
        + ("" if user.is_active else "\tclosed")
        for user in User.objects.order_by("username")
    ]
