"""The DOCX writer at scale: long tables, and documents composed of parts written once."""

from __future__ import annotations

import io

from docx import Document as open_docx
from docx.oxml.ns import qn

from agreement_builder.render.compose import join_parts
from agreement_builder.render.docx import render_docx
from tests.conftest import FIXTURES

SAMPLE = (FIXTURES / "sample-document.html").read_text(encoding="utf-8")

# A cover of its own: a heading with an id (a bookmark before the sample's), a numbered list
# (a numbering instance before the sample's) and no running header (the sample's is taken).
COVER = """<!DOCTYPE html>
<html lang="fi"><head><meta charset="utf-8"><title>Kansilehti</title>
<meta name="dcterms.modified" content="2026-12-11"></head><body>
<section class="cover">
  <h1 class="title">Ranuan kunta</h1>
  <h2 id="kansi">Liitteet</h2>
  <ol><li>Sopimus</li><li>Liite</li></ol>
</section>
</body></html>
"""


def measure_table(rows: int) -> str:
    body = "".join(
        f"<tr><td>T1.{n}</td><td>Toimenpide {n}: <strong>vastuu</strong> kunta</td>"
        f"<td>2027–2029</td></tr>"
        for n in range(1, rows + 1)
    )
    return (
        '<!DOCTYPE html><html lang="fi"><head><meta charset="utf-8"><title>Mittarit</title>'
        "</head><body><section><h1 id=\"m\">Toimenpiteet</h1><table>"
        '<colgroup><col style="width: 15%"><col style="width: 65%"><col style="width: 20%">'
        "</colgroup><thead><tr><th>Tunnus</th><th>Toimenpide</th><th>Aikataulu</th></tr></thead>"
        f"<tbody>{body}</tbody></table></section></body></html>"
    )


def test_a_table_of_5000_rows_is_written_whole() -> None:
    document = open_docx(io.BytesIO(render_docx(measure_table(5000)).data))
    [table] = document.tables
    rows = table._tbl.tr_lst
    assert len(rows) == 5001  # the header row and every measure
    assert rows[0].find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None
    last = ["".join(t.text or "" for t in tc.iter(qn("w:t"))) for tc in rows[-1].tc_lst]
    assert last == ["T1.5000", "Toimenpide 5000: vastuu kunta", "2027–2029"]


def test_parts_compose_to_the_bytes_of_the_joined_document() -> None:
    parts = [COVER, SAMPLE, SAMPLE]
    joined = render_docx(join_parts(parts)).data
    assert render_docx(parts).data == joined
    # Written again from the parts' bodies kept from the first time.
    assert render_docx(parts).data == joined
    assert render_docx([SAMPLE, COVER]).data == render_docx(join_parts([SAMPLE, COVER])).data


def test_a_reused_part_gets_the_documents_bookmarks_and_lists() -> None:
    render_docx(SAMPLE)  # the sample's body written alone first, then reused below
    document = open_docx(io.BytesIO(render_docx([COVER, SAMPLE]).data))
    body = document.element.body
    ids = [b.get(qn("w:id")) for b in body.iter(qn("w:bookmarkStart"))]
    assert ids == [str(n) for n in range(len(ids))]  # numbered through the whole document
    assert [b.get(qn("w:id")) for b in body.iter(qn("w:bookmarkEnd"))] == ids
    lists = [n.get(qn("w:val")) for n in body.iter(qn("w:numId"))]
    assert len(set(lists)) == 3  # the cover's list, then the sample's two, each restarted
    # The sample's heading starts a new page after the cover; the sample's header is taken.
    [heading] = [p for p in document.paragraphs if p.text == "Testisopimus: kaikki elementit"]
    assert heading.paragraph_format.page_break_before
    assert document.sections[0].header.paragraphs[-1].text.startswith("Testisopimus")


ANNEX = """<!DOCTYPE html>
<html lang="fi"><head><meta charset="utf-8"><title>Liite</title></head><body>
<header class="running-header">Liite: Ranuan kunta · versio 0.3 · LUONNOS 20.11.2026</header>
<section><h1 id="liite">Ranuan kunnan toimenpiteet</h1><p>Ranuan kunta vastaa.</p></section>
</body></html>
"""


def test_a_part_with_a_header_of_its_own_starts_a_section_with_that_header() -> None:
    # A draft (the first part's status): the draft mark on every page.
    cover = COVER.replace("<meta name", '<meta name="status" content="LUONNOS"><meta name', 1)
    data = render_docx([cover, SAMPLE, ANNEX]).data
    assert render_docx([cover, SAMPLE, ANNEX]).data == data  # deterministic
    document = open_docx(io.BytesIO(data))
    agreement, annex = document.sections
    assert agreement.different_first_page_header_footer  # the cover page has no header
    assert agreement.header.paragraphs[0].text.startswith("Testisopimus · versio 0.3")
    assert not annex.different_first_page_header_footer  # its first page has it too
    assert annex.header.paragraphs[0].text.startswith("Liite: Ranuan kunta · versio 0.3")
    assert 'string="LUONNOS"' in annex.header._element.xml  # the watermark
    assert 'string="LUONNOS"' in agreement.header._element.xml
    footers = [[p.text for p in s.footer.paragraphs] for s in (agreement, annex)]
    assert footers[0] == footers[1]
    # The section ends right before the annex, the page numbering runs on.
    body = list(document.element.body)
    [ending] = [e for e in body[:-1] if e.find(f".//{qn('w:sectPr')}") is not None]
    after = body[body.index(ending) + 1]
    assert "".join(t.text for t in after.iter(qn("w:t"))) == "Ranuan kunnan toimenpiteet"
    assert document.element.body.find(f".//{qn('w:pgNumType')}[@{qn('w:start')}]") is None
