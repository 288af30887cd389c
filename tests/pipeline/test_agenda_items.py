"""Agenda items as a council secretary files them: opened as DOCX (python-docx), PDF (pypdf) and
paste kit, for a municipality, a wellbeing area and a regional council, in Finnish and Swedish.

The workbook is the bilingual fixture with what a secretary's party records: a diary number, its
own preparer, listed signatories, the board's recorded handling, and decisions on this and on
another version.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document as open_docx
from pypdf import PdfReader

from agreement_builder.cli import main
from agreement_builder.render.pastekit import fields
from tests.conftest import FIXTURES
from tests.pipeline.conftest import Built, build_once, docx_blocks

VAASA = """    diary_number: 3635/2023
    preparer:
      name: Eva Ek
      title: {sv: planerare, fi: suunnittelija}
      email: eva.ek@vaasa.fi
    contact:
      name: Kaj Kontakt
      title: {sv: välfärdsdirektör, fi: hyvinvointijohtaja}
    signatories:
      - position: {sv: stadsstyrelsens ordförande, fi: kaupunginhallituksen puheenjohtaja}
        name: Anna Andersson
      - position: {sv: stadsdirektör, fi: kaupunginjohtaja}
    board_decision:
      body: {sv: stadsstyrelsen, fi: kaupunginhallitus}
      date: 2026-12-14
      section: 301
      version: "0.1"
    decision:
      body: {sv: stadsfullmäktige, fi: kaupunginvaltuusto}
      date: 2026-12-20
      section: 45
      version: "0.2"
"""
LAIHIA = """    contact:
      name: Liisa Laine
      title: {sv: kommundirektör, fi: kunnanjohtaja}
    decision:
      body: {sv: kommunfullmäktige, fi: kunnanvaltuusto}
      date: 2026-12-01
      section: 12
"""
AREA = """  diary_number: IUHVADno-2023-1074
  decision:
    body: {sv: välfärdsområdesfullmäktige, fi: aluevaltuusto}
    date: 2026-12-18
    section: 5
    version: "0.1"
"""


def workbook_text() -> str:
    text = (FIXTURES / "bilingual.yaml").read_text(encoding="utf-8")
    for anchor, extra in (
        ("  - id: vaasa\n", VAASA),
        ("  - id: laihia\n", LAIHIA),
        ("  approver: {sv: välfärdsområdesfullmäktige, fi: aluevaltuusto}\n", AREA),
    ):
        assert anchor in text
        text = text.replace(anchor, anchor + extra, 1)
    return text


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    path = tmp_path_factory.mktemp("agenda-workbook") / "agenda.yaml"
    path.write_text(workbook_text(), encoding="utf-8")
    return build_once(tmp_path_factory, path, "agenda")


def item(built: Built, party: str, stage: str, language: str) -> str:
    path = built.party_path("agenda-item", party, "docx", language, stage)
    return "\n".join(docx_blocks(open_docx(str(path))))


def flat(text: str) -> str:
    return " ".join(text.split())


def field_after(text: str, label: str) -> str:
    """The block that follows a field's label (its first line of content)."""
    blocks = text.split("\n")
    return blocks[blocks.index(label) + 1]


# --- stages -------------------------------------------------------------------------------------


