"""A DOCX whose differences from an earlier DOCX are Word tracked changes (`w:ins` / `w:del`).

Both documents come from our own DOCX writer, so their structure is alike: paragraphs and tables
in the body, header and footer parts of the same names. The body's paragraphs and tables are
aligned (difflib), a table's rows are aligned by their cells, and inside a paragraph that changed
only the changed words become insertions and deletions; a paragraph, row or table that has no
counterpart is inserted or deleted whole. Word's and LibreOffice's review tools then show each
change and accept or reject it; accepting every change gives the new document, rejecting every
change gives the old one's text.

Generic: it knows WordprocessingML, nothing of agreements.
"""

from __future__ import annotations

import copy
import io
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from difflib import SequenceMatcher

from lxml import etree

from ..stablezip import restamp
from ..textdiff import keyed_opcodes, similarity, tokens
from .ooxml import join_soft_hyphens, split_soft_hyphens

NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def w(tag: str) -> str:
    return f"{{{NS}}}{tag}"


P, TBL, TR, TC, R, T = w("p"), w("tbl"), w("tr"), w("tc"), w("r"), w("t")
PPR, RPR, TRPR, HYPERLINK = w("pPr"), w("rPr"), w("trPr"), w("hyperlink")
BOOKMARKS = (w("bookmarkStart"), w("bookmarkEnd"))
INS, DEL = w("ins"), w("del")
BLOCKS = (P, TBL)

# Pairing: a changed paragraph is shown word by word only when it is this alike its old self;
# below that it reads better as the old paragraph deleted and the new one inserted.
PARAGRAPH_SIMILARITY = 0.5
ROW_SIMILARITY = 0.5
TABLE_SIMILARITY = 0.3
MAX_PAIRING = 2500  # old × new blocks of one changed stretch worth pairing one by one


class TrackedChangesError(Exception):
    """The two documents cannot be compared (not DOCX files, or not alike enough in form)."""


@dataclass(frozen=True)
class Revisions:
    """How many tracked changes a document got: insertions and deletions of runs, paragraph
    marks and table rows."""

    insertions: int
    deletions: int


def track_changes(old: bytes, new: bytes, *, author: str, when: date) -> tuple[bytes, Revisions]:
    """The `new` DOCX with its differences from the `old` DOCX as tracked changes by `author`,
    dated `when` (a date, so the same inputs give the same bytes)."""
    try:
        old_zip = zipfile.ZipFile(io.BytesIO(old))
        new_zip = zipfile.ZipFile(io.BytesIO(new))
    except zipfile.BadZipFile as exc:
        raise TrackedChangesError(f"not a DOCX file: {exc}") from None
    with old_zip, new_zip:
        names = new_zip.namelist()
        if "word/document.xml" not in names or "word/document.xml" not in old_zip.namelist():
            raise TrackedChangesError("not a DOCX file: it has no word/document.xml")
        parts = [
            n
            for n in names
            if n == "word/document.xml"
            or (n.startswith(("word/header", "word/footer")) and n.endswith(".xml"))
        ]
        trees = {n: etree.fromstring(new_zip.read(n)) for n in parts}
        numbering = _numbering_ids(new_zip)
        marker = _Marker(author, f"{when.isoformat()}T00:00:00Z", _max_id(trees.values()) + 1)
        for name in parts:
            if name not in old_zip.namelist():
                continue
            old_root = etree.fromstring(old_zip.read(name))
            new_root = trees[name]
            # A word with soft hyphens (w:softHyphen) is compared as one word.
            join_soft_hyphens(old_root)
            join_soft_hyphens(new_root)
            if name == "word/document.xml":
                old_root, new_root = _body(old_root), _body(new_root)
            _Differ(marker, numbering).container(old_root, new_root)
            split_soft_hyphens(new_root)
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            for info in new_zip.infolist():
                data = new_zip.read(info.filename)
                if info.filename in trees:
                    data = etree.tostring(
                        trees[info.filename],
                        xml_declaration=True,
                        encoding="UTF-8",
                        standalone=True,
                    )
                target.writestr(info.filename, data)
    return restamp(out.getvalue(), when), Revisions(marker.insertions, marker.deletions)


