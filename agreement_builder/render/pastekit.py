"""The paste kit: an agenda item's fields, in its order, as plain text and as simple HTML.

Council secretaries type agenda items into their own case-management system (Dynasty, CloudNC,
Tweb); none imports an outside format, so each field is given ready to paste. The fields are the
elements of the agenda item's HTML that carry `data-field` (templates/agenda-item.html.j2): the
same HTML the PDF and DOCX are made from, so the three say the same thing. A field's label is
its heading (h1–h3) or row header (th); its content is paragraphs, list items and cells.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import lxml.html
from lxml.html import HtmlElement

HEADINGS = ("h1", "h2", "h3", "th")


@dataclass(frozen=True)
class Field:
    key: str
    label: str  # empty for the title and the meeting lines
    blocks: tuple[tuple[str, tuple[str, ...]], ...]  # ("p", (line, …)) or ("ul"/"ol", items)

    @property
    def lines(self) -> list[str]:
        """The field's text, one paragraph or list item per entry (a <br> is a newline)."""
        return [item for _, items in self.blocks for item in items]


@dataclass(frozen=True)
class PasteKit:
    fields: tuple[Field, ...]
    text: str
    html: str


def fields(document: str) -> tuple[Field, ...]:
    """Every `data-field` element of the agenda item's HTML, in document order."""
    root = lxml.html.document_fromstring(document)
    found: list[Field] = []
    for element in root.iter():
        if not isinstance(element.tag, str) or element.get("data-field") is None:
            continue
        label = ""
        blocks: list[tuple[str, tuple[str, ...]]] = []
        if element.tag in ("h1", "p"):
            blocks.append(("p", (_text(element),)))
        else:
            for child in element:
                if not isinstance(child.tag, str):
                    continue
                if child.tag in HEADINGS and not label:
                    label = _text(child)
                elif child.tag in ("ul", "ol"):
                    items = tuple(_text(li) for li in child if li.tag == "li")
                    blocks.append((child.tag, items))
                else:  # a paragraph or a cell
                    blocks.append(("p", (_text(child),)))
        found.append(Field(element.get("data-field", ""), label, tuple(blocks)))
    return tuple(found)


def paste_kit(document: str) -> PasteKit:
    # Pasted text is the case-management system's to break: no soft hyphens (U+00AD) that
    # the PDF and DOCX break words at (render/hyphenate.py).
    found = fields(document.replace("\u00ad", ""))
    return PasteKit(found, _as_text(found), _as_html(found))


def _text(element: HtmlElement) -> str:
    """An element's text with <br> as a newline and white space as the reader sees it."""
    parts: list[str] = []

    def walk(node: HtmlElement) -> None:
        if node.tag == "br":
            parts.append("\n")
        elif node.text:
            parts.append(node.text)
        for child in node:
            if isinstance(child.tag, str):
                walk(child)
            if child.tail:
                parts.append(child.tail)

    walk(element)
    lines = ("".join(parts)).split("\n")
    return "\n".join(" ".join(line.split()) for line in lines).strip()


def _as_text(found: tuple[Field, ...]) -> str:
    chunks: list[str] = []
    for field in found:
        lines: list[str] = [field.label] if field.label else []
        for kind, items in field.blocks:
            if kind == "p":
                lines.extend(items)
            else:
                lines.extend(
                    f"{n}. {item}" if kind == "ol" else f"- {item}"
                    for n, item in enumerate(items, 1)
                )
        chunks.append("\n".join(lines))
    return "\n\n".join(chunks) + "\n"


def _as_html(found: tuple[Field, ...]) -> str:
    """A fragment of headings, paragraphs and lists only: what an editor keeps when pasted."""
    out: list[str] = ['<!DOCTYPE html>\n<html>\n<head><meta charset="utf-8"></head>\n<body>']
    for field in found:
        if field.label:
            out.append(f"<h3>{html.escape(field.label)}</h3>")
        for kind, items in field.blocks:
            if kind == "p":
                for item in items:
                    inner = "<br>".join(html.escape(line) for line in item.split("\n"))
                    tag = "h2" if field.key == "title" else "p"
                    out.append(f"<{tag}>{inner}</{tag}>")
            else:
                lis = "".join(f"<li>{html.escape(item)}</li>" for item in items)
                out.append(f"<{kind}>{lis}</{kind}>")
    out.append("</body>\n</html>")
    return "\n".join(out) + "\n"
