"""The DOCX writer: walks the document HTML (docs/document-html.md) into Word's own structures.

It knows headings, paragraphs, lists, tables, page breaks, the contents and the running header and
footer; it knows nothing of goals, measures or parties. An element or class outside the contract
is an error, never silently dropped.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import TypeAlias

import docx
import lxml.html
from docx.document import Document
from docx.enum.text import WD_BREAK, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml.ns import qn
from docx.section import _Footer, _Header
from docx.shared import Emu, Mm, Pt
from docx.styles.style import ParagraphStyle
from docx.table import _Cell
from docx.text.paragraph import Paragraph
from docx.text.run import Run
from lxml.etree import _Element
from lxml.html import HtmlElement

from ..stablezip import restamp
from . import ooxml

BLOCKS = {"p", "ul", "ol", "table", "h1", "h2", "h3", "section", "div", "hr", "figure"}
INLINE = {"strong", "b", "em", "i", "br", "span", "a"}
CLASSES: dict[str, set[str]] = {
    "p": {"subtitle", "small", "status"},
    "h1": {"title"},
    "section": {"cover", "new-page"},
    "div": {"signature", "new-page"},
    "hr": {"page-break"},
    "figure": {"chart"},
    "span": {"blank", "page-number", "page-count"},
}
SMALL = Pt(8.5)


class DocxWriterError(Exception):
    """The HTML holds something the DOCX writer does not know how to write."""


@dataclass(frozen=True)
class DocxOutput:
    data: bytes
    warnings: tuple[str, ...]


@dataclass(frozen=True)
class Format:
    bold: bool = False
    italic: bool = False
    small: bool = False
    link: str | None = None  # an anchor inside the document
    lang: str | None = None  # a passage marked with `lang` inside a paragraph


# Inline content: text with its format, or an element that becomes a break or a field. (Aliases,
# since the writer's method `list` hides the built-in name inside its class.)
Inline: TypeAlias = tuple[str, Format] | HtmlElement
Pieces: TypeAlias = list[Inline]
InlineItems: TypeAlias = list[HtmlElement | str]


def render_docx(html: str, *, reference_docx: Path | bytes | None = None) -> DocxOutput:
    """Write the document HTML as a DOCX; styles and page setup from `reference_docx` if given.

    Made from the HTML alone: nothing of the PDF (its page numbers) goes into it, so the two
    writers are independent and either file can be made again alone, to the same bytes.
    """
    root = lxml.html.document_fromstring(html)
    writer = _Writer(root, reference_docx)
    writer.write_body(_only(root, "body"))
    return DocxOutput(writer.save(), tuple(writer.warnings))


class _Flow:
    """Where blocks go: the document body or one table cell."""

    def __init__(self, target: Document | _Cell) -> None:
        self.target = target
        # A new cell already holds one empty paragraph: the first block fills it.
        self.fresh: Paragraph | None = target.paragraphs[0] if isinstance(target, _Cell) else None

    def paragraph(self, style: ParagraphStyle) -> Paragraph:
        if self.fresh is not None:
            paragraph, self.fresh = self.fresh, None
            paragraph.style = style
            return paragraph
        return self.target.add_paragraph(style=style)


class _Writer:
    def __init__(self, root: HtmlElement, reference: Path | bytes | None) -> None:
        self.warnings: list[str] = []
        self.language = root.get("lang") or "fi"
        self.scope = self.language  # the language of the block being written
        self.meta = _metadata(root)
        if reference is None:
            self.doc = docx.Document()
            ooxml.ensure_styles(self.doc, warn=None)
            ooxml.default_look(self.doc)
            ooxml.set_page_a4(self.doc)
        else:
            # A build passes the reference checked and cleaned (render/reference.py).
            source = io.BytesIO(reference) if isinstance(reference, bytes) else str(reference)
            self.doc = docx.Document(source)
            _clear_body(self.doc)
            ooxml.ensure_styles(self.doc, warn=self.warnings.append)
        ooxml.set_language(self.doc, self.language)
        self.bookmarks = ooxml.Bookmarks()
        self.page_break_pending = False
        self.keep_together = False
        section = self.doc.sections[0]
        # A reference DOCX may leave the page size or margins unset: Word then uses A4, no margin.
        width = section.page_width if section.page_width is not None else Mm(210)
        margins = (section.left_margin or 0) + (section.right_margin or 0)
        self.text_width = Emu(width - margins)

    # --- the body -------------------------------------------------------------------------
    def write_body(self, body: HtmlElement) -> None:
        flow = _Flow(self.doc)
        for child in body:
            if not isinstance(child.tag, str):
                continue  # comments
            if child.tag == "header" and _classes(child) == {"running-header"}:
                self.running(child, header=True)
            elif child.tag == "footer" and _classes(child) == {"running-footer"}:
                self.running(child, header=False)
            elif child.tag == "nav" and _classes(child) == {"toc"}:
                self.contents(child, flow)
            else:
                self.block(child, flow)
        if _text(body):
            raise DocxWriterError(f"text directly in <body>: {_text(body)[:40]!r}")

    @contextmanager
    def in_language_of(self, element: HtmlElement) -> Iterator[None]:
        """Inside an element marked with `lang`, runs carry that language."""
        outer = self.scope
        self.scope = element.get("lang") or outer
        try:
            yield
        finally:
            self.scope = outer

    def block(self, element: HtmlElement, flow: _Flow) -> None:
        with self.in_language_of(element):
            self._block(element, flow)

    def _block(self, element: HtmlElement, flow: _Flow) -> None:
        tag, classes = element.tag, _classes(element)
        unknown = classes - CLASSES.get(tag, set()) if tag != "table" else set()
        if tag not in BLOCKS or unknown:
            what = f'<{tag} class="{" ".join(sorted(unknown))}">' if unknown else f"<{tag}>"
            raise DocxWriterError(f"the DOCX writer does not know {what}")
        if "new-page" in classes:
            self.page_break_pending = True
        if tag in ("section", "div"):
            keep = self.keep_together
            self.keep_together = keep or "signature" in classes
            self.blocks_of(element, flow)
            self.keep_together = keep
            if "cover" in classes:
                self.page_break_pending = True
        elif tag == "hr":
            self.page_break_pending = True
        elif tag in ("h1", "h2", "h3"):
            if "title" in classes:
                self.paragraph(element, flow, "Title")
            else:
                paragraph = self.paragraph(element, flow, f"Heading {tag[1]}")
                if element.get("id"):
                    self.bookmarks.wrap(paragraph, element.get("id"))
        elif tag == "p":
            style = "Subtitle" if "subtitle" in classes else "Normal"
            fmt = Format(bold="status" in classes, small="small" in classes)
            self.paragraph(element, flow, style, fmt)
        elif tag in ("ul", "ol"):
            self.list(element, flow, level=1)
        elif tag == "table":
            self.table(element, flow)
        elif tag == "figure":
            self.figure(element, flow)

    def figure(self, element: HtmlElement, flow: _Flow) -> None:
        """A chart: its caption and its text alternative (the numbers follow as a table; the
        picture itself is for the PDF)."""
        images = element.findall("img")
        caption = element.find("figcaption")
        if len(images) != 1 or not images[0].get("alt"):
            raise DocxWriterError("a <figure> holds one <img> with its text alternative (alt)")
        if caption is not None:
            self.paragraph(caption, flow, "Caption").paragraph_format.keep_with_next = True
        paragraph = self.new_paragraph(flow, "Normal")
        self._run(paragraph, images[0].get("alt"), Format(italic=True), None)

    def blocks_of(self, element: HtmlElement, flow: _Flow) -> None:
        """The children of a container; loose inline content becomes its own paragraph."""
        loose: list[HtmlElement | str] = []

        def flush() -> None:
            if any((isinstance(x, str) and x.strip()) or not isinstance(x, str) for x in loose):
                paragraph = self.new_paragraph(flow, "Normal")
                self.inline_items(paragraph, loose, Format())
            loose.clear()

        if element.text:
            loose.append(element.text)
        for child in element:
            if isinstance(child.tag, str) and child.tag in BLOCKS:
                flush()
                self.block(child, flow)
            elif isinstance(child.tag, str):
                loose.append(child)
            if child.tail:
                loose.append(child.tail)
        flush()

    def new_paragraph(self, flow: _Flow, style_name: str) -> Paragraph:
        paragraph = flow.paragraph(ooxml.style(self.doc, style_name))
        if self.page_break_pending:
            paragraph.paragraph_format.page_break_before = True
            self.page_break_pending = False
        if self.keep_together:
            paragraph.paragraph_format.keep_with_next = True
        return paragraph

    def paragraph(
        self, element: HtmlElement, flow: _Flow, style_name: str, fmt: Format = Format()
    ) -> Paragraph:
        paragraph = self.new_paragraph(flow, style_name)
        self.inline(paragraph, element, fmt)
        return paragraph

    def list(self, element: HtmlElement, flow: _Flow, level: int) -> None:
        kind = "Number" if element.tag == "ol" else "Bullet"
        style_name = f"List {kind}" + (" 2" if level == 2 else "")
        num_id = None
        if kind == "Number":
            num_id = ooxml.restart_numbering(self.doc, ooxml.style(self.doc, style_name))
        for item in element:
            if not isinstance(item.tag, str):
                continue
            if item.tag != "li":
                raise DocxWriterError(
                    f"<{element.tag}> holds <{item.tag}>; only <li> belongs there"
                )
            nested = [c for c in item if isinstance(c.tag, str) and c.tag in ("ul", "ol")]
            if nested and level == 2:
                raise DocxWriterError("lists nest one level deep at most")
            paragraph = self.new_paragraph(flow, style_name)
            if num_id:
                ooxml.use_numbering(paragraph, num_id)
            own = [item.text or ""]
            for child in item:
                if child in nested:
                    break
                own.extend([child, child.tail or ""])
            with self.in_language_of(item):
                self.inline_items(paragraph, own, Format())
                for sub in nested:
                    self.list(sub, flow, level=2)

    # --- tables ---------------------------------------------------------------------------
    def table(self, element: HtmlElement, flow: _Flow) -> None:
        caption = element.find("caption")
        if caption is not None:
            self.paragraph(caption, flow, "Caption").paragraph_format.keep_with_next = True
        widths = [_percent(col) for col in element.iterfind("colgroup/col")]
        head = [tr for tr in element.iterfind("thead/tr")]
        body = [tr for tr in element.iterfind("tbody/tr")] + [tr for tr in element.iterfind("tr")]
        for child in element:
            if isinstance(child.tag, str) and child.tag not in (
                "caption",
                "colgroup",
                "thead",
                "tbody",
                "tr",
            ):
                raise DocxWriterError(
                    f"<table> holds <{child.tag}>, which the writer does not know"
                )
        rows = head + body
        columns = max((len(_cells(tr)) for tr in rows), default=0)
        if not rows or not columns:
            return
        if not widths or len(widths) != columns:
            widths = [100 / columns] * columns
        if self.page_break_pending:
            self.new_paragraph(flow, "Normal")  # a table cannot carry the break itself
        table = flow.target.add_table(rows=len(rows), cols=columns)
        table.style = ooxml.style(self.doc, ooxml.TABLE_STYLE)
        ooxml.table_width_full(table)
        ooxml.table_look(table, first_row=bool(head))
        total = sum(widths)
        for column, width in zip(table.columns, widths, strict=True):
            column.width = Emu(int(self.text_width * width / total))
        for index, tr in enumerate(rows):
            row = table.rows[index]
            ooxml.row_properties(row, header=index < len(head))
            cells = _cells(tr)
            if len(cells) != columns:
                raise DocxWriterError(f"a table row has {len(cells)} cells, the table {columns}")
            for cell, source, width in zip(row.cells, cells, widths, strict=True):
                cell.width = Emu(int(self.text_width * width / total))
                fmt = Format(bold=source.tag == "th")
                with self.in_language_of(source):
                    self.cell(source, cell, fmt)

    def cell(self, source: HtmlElement, cell: _Cell, fmt: Format) -> None:
        if source.get("colspan") or source.get("rowspan"):
            raise DocxWriterError("table cells that span rows or columns are not supported")
        flow = _Flow(cell)
        has_blocks = any(isinstance(c.tag, str) and c.tag in BLOCKS for c in source)
        if not has_blocks:
            paragraph = flow.paragraph(ooxml.style(self.doc, "Normal"))
            self.inline(paragraph, source, fmt)
            return
        pending, keep = self.page_break_pending, self.keep_together
        self.page_break_pending = self.keep_together = False
        self.blocks_of(source, flow)
        self.page_break_pending, self.keep_together = pending, keep
        if fmt.bold:
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    run.bold = True

    # --- contents, header and footer ------------------------------------------------------
    def contents(self, nav: HtmlElement, flow: _Flow) -> None:
        """A TOC field (`TOC \\o "1-3" \\h \\z \\u`) whose result lists the headings, each
        linked to its heading, without page numbers: Word paginates the document otherwise
        than the PDF, and only Word or LibreOffice can number its pages. The settings ask them
        to update the field on opening (`w:updateFields`), which adds the right numbers."""
        heading = nav.find("h2")
        if heading is not None:
            self.paragraph(heading, flow, "TOC Heading")
        entries = list(_toc_entries(nav.find("ol"), level=1))
        if not entries:
            return
        tab_at = Emu(self.text_width)
        for index, (level, anchor, link) in enumerate(entries):
            paragraph = self.new_paragraph(flow, f"TOC {level}")
            paragraph.paragraph_format.tab_stops.add_tab_stop(
                tab_at, WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS
            )
            if index == 0:
                ooxml.begin_field(paragraph, 'TOC \\o "1-3" \\h \\z \\u')
            target = ooxml.hyperlink(paragraph, anchor)
            self.inline_items(
                paragraph, [link.text or "", *_children_with_tails(link)], Format(), parent=target
            )
            if index == len(entries) - 1:
                ooxml.end_field(paragraph)
        ooxml.update_fields_on_open(self.doc)
        self.page_break_pending = True

    def running(self, element: HtmlElement, *, header: bool) -> None:
        section = self.doc.sections[0]
        section.different_first_page_header_footer = True  # the cover page has neither
        first = section.first_page_header if header else section.first_page_footer
        if first.is_linked_to_previous:
            first.is_linked_to_previous = False  # an empty one of its own
        part = section.header if header else section.footer
        _keep_only_pictures(part)
        paragraph = part.add_paragraph(
            style=ooxml.style(self.doc, "Header" if header else "Footer")
        )
        self.inline(paragraph, element, Format())

    # --- inline content -------------------------------------------------------------------
    def inline(self, paragraph: Paragraph, element: HtmlElement, fmt: Format) -> None:
        self.inline_items(paragraph, [element.text or "", *_children_with_tails(element)], fmt)

    def inline_items(
        self,
        paragraph: Paragraph,
        items: InlineItems,
        fmt: Format,
        parent: _Element | None = None,
    ) -> None:
        pieces: Pieces = []
        for item in items:
            self._flatten(item, fmt, pieces)
        for piece in _collapse(pieces):
            if isinstance(piece, tuple):
                text, style = piece
                self._run(paragraph, text, style, parent)
            elif piece.tag == "br":
                self._run(paragraph, "", fmt, parent).add_break(WD_BREAK.LINE)
            else:  # a page-number or page-count placeholder
                instruction = "PAGE" if "page-number" in _classes(piece) else "NUMPAGES"
                ooxml.add_field(paragraph, instruction, "1")

    def _flatten(self, item: HtmlElement | str, fmt: Format, out: Pieces) -> None:
        if isinstance(item, str):
            if item:
                out.append((item, fmt))
            return
        if not isinstance(item.tag, str):
            return
        tag, classes = item.tag, _classes(item)
        if tag not in INLINE or classes - CLASSES.get(tag, set()):
            label = f'<{tag} class="{" ".join(sorted(classes))}">' if classes else f"<{tag}>"
            raise DocxWriterError(f"the DOCX writer does not know {label} inside text")
        if tag == "br" or classes & {"page-number", "page-count"}:
            out.append(item)
            return
        if item.get("lang"):
            fmt = replace(fmt, lang=item.get("lang"))
        if tag in ("strong", "b"):
            fmt = replace(fmt, bold=True)
        elif tag in ("em", "i"):
            fmt = replace(fmt, italic=True)
        elif tag == "a":
            href = item.get("href", "")
            fmt = replace(fmt, link=href[1:] if href.startswith("#") else None)
        for child in [item.text or "", *_children_with_tails(item)]:
            self._flatten(child, fmt, out)

    def _run(
        self, paragraph: Paragraph, text: str, fmt: Format, parent: _Element | None
    ) -> Run:
        if fmt.link and parent is None:
            parent = ooxml.hyperlink(paragraph, fmt.link)
        run = (
            ooxml.run_in(parent, paragraph, text) if parent is not None else paragraph.add_run(text)
        )
        if fmt.bold:
            run.bold = True
        if fmt.italic:
            run.italic = True
        if fmt.small:
            run.font.size = SMALL
        ooxml.set_run_language(run, fmt.lang or self.scope)
        return run

    # --- the file -------------------------------------------------------------------------
    def save(self) -> bytes:
        core = self.doc.core_properties
        meta = self.meta
        when = _date(meta.get("dcterms.modified")) or date(2000, 1, 1)
        created = _date(meta.get("dcterms.created")) or when
        core.title = meta.get("title", "")
        core.author = meta.get("author", "")
        core.last_modified_by = meta.get("author", "")
        core.subject = meta.get("description", "")
        core.keywords = meta.get("keywords", "")
        core.language = self.language
        core.version = meta.get("version", "")
        core.content_status = meta.get("status", "")
        core.identifier = meta.get("identifier", "")
        core.category = ""
        core.comments = ""
        core.revision = 1
        core.created = datetime(created.year, created.month, created.day)
        core.modified = datetime(when.year, when.month, when.day)
        core.last_printed = datetime(when.year, when.month, when.day)
        out = io.BytesIO()
        self.doc.save(out)
        return restamp(out.getvalue(), when)


def _collapse(pieces: list[Inline]) -> list[Inline]:
    """HTML whitespace rules: runs of whitespace are one space, none at the line's ends."""
    out: list[Inline] = []
    at_line_start = True
    for piece in pieces:
        if not isinstance(piece, tuple):
            if piece.tag == "br" and out and isinstance(out[-1], tuple):
                out[-1] = (out[-1][0].rstrip(" "), out[-1][1])
            out.append(piece)
            at_line_start = piece.tag == "br"
            continue
        text = re.sub(r"[ \t\r\n\f]+", " ", piece[0])
        if at_line_start or (out and isinstance(out[-1], tuple) and out[-1][0].endswith(" ")):
            text = text.lstrip(" ")
        if text:
            out.append((text, piece[1]))
            at_line_start = False
    if out and isinstance(out[-1], tuple):
        out[-1] = (out[-1][0].rstrip(" "), out[-1][1])
    return [p for p in out if not (isinstance(p, tuple) and not p[0])]


