"""Stages, appeal, signatories and name forms of each party (document/approval.py, party.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from agreement_builder.document.context import build_context
from agreement_builder.document.party import party_document
from agreement_builder.workbook.load import load_yaml
from agreement_builder.workbook.validate import check, load_workbook
from agreement_builder.workbook.warnings import warnings
from tests.conftest import FIXTURES, TEMPLATES, WORKBOOKS

MESSAGES = TEMPLATES / "messages"


def _context(path: Path, language: str):
    return build_context(load_workbook(path), language, MESSAGES)


@pytest.fixture(scope="module")
def lappi():
    return _context(WORKBOOKS / "lappi.yaml", "fi")


@pytest.fixture(scope="module")
def pohjanmaa():
    return {lang: _context(WORKBOOKS / "pohjanmaa.yaml", lang) for lang in ("sv", "fi")}


def test_a_municipality_has_a_board_and_a_council_stage(lappi) -> None:
    board, council = party_document(lappi, "ranua").stages
    assert (board.key, board.body, board.decides) == ("board", "kunnanhallitus", False)
    assert (council.key, council.body, council.decides) == ("council", "kunnanvaltuusto", True)
    assert board.presenter == "kunnanjohtaja" and council.presenter == ""
    assert board.proposal.startswith("Kunnanhallitus esittää kunnanvaltuustolle, että ")
    assert council.proposal.startswith("Kunnanvaltuusto hyväksyy ")
    assert "(kuntalaki 410/2015, 136 §)" in board.appeal
    assert "kunnallisvalituksella" in council.appeal and "135 §" in council.appeal
    # The council's item repeats the board's handling; the board's has none before it.
    assert [h.body for h in council.earlier] == ["kunnanhallitus"] and board.earlier == ()


def test_the_wellbeing_area_is_under_its_own_act(lappi) -> None:
    board, council = party_document(lappi, "lapha").stages
    assert (board.body, council.body) == ("aluehallitus", "aluevaltuusto")
    assert "(laki hyvinvointialueesta 611/2021, 141 §)" in board.appeal
    assert "aluevalitusta" in board.appeal and "kuntalaki" not in board.appeal
    assert "aluevalituksella" in council.appeal and "kuntalaki" not in council.appeal
    assert board.presenter == "hyvinvointialuejohtaja"
    assert "valtuuttaa hyvinvointialuejohtajan allekirjoittamaan" in council.proposal


@pytest.mark.parametrize("language", ["sv", "fi"])
def test_a_regional_council_decides_in_its_board_alone(pohjanmaa, language: str) -> None:
    [stage] = party_document(pohjanmaa[language], "pohjanmaan-liitto").stages
    assert stage.key == "board" and stage.decides and stage.earlier == ()
    expected = {
        "fi": (
            "Maakuntahallitus hyväksyy ",
            "oikaisuvaatimuksen (kuntalaki 410/2015, 134 §)",
            "maakuntajohtaja",
        ),
        "sv": ("Landskapsstyrelsen godkänner ", "omprövning", "landskapsdirektör"),
    }[language]
    assert stage.proposal.startswith(expected[0])
    assert expected[1] in stage.appeal and "136 §" not in stage.appeal
    assert stage.presenter == expected[2]


def test_swedish_sentences_read_as_finland_swedish_councils_write_them(pohjanmaa) -> None:
    sv = pohjanmaa["sv"]
    board, council = party_document(sv, "mustasaari").stages
    assert board.proposal == (
        "Kommunstyrelsen föreslår att kommunfullmäktige godkänner samarbetsavtalet enligt bilaga 1 "
        "och befullmäktigar kommundirektören att underteckna avtalet på kommunens vägnar."
    )
    assert "(kommunallagen 410/2015, 136 §)" in board.appeal
    assert "kommunalbesvär hos förvaltningsdomstolen" in council.appeal
    vasa = party_document(sv, "vaasa").party
    assert (vasa.on_behalf, vasa.genitive) == ("på stadens vägnar", "Vasa stads")


def test_names_are_inflected_from_the_registry(lappi, pohjanmaa) -> None:
    forms = {p.id: p.genitive for p in lappi.parties}
    assert forms["ranua"] == "Ranuan kunnan" and forms["kemi"] == "Kemin kaupungin"
    assert forms["lapha"] == "Lapin hyvinvointialueen" and forms["utsjoki"] == "Utsjoen kunnan"
    fi = {p.id: p.genitive for p in pohjanmaa["fi"].parties}
    assert fi["kaskinen"] == "Kaskisten kaupungin"  # a plural name
    assert fi["pohjanmaan-liitto"] == "Pohjanmaan liiton"
    assert party_document(lappi, "ranua").party.on_behalf == "Ranuan kunnan puolesta"


def test_signatories_default_to_the_managers_position_never_the_contact(lappi) -> None:
    kemi = party_document(lappi, "kemi").party
    assert [(s.position, s.name) for s in kemi.signatories] == [("kaupunginjohtaja", "")]
    assert kemi.contact is not None and kemi.contact.name == "Riikka Hannula"
    # Ranua lists its signatories, by position and name.
    ranua = party_document(lappi, "ranua").party
    assert [s.position for s in ranua.signatories] == [
        "kunnanhallituksen puheenjohtaja",
        "kunnanjohtaja",
    ]


def _workbook_text(extra: str, party: str = "  - id: laihia\n") -> str:
    text = (FIXTURES / "bilingual.yaml").read_text(encoding="utf-8")
    return text.replace(party, party + extra)


def test_listed_signatories_are_authorized_by_position(tmp_path: Path) -> None:
    path = tmp_path / "w.yaml"
    path.write_text(
        _workbook_text(
            "    signatories:\n"
            "      - {position: {sv: kommunstyrelsens ordförande, fi: kunnanhallituksen"
            " puheenjohtaja}, name: Anna Andersson}\n"
            "      - position: {sv: kommundirektör, fi: kunnanjohtaja}\n"
        ),
        encoding="utf-8",
    )
    workbook = load_workbook(path)
    fi = party_document(build_context(workbook, "fi", MESSAGES), "laihia")
    assert (
        "valtuuttaa kunnanhallituksen puheenjohtajan ja kunnanjohtajan allekirjoittamaan "
        "sopimuksen Laihian kunnan puolesta" in fi.stages[0].proposal
    )
    assert [(s.position, s.name) for s in fi.party.signatories] == [
        ("kunnanhallituksen puheenjohtaja", "Anna Andersson"),
        ("kunnanjohtaja", ""),
    ]
    sv = party_document(build_context(workbook, "sv", MESSAGES), "laihia")
    assert (
        "befullmäktigar kommunstyrelsens ordförande och kommundirektören att underteckna avtalet "
        "på kommunens vägnar" in sv.stages[1].proposal
    )


def test_a_position_no_rule_inflects_is_not_forced_into_the_genitive(tmp_path: Path) -> None:
    path = tmp_path / "w.yaml"
    path.write_text(
        _workbook_text(
            "    signatories:\n      - position: {sv: kanslichef, fi: hallintopäällikkö}\n"
        ),
        encoding="utf-8",
    )
    fi = party_document(build_context(load_workbook(path), "fi", MESSAGES), "laihia")
    # "hallintopäällikön" takes consonant gradation: the sentence is built around the
    # nominative instead of guessing.
    expected = "ja päättää, että sopimuksen allekirjoittaa Laihian kunnan puolesta"
    assert f"{expected} hallintopäällikkö" in fi.stages[1].proposal


def test_a_decision_counts_only_for_the_version_it_approved(tmp_path: Path) -> None:
    path = tmp_path / "w.yaml"
    path.write_text(
        _workbook_text(
            "    decision: {body: {sv: kommunfullmäktige, fi: kunnanvaltuusto}, date: 2026-12-20,"
            " section: 45, version: '0.2'}\n"
            "    board_decision: {body: {sv: kommunstyrelsen, fi: kunnanhallitus},"
            " date: 2026-12-14, section: 301, version: '0.1'}\n"
        ).replace(
            "  - id: vaasa\n",
            "  - id: vaasa\n    decision: {body: {sv: stadsfullmäktige, fi: kaupunginvaltuusto},"
            " date: 2026-12-01, section: 12}\n",
        ),
        encoding="utf-8",
    )
    loaded = load_yaml(path)
    workbook = check(loaded)
    # (The standard clauses no section of this workbook states are warned about apart.)
    found = [str(w) for w in warnings(loaded, workbook) if "no section covers" not in str(w)]
    assert len(found) == 2
    laihia_line = (
        path.read_text()
        .splitlines()
        .index(next(line for line in path.read_text().splitlines() if "version: '0.2'" in line))
        + 1
    )
    assert any(
        f":{laihia_line}:" in w and "approved version 0.2, not this version 0.1" in w for w in found
    ), found
    assert any("is dated 2026-12-01, before this version's date 2026-12-11" in w for w in found)
    fi = build_context(workbook, "fi", MESSAGES)
    laihia = party_document(fi, "laihia")
    board, council = laihia.stages
    assert laihia.party.decision is None and council.decision is None  # another version
    assert board.decision is not None and board.decision.section == "§ 301"  # this version
    assert [d.version for d in laihia.party.decisions] == ["0.1", "0.2"]
    assert party_document(fi, "vaasa").party.decision is None  # made before this version
