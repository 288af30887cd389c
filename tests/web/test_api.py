"""GET /healthz and POST /api/validate: for scripts, no account, nothing stored."""

from __future__ import annotations

import io

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

pytestmark = pytest.mark.django_db


def test_healthz_answers_when_the_database_and_the_worker_do(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"ok": True, "database": True, "worker": True}


def test_healthz_is_503_naming_the_worker_when_it_does_not_answer(client, monkeypatch):
    from agreement_builder.web import tasks

    def silent():
        raise TimeoutError

    monkeypatch.setattr(tasks, "ping", silent)  # the task never answers
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"ok": False, "database": True, "worker": False}


def _validate(client, name: str, content: bytes):
    return client.post("/api/validate", {"file": SimpleUploadedFile(name, content)})


def test_a_valid_workbook_has_no_problems_and_nothing_is_stored(client, minimal_yaml):
    before = sorted(settings.UPLOAD_DIR.iterdir())
    response = _validate(client, "testi.yaml", minimal_yaml)
    assert response.status_code == 200
    assert response.json() == []
    assert sorted(settings.UPLOAD_DIR.iterdir()) == before
    assert not list(settings.DATA_DIR.glob("validate-*"))


def test_yaml_problems_have_line_column_field_message_and_kind(client, minimal_yaml):
    bad = minimal_yaml.replace(b"responsible: [alue,", b"responsible: [alu,").replace(
        b"purpose: Sopimuksen", b"purpose: TODO Sopimuksen"
    )
    response = _validate(client, "testi.yml", bad)
    assert response.status_code == 200
    problems = response.json()
    assert {
        "line": 43,
        "column": 23,
        "field": "goals[T1].measures[T1.1].responsible[1]",
        "message": "unknown party 'alu'; did you mean 'alue'?",
        "kind": "error",
    } in problems
    todo = [p for p in problems if p["kind"] == "placeholder"]
    assert [p["field"] for p in todo] == ["agreement.purpose"]
    assert todo[0]["line"] == 11


def test_spreadsheet_problems_have_sheet_and_cell(client, minimal_yaml, tmp_path):
    from agreement_builder.commands.spreadsheet import export_xlsx

    source = tmp_path / "testi.yaml"
    source.write_bytes(minimal_yaml)
    export_xlsx(source, tmp_path / "testi.xlsx")
    book = load_workbook(tmp_path / "testi.xlsx")
    sheet = book["Osapuolet"]
    headers = [cell.value for cell in sheet[1]]
    column = headers.index("Kuntakoodi") + 1
    sheet.cell(row=3, column=column).value = "68"
    buffer = io.BytesIO()
    book.save(buffer)
    response = _validate(client, "testi.xlsx", buffer.getvalue())
    [problem] = response.json()
    assert problem["sheet"] == "Osapuolet"
    assert problem["cell"] == f"{get_column_letter(column)}3"
    assert problem["field"] == "Kuntakoodi"
    assert "three digits" in problem["message"]
    assert problem["kind"] == "error"
    assert "line" not in problem


def test_a_broken_file_is_one_problem_of_the_whole_file(client):
    response = _validate(client, "testi.yaml", b"\xff\xfe not text")
    [problem] = response.json()
    assert problem["kind"] == "error" and problem["message"]


def test_wrong_type_missing_file_and_too_large_are_refused(client, minimal_yaml):
    assert _validate(client, "testi.txt", minimal_yaml).status_code == 400
    assert client.post("/api/validate", {}).status_code == 400
    huge = b"#" * (settings.MAX_WORKBOOK_BYTES + 1)
    response = _validate(client, "testi.yaml", huge)
    assert response.status_code == 413
    assert "4" in response.json()["error"]  # says the limit, in the visitor's language


def test_validate_needs_no_account_and_no_csrf_token(minimal_yaml):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/api/validate", {"file": SimpleUploadedFile("a.yaml", minimal_yaml)})
    assert response.status_code == 200


def test_validate_takes_post_only(client):
    assert client.get("/api/validate").status_code == 405


def test_validate_is_rate_limited_per_client(client, minimal_yaml, settings):
    settings.API_VALIDATE_PER_MINUTE = 3
    answers = [_validate(client, "a.yaml", b"format: x").status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    from django.test import Client

    elsewhere = Client(REMOTE_ADDR="192.0.2.7")  # another client address: its own count
    response = elsewhere.post("/api/validate", {"file": SimpleUploadedFile("a.yaml", b"x: 1")})
    assert response.status_code == 200