class _Marker:
    """Makes the revision marks: each one numbered, with the author and the date."""

    def __init__(self, author: str, stamp: str, first_id: int) -> None:
        self.author, self.stamp, self.next_id = author, stamp, first_id
        self.insertions = self.deletions = 0

    def mark(self, kind: str) -> etree._Element:
        element = etree.Element(w(kind))
        element.set(w("id"), str(self.next_id))
        element.set(w("author"), self.author)
        element.set(w("date"), self.stamp)
        self.next_id += 1
        if kind == "ins":
            self.insertions += 1
        else:
            self.deletions += 1
        return element

    def wrap(self, kind: str, runs: Sequence[etree._Element]) -> etree._Element:
        element = self.mark(kind)
        for run in runs:
            element.append(run)
        return element


# --- alignment -----------------------------------------------------------------------------


class _Differ:
    def __init__(self, marker: _Marker, numbering: set[str]) -> None:
        self.marker = marker
        self.numbering = numbering

    def container(self, old: etree._Element, new: etree._Element) -> None:
        """Rewrite the blocks of `new` (a body, a cell, a header) as `old` → `new` changes."""
        old_blocks = [c for c in old if c.tag in BLOCKS]
        new_blocks = [c for c in new if c.tag in BLOCKS]
        result: list[etree._Element] = []
        matcher = SequenceMatcher(
            None, [_key(b) for b in old_blocks], [_key(b) for b in new_blocks], autojunk=False
        )
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                result += new_blocks[j1:j2]
                continue
            for i, j in _pair(old_blocks[i1:i2], new_blocks[j1:j2], _block_similarity):
                if i is not None and j is not None:
                    result.append(self.changed(old_blocks[i1 + i], new_blocks[j1 + j]))
                elif j is not None:
                    result.append(self.inserted(new_blocks[j1 + j]))
                elif i is not None:
                    result.append(self.deleted(old_blocks[i1 + i]))
        for block in new_blocks:
            new.remove(block)
        # Blocks go before what must stay last (the body's section properties).
        tail = next((c for c in new if c.tag == w("sectPr")), None)
        for block in result:
            if tail is not None:
                tail.addprevious(block)
            else:
                new.append(block)
        if new.tag == TC:
            _keep_last_paragraph_mark(new)

    def changed(self, old: etree._Element, new: etree._Element) -> etree._Element:
        if old.tag == P:
            return self.paragraph(old, new)
        self.table(old, new)
        return new

    def table(self, old: etree._Element, new: etree._Element) -> None:
        old_rows, new_rows = old.findall(TR), new.findall(TR)
        result: list[etree._Element] = []
        matcher = SequenceMatcher(
            None, [_row_key(r) for r in old_rows], [_row_key(r) for r in new_rows], autojunk=False
        )
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                result += new_rows[j1:j2]
                continue
            for i, j in _pair(old_rows[i1:i2], new_rows[j1:j2], _row_similarity):
                if i is None and j is not None:
                    result.append(self.row(new_rows[j1 + j], "ins"))
                elif j is None and i is not None:
                    result.append(self.row(copy.deepcopy(old_rows[i1 + i]), "del"))
                elif i is not None and j is not None:
                    old_row, new_row = old_rows[i1 + i], new_rows[j1 + j]
                    for old_cell, new_cell in zip(
                        old_row.findall(TC), new_row.findall(TC), strict=True
                    ):
                        self.container(old_cell, new_cell)
                    result.append(new_row)
        for row in new_rows:
            new.remove(row)
        for row in result:
            new.append(row)

    def row(self, row: etree._Element, kind: str) -> etree._Element:
        properties = row.find(TRPR)
        if properties is None:
            properties = etree.Element(TRPR)
            exceptions = row.find(w("tblPrEx"))
            row.insert(0 if exceptions is None else 1, properties)
        properties.append(self.marker.mark(kind))
        for cell in row.findall(TC):
            for block in [c for c in cell if c.tag in BLOCKS]:
                self.whole(block, kind)
            _keep_last_paragraph_mark(cell)
        return row

    def inserted(self, block: etree._Element) -> etree._Element:
        return self.whole(block, "ins")

    def deleted(self, block: etree._Element) -> etree._Element:
        return self.whole(copy.deepcopy(block), "del")

    def whole(self, block: etree._Element, kind: str) -> etree._Element:
        """Mark a whole paragraph or table inserted or deleted."""
        if block.tag == TBL:
            for row in block.findall(TR):
                self.row(row, kind)
            return block
        if kind == "del":
            _forget_old_references(block, self.numbering)
        for parent in [block, *block.findall(HYPERLINK)]:
            runs = [c for c in parent if c.tag == R]
            for group in _consecutive(parent, runs):
                first = group[0]
                wrapper = self.marker.mark(kind)
                first.addprevious(wrapper)
                for run in group:
                    wrapper.append(run)
                    if kind == "del":
                        _as_deleted(run)
        _mark_paragraph(block, self.marker.mark(kind))
        return block

    def paragraph(self, old: etree._Element, new: etree._Element) -> etree._Element:
        """The new paragraph with only its changed words marked."""
        a, b = _pieces(old), _pieces(new)
        if [x.key for x in a] == [x.key for x in b]:
            return new
        out = etree.Element(P)
        for name, value in new.attrib.items():
            out.set(name, value)
        properties = new.find(PPR)
        if properties is not None:
            out.append(properties)
        starts = [c for c in new if c.tag == BOOKMARKS[0]]
        ends = [c for c in new if c.tag == BOOKMARKS[1]]
        for start in starts:
            out.append(start)
        for tag, i1, i2, j1, j2 in keyed_opcodes(
            [x.key for x in a], [x.key for x in b], is_space=_is_space
        ):
            if tag == "equal":
                _append_pieces(out, b[j1:j2])
                continue
            if i2 > i1:
                deleted = [copy.deepcopy(x) for x in a[i1:i2]]
                self._append_marked(out, deleted, "del")
            if j2 > j1:
                self._append_marked(out, b[j1:j2], "ins")
        for end in ends:
            out.append(end)
        return out

    def _append_marked(self, out: etree._Element, pieces: Sequence[_Piece], kind: str) -> None:
        runs: list[etree._Element] = []

        def flush() -> None:
            if runs:
                out.append(self.marker.wrap(kind, list(runs)))
                runs.clear()

        for element in _elements(pieces):
            if element.tag == HYPERLINK:  # a link keeps its place; its runs carry the mark
                flush()
                link_runs = [c for c in element if c.tag == R]
                for run in link_runs:
                    element.remove(run)
                    if kind == "del":
                        _as_deleted(run)
                if link_runs:
                    element.append(self.marker.wrap(kind, link_runs))
                out.append(element)
            else:
                if kind == "del":
                    _as_deleted(element)
                runs.append(element)
        flush()


