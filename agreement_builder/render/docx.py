"""The DOCX writer: walks the document HTML (docs/document-html.md) into Word's own structures.

It knows headings, paragraphs, lists, tables, page breaks, the contents and the running header and
footer; it knows nothing of goals, measures or parties. An element or class outside the contract
is an error, never silently dropped.

Speed: python-docx resolves a style name by walking every style of the document on each call,
and its table API looks rows and cells up from the start each time. The body is therefore written
as WordprocessingML directly (lxml), with the style ids resolved once per document; python-docx
keeps the package: styles, numbering, header and footer, properties. A document of several parts
(a party's package: cover, the full agreement, annexes) is composed of each part's body written
once per process: the agreement's body is written once and reused by every package, its bookmark
ids, list numbers and contents page numbers filled in per document. The bytes are those of
writing the joined HTML (`compose.join_parts`) in one go, as long as the parts share one running
header: a later part with a header of its own (a party's annex) starts a new section with it.
"""

from __future__ import annotations

import copy
import hashlib
import io
import re
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import TypeAlias, cast

import docx
import lxml.html
from docx.document import Document
from docx.opc.packuri import PackURI
from docx.opc.phys_pkg import PhysPkgWriter
from docx.opc.pkgwriter import PackageWriter
from docx.oxml.ns import qn
from docx.section import _Footer, _Header
from docx.shared import Mm
from lxml import etree
from lxml.html import HtmlElement

from ..stablezip import StableZip
from . import ooxml
from .ooxml import W

BLOCKS = {"p", "ul", "ol", "table", "h1", "h2", "h3", "section", "div", "hr", "figure"}
INLINE = {"strong", "b", "em", "i", "br", "span", "a"}
CLASSES: dict[str, set[str]] = {
    "p": {"subtitle", "small", "status"},
    "h1": {"title"},
    "section": {"cover", "new-page"},
    "div": {"signature", "new-page"},
    "hr": {"page-break"},
    "figure": {"chart"},
    # nobreak / nohyphen: render/hyphenate.py's marks; soft hyphens already say where to break.
    "span": {"blank", "page-number", "page-count", "nobreak", "nohyphen"},
}
WORD_JOINER = "\u2060"
SMALL = "17"  # 8.5 pt in half-points
TOC_INSTRUCTION = 'TOC \\o "1-3" \\h \\z \\u'

_SubElement = etree.SubElement


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


def render_docx(
    html: str | Sequence[str], *, reference_docx: Path | bytes | None = None
) -> DocxOutput:
    """Write the document HTML as a DOCX; styles and page setup from `reference_docx` if given.

    `html` is one HTML document or several parts of one (each a whole HTML document: the first
    gives the head, each later one starts on a new page, as `compose.join_parts` joins them).
    Made from the HTML alone: nothing of the PDF (its page numbers) goes into it, so the two
    writers are independent and either file can be made again alone, to the same bytes.
    """
    parts = [html] if isinstance(html, str) else list(html)
    if not parts:
        raise DocxWriterError("a document needs at least one part")
    roots = [_parsed(part) for part in parts]
    language = roots[0].get("lang") or "fi"
    package = _Package(reference_docx, language)
    fragments = [
        _fragment(part, root, package.setup, language, starts_new_page=index > 0)
        for index, (part, root) in enumerate(zip(parts, roots, strict=True))
    ]
    return package.write(fragments, _metadata(roots[0]))


# --- the document's setup: styles resolved once --------------------------------------------------


@dataclass(frozen=True)
class _Setup:
    """What a body needs to know of its document: the style ids and the page's text width."""

    key: tuple[str, ...]  # the reference DOCX's content hash and the language
    style_ids: dict[str, str | None]  # style name -> id (None: the default paragraph style)
    numbered: frozenset[str]  # the list styles that carry numbering (restarted per list)
    text_width: int  # EMU


def _new_document(reference: bytes | None, warnings: list[str] | None) -> Document:
    if reference is None:
        document = docx.Document()
        ooxml.ensure_styles(document, warn=None)
        ooxml.default_look(document)
        ooxml.set_page_a4(document)
    else:
        document = docx.Document(io.BytesIO(reference))
        _clear_body(document)
        ooxml.ensure_styles(document, warn=None if warnings is None else warnings.append)
    return document


