"""The DOCX writer on the sample document of the HTML contract, opened with python-docx."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from docx import Document as open_docx
from docx.document import Document
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from agreement_builder.render.docx import DocxWriterError, render_docx
from tests.conftest import FIXTURES
from tests.pipeline.conftest import docx_blocks, soffice_to_pdf

SAMPLE = (FIXTURES / "sample-document.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def sample():
    return open_docx(io.BytesIO(render_docx(SAMPLE).data))


def is_toc_entry(paragraph) -> bool:
    return paragraph.style.name.lower() in ("toc 1", "toc 2", "toc 3")


def style_of(document, text: str) -> str:
    [paragraph] = [
        p for p in document.paragraphs if p.text.startswith(text) and not is_toc_entry(p)
    ]
    return paragraph.style.name


def test_headings_title_and_lists_use_word_styles(sample) -> None:
    assert style_of(sample, "Testisopimus: kaikki elementit") == "Title"
    assert style_of(sample, "1 Sopijaosapuolet") == "Heading 1"
    assert style_of(sample, "2.1 Tavoite T1") == "Heading 2"
    assert style_of(sample, "Mittarit") == "Heading 3"
    assert style_of(sample, "Lapin hyvinvointialue ja Lapin kunnat") == "Subtitle"
    assert style_of(sample, "Ensimmäinen luettelon kohta") == "List Bullet"
    assert style_of(sample, "Sisennetty kohta") == "List Bullet 2"
    assert style_of(sample, "Numeroitu yksi") == "List Number"
    assert style_of(sample, "Sisällys") == "TOC Heading"  # not a heading of the outline


def test_each_numbered_list_restarts_at_one(sample) -> None:
    def num_id(text: str) -> str:
        [p] = [p for p in sample.paragraphs if p.text == text]
        return p._p.pPr.numPr.numId.val

    assert num_id("Numeroitu yksi") == num_id("Numeroitu kaksi")
    restart = num_id("Uusi numerointi alkaa ykkösestä")
    assert restart != num_id("Numeroitu yksi")
    numbering = sample.part.numbering_part.element
    [num] = [n for n in numbering.num_lst if n.numId == restart]
    assert num.find(qn("w:lvlOverride")).find(qn("w:startOverride")).get(qn("w:val")) == "1"


def test_inline_formatting_breaks_and_links(sample) -> None:
    [party] = [p for p in sample.paragraphs if p.text.startswith("Tämän sopimuksen")]
    assert [r.text for r in party.runs if r.bold] == ["21 kuntaa"]
    assert "č š ŋ đ ŧ ž" in party.text
    [second] = [p for p in sample.paragraphs if p.text.startswith("Ensimmäinen kappale")]
    assert "Ensimmäinen kappale.\nRivinvaihto" in second.text
    assert [r.text for r in second.runs if r.italic] == ["korostus"]
    [link] = second._p.findall(qn("w:hyperlink"))
    bookmarks = {b.get(qn("w:name")) for b in sample.element.body.iter(qn("w:bookmarkStart"))}
    assert link.get(qn("w:anchor")) in bookmarks
    # Escaped markup in the HTML is text in the DOCX.
    assert any("<script>alert(1)</script> ja {{ 7*7 }}" in p.text for p in sample.paragraphs)


def test_tables_repeat_headers_keep_rows_and_take_column_widths(sample) -> None:
    cover, parties = sample.tables
    assert parties.style.name == "Agreement Table"
    header, *rows = parties.rows
    assert header._tr.trPr.find(qn("w:tblHeader")) is not None
    assert all(r._tr.trPr.find(qn("w:tblHeader")) is None for r in rows)
    assert all(r._tr.trPr.find(qn("w:cantSplit")) is not None for r in parties.rows)
    widths = [c.width for c in parties.columns]
    assert widths[0] == pytest.approx(2 * widths[1], rel=0.01)
    assert sum(widths) == pytest.approx(Mm(210 - 45), rel=0.01)
    assert [c.text for c in header.cells] == ["Osapuoli", "Kuntanumero", "Hyväksyjä"]
    cell = rows[1].cells[2]
    assert [p.style.name for p in cell.paragraphs] == ["Normal", "List Bullet"]
    # Row headers are bold; the cover's key-value table has no header row.
    assert all(r.bold for r in cover.rows[0].cells[0].paragraphs[0].runs)
    assert cover.rows[0]._tr.trPr.find(qn("w:tblHeader")) is None


def test_contents_is_a_toc_field_already_filled_in(sample) -> None:
    instructions = [t.text for t in sample.element.body.iter(qn("w:instrText"))]
    assert instructions[0].strip() == 'TOC \\o "1-3" \\h \\z \\u'
    entries = [p for p in sample.paragraphs if is_toc_entry(p)]
    assert [(p.style.name.lower(), p.text.strip()) for p in entries] == [
        ("toc 1", "1 Sopijaosapuolet"),
        ("toc 1", "2 Tavoitteet"),
        ("toc 2", "2.1 Tavoite T1: Hyvinvointi ja terveys"),
    ]
    assert sample.settings.element.find(qn("w:updateFields")).get(qn("w:val")) == "true"


def test_the_contents_show_no_page_numbers_until_word_numbers_them(sample) -> None:
    """Word and LibreOffice paginate a DOCX otherwise than the PDF: the contents field's result
    lists the headings without numbers, and the settings ask for the field to be updated."""
    entries = [p.text for p in sample.paragraphs if is_toc_entry(p)]
    assert entries == [
        "1 Sopijaosapuolet",
        "2 Tavoitteet",
        "2.1 Tavoite T1: Hyvinvointi ja terveys",
    ]
    instructions = [t.text.strip() for t in sample.element.body.iter(qn("w:instrText"))]
    assert not any(i.startswith("PAGEREF") for i in instructions)
    kinds = [c.get(qn("w:fldCharType")) for c in sample.element.body.iter(qn("w:fldChar"))]
    assert kinds[:2] == ["begin", "separate"] and kinds.count("end") == kinds.count("begin")


def test_pages_breaks_header_and_footer(sample) -> None:
    section = sample.sections[0]
    assert section.different_first_page_header_footer  # the cover has no header
    assert section.page_width == pytest.approx(Mm(210), abs=Mm(0.1))
    assert section.page_height == pytest.approx(Mm(297), abs=Mm(0.1))
    assert section.header.paragraphs[-1].text == "Testisopimus · versio 0.3 · LUONNOS 20.11.2026"
    footer = section.footer.paragraphs[-1]
    fields = [t.text.strip() for t in footer._p.iter(qn("w:instrText"))]
    assert fields == ["PAGE", "NUMPAGES"]
    assert footer.text.startswith("Sivu ") and footer.text.endswith(" · 20.11.2026")
    breaks = [p.text for p in sample.paragraphs if p.paragraph_format.page_break_before]
    assert breaks == ["Sisällys", "1 Sopijaosapuolet", "Rovaniemellä ____________"]
    [signature] = [p for p in sample.paragraphs if p.text.startswith("Rovaniemellä")]
    assert signature.paragraph_format.keep_with_next


def test_core_properties_and_language(sample) -> None:
    core = sample.core_properties
    assert core.title == "Testisopimus: kaikki elementit"
    assert core.author == "Anna Valmistelija"
    assert core.subject == "Strateginen yhteistyösopimus 2026–2029"
    assert core.keywords == "yhteistyösopimus, hyvinvointialue, LUONNOS"
    assert (core.version, core.content_status, core.identifier) == (
        "0.3",
        "LUONNOS",
        "948/00.01.02/2022",
    )
    assert core.language == "fi"
    assert core.created.isoformat().startswith("2026-11-20")
    assert core.modified.isoformat().startswith("2026-11-20")
    defaults = sample.styles.element.find(qn("w:docDefaults"))
    assert (
        defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:lang')}").get(qn("w:val"))
        == "fi-FI"
    )


def test_the_same_html_gives_the_same_bytes() -> None:
    first, second = render_docx(SAMPLE).data, render_docx(SAMPLE).data
    assert first == second
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert {info.date_time[:3] for info in archive.infolist()} == {(2026, 11, 20)}


@pytest.mark.parametrize(
    ("fragment", "named"),
    [
        ("<blockquote>lainaus</blockquote>", "<blockquote>"),
        ('<p class="warning">varoitus</p>', '<p class="warning">'),
        ("<p>teksti <code>x</code></p>", "<code>"),
        ("<ul><p>väärin</p></ul>", "<ul> holds <p>"),
    ],
)
def test_unknown_elements_are_errors_not_dropped(fragment: str, named: str) -> None:
    html = SAMPLE.replace('<h3 id="t1-i">Mittarit</h3>', fragment)
    with pytest.raises(DocxWriterError, match=named.replace("(", r"\(")):
        render_docx(html)


def _reference(tmp_path: Path, *, with_list_number: bool = True) -> Path:
    """A municipality's Word template: Letter paper, Georgia headings, a logo in the header."""
    from docx.shared import RGBColor

    from tests.render.images import png_1x1

    document = open_docx()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(216), Mm(279)
    heading = document.styles["Heading 1"]
    heading.font.name = "Georgia"
    heading.font.color.rgb = RGBColor(0x80, 0, 0)
    logo = tmp_path / "logo.png"
    logo.write_bytes(png_1x1())
    section.header.paragraphs[0].add_run().add_picture(str(logo), width=Mm(30))
    section.header.add_paragraph("Mallipohjan esimerkkiteksti")
    if not with_list_number:
        document.styles["List Number"].delete()
    document.add_paragraph("Pohjan sisältöä, joka ei kuulu sopimukseen.")
    path = tmp_path / "reference.docx"
    document.save(str(path))
    return path