def test_each_party_gets_an_item_per_stage_and_the_file_names_say_which(built: Built) -> None:
    items = [d for d in built.manifest["documents"] if d["kind"] == "agenda-item"]
    stages: dict[tuple[str, str], set[str]] = {(d["party"], d["language"]): set() for d in items}
    for d in items:
        stages[(d["party"], d["language"])].add(d["stage"])
        word = {
            ("board", "fi"): "_hallitus_",
            ("council", "fi"): "_valtuusto_",
            ("board", "sv"): "_styrelse_",
            ("council", "sv"): "_fullmaktige_",
        }[(d["stage"], d["language"])]
        assert word in d["path"], d["path"]
    for party in ("omrade", "narpes", "vaasa"):
        for language in ("sv", "fi"):
            assert stages[(party, language)] == {"board", "council"}
    assert stages[("laihia", "fi")] == {"board", "council"}
    assert stages[("korsnas", "sv")] == {"board", "council"}
    # The regional council's board decides alone: one item.
    assert stages[("forbund", "sv")] == {"board"}
    kits = [d for d in built.manifest["documents"] if d["kind"] == "paste-kit"]
    assert {d["format"] for d in kits} == {"txt", "html", "json"}
    assert all(d.get("stage") for d in kits if d["format"] != "json")


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_the_board_proposes_and_the_council_decides(built: Built, language: str) -> None:
    board, council = (
        item(built, "vaasa", "board", language),
        item(built, "vaasa", "council", language),
    )
    expected = {
        "fi": (
            "Kaupunginhallitus esittää kaupunginvaltuustolle, että kaupunginvaltuusto hyväksyy "
            "liitteen 1 mukaisen yhteistyösopimuksen ja valtuuttaa kaupunginhallituksen "
            "puheenjohtajan ja kaupunginjohtajan allekirjoittamaan sopimuksen Vaasan kaupungin "
            "puolesta.",
            "Kaupunginvaltuusto hyväksyy liitteen 1 mukaisen yhteistyösopimuksen",
            "Aikaisempi käsittely",
        ),
        "sv": (
            "Stadsstyrelsen föreslår att stadsfullmäktige godkänner samarbetsavtalet enligt "
            "bilaga 1 och befullmäktigar stadsstyrelsens ordförande och stadsdirektören att "
            "underteckna avtalet på stadens vägnar.",
            "Stadsfullmäktige godkänner samarbetsavtalet enligt bilaga 1",
            "Tidigare behandling",
        ),
    }[language]
    assert expected[0] in board and expected[1] in council
    assert expected[2] in council and expected[2] not in board
    # The council's item repeats the board's handling and its proposal.
    assert expected[0] in council


# --- decisions ----------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_decision_fields_are_blank_until_recorded_for_this_version(
    built: Built, language: str
) -> None:
    decision = {"fi": "Päätös", "sv": "Beslut"}[language]
    # Laihia's decision predates this version; Närpes has none: both items leave it blank.
    parties = [("narpes", language), ("laihia", "fi")] if language == "fi" else [("narpes", "sv")]
    for party, lang in parties:
        for stage in ("board", "council"):
            assert set(field_after(item(built, party, stage, lang), decision)) == {"_"}
    # Vaasa's council decided on version 0.2: this version's item does not claim it ...
    council = item(built, "vaasa", "council", language)
    assert set(field_after(council, decision)) == {"_"}
    assert "§ 45" not in council and "20.12.2026" not in council
    # ... while its board's handling of this version is recorded in the board's item and, as
    # the earlier handling, in the council's.
    board = item(built, "vaasa", "board", language)
    body = {"fi": "kaupunginhallitus", "sv": "stadsstyrelsen"}[language]
    assert f"({body} 14.12.2026 § 301" in field_after(board, decision)
    assert f"{body.capitalize()} 14.12.2026 § 301" in council
    # The area's council approved this version: its council item has it, the board's not.
    area_council = item(built, "omrade", "council", language)
    assert "18.12.2026 § 5" in field_after(area_council, decision)
    assert set(field_after(item(built, "omrade", "board", language), decision)) == {"_"}


def test_the_agreement_lists_decisions_with_the_version_each_approved(built: Built) -> None:
    text = flat("\n".join(docx_blocks(open_docx(str(built.path("docx", "fi"))))))
    assert "Kirjatut päätökset" in text
    assert "Vaasan kaupunki kaupunginvaltuusto 20.12.2026 § 45 0.2" in text
    assert "Vaasan kaupunki kaupunginhallitus 14.12.2026 § 301 0.1" in text
    assert "Laihian kunta kunnanvaltuusto 1.12.2026 § 12 ei kirjattu" in text
    # The approval table claims only what approved this version: the area, not Vaasa.
    assert "Testialueen hyvinvointialue aluevaltuusto 18.12.2026 § 5" in text
    assert "Vaasan kaupunki kaupunginvaltuusto __.__.20__ § ____" in text


def test_validate_warns_at_decisions_on_another_version(tmp_path: Path) -> None:
    path = tmp_path / "agenda.yaml"
    text = workbook_text()
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 0, result.output  # warnings do not fail the workbook
    # (The standard clauses no section of this workbook states are warned about apart.)
    warnings = [
        line
        for line in result.stderr.splitlines()
        if ": warning: " in line and "no section covers" not in line
    ]
    lines = text.splitlines()
    version_line = lines.index('      version: "0.2"') + 1
    date_line = lines.index("      date: 2026-12-01") + 1
    assert len(warnings) == 2, warnings
    [dated] = [w for w in warnings if "municipalities[laihia].decision is dated" in w]
    assert dated.startswith(f"{path}:{date_line}:") and "2026-12-01, before" in dated
    [other] = [w for w in warnings if "municipalities[vaasa].decision" in w]
    assert other.startswith(f"{path}:{version_line}:")
    assert "approved version 0.2, not this version 0.1" in other
    assert "valid:" in result.stdout


