"""Bilingual agreements: each document in its language, each party in its own languages.

The Ostrobothnia example is Swedish-majority (sv, fi) with Finnish-majority Vaasa and Kaskinen and
Finnish-only Laihia; `tests/fixtures/bilingual.yaml` adds a municipality that lists only `sv`.
"""

from __future__ import annotations

import re
import subprocess
from functools import cache
from pathlib import Path

import pikepdf
import pytest
import yaml
from docx import Document as open_docx
from docx.oxml.ns import qn

from tests.conftest import FIXTURES, TEMPLATES, WORKBOOKS
from tests.pipeline.conftest import Built, build_once, docx_blocks

POHJANMAA = yaml.safe_load((WORKBOOKS / "pohjanmaa.yaml").read_text(encoding="utf-8"))
BILINGUAL = yaml.safe_load((FIXTURES / "bilingual.yaml").read_text(encoding="utf-8"))
CATALOGS = {
    lang: yaml.safe_load((TEMPLATES / "messages" / f"{lang}.yaml").read_text(encoding="utf-8"))
    for lang in ("fi", "sv")
}
OTHER = {"fi": "sv", "sv": "fi"}
WORD_LOCALE = {"fi": "fi-FI", "sv": "sv-FI"}


@pytest.fixture(scope="session")
def bilingual(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build_once(tmp_path_factory, FIXTURES / "bilingual.yaml", "bilingual")


def _texts(value: str | dict) -> list[str]:
    return list(value.values()) if isinstance(value, dict) else [value]


@cache
def fixed_wording(language: str) -> frozenset[str]:
    """The pieces of a catalog's wording between its placeholders that the other language's
    catalog does not contain: `Betydelse för`, `har huvudansvar för`, `kunnanhallitus`, ..."""
    theirs = " ".join(t for value in CATALOGS[OTHER[language]].values() for t in _texts(value))
    pieces = set()
    for key, value in CATALOGS[language].items():
        # File names, and single word forms (a kind's genitive, a manager's title) that a
        # workbook's own text may hold too ("hyvinvointialueen seuranta" as a source).
        if key.startswith(("file_", "kind_genitive.", "manager.")):
            continue
        for text in _texts(value):
            for piece in re.split(r"\{\w+\}", text):
                piece = " ".join(piece.split()).strip(" ,.:;()–-_§")
                if len(piece) >= 6 and re.search(r"\w{4}", piece) and piece not in theirs:
                    pieces.add(piece)
    return frozenset(pieces)


def found(phrases: frozenset[str], text: str) -> set[str]:
    text = " ".join(text.split())
    return {p for p in phrases if re.search(rf"(?<!\w){re.escape(p)}(?!\w)", text)}


def run_passages(path: Path) -> list[tuple[str, str]]:
    """(w:lang, text) of the runs of the DOCX body's paragraphs, in order; neighbouring runs of
    one language within a paragraph are joined."""
    body = open_docx(str(path)).element.body
    passages: list[tuple[str, str]] = []
    for paragraph in body.iter(qn("w:p")):
        start = len(passages)
        for run in paragraph.iter(qn("w:r")):
            text = "".join(t.text or "" for t in run.iter(qn("w:t")))
            if not text:
                continue
            lang = run.find(f"{qn('w:rPr')}/{qn('w:lang')}")
            locale = lang.get(qn("w:val")) if lang is not None else ""
            if len(passages) > start and passages[-1][0] == locale:
                passages[-1] = (locale, passages[-1][1] + text)
            else:
                passages.append((locale, text))
    return passages


def attachment_lines(path: Path) -> list[str]:
    """The agenda item's list of attachments: `<title>, versio 0.2 (18.11.2026), ...`."""
    blocks = docx_blocks(open_docx(str(path)))
    listed = [b for b in blocks if re.match(r"(Liite|Bilaga) \d+\. ", b)]
    return [re.sub(r"^(Liite|Bilaga) \d+\. ", "", b) for b in listed]


def pdf_text(path: Path) -> str:
    """The PDF's text (pages split by form feeds), words hyphenated at a line's end rejoined."""
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return re.sub(r"(\w)-\n(\w)", r"\1\2", text)


def documents(built: Built, **match: object) -> list[dict]:
    return [
        d
        for d in built.manifest["documents"]
        if all(d[key] == value for key, value in match.items())
    ]


def languages_of(built: Built, party: str | None, kind: str, fmt: str) -> list[str]:
    # An agenda item per stage: each language once, in the order of the documents.
    found = [d["language"] for d in documents(built, party=party, kind=kind, format=fmt)]
    return list(dict.fromkeys(found))


def parties(workbook: dict) -> list[dict]:
    return [workbook["wellbeing_area"], *workbook["municipalities"], *workbook["other_parties"]]


def names_of(workbook: dict, language: str) -> set[str]:
    """Every party's name, body and contact title in `language` (those spelt alike in both
    languages say nothing either way, and are left out)."""
    out = set()
    for party in parties(workbook):
        texts = [party["name"], party["approver"], party.get("contact", {}).get("title")]
        out |= {t[language] for t in texts if t and t["fi"] != t["sv"]}
    return out


# --- which documents each party gets ----------------------------------------------------------


def test_each_party_gets_its_own_languages_main_one_first(pohjanmaa: Built) -> None:
    for municipality in POHJANMAA["municipalities"]:
        for kind in ("package", "agenda-item"):
            for fmt in ("pdf", "docx"):
                got = languages_of(pohjanmaa, municipality["id"], kind, fmt)
                assert got == municipality["languages"], (municipality["id"], kind, fmt)
    area = POHJANMAA["wellbeing_area"]["id"]
    assert languages_of(pohjanmaa, area, "package", "pdf") == ["sv", "fi"]
    for other in POHJANMAA.get("other_parties", []):
        assert languages_of(pohjanmaa, other["id"], "package", "docx") == ["sv"]
    assert languages_of(pohjanmaa, None, "agreement", "pdf") == ["sv", "fi"]
    assert languages_of(pohjanmaa, "laihia", "agenda-item", "pdf") == ["fi"]
    assert languages_of(pohjanmaa, "vaasa", "package", "pdf") == ["fi", "sv"]


def test_a_municipality_that_lists_only_swedish_gets_only_swedish(bilingual: Built) -> None:
    for party, expected in [
        ("korsnas", ["sv"]),
        ("laihia", ["fi"]),
        ("narpes", ["sv", "fi"]),
        ("vaasa", ["fi", "sv"]),
        ("omrade", ["sv", "fi"]),
        ("forbund", ["sv"]),
    ]:
        for kind in ("package", "agenda-item"):
            for fmt in ("pdf", "docx"):
                assert languages_of(bilingual, party, kind, fmt) == expected, (party, kind, fmt)
    korsnas = documents(bilingual, party="korsnas")
    assert {Path(d["path"]).stem.rsplit("_", 1)[1] for d in korsnas} == {"sv"}
    for kind in ("package", "agenda-item"):
        path = bilingual.party_path(kind, "korsnas", "docx", "sv")
        text = " ".join(docx_blocks(open_docx(str(path))))
        assert "Korsnäs kommun" in text and "Korsnäsin kunta" not in text
        assert not found(fixed_wording("fi"), text) and len(found(fixed_wording("sv"), text)) > 12
        assert {locale for locale, _ in run_passages(path)} == {"sv-FI"}
    # One attachment, in Swedish, which needs no language named.
    assert attachment_lines(bilingual.party_path("agenda-item", "korsnas", "docx", "sv")) == [
        "Testområdets samarbetsavtal, version 0.1 (11.12.2026), och den partsspecifika bilagan"
    ]
    # A Swedish-majority town lists the Swedish version first, in its Finnish agenda item too.
    assert [
        line.split(",")[0]
        for line in attachment_lines(bilingual.party_path("agenda-item", "narpes", "docx", "fi"))
    ] == ["Testområdets samarbetsavtal", "Testialueen yhteistyösopimus"]


# --- no fixed wording of the other language; names in the document's ---------------------------


@pytest.mark.parametrize("language", ["sv", "fi"])
def test_documents_carry_no_fixed_wording_of_the_other_language(
    pohjanmaa: Built, language: str
) -> None:
    own, foreign = fixed_wording(language), fixed_wording(OTHER[language])
    assert len(own) > 80 and len(foreign) > 80
    checked = [d for d in documents(pohjanmaa, language=language) if d["format"] in ("pdf", "docx")]
    assert len(checked) > 20
    for document in checked:
        path = pohjanmaa.report.version_dir / document["path"]
        if document["format"] == "pdf":
            # The text cannot tell marked passages apart (the DOCX can): take out those the
            # document has, its party's name in the other language on the cover and the title
            # of the other language version in an agenda item.
            text = " ".join(pdf_text(path).split())
            party = next((p for p in parties(POHJANMAA) if p["id"] == document["party"]), None)
            if party:
                text = text.replace(party["name"][OTHER[language]], " ")
            text = text.replace(POHJANMAA["agreement"]["title"][OTHER[language]], " ")
        else:
            passages = run_passages(path)
            text = " ".join(t for lang, t in passages if lang == WORD_LOCALE[language])
            # What is not in the document's language is marked as such, and is only the other
            # language's names and title (never fixed wording).
            marked = {t for lang, t in passages if lang != WORD_LOCALE[language]}
            allowed = {p["name"][OTHER[language]] for p in parties(POHJANMAA)}
            allowed.add(POHJANMAA["agreement"]["title"][OTHER[language]])
            assert marked <= allowed, (path.name, marked - allowed)
        assert not found(foreign, text), (path.name, found(foreign, text))
        # The check reads the document's words: its own language's wording is there.
        least = 12 if document["kind"] == "agenda-item" else 40
        assert len(found(own, text)) >= least, (path.name, len(found(own, text)))
        assert not found(frozenset(names_of(POHJANMAA, OTHER[language])), text), path.name


def test_passages_in_the_other_language_are_marked_in_the_docx(pohjanmaa: Built) -> None:
    sv, fi = POHJANMAA["agreement"]["title"]["sv"], POHJANMAA["agreement"]["title"]["fi"]
    # Korsholm is Swedish-majority: its Swedish name comes first, in its Finnish package too.
    cover = run_passages(pohjanmaa.party_path("package", "mustasaari", "docx", "fi"))
    assert cover[1:3] == [("sv-FI", "Korsholms kommun"), ("fi-FI", "Mustasaaren kunta")]
    cover = run_passages(pohjanmaa.party_path("package", "vaasa", "docx", "sv"))
    assert cover[1:3] == [("fi-FI", "Vaasan kaupunki"), ("sv-FI", "Vasa stad")]
    # Its agenda item names the package in both languages, Swedish first (Language Act § 29).
    for language in ("fi", "sv"):
        path = pohjanmaa.party_path("agenda-item", "mustasaari", "docx", language)
        agenda = run_passages(path)
        titles = [line.split(",")[0] for line in attachment_lines(path)]
        assert titles == [sv, fi], titles
        other = OTHER[language]
        assert (WORD_LOCALE[other], POHJANMAA["agreement"]["title"][other]) in agenda
    listed = attachment_lines(pohjanmaa.party_path("agenda-item", "vaasa", "docx", "sv"))
    assert [b.split(",")[0] for b in listed] == [fi, sv]  # Vaasa is Finnish-majority
    assert listed[0].endswith("(på finska)") and listed[1].endswith("(på svenska)")
    assert attachment_lines(pohjanmaa.party_path("agenda-item", "laihia", "docx")) == [
        f"{fi}, versio 0.2 (18.11.2026), ja osapuolikohtainen liite"
    ]


def structure_languages(path) -> dict[str, set[str]]:
    """Each `/Lang` that structure elements of a tagged PDF carry, and the element types."""
    found: dict[str, set[str]] = {}
    with pikepdf.open(path) as pdf:
        for obj in pdf.objects:
            element = isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/StructElem"
            if element and "/Lang" in obj:
                found.setdefault(str(obj.Lang), set()).add(str(obj.S))
    return found


def test_passages_in_the_other_language_are_marked_in_the_pdf(pohjanmaa: Built) -> None:
    # Korsholm's Finnish package names it in Swedish too (its cover): that passage is sv.
    assert "sv" in structure_languages(pohjanmaa.party_path("package", "mustasaari", "pdf", "fi"))
    assert "fi" in structure_languages(pohjanmaa.party_path("package", "vaasa", "pdf", "sv"))
    # Laihia is Finnish only: nothing in its package is in another language.
    assert structure_languages(pohjanmaa.party_path("package", "laihia", "pdf", "fi")) == {}


def test_the_pdf_cover_shows_the_majority_name_first(pohjanmaa: Built) -> None:
    first = pdf_text(pohjanmaa.party_path("package", "mustasaari", "pdf", "fi")).split("\f")[0]
    assert first.index("Korsholms kommun") < first.index("Mustasaaren kunta")
    first = pdf_text(pohjanmaa.party_path("package", "kaskinen", "pdf", "sv")).split("\f")[0]
    assert first.index("Kaskisten kaupunki") < first.index("Kaskö stad")
    first = pdf_text(pohjanmaa.party_path("package", "laihia", "pdf", "fi")).split("\f")[0]
    assert "Laihian kunta" in first and "Laihela" not in first


def test_the_index_names_parties_in_its_language_and_bilingual_ones_in_both(
    pohjanmaa: Built,
) -> None:
    index = (pohjanmaa.report.version_dir / "index.html").read_text(encoding="utf-8")
    assert '<html lang="sv">' in index
    assert '<h2>Korsholms kommun – <span lang="fi">Mustasaaren kunta</span></h2>' in index
    assert '<h2><span lang="fi">Vaasan kaupunki</span> – Vasa stad</h2>' in index
    assert "<h2>Laihela kommun</h2>" in index  # Finnish only: named in the index's language
    assert "<h2>Österbottens förbund</h2>" in index
    assert "Avtalsbilaga · på finska · PDF" in index and " kB<" in index
    # Every language of the agreement has its index, each linking to the other.
    finnish = (pohjanmaa.report.version_dir / "index.fi.html").read_text(encoding="utf-8")
    assert '<html lang="fi">' in finnish
    assert "<h2>Laihian kunta</h2>" in finnish  # a Finnish-only municipality, in Finnish
    # A bilingual municipality: its majority's name first, the other marked with its language.
    assert '<h2><span lang="sv">Korsholms kommun</span> – Mustasaaren kunta</h2>' in finnish
    assert "Sopimusliite · ruotsiksi · PDF" in finnish
    assert '<a href="index.fi.html" hreflang="fi" lang="fi">Suomeksi</a>' in index
    assert '<a href="index.html" hreflang="sv" lang="sv">På svenska</a>' in finnish
    # Each lists the parties in its own alphabetical order.
    order = [finnish.index(f"<h2>{name}") for name in ("Kaskisten", "Laihian", "Vaasan")]
    assert order == sorted(order)


# --- the language of each document, in both formats --------------------------------------------


def test_language_is_set_in_both_formats(pohjanmaa: Built) -> None:
    for document in pohjanmaa.manifest["documents"]:
        path = pohjanmaa.report.version_dir / document["path"]
        language = document["language"]
        assert path.stem.endswith("_" + language)
        if document["kind"] == "paste-kit":  # text for a case-management system
            continue
        if document["format"] == "pdf":
            with pikepdf.open(path) as pdf:
                assert str(pdf.Root.Lang) == language
                assert pdf.Root.MarkInfo.Marked and "/StructTreeRoot" in pdf.Root
            continue
        docx = open_docx(str(path))
        assert docx.core_properties.language == language
        defaults = docx.styles.element.find(qn("w:docDefaults"))
        lang = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:lang')}")
        assert lang.get(qn("w:val")) == WORD_LOCALE[language]
        passages = run_passages(path)
        assert all(locale in WORD_LOCALE.values() for locale, _ in passages), path.name
        own = sum(len(t) for locale, t in passages if locale == WORD_LOCALE[language])
        assert own > 0.95 * sum(len(t) for _, t in passages), path.name


def test_swedish_dates_and_names(pohjanmaa: Built) -> None:
    text = " ".join(docx_blocks(open_docx(str(pohjanmaa.path("docx", "sv")))))
    assert "18.11.2026" in text  # Babel's sv-FI date; one format on a cover
    assert "1.1.2026–31.12.2029" in text
    assert "Korsholms kommun" in text and "Mustasaaren kunta" not in text
    assert "Österbottens förbund" in text
    finnish = " ".join(docx_blocks(open_docx(str(pohjanmaa.path("docx", "fi")))))
    assert "18.11.2026" in finnish and "Mustasaaren kunta" in finnish
    second = pdf_text(pohjanmaa.path("pdf", "sv")).split("\f")[1]
    with pikepdf.open(pohjanmaa.path("pdf", "sv")) as pdf:
        pages = len(pdf.pages)
    assert "UTKAST 18.11.2026" in second and "LUONNOS" not in second
    assert f"Sida 2 / {pages}" in second