class _Package:
    """One DOCX file: python-docx's package with its styles and parts; the body is composed."""

    def __init__(self, reference: Path | bytes | None, language: str) -> None:
        self.warnings: list[str] = []
        self.language = language
        # A build passes the reference checked and cleaned (render/reference.py).
        if isinstance(reference, Path):
            reference = reference.read_bytes()
        reference_key = hashlib.sha256(reference).hexdigest() if reference is not None else ""
        key = (reference_key, language)
        # The styles, page setup and language are the same for every document of a reference
        # and language: set up once a process, then each document starts from that package.
        skeleton = _SKELETONS.get(key)
        if skeleton is None:
            warnings: list[str] = []
            document = _new_document(reference, warnings)
            ooxml.set_language(document, language)
            saved = io.BytesIO()
            document.save(saved)
            skeleton = _SKELETONS[key] = (saved.getvalue(), tuple(warnings))
        self.doc = docx.Document(io.BytesIO(skeleton[0]))
        self.warnings.extend(skeleton[1])
        self.setup = _setup_of(self.doc, key)

    def write(self, fragments: list[_Fragment], meta: dict[str, str]) -> DocxOutput:
        for kind in ("header", "footer"):
            if len(fragments) == 1:  # each one written in turn: the last one stays
                found = fragments[0].running.get(kind, [])
            else:  # the first part that has one gives it (as `compose.join_parts` keeps it);
                # a later part's own header comes with its section (`section_break`)
                found = next(([f.running[kind][0]] for f in fragments if kind in f.running), [])
            for running in found:
                self.running(running, header=kind == "header", mark=meta.get("status", ""))
        body = io.BytesIO()
        bookmarks = 0
        shown = next((f.running["header"][0] for f in fragments if "header" in f.running), None)
        for index, fragment in enumerate(fragments):
            header = fragment.running.get("header", [None])[0]
            # A later part with a header of its own (a party's annex) starts a new section.
            if index and header is not None and shown is not None and _text(header) != _text(shown):
                body.write(self.section_break(header, meta.get("status", "")))
                shown = header
            num_ids = [
                ooxml.restart_numbering(self.doc, ooxml.style(self.doc, name))
                for name in fragment.lists
            ]
            fragment.write(body, bookmarks, num_ids)
            bookmarks += fragment.bookmarks
        if any(fragment.contents for fragment in fragments):
            ooxml.update_fields_on_open(self.doc)
        return DocxOutput(self.save(meta, body.getvalue()), tuple(self.warnings))

    def section_break(self, header: HtmlElement, mark: str) -> bytes:
        """A tiny paragraph that ends the section so far (the body's section properties, as they
        are, copied into it); the body's own properties then describe a new section, from the
        next page, whose every page has `header` (with the draft mark). Its footer and the page
        numbering go on as before (no restart)."""
        sect_pr = self.doc.sections[-1]._sectPr
        p = etree.Element(ooxml.P, nsmap={"w": W})
        ppr = _SubElement(p, ooxml.PPR)
        spacing = _SubElement(ppr, qn("w:spacing"))
        for name, value in (("before", "0"), ("after", "0"), ("line", "20"), ("lineRule", "exact")):
            spacing.set(qn(f"w:{name}"), value)
        _SubElement(_SubElement(ppr, qn("w:rPr")), qn("w:sz")).set(ooxml.VAL, "2")
        ppr.append(copy.deepcopy(sect_pr))
        for child in sect_pr.findall(qn("w:headerReference")) + sect_pr.findall(qn("w:titlePg")):
            sect_pr.remove(child)
        numbering = sect_pr.find(qn("w:pgNumType"))
        if numbering is not None and qn("w:start") in numbering.attrib:
            del numbering.attrib[qn("w:start")]
        self.running(header, header=True, mark=mark, first_page=False)
        return etree.tostring(p)

    def running(
        self, element: HtmlElement, *, header: bool, mark: str = "", first_page: bool = True
    ) -> None:
        section = self.doc.sections[-1]
        # The first section's first page (the cover) has neither; a later section's first
        # page has what its other pages have.
        section.different_first_page_header_footer = first_page
        first = section.first_page_header if header else section.first_page_footer
        if first_page and first.is_linked_to_previous:
            first.is_linked_to_previous = False  # an empty one of its own
        part = section.header if header else section.footer
        _keep_only_pictures(part)
        writer = _Body(self.setup, self.language)
        p = _SubElement(part._element, ooxml.P)
        writer.style_paragraph(p, "Header" if header else "Footer")
        writer.inline(p, element, Format())
        if header and mark:
            # A draft says so on every page, the first included: the mark in the first page's
            # header too, and Word's diagonal watermark behind every page, as the PDF has. (The
            # same shape name in both headers: LibreOffice shows it on the first page then.)
            p.append(ooxml.watermark_run(mark, 1))
            if not first_page:
                return
            first_p = first._element.find(ooxml.P)
            if first_p is None or first_p.find(ooxml.R) is not None:
                first_p = _SubElement(first._element, ooxml.P)
            for child in list(first_p):  # the empty paragraph a new header part has
                first_p.remove(child)
            writer.style_paragraph(first_p, "Header")
            _SubElement(first_p.find(ooxml.PPR), ooxml.JC).set(ooxml.VAL, "right")
            writer.inline_items(first_p, [mark], Format(bold=True))
            first_p.append(ooxml.watermark_run(mark, 1))

    def save(self, meta: dict[str, str], body: bytes) -> bytes:
        core = self.doc.core_properties
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
        # The body goes where this marker is, in the serialized document part.
        marker = etree.Comment(_BODY_MARK)
        self.doc.element.body.insert(0, marker)
        token = f"<!--{_BODY_MARK}-->".encode()
        data = _save_stable(
            self.doc, when, {"word/document.xml": lambda xml: xml.replace(token, body, 1)}
        )
        self.doc.element.body.remove(marker)
        return data


