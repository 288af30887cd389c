"""Alphabetical order as a language has it: Finnish and Swedish put å, ä and ö after z.

ICU's collation (PyICU) is used where it is installed, tailored for the language (fi-FI, sv-FI);
without it, a key that follows the same Finnish and Swedish rules for names: letters in the
alphabet's order, å ä ö (and æ, ø) after z, ü as y, other accents ignored (é as e), case only
breaking ties.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from functools import cache
from typing import Any

LOCALES = {"fi": "fi_FI", "sv": "sv_FI", "en": "en_GB"}
# After z, in the order both alphabets have: å, ä (æ), ö (ø).
_NORDIC = {
    "å": "z\uffff1",
    "ä": "z\uffff2",
    "æ": "z\uffff2",
    "ö": "z\uffff3",
    "ø": "z\uffff3",
    "ü": "y",
}


@cache
def sort_key(language: str) -> Callable[[str], Any]:
    """A key that sorts strings in `language`'s alphabetical order."""
    try:
        import icu  # PyICU
    except ImportError:
        return _nordic_key
    collator = icu.Collator.createInstance(icu.Locale(LOCALES.get(language, language)))
    return collator.getSortKey


def _nordic_key(text: str) -> tuple[str, str]:
    folded = "".join(_NORDIC.get(char, char) for char in text.casefold())
    plain = "".join(
        char for char in unicodedata.normalize("NFD", folded) if not unicodedata.combining(char)
    )
    return plain, text
