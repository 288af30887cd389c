"""WordprocessingML that python-docx has no API for: fields, bookmarks, internal links, list
restarts, repeating header rows, styles, settings, and a byte-stable zip.

Everything here is generic Word structure; nothing knows about agreements.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import cast

from docx.document import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.oxml.numbering import CT_Num
from docx.oxml.text.font import CT_RPr
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Pt, RGBColor
from docx.styles.style import ParagraphStyle
from lxml import etree
from lxml.etree import _Element as Element

from ..languages import LANGUAGE_TAGS

# The PDF's font. Word, where it lacks it, takes Arial (the font table names it as the
# alternative, and Liberation Sans is metrically identical to it: lines break alike); LibreOffice
# has Liberation Sans (Debian's fonts-liberation, which it depends on to stand in for Arial).
FONT = "Liberation Sans"
FONT_FALLBACK = "Arial"
ACCENT = RGBColor(0x1F, 0x4E, 0x79)
RULE = "9FB3C8"
SHADE = "E9EFF5"  # every second body row, as print.css shades them
TABLE_STYLE = "Agreement Table"

# Styles the writer uses: (name as Word shows it, name stored in styles.xml, warn if missing).
# A reference DOCX that lacks a style people see and choose gets a plain one and a warning; styles
# Word itself keeps latent until first use (TOC 1, Caption, ...) are added quietly.
PARAGRAPH_STYLES: tuple[tuple[str, str, bool], ...] = (
    ("Title", "Title", True),
    ("Subtitle", "Subtitle", True),
    ("Heading 1", "heading 1", True),
    ("Heading 2", "heading 2", True),
    ("Heading 3", "heading 3", True),
    ("List Bullet", "List Bullet", True),
    ("List Number", "List Number", True),
    ("List Bullet 2", "List Bullet 2", False),
    ("List Number 2", "List Number 2", False),
    ("Caption", "caption", False),
    ("TOC Heading", "TOC Heading", False),
    ("TOC 1", "toc 1", False),
    ("TOC 2", "toc 2", False),
    ("TOC 3", "toc 3", False),
    ("Header", "header", False),
    ("Footer", "footer", False),
)


def style(document: Document, name: str) -> ParagraphStyle:
    """A paragraph (or table) style by the name Word shows (`TOC 1`) or the name stored in the
    file (`toc 1`); a KeyError if there is none of that name."""
    styles = document.styles
    for candidate in (name, name.lower()):
        try:
            found = styles[candidate]
        except KeyError:
            continue
        if isinstance(found, ParagraphStyle):  # a table style is one, too
            return found
    raise KeyError(name)


def ensure_styles(document: Document, warn: Callable[[str], None] | None) -> None:
    """Add the styles the writer needs where the template lacks them (and say so, if asked).

    A reference DOCX that wants its own table look defines a table style named `Agreement Table`.
    """
    for shown, stored, visible in PARAGRAPH_STYLES:
        try:
            style(document, shown)
        except KeyError:
            added = document.styles.add_style(stored, WD_STYLE_TYPE.PARAGRAPH)
            added.base_style = style(document, "Normal")
            added.quick_style = visible
            _plain_look(added, shown)
            if warn and visible:
                warn(f"the reference DOCX has no style '{shown}'; a plain one was added")
    try:
        style(document, TABLE_STYLE)
    except KeyError:  # the house table style, unless the reference defines its own of that name
        document.styles.element.append(parse_xml(_TABLE_STYLE_XML))


def _plain_look(added: ParagraphStyle, shown: str) -> None:
    """Enough formatting that an added style behaves as its name promises."""
    pf = added.paragraph_format
    if shown.startswith("Heading"):
        level = int(shown[-1])
        added.font.bold = True
        added.font.size = Pt({1: 16, 2: 13, 3: 11}[level])
        pf.keep_with_next = True
        pf.space_before = Pt({1: 18, 2: 12, 3: 10}[level])
        _set(added.element.get_or_add_pPr(), "w:outlineLvl", val=str(level - 1))
    elif shown == "Title":
        added.font.size = Pt(24)
        added.font.bold = True
    elif shown in ("Caption", "TOC Heading"):
        added.font.bold = True
        pf.keep_with_next = True
    elif shown.startswith("TOC "):
        pf.left_indent = Pt(12 * (int(shown[-1]) - 1))
        pf.space_after = Pt(3)


_TABLE_STYLE_XML = f"""
<w:style {nsdecls("w")} w:type="table" w:customStyle="1" w:styleId="AgreementTable">
  <w:name w:val="{TABLE_STYLE}"/>
  <w:basedOn w:val="TableNormal"/>
  <w:uiPriority w:val="59"/>
  <w:qFormat/>
  <w:pPr><w:spacing w:before="0" w:after="40" w:line="240" w:lineRule="auto"/></w:pPr>
  <w:rPr><w:sz w:val="18"/><w:szCs w:val="18"/></w:rPr>
  <w:tblPr>
    <w:tblBorders>
      <w:top w:val="single" w:sz="4" w:space="0" w:color="{RULE}"/>
      <w:left w:val="single" w:sz="4" w:space="0" w:color="{RULE}"/>
      <w:bottom w:val="single" w:sz="4" w:space="0" w:color="{RULE}"/>
      <w:right w:val="single" w:sz="4" w:space="0" w:color="{RULE}"/>
      <w:insideH w:val="single" w:sz="4" w:space="0" w:color="{RULE}"/>
      <w:insideV w:val="single" w:sz="4" w:space="0" w:color="{RULE}"/>
    </w:tblBorders>
    <w:tblStyleRowBandSize w:val="1"/>
    <w:tblCellMar>
      <w:top w:w="57" w:type="dxa"/><w:left w:w="85" w:type="dxa"/>
      <w:bottom w:w="57" w:type="dxa"/><w:right w:w="85" w:type="dxa"/>
    </w:tblCellMar>
  </w:tblPr>
  <w:tblStylePr w:type="firstRow">
    <w:rPr><w:b/><w:bCs/><w:color w:val="FFFFFF"/></w:rPr>
    <w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="1F4E79"/></w:tcPr>
  </w:tblStylePr>
  <w:tblStylePr w:type="band2Horz">
    <w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="{SHADE}"/></w:tcPr>
  </w:tblStylePr>