class _StableWriter:
    """python-docx's package writer's target: each part into a StableZip, edited on the way."""

    def __init__(self, target: StableZip, edit: dict[str, Callable[[bytes], bytes]]) -> None:
        self.target, self.edit = target, edit

    def write(self, pack_uri: PackURI, blob: bytes) -> None:
        name = pack_uri.membername
        self.target.writestr(name, self.edit[name](blob) if name in self.edit else blob)


def _save_stable(
    document: Document, when: date, edit: dict[str, Callable[[bytes], bytes]]
) -> bytes:
    """The package as python-docx saves it (its parts, in its order) straight into a StableZip:
    the bytes `restamp(document.save())` gives, without deflating every part twice."""
    package = document.part.package
    for part in package.parts:
        part.before_marshal()
    out = io.BytesIO()
    with StableZip(out, when=when) as target:
        writer = cast(PhysPkgWriter, _StableWriter(target, edit))  # the one method it calls
        parts = package.parts
        PackageWriter._write_content_types_stream(writer, parts)
        PackageWriter._write_pkg_rels(writer, package.rels)
        PackageWriter._write_parts(writer, parts)
    return out.getvalue()


_BODY_MARK = "agreement-builder: the body"
_SKELETONS: dict[tuple[str, str], tuple[bytes, tuple[str, ...]]] = {}


def _setup_of(document: Document, key: tuple[str, ...]) -> _Setup:
    cached = _SETUPS.get(key)
    if cached is None:
        names = [shown for shown, _, _ in ooxml.PARAGRAPH_STYLES]
        names += ["Normal", ooxml.TABLE_STYLE]
        style_ids = ooxml.style_ids(document, names)
        numbered = frozenset(
            name
            for name in ("List Number", "List Number 2")
            if ooxml.numbering_source(document, ooxml.style(document, name)) is not None
        )
        section = document.sections[0]
        # A reference DOCX may leave the page size or margins unset: Word then uses A4, no margin.
        width = section.page_width if section.page_width is not None else Mm(210)
        margins = (section.left_margin or 0) + (section.right_margin or 0)
        cached = _SETUPS[key] = _Setup(key, style_ids, numbered, int(width - margins))
    return cached


