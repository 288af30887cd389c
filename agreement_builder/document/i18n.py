"""Fixed wording per language (one YAML catalog per language) and locale-aware formatting."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml
from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal
from markupsafe import Markup

# Finnish and Finland-Swedish both write numeric dates as 20.11.2026.
NUMERIC_DATE = "d.M.yyyy"
LOCALES = {"fi": "fi_FI", "sv": "sv_FI"}
# CLDR's plural categories: a counted label gives a form for "other" and for any others its
# language distinguishes (Finnish and Swedish: "one").
PLURAL_CATEGORIES = frozenset({"zero", "one", "two", "few", "many", "other"})

Message = str | Mapping[str, str]


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

    def count(self, key: str, n: int) -> str:
        """A counted phrase in the grammatical number `n` needs: `1 åtgärd`, `7 åtgärder`."""
        forms = self._message(key)
        if isinstance(forms, str):
            raise TypeError(f"the label '{key}' is not counted: it has no plural forms")
        category = _locale(LOCALES[self.language]).plural_form(n)
        return forms.get(category, forms["other"]).format(n=self.number(n))

    def number(self, value: float, decimals: int = 0) -> str:
        """`1 234,5`: digit grouping and decimal sign of the language."""
        pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
        return format_decimal(value, pattern, locale=LOCALES[self.language])

    def date(self, value: dt.date) -> str:
        """`20.11.2026`."""
        return format_date(value, NUMERIC_DATE, locale=LOCALES[self.language])

    def long_date(self, value: dt.date) -> str:
        """`20. marraskuuta 2026` / `20 november 2026`."""
        return format_date(value, "long", locale=LOCALES[self.language])


@cache
def load_catalog(messages_dir: Path, language: str) -> Catalog:
    """The catalog `messages_dir/<language>.yaml`: a flat mapping of label to text, where a
    counted label maps plural categories (`one`, `other`) to text with `{n}`."""
    path = messages_dir / f"{language}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not all(_is_message(v) for v in data.values()):
        raise ValueError(
            f"{path}: a message catalog is a flat mapping of label to text, or for a counted "
            "label to its plural forms ({one: ..., other: ...})"
        )
    return Catalog(language, path, data)


@cache
def _locale(code: str) -> Locale:
    return Locale.parse(code)


def _is_message(value: object) -> bool:
    if isinstance(value, str):
        return True
    return (
        isinstance(value, dict)
        and "other" in value
        and set(value) <= PLURAL_CATEGORIES
        and all(isinstance(v, str) for v in value.values())
    )