def _pair(
    old: Sequence[etree._Element],
    new: Sequence[etree._Element],
    score: Callable[[etree._Element, etree._Element], float],
) -> list[tuple[int | None, int | None]]:
    """Counterparts in two changed stretches, in order: the most alike pair first, then the same
    on either side of it (as difflib's ndiff does); the unpaired are deleted or inserted."""
    if not old or not new or len(old) * len(new) > MAX_PAIRING:
        return [(i, None) for i in range(len(old))] + [(None, j) for j in range(len(new))]
    if len(old) == len(new) == 1 and _same_form(old[0], new[0]):
        return [(0, 0)]  # one paragraph for another (a cell's value): word by word reads best
    best, best_i, best_j = 0.0, -1, -1
    for i, a in enumerate(old):
        for j, b in enumerate(new):
            value = score(a, b)
            if value > best:
                best, best_i, best_j = value, i, j
    if best_i < 0:
        return [(i, None) for i in range(len(old))] + [(None, j) for j in range(len(new))]
    before = _pair(old[:best_i], new[:best_j], score)
    after = _pair(old[best_i + 1 :], new[best_j + 1 :], score)
    shift = [
        (None if i is None else i + best_i + 1, None if j is None else j + best_j + 1)
        for i, j in after
    ]
    return [*before, (best_i, best_j), *shift]


