"""The whole cycle in a real browser: Debian's Chromium driven by Playwright (no browser is
downloaded), against the live application with a real build worker; axe-core checks every page
for WCAG 2.1 AA violations; one walk uses the keyboard alone.

axe-core comes from npm (.ci/run installs it and sets AXE_CORE_JS); set SCREENSHOTS=DIR to keep
a screenshot of every page checked.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from .conftest import PASSWORD, approve

playwright_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE = Path(
    os.environ.get("AXE_CORE_JS", "/tmp/agreement-builder-axe/node_modules/axe-core/axe.min.js")
)
# Playwright's synchronous API runs an event loop in this thread; the ORM calls of the tests
# are still synchronous.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="apt-get install chromium"),
]


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        yield launched
        launched.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(accept_downloads=True, viewport={"width": 1100, "height": 900})
    opened = context.new_page()
    yield opened
    context.close()


def check(page, name: str) -> None:
    """axe-core on the page as shown: no serious or critical WCAG 2.1 A/AA violation."""
    if not AXE.exists():
        pytest.skip(f"axe-core is not installed ({AXE}): npm install axe-core (see .ci/run)")
    shots = os.environ.get("SCREENSHOTS")
    if shots:
        Path(shots).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(shots) / f"{name}.png"), full_page=True)
    # Evaluated through the browser's debugging protocol, which the site's Content Security
    # Policy (no inline scripts) does not stop, while it stays in force for the page itself.
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
    result = page.evaluate(
        """() => axe.run(document, {runOnly: {type: 'tag',
             values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"""
    )
    bad = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert bad == [], f"{name}: {bad}"


def sign_in(page, base: str, name: str) -> None:
    page.goto(f"{base}/signin/")
    page.get_by_label("Käyttäjätunnus").fill(name)
    page.get_by_label("Salasana").fill(PASSWORD)
    page.get_by_role("button", name="Kirjaudu sisään").click()
    page.wait_for_url(f"{base}/")


def sign_out(page) -> None:
    page.get_by_role("button", name=re.compile("Kirjaudu ulos|Logga ut")).click()


def test_the_whole_cycle(
    page, live_server, consumer, preparer, ranua_secretary, minimal_yaml, tmp_path
):
    base = live_server.url
    page.goto(f"{base}/signin/")
    check(page, "01-signin")
    sign_in(page, base, preparer.username)
    check(page, "02-home-empty")

    # A workbook with an error: seen at its line, in place.
    bad = tmp_path / "testi.yaml"
    bad.write_bytes(minimal_yaml.replace(b"responsible: [alue,", b"responsible: [alu,"))
    page.get_by_label("Työkirjatiedosto").set_input_files(str(bad))
    page.get_by_role("button", name="Lataa ja tarkista").click()
    problem = page.locator("#problem-1")
    problem.wait_for()
    assert "rivi 43, sarake 23" in problem.inner_text()
    assert "did you mean 'alue'?" in problem.inner_text()
    assert "responsible: [alu, all-municipalities]" in problem.inner_text()
    page.get_by_role("link", name="rivi 43, sarake 23").click()
    assert page.url.endswith("#problem-1")
    check(page, "03-upload-problems")

    # Fixed: uploaded again on the same page, then built by the worker, progress shown.
    good = tmp_path / "korjattu.yaml"
    good.write_bytes(minimal_yaml)
    page.get_by_label("Työkirjatiedosto").set_input_files(str(good))
    page.get_by_role("button", name="Lataa ja tarkista").click()
    page.get_by_text("Työkirja on kelvollinen.").wait_for()
    check(page, "04-upload-valid")
    page.get_by_role("button", name="Kokoa versio 0.1").click()
    page.wait_for_url(re.compile(r"/versions/\d+/"))
    # htmx polls the progress and reloads the page when the build is done.
    page.get_by_role("heading", name="Asiakirjat").wait_for(timeout=180_000)
    check(page, "05-version-built")
    with page.expect_download() as download:
        page.locator("a[href$='ranua_sopimusliite_v0.1_LUONNOS_fi.pdf']").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name == "ranua_sopimusliite_v0.1_LUONNOS_fi.pdf"
    assert saved.read_bytes()[:5] == b"%PDF-"
    with page.expect_download() as archive:
        page.get_by_role("link", name=re.compile("Ranuan kunta.*zip")).click()
    assert archive.value.suggested_filename == "ranua_v0.1_LUONNOS.zip"
    page.goto(f"{base}/versions/1/tracker/".replace("/1/", f"/{_version_pk()}/"))
    check(page, "06-tracker-empty")
    page.goto(f"{base}/accessibility/")
    check(page, "07-accessibility")
    sign_out(page)

    # The secretary records the council's decision.
    sign_in(page, base, ranua_secretary.username)
    check(page, "08-secretary-home")
    page.get_by_role("link", name="Testialueen yhteistyösopimus").click()
    check(page, "09-party")
    page.get_by_label("Vaihe", exact=True).select_option("council")
    page.get_by_label("Päivämäärä", exact=True).fill("1.12.2026")
    page.get_by_role("button", name="Kirjaa").click()
    # Forgotten: what was decided. The error is tied to its field.
    # The focus is on the summary of what to correct, which links to each field (once the
    # answer has loaded: the click does not wait for it).
    playwright_api.expect(page.locator(".error-summary")).to_be_focused()
    assert page.evaluate("() => document.activeElement.className") == "error-summary"
    outcome = page.locator("#id_outcome")
    assert outcome.get_attribute("aria-invalid") == "true"
    assert "id_outcome_error" in outcome.get_attribute("aria-describedby")
    check(page, "10-party-error")
    outcome.select_option("approved")
    page.get_by_label("Pykälä (§)").fill("45")
    page.get_by_label("Päivämäärä", exact=True).fill("1.12.2026")
    page.get_by_role("button", name="Kirjaa").click()
    page.get_by_text("Päätös kirjattiin.").wait_for()
    assert "1.12.2026" in page.locator("table").last.inner_text()
    sign_out(page)

    # The tracker shows it.
    sign_in(page, base, preparer.username)
    page.goto(f"{base}/versions/{_version_pk()}/tracker/")
    row = page.get_by_role("row", name=re.compile("Ranuan kunta"))
    assert "1.12.2026, § 45" in row.inner_text()
    assert "kyllä" in row.inner_text()
    assert "ei" in page.get_by_role("row", name=re.compile("Rovaniemen kaupunki")).inner_text()
    check(page, "11-tracker")

    # When every party has approved, the preparer marks the version final.
    from agreement_builder.web.models import Version

    version = Version.objects.get(number="0.1")
    approve(version, ("alue", "rovaniemi"), section="7")
    page.reload()
    page.get_by_text("Jokainen osapuoli on hyväksynyt tämän saman version.").wait_for()
    page.get_by_role("button", name="Merkitse lopulliseksi").click()
    page.get_by_text("Versio 0.1 on lopullinen.").wait_for()
    check(page, "12-final")
    page.goto(f"{base}/versions/{version.pk}/")
    assert page.get_by_role("button", name=re.compile("Kokoa")).count() == 0


def _version_pk() -> int:
    from agreement_builder.web.models import Version

    return Version.objects.get(number="0.1").pk


def test_pages_in_swedish_and_the_compare_view(page, live_server, make_user, minimal_yaml):
    from django.test import Client

    from agreement_builder.web.models import Version

    from .conftest import upload_file

    preparer = make_user("beredare", "preparer", language="sv")
    client = Client()
    client.force_login(preparer)
    upload_file(client, minimal_yaml)
    upload_file(
        client,
        minimal_yaml.replace(b'version: "0.1"', b'version: "0.2"').replace(
            b"Liikuntaneuvonta", b"Liikuntaneuvonta ja ravitsemusneuvonta"
        ),
    )
    old, new = Version.objects.get(number="0.1"), Version.objects.get(number="0.2")
    base = live_server.url
    page.goto(f"{base}/signin/")
    page.get_by_label("Käyttäjätunnus").fill("beredare")
    page.get_by_label("Salasana").fill(PASSWORD)
    page.get_by_role("button", name="Kirjaudu sisään").click()
    page.wait_for_url(f"{base}/")
    assert page.locator("html").get_attribute("lang") == "sv"
    page.get_by_role("heading", name="Avtal", exact=True).wait_for()
    check(page, "20-home-sv")
    page.goto(f"{base}/versions/{new.pk}/compare/?other={old.pk}")
    assert page.locator("ins").count() >= 1
    check(page, "21-compare-sv")
    page.goto(f"{base}/no-such-page/")
    check(page, "22-not-found")


def test_a_keyboard_only_walk(page, live_server, preparer, minimal_yaml, tmp_path):
    base = live_server.url
    page.goto(f"{base}/signin/")
    page.keyboard.press("Tab")
    focused = page.evaluate("() => document.activeElement.textContent.trim()")
    assert focused == "Siirry sisältöön"  # the skip link comes first
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"  # and shows where the focus is
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"
    order = []
    for _ in range(3):
        page.keyboard.press("Tab")
        order.append(
            page.evaluate("() => document.activeElement.name || document.activeElement.id")
        )
    assert order[:2] == ["username", "password"]
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    page.keyboard.type(preparer.username)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/")
    # Tab to the file input and the upload button, in the order the page reads.
    names = []
    for _ in range(12):
        page.keyboard.press("Tab")
        names.append(
            page.evaluate(
                "() => (document.activeElement.getAttribute('name') || '') + '|' +"
                " document.activeElement.textContent.trim()"
            )
        )
    assert any(n.startswith("file|") for n in names)
    file_at = next(i for i, n in enumerate(names) if n.startswith("file|"))
    assert "Lataa ja tarkista" in names[file_at + 1]
    language_at = next(i for i, n in enumerate(names) if n.startswith("language|"))
    assert language_at < file_at  # the header before the main content


FOCUSABLE = (
    "a[href], button, input:not([type=hidden]), select, textarea, [tabindex]:not([tabindex='-1'])"
)


def tab_walk(page) -> list[int]:
    """Tab through the page from its top: the document order of each element the focus lands on
    (every focusable element numbered in document order first); each must show its focus."""
    count = page.evaluate(
        f"""() => {{
            const all = [...document.querySelectorAll("{FOCUSABLE}")];
            all.forEach((el, i) => el.dataset.order = i);
            document.activeElement.blur();
            window.scrollTo(0, 0);
            return all.length;
        }}"""
    )
    order = []
    for _ in range(count):
        page.keyboard.press("Tab")
        state = page.evaluate(
            """() => { const el = document.activeElement; const style = getComputedStyle(el);
                 return [el.dataset.order === undefined ? -1 : Number(el.dataset.order),
                         style.outlineStyle, style.outlineWidth]; }"""
        )
        order.append(state[0])
        assert state[1] != "none" and state[2] != "0px", f"no visible focus on element {state[0]}"
    return order


def test_focus_follows_the_reading_order_on_every_kind_of_page(
    page, live_server, preparer, minimal_yaml
):
    from django.test import Client

    from agreement_builder.web.models import Upload, Version

    from .conftest import upload_file

    client = Client()
    client.force_login(preparer)
    upload_file(client, minimal_yaml.replace(b'code: "683"', b"code: 683"))
    upload_file(client, minimal_yaml)
    bad = Upload.objects.exclude(problems=[]).get()
    version = Version.objects.get()
    base = live_server.url
    sign_in(page, base, preparer.username)
    for path in (
        "/",
        f"/uploads/{bad.pk}/",
        f"/versions/{version.pk}/",
        f"/versions/{version.pk}/tracker/",
        "/accessibility/",
    ):
        page.goto(base + path)
        order = tab_walk(page)
        assert order == list(range(len(order))), (path, order)  # each once, in document order


def test_every_step_works_without_javascript(
    browser, live_server, preparer, minimal_yaml, tmp_path
):
    """With scripts off: sign in, change the language, upload, build (the worker's task runs at
    once here) and see the documents."""
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        base = live_server.url
        sign_in(page, base, preparer.username)
        page.get_by_label("Kieli", exact=True).select_option("sv")
        page.get_by_role("button", name="Vaihda").click()
        page.get_by_role("heading", name="Avtal", exact=True).wait_for()
        page.get_by_label("Språk", exact=True).select_option("fi")
        page.get_by_role("button", name="Byt").click()
        workbook = tmp_path / "testi.yaml"
        workbook.write_bytes(minimal_yaml)
        page.get_by_label("Työkirjatiedosto").set_input_files(str(workbook))
        page.get_by_role("button", name="Lataa ja tarkista").click()
        page.get_by_role("button", name="Kokoa versio 0.1").click()
        page.get_by_role("heading", name="Asiakirjat").wait_for()
        assert page.locator("a[href$='ranua_sopimusliite_v0.1_LUONNOS_fi.pdf']").count() == 1
    finally:
        context.close()