# --- the appeal part, by stage, party and act ------------------------------------------------


# (party, stage, language): what its appeal part says, and what it must not.
APPEALS = {
    ("laihia", "board", "fi"): (
        "ei saa tehdä oikaisuvaatimusta eikä kunnallisvalitusta (kuntalaki 410/2015, 136 §)",
        "141 §",
    ),
    ("laihia", "council", "fi"): (
        "kunnallisvalituksella hallinto-oikeudelta (kuntalaki 410/2015, 135 §)",
        "136 §",
    ),
    ("omrade", "board", "fi"): (
        "ei saa tehdä oikaisuvaatimusta eikä aluevalitusta "
        "(laki hyvinvointialueesta 611/2021, 141 §)",
        "kuntalaki",
    ),
    ("omrade", "council", "fi"): (
        "aluevalituksella hallinto-oikeudelta (laki hyvinvointialueesta 611/2021)",
        "kuntalaki",
    ),
    ("korsnas", "board", "sv"): (
        "omprövning inte begäras och kommunalbesvär inte anföras (kommunallagen 410/2015, 136 §)",
        "611/2021",
    ),
    ("korsnas", "council", "sv"): (
        "kommunalbesvär hos förvaltningsdomstolen (kommunallagen 410/2015, 135 §)",
        "136 §",
    ),
    ("omrade", "board", "sv"): ("(lagen om välfärdsområden 611/2021, 141 §)", "kommunallagen"),
    ("omrade", "council", "sv"): (
        "besvär hos förvaltningsdomstolen (lagen om välfärdsområden 611/2021)",
        "kommunallagen",
    ),
    ("forbund", "board", "sv"): (
        "begära omprövning av det skriftligen (kommunallagen 410/2015, 134 §)",
        "136 §",
    ),
}


@pytest.mark.parametrize("key", sorted(APPEALS))
def test_the_appeal_part_follows_the_stage_and_the_act(built: Built, key) -> None:
    party, stage, language = key
    text = flat(item(built, party, stage, language))
    must, must_not = APPEALS[key]
    assert must in text
    assert (
        must_not not in text.split({"fi": "Muutoksenhaku", "sv": "Ändringssökande"}[language])[-1]
    )


def test_the_appeal_reads_the_same_in_the_pdf(built: Built) -> None:
    path = built.party_path("agenda-item", "laihia", "pdf", "fi", "council")
    text = flat(" ".join(page.extract_text() for page in PdfReader(path).pages))
    assert "Muutoksenhaku" in text and "(kuntalaki 410/2015, 135 §)" in text
    assert re.search(r"Päätös _{10,}", text)


# --- diary number, preparer, presenter ----------------------------------------------------------


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_diary_number_preparer_and_presenter(built: Built, language: str) -> None:
    labels = {
        "fi": ("Dnro", "Valmistelija", "Lisätietoja", "Esittelijä", "kaupunginjohtaja"),
        "sv": ("Dnr", "Beredare", "Ytterligare information", "Föredragande", "stadsdirektör"),
    }[language]
    diary, preparer, more, presenter, manager = labels
    board = item(built, "vaasa", "board", language)
    council = item(built, "vaasa", "council", language)
    for text in (board, council):
        assert field_after(text, diary) == "3635/2023"
        assert field_after(text, preparer).startswith("Eva Ek, ")
        assert field_after(text, more).startswith("Kaj Kontakt, ")
    assert field_after(board, presenter) == manager
    assert presenter not in council.split("\n")  # a council has no presenter
    # The area's own diary number; a party without one gets a blank to fill in.
    assert field_after(item(built, "omrade", "board", language), diary) == "IUHVADno-2023-1074"
    assert set(field_after(item(built, "narpes", "board", language), diary)) == {"_"}
    # No preparer or contact at Närpes: no empty row points to one.
    narpes = item(built, "narpes", "board", language).split("\n")
    assert preparer not in narpes and more not in narpes


# --- signatories --------------------------------------------------------------------------------


