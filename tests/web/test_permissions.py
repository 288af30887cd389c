"""A secretary of one party against every URL of another party: 403 or 404, never its data.

Every URL of the application is listed here (a test fails when a new one is not), with what a
secretary of Ranua gets for Rovaniemi's records and the preparer's pages.
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import get_resolver

from agreement_builder.web.models import Decision, Upload

from .conftest import upload_file

pytestmark = pytest.mark.django_db

PUBLIC = {"login", "logout", "set_language", "accessibility", "healthz", "api_validate"}


@pytest.fixture
def world(client, preparer, built_version, minimal_yaml):
    client.force_login(preparer)
    upload_file(client, minimal_yaml.replace(b'code: "683"', b"code: 683"))
    upload = Upload.objects.exclude(problems=[]).get()
    theirs = Decision.objects.create(
        version=built_version,
        party="rovaniemi",
        stage="council",
        body="kaupunginvaltuusto",
        date="2026-12-01",
        outcome="approved",
        signed_pdf="nothing.pdf",
    )
    client.logout()
    return {"version": built_version, "upload": upload, "decision": theirs}


def _requests(world) -> list[tuple[str, str, str, dict, set[int]]]:
    """(url name, method, path, data, allowed answers) for Ranua's secretary."""
    v, u, d = world["version"].pk, world["upload"].pk, world["decision"].pk
    decision = {"version": v, "stage": "sent", "body": "x", "date": "1.12.2026"}
    return [
        ("version", "get", f"/versions/{v}/", {}, {403}),
        ("build", "post", f"/versions/{v}/build/", {}, {403}),
        ("progress", "get", f"/versions/{v}/progress/", {}, {403}),
        ("tracker", "get", f"/versions/{v}/tracker/", {}, {403}),
        ("finalize", "post", f"/versions/{v}/finalize/", {}, {403}),
        ("mark_sent", "post", f"/versions/{v}/sent/", {}, {403}),
        ("compare", "get", f"/versions/{v}/compare/", {"other": v}, {403}),
        (
            "document",
            "get",
            f"/versions/{v}/files/rovaniemi_sopimusliite_v0.1_LUONNOS_fi.pdf",
            {},
            {404},
        ),
        (
            "document",
            "get",
            f"/versions/{v}/files/rovaniemi_esityslista-asia_valtuusto_v0.1_LUONNOS_fi.docx",
            {},
            {404},
        ),
        ("document", "get", f"/versions/{v}/files/testi_v0.1_LUONNOS_fi.pdf", {}, {404}),
        ("party_zip", "get", f"/versions/{v}/parties/rovaniemi.zip", {}, {404}),
        ("party", "get", "/agreements/testi/parties/rovaniemi/", {}, {404}),
        ("party", "post", "/agreements/testi/parties/rovaniemi/", decision, {404}),
        ("signed_pdf", "get", f"/decisions/{d}/signed.pdf", {}, {404}),
        ("upload", "get", f"/uploads/{u}/", {}, {403}),
        ("upload", "post", f"/uploads/{u}/", {}, {403}),
        ("upload_file", "get", f"/uploads/{u}/workbook/", {}, {403}),
        ("upload_xlsx", "get", f"/uploads/{u}/xlsx/", {}, {403}),
        ("upload_new", "post", "/upload/", {"file": SimpleUploadedFile("a.yaml", b"x: 1")}, {403}),
        ("new_from_area", "post", "/new/", {"area": "lappi"}, {403}),
        ("home", "get", "/", {}, {200}),
    ]


def test_every_url_is_covered(world):
    names = {p.name for p in get_resolver().url_patterns}
    covered = {name for name, *_ in _requests(world)}
    assert names - PUBLIC - covered == set()


def test_a_secretary_gets_403_or_404_for_another_partys_records(client, ranua_secretary, world):
    client.force_login(ranua_secretary)
    for name, method, path, data, allowed in _requests(world):
        response = getattr(client, method)(path, data)
        assert response.status_code in allowed, (name, method, path, response.status_code)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        body = body.replace(path.encode(), b"")  # the address asked for, as the page repeats it
        assert b"Rovaniemen" not in body and b"rovaniemi_" not in body, (name, path)
    assert Decision.objects.filter(party="rovaniemi").count() == 1
    assert Upload.objects.count() == 2


def test_a_secretary_sees_their_own_partys_records(client, ranua_secretary, world):
    v = world["version"].pk
    mine = Decision.objects.create(
        version=world["version"],
        party="ranua",
        stage="sent",
        body="kunnanhallitus",
        date="2026-11-25",
    )
    client.force_login(ranua_secretary)
    assert client.get("/agreements/testi/parties/ranua/").status_code == 200
    assert client.get(f"/versions/{v}/parties/ranua.zip").status_code == 200
    own = client.get(f"/versions/{v}/files/ranua_sopimusliite_v0.1_LUONNOS_fi.pdf")
    assert own.status_code == 200
    assert client.get(f"/decisions/{mine.pk}/signed.pdf").status_code == 404  # none uploaded


def test_anonymous_visitors_are_sent_to_sign_in(client, world):
    for name, method, path, data, _ in _requests(world):
        response = getattr(client, method)(path, data)
        assert response.status_code == 302, (name, path)
        assert response["Location"].startswith("/signin/")
