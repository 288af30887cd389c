"""Bilingual agreements: each document in its language, each party in its own languages."""

from __future__ import annotations

import re

import pikepdf
import pytest
import yaml
from docx import Document as open_docx
from pypdf import PdfReader

from tests.build.conftest import Built, docx_blocks
from tests.conftest import TEMPLATES, WORKBOOKS

POHJANMAA = yaml.safe_load((WORKBOOKS / "pohjanmaa.yaml").read_text(encoding="utf-8"))
CATALOGS = {
    lang: yaml.safe_load((TEMPLATES / "messages" / f"{lang}.yaml").read_text(encoding="utf-8"))
    for lang in ("fi", "sv")
}


def fixed_wording(language: str, other: str) -> set[str]:
    """Whole fixed phrases of one catalog that the other catalog does not share."""
    own, theirs = CATALOGS[language], CATALOGS[other]
    phrases = set()
    for key, text in own.items():
        if key.startswith(("board.", "file_")) or "{" in text or len(text) < 6:
            continue
        if text != theirs.get(key) and text not in " ".join(theirs.values()):
            phrases.add(text)
    return phrases


def test_each_party_gets_its_own_languages_main_one_first(pohjanmaa: Built) -> None:
    documents = pohjanmaa.manifest["documents"]
    for municipality in POHJANMAA["municipalities"]:
        got = [
            d["language"]
            for d in documents
            if d["party"] == municipality["id"] and d["kind"] == "package" and d["format"] == "pdf"
        ]
        assert got == municipality["languages"], municipality["id"]
    area = POHJANMAA["wellbeing_area"]["id"]
    area_languages = {d["language"] for d in documents if d["party"] == area}
    assert area_languages == set(POHJANMAA["agreement"]["languages"])
    for other in POHJANMAA.get("other_parties", []):
        assert {d["language"] for d in documents if d["party"] == other["id"]} == {
            POHJANMAA["agreement"]["languages"][0]
        }
    assert {d["language"] for d in documents if d["kind"] == "agreement"} == {"fi", "sv"}
    laihia = {d["language"] for d in documents if d["party"] == "laihia"}
    assert laihia == {"fi"}


@pytest.mark.parametrize(("language", "other"), [("sv", "fi"), ("fi", "sv")])
def test_documents_carry_no_fixed_wording_of_the_other_language(
    pohjanmaa: Built, language: str, other: str
) -> None:
    foreign = fixed_wording(other, language)
    assert len(foreign) > 40
    party = "mustasaari"
    paths = [
        pohjanmaa.path("docx", language),
        pohjanmaa.party_path("package", party, "docx", language),
        pohjanmaa.party_path("agenda-item", party, "docx", language),
    ]
    for path in paths:
        text = " ".join(" ".join(docx_blocks(open_docx(str(path)))).split())
        found = [p for p in foreign if re.search(rf"(?<!\w){re.escape(p)}(?!\w)", text)]
        assert not found, (path.name, found)
    mark = CATALOGS[language]["draft_mark"]
    pdf = PdfReader(pohjanmaa.path("pdf", language))
    second = pdf.pages[1].extract_text()
    assert mark in second and CATALOGS[other]["draft_mark"] not in second
    assert f"{CATALOGS[language]['page']} 2 / {len(pdf.pages)}" in second


def test_language_is_set_in_both_formats(pohjanmaa: Built) -> None:
    for document in pohjanmaa.manifest["documents"]:
        if document["kind"] != "agreement":
            continue
        path = pohjanmaa.report.version_dir / document["path"]
        assert path.stem.endswith("_" + document["language"])
        if document["format"] == "pdf":
            with pikepdf.open(path) as pdf:
                assert str(pdf.Root.Lang) == document["language"]
        else:
            core = open_docx(str(path)).core_properties
            assert core.language == document["language"]


def test_swedish_dates_and_names(pohjanmaa: Built) -> None:
    text = " ".join(docx_blocks(open_docx(str(pohjanmaa.path("docx", "sv")))))
    assert "18 november 2026" in text  # Babel's long Swedish date
    assert "Korsholms kommun" in text and "Mustasaaren kunta" not in text
    assert "Österbottens förbund" in text
    finnish = " ".join(docx_blocks(open_docx(str(pohjanmaa.path("docx", "fi")))))
    assert "18. marraskuuta 2026" in finnish and "Mustasaaren kunta" in finnish