def signature_page(built: Built, party: str, language: str) -> str:
    path = built.party_path("package", party, "pdf", language)
    pages = [page.extract_text() for page in PdfReader(path).pages]
    [page] = [p for p in pages if re.search(r"^(Allekirjoitus|Underskrift)$", p, flags=re.M)]
    return page


def test_signatories_sign_by_position(built: Built) -> None:
    vaasa = flat(signature_page(built, "vaasa", "fi"))
    assert "Vaasan kaupungin puolesta" in vaasa
    assert "Anna Andersson, kaupunginhallituksen puheenjohtaja" in vaasa
    assert "kaupunginjohtaja" in vaasa and "Kaj Kontakt" not in vaasa
    assert vaasa.count("Allekirjoitus:") == 2  # one line for each signatory, one place
    sv = flat(signature_page(built, "vaasa", "sv"))
    assert "På stadens vägnar" in sv and "Anna Andersson, stadsstyrelsens ordförande" in sv
    # Laihia lists none: its manager by position signs, and its contact (a kunnanjohtaja) is
    # not named though she holds the post.
    laihia = flat(signature_page(built, "laihia", "fi"))
    assert "Laihian kunnan puolesta" in laihia and "kunnanjohtaja" in laihia
    assert "Liisa Laine" not in laihia
    forbund = flat(signature_page(built, "forbund", "sv"))
    assert "På förbundets vägnar" in forbund and "landskapsdirektör" in forbund
    # The agreement's approval section names the same signatories.
    agreement = flat("\n".join(docx_blocks(open_docx(str(built.path("docx", "fi"))))))
    assert "Anna Andersson, kaupunginhallituksen puheenjohtaja kaupunginjohtaja" in agreement
    assert "Liisa Laine" not in agreement.split("Hyväksyminen ja allekirjoitukset")[-1]


# --- the paste kit ------------------------------------------------------------------------------


def test_the_paste_kit_holds_the_items_fields_in_order_as_the_docx_has_them(built: Built) -> None:
    items = [d for d in built.manifest["documents"] if d["kind"] == "agenda-item"]
    checked = 0
    for d in items:
        if d["format"] != "docx":
            continue
        docx_text = flat(
            "\n".join(docx_blocks(open_docx(str(built.report.version_dir / d["path"]))))
        )
        stem = d["path"].removesuffix(".docx")
        kit = next(
            k
            for k in built.manifest["documents"]
            if k["kind"] == "paste-kit"
            and k["format"] == "txt"
            and (k["party"], k["language"], k.get("stage"))
            == (d["party"], d["language"], d["stage"])
        )
        text = (built.report.version_dir / kit["path"]).read_text(encoding="utf-8")
        assert kit["path"].startswith(stem.split("_v0")[0])  # beside its item
        # Every line of the kit is in the DOCX, in the same order.
        at = 0
        for line in text.splitlines():
            line = flat(re.sub(r"^(- |\d+\. )", "", line))
            if not line:
                continue
            found = docx_text.find(line, at)
            assert found >= 0, (kit["path"], line)
            at = found + len(line)
        html = (built.report.version_dir / kit["path"].replace(".txt", ".html")).read_text()
        assert "<script" not in html and "style=" not in html
        checked += 1
    assert checked == len([d for d in items if d["format"] == "docx"]) > 10


def test_the_paste_kit_fields_are_those_of_the_item(built: Built) -> None:
    path = built.party_path("paste-kit", "vaasa", "txt", "fi", "council")
    text = path.read_text(encoding="utf-8")
    headings = [line for line in text.splitlines() if line in {
        "Dnro", "Valmistelija", "Lisätietoja", "Aikaisempi käsittely", "Liitteet",
        "Päätösehdotus", "Päätös", "Tiedoksi", "Muutoksenhaku",
    }]  # fmt: skip
    assert headings == [
        "Dnro", "Valmistelija", "Lisätietoja", "Aikaisempi käsittely", "Liitteet",
        "Päätösehdotus", "Päätös", "Tiedoksi", "Muutoksenhaku",
    ]  # fmt: skip
    assert "Liite 1. Testialueen yhteistyösopimus" in text
    assert "Liite 2. Testområdets samarbetsavtal" in text
    # The HTML has the same fields as headings, paragraphs and lists only, ready to paste.
    html = path.with_suffix(".html").read_text(encoding="utf-8")
    assert [h for h in re.findall(r"<h3>(.*?)</h3>", html) if h in headings] == headings
    assert set(re.findall(r"<(\w+)", html)) <= {
        "html",
        "head",
        "meta",
        "body",
        "h2",
        "h3",
        "p",
        "ul",
        "ol",
        "li",
        "br",
    }
    assert [f.key for f in fields(html)] == []  # no markup of the item's own is left