def _same_form(a: etree._Element, b: etree._Element) -> bool:
    """Two paragraphs: a row or a table of one item for another is rather a removal and an
    addition (a measure removed, another added)."""
    return a.tag == b.tag == P


def _block_similarity(a: etree._Element, b: etree._Element) -> float:
    if a.tag != b.tag:
        return 0.0
    if a.tag == P:
        value = similarity(_text(a), _text(b))
        return value if value >= PARAGRAPH_SIMILARITY else 0.0
    if _columns(a) != _columns(b):
        return 0.0
    value = similarity(
        " ".join(_text(r) for r in a.iter(TR)), " ".join(_text(r) for r in b.iter(TR))
    )
    return value if value >= TABLE_SIMILARITY else 0.0


def _row_similarity(a: etree._Element, b: etree._Element) -> float:
    cells_a, cells_b = a.findall(TC), b.findall(TC)
    if len(cells_a) != len(cells_b):
        return 0.0
    if cells_a and _text(cells_a[0]) and _text(cells_a[0]) == _text(cells_b[0]):
        return 1.0  # the same first cell (an id, a name) is the same row
    value = similarity(_text(a), _text(b))
    return value if value >= ROW_SIMILARITY else 0.0


def _key(block: etree._Element) -> tuple:
    if block.tag == P:
        style = block.find(f"{PPR}/{w('pStyle')}")
        return (
            "p",
            style.get(w("val")) if style is not None else "",
            *[x.key for x in _pieces(block)],
        )
    return ("tbl", _columns(block), *[_row_key(r) for r in block.findall(TR)])


def _is_space(key: tuple) -> bool:
    """A piece's key that is only whitespace text: the glue between two changed words."""
    return key[0] == "text" and not key[1].strip()


def _row_key(row: etree._Element) -> tuple:
    return tuple(_key(b) for cell in row.findall(TC) for b in cell if b.tag in BLOCKS)


def _columns(table: etree._Element) -> int:
    return len(table.findall(f"{w('tblGrid')}/{w('gridCol')}"))


def _text(element: etree._Element) -> str:
    return "".join(t.text or "" for t in element.iter(T))


# --- inside a paragraph --------------------------------------------------------------------


@dataclass
class _Piece:
    """A word, a space, a tab or break, or an element kept whole (a link, a field's part)."""

    key: tuple
    element: etree._Element  # a run holding just this piece, or the whole element
    properties: bytes = b""  # the run's formatting, to join neighbouring words into one run


def _pieces(paragraph: etree._Element) -> list[_Piece]:
    pieces: list[_Piece] = []
    for child in paragraph:
        if child.tag == R:
            pieces += _run_pieces(child)
        elif child.tag == HYPERLINK:
            text = _text(child)
            instructions = "".join(x.text or "" for x in child.iter(w("instrText")))
            pieces.append(_Piece(("link", child.get(w("anchor")), text, instructions), child))
        elif child.tag in (PPR, *BOOKMARKS):
            continue
        elif isinstance(child.tag, str):
            pieces.append(_Piece(("element", etree.tostring(child)), child))
    return pieces


def _run_pieces(run: etree._Element) -> Iterator[_Piece]:
    properties = run.find(RPR)
    formatting = etree.tostring(properties) if properties is not None else b""

    def single(*content: etree._Element) -> etree._Element:
        piece = etree.Element(R)
        if properties is not None:
            piece.append(copy.deepcopy(properties))
        for element in content:
            piece.append(element)
        return piece

    for child in run:
        if child.tag == RPR:
            continue
        if child.tag == T:
            for word in tokens(child.text or ""):
                text = etree.Element(T)
                text.text = word
                if word != word.strip():
                    text.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
                yield _Piece(("text", word), single(text), formatting)
        elif child.tag == w("instrText"):
            yield _Piece(("field", child.text or ""), single(copy.deepcopy(child)))
        elif child.tag == w("fldChar"):
            yield _Piece(("field", child.get(w("fldCharType"))), single(copy.deepcopy(child)))
        else:  # a tab, a break, anything else: one piece, compared as written
            yield _Piece(("other", etree.tostring(child)), single(copy.deepcopy(child)), formatting)


