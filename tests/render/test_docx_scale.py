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