</w:style>
"""


def default_look(document: Document) -> None:
    """The house look when no reference DOCX is given: the PDF's font, sizes and colours."""
    # The base font and size go on the document defaults, not on Normal: Word lets a table style's
    # size win over the defaults but not over Normal's own.
    rpr = _default_rpr(document)
    set_font(rpr, FONT)
    font_table(document)
    _set(rpr, "w:sz", val="20")
    _set(rpr, "w:szCs", val="20")
    for name, size, bold, colour in (
        ("Title", 24, True, RGBColor(0x1A, 0x1A, 0x1A)),
        ("Subtitle", 12, False, RGBColor(0x55, 0x55, 0x55)),
        ("Heading 1", 16, True, ACCENT),
        ("Heading 2", 13, True, ACCENT),
        ("Heading 3", 11, True, ACCENT),
        ("Caption", 9.5, True, RGBColor(0x1A, 0x1A, 0x1A)),
        ("TOC Heading", 16, True, ACCENT),
        ("Header", 8, None, RGBColor(0x55, 0x55, 0x55)),
        ("Footer", 8, None, RGBColor(0x55, 0x55, 0x55)),
    ):
        target = style(document, name)
        set_font(target.element.get_or_add_rPr(), FONT)
        target.font.size = Pt(size)
        target.font.italic = False
        if bold is not None:
            target.font.bold = bold
        if colour is not None:
            target.font.color.rgb = colour
    # Likewise the paragraph spacing, so that table cells keep their table style's tighter one.
    ppr_default = document.styles.element.find(qn("w:docDefaults")).find(qn("w:pPrDefault"))
    if ppr_default is None:
        ppr_default = OxmlElement("w:pPrDefault")
        document.styles.element.find(qn("w:docDefaults")).append(ppr_default)
    ppr = _child(ppr_default, "w:pPr")
    _set(ppr, "w:spacing", after="120", line="264", lineRule="auto")
    title = style(document, "Title").element.get_or_add_pPr()
    for border in title.findall(qn("w:pBdr")):
        title.remove(border)
    caption = style(document, "Caption").paragraph_format
    caption.space_before, caption.space_after = Pt(8), Pt(3)
    # The rule under a chapter heading, as print.css draws it (1 pt, the accent colour).
    heading = style(document, "Heading 1").element.get_or_add_pPr()
    for border in heading.findall(qn("w:pBdr")):
        heading.remove(border)
    borders = OxmlElement("w:pBdr")
    _set(borders, "w:bottom", val="single", sz="8", space="4", color=str(ACCENT))
    _insert_ppr_child(heading, borders)
    style(document, "Heading 1").paragraph_format.space_before = Pt(18)
    style(document, "Heading 1").paragraph_format.space_after = Pt(8)
    style(document, "Heading 2").paragraph_format.space_before = Pt(14)
    style(document, "Heading 2").paragraph_format.space_after = Pt(4)
    style(document, "Heading 3").paragraph_format.space_before = Pt(12)
    style(document, "Heading 3").paragraph_format.space_after = Pt(4)