def test_the_metadata_names_attachments_files_and_diary_number(built: Built) -> None:
    path = built.party_path("paste-kit", "vaasa", "json", "fi")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["language"] == "fi" and data["diary_number"] == "3635/2023"
    assert data["document_type"] == "Päätösasia"
    assert [a["label"] for a in data["attachments"]] == ["Liite 1", "Liite 2"]
    assert [a["language"] for a in data["attachments"]] == ["fi", "sv"]
    for attachment in data["attachments"]:
        assert (built.report.version_dir / attachment["file"]).is_file()
    assert [i["stage"] for i in data["items"]] == ["board", "council"]
    for entry in data["items"]:
        for name in (*entry["agenda_item"], entry["paste_text"], entry["paste_html"]):
            assert (built.report.version_dir / name).is_file(), name
    sv = json.loads(built.party_path("paste-kit", "forbund", "json", "sv").read_text())
    assert sv["document_type"] == "Beslutsärende" and sv["diary_number"] is None
    assert [i["stage"] for i in sv["items"]] == ["board"]


# --- language -----------------------------------------------------------------------------------


def test_no_name_is_dropped_into_a_sentence_uninflected(built: Built) -> None:
    for d in built.manifest["documents"]:
        if d["format"] != "docx":
            continue
        text = flat("\n".join(docx_blocks(open_docx(str(built.report.version_dir / d["path"])))))
        assert not re.search(r"koskevat osapuolta [A-ZÅÄÖ]", text), d["path"]
        for wrong in (
            "Merkitys:",
            "på partens vägnar",
            "osapuolen puolesta",
            "hyväksyy sopimuksen Testialueen",
            ": osapuolen toimenpiteet",
        ):
            assert wrong not in text, (d["path"], wrong)
    ranua = flat(item(built, "laihia", "council", "fi"))
    assert "Sopimuksen merkitys Laihian kunnan kannalta" in ranua


def test_a_finnish_regional_council_decides_in_its_board_with_a_rectification_instruction(
    tmp_path: Path,
) -> None:
    text = (FIXTURES / "minimal.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "themes:\n",
        "other_parties:\n"
        "  - id: lapin-liitto\n"
        "    name: {fi: Lapin liitto}\n"
        "    approver: {fi: maakuntahallitus}\n"
        "    contact: {name: Liisa Liitto, title: {fi: maakuntajohtaja}}\n"
        "themes:\n",
        1,
    )
    path = tmp_path / "liitto.yaml"
    path.write_text(text, encoding="utf-8")
    from agreement_builder.pipeline.run import build

    report = build(path, tmp_path / "out", only=("lapin-liitto",), jobs=1)
    assert report.ok, report.failures
    items = [d for d in report.documents if d.kind == "agenda-item"]
    assert {(d.stage, d.format) for d in items} == {("board", "pdf"), ("board", "docx")}
    [docx] = [d for d in items if d.format == "docx"]
    assert "_hallitus_" in docx.path
    body = "\n".join(docx_blocks(open_docx(str(report.version_dir / docx.path))))
    flat_body = flat(body)
    assert "Maakuntahallitus hyväksyy liitteen 1 mukaisen yhteistyösopimuksen ja valtuuttaa " in (
        flat_body
    )
    assert "maakuntajohtajan allekirjoittamaan sopimuksen Lapin liiton puolesta." in flat_body
    assert "kirjallisen oikaisuvaatimuksen (kuntalaki 410/2015, 134 §)" in flat_body
    assert "136 §" not in flat_body and "Aikaisempi käsittely" not in body
    assert field_after(body, "Esittelijä") == "maakuntajohtaja"
    assert set(field_after(body, "Päätös")) == {"_"}
    # The contact (a maakuntajohtaja) is not named as its signatory: the position is.
    [package] = [d for d in report.documents if d.kind == "package" and d.format == "pdf"]
    last = PdfReader(report.version_dir / package.path).pages[-1].extract_text()
    assert "Lapin liiton puolesta" in last and "maakuntajohtaja" in last
    assert "Liisa Liitto" not in last