def test_reference_docx_gives_styles_page_setup_and_logo(tmp_path: Path) -> None:
    output = render_docx(SAMPLE, reference_docx=_reference(tmp_path))
    assert output.warnings == ()
    document = open_docx(io.BytesIO(output.data))
    section = document.sections[0]
    assert section.page_width == pytest.approx(Mm(216), abs=Mm(0.1))
    assert section.page_height == pytest.approx(Mm(279), abs=Mm(0.1))
    heading = document.styles["Heading 1"]
    assert heading.font.name == "Georgia"
    assert str(heading.font.color.rgb) == "800000"
    header_xml = section.header._element.xml
    assert "<w:drawing" in header_xml  # the logo stays
    assert "Mallipohjan esimerkkiteksti" not in header_xml  # the sample text goes
    assert section.header.paragraphs[-1].text.startswith("Testisopimus · versio 0.3")
    texts = docx_blocks(document)
    assert "Pohjan sisältöä, joka ei kuulu sopimukseen." not in texts
    assert texts[0] == "Testisopimus: kaikki elementit"


def test_reference_docx_without_a_style_gets_one_and_a_warning(tmp_path: Path) -> None:
    output = render_docx(SAMPLE, reference_docx=_reference(tmp_path, with_list_number=False))
    assert output.warnings == (
        "the reference DOCX has no style 'List Number'; a plain one was added",
    )
    document = open_docx(io.BytesIO(output.data))
    assert style_of(document, "Numeroitu yksi") == "List Number"


