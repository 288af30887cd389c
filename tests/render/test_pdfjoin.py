"""Joining tagged PDFs at PDF level keeps every part's structure, links and bookmarks."""

from __future__ import annotations

import io
from pathlib import Path

import pikepdf
import pytest

from agreement_builder.render.pdf import render_pdf
from agreement_builder.render.pdfjoin import join_pdfs
from tests.conftest import TEMPLATES, pdfua_check


def part(title: str, anchor: str, pages: int, link_to: str) -> str:
    """A small document of `pages` pages with headings (bookmarks), a table and a link."""
    body = "".join(
        f'<section class="new-page"><h1 id="{anchor}-{n}">{title} {n}</h1>'
        f"<p>Kappale {n} osassa {title}.</p>"
        '<table><colgroup><col style="width: 30%"><col style="width: 70%"></colgroup>'
        '<thead><tr><th scope="col">Nro</th><th scope="col">Teksti</th></tr></thead>'
        f"<tbody><tr><td>{n}</td><td>Rivi {n}</td></tr></tbody></table>"
        f'<p><a href="#{link_to}">Linkki</a></p></section>'
        for n in range(1, pages + 1)
    )
    return (
        f'<!DOCTYPE html><html lang="fi"><head><meta charset="utf-8"><title>{title}</title>'
        '<link rel="stylesheet" href="print.css"></head><body>'
        f'<header class="running-header">{title}</header>'
        '<footer class="running-footer">Sivu <span class="page-number"></span> / '
        '<span class="page-count"></span></footer>'
        f"{body}</body></html>"
    )


@pytest.fixture(scope="module")
def parts() -> list[bytes]:
    documents = [
        part("Kansilehti", "cover", 1, "cover-1"),
        part("Sopimus", "agreement", 3, "agreement-2"),
        part("Liite", "annex", 2, "annex-1"),
    ]
    return [render_pdf(html, templates=TEMPLATES).data for html in documents]


@pytest.fixture(scope="module")
def joined(parts: list[bytes]):
    return join_pdfs(parts)


def open_pdf(data: bytes) -> pikepdf.Pdf:
    return pikepdf.open(io.BytesIO(data))


def test_pages_text_and_metadata_follow_the_parts(joined) -> None:
    assert joined.pages == 6
    with open_pdf(joined.data) as pdf:
        assert len(pdf.pages) == 6
        assert str(pdf.Root.Lang) == "fi"
        assert pdf.open_metadata()["dc:title"] == "Kansilehti"  # the first part's metadata
        assert bool(pdf.Root.MarkInfo.Marked)
    assert joined.anchor_pages["cover-1"] == 1
    assert joined.anchor_pages["agreement-1"] == 2
    assert joined.anchor_pages["agreement-3"] == 4
    assert joined.anchor_pages["annex-2"] == 6


def test_every_page_and_link_is_tied_to_its_own_structure_elements(joined) -> None:
    with open_pdf(joined.data) as pdf:
        tree = pdf.Root.StructTreeRoot
        [document] = tree.K
        assert document.S == "/Document"
        nums = tree.ParentTree.Nums
        parents = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
        assert len(parents) == len(nums) // 2  # no key twice
        assert int(tree.ParentTreeNextKey) == max(parents) + 1
        keys: list[int] = []
        for page in pdf.pages:
            key = int(page.obj.StructParents)
            keys.append(key)
            elements = parents[key]
            assert len(elements) > 0
            for element in elements:  # each marked content of the page belongs to this page
                assert element.Pg.objgen == page.obj.objgen
            for annotation in page.obj.get("/Annots", []):
                link = parents[int(annotation.StructParent)]
                assert link.S == "/Link"
                assert link.Pg.objgen == page.obj.objgen
        assert len(set(keys)) == 6
        # Every part's sections are children of the one Document element, in reading order.
        headings: list[str] = []
        for section in document.K:
            assert section.P.objgen == document.objgen
            headings.extend(str(k.S) for k in section.K if isinstance(k, pikepdf.Dictionary))
        assert headings.count("/H1") == 6


