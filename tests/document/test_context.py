"""The document context: numbering, names, who is concerned by what, prose as blocks."""

from __future__ import annotations

from pathlib import Path

import pytest

from agreement_builder.document.context import build_context
from agreement_builder.document.i18n import MissingMessage, load_catalog
from agreement_builder.document.party import party_document
from agreement_builder.document.text import Block, blocks
from agreement_builder.workbook.validate import load_workbook
from tests.conftest import FIXTURES, ROOT, TEMPLATES

MESSAGES = TEMPLATES / "messages"

WITH_LIMITS = """
  - id: T2
    title: {fi: Saamenkieliset palvelut}
    measures:
      - id: T2.1
        text: {fi: Saamenkielinen neuvola.}
        responsible: [alue]
        municipalities: [ranua]
      - id: T2.2
        text: {fi: Kaupungin oma toimenpide.}
        responsible: [rovaniemi, alue]
"""


@pytest.fixture
def workbook(tmp_path: Path, minimal_text: str):
    path = tmp_path / "wb.yaml"
    path.write_text(minimal_text + WITH_LIMITS, encoding="utf-8")
    return load_workbook(path)


def test_chapters_are_numbered_in_the_agreement_outline(workbook) -> None:
    doc = build_context(workbook, "fi", MESSAGES)
    assert [(s.number, s.title) for s in doc.sections] == [
        ("1", "Sopijaosapuolet"),
        ("2", "Sopimuksen lähtökohdat ja tarkoitus"),
        ("3", "Yhteiset strategiset tavoitteet, toimenpiteet ja mittarit"),
        ("4", "Hyväksyminen ja allekirjoitukset"),
    ]
    # Goals with a theme come under it; goals without one under "Muut tavoitteet".
    assert [(t.number, t.title, [g.id for g in t.goals]) for t in doc.themes] == [
        ("3.1", "Hyvinvoinnin ja terveyden edistäminen", ["T1"]),
        ("3.2", "Muut tavoitteet", ["T2"]),
    ]
    assert [e.text for e in doc.toc[2].children] == [
        "3.1 Hyvinvoinnin ja terveyden edistäminen",
        "3.2 Muut tavoitteet",
    ]


def test_measures_concern_the_right_parties_with_their_role(workbook) -> None:
    doc = build_context(workbook, "fi", MESSAGES)

    def concerns(party: str) -> list[tuple[str, str]]:
        return [(c.measure.id, c.role) for c in doc.concerns[party]]

    # all-municipalities concerns both; `municipalities` limits T2.1 to Ranua.
    assert concerns("ranua") == [("T1.1", "participant"), ("T2.1", "participant")]
    assert concerns("rovaniemi") == [("T1.1", "participant"), ("T2.2", "lead")]
    assert concerns("alue") == [("T1.1", "lead"), ("T2.1", "lead"), ("T2.2", "participant")]


def test_responsible_names_mark_the_lead(workbook) -> None:
    doc = build_context(workbook, "fi", MESSAGES)
    measure = doc.themes[0].goals[0].measures[0]
    assert [(r.name, r.lead) for r in measure.responsible] == [
        ("Testin hyvinvointialue", True),
        ("kaikki kunnat", False),
    ]
    limited = doc.themes[1].goals[0].measures[0]
    assert limited.only_for == ("Ranuan kunta",)


def test_dates_and_metadata_in_finnish(workbook) -> None:
    doc = build_context(workbook, "fi", MESSAGES)
    assert (doc.date, doc.long_date, doc.period) == (
        "20.11.2026",
        "20. marraskuuta 2026",
        "1.1.2026–31.12.2029",
    )
    assert doc.status_mark == "LUONNOS"
    assert doc.author == "Testin hyvinvointialue"  # no preparer: the wellbeing area


def test_prose_becomes_paragraphs_and_lists() -> None:
    text = (
        "Ensimmäinen kappale\njatkuu.\n\nTavoitteet:\n- yksi\n- kaksi\n  jatkuu\n\n1. eka\n2. toka"
    )
    assert blocks(text) == (
        Block("p", ("Ensimmäinen kappale jatkuu.",)),
        Block("p", ("Tavoitteet:",)),
        Block("ul", ("yksi", "kaksi jatkuu")),
        Block("ol", ("eka", "toka")),
    )


def test_a_missing_label_is_an_error_naming_it() -> None:
    catalog = load_catalog(MESSAGES, "fi")
    with pytest.raises(MissingMessage, match="the label 'no_such_label' is missing from the fi"):
        catalog("no_such_label")


def test_minimal_fixture_context_builds() -> None:
    doc = build_context(load_workbook(FIXTURES / "minimal.yaml"), "fi", MESSAGES)
    assert doc.title == "Testialueen yhteistyösopimus"
    assert [p.id for p in doc.parties] == ["alue", "ranua", "rovaniemi"]


