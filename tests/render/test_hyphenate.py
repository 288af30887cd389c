"""Hyphenation: soft hyphens in the HTML both writers read, never inside names, ids or numbers."""

from __future__ import annotations

import io
import zipfile

import lxml.html
import pytest

from agreement_builder.render import hyphenate
from agreement_builder.render.docx import render_docx
from agreement_builder.render.hyphenate import SOFT_HYPHEN, hyphenate_html, unavailable

needs_voikko = pytest.mark.skipif(
    hyphenate.hyphenator("fi") is None,
    reason="Voikko is not installed: apt-get install libvoikko1 voikko-fi; pip install libvoikko",
)

NAMES = (
    "Rovaniemen kaupunki",
    "Pohjanmaan hyvinvointialue",
    "Österbottens välfärdsområde",
    "Nykarleby stad",
    "Korsholms kommun",
    "Kristiinankaupungin kaupunki",
)


def page(body: str, lang: str = "fi") -> str:
    head = "<head><title>t</title></head>"
    return f'<!DOCTYPE html><html lang="{lang}">{head}<body>{body}</body></html>'


def body_of(html: str) -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(html).find("body")


def words_of(text: str) -> list[str]:
    return text.split()


@needs_voikko
def test_long_finnish_words_get_soft_hyphens_at_their_joints() -> None:
    html = hyphenate_html(
        page(
            "<table><tr><th>Kuntanumero</th><td>puolivuosittain</td></tr></table>"
            "<p>Hyvinvointialue toimittaa kuntakohtaiset tiedot.</p>"
        )
    )
    text = body_of(html).text_content()
    assert f"Kunta{SOFT_HYPHEN}numero" in text  # a compound breaks at its joint
    assert "puolivuosittain" not in text and "puolivuosittain" in text.replace(SOFT_HYPHEN, "")
    assert f"kunta{SOFT_HYPHEN}koh" in text
    # Short words are left alone; Voikko leaves no single letter on its own ("a-lue").
    assert "tiedot." in words_of(text)
    assert f"{SOFT_HYPHEN}a{SOFT_HYPHEN}" not in text


@needs_voikko
def test_names_ids_numbers_addresses_and_headings_are_never_hyphenated() -> None:
    html = hyphenate_html(
        page(
            "<h1>Pohjanmaan yhteistyösopimus 2027–2029</h1>"
            "<p>Rovaniemen kaupunki ja Rovaniemellä toimiva Pohjanmaan hyvinvointialue sopivat "
            "Kristiinankaupungin kaupungin kanssa mittareista M2-/I2 ja T1.2, y-tunnus 0209602-6, "
            "yhteyshenkilö matti.meikalainen@hyvinvointialue.fi, "
            "https://www.hyvinvointialue.fi/yhteistyosopimukset, LUONNOSVERSIOSSA.</p>"
        ),
        NAMES,
    )
    body = body_of(html)
    text = body.find("p").text_content()
    for kept in (
        "Rovaniemen kaupunki",
        "Rovaniemellä",  # an inflected form of a name
        "Pohjanmaan hyvinvointialue",
        "Kristiinankaupungin",
        "M2-/I2",
        "0209602-6",
        "matti.meikalainen@hyvinvointialue.fi",
        "https://www.hyvinvointialue.fi/yhteistyosopimukset",
        "LUONNOSVERSIOSSA",
    ):
        assert kept in text, kept
    assert SOFT_HYPHEN in text  # the common words around them are hyphenated
    assert SOFT_HYPHEN not in body.find("h1").text_content()
    # A number range and a dashed id are kept on one line, in the heading too.
    kept_together = [span.text for span in body.iter("span") if span.get("class") == "nobreak"]
    assert kept_together == ["2027–2029", "M2-/I2", "0209602-6"]


def test_swedish_is_hyphenated_with_restraint() -> None:
    html = hyphenate_html(
        page(
            "<p>Österbottens välfärdsområde och Nykarleby stad godkänner samarbetsavtalet i "
            "välfärdsområdesfullmäktige och kommunfullmäktige. Korsholms kommun deltar.</p>",
            "sv",
        ),
        NAMES,
    )
    text = body_of(html).text_content()
    for kept in ("Österbottens välfärdsområde", "Nykarleby stad", "Korsholms kommun", "godkänner"):
        assert kept in text, kept  # names, and words under 12 letters, never break
    long_word = next(w for w in words_of(text) if w.replace(SOFT_HYPHEN, "").startswith("kommunf"))
    assert SOFT_HYPHEN in long_word
    # At least four letters stay on each side of a break.
    for word in words_of(text):
        parts = word.strip(".").split(SOFT_HYPHEN)
        if len(parts) > 1:
            assert len(parts[0]) >= 4 and len(parts[-1]) >= 4, word


@needs_voikko
def test_a_passage_is_hyphenated_by_its_own_language() -> None:
    html = hyphenate_html(page('<p>toimittavat <span lang="sv">toimittavat</span></p>'))
    finnish, swedish = body_of(html).find("p").text_content().split(" ")
    assert SOFT_HYPHEN in finnish
    assert SOFT_HYPHEN not in swedish  # Swedish rules: under 12 letters, not hyphenated


def test_without_voikko_finnish_is_left_whole_with_one_note(monkeypatch) -> None:
    monkeypatch.setattr(hyphenate, "_voikko", lambda: None)
    hyphenate.hyphenator.cache_clear()
    hyphenate._word.cache_clear()
    try:
        html = hyphenate_html(page("<p>puolivuosittain kuntakohtaiset</p>"))
        assert SOFT_HYPHEN not in html
        [note] = unavailable(["fi", "sv"])
        assert "Voikko" in note and "libvoikko1 voikko-fi" in note
    finally:
        hyphenate.hyphenator.cache_clear()
        hyphenate._word.cache_clear()


@needs_voikko
def test_the_docx_breaks_where_the_pdf_does() -> None:
    html = hyphenate_html(page("<p>Hyvinvointialue toimittaa tiedot puolivuosittain.</p>"))
    data = render_docx(html).data
    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode("utf-8")
    assert "<w:softHyphen/>" in xml
    assert SOFT_HYPHEN not in xml  # as Word's optional hyphen, never the character itself
    from docx import Document

    [paragraph] = [p for p in Document(io.BytesIO(data)).paragraphs if "tiedot" in p.text]
    assert paragraph.text == "Hyvinvointialue toimittaa tiedot puolivuosittain."
    assert xml.count("<w:softHyphen/>") == html.count(SOFT_HYPHEN)
