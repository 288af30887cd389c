"""The registry's Finnish genitives, checked against Voikko's analysis where Voikko knows the
name (voikko-fi, the Finnish morphology LibreOffice uses)."""

from __future__ import annotations

import pytest

from agreement_builder.registry import registry

# Names Voikko does not analyse (two words; a first part that inflects too).
UNKNOWN_TO_VOIKKO = {"Koski Tl": "Kosken Tl", "Uusikaarlepyy": "Uudenkaarlepyyn"}
# Names Voikko reads as another's: Virtain as the plural of virta; the registry's Finnish name
# of Pedersöre is already a genitive phrase (Pedersören kunta).
READ_OTHERWISE = {"Virrat": "Virtain", "Pedersören kunta": "Pedersören kunnan"}


def test_every_name_has_a_genitive() -> None:
    for area in registry().areas:
        assert area.genitive == area.fi + "en"  # … hyvinvointialue → … hyvinvointialueen
        for municipality in area.municipalities:
            assert municipality.genitive.endswith("n") or municipality.fi in UNKNOWN_TO_VOIKKO
    names = {m.fi: m for a in registry().areas for m in a.municipalities}
    assert names["Ranua"].official_genitive == "Ranuan kunnan"
    assert names["Kemi"].official_genitive == "Kemin kaupungin"
    assert names["Kaskinen"].official_name == "Kaskisten kaupunki"  # a plural name
    assert names["Virrat"].official_genitive == "Virtain kaupungin"
    assert names["Pedersören kunta"].official_genitive == "Pedersören kunnan"
    for name, genitive in UNKNOWN_TO_VOIKKO.items():
        assert names[name].genitive == genitive


def test_voikko_reads_each_genitive_as_the_genitive_of_its_name() -> None:
    libvoikko = pytest.importorskip("libvoikko", reason="pip install libvoikko; voikko-fi")
    try:
        voikko = libvoikko.Voikko("fi")
    except OSError:
        pytest.skip("the Finnish dictionary is not installed: apt-get install voikko-fi")
    wrong = []
    for area in registry().areas:
        for municipality in area.municipalities:
            name = municipality.fi.removesuffix(" kunta")
            if municipality.fi in UNKNOWN_TO_VOIKKO or municipality.fi in READ_OTHERWISE:
                assert (
                    municipality.genitive
                    == {**UNKNOWN_TO_VOIKKO, **READ_OTHERWISE}[municipality.fi]
                )
                continue
            genitive = municipality.genitive
            readings = voikko.analyze(genitive)
            if not any(
                r.get("SIJAMUOTO") == "omanto" and r.get("BASEFORM", "").lower() == name.lower()
                for r in readings
            ):
                wrong.append((name, genitive))
    assert wrong == []
    voikko.terminate()
