"""The PDF writer: WeasyPrint lays out the document HTML with the templates' print stylesheet.

The PDF is PDF/A-2a and declares PDF/UA-1 as well. WeasyPrint makes one variant at a time; PDF/A-2a
is the archival level that also requires a tagged, language-marked structure, which is what PDF/UA
asks for, and it keeps what PDF/A-1 forbids (transparency, OpenType fonts). PDF/A-3 would only add
embedded files, which an agreement does not carry. The PDF/UA identification is added to the same
XMP packet, with the extension schema PDF/A requires for a namespace it does not predefine.
"""

from __future__ import annotations

from . import libraries  # noqa: F401  (before WeasyPrint: its libraries by their sonames)

# isort: split

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from html import unescape
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from ..theme import Templates
from .pagestamp import Stamp
from .pdfjoin import join_pdfs
from .pdflang import languages_in_structure

PDF_VARIANT = "pdf/a-2a"

_PDFUA_XMP = b"""<rdf:Description rdf:about="" xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/"
 pdfuaid:part="1"/>
<rdf:Description rdf:about="" xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/"
 xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#"
 xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">
<pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType="Resource">
<pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>
<pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>
<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>
<pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType="Resource">
<pdfaProperty:name>part</pdfaProperty:name>
<pdfaProperty:valueType>Integer</pdfaProperty:valueType>
<pdfaProperty:category>internal</pdfaProperty:category>
<pdfaProperty:description>Part of ISO 14289 followed</pdfaProperty:description>
</rdf:li></rdf:Seq></pdfaSchema:property>
</rdf:li></rdf:Bag></pdfaExtension:schemas>
</rdf:Description>
"""


@dataclass(frozen=True)
class PdfOutput:
    data: bytes
    pages: int
    refused: tuple[str, ...]  # URLs the document asked for and did not get
    anchor_pages: dict[str, int]  # element id -> the page it is on, 1-based
    parts: tuple[bytes, ...] = ()  # of several parts: each part's own PDF, drawn or given


class ConfinedFetcher(URLFetcher):
    """Fetches `data:` URLs and the files of the templates; refuses and records everything else.

    Workbook text never becomes markup, but the templates are user-editable too: a stylesheet or
    image that points at `file:///etc/passwd` or `http://...` must not be read into the PDF.
    Relative URLs resolve in the first templates folder (the user's own, with `--templates`);
    a file it does not have is the shipped one (`Templates.locate`), and nothing else is read.
    """

    def __init__(self, templates: Templates | Path) -> None:
        super().__init__(allowed_protocols={"file", "data"}, timeout=1)
        self.templates = Templates.of(templates)
        self.root = self.templates.base
        self.refused: list[str] = []
        self.parsed: frozenset[str] = frozenset()  # stylesheets given parsed: served empty

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        if not self.allows(url):
            self.refused.append(url)
            folders = " and ".join(str(folder) for folder in self.templates.dirs)
            raise ValueError(f"refused to fetch {url}: only files in {folders} are allowed")
        if url in self.parsed:
            return URLFetcherResponse(url, b"", {"Content-Type": "text/css"})
        if urlsplit(url).scheme == "data":
            return super().fetch(url, headers)
        path = self.resolve(url)
        if path is None:
            raise FileNotFoundError(f"no such template file: {url}")
        response = super().fetch(path.as_uri(), headers)
        try:
            body = response.read()
        finally:
            response.close()
        # Served under the URL asked for, so that what it refers to resolves the same way.
        return URLFetcherResponse(url, body, response.headers, response.status)

    def allows(self, url: str) -> bool:
        parts = urlsplit(url)
        if parts.scheme == "data":
            return True
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            return False
        path = Path(unquote(parts.path)).resolve()
        return any(path.is_relative_to(folder) for folder in self.templates.dirs)

    def resolve(self, url: str) -> Path | None:
        """The file a `file:` URL inside the templates stands for, or None."""
        if not self.allows(url) or urlsplit(url).scheme != "file":
            return None
        return self.templates.locate(Path(unquote(urlsplit(url).path)))