def test_libreoffice_opens_the_sample(tmp_path: Path) -> None:
    path = tmp_path / "sample.docx"
    path.write_bytes(render_docx(SAMPLE).data)
    result = soffice_to_pdf(path, tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "sample.pdf").stat().st_size > 5_000


LANGUAGES = """<!DOCTYPE html>
<html lang="fi"><head><meta charset="utf-8"><title>Kielet</title></head><body>
<section>
  <h1 class="title"><span lang="sv">Korsholms kommun</span><br>Mustasaaren kunta</h1>
  <p>Liite: <span lang="sv">Samarbetsavtal <strong>2026–2029</strong></span> (ruotsiksi)</p>
  <p lang="sv">Bilagan på svenska.</p>
  <ul><li lang="smn">Aanaar kieldâ</li><li>Inarin kunta</li></ul>
  <table><tbody><tr><th scope="row">Nimi</th><td lang="se">Anára gielda</td></tr></tbody></table>
</section>
</body></html>
"""


def run_languages(document: Document) -> list[tuple[str, str | None]]:
    """(text, w:lang) of every run with text in the body, in order."""
    found = []
    for run in document.element.body.iter(qn("w:r")):
        text = "".join(t.text or "" for t in run.iter(qn("w:t")))
        if text:
            lang = run.find(f"{qn('w:rPr')}/{qn('w:lang')}")
            found.append((text, lang.get(qn("w:val")) if lang is not None else None))
    return found


def test_every_run_carries_its_language_and_marked_passages_theirs() -> None:
    document = open_docx(io.BytesIO(render_docx(LANGUAGES).data))
    assert run_languages(document) == [
        ("Korsholms kommun", "sv-FI"),
        ("Mustasaaren kunta", "fi-FI"),
        ("Liite: ", "fi-FI"),
        ("Samarbetsavtal ", "sv-FI"),
        ("2026–2029", "sv-FI"),
        (" (ruotsiksi)", "fi-FI"),
        ("Bilagan på svenska.", "sv-FI"),
        ("Aanaar kieldâ", "smn-FI"),
        ("Inarin kunta", "fi-FI"),
        ("Nimi", "fi-FI"),
        ("Anára gielda", "se-FI"),
    ]
    # The passage is bold and Swedish at once: formatting and language combine.
    [bold] = [r for r in document.paragraphs[1].runs if r.text == "2026–2029"]
    assert bold.bold


