"""Fixed wording per language (one YAML catalog per language) and locale-aware formatting."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal
from markupsafe import Markup

from ..languages import LANGUAGE_TAGS
from ..theme import Message, Templates

# Finnish and Finland-Swedish both write numeric dates as 20.11.2026.
NUMERIC_DATE = "d.M.yyyy"


class MissingMessage(KeyError):
    """A template asked for a label that the language's catalog lacks."""

    def __str__(self) -> str:
        key, language, path = self.args
        return f"the label '{key}' is missing from the {language} catalog ({path})"


@dataclass(frozen=True)
class Catalog:
    """The fixed wording of the templates in one language."""

    language: str
    path: Path
    messages: Mapping[str, Message]

    def _message(self, key: str) -> Message:
        try:
            return self.messages[key]
        except KeyError:
            raise MissingMessage(key, self.language, self.path) from None

    def __call__(self, key: str, **values: object) -> str:
        text = self._message(key)
        if not isinstance(text, str):
            raise TypeError(f"the label '{key}' is counted: use t.count('{key}', n)")
        if any(isinstance(value, Markup) for value in values.values()):
            # A template passed markup (a name marked with its language): keep it, and escape
            # the catalog text and every other value, as autoescaping would have.
            return Markup.escape(text).format(**values)
        return text.format(**values) if values else text

    def variant(self, prefix: str) -> Catalog:
        """The catalog with each label `<prefix><key>` in place of `key`: the same templates
        word a document otherwise (`plan.cover_kind` for the plan of the two-document form)."""
        messages = self.messages
        overlay = {key[len(prefix) :]: messages[key] for key in messages if key.startswith(prefix)}
        return replace(self, messages={**self.messages, **overlay}) if overlay else self

    def count(self, key: str, n: int) -> str:
        """A counted phrase in the grammatical number `n` needs: `1 åtgärd`, `7 åtgärder`."""
        forms = self._message(key)
        if isinstance(forms, str):
            raise TypeError(f"the label '{key}' is not counted: it has no plural forms")
        category = _locale(self.language).plural_form(n)
        return forms.get(category, forms["other"]).format(n=self.number(n))

    def number(self, value: float, decimals: int = 0) -> str:
        """`1 234,5`: digit grouping and decimal sign of the language."""
        pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
        return format_decimal(value, pattern, locale=_locale(self.language))

    def date(self, value: dt.date) -> str:
        """`20.11.2026`."""
        return format_date(value, NUMERIC_DATE, locale=_locale(self.language))

    def long_date(self, value: dt.date) -> str:
        """`20. marraskuuta 2026` / `20 november 2026`."""
        return format_date(value, "long", locale=_locale(self.language))


def load_catalog(templates: Templates | Path, language: str) -> Catalog:
    """The catalog of `language` in `templates` (or in a folder of catalogs: `messages/`).

    Raises TemplateError when there is none or it is not a catalog (see theme.Templates)."""
    if not isinstance(templates, Templates):
        templates = Templates((Path(templates).resolve().parent,))
    return Catalog(language, templates.catalog_path(language), templates.messages(language))


@cache
def _locale(language: str) -> Locale:
    """Babel's locale of a language, by its tag (`fi` -> fi-FI: Finnish as written in Finland)."""
    return Locale.parse(LANGUAGE_TAGS[language], sep="-")