def set_font(rpr: Element, name: str) -> None:
    """Set a font on every script slot, dropping theme fonts (which would win over it)."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        style_ref = rpr.find(qn("w:rStyle"))
        rpr.insert(1 if style_ref is not None else 0, fonts)
    for key in list(fonts.attrib):
        del fonts.attrib[key]
    for slot in ("ascii", "hAnsi", "cs", "eastAsia"):
        fonts.set(qn(f"w:{slot}"), name)


def set_language(document: Document, language: str) -> None:
    """The document's language on its default run properties, for spelling and screen readers.

    A style of a reference DOCX that names its own language (its template's, not this
    document's) gets the document's, so that no style overrides the default with another one.
    """
    locale = LANGUAGE_TAGS.get(language, language)
    _set_lang(_default_rpr(document), val=locale, eastAsia=locale, bidi=locale)
    _set_lang(style(document, "Normal").element.get_or_add_rPr(), val=locale)
    for lang in document.styles.element.iterfind(f"{qn('w:style')}/{qn('w:rPr')}/{qn('w:lang')}"):
        lang.set(qn("w:val"), locale)


def _set_lang(rpr: CT_RPr, **attrs: str) -> None:
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        created = cast(BaseOxmlElement, OxmlElement("w:lang"))  # as every element OxmlElement makes
        rpr.insert_element_before(created, "w:eastAsianLayout", "w:specVanish", "w:oMath")
        lang = created
    for key, value in attrs.items():
        lang.set(qn(f"w:{key}"), value)


def _default_rpr(document: Document) -> CT_RPr:
    """The run properties every style starts from (w:docDefaults/w:rPrDefault/w:rPr)."""
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = OxmlElement("w:docDefaults")
        styles.insert(0, defaults)
    rpr_default = defaults.find(qn("w:rPrDefault"))
    if rpr_default is None:  # it precedes w:pPrDefault
        rpr_default = OxmlElement("w:rPrDefault")
        defaults.insert(0, rpr_default)
    rpr = rpr_default.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        rpr_default.append(rpr)
    # python-docx's parser and OxmlElement make every w:rPr a CT_RPr; lxml's types can't say so.
    return cast(CT_RPr, rpr)


# The children of w:settings that come after w:updateFields (Word insists on schema order).
_AFTER_UPDATE_FIELDS = (
    "hdrShapeDefaults",
    "footnotePr",
    "endnotePr",
    "compat",
    "docVars",
    "rsids",
    "m:mathPr",
    "attachedSchema",
    "themeFontLang",
    "clrSchemeMapping",
    "doNotIncludeSubdocsInStats",
    "doNotAutoCompressPictures",
    "forceUpgrade",
    "captions",
    "readModeInkLockDown",
    "smartTagType",
    "schemaLibrary",
    "shapeDefaults",
    "doNotEmbedSmartTags",
    "decimalSymbol",
    "listSeparator",
)


def update_fields_on_open(document: Document) -> None:
    """Ask Word to refresh the contents' page numbers when the file is opened."""
    settings = document.settings.element
    if settings.find(qn("w:updateFields")) is not None:
        return
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    successors = {qn(t if ":" in t else f"w:{t}") for t in _AFTER_UPDATE_FIELDS}
    following = next((child for child in settings if child.tag in successors), None)
    if following is None:
        settings.append(update)
    else:
        following.addprevious(update)


def set_page_a4(document: Document) -> None:
    from docx.shared import Mm

    for section in document.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(24), Mm(22)
        section.left_margin, section.right_margin = Mm(25), Mm(20)
        section.header_distance, section.footer_distance = Mm(10), Mm(10)


# Tags and attributes of the body, as lxml spells them (Clark notation).
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
BODY, P, PPR, PSTYLE, KEEP_NEXT, PAGE_BREAK_BEFORE = (
    f"{{{W}}}{t}" for t in ("body", "p", "pPr", "pStyle", "keepNext", "pageBreakBefore")
)
NUM_PR, ILVL, NUM_ID, TABS, TAB = (f"{{{W}}}{t}" for t in ("numPr", "ilvl", "numId", "tabs", "tab"))
R, RPR, T, BR, BOLD, ITALIC, SZ, LANG = (
    f"{{{W}}}{t}" for t in ("r", "rPr", "t", "br", "b", "i", "sz", "lang")
)
FLD_CHAR, INSTR_TEXT, HYPERLINK, BOOKMARK_START, BOOKMARK_END = (
    f"{{{W}}}{t}" for t in ("fldChar", "instrText", "hyperlink", "bookmarkStart", "bookmarkEnd")
)
TBL, TBL_PR, TBL_STYLE, TBL_W, TBL_LAYOUT, TBL_LOOK, TBL_GRID, GRID_COL = (
    f"{{{W}}}{t}"
    for t in ("tbl", "tblPr", "tblStyle", "tblW", "tblLayout", "tblLook", "tblGrid", "gridCol")
)
TR, TR_PR, CANT_SPLIT, TBL_HEADER, TC, TC_PR, TC_W = (
    f"{{{W}}}{t}" for t in ("tr", "trPr", "cantSplit", "tblHeader", "tc", "tcPr", "tcW")
)
VAL, ID, NAME, TYPE, WIDTH, POS, LEADER, ANCHOR, HISTORY, FLD_CHAR_TYPE = (
    f"{{{W}}}{a}"
    for a in ("val", "id", "name", "type", "w", "pos", "leader", "anchor", "history", "fldCharType")
)
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
SOFT_HYPHEN = "\u00ad"
SOFT_HYPHEN_TAG = f"{{{W}}}softHyphen"
JC = f"{{{W}}}jc"
_EMU_PER_TWIP = 635

_SubElement = etree.SubElement


def twips(emu: int) -> int:
    """EMU to twentieths of a point, rounded as python-docx rounds them."""
    return round(emu / _EMU_PER_TWIP)


def locale(language: str) -> str:
    """Word's language tag of a document language (`fi` -> `fi-FI`)."""
    return LANGUAGE_TAGS.get(language, language)


def style_ids(document: Document, names: Iterable[str]) -> dict[str, str | None]:
    """The style id of each style name, resolved once per document: what a paragraph's
    `w:pStyle` (a table's `w:tblStyle`) holds. None for the default style of its type, which
    a paragraph names by naming none, as python-docx writes it."""
    defaults: dict[object, str | None] = {}
    ids: dict[str, str | None] = {}
    for name in names:
        found = style(document, name)
        if found.type not in defaults:
            default = document.styles.default(found.type)
            defaults[found.type] = default.style_id if default is not None else None
        ids[name] = None if found.style_id == defaults[found.type] else found.style_id
    return ids


def add_text(r: etree._Element, text: str) -> None:
    """A run's text as python-docx writes it: a tab is `w:tab`, a line end `w:br`; and a soft
    hyphen (U+00AD, render/hyphenate.py) Word's optional hyphen `w:softHyphen`, where Word and
    LibreOffice break the word as the PDF does."""
    if "\t" not in text and "\n" not in text and "\r" not in text and SOFT_HYPHEN not in text:
        _add_t(r, text)
        return
    buffer: list[str] = []
    for char in text:
        if char in "\t\r\n\u00ad":
            if buffer:
                _add_t(r, "".join(buffer))
                buffer.clear()
            _SubElement(r, {"\t": TAB, "\u00ad": SOFT_HYPHEN_TAG}.get(char, BR))
        else:
            buffer.append(char)
    if buffer:
        _add_t(r, "".join(buffer))


def _add_t(r: etree._Element, text: str) -> None:
    t = _SubElement(r, T)
    t.text = text
    if len(text.strip()) < len(text):
        t.set(XML_SPACE, "preserve")


def make_bold(r: etree._Element) -> None:
    """`w:b` in the run's properties, in schema order (after `w:rStyle` and `w:rFonts`)."""
    rpr = r.find(RPR)
    if rpr is None:
        rpr = etree.Element(RPR)
        r.insert(0, rpr)
    if rpr.find(BOLD) is not None:
        return
    at = 0
    while at < len(rpr) and rpr[at].tag in (f"{{{W}}}rStyle", f"{{{W}}}rFonts"):
        at += 1
    rpr.insert(at, etree.Element(BOLD))


def right_tab_with_dots(ppr: etree._Element, position: str) -> None:
    """A right-aligned tab stop with a dotted leader (a contents line's page number)."""
    tab = _SubElement(_SubElement(ppr, TABS), TAB)
    tab.set(POS, position)
    tab.set(VAL, "right")
    tab.set(LEADER, "dot")


def add_field(paragraph: etree._Element, instruction: str, result: str = "") -> None:
    """A complete field (`PAGE`, `NUMPAGES`, `PAGEREF x \\h`) with its current result."""
    begin_field(paragraph, instruction)
    if result:
        _add_t(_SubElement(paragraph, R), result)
    end_field(paragraph)


def begin_field(parent: etree._Element, instruction: str) -> None:
    """The start of a field, in a paragraph or a hyperlink: its instruction, then its result."""
    _field_char(parent, "begin")
    text = _SubElement(_SubElement(parent, R), INSTR_TEXT)
    text.set(XML_SPACE, "preserve")
    text.text = f" {instruction} "
    _field_char(parent, "separate")


def end_field(parent: etree._Element) -> None:
    _field_char(parent, "end")


def _field_char(parent: etree._Element, kind: str) -> None:
    _SubElement(_SubElement(parent, R), FLD_CHAR).set(FLD_CHAR_TYPE, kind)


def bookmark_name(anchor: str) -> str:
    """Word bookmark names: letters, digits and underscores, at most 40; `_` hides them."""
    cleaned = "".join(c if c.isascii() and c.isalnum() else "_" for c in anchor)
    return ("_" + cleaned)[:40]


def hyperlink(paragraph: etree._Element, anchor: str) -> etree._Element:
    """An internal link to a bookmark; runs are appended to the returned element."""
    link = _SubElement(paragraph, HYPERLINK)
    link.set(ANCHOR, bookmark_name(anchor))
    link.set(HISTORY, "1")
    return link


def numbering_source(document: Document, list_style: ParagraphStyle) -> CT_Num | None:
    """The `w:num` a numbered list style refers to, if it has one."""
    ppr = list_style.element.pPr
    num_pr = ppr.find(qn("w:numPr")) if ppr is not None else None
    num_id = num_pr.find(qn("w:numId")) if num_pr is not None else None
    if num_id is None:
        return None
    numbering = document.part.numbering_part.element
    wanted = num_id.get(qn("w:val"))
    return next((n for n in numbering.num_lst if str(n.numId) == wanted), None)


def restart_numbering(document: Document, list_style: ParagraphStyle) -> str | None:
    """A fresh numbering instance of a numbered list style, starting at 1; its w:numId."""
    source = numbering_source(document, list_style)
    if source is None:
        return None
    numbering = document.part.numbering_part.element
    # python-docx declares w:abstractNumId as a descriptor mypy does not see through.
    fresh = numbering.add_num(source.abstractNumId.val)  # type: ignore[attr-defined]
    override = OxmlElement("w:lvlOverride")
    override.set(qn("w:ilvl"), "0")
    start = OxmlElement("w:startOverride")
    start.set(qn("w:val"), "1")
    override.append(start)
    fresh.append(override)
    return str(fresh.numId)


def table_properties(
    tbl: etree._Element, style_id: str | None, *, first_row: bool, columns: list[str]
) -> None:
    """A table's style, full text width (in 50ths of a percent) with fixed column widths
    (twips), header-row look, and its grid: `w:tblPr` and `w:tblGrid` as python-docx makes them."""
    pr = _SubElement(tbl, TBL_PR)
    if style_id is not None:
        _SubElement(pr, TBL_STYLE).set(VAL, style_id)
    width = _SubElement(pr, TBL_W)
    width.set(TYPE, "pct")
    width.set(WIDTH, "5000")
    _SubElement(pr, TBL_LAYOUT).set(TYPE, "fixed")
    look = _SubElement(pr, TBL_LOOK)
    for key, value in (
        ("firstColumn", False),
        ("firstRow", first_row),
        ("lastColumn", False),
        ("lastRow", False),
        ("noHBand", not first_row),  # a table with a header row bands its body rows
        ("noVBand", True),
    ):
        look.set(f"{{{W}}}{key}", "1" if value else "0")
    look.set(VAL, "04A0" if first_row else "0400")
    grid = _SubElement(tbl, TBL_GRID)
    for column in columns:
        _SubElement(grid, GRID_COL).set(WIDTH, column)


def table_row(tbl: etree._Element, *, header: bool) -> etree._Element:
    """A row that never splits across pages; a header row repeats on every page."""
    tr = _SubElement(tbl, TR)
    pr = _SubElement(tr, TR_PR)
    _SubElement(pr, CANT_SPLIT)
    if header:
        _SubElement(pr, TBL_HEADER)
    return tr


def table_cell(tr: etree._Element, width: str) -> tuple[etree._Element, etree._Element]:
    """A cell of `width` twips and its first, empty paragraph."""
    tc = _SubElement(tr, TC)
    tc_width = _SubElement(_SubElement(tc, TC_PR), TC_W)
    tc_width.set(TYPE, "dxa")
    tc_width.set(WIDTH, width)
    return tc, _SubElement(tc, P)


def _child(parent: Element, tag: str) -> Element:
    found = parent.find(qn(tag))
    if found is None:
        found = OxmlElement(tag)
        parent.append(found)
    return found


def _set(parent: Element, tag: str, **attrs: str) -> Element:
    element = _child(parent, tag)
    for key, value in attrs.items():
        element.set(qn(f"w:{key}"), value)
    return element


_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def split_soft_hyphens(root: etree._Element) -> None:
    """Every U+00AD in the `w:t` and `w:delText` under `root` as a `w:softHyphen`."""
    for tag in ("w:t", "w:delText"):
        for text in list(root.iter(qn(tag))):
            if text.text and SOFT_HYPHEN in text.text:
                _split_soft_hyphens(text)


def join_soft_hyphens(root: etree._Element) -> None:
    """Each `w:softHyphen` under `root` back into the text of its run as U+00AD, the run's text
    one `w:t` where it was split (so that a word with a soft hyphen is one word again)."""
    for hyphen in list(root.iter(qn("w:softHyphen"))):
        previous = hyphen.getprevious()
        following = hyphen.getnext()
        run = hyphen.getparent()
        if run is None:
            continue
        if previous is not None and previous.tag == qn("w:t"):
            target = previous
        else:
            target = OxmlElement("w:t")
            target.text = ""
            hyphen.addprevious(target)
        text = (target.text or "") + SOFT_HYPHEN
        run.remove(hyphen)
        if following is not None and following.tag == qn("w:t"):
            text += following.text or ""
            run.remove(following)
        target.text = text
        if text != text.strip():
            target.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")


def _split_soft_hyphens(text: etree._Element) -> None:
    """`<w:t>ab\u00adcd</w:t>` → `<w:t>ab</w:t><w:softHyphen/><w:t>cd</w:t>` in the same run."""
    pieces = (text.text or "").split(SOFT_HYPHEN)
    text.text = pieces[0]
    if pieces[0] != pieces[0].strip():
        text.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    anchor = text
    for piece in pieces[1:]:
        hyphen = OxmlElement("w:softHyphen")
        anchor.addnext(hyphen)
        anchor = hyphen
        if piece:
            t = OxmlElement(text.tag.replace(f"{{{_W}}}", "w:"))
            t.text = piece
            if piece != piece.strip():
                t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            anchor.addnext(t)
            anchor = t


# Where w:pBdr goes among a paragraph's properties (the schema's order).
_PPR_BEFORE_BORDERS = (
    "w:pStyle",
    "w:keepNext",
    "w:keepLines",
    "w:pageBreakBefore",
    "w:framePr",
    "w:widowControl",
    "w:numPr",
    "w:suppressLineNumbers",
)


def _insert_ppr_child(ppr: etree._Element, child: etree._Element) -> None:
    before = {qn(tag) for tag in _PPR_BEFORE_BORDERS}
    index = 0
    for position, existing in enumerate(ppr):
        if existing.tag in before:
            index = position + 1
    ppr.insert(index, child)


_VML = (
    'xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
    'xmlns:w10="urn:schemas-microsoft-com:office:word"'
)


def watermark_run(text: str, number: int) -> etree._Element:
    """Word's own text watermark (Design ▸ Watermark): a diagonal WordArt shape in a header,
    behind the text of every page that header serves. LibreOffice reads it as a watermark too."""
    escaped = text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
    return parse_xml(
        f"""<w:r {nsdecls("w")} {_VML}><w:rPr><w:noProof/></w:rPr><w:pict>
<v:shapetype id="_x0000_t136" coordsize="21600,21600" o:spt="136" adj="10800"
 path="m@7,l@8,m@5,21600l@6,21600e">
<v:formulas><v:f eqn="sum #0 0 10800"/><v:f eqn="prod #0 2 1"/><v:f eqn="sum 21600 0 @1"/>
<v:f eqn="sum 0 0 @2"/><v:f eqn="sum 21600 0 @3"/><v:f eqn="if @0 @3 0"/>
<v:f eqn="if @0 21600 @1"/><v:f eqn="if @0 0 @2"/><v:f eqn="if @0 @4 21600"/>
<v:f eqn="mid @5 @6"/><v:f eqn="mid @8 @5"/><v:f eqn="mid @7 @8"/><v:f eqn="mid @6 @7"/>
<v:f eqn="sum @6 0 @5"/></v:formulas>
<v:path textpathok="t" o:connecttype="custom"
 o:connectlocs="@9,0;@10,10800;@11,21600;@12,10800" o:connectangles="270,180,90,0"/>
<v:textpath on="t" fitshape="t"/><v:handles><v:h position="#0,bottomRight" xrange="6629,14971"/>
</v:handles><o:lock v:ext="edit" text="t" shapetype="t"/></v:shapetype>
<v:shape id="PowerPlusWaterMarkObject{number}" o:spid="_x0000_s{2048 + number}" type="#_x0000_t136"
 style="position:absolute;margin-left:0;margin-top:0;width:470pt;height:117pt;rotation:315;
z-index:-251657216;mso-position-horizontal:center;mso-position-horizontal-relative:margin;
mso-position-vertical:center;mso-position-vertical-relative:margin"
 o:allowincell="f" fillcolor="#e4e4e4" stroked="f">
<v:fill opacity="1"/>
<v:textpath style="font-family:&quot;{FONT}&quot;;font-size:1pt;font-weight:bold"
 string="{escaped}"/>
<w10:wrap anchorx="margin" anchory="margin"/></v:shape></w:pict></w:r>"""
    )


def heading_look(p: etree._Element, half_points: int) -> None:
    """A paragraph drawn as a chapter heading: its size (in half-points), the accent colour and
    the rule below, as print.css draws an h1."""
    for r in p.iter(R):
        rpr = r.find(RPR)
        if rpr is None:
            rpr = etree.Element(RPR)
            r.insert(0, rpr)
        _set(rpr, "w:color", val=str(ACCENT))
        _set(rpr, "w:sz", val=str(half_points))
        _set(rpr, "w:szCs", val=str(half_points))
    ppr = p.find(PPR)
    if ppr is None:
        ppr = etree.Element(PPR)
        p.insert(0, ppr)
    for border in ppr.findall(qn("w:pBdr")):
        ppr.remove(border)
    borders = OxmlElement("w:pBdr")
    _set(borders, "w:bottom", val="single", sz="8", space="4", color=str(ACCENT))
    _insert_ppr_child(ppr, borders)


_FONT_ENTRY = f"""<w:font {nsdecls("w")} w:name="{FONT}">
  <w:altName w:val="{FONT_FALLBACK}"/>
  <w:panose1 w:val="020B0604020202020204"/>
  <w:charset w:val="00"/>
  <w:family w:val="swiss"/>
  <w:pitch w:val="variable"/>
</w:font>"""


def font_table(document: Document) -> None:
    """Name the font in the font table with Arial as its alternative (and Arial's look: a
    sans-serif of Arial's PANOSE class), so that Word, which lacks Liberation Sans, uses Arial."""
    for relationship in document.part.rels.values():
        if relationship.reltype.endswith("/fontTable"):
            part = relationship.target_part
            fonts = etree.fromstring(part.blob)
            for entry in fonts.findall(qn("w:font")):
                if entry.get(qn("w:name")) == FONT:
                    fonts.remove(entry)
            fonts.append(parse_xml(_FONT_ENTRY))
            part._blob = etree.tostring(
                fonts, xml_declaration=True, encoding="UTF-8", standalone=True
            )
