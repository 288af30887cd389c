"""Join tagged PDFs into one tagged PDF, keeping each part's structure, links and bookmarks.

A party's package is its cover sheet, the full agreement and its annex. The agreement is the same
PDF in every package, so it is drawn once and its pages are joined at PDF level here, which costs a
few hundredths of a second instead of the second it takes WeasyPrint to draw it again. A plain page
merge (qpdf's, pypdf's) drops the structure tree and with it the PDF/UA tagging; this one moves
each part's structure elements under the first part's `Document` element, renumbers the parent
tree keys that tie pages and links to their elements, and merges the named destinations and the
bookmarks. Metadata, document language, output intent and viewer preferences are the first
part's.
"""

from __future__ import annotations

import io
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass

import pikepdf
from pikepdf import Array, Dictionary, Name, Pdf

from .pagestamp import Stamp, stamp_pages


@dataclass(frozen=True)
class JoinedPdf:
    data: bytes
    pages: int
    anchor_pages: dict[str, int]  # named destination -> the page it is on, 1-based


def join_pdfs(parts: Sequence[bytes], stamp: Stamp | None = None) -> JoinedPdf:
    """The parts, in order, as one PDF whose structure tree holds every part's elements.

    The bookmarks nest: the first part's (the cover) stay at the top level, each later part
    gets one bookmark, its title, holding its own. The PDF's page labels are its one sequence of
    page numbers, 1 to the end, which `stamp` (if given) prints on the pages.
    """
    out = Pdf.open(io.BytesIO(parts[0]))
    with ExitStack() as opened:
        sources = [opened.enter_context(_opened(data)) for data in parts[1:]]
        dests = _join_into(out, sources)
    parent_tree = out.Root.StructTreeRoot.ParentTree
    out.Root.StructTreeRoot.ParentTreeNextKey = _next_parent_key(parent_tree)
    out.Root.PageLabels = Dictionary(Nums=Array([0, Dictionary(S=Name.D)]))
    if stamp is not None:
        stamp_pages(out, stamp)
    if dests:
        names = Array()
        for name in sorted(dests):
            names.append(pikepdf.String(name))
            names.append(dests[name])
        out.Root.Names = out.make_indirect(Dictionary(Dests=Dictionary(Names=names)))
    anchor_pages = _anchor_pages(out, dests)
    buffer = io.BytesIO()
    out.save(
        buffer,
        deterministic_id=True,
        compress_streams=True,
        object_stream_mode=pikepdf.ObjectStreamMode.generate,
    )
    pages = len(out.pages)
    out.close()
    return JoinedPdf(buffer.getvalue(), pages, anchor_pages)


def _join_into(out: Pdf, sources: list[Pdf]) -> dict[str, pikepdf.Object]:
    """Append each source's pages, structure elements and bookmarks to `out`; the named
    destinations of all. Each source is left as it was: it may be joined into the next package."""
    document = _document_element(out)
    parent_tree = out.Root.StructTreeRoot.ParentTree
    dests = _named_destinations(out)
    for source in sources:
        offset = _next_parent_key(parent_tree)
        _shift_parent_keys(source, offset)
        first_page = len(out.pages)
        for page in source.pages:
            out.pages.append(page)
        source_document = _document_element(source)
        # Detach the part's Document element from its own tree root while its children are
        # copied, so that copying them does not drag the source's whole tree along.
        tree_root = source_document[Name.P]
        del source_document[Name.P]
        for kid in _copy(out, source, source_document.K):
            kid.P = document
            document.K.append(kid)
        source_document[Name.P] = tree_root
        parent_tree.Nums.extend(_copy(out, source, source.Root.StructTreeRoot.ParentTree.Nums))
        _shift_parent_keys(source, -offset)
        for name, destination in _named_destinations(source).items():
            dests.setdefault(name, _copy(out, source, destination))
        _append_outline(out, source, out.pages[first_page])
    return dests


# Parts opened for earlier joins in this process, the latest last: the full agreement is joined
# into every package, and opening and closing it each time was a third of a join's CPU.
_OPENED: OrderedDict[bytes, Pdf] = OrderedDict()
_KEPT = 4  # the agreement and the common part, in up to two languages


@contextmanager
def _opened(data: bytes) -> Iterator[Pdf]:
    """The PDF `data`, opened or as kept from an earlier join; kept again after this one
    unless it failed (a join that fails midway may leave it changed)."""
    pdf = _OPENED.pop(data, None)
    if pdf is None:
        pdf = Pdf.open(io.BytesIO(data))
    try:
        yield pdf
    except BaseException:
        pdf.close()
        raise
    _OPENED[data] = pdf
    while len(_OPENED) > _KEPT:
        _OPENED.popitem(last=False)[1].close()