def test_links_and_bookmarks_of_every_part_lead_to_their_pages(joined) -> None:
    with open_pdf(joined.data) as pdf:
        names = pdf.Root.Names.Dests.Names
        dests = {str(names[i]): names[i + 1] for i in range(0, len(names), 2)}
        assert list(dests) == sorted(dests)
        page_of = {page.obj.objgen: number for number, page in enumerate(pdf.pages, 1)}
        assert page_of[dests["agreement-2"][0].objgen] == 3
        link = pdf.pages[4].obj.Annots[0]  # the annex's first page links to annex-1
        assert page_of[dests[str(link.Dest)][0].objgen] == 5
        with pdf.open_outline() as outline:
            titles = [(item.title, [c.title for c in item.children]) for item in outline.root]
            agreement = outline.root[1]
            destination = agreement.destination
            assert isinstance(destination, pikepdf.Array)
            assert page_of[destination[0].objgen] == 2  # a part's bookmark: its start
        # The bookmarks nest: the cover's at the top, then each part holding its own.
        assert titles == [
            ("Kansilehti 1", []),
            ("Sopimus", ["Sopimus 1", "Sopimus 2", "Sopimus 3"]),
            ("Liite", ["Liite 1", "Liite 2"]),
        ]


def test_one_page_numbering_printed_on_every_page_and_in_the_page_labels(parts, tmp_path):
    import pdfplumber

    from agreement_builder.render.pagestamp import Stamp

    stamp = Stamp(
        "Liite: Närpiön kaupunki · Sivu {page} / {pages}",
        font=TEMPLATES / "fonts" / "LiberationSans-Regular.ttf",
    )
    joined = join_pdfs(parts, stamp=stamp)
    assert join_pdfs(parts, stamp=stamp).data == joined.data  # the same bytes again
    with open_pdf(joined.data) as pdf:
        labels = [pikepdf.Page(page).label for page in pdf.pages]
    assert labels == ["1", "2", "3", "4", "5", "6"]  # one sequence, as printed
    path = tmp_path / "stamped.pdf"
    path.write_bytes(joined.data)
    with pdfplumber.open(path) as pdf:
        last_lines = [page.extract_text().splitlines()[-1] for page in pdf.pages]
    assert "Liite: Närpiön" not in last_lines[0]  # the cover has no number
    for number, line in enumerate(last_lines[1:], 2):
        # Each part's own footer on the left, the package's number on the right.
        assert line.endswith(f"Liite: Närpiön kaupunki · Sivu {number} / 6"), line
    assert last_lines[2].startswith("Sivu 2 / 3")  # the agreement keeps its own too
    result = pdfua_check(path)  # the stamps are artifacts in an embedded font
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_same_parts_give_the_same_bytes(parts: list[bytes], joined) -> None:
    assert join_pdfs(parts).data == joined.data


def test_the_joined_pdf_passes_the_pdfua_checker(joined, tmp_path: Path) -> None:
    path = tmp_path / "joined.pdf"
    path.write_bytes(joined.data)
    result = pdfua_check(path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_part_that_is_given_is_joined_not_drawn(parts: list[bytes]) -> None:
    """render_pdf joins a prepared part's PDF as it is: its pages are those of that PDF."""
    documents = [
        part("Kansilehti", "cover", 1, "cover-1"),
        "<not drawn: the prepared PDF stands for it>",
        part("Liite", "annex", 2, "annex-1"),
    ]
    output = render_pdf(documents, templates=TEMPLATES, prepared={1: parts[1]})
    assert output.pages == 6
    assert output.data == join_pdfs(parts).data


def test_a_part_kept_open_joins_the_same_into_every_document(parts: list[bytes]) -> None:
    """The agreement is joined into every package from one opened copy per process: each join
    leaves it as it found it, so the tenth package is joined as the first, with a cover of
    other length before it too."""
    from agreement_builder.render import pdfjoin

    other_cover = render_pdf(part("Toinen kansi", "other", 2, "other-1"), templates=TEMPLATES)
    pdfjoin._OPENED.clear()
    fresh = [join_pdfs(parts).data, join_pdfs([other_cover.data, *parts[1:]]).data]
    pdfjoin._OPENED.clear()
    again = [join_pdfs(p).data for p in (parts, [other_cover.data, *parts[1:]]) for _ in range(3)]
    assert again == [fresh[0]] * 3 + [fresh[1]] * 3
    assert set(pdfjoin._OPENED) == set(parts[1:])


def test_a_failed_join_keeps_nothing_it_opened(parts: list[bytes]) -> None:
    from agreement_builder.render import pdfjoin

    pdfjoin._OPENED.clear()
    broken = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF"
    with pytest.raises(Exception):  # noqa: B017 - whichever error the broken part raises
        join_pdfs([parts[0], parts[1], broken])
    assert parts[1] not in pdfjoin._OPENED
    assert join_pdfs(parts).data == join_pdfs(parts).data