def test_a_reference_docx_style_language_gives_way_to_the_documents(tmp_path: Path) -> None:
    """A municipality's Word template in English must not make a Finnish document English."""
    reference = open_docx()
    heading = reference.styles["Heading 1"].element.get_or_add_rPr()
    lang = heading.makeelement(qn("w:lang"), {qn("w:val"): "en-US"})
    heading.append(lang)
    path = tmp_path / "reference.docx"
    reference.save(str(path))
    document = open_docx(io.BytesIO(render_docx(SAMPLE, reference_docx=path).data))
    styles = document.styles.element
    langs = {e.get(qn("w:val")) for e in styles.iter(qn("w:lang")) if e.get(qn("w:val"))}
    assert langs == {"fi-FI"}


# --- the PDF's look (issue 13) --------------------------------------------------------------


def header_xml(data: bytes) -> dict[str, str]:
    """Each header part's XML, by its reference type (default, first)."""
    document = open_docx(io.BytesIO(data))
    section = document.sections[0]
    return {
        "default": section.header._element.xml,
        "first": section.first_page_header._element.xml,
    }


def test_a_draft_is_marked_on_every_page_the_first_included() -> None:
    data = render_docx(SAMPLE).data
    headers = header_xml(data)
    for kind, xml in headers.items():
        # Word's own text watermark: a WordArt shape behind the page, in the header.
        assert 'string="LUONNOS"' in xml, kind
        assert "PowerPlusWaterMarkObject" in xml and "rotation:315" in xml, kind
    assert ">LUONNOS</w:t>" in headers["first"]  # the mark itself on the first page too
    final = SAMPLE.replace('content="LUONNOS"', 'content=""')
    assert "PowerPlusWaterMarkObject" not in "".join(header_xml(render_docx(final).data).values())


def test_headings_tables_and_fonts_look_as_in_the_pdf(sample) -> None:
    styles = sample.styles.element
    heading = styles.xpath('w:style[w:name/@w:val="heading 1"]')[0]
    [rule] = heading.xpath("w:pPr/w:pBdr/w:bottom")
    assert (rule.get(qn("w:val")), rule.get(qn("w:color"))) == ("single", "1F4E79")
    table_style = styles.xpath('w:style[@w:styleId="AgreementTable"]')[0]
    [band] = table_style.xpath('w:tblStylePr[@w:type="band2Horz"]/w:tcPr/w:shd')
    assert band.get(qn("w:fill")) == "E9EFF5"  # every second body row, as the PDF shades it
    looks = sample.element.body.xpath("//w:tbl/w:tblPr/w:tblLook")
    assert any(look.get(qn("w:noHBand")) == "0" for look in looks)
    # Liberation Sans, the PDF's font, named with Arial as what Word takes in its place.
    fonts = zipfile.ZipFile(io.BytesIO(render_docx(SAMPLE).data)).read("word/fontTable.xml")
    assert b'w:name="Liberation Sans"' in fonts and b'<w:altName w:val="Arial"/>' in fonts
    defaults = styles.xpath("w:docDefaults/w:rPrDefault/w:rPr/w:rFonts")[0]
    assert defaults.get(qn("w:ascii")) == "Liberation Sans"


def test_a_title_outside_a_cover_has_the_pdfs_heading_size() -> None:
    html = SAMPLE.replace('<section class="cover">', "<section>", 1)
    document = open_docx(io.BytesIO(render_docx(html).data))
    [title] = [p for p in document.paragraphs if p.style is not None and p.style.name == "Title"]
    assert {run.font.size for run in title.runs} == {Pt(16)}  # as print.css has h1
    cover = open_docx(io.BytesIO(render_docx(SAMPLE).data))
    [title] = [p for p in cover.paragraphs if p.style is not None and p.style.name == "Title"]
    assert {run.font.size for run in title.runs} == {None}  # the Title style's own 24 pt


def test_a_number_range_in_a_heading_is_joined_after_its_dash() -> None:
    """The PDF keeps a `nobreak` range on one line; in the DOCX a WORD JOINER after the dash
    does, in headings (titles) only: body text keeps its plain dash."""
    range_ = '<span class="nobreak">2027–2029</span>'
    html = (
        '<!DOCTYPE html><html lang="fi"><head><meta charset="utf-8"><title>T</title></head>'
        f'<body><section class="cover"><h1 class="title">Yhteistyösopimus {range_}</h1>'
        f"</section><section><h2>Kausi {range_}</h2><p>Sopimuskausi {range_}.</p>"
        "</section></body></html>"
    )
    texts = [p.text for p in open_docx(io.BytesIO(render_docx(html).data)).paragraphs]
    assert texts == [
        "Yhteistyösopimus 2027–\u20602029",
        "Kausi 2027–\u20602029",
        "Sopimuskausi 2027–2029.",
    ]
