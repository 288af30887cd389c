"""Fixed wording per language (one YAML catalog per language) and locale-aware formatting."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml
from babel.dates import format_date

# Finnish and Finland-Swedish both write numeric dates as 20.11.2026.
NUMERIC_DATE = "d.M.yyyy"
LOCALES = {"fi": "fi_FI", "sv": "sv_FI"}


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
    messages: Mapping[str, str]

    def __call__(self, key: str, **values: object) -> str:
        try:
            text = self.messages[key]
        except KeyError:
            raise MissingMessage(key, self.language, self.path) from None
        return text.format(**values) if values else text

    def date(self, value: dt.date) -> str:
        """`20.11.2026`."""
        return format_date(value, NUMERIC_DATE, locale=LOCALES[self.language])

    def long_date(self, value: dt.date) -> str:
        """`20. marraskuuta 2026` / `20 november 2026`."""
        return format_date(value, "long", locale=LOCALES[self.language])


@cache
def load_catalog(messages_dir: Path, language: str) -> Catalog:
    """The catalog `messages_dir/<language>.yaml`: a flat mapping of label to text."""
    path = messages_dir / f"{language}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        raise ValueError(f"{path}: a message catalog is a flat mapping of label to text")
    return Catalog(language, path, data)
