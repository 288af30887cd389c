"""The interface's Finnish and Swedish catalogs: complete, and the shipped .mo files are the
compiled .po files (`python3 -m agreement_builder.web.catalogs` compiles them)."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from agreement_builder.web.catalogs import LOCALE, compiled

LANGUAGES = ("fi", "sv")


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated(language):
    path = LOCALE / language / "LC_MESSAGES" / "django.po"
    catalog = read_po(path.open("rb"), locale=language)
    untranslated = [
        m.id for m in catalog if m.id and (not m.string or not all(m.string) or m.fuzzy)
    ]
    assert untranslated == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_shipped_mo_is_the_compiled_po(language):
    folder = LOCALE / language / "LC_MESSAGES"
    assert (folder / "django.mo").read_bytes() == compiled(folder / "django.po", language)


def test_the_catalogs_are_package_data():
    text = (Path(__file__).resolve().parents[2] / "pyproject.toml").read_text(encoding="utf-8")
    assert '"agreement_builder.web" = ["templates/**/*", "static/**/*", "locale/**/*"]' in text
