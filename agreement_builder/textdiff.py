"""Word-level differences between two texts, shared by the change report and the tracked-changes
DOCX. Generic: it knows words and whitespace, nothing of agreements or documents.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Sequence
from difflib import SequenceMatcher
from typing import TypeVar

# A word (letters or digits, with inner hyphens, apostrophes, dots, commas, colons or slashes:
# `0.3`, `20.11.2026`, `T1.2`, `1,5`), a run of whitespace, or one other character. `2027–2028`
# is three tokens, so a changed year is one changed word. A soft hyphen (U+00AD, where a word
# may be hyphenated) is part of its word.
_TOKEN = re.compile(r"[\w\u00ad]+(?:[-'’.,:/][\w\u00ad]+)*|\s+|[^\w\s]")

Opcode = tuple[str, int, int, int, int]  # difflib's (tag, i1, i2, j1, j2)
Token = TypeVar("Token", bound=Hashable)


def tokens(text: str) -> list[str]:
    """`text` as words, whitespace runs and single other characters; joined, they are `text`."""
    return _TOKEN.findall(text)


def opcodes(old: Sequence[str], new: Sequence[str]) -> list[Opcode]:
    """difflib opcodes over token lists, with a lone space between two changes taken into the
    change, so that `a b` → `x y` reads as one replaced phrase rather than two words."""
    return keyed_opcodes(old, new, is_space=lambda token: not token.strip())


def keyed_opcodes(
    old: Sequence[Token], new: Sequence[Token], *, is_space: Callable[[Token], bool]
) -> list[Opcode]:
    """`opcodes` over tokens of any kind (a DOCX's run pieces, say); `is_space` tells the
    whitespace tokens that are taken into a change on both sides of them."""
    raw = SequenceMatcher(None, list(old), list(new), autojunk=False).get_opcodes()
    merged: list[Opcode] = []
    for index, op in enumerate(raw):
        tag, i1, i2, j1, j2 = op
        between_changes = 0 < index < len(raw) - 1
        if tag == "equal" and between_changes and i2 - i1 == 1 and is_space(old[i1]):
            tag = "replace"
        if merged and tag != "equal" and merged[-1][0] != "equal":
            _, a1, _, b1, _ = merged[-1]
            merged[-1] = ("replace", a1, i2, b1, j2)
        else:
            merged.append((tag, i1, i2, j1, j2))
    return [
        ("delete" if j1 == j2 else "insert" if i1 == i2 else tag, i1, i2, j1, j2)
        if tag == "replace"
        else (tag, i1, i2, j1, j2)
        for tag, i1, i2, j1, j2 in merged
    ]


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """`old` → `new` as segments: ("=", same), ("-", only in old), ("+", only in new)."""
    a, b = tokens(old), tokens(new)
    segments: list[tuple[str, str]] = []
    for tag, i1, i2, j1, j2 in opcodes(a, b):
        if tag == "equal":
            segments.append(("=", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            segments.append(("-", "".join(a[i1:i2])))
        if j2 > j1:
            segments.append(("+", "".join(b[j1:j2])))
    return segments


def similarity(old: str, new: str) -> float:
    """How alike two texts are, word by word: 1.0 equal, 0.0 nothing in common."""
    if old == new:
        return 1.0
    a, b = tokens(old), tokens(new)
    if not a or not b:
        return 0.0
    return SequenceMatcher(None, a, b, autojunk=False).ratio()
