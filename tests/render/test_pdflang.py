"""Passages in another language are marked in the PDF's structure tree (`/Lang`)."""

from __future__ import annotations

import io

import pikepdf
from weasyprint import HTML

from agreement_builder.render.pdf import PDF_VARIANT
from agreement_builder.render.pdflang import languages_in_structure

HTML_FI = """<!DOCTYPE html><html lang="fi"><head><title>Kielet</title></head><body>
<h1><span lang="sv">Korsholms kommun</span><br>Mustasaaren kunta</h1>
<p>Liite: <span lang="sv">Samarbetsavtal</span> (ruotsiksi)</p>
<p lang="fi">Suomeksi, kuten koko asiakirja.</p>
<table><tbody><tr><th scope="row">Nimi</th><td lang="se">Anára gielda</td></tr></tbody></table>
</body></html>"""


def marked(data: bytes) -> list[tuple[str, str]]:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert str(pdf.Root.Lang) == "fi"
        return [
            (str(o.S), str(o.Lang))
            for o in pdf.objects
            if isinstance(o, pikepdf.Dictionary)
            and o.get("/Type") == "/StructElem"
            and "/Lang" in o
        ]


def test_elements_in_another_language_get_lang_in_the_structure_tree() -> None:
    document = HTML(string=HTML_FI).render(pdf_variant=PDF_VARIANT)
    assert marked(document.write_pdf(pdf_variant=PDF_VARIANT)) == []  # WeasyPrint alone
    with languages_in_structure():
        data = document.write_pdf(pdf_variant=PDF_VARIANT)
    # The two Swedish spans and the Northern Sámi cell; not the paragraph in Finnish.
    assert sorted(marked(data)) == [("/Span", "sv"), ("/Span", "sv"), ("/TD", "se")]
    # Outside the block WeasyPrint is itself again.
    assert marked(document.write_pdf(pdf_variant=PDF_VARIANT)) == []