_SETUPS: dict[tuple[str, ...], _Setup] = {}


# --- a part's body, written once ------------------------------------------------------------------


@dataclass
class _Fragment:
    """One part's body as serialized WordprocessingML, with holes for what depends on the
    document it is in: bookmark ids (numbered through the document) and the numbering instance
    of each numbered list."""

    chunks: list[bytes]
    gaps: list[int]  # the hole between each two chunks (a bookmark's id is in two places)
    holes: list[tuple[str, int]]  # ("bookmark", n-th of the part) | ("list", n-th of the part)
    bookmarks: int
    lists: list[str]  # the style of each numbered list, in order
    contents: bool  # it holds a contents field
    running: dict[str, list[HtmlElement]]  # "header"/"footer" -> its running elements

    def write(self, out: io.BytesIO, first_bookmark: int, num_ids: list[str | None]) -> None:
        chunks, holes = self.chunks, self.holes
        for index, number in enumerate(self.gaps):
            out.write(chunks[index])
            kind, value = holes[number]
            if kind == "bookmark":
                out.write(str(first_bookmark + value).encode())
            else:
                out.write(str(num_ids[value]).encode())
        out.write(chunks[-1])


_FRAGMENTS: OrderedDict[tuple, _Fragment] = OrderedDict()
_FRAGMENTS_KEPT = 8  # the agreement in each language, the common part: reused; the rest not


def _fragment(
    html: str, root: HtmlElement, setup: _Setup, language: str, *, starts_new_page: bool
) -> _Fragment:
    key = (html, setup.key, language, starts_new_page)
    fragment = _FRAGMENTS.get(key)
    if fragment is not None:
        _FRAGMENTS.move_to_end(key)
        return fragment
    body = _Body(setup, language)
    body.page_break_pending = starts_new_page
    fragment = body.write(_only(root, "body"))
    _FRAGMENTS[key] = fragment
    while len(_FRAGMENTS) > _FRAGMENTS_KEPT:
        _FRAGMENTS.popitem(last=False)
    return fragment


_PARSED: OrderedDict[str, HtmlElement] = OrderedDict()


def _parsed(html: str) -> HtmlElement:
    root = _PARSED.get(html)
    if root is None:
        root = _PARSED[html] = lxml.html.document_fromstring(html)
        while len(_PARSED) > _FRAGMENTS_KEPT:
            _PARSED.popitem(last=False)
    return root


class _Flow:
    """Where blocks go: the body or one table cell (a `w:tc`, whose first paragraph is there)."""

    def __init__(self, element: etree._Element, fresh: etree._Element | None = None) -> None:
        self.element = element
        self.fresh = fresh  # a new cell's empty paragraph: the first block fills it

    def paragraph(self) -> etree._Element:
        if self.fresh is not None:
            paragraph, self.fresh = self.fresh, None
            return paragraph
        return _SubElement(self.element, ooxml.P)

    def table(self) -> etree._Element:
        table = _SubElement(self.element, ooxml.TBL)
        if self.element.tag == ooxml.TC:  # Word wants a cell to end with a paragraph
            _SubElement(self.element, ooxml.P)
        return table


