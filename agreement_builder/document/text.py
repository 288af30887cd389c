"""Workbook prose as blocks: blank-line paragraphs and `- ` / `1. ` list items.

The result is data, never markup: the templates render it with autoescaping on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_BULLET = re.compile(r"^\s*[-–•*]\s+(.*)$")
_NUMBERED = re.compile(r"^\s*\d{1,3}[.)]\s+(.*)$")


@dataclass(frozen=True)
class Block:
    """A paragraph (`kind` "p", one text) or a list (`kind` "ul"/"ol", one text per item)."""

    kind: str
    items: tuple[str, ...]

    @property
    def text(self) -> str:
        return self.items[0]

    @property
    def plain(self) -> str:
        """The block as one line of text, list items joined."""
        return " ".join(self.items)


def blocks(text: str) -> tuple[Block, ...]:
    """Split prose into paragraphs and lists; lines inside a paragraph are joined."""
    result: list[Block] = []
    paragraph: list[str] = []
    items: list[str] = []
    list_kind = ""

    def flush_paragraph() -> None:
        if paragraph:
            result.append(Block("p", (" ".join(paragraph),)))
            paragraph.clear()

    def flush_list() -> None:
        nonlocal list_kind
        if items:
            result.append(Block(list_kind, tuple(items)))
            items.clear()
        list_kind = ""

    for raw in text.splitlines():
        line = raw.strip()
        bullet, numbered = _BULLET.match(raw), _NUMBERED.match(raw)
        if not line:
            flush_paragraph()
            flush_list()
        elif bullet or numbered:
            flush_paragraph()
            kind = "ul" if bullet else "ol"
            if list_kind and kind != list_kind:
                flush_list()
            list_kind = kind
            items.append((bullet or numbered).group(1).strip())  # type: ignore[union-attr]
        elif items:
            # An indented continuation line belongs to the list item above it.
            items[-1] = f"{items[-1]} {line}"
        else:
            paragraph.append(line)
    flush_paragraph()
    flush_list()
    return tuple(result)