def _toc_entries(
    ol: HtmlElement | None, level: int
) -> Iterator[tuple[int, str, HtmlElement]]:
    if ol is None:
        return
    for li in ol.iterfind("li"):
        link = li.find("a")
        href = link.get("href", "") if link is not None else ""
        if link is None or not href.startswith("#"):
            raise DocxWriterError('each contents entry is <li><a href="#id">text</a>')
        yield level, href[1:], link
        yield from _toc_entries(li.find("ol"), level + 1)


def _metadata(root: HtmlElement) -> dict[str, str]:
    meta = {m.get("name"): m.get("content", "") for m in root.iterfind("head/meta[@name]")}
    title = root.find("head/title")
    meta["title"] = (title.text or "").strip() if title is not None else ""
    return meta


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def _percent(col: HtmlElement) -> float:
    match = re.search(r"width:\s*([\d.]+)%", col.get("style", ""))
    return float(match.group(1)) if match else 0.0


def _cells(tr: HtmlElement) -> list[HtmlElement]:
    return [c for c in tr if isinstance(c.tag, str) and c.tag in ("th", "td")]


def _children_with_tails(element: HtmlElement) -> list[HtmlElement | str]:
    out: list[HtmlElement | str] = []
    for child in element:
        out.extend([child, child.tail or ""])
    return out


def _classes(element: HtmlElement) -> set[str]:
    return set((element.get("class") or "").split())


def _text(element: HtmlElement) -> str:
    return (element.text or "").strip()


def _only(root: HtmlElement, tag: str) -> HtmlElement:
    found = root.find(tag)
    if found is None:
        raise DocxWriterError(f"the document has no <{tag}>")
    return found


def _clear_body(document: Document) -> None:
    """Empty a reference document's body, keeping its final section properties."""
    body = document.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)


def _keep_only_pictures(part: _Header | _Footer) -> None:
    """Keep a template's header or footer logo; drop its sample text."""
    for paragraph in list(part.paragraphs):
        xml = paragraph._p.xml
        if "<w:drawing" not in xml and "<v:imagedata" not in xml and "<w:pict" not in xml:
            paragraph._p.getparent().remove(paragraph._p)