class _Body:
    """Writes one part's body (or a running header's paragraph) as WordprocessingML."""

    def __init__(self, setup: _Setup, language: str) -> None:
        self.setup = setup
        self.style_ids = setup.style_ids
        self.scope = language  # the language of the block being written
        self.page_break_pending = False
        self.keep_together = False
        self.in_heading = False  # a heading's number ranges are joined (`_flatten`)
        self.bookmarks = 0
        self.holes: list[tuple[str, int]] = []
        self.lists: list[str] = []
        self.contents_written = False
        self.running: dict[str, list[HtmlElement]] = {}
        self.mark = _HOLE_MARK

    def hole(self, kind: str, number: int) -> str:
        self.holes.append((kind, number))
        return f"{self.mark}{len(self.holes) - 1}{_HOLE_END}"

    # --- the body ---------------------------------------------------------------------------
    def write(self, body: HtmlElement) -> _Fragment:
        container = etree.Element(ooxml.BODY, nsmap={"w": W})
        flow = _Flow(container)
        for child in body:
            if not isinstance(child.tag, str):
                continue  # comments
            if child.tag == "header" and _classes(child) == {"running-header"}:
                self.running.setdefault("header", []).append(child)
            elif child.tag == "footer" and _classes(child) == {"running-footer"}:
                self.running.setdefault("footer", []).append(child)
            elif child.tag == "nav" and _classes(child) == {"toc"}:
                self.contents(child, flow)
            else:
                self.block(child, flow)
        if _text(body):
            raise DocxWriterError(f"text directly in <body>: {_text(body)[:40]!r}")
        xml = etree.tostring(container, encoding="UTF-8")  # <w:body xmlns:w=...>...</w:body>
        xml = xml[xml.index(b">") + 1 : xml.rindex(b"</")] if len(container) else b""
        pieces = _HOLE_PATTERN.split(xml)
        chunks, gaps = pieces[::2], [int(n) for n in pieces[1::2]]
        if sorted(set(gaps)) != list(range(len(self.holes))):
            raise DocxWriterError("the DOCX writer lost track of its own placeholders")
        return _Fragment(
            chunks,
            gaps,
            self.holes,
            self.bookmarks,
            self.lists,
            self.contents_written,
            self.running,
        )

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
            self.in_heading = True
            try:
                self.heading(element, flow, tag, classes)
            finally:
                self.in_heading = False
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

    def heading(self, element: HtmlElement, flow: _Flow, tag: str, classes: set[str]) -> None:
        if "title" in classes:
            title = self.paragraph(element, flow, "Title")
            if not any("cover" in _classes(a) for a in element.iterancestors("section")):
                # A title that opens a page of text (an agenda item's) has the PDF's
                # chapter-heading size (16 pt) and rule, not a cover's.
                ooxml.heading_look(title, 32)
        else:
            p = self.paragraph(element, flow, f"Heading {tag[1]}")
            if element.get("id"):
                self.bookmark(p, element.get("id"))

    def figure(self, element: HtmlElement, flow: _Flow) -> None:
        """A chart: its caption and its text alternative (the numbers follow as a table; the
        picture itself is for the PDF)."""
        images = element.findall("img")
        caption = element.find("figcaption")
        if len(images) != 1 or not images[0].get("alt"):
            raise DocxWriterError("a <figure> holds one <img> with its text alternative (alt)")
        if caption is not None:
            _keep_with_next(self.paragraph(caption, flow, "Caption"))
        p = self.new_paragraph(flow, "Normal")
        self._run(p, images[0].get("alt", ""), Format(italic=True), None)

    def blocks_of(self, element: HtmlElement, flow: _Flow) -> None:
        """The children of a container; loose inline content becomes its own paragraph."""
        loose: InlineItems = []

        def flush() -> None:
            if any((isinstance(x, str) and x.strip()) or not isinstance(x, str) for x in loose):
                p = self.new_paragraph(flow, "Normal")
                self.inline_items(p, loose, Format())
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

    def style_paragraph(self, p: etree._Element, style_name: str) -> etree._Element:
        """The paragraph's properties with its style (none for the default paragraph style)."""
        ppr = _SubElement(p, ooxml.PPR)
        style_id = self.style_ids[style_name]
        if style_id is not None:
            _SubElement(ppr, ooxml.PSTYLE).set(ooxml.VAL, style_id)
        return ppr

    def new_paragraph(self, flow: _Flow, style_name: str) -> etree._Element:
        p = flow.paragraph()
        ppr = self.style_paragraph(p, style_name)
        if self.keep_together:
            _SubElement(ppr, ooxml.KEEP_NEXT)
        if self.page_break_pending:
            _SubElement(ppr, ooxml.PAGE_BREAK_BEFORE)
            self.page_break_pending = False
        return p

    def paragraph(
        self, element: HtmlElement, flow: _Flow, style_name: str, fmt: Format = Format()
    ) -> etree._Element:
        p = self.new_paragraph(flow, style_name)
        self.inline(p, element, fmt)
        return p

    def bookmark(self, p: etree._Element, anchor: str) -> None:
        """A bookmark around the paragraph's text; ids count through the whole document."""
        number = self.hole("bookmark", self.bookmarks)
        self.bookmarks += 1
        start = etree.Element(ooxml.BOOKMARK_START)
        start.set(ooxml.ID, number)
        start.set(ooxml.NAME, ooxml.bookmark_name(anchor))
        p.insert(1, start)  # after the paragraph's properties
        _SubElement(p, ooxml.BOOKMARK_END).set(ooxml.ID, number)

    def list(self, element: HtmlElement, flow: _Flow, level: int) -> None:
        kind = "Number" if element.tag == "ol" else "Bullet"
        style_name = f"List {kind}" + (" 2" if level == 2 else "")
        num_id = None
        if style_name in self.setup.numbered:  # a fresh numbering instance, starting at 1
            num_id = self.hole("list", len(self.lists))
            self.lists.append(style_name)
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
            p = self.new_paragraph(flow, style_name)
            if num_id:
                num_pr = _SubElement(p[0], ooxml.NUM_PR)
                _SubElement(num_pr, ooxml.ILVL).set(ooxml.VAL, "0")
                _SubElement(num_pr, ooxml.NUM_ID).set(ooxml.VAL, num_id)
            own = [item.text or ""]
            for child in item:
                if child in nested:
                    break
                own.extend([child, child.tail or ""])
            with self.in_language_of(item):
                self.inline_items(p, own, Format())
                for sub in nested:
                    self.list(sub, flow, level=2)

    # --- tables ---------------------------------------------------------------------------
    def table(self, element: HtmlElement, flow: _Flow) -> None:
        caption = element.find("caption")
        if caption is not None:
            _keep_with_next(self.paragraph(caption, flow, "Caption"))
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
        total = sum(widths)
        twips = [str(ooxml.twips(int(self.setup.text_width * width / total))) for width in widths]
        tbl = flow.table()
        ooxml.table_properties(
            tbl, self.style_ids[ooxml.TABLE_STYLE], first_row=bool(head), columns=twips
        )
        for index, tr in enumerate(rows):
            cells = _cells(tr)
            if len(cells) != columns:
                raise DocxWriterError(f"a table row has {len(cells)} cells, the table {columns}")
            row = ooxml.table_row(tbl, header=index < len(head))
            for source, width in zip(cells, twips, strict=True):
                tc, p = ooxml.table_cell(row, width)
                fmt = Format(bold=source.tag == "th")
                with self.in_language_of(source):
                    self.cell(source, tc, p, fmt)

    def cell(
        self, source: HtmlElement, tc: etree._Element, fresh: etree._Element, fmt: Format
    ) -> None:
        if source.get("colspan") or source.get("rowspan"):
            raise DocxWriterError("table cells that span rows or columns are not supported")
        flow = _Flow(tc, fresh)
        has_blocks = any(isinstance(c.tag, str) and c.tag in BLOCKS for c in source)
        if not has_blocks:
            p = flow.paragraph()
            self.style_paragraph(p, "Normal")
            self.inline(p, source, fmt)
            return
        pending, keep = self.page_break_pending, self.keep_together
        self.page_break_pending = self.keep_together = False
        self.blocks_of(source, flow)
        self.page_break_pending, self.keep_together = pending, keep
        if fmt.bold:
            for p in tc.iterchildren(ooxml.P):
                for r in p.iterchildren(ooxml.R):
                    ooxml.make_bold(r)

    # --- contents ---------------------------------------------------------------------------
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
        tab_at = str(ooxml.twips(self.setup.text_width))
        for index, (level, anchor, link) in enumerate(entries):
            p = self.new_paragraph(flow, f"TOC {level}")
            ooxml.right_tab_with_dots(p[0], tab_at)
            if index == 0:
                ooxml.begin_field(p, TOC_INSTRUCTION)
            target = ooxml.hyperlink(p, anchor)
            self.inline_items(
                p, [link.text or "", *_children_with_tails(link)], Format(), parent=target
            )
            if index == len(entries) - 1:
                ooxml.end_field(p)
        self.contents_written = True
        self.page_break_pending = True

    # --- inline content -------------------------------------------------------------------
    def inline(self, p: etree._Element, element: HtmlElement, fmt: Format) -> None:
        self.inline_items(p, [element.text or "", *_children_with_tails(element)], fmt)

    def inline_items(
        self,
        p: etree._Element,
        items: InlineItems,
        fmt: Format,
        parent: etree._Element | None = None,
    ) -> None:
        pieces: Pieces = []
        for item in items:
            self._flatten(item, fmt, pieces)
        for piece in _collapse(pieces):
            if isinstance(piece, tuple):
                text, style = piece
                self._run(p, text, style, parent)
            elif piece.tag == "br":
                _SubElement(self._run(p, "", fmt, parent), ooxml.BR)
            else:  # a page-number or page-count placeholder
                instruction = "PAGE" if "page-number" in _classes(piece) else "NUMPAGES"
                ooxml.add_field(p, instruction, "1")

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
        if "nobreak" in classes and self.in_heading:
            # A number range in a heading stays on one line, as the PDF's `nobreak` keeps it:
            # a run cannot say so, a WORD JOINER after its dash can (Word and LibreOffice).
            kept: Pieces = []
            for child in [item.text or "", *_children_with_tails(item)]:
                self._flatten(child, fmt, kept)
            out.extend(
                (piece[0].replace("–", "–" + WORD_JOINER), piece[1])
                if isinstance(piece, tuple)
                else piece
                for piece in kept
            )
            return
        for child in [item.text or "", *_children_with_tails(item)]:
            self._flatten(child, fmt, out)

    def _run(
        self, p: etree._Element, text: str, fmt: Format, parent: etree._Element | None
    ) -> etree._Element:
        if fmt.link and parent is None:
            parent = ooxml.hyperlink(p, fmt.link)
        r = _SubElement(p if parent is None else parent, ooxml.R)
        rpr = _SubElement(r, ooxml.RPR)
        if fmt.bold:
            _SubElement(rpr, ooxml.BOLD)
        if fmt.italic:
            _SubElement(rpr, ooxml.ITALIC)
        if fmt.small:
            _SubElement(rpr, ooxml.SZ).set(ooxml.VAL, SMALL)
        _SubElement(rpr, ooxml.LANG).set(ooxml.VAL, ooxml.locale(fmt.lang or self.scope))
        if text:
            ooxml.add_text(r, text)
        return r