def _elements(pieces: Sequence[_Piece]) -> Iterator[etree._Element]:
    """The pieces as elements, neighbouring words of the same formatting joined into one run."""
    current: etree._Element | None = None
    current_text: etree._Element | None = None  # the w:t of `current`
    current_format: bytes | None = None
    for piece in pieces:
        text = piece.element.find(T) if piece.element.tag == R else None
        if text is not None and current_text is not None and piece.properties == current_format:
            joined = (current_text.text or "") + (text.text or "")
            current_text.text = joined
            if joined != joined.strip():
                current_text.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            continue
        if current is not None:
            yield current
            current = current_text = current_format = None
        if text is not None:
            current, current_format = copy.deepcopy(piece.element), piece.properties
            current_text = current.find(T)
        else:
            yield piece.element
    if current is not None:
        yield current


def _append_pieces(out: etree._Element, pieces: Sequence[_Piece]) -> None:
    for element in _elements(pieces):
        out.append(element)


# --- marks ---------------------------------------------------------------------------------


def _as_deleted(run: etree._Element) -> None:
    """Deleted text is `w:delText` (and a field's instruction `w:delInstrText`)."""
    for element in run.iter(T, w("instrText")):
        element.tag = w("delText") if element.tag == T else w("delInstrText")


def _mark_paragraph(paragraph: etree._Element, mark: etree._Element) -> None:
    """Mark the paragraph mark itself inserted or deleted (w:pPr/w:rPr/w:ins|w:del)."""
    properties = paragraph.find(PPR)
    if properties is None:
        properties = etree.Element(PPR)
        paragraph.insert(0, properties)
    run_properties = properties.find(RPR)
    if run_properties is None:
        run_properties = etree.SubElement(properties, RPR)
        follower = next((c for c in properties if c.tag in (w("sectPr"), w("pPrChange"))), None)
        if follower is not None:
            follower.addprevious(run_properties)
    run_properties.insert(0, mark)


def _keep_last_paragraph_mark(cell: etree._Element) -> None:
    """A cell ends with a paragraph whose mark cannot be deleted: take the mark off it."""
    paragraphs = cell.findall(P)
    if not paragraphs:
        return
    marks = paragraphs[-1].find(f"{PPR}/{RPR}")
    if marks is None:
        return
    for mark in marks.findall(DEL):
        marks.remove(mark)


def _consecutive(parent: etree._Element, runs: list[etree._Element]) -> list[list[etree._Element]]:
    """Runs that stand next to each other in `parent`, grouped (a field or link splits them)."""
    groups: list[list[etree._Element]] = []
    previous = None
    for run in runs:
        if previous is not None and run.getprevious() is previous:
            groups[-1].append(run)
        else:
            groups.append([run])
        previous = run
    return groups


def _forget_old_references(block: etree._Element, numbering: set[str]) -> None:
    """Deleted old content must not clash with the new document: its bookmarks go, and a list
    numbering the new document lacks falls back to the style's."""
    for bookmark in [e for e in block.iter(*BOOKMARKS)]:
        _remove(bookmark)
    for number in block.iter(w("numPr")):
        num_id = number.find(w("numId"))
        if num_id is not None and num_id.get(w("val")) not in numbering:
            _remove(number)


def _remove(element: etree._Element) -> None:
    parent = element.getparent()
    if parent is not None:
        parent.remove(element)


def _body(document: etree._Element) -> etree._Element:
    body = document.find(w("body"))
    if body is None:
        raise TrackedChangesError("not a DOCX file: its word/document.xml has no body")
    return body


def _numbering_ids(document: zipfile.ZipFile) -> set[str]:
    try:
        root = etree.fromstring(document.read("word/numbering.xml"))
    except KeyError:
        return set()
    return {n.get(w("numId"), "") for n in root.iter(w("num"))}


def _max_id(roots: object) -> int:
    """The highest w:id in use (bookmarks): revision ids follow it, unique in the document."""
    highest = 0
    for root in roots:  # type: ignore[attr-defined]
        for element in root.iter(*BOOKMARKS):
            value = element.get(w("id"), "0")
            if value.isdigit():
                highest = max(highest, int(value))
    return highest