BILINGUAL = FIXTURES / "bilingual.yaml"


def names(party) -> list[tuple[str, str]]:
    return [(n.language, n.text) for n in party.names]


def test_a_party_shows_its_names_in_its_own_languages_main_one_first() -> None:
    workbook = load_workbook(BILINGUAL)
    for language in ("sv", "fi"):
        doc = build_context(workbook, language, MESSAGES)
        party = {p.id: p for p in doc.parties}
        # Swedish-majority: the Swedish name first, in the Finnish document too.
        assert names(party["narpes"]) == [("sv", "Närpes stad"), ("fi", "Närpiön kaupunki")]
        assert names(party["vaasa"]) == [("fi", "Vaasan kaupunki"), ("sv", "Vasa stad")]
        assert names(party["omrade"])[0] == ("sv", "Testområdets välfärdsområde")
        assert party["korsnas"].languages == ("sv",)
        # A party that does not use the document's language is named only in it.
        assert names(party["forbund"]) == [(language, party["forbund"].name)]
    fi = {p.id: p for p in build_context(workbook, "fi", MESSAGES).parties}
    sv = {p.id: p for p in build_context(workbook, "sv", MESSAGES).parties}
    assert names(fi["laihia"]) == [("fi", "Laihian kunta")]
    assert names(sv["laihia"]) == [("sv", "Laihela kommun")]
    assert names(fi["korsnas"]) == [("fi", "Korsnäsin kunta")]
    assert (fi["narpes"].name, sv["narpes"].name) == ("Närpiön kaupunki", "Närpes stad")
    assert (fi["narpes"].approver, sv["narpes"].approver) == (
        "kaupunginvaltuusto",
        "stadsfullmäktige",
    )


def test_sami_names_follow_the_official_ones() -> None:
    workbook = load_workbook(ROOT / "workbooks" / "lappi.yaml")
    inari = next(p for p in build_context(workbook, "fi", MESSAGES).parties if p.id == "inari")
    assert names(inari) == [
        ("fi", "Inarin kunta"),
        ("se", "Anára gielda"),
        ("smn", "Aanaar kieldâ"),
    ]


def test_an_agenda_item_lists_the_package_in_each_of_the_partys_languages() -> None:
    workbook = load_workbook(BILINGUAL)
    doc = build_context(workbook, "fi", MESSAGES)
    versions = party_document(doc, "narpes").versions
    assert [(v.language, v.title, v.language_name) for v in versions] == [
        ("sv", "Testområdets samarbetsavtal", "ruotsiksi"),
        ("fi", "Testialueen yhteistyösopimus", "suomeksi"),
    ]
    assert [v.language for v in party_document(doc, "laihia").versions] == ["fi"]


def test_counts_take_the_plural_the_number_needs() -> None:
    sv, fi = load_catalog(MESSAGES, "sv"), load_catalog(MESSAGES, "fi")
    assert [sv.count("count_measures", n) for n in (1, 7)] == ["1 åtgärd", "7 åtgärder"]
    assert [fi.count("count_goals", n) for n in (1, 6)] == [
        "1 yhteinen tavoite",
        "6 yhteistä tavoitetta",
    ]
    assert sv.count("count_municipalities", 1234) == "1\xa0234 kommuner"  # grouped as in sv-FI
    assert (fi.number(1.25, 1), sv.number(1536.4)) == ("1,2", "1\xa0536")
    with pytest.raises(TypeError, match="counted"):
        sv("count_measures")


def test_swedish_dates_come_from_babel() -> None:
    doc = build_context(load_workbook(BILINGUAL), "sv", MESSAGES)
    assert (doc.date, doc.long_date) == ("11.12.2026", "11 december 2026")
    assert doc.status_mark == "UTKAST"


PLACED = """
forums:
  - id: neuvottelukunta
    name: {fi: Neuvottelukunta}
    members: {fi: Jäsenet.}
    tasks: {fi: Tehtävät.}
sections:
  - id: voimassaolo
    title: {fi: Sopimuksen voimassaolo}
    body: {fi: Sopimus tulee voimaan allekirjoitettuna.}
    covers: [validity, entry-into-force]
  - id: lakiperusta
    title: {fi: Yhteistyön lainsäädäntöpohja}
    body: {fi: Laki hyvinvointialueista.}
    after: purpose
  - id: tietosuoja
    title: {fi: Tietosuoja}
    body: {fi: Henkilötietoja ei käsitellä.}
    after: lakiperusta
  - id: kieli
    title: {fi: Kieli}
    body: {fi: Sopimus on suomeksi.}
    after: purpose
"""