# A placeholder in the serialized body: a character of a private-use plane and a token of this
# process, that no workbook text can hold by chance, then the hole's number.
_HOLE_MARK = "\U000f0000" + hashlib.sha256(str(id(object())).encode()).hexdigest()[:12] + ":"
_HOLE_END = "\U000f0001"
_HOLE_PATTERN = re.compile(
    re.escape(_HOLE_MARK.encode()) + b"([0-9]+)" + re.escape(_HOLE_END.encode())
)


def _keep_with_next(p: etree._Element) -> None:
    ppr = p[0]
    if ppr.find(ooxml.KEEP_NEXT) is None:
        at = 1 if len(ppr) and ppr[0].tag == ooxml.PSTYLE else 0
        ppr.insert(at, etree.Element(ooxml.KEEP_NEXT))


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
        text = _WHITESPACE.sub(" ", piece[0])
        if at_line_start or (out and isinstance(out[-1], tuple) and out[-1][0].endswith(" ")):
            text = text.lstrip(" ")
        if text:
            out.append((text, piece[1]))
            at_line_start = False
    if out and isinstance(out[-1], tuple):
        out[-1] = (out[-1][0].rstrip(" "), out[-1][1])
    return [p for p in out if not (isinstance(p, tuple) and not p[0])]


_WHITESPACE = re.compile(r"[ \t\r\n\f]+")


def _toc_entries(ol: HtmlElement | None, level: int) -> Iterator[tuple[int, str, HtmlElement]]:
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


def _children_with_tails(element: HtmlElement) -> InlineItems:
    out: InlineItems = []
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
