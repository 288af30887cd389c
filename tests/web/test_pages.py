"""Every page through Django's test client: the preparer's cycle from upload to final."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.conf import settings

from agreement_builder.web import documents
from agreement_builder.web.models import Decision, Upload, Version

from .conftest import PASSWORD, approve, upload_file

pytestmark = pytest.mark.django_db


def test_pages_ask_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/signin/")


def test_sign_in_and_out(client, preparer):
    page = client.get("/signin/")
    assert page.status_code == 200
    assert b'<label for="id_username">' in page.content
    assert b"autofocus" not in page.content  # the focus starts at the skip link
    response = client.post("/signin/", {"username": preparer.username, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    assert client.post("/signout/").status_code == 302
    assert client.get("/").status_code == 302


def test_failed_sign_ins_are_rate_limited(client, preparer):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        wrong = client.post("/signin/", {"username": preparer.username, "password": "väärä"})
        assert wrong.status_code == 200
    locked = client.post("/signin/", {"username": preparer.username, "password": "väärä"})
    assert locked.status_code == 429
    # Locked out even with the right password, until the cool-off ends.
    right = client.post("/signin/", {"username": preparer.username, "password": PASSWORD})
    assert right.status_code == 429
    assert client.get("/").status_code == 302


def test_an_upload_with_errors_shows_each_at_its_line_grouped_and_linkable(
    client, preparer, minimal_yaml
):
    client.force_login(preparer)
    bad = (
        minimal_yaml.replace(b"responsible: [alue,", b"responsible: [alu,")
        .replace(b'code: "683"', b"code: 683")
        .replace(b"purpose: Sopimuksen", b"purpose: TODO Sopimuksen")
    )
    response = upload_file(client, bad)
    item = Upload.objects.get()
    assert response["Location"] == f"/uploads/{item.pk}/"
    assert len(item.problems) == 3 and item.todo == 1
    assert Version.objects.count() == 0
    page = client.get(response["Location"]).content.decode()
    assert "3 korjattavaa ongelmaa" in page  # the preparer reads Finnish
    assert "1 paikkamerkki vielä täytettävänä" in page
    assert 'id="problem-1"' in page and 'href="#problem-1"' in page
    assert "rivi 43, sarake 23" in page
    assert "goals[T1].measures[T1.1].responsible[1]" in page
    assert "unknown party &#x27;alu&#x27;; did you mean &#x27;alue&#x27;?" in page
    assert "responsible: [alu, all-municipalities]" in page  # the line itself
    assert 'href="#group-' in page  # grouped, with links to each group


def test_a_corrected_upload_becomes_a_version(client, preparer, minimal_yaml):
    client.force_login(preparer)
    upload_file(client, minimal_yaml.replace(b'code: "683"', b"code: 683"))
    first = Upload.objects.get()
    response = client.post(f"/uploads/{first.pk}/", {"file": _file(minimal_yaml)})
    second = Upload.objects.exclude(pk=first.pk).get()
    assert response["Location"] == f"/uploads/{second.pk}/"
    assert second.valid and second.version is not None
    assert second.version.number == "0.1"
    assert [p["id"] for p in second.version.parties] == ["alue", "ranua", "rovaniemi"]
    page = client.get(f"/uploads/{second.pk}/").content.decode()
    assert f'action="/versions/{second.version.pk}/build/"' in page


def _file(content: bytes, name: str = "testi.yaml"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


def test_upload_refuses_other_types_and_large_files(client, preparer, minimal_yaml):
    client.force_login(preparer)
    response = upload_file(client, minimal_yaml, "testi.exe")
    assert response.status_code == 400
    assert b'aria-describedby="id_file_help id_file_error"' in response.content
    assert b'aria-invalid="true"' in response.content
    huge = b"#" * (settings.MAX_WORKBOOK_BYTES + 1)
    assert upload_file(client, huge).status_code == 400
    assert Upload.objects.count() == 0


def test_uploads_are_stored_outside_the_web_root_under_generated_names(
    client, preparer, minimal_yaml
):
    client.force_login(preparer)
    upload_file(client, minimal_yaml, "../../evil name.yaml")
    item = Upload.objects.get()
    stored = settings.UPLOAD_DIR / item.stored
    assert stored.read_bytes() == minimal_yaml
    assert item.stored != item.original_name and "/" not in item.stored
    assert item.original_name == "evil name.yaml"
    assert not str(stored).startswith(str(settings.STATIC_ROOT))
    download = client.get(f"/uploads/{item.pk}/workbook/")
    assert b"".join(download.streaming_content) == minimal_yaml


def test_a_workbook_from_the_registry_counts_its_placeholders(client, preparer):
    client.force_login(preparer)
    response = client.post("/new/", {"area": "kainuu"})
    item = Upload.objects.get()
    assert response["Location"] == f"/uploads/{item.pk}/"
    assert item.todo and item.todo == len(item.problems)
    page = client.get(f"/uploads/{item.pk}/").content.decode()
    assert f"{item.todo} paikkamerkkiä vielä täytettävänä" in page
    xlsx = client.get(f"/uploads/{item.pk}/xlsx/")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert "kainuu.xlsx" in xlsx["Content-Disposition"]


def test_workbook_text_is_escaped(client, preparer, minimal_yaml):
    client.force_login(preparer)
    hostile = minimal_yaml.replace(
        b"title: {fi: Testialueen yhteisty\xc3\xb6sopimus}",
        b'title: {fi: "<script>alert(1)</script>"}',
    ).replace(b"name: {fi: Ranuan kunta}", b'name: {fi: "<b>Ranua</b>"}')
    upload_file(client, hostile)
    page = client.get("/").content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    version = Version.objects.get()
    tracker = client.get(f"/versions/{version.pk}/tracker/").content.decode()
    assert "<b>Ranua</b>" not in tracker and "&lt;b&gt;Ranua&lt;/b&gt;" in tracker


def test_a_problem_quoting_hostile_text_shows_it_as_text(client, preparer, minimal_yaml):
    client.force_login(preparer)
    hostile = minimal_yaml.replace(
        b"format: agreement-workbook/1",
        b"format: agreement-workbook/1\n'<img src=x onerror=alert(1)>': 1",
    )
    upload_file(client, hostile)
    page = client.get(f"/uploads/{Upload.objects.get().pk}/").content.decode()
    assert "<img src=x" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


def test_build_result_documents_by_party_zip_and_downloads(client, preparer, built_version):
    client.force_login(preparer)
    page = client.get(f"/versions/{built_version.pk}/").content.decode()
    for name in (
        "testi_v0.1_LUONNOS_fi.pdf",
        "ranua_sopimusliite_v0.1_LUONNOS_fi.pdf",
        "rovaniemi_esityslista-asia_valtuusto_v0.1_LUONNOS_fi.docx",
    ):
        assert name in page
    assert page.index("Ranuan kunta") < page.index("Rovaniemen kaupunki")
    source = Upload.objects.get(version=built_version)
    assert f"/uploads/{source.pk}/workbook/" in page  # the workbook it was built from
    document = client.get(
        f"/versions/{built_version.pk}/files/ranua_sopimusliite_v0.1_LUONNOS_fi.pdf"
    )
    assert document.status_code == 200
    assert b"".join(document.streaming_content)[:5] == b"%PDF-"
    assert client.get(f"/versions/{built_version.pk}/files/manifest.json").status_code == 404
    assert client.get(f"/versions/{built_version.pk}/files/..%2Fmanifest.json").status_code == 404
    archive = client.get(f"/versions/{built_version.pk}/parties/ranua.zip")
    assert archive.status_code == 200
    assert 'filename="ranua_v0.1_LUONNOS.zip"' in archive["Content-Disposition"]
    names = set(zipfile.ZipFile(io.BytesIO(archive.content)).namelist())
    expected = {e["path"] for e in documents.documents(built_version) if e["party"] == "ranua"}
    assert names == expected
    assert {
        "ranua_sopimusliite_v0.1_LUONNOS_fi.pdf",
        "ranua_esityslista-asia_valtuusto_v0.1_LUONNOS_fi.docx",
    } <= names
    progress = client.get(f"/versions/{built_version.pk}/progress/", HTTP_HX_REQUEST="true")
    assert progress["HX-Refresh"] == "true"


def _second_version(client, minimal_yaml):
    newer = minimal_yaml.replace(b'version: "0.1"', b'version: "0.2"').replace(
        b"Liikuntaneuvonta k\xc3\xa4ynnistet\xc3\xa4\xc3\xa4n.",
        b"Liikuntaneuvonta laajennetaan kaikkiin kuntiin.",
    )
    upload_file(client, newer)
    return Version.objects.get(number="0.2")


def test_compare_shows_the_libraries_changes(client, preparer, minimal_yaml):
    client.force_login(preparer)
    upload_file(client, minimal_yaml)
    old = Version.objects.get(number="0.1")
    new = _second_version(client, minimal_yaml)
    page = client.get(f"/versions/{new.pk}/compare/", {"other": old.pk}).content.decode()
    assert "T1.1" in page
    assert "<del>" in page and "<ins>" in page
    assert 'lang="fi"' in page
    assert client.get(f"/versions/{new.pk}/compare/", {"other": 99999}).status_code == 400


def test_decisions_tracker_and_finalize(client, preparer, ranua_secretary, built_version):
    version = built_version
    client.force_login(ranua_secretary)
    page = client.get("/").content.decode()
    assert "/agreements/testi/parties/ranua/" in page
    assert '<span lang="fi">Ranuan kunta</span>' in page
    party = client.get("/agreements/testi/parties/ranua/")
    assert party.status_code == 200
    assert b"ranua_sopimusliite_v0.1_LUONNOS_fi.pdf" in party.content
    assert b"rovaniemi_" not in party.content
    missing = client.post(
        "/agreements/testi/parties/ranua/",
        {"version": version.pk, "stage": "council", "body": "kunnanvaltuusto", "date": "1.12.2026"},
    )
    assert missing.status_code == 400
    assert b'id="id_outcome_error"' in missing.content
    signed = _file(b"%PDF-1.7 signed", "poytakirja.pdf")
    response = client.post(
        "/agreements/testi/parties/ranua/",
        {
            "version": version.pk,
            "stage": "council",
            "body": "kunnanvaltuusto",
            "date": "1.12.2026",
            "section": "45",
            "outcome": "approved",
            "signed_pdf": signed,
        },
    )
    assert response.status_code == 302
    decision = Decision.objects.get()
    assert decision.approves and decision.section == "45"
    assert client.get(f"/decisions/{decision.pk}/signed.pdf").status_code == 200
    not_pdf = client.post(
        "/agreements/testi/parties/ranua/",
        {
            "version": version.pk,
            "stage": "sent",
            "body": "x",
            "date": "1.12.2026",
            "signed_pdf": _file(b"MZ....", "virus.pdf"),
        },
    )
    assert not_pdf.status_code == 400

    client.force_login(preparer)
    tracker = client.get(f"/versions/{version.pk}/tracker/").content.decode()
    assert "2 osapuolta ei ole vielä hyväksynyt tätä versiota." in tracker
    assert "1.12.2026, § 45" in tracker
    refused = client.post(f"/versions/{version.pk}/finalize/")
    assert refused.status_code == 302
    version.refresh_from_db()
    assert not version.final
    approve(version, ("alue", "rovaniemi"))
    ready = client.get(f"/versions/{version.pk}/tracker/").content.decode()
    assert f'action="/versions/{version.pk}/finalize/"' in ready
    client.post(f"/versions/{version.pk}/finalize/")
    version.refresh_from_db()
    assert version.final and version.finalized_by == preparer

    # Final is immutable: no new build, no upload of the same version, no new records.
    client.post(f"/versions/{version.pk}/build/")
    version.refresh_from_db()
    assert version.state == Version.BUILT
    minimal = (settings.UPLOAD_DIR / version.workbook).read_bytes()
    upload_file(client, minimal.replace(b"31 %", b"32 %"))
    assert "on lopullinen" in Upload.objects.order_by("-created").first().refused
    version.refresh_from_db()
    assert version.workbook != Upload.objects.order_by("-created").first().stored
    client.force_login(ranua_secretary)
    late = client.post(
        "/agreements/testi/parties/ranua/",
        {"version": version.pk, "stage": "sent", "body": "x", "date": "1.12.2026"},
    )
    assert late.status_code in (200, 400)
    assert Decision.objects.filter(party="ranua").count() == 1


def test_the_preparer_records_a_version_sent_to_every_party_at_once(
    client, preparer, ranua_secretary, built_version
):
    Decision.objects.create(
        version=built_version,
        party="ranua",
        stage="sent",
        body="kunnanhallitus",
        date="2026-11-25",
    )
    client.force_login(preparer)
    page = client.get(f"/versions/{built_version.pk}/tracker/").content.decode()
    assert f'action="/versions/{built_version.pk}/sent/"' in page
    assert client.post(f"/versions/{built_version.pk}/sent/").status_code == 302
    sent = Decision.objects.filter(version=built_version, stage="sent")
    assert sorted(sent.values_list("party", flat=True)) == ["alue", "ranua", "rovaniemi"]
    assert sent.get(party="rovaniemi").body == "kaupunginvaltuusto"
    client.post(f"/versions/{built_version.pk}/sent/")
    assert sent.count() == 3  # each party once
    page = client.get(f"/versions/{built_version.pk}/tracker/").content.decode()
    assert f'action="/versions/{built_version.pk}/sent/"' not in page


def test_accessibility_statement_is_public_with_a_feedback_address(client):
    page = client.get("/accessibility/").content.decode()
    assert "306/2019" in page
    assert f"mailto:{settings.FEEDBACK_ADDRESS}" in page


def test_language_is_chosen_per_user(client, rovaniemi_secretary, preparer):
    client.force_login(rovaniemi_secretary)
    assert '<html lang="sv">' in client.get("/").content.decode()
    client.force_login(preparer)
    assert '<html lang="fi">' in client.get("/").content.decode()
    client.post("/language/", {"language": "sv", "next": "/"})
    preparer.refresh_from_db()
    assert preparer.language == "sv"
    assert '<html lang="sv">' in client.get("/").content.decode()
    evil = client.post("/language/", {"language": "fi", "next": "https://evil.example/"})
    assert evil["Location"] == "/"


def test_pages_allow_only_the_sites_own_scripts(client):
    policy = client.get("/signin/")["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy


def test_csrf_is_enforced_on_forms(preparer, minimal_yaml):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(preparer)
    assert strict.post("/upload/", {"file": _file(minimal_yaml)}).status_code == 403


def test_a_request_larger_than_any_upload_is_refused_before_it_is_read(client, preparer):
    client.force_login(preparer)
    response = client.generic(
        "POST",
        "/upload/",
        b"x",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(settings.MAX_REQUEST_BYTES + 1),
    )
    assert response.status_code == 413
    assert Upload.objects.count() == 0


def test_a_spreadsheet_upload_shows_each_problem_at_its_sheet_and_cell(
    client, preparer, minimal_yaml, tmp_path
):
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    from agreement_builder.commands.spreadsheet import export_xlsx

    (tmp_path / "testi.yaml").write_bytes(minimal_yaml)
    export_xlsx(tmp_path / "testi.yaml", tmp_path / "testi.xlsx")
    book = load_workbook(tmp_path / "testi.xlsx")
    sheet = book["Osapuolet"]
    column = [cell.value for cell in sheet[1]].index("Kuntakoodi") + 1
    sheet.cell(row=3, column=column).value = "68"
    book.save(tmp_path / "testi.xlsx")
    client.force_login(preparer)
    upload_file(client, (tmp_path / "testi.xlsx").read_bytes(), "testi.xlsx")
    item = Upload.objects.get()
    page = client.get(f"/uploads/{item.pk}/").content.decode()
    cell = f"{get_column_letter(column)}3"
    assert f"välilehti Osapuolet, solu {cell}" in page
    assert "<code>Kuntakoodi</code>" in page
    assert '<h2 id="group-1">Osapuolet</h2>' in page
    assert "/xlsx/" not in page  # already a spreadsheet


def test_a_new_password_lifts_a_lockout_and_a_closed_account_cannot_sign_in(client, preparer):
    from agreement_builder.errors import AccountError
    from agreement_builder.web.server import remove_user, set_password

    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/signin/", {"username": preparer.username, "password": "väärä"})
    assert (
        client.post("/signin/", {"username": preparer.username, "password": PASSWORD}).status_code
        == 429
    )
    assert set_password(preparer.username, "uusi-salasana-1234", None).endswith("password changed")
    signed = client.post(
        "/signin/", {"username": preparer.username, "password": "uusi-salasana-1234"}
    )
    assert signed.status_code == 302
    client.logout()
    assert remove_user(preparer.username, None).endswith("account closed")
    closed = client.post(
        "/signin/", {"username": preparer.username, "password": "uusi-salasana-1234"}
    )
    assert closed.status_code == 200  # the form again, with its error
    with pytest.raises(AccountError, match="no account 'nobody'"):
        set_password("nobody", "uusi-salasana-1234", None)


def test_a_name_in_another_language_than_the_page_says_so(
    client, preparer, rovaniemi_secretary, minimal_yaml
):
    client.force_login(preparer)
    upload_file(client, minimal_yaml)
    client.force_login(rovaniemi_secretary)  # reads Swedish; the agreement is in Finnish only
    page = client.get("/agreements/testi/parties/rovaniemi/").content.decode()
    assert '<html lang="sv">' in page
    assert '<span lang="fi">Rovaniemen kaupunki</span>' in page


def test_a_bilingual_partys_name_follows_the_readers_language(client, preparer, make_user):
    from tests.conftest import FIXTURES

    client.force_login(preparer)
    upload_file(client, (FIXTURES / "bilingual.yaml").read_bytes(), "tvasprakig.yaml")
    version = Version.objects.get()
    party = next(p for p in version.parties if len(p["names"]) == 2)
    for language in ("fi", "sv"):
        reader = make_user(f"sihteeri-{language}", "secretary", party["id"], language)
        client.force_login(reader)
        page = client.get(f"/agreements/{version.agreement.key}/parties/{party['id']}/")
        assert f'<span lang="{language}">{party["names"][language]}</span>' in page.content.decode()


def test_the_tracker_says_when_a_party_approved_another_version(client, preparer, minimal_yaml):
    from agreement_builder.web.tracker import tracker

    client.force_login(preparer)
    upload_file(client, minimal_yaml)
    old = Version.objects.get(number="0.1")
    new = _second_version(client, minimal_yaml)
    approve(old, ("ranua",))
    approve(new, ("alue", "rovaniemi"))
    track = tracker(new)
    assert not track.all_approved
    assert [row.party["id"] for row in track.waiting] == ["ranua"]
    assert track.waiting[0].approved_other == ["0.1"]
    page = client.get(f"/versions/{new.pk}/tracker/").content.decode()
    assert "hyväksynyt version 0.1" in page
    assert f'action="/versions/{new.pk}/finalize/"' not in page


def test_a_build_in_progress_is_polled_by_htmx_and_linked_for_pages_without_scripts(
    client, preparer, minimal_yaml
):
    client.force_login(preparer)
    upload_file(client, minimal_yaml)
    version = Version.objects.get()
    Version.objects.filter(pk=version.pk).update(
        state=Version.BUILDING, progress_done=3, progress_total=14, progress_what="ranua (fi)"
    )
    page = client.get(f"/versions/{version.pk}/").content.decode()
    assert f'hx-get="/versions/{version.pk}/progress/"' in page
    assert 'hx-trigger="every 1s"' in page
    assert f'href="/versions/{version.pk}/#progress"' in page  # the link without scripts
    assert '<progress max="14" value="3"' in page
    assert "3/14 asiakirjaa valmiina" in page
    part = client.get(f"/versions/{version.pk}/progress/", HTTP_HX_REQUEST="true")
    assert "HX-Refresh" not in part and "3/14" in part.content.decode()
    assert f'action="/versions/{version.pk}/build/"' not in page  # no second build meanwhile
