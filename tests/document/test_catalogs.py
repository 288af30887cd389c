"""Every label a template uses exists in every language's catalog."""

from __future__ import annotations

import re

import pytest
import yaml

from tests.conftest import TEMPLATES

CATALOGS = {
    path.stem: yaml.safe_load(path.read_text(encoding="utf-8"))
    for path in sorted((TEMPLATES / "messages").glob("*.yaml"))
}
LABEL = re.compile(r"""\bt(?:\.count)?\(\s*["']([\w.-]+)["']""")
COUNTED = re.compile(r"""\bt\.count\(\s*["']([\w.-]+)["']""")


PACKAGE = TEMPLATES.parent


def used_labels(pattern: re.Pattern[str] = LABEL) -> set[str]:
    """Labels the templates use, and those the document layer and the pipeline ask for."""
    labels: set[str] = set()
    sources = [*TEMPLATES.rglob("*.j2"), *(PACKAGE / "document").glob("*.py")]
    sources += [*(PACKAGE / "pipeline").glob("*.py")]
    for source in sources:
        labels |= set(pattern.findall(source.read_text(encoding="utf-8")))
    return labels


def test_the_scan_finds_the_labels() -> None:
    assert {"contents", "goal_heading", "agenda_presenter", "index_kind."} <= used_labels()
    assert {"approve_object", "paste_document_type", "and"} <= used_labels()
    assert {"count_measures", "count_lead"} <= used_labels(COUNTED)


@pytest.mark.parametrize("language", sorted(CATALOGS))
def test_every_used_label_is_in_the_catalog(language: str) -> None:
    catalog = set(CATALOGS[language])
    # A label built in the template (`t("index_kind." ~ kind)`) needs one entry per kind.
    prefixes = {label for label in used_labels() if label.endswith(".")}
    for prefix in prefixes:
        kinds = {
            "index_kind.": {"agreement", "changes", "package", "agenda-item", "paste-kit"}
            | {"plan", "plan-package", "plan-agenda-item", "plan-changes", "plan-paste-kit"},
            "index_stage.": {"board", "council"},
            "language_name.": set(CATALOGS),  # every language a document can be in
        }[prefix]
        assert {prefix + kind for kind in kinds} <= catalog
    missing = sorted(used_labels() - prefixes - catalog)
    assert not missing, f"{language}.yaml lacks {missing}"


def test_the_catalogs_have_the_same_labels() -> None:
    assert {"fi", "sv"} <= set(CATALOGS)
    # board.<approver> maps a body's name in that language, so those keys differ by design.
    shared = [{k for k in c if not k.startswith("board.")} for c in CATALOGS.values()]
    assert all(labels == shared[0] for labels in shared)


@pytest.mark.parametrize("language", sorted(CATALOGS))
def test_counted_labels_have_plural_forms_and_the_others_are_text(language: str) -> None:
    catalog = CATALOGS[language]
    counted = used_labels(COUNTED)
    for label in counted:
        forms = catalog[label]
        assert isinstance(forms, dict) and {"one", "other"} <= set(forms), (language, label)
        assert all("{n}" in form for form in forms.values()), (language, label)
    for label in used_labels() - counted:
        if not label.endswith("."):
            assert isinstance(catalog[label], str), (language, label)