def test_free_sections_go_where_their_after_says(tmp_path: Path, minimal_text: str) -> None:
    from agreement_builder.render.html import render_html

    path = tmp_path / "placed.yaml"
    path.write_text(minimal_text + PLACED, encoding="utf-8")
    doc = build_context(load_workbook(path), "fi", MESSAGES)
    assert [f"{s.number} {s.title}" for s in doc.sections] == [
        "1 Sopijaosapuolet",
        "2 Sopimuksen lähtökohdat ja tarkoitus",
        "3 Yhteistyön lainsäädäntöpohja",  # after the purpose, as real agreements have it
        "4 Tietosuoja",  # after the section it names
        "5 Kieli",  # after the purpose too, following the one placed there before it
        "6 Yhteiset strategiset tavoitteet, toimenpiteet ja mittarit",
        "7 Yhteistyörakenteet",
        "8 Sopimuksen voimassaolo",  # no placement: before the approval chapter
        "9 Hyväksyminen ja allekirjoitukset",
    ]
    # Every subsection is numbered, in the text and in the contents.
    assert [f.number for f in doc.forums] == ["7.1"]
    toc = {entry.text: [c.text for c in entry.children] for entry in doc.toc}
    assert toc["7 Yhteistyörakenteet"] == ["7.1 Neuvottelukunta"]
    assert toc["9 Hyväksyminen ja allekirjoitukset"] == ["9.1 Liitteet"]
    html = render_html(TEMPLATES, "agreement.html.j2", doc)
    assert ">7.1 Neuvottelukunta</h2>" in html
    # The section states validity and entry into force: the templates state only disputes.
    approval = html[html.index('id="s-approval"') :].replace("\u00ad", "")
    assert "tulee voimaan" not in approval and "Sopimus on voimassa" not in approval
    assert "erimielisyydet ratkaistaan" in approval
    assert "Ranuan kunnan toimenpiteet" in approval  # the list of annexes


def test_without_covering_sections_the_templates_state_each_clause_once(workbook) -> None:
    from agreement_builder.render.html import render_html

    doc = build_context(workbook, "fi", MESSAGES)
    html = render_html(TEMPLATES, "agreement.html.j2", doc).replace("\u00ad", "")
    assert html.count("tulee voimaan") == 1
    assert html.count("Sopimus on voimassa sopimuskauden") == 1
    assert html.count("erimielisyydet ratkaistaan") == 1


def test_parties_are_listed_in_the_documents_alphabetical_order(tmp_path: Path) -> None:
    from agreement_builder.document.collation import _nordic_key

    workbook = load_workbook(ROOT / "workbooks" / "pohjanmaa.yaml")
    names = {
        language: [p.name for p in build_context(workbook, language, MESSAGES).parties]
        for language in ("fi", "sv")
    }
    # The wellbeing area first, then the municipalities, then the other parties.
    assert names["fi"][0] == "Pohjanmaan hyvinvointialue"
    assert names["sv"][0] == "Österbottens välfärdsområde"
    assert names["fi"][-1] == "Pohjanmaan liitto" and names["sv"][-1] == "Österbottens förbund"
    # Each language in its own order: Mustasaari (Korsholm) and Uusikaarlepyy (Nykarleby) move.
    assert names["fi"][1:4] == [
        "Kaskisten kaupunki",
        "Korsnäsin kunta",
        "Kristiinankaupungin kaupunki",
    ]
    assert names["sv"][1:4] == ["Jakobstads stad", "Kaskö stad", "Korsholms kommun"]
    # Å, Ä, Ö come after Z, in both.
    assert names["sv"].index("Vörå kommun") > names["sv"].index("Vasa stad")
    assert names["fi"].index("Vöyrin kunta") > names["fi"].index("Vaasan kaupunki")
    for language in ("fi", "sv"):
        middle = names[language][1:-1]
        assert middle == sorted(middle, key=_nordic_key), language
    assert sorted(["Öja", "Åbo", "Ähtäri", "Zeta", "Ülle"], key=_nordic_key) == [
        "Ülle",
        "Zeta",
        "Åbo",
        "Ähtäri",
        "Öja",
    ]
    # The workbook may keep its own order.
    text = (ROOT / "workbooks" / "pohjanmaa.yaml").read_text(encoding="utf-8")
    path = tmp_path / "as-listed.yaml"
    path.write_text(
        text.replace("  date: 2026-11-18\n", "  date: 2026-11-18\n  party_order: as-listed\n", 1),
        encoding="utf-8",
    )
    listed = build_context(load_workbook(path), "sv", MESSAGES)
    assert [p.id for p in listed.municipalities] == [m.id for m in workbook.municipalities]
