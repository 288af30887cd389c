"""Comparing two versions of a workbook: each kind of change, in the workbook's terms."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from agreement_builder.changes.compare import (
    KINDS,
    SUBJECTS,
    Change,
    FieldChange,
    compare,
    field_paths,
)
from agreement_builder.changes.report import format_text
from agreement_builder.changes.summary import summary_view
from agreement_builder.document.i18n import load_catalog
from agreement_builder.workbook.model import Workbook
from agreement_builder.workbook.validate import load_workbook
from tests.changes.versions import (
    ADDED_TEXT,
    LAPPI,
    edited,
    goal,
    lappi_data,
    load,
    measure,
    next_version,
)
from tests.conftest import TEMPLATES, WORKBOOKS


@pytest.fixture(scope="module")
def lappi() -> Workbook:
    return load_workbook(LAPPI)


def changed(tmp_path: Path, edit) -> tuple[Workbook, Workbook]:
    data = lappi_data()
    edit(data)
    return load_workbook(LAPPI), load(data, tmp_path / "new.yaml")


def only(changes, subject: str) -> Change:
    found = changes.of(subject)
    assert len(found) == 1, found
    return found[0]


def test_a_workbook_against_itself_has_no_changes(lappi: Workbook) -> None:
    changes = compare(lappi, lappi)
    assert len(changes) == 0
    assert format_text(changes).splitlines()[-1] == "no changes"


def test_reformatting_and_reordering_keys_change_nothing(tmp_path: Path, lappi: Workbook) -> None:
    data = lappi_data()
    # Keys sorted, every mapping and list written out in block style, texts re-wrapped.
    path = tmp_path / "reformatted.yaml"
    path.write_text(
        yaml.safe_dump(data, allow_unicode=True, sort_keys=True, width=60), encoding="utf-8"
    )
    assert path.read_text(encoding="utf-8") != LAPPI.read_text(encoding="utf-8")
    assert len(compare(lappi, load_workbook(path))) == 0


def test_a_new_version_and_date_alone_are_no_change(tmp_path: Path) -> None:
    old, new = changed(tmp_path, next_version)
    assert new.agreement.version == "0.4"
    assert len(compare(old, new)) == 0


def test_changed_text_marks_the_changed_words(tmp_path: Path) -> None:
    def edit(data):
        text = measure(data, "T1", "T1.1")["text"]
        text["fi"] = text["fi"].replace("matalan kynnyksen", "maksuttomaan")

    old, new = changed(tmp_path, edit)
    changes = compare(old, new)
    change = only(changes, "measure")
    assert (change.kind, change.id, change.parent) == ("changed", "T1.1", "T1")
    [field] = change.fields
    assert (field.field, field.language) == ("text", "fi")
    assert isinstance(field.old, str) and isinstance(field.new, str)
    assert "matalan kynnyksen" in field.old and "maksuttomaan" in field.new
    report = format_text(changes)
    assert "measure T1.1 (goal T1) changed" in report
    assert "[-matalan kynnyksen-]{+maksuttomaan+}" in report


def test_changed_responsible_party(tmp_path: Path) -> None:
    def edit(data):
        measure(data, "T1", "T1.4")["responsible"] = ["rovaniemi", "kemi", "lapha"]

    old, new = changed(tmp_path, edit)
    change = only(compare(old, new), "measure")
    assert change.fields == (
        FieldChange(
            "responsible", ("rovaniemi", "kemi", "tornio", "lapha"), ("rovaniemi", "kemi", "lapha")
        ),
    )


def test_changed_schedule(tmp_path: Path) -> None:
    def edit(data):
        measure(data, "T1", "T1.2")["schedule"] = "2027–2029"

    old, new = changed(tmp_path, edit)
    changes = compare(old, new)
    assert only(changes, "measure").fields == (FieldChange("schedule", "2027–2028", "2027–2029"),)
    assert "schedule: 2027–[-2028-]{+2029+}" in format_text(changes)


def test_added_and_removed_measures(tmp_path: Path) -> None:
    def edit(data):
        t2 = goal(data, "T2")
        t2["measures"] = [m for m in t2["measures"] if m["id"] != "T2.5"]
        t2["measures"].append(
            {"id": "T2.6", "text": {"fi": ADDED_TEXT}, "responsible": ["lapha"], "schedule": "2027"}
        )

    old, new = changed(tmp_path, edit)
    changes = compare(old, new)
    kinds = {(c.kind, c.id, c.parent) for c in changes.of("measure")}
    assert kinds == {("added", "T2.6", "T2"), ("removed", "T2.5", "T2")}
    added = next(c for c in changes.changes if c.kind == "added")
    assert FieldChange("text", None, ADDED_TEXT, "fi") in added.fields
    assert changes.counts() == {"added": 1, "removed": 1, "changed": 0, "moved": 0}


def test_a_measure_moved_to_another_goal_is_a_move(tmp_path: Path) -> None:
    def edit(data):
        moved = measure(data, "T3", "T3.4")
        goal(data, "T3")["measures"].remove(moved)
        goal(data, "T4")["measures"].append(moved)

    old, new = changed(tmp_path, edit)
    changes = compare(old, new)
    change = only(changes, "measure")
    assert (change.kind, change.id, change.old_parent, change.parent) == (
        "moved",
        "T3.4",
        "T3",
        "T4",
    )
    assert change.fields == ()
    assert "measure T3.4 moved from goal T3 to goal T4" in format_text(changes)


def test_a_moved_and_renumbered_measure_is_one_measure(tmp_path: Path) -> None:
    def edit(data):
        moved = measure(data, "T3", "T3.4")
        goal(data, "T3")["measures"].remove(moved)
        goal(data, "T4")["measures"].append({**moved, "id": "T4.6"})

    old, new = changed(tmp_path, edit)
    change = only(compare(old, new), "measure")
    assert (change.kind, change.id, change.old_id, change.old_parent) == (
        "moved",
        "T4.6",
        "T3.4",
        "T3",
    )
    assert change.fields == (FieldChange("id", "T3.4", "T4.6"),)


def test_a_measure_reordered_within_its_goal(tmp_path: Path) -> None:
    def edit(data):
        measures = goal(data, "T1")["measures"]
        measures.insert(0, measures.pop(3))  # T1.4 first

    old, new = changed(tmp_path, edit)
    change = only(compare(old, new), "measure")
    assert (change.kind, change.id, change.parent, change.old_parent) == (
        "moved",
        "T1.4",
        "T1",
        "T1",
    )


def test_a_renamed_goal(tmp_path: Path) -> None:
    def edit(data):
        goal(data, "T5")["title"]["fi"] = "Perheet saavat tukea läheltä"

    old, new = changed(tmp_path, edit)
    changes = compare(old, new)
    change = only(changes, "goal")
    assert (change.kind, change.id) == ("changed", "T5")
    assert [f.field for f in change.fields] == ["title"]
    assert changes.of("measure") == []  # its measures did not change


def test_a_party_added(tmp_path: Path) -> None:
    def edit(data):
        data["other_parties"] = [
            {
                "id": "lapin-liitto",
                "business_id": "0164308-3",
                "name": {"fi": "Lapin liitto"},
                "approver": {"fi": "maakuntavaltuusto"},
            }
        ]

    old, new = changed(tmp_path, edit)
    changes = compare(old, new)
    change = only(changes, "party")
    assert (change.kind, change.id) == ("added", "lapin-liitto")
    assert FieldChange("name", None, "Lapin liitto", "fi") in change.fields
    assert "party lapin-liitto added" in format_text(changes)


def test_a_contact_changed(tmp_path: Path) -> None:
    def edit(data):
        data["municipalities"][0]["contact"]["phone"] = "040 000 0000"

    old, new = changed(tmp_path, edit)
    change = only(compare(old, new), "party")
    assert change.fields == (FieldChange("contact.phone", "040 731 5402", "040 000 0000"),)


def test_a_swedish_text_change_names_its_language(tmp_path: Path) -> None:
    path = WORKBOOKS / "pohjanmaa.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    first = data["goals"][0]["measures"][0]
    first["text"]["sv"] = first["text"]["sv"] + " Ny mening."
    changes = compare(load_workbook(path), load(data, tmp_path / "new.yaml"))
    change = only(changes, "measure")
    assert [(f.field, f.language) for f in change.fields] == [("text", "sv")]
    assert "text (sv): " in format_text(changes)
    assert "{+ Ny mening.+}" in format_text(changes)


def test_every_change_at_once(tmp_path: Path) -> None:
    old, new = changed(tmp_path, edited)
    changes = compare(old, new)
    summary = {(c.subject, c.kind, c.id) for c in changes.changes}
    assert summary == {
        ("party", "added", "lapin-liitto"),
        ("goal", "changed", "T5"),
        ("measure", "changed", "T1.1"),
        ("measure", "changed", "T1.2"),
        ("measure", "changed", "T1.3"),
        ("measure", "added", "T2.6"),
        ("measure", "removed", "T2.5"),
        ("measure", "moved", "T3.4"),
    }


def test_the_summary_speaks_the_documents_language(tmp_path: Path) -> None:
    old, new = changed(tmp_path, edited)
    view = summary_view(compare(old, new), load_catalog(TEMPLATES / "messages", "fi"))
    assert view.title == "Muutokset versioon 0.4"
    assert view.compared == "Verrattuna versioon 0.3 (20.11.2026)"
    entries = {e.heading: e for g in view.groups for e in g.entries}
    moved = entries["Toimenpide T3.4"]
    assert moved.status == "siirretty (aiemmin: Tavoite T3)"
    [text] = moved.values  # unchanged, shown so the reader knows which measure moved
    assert text.label == "Teksti" and text.new[0][1].startswith("Kylien yhteisöllistä toimintaa")
    assert entries["Osapuoli: Lapin liitto"].status == "lisätty"
    [responsible] = entries["Toimenpide T1.3"].values
    assert responsible.label == "Vastuutahot"
    assert responsible.new == (
        ("=", "kaikki kunnat (päävastuu)"),
        ("+", ", Lapin hyvinvointialue"),
    )
    groups = [g.title for g in view.groups]
    assert groups[0] == "Sopijaosapuolet"
    assert "Tavoite T4: Lapset ja nuoret saavat tukea arjen ympäristöissään oikeaan aikaan" in (
        groups
    )


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_every_label_of_the_summary_is_in_the_catalog(language: str) -> None:
    catalog = yaml.safe_load((TEMPLATES / "messages" / f"{language}.yaml").read_text("utf-8"))
    wanted = (
        {f"changes_field.{path}" for path in field_paths()}
        | {f"changes_subject.{s}" for s in SUBJECTS}
        | {f"changes_kind.{k}" for k in KINDS}
    )
    assert not sorted(wanted - set(catalog))
