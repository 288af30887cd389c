"""One document made of several HTML parts (a party's cover sheet, the agreement, its annex).

The PDF writer lays each part out on its own, so that the agreement inside a package is page for
page the full agreement. `join_parts` says what a DOCX of several parts is: the DOCX writer
composes it of each part's body written once (render/docx.py), to the bytes of writing the
joined HTML, which its tests compare; the one difference: there, a later part's header of its
own (a party's annex) starts a new section with it, where the joined HTML keeps the first.
"""

from __future__ import annotations

from collections.abc import Sequence

import lxml.html
from lxml.html import HtmlElement

RUNNING = ("running-header", "running-footer")


def join_parts(parts: Sequence[str]) -> str:
    """The parts as one HTML document: the first part's head, the first running header and
    footer found, then every part's body content, each part starting on a new page."""
    if len(parts) == 1:
        return parts[0]
    documents = [lxml.html.document_fromstring(part) for part in parts]
    # Each part's body content, taken before the first part's body is emptied to hold them all.
    contents = [list(_body(document)) for document in documents]
    joined = documents[0]
    body = _body(joined)
    for child in contents[0]:
        body.remove(child)
    running: dict[str, HtmlElement] = {}
    for elements in contents:
        for element in elements:
            kind = element.get("class", "") if element.tag in ("header", "footer") else ""
            if kind in RUNNING:
                running.setdefault(kind, element)
    for kind in RUNNING:
        if kind in running:
            body.append(running[kind])
    for index, elements in enumerate(contents):
        if index:
            body.append(lxml.html.fromstring('<hr class="page-break">'))
        for element in elements:
            if element.tag in ("header", "footer") and element.get("class", "") in RUNNING:
                continue
            body.append(element)
    return lxml.html.tostring(joined, encoding="unicode", doctype="<!DOCTYPE html>")


def _body(document: HtmlElement) -> HtmlElement:
    body = document.find("body")
    if body is None:  # lxml gives every parsed document a body; this only narrows the type
        raise ValueError("an HTML part has no body")
    return body
