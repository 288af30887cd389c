"""`agreement-builder serve` as a user starts it: a fresh data folder, the database made, the
worker started beside the server, the first-run hint, /healthz and /api/validate answering."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

from tests.conftest import FIXTURES, ROOT


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _environment(data: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AGREEMENT_BUILDER_")}
    for name in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "REDIS_URL"):
        env.pop(name, None)
    env["PYTHONPATH"] = str(ROOT)
    return env


def _processes_using(data: Path) -> list[int]:
    """Processes whose environment names this data folder (the server's worker)."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            environ = (proc / "environ").read_bytes()
        except (OSError, ValueError):
            continue
        if f"AGREEMENT_BUILDER_DATA={data.resolve()}".encode() in environ.split(b"\0"):
            found.append(int(proc.name))
    return found


def _multipart(name: str, content: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"


def test_serve_starts_everything_with_one_command(tmp_path):
    data, port = tmp_path / "data", _free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "agreement_builder",
            "serve",
            "--port",
            str(port),
            "--data",
            str(data),
        ],
        env=_environment(data),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=tmp_path,
    )
    try:
        health = None
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=15) as r:
                    health = (r.status, json.loads(r.read()))
                    break
            except (OSError, ValueError):
                time.sleep(0.5)
        assert health == (200, {"ok": True, "database": True, "worker": True})
        assert (data / "db.sqlite3").exists() and (data / "tasks.sqlite3").exists()
        mode = subprocess.run(
            [
                sys.executable,
                "-c",
                "import sqlite3,sys; print(sqlite3.connect(sys.argv[1])"
                ".execute('PRAGMA journal_mode').fetchone()[0])",
                str(data / "db.sqlite3"),
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        assert mode.stdout.strip() == "wal"
        body, kind = _multipart(
            "bad.yaml",
            (FIXTURES / "minimal.yaml").read_bytes().replace(b'code: "683"', b"code: 683"),
        )
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/api/validate", data=body, headers={"Content-Type": kind}
        )
        with urllib.request.urlopen(request, timeout=30) as r:
            [problem] = json.loads(r.read())
        assert problem["field"] == "municipalities[ranua].code"
        assert problem["line"] == 19 and problem["kind"] == "error"
        assert _processes_using(data)  # the worker, beside the server
    finally:
        server.terminate()
        out, _ = server.communicate(timeout=30)
    assert _processes_using(data) == []  # the worker stopped with the server
    assert "agreement-builder users add NAME --role preparer" in out
    assert "--role secretary --party PARTY_ID" in out
    assert server.returncode == 0, out


def test_users_add_makes_an_account_that_signs_in(tmp_path):
    data = tmp_path / "data"
    made = subprocess.run(
        [
            sys.executable,
            "-m",
            "agreement_builder",
            "users",
            "add",
            "maija",
            "--role",
            "secretary",
            "--party",
            "ranua",
            "--language",
            "sv",
            "--password-stdin",
            "--data",
            str(data),
        ],
        input="kissa-kala-koira-42\n",
        env=_environment(data),
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert made.returncode == 0, made.stderr
    assert "maija: secretary account created for party ranua" in made.stdout
    listed = subprocess.run(
        [sys.executable, "-m", "agreement_builder", "users", "list", "--data", str(data)],
        env=_environment(data),
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert "maija\tsecretary\tranua\tsv" in listed.stdout
    weak = subprocess.run(
        [
            sys.executable,
            "-m",
            "agreement_builder",
            "users",
            "add",
            "pekka",
            "--role",
            "preparer",
            "--password-stdin",
            "--data",
            str(data),
        ],
        input="123\n",
        env=_environment(data),
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert weak.returncode == 1
    assert "password:" in weak.stderr and "Traceback" not in weak.stderr


def test_cookies_are_secure_unless_plain_http_is_asked_for(tmp_path):
    show = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, "
        "s.SESSION_COOKIE_SAMESITE, s.DEBUG)"
    )
    env = _environment(tmp_path)
    env.update(
        DJANGO_SETTINGS_MODULE="agreement_builder.web.settings",
        AGREEMENT_BUILDER_DATA=str(tmp_path / "data"),
    )
    secure = subprocess.run(
        [sys.executable, "-c", show], env=env, capture_output=True, text=True, check=True
    )
    assert secure.stdout.split() == ["True", "True", "True", "Lax", "False"]
    env["AGREEMENT_BUILDER_HTTP"] = "1"
    plain = subprocess.run(
        [sys.executable, "-c", show], env=env, capture_output=True, text=True, check=True
    )
    assert plain.stdout.split()[:2] == ["False", "False"]
