"""The tracked-changes DOCX: exactly the expected insertions and deletions, accepting them gives
the new text and rejecting them the old, and LibreOffice opens it."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
import zipfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from lxml import etree

from agreement_builder.document.context import build_context
from agreement_builder.render.docx import render_docx
from agreement_builder.render.html import render_html
from agreement_builder.render.tracked import TrackedChangesError, track_changes
from agreement_builder.workbook.validate import load_workbook
from tests.changes.versions import ADDED_TEXT, LAPPI, edited, lappi_data, load
from tests.conftest import TEMPLATES
from tests.pipeline.conftest import soffice_to_pdf

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
PARTS = ("word/document.xml", "word/header2.xml", "word/footer2.xml")
AUTHOR = "Sanna Ylitalo"
WHEN = dt.date(2026, 12, 11)
REMOVED = (
    "Saamelaisten mielenterveystyötä vahvistetaan kulttuurisensitiivisellä työotteella ja "
    "saamenkielisellä tuella yhteistyössä saamelaisyhteisöjen kanssa sekä rajat ylittävää "
    "saamelaista osaamista hyödyntäen."
)
MOVED = (
    "Kylien yhteisöllistä toimintaa, kuten kylätaloja ja kyläavustajatoimintaa, tuetaan kuntien "
    "ja hyvinvointialueen yhteisellä kokeilulla harvaan asutuilla alueilla. Kokeiluun valitaan "
    "kylät kuntien esityksestä."
)
# (part, mark, text) of every insertion and deletion that carries text.
EXPECTED = Counter(
    [
        # Version and date: the cover's status line, its table and the running header/footer.
        *[("document", "del", "0.3"), ("document", "ins", "0.4")] * 2,
        *[("document", "del", "20.11.2026"), ("document", "ins", "11.12.2026")] * 2,
        ("header2", "del", "0.3"),
        ("header2", "ins", "0.4"),
        ("header2", "del", "20.11.2026"),
        ("header2", "ins", "11.12.2026"),
        ("footer2", "del", "20.11.2026"),
        ("footer2", "ins", "11.12.2026"),
        # The party added: on the cover, in the parties' table and the approvals' table.
        ("document", "ins", ", Lapin liitto"),
        *[("document", "ins", "Lapin liitto"), ("document", "ins", "maakuntavaltuusto")] * 2,
        # ... and in the list of annexes.
        ("document", "ins", "Lapin liiton toimenpiteet"),
        ("document", "ins", "0164308-3"),
        ("document", "ins", "__.__.20__ § ____"),
        ("document", "ins", "maakuntajohtaja"),  # its signatory, by position
        # Kemi's council approved version 0.3: version 0.4 has no approval of its own yet.
        ("document", "del", "30.11.2026"),
        ("document", "del", "118"),
        ("document", "ins", "__.__.20__"),
        ("document", "ins", "____"),
        # T1.1's text, T1.2's schedule, T1.3's responsible parties: only the changed words.
        ("document", "del", "tai "),
        ("document", "ins", " tai järjestön toimintaan"),
        ("document", "del", "2028"),
        ("document", "ins", "2029"),
        ("document", "ins", "Lapin hyvinvointialue"),
        # T2.5 removed, T2.6 added: whole rows.
        ("document", "del", "T2.5"),
        ("document", "del", REMOVED),
        (
            "document",
            "del",
            "Koskee kuntia: Enontekiön kunta, Inarin kunta, Sodankylän kunta, Utsjoen kunta",
        ),
        ("document", "del", "Lapin hyvinvointialue (päävastuu)"),
        ("document", "del", "2027–2029"),
        ("document", "del", "T2-I2, T4-I4"),
        ("document", "ins", "T2.6"),
        ("document", "ins", ADDED_TEXT),
        ("document", "ins", "Lapin hyvinvointialue (päävastuu)"),
        ("document", "ins", "2027"),
        # T3.4 moved from T3's table to T4's.
        *[
            (kind_and_text[0], mark, kind_and_text[1])
            for mark in ("del", "ins")
            for kind_and_text in (
                ("document", "T3.4"),
                ("document", MOVED),
                ("document", "kaikki kunnat (päävastuu)Lapin hyvinvointialue"),
                ("document", "2028–2029"),
                ("document", "T3-I2"),
            )
        ],
        # T5 renamed.
        ("document", "del", "lähellä arkeaan"),
        ("document", "ins", "läheltä"),
    ]
)


@dataclass
class Tracked:
    old: bytes
    new: bytes
    data: bytes

    def xml(self, part: str) -> etree._Element:
        with zipfile.ZipFile(io.BytesIO(self.data)) as docx:
            return etree.fromstring(docx.read(part))


def agreement_docx(workbook) -> bytes:
    context = build_context(workbook, "fi", TEMPLATES / "messages")
    return render_docx(render_html(TEMPLATES, "agreement.html.j2", context)).data


@pytest.fixture(scope="module")
def tracked(tmp_path_factory: pytest.TempPathFactory) -> Tracked:
    new = load(edited(lappi_data()), tmp_path_factory.mktemp("tracked") / "new.yaml")
    old_docx, new_docx = agreement_docx(load_workbook(LAPPI)), agreement_docx(new)
    data, _ = track_changes(old_docx, new_docx, author=AUTHOR, when=WHEN)
    return Tracked(old_docx, new_docx, data)


def marks(tracked: Tracked, parts: tuple[str, ...] = PARTS) -> Counter:
    found: Counter = Counter()
    for part in parts:
        for mark in tracked.xml(part).iter(f"{W}ins", f"{W}del"):
            text = "".join(t.text or "" for t in mark.iter(f"{W}t", f"{W}delText"))
            if text:
                found[(part[5:-4], mark.tag[len(W) :], text)] += 1
    return found


def test_exactly_the_expected_insertions_and_deletions(tracked: Tracked) -> None:
    assert marks(tracked) == EXPECTED


def test_whole_rows_are_inserted_and_deleted(tracked: Tracked) -> None:
    rows = Counter(
        mark.tag[len(W) :]
        for mark in tracked.xml(PARTS[0]).iter(f"{W}ins", f"{W}del")
        if (parent := mark.getparent()) is not None and parent.tag == f"{W}trPr"
    )
    # Inserted: the party in two tables, T2.6, T3.4 in T4; deleted: T2.5, T3.4 in T3.
    assert rows == {"ins": 4, "del": 2}


def test_every_mark_has_author_date_and_its_own_id(tracked: Tracked) -> None:
    ids = []
    for part in PARTS:
        root = tracked.xml(part)
        for mark in root.iter(f"{W}ins", f"{W}del"):
            assert mark.get(f"{W}author") == AUTHOR
            assert mark.get(f"{W}date") == "2026-12-11T00:00:00Z"
            ids.append(mark.get(f"{W}id"))
        ids += [b.get(f"{W}id") for b in root.iter(f"{W}bookmarkStart")]
    assert len(ids) == len(set(ids))


def text_stream(root: etree._Element, *, accept: bool) -> str:
    """The text as Word shows it after accepting (or rejecting) every change."""
    out = []
    for element in root.iter(f"{W}t", f"{W}delText"):
        if element.tag == f"{W}delText":
            shown = not accept
        else:
            shown = accept or not any(a.tag == f"{W}ins" for a in element.iterancestors())
        if shown:
            out.append(element.text or "")
    return "".join(out)


@pytest.mark.parametrize("part", PARTS)
def test_accepting_gives_the_new_text_and_rejecting_the_old(tracked: Tracked, part: str) -> None:
    def plain(data: bytes) -> str:
        with zipfile.ZipFile(io.BytesIO(data)) as docx:
            return text_stream(etree.fromstring(docx.read(part)), accept=True)

    root = tracked.xml(part)
    assert text_stream(root, accept=True) == plain(tracked.new)
    assert text_stream(root, accept=False) == plain(tracked.old)


def test_the_same_documents_give_the_same_bytes(tracked: Tracked) -> None:
    again, _ = track_changes(tracked.old, tracked.new, author=AUTHOR, when=WHEN)
    assert again == tracked.data


def test_no_changes_no_marks(tracked: Tracked) -> None:
    data, revisions = track_changes(tracked.new, tracked.new, author=AUTHOR, when=WHEN)
    assert (revisions.insertions, revisions.deletions) == (0, 0)
    with zipfile.ZipFile(io.BytesIO(data)) as docx:
        assert b"<w:ins " not in docx.read("word/document.xml")


def test_two_words_replaced_around_one_space_are_one_replaced_phrase() -> None:
    """`vanha teksti` → `uusi sisältö`: the space between the two changed words is taken into
    the change (as the change report does), one deletion and one insertion."""

    def docx(text: str) -> bytes:
        html = f'<html lang="fi"><head><title>t</title></head><body><p>{text}</p></body></html>'
        return render_docx(html).data

    data, _ = track_changes(docx("vanha teksti"), docx("uusi sisältö"), author=AUTHOR, when=WHEN)
    found = marks(Tracked(b"", b"", data), ("word/document.xml",))
    assert found == Counter(
        [("document", "del", "vanha teksti"), ("document", "ins", "uusi sisältö")]
    )


def test_not_a_docx_is_a_clear_error() -> None:
    with pytest.raises(TrackedChangesError, match="not a DOCX file"):
        track_changes(b"%PDF-1.7", b"%PDF-1.7", author=AUTHOR, when=WHEN)


def test_libreoffice_opens_it_and_shows_the_changes(tracked: Tracked, tmp_path: Path) -> None:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed: apt-get install poppler-utils")
    docx = tmp_path / "muutosmerkinnat.docx"
    docx.write_bytes(tracked.data)
    result = soffice_to_pdf(docx, tmp_path)
    pdf = tmp_path / "muutosmerkinnat.pdf"
    assert pdf.exists(), result.stderr
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = " ".join(text.split())
    # LibreOffice prints tracked changes: the deleted measure and the inserted one both show.
    assert "T2.5" in flat and "T2.6" in flat
    assert "järjestön toimintaan" in flat
    assert "Lapin liitto" in flat