def render_pdf(
    parts: str | Sequence[str],
    *,
    templates: Templates | Path,
    prepared: Mapping[int, bytes] | None = None,
) -> PdfOutput:
    """Lay out the HTML document(s) (relative URLs resolve in the templates) into one tagged PDF.

    Several parts become one PDF, each part keeping its own page numbering, and the metadata of
    the first. `prepared` gives, by part index, the PDF that part makes, drawn before (the full
    agreement inside every party's package): its pages are joined in, not drawn again.
    """
    parts = [parts] if isinstance(parts, str) else list(parts)
    templates = Templates.of(templates)
    prepared = prepared or {}
    drawn: list[PdfOutput] = []
    for index, part in enumerate(parts):
        if index in prepared:
            drawn.append(PdfOutput(prepared[index], 0, (), {}))
        else:
            drawn.append(_draw(part, templates))
    refused = tuple(dict.fromkeys(url for output in drawn for url in output.refused))
    if len(drawn) == 1:
        return PdfOutput(drawn[0].data, drawn[0].pages, refused, drawn[0].anchor_pages)
    joined = join_pdfs([output.data for output in drawn], stamp=_stamp(parts[0], templates))
    parts_pdf = tuple(output.data for output in drawn)
    return PdfOutput(joined.data, joined.pages, refused, joined.anchor_pages, parts_pdf)


def _stamp(html: str, templates: Templates) -> Stamp | None:
    """The page numbering a package's first part asks for (`<meta name="page-stamp">`)."""
    match = _STAMP.search(html)
    if match is None:
        return None
    return Stamp(unescape(match.group(1)), font=templates.find(STAMP_FONT))


_STAMP = re.compile(r'<meta name="page-stamp" content="([^"]*)">')
STAMP_FONT = "fonts/LiberationSans-Regular.ttf"


def _draw(html: str, templates: Templates) -> PdfOutput:
    fetcher = ConfinedFetcher(templates)
    source = HTML(string=html, base_url=templates.base.as_uri() + "/", url_fetcher=fetcher)
    sheets = _linked_stylesheets(source, fetcher)
    fetcher.parsed = frozenset(sheet.url for sheet in sheets)
    fetcher.refused.extend(url for sheet in sheets for url in sheet.refused)
    document = source.render(
        pdf_variant=PDF_VARIANT,
        font_config=_fonts(),
        stylesheets=[sheet.css for sheet in sheets],
    )
    with languages_in_structure():
        data = document.write_pdf(pdf_variant=PDF_VARIANT, finisher=_declare_pdfua)
    anchor_pages: dict[str, int] = {}
    for number, page in enumerate(document.pages, 1):
        for anchor in page.anchors:
            anchor_pages.setdefault(anchor, number)
    return PdfOutput(data, len(document.pages), tuple(fetcher.refused), anchor_pages)


@dataclass(frozen=True)
class _Stylesheet:
    url: str
    css: CSS
    refused: tuple[str, ...]  # what it asked for (fonts) and did not get


def _linked_stylesheets(html: HTML, fetcher: ConfinedFetcher) -> list[_Stylesheet]:
    """The document's linked stylesheets in the templates (print.css), each parsed once per
    process and content: parsing it is a fifth of drawing a one-page document.

    WeasyPrint takes them as user stylesheets, which yield to the document's own rules (its
    `<style>` and `style` attributes) however specific; the templates' own rules never compete
    with print.css, and the same documents come out byte for byte as before.
    """
    found = []
    for link in html.wrapper_element.query_all("link"):
        element = link.etree_element
        if "stylesheet" not in element.get("rel", "").split() or not element.get("href"):
            continue
        url = urljoin(html.base_url, element.get("href"))
        path = fetcher.resolve(url)
        if path is None:
            continue  # fetched (or refused) as WeasyPrint finds it
        found.append(_parsed(url, path.read_bytes(), fetcher.templates))
    return found


@cache
def _parsed(url: str, data: bytes, templates: Templates) -> _Stylesheet:
    fetcher = ConfinedFetcher(templates)  # its fonts are fetched while it is parsed
    css = CSS(string=data.decode(), base_url=url, url_fetcher=fetcher, font_config=_fonts())
    return _Stylesheet(url, css, tuple(fetcher.refused))


@cache
def _fonts() -> FontConfiguration:
    """One font configuration per process: the bundled fonts are loaded once, not per document."""
    return FontConfiguration()


def _declare_pdfua(document: object, pdf: object) -> None:
    """Add `pdfuaid:part=1` (and its PDF/A extension schema) to the XMP packet."""
    reference = pdf.catalog["Metadata"]  # type: ignore[attr-defined]
    stream = pdf.objects[int(reference.split()[0])]  # type: ignore[attr-defined]
    stream.stream = [
        chunk.replace(b"</rdf:RDF>", _PDFUA_XMP + b"</rdf:RDF>", 1) for chunk in stream.stream
    ]