def _copy(out: Pdf, source: Pdf, obj: pikepdf.Object) -> pikepdf.Object:
    """`obj` of `source` copied into `out`; objects copied before (the pages) are not copied
    again but referred to, so structure elements keep pointing at their own pages."""
    if not obj.is_indirect:
        obj = source.make_indirect(obj)
    return out.copy_foreign(obj)


def _document_element(pdf: Pdf) -> pikepdf.Object:
    """The one top-level `Document` structure element WeasyPrint writes."""
    kids = pdf.Root.StructTreeRoot.K
    if isinstance(kids, Array):
        if len(kids) != 1:
            raise ValueError("a part's structure tree has several top-level elements")
        kids = kids[0]
    return kids


def _next_parent_key(parent_tree: pikepdf.Object) -> int:
    nums = parent_tree.Nums
    return max((int(nums[i]) for i in range(0, len(nums), 2)), default=-1) + 1


def _shift_parent_keys(pdf: Pdf, offset: int) -> None:
    """Renumber the part's parent tree keys (pages' and links' own) to follow the earlier parts'."""
    for page in pdf.pages:
        if Name.StructParents in page.obj:
            page.obj.StructParents = int(page.obj.StructParents) + offset
        for annotation in page.obj.get(Name.Annots, []):
            if Name.StructParent in annotation:
                annotation.StructParent = int(annotation.StructParent) + offset
    nums = pdf.Root.StructTreeRoot.ParentTree.Nums
    for index in range(0, len(nums), 2):
        nums[index] = int(nums[index]) + offset


def _named_destinations(pdf: Pdf) -> dict[str, pikepdf.Object]:
    names = pdf.Root.get(Name.Names)
    if names is None or Name.Dests not in names:
        return {}
    flat = names.Dests.get(Name.Names, Array())
    return {str(flat[i]): flat[i + 1] for i in range(0, len(flat), 2)}


def _append_outline(out: Pdf, source: Pdf, first_page: pikepdf.Page) -> None:
    """Add one bookmark for the part (its title, at its first page) after the ones already
    there, holding the part's own bookmarks; a first bookmark that repeats the part's title
    (its own heading) gives way to it, its children taking its place."""
    title = str(source.docinfo.get(Name.Title, "")) or "–"
    part = out.make_indirect(
        Dictionary(Title=pikepdf.String(title), Dest=Array([first_page.obj, Name.Fit]))
    )
    outlines = source.Root.get(Name.Outlines)
    children: list[pikepdf.Object] = []
    if outlines is not None and Name.First in outlines:
        children = _siblings(out.copy_foreign(outlines).First)
        if children and str(children[0].Title) == title:
            first = children.pop(0)
            if Name.Dest in first:
                part.Dest = first.Dest
            elif Name.A in first:
                part.A = first.A
                del part[Name.Dest]
            children[:0] = _siblings(first.First) if Name.First in first else []
    _link(part, children)
    if Name.Outlines not in out.Root or Name.First not in out.Root.Outlines:
        out.Root.Outlines = out.make_indirect(Dictionary(Type=Name.Outlines))
    root = out.Root.Outlines
    _link(root, [*(_siblings(root.First) if Name.First in root else []), part])


def _siblings(item: pikepdf.Object) -> list[pikepdf.Object]:
    found = []
    while True:
        found.append(item)
        if Name.Next not in item:
            return found
        item = item.Next


def _link(parent: pikepdf.Object, children: list[pikepdf.Object]) -> None:
    """Make `children` the (open) bookmarks under `parent`, in order, with their counts."""
    for key in (Name.First, Name.Last, Name.Count):
        if key in parent:
            del parent[key]
    for index, child in enumerate(children):
        child.Parent = parent
        for key in (Name.Prev, Name.Next):
            if key in child:
                del child[key]
        if index:
            child.Prev = children[index - 1]
            children[index - 1].Next = child
    if children:
        parent.First, parent.Last = children[0], children[-1]
        parent.Count = sum(1 + max(int(c.get(Name.Count, 0)), 0) for c in children)


def _anchor_pages(pdf: Pdf, dests: dict[str, pikepdf.Object]) -> dict[str, int]:
    number = {page.obj.objgen: index for index, page in enumerate(pdf.pages, 1)}
    found: dict[str, int] = {}
    for name, destination in dests.items():
        if isinstance(destination, Dictionary):
            destination = destination.D
        page = number.get(destination[0].objgen)
        if page is not None:
            found[name] = page
    return found
