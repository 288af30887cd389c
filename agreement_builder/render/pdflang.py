"""Passages in another language in the tagged PDF.

WeasyPrint 70 writes the document's language (`/Lang` in the catalog, from `html[lang]`) but not
the `lang` of elements inside it, so a screen reader reads a Swedish name in a Finnish document
with Finnish rules. PDF/UA asks for such passages to be marked: `/Lang` on their structure
element, which its descendants inherit. WeasyPrint has no option for it; its tagger builds the
structure tree in `weasyprint.pdf.tags._build_box_tree`, one call per box, so while a PDF is
written that function is wrapped to add `/Lang` to the element of every box whose HTML element
has a `lang` of its own that differs from the document's.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pydyf
from weasyprint.formatting_structure import boxes
from weasyprint.layout.absolute import AbsolutePlaceholder
from weasyprint.pdf import tags


@contextmanager
def languages_in_structure() -> Iterator[None]:
    """Within the block, tagged PDFs that WeasyPrint writes mark passages in another language."""
    original = tags._build_box_tree

    # WeasyPrint's tagger's signature; WeasyPrint has no type hints, so its objects are Any.
    def build_box_tree(box: Any, parent: Any, pdf: Any, *args: Any) -> Iterator[Any]:
        document = pdf.catalog.get("Lang")  # set from html[lang] before the tags are built
        language = _own_language(box)
        for element in original(box, parent, pdf, *args):
            if language and language != getattr(document, "string", None):
                element["Lang"] = pydyf.String(language)
            yield element

    tags._build_box_tree = build_box_tree  # its recursion looks the name up in the module
    try:
        yield
    finally:
        tags._build_box_tree = original


def _own_language(box: object) -> str | None:
    """The `lang` the box's own element declares."""
    if isinstance(box, AbsolutePlaceholder):
        box = box._box
    element = getattr(box, "element", None)
    if element is None or isinstance(box, boxes.PageBox):
        return None
    if getattr(box, "element_tag", None) in ("html", "body"):
        return None  # these yield their children's elements, which are not theirs to mark
    return element.get("lang") or None
