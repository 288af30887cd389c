"""A document of several parts, joined into one HTML document for the DOCX writer."""

from __future__ import annotations

import lxml.html
from lxml.html import HtmlElement

from agreement_builder.render.compose import join_parts


def part(lang: str, header: str, content: str) -> str:
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><title>{header}</title></head><body>'
        f'<header class="running-header">{header}</header>'
        '<footer class="running-footer">Sivu <span class="page-number"></span></footer>'
        f"{content}</body></html>"
    )


def test_every_part_is_kept_in_order_each_on_a_new_page() -> None:
    joined = lxml.html.document_fromstring(
        join_parts(
            [
                part("fi", "Kansi", '<section class="cover"><h1>Ranua</h1></section>'),
                part("fi", "Sopimus", '<section><h1 id="s1">1 Osapuolet</h1></section>'),
                part("fi", "Liite", '<section><h1 id="a1">Liite</h1></section>'),
            ]
        )
    )
    body, header, title = joined.find("body"), joined.find("body/header"), joined.find("head/title")
    assert body is not None and header is not None and title is not None
    assert [child.tag for child in body] == [
        "header",
        "footer",
        "section",
        "hr",
        "section",
        "hr",
        "section",
    ]
    headings = [h.text_content() for h in body.iter("h1") if isinstance(h, HtmlElement)]
    assert headings == ["Ranua", "1 Osapuolet", "Liite"]
    assert header.text == "Kansi"  # the first part's running header
    assert joined.get("lang") == "fi" and title.text == "Kansi"
