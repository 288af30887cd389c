"""The reference DOCX (`--reference-docx`), checked once before a build and cleaned.

A reference DOCX gives the styles, page setup and header logo of a municipality's own Word
template. It comes from outside, so before anything is built it must be a macro-free Word
document of a sensible size: it is read only as a regular file of at most MAX_BYTES, its parts are
counted and unpacked within bounds before any is parsed (a zip bomb is refused), no XML part may
declare a DOCTYPE, and a macro-enabled document (.docm, vbaProject.bin, ActiveX or embedded OLE
programs) is refused. What is left is cleaned: only the parts this program understands (the main
document, styles, numbering, settings, fonts, theme, headers and footers, foot- and endnotes,
images and the document properties) are kept, following the relationships from the package root,
so nothing else of the file (custom XML, glossaries, comments, thumbnails, an attached template
that Word would fetch) reaches the documents built from it.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from pathlib import Path

from lxml import etree

from ..errors import InputError, ReferenceDocxError
from ..fileio import check_archive, read_input

MAX_BYTES = 20 * 1024 * 1024
MAX_UNPACKED = 64 * 1024 * 1024
MAX_PARTS = 1_000

_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_DOCUMENT = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_WML = "application/vnd.openxmlformats-officedocument.wordprocessingml."
# Macros and ActiveX controls are refused outright (a template that carries them is no template
# to build from); anything else not understood (embedded objects, printer settings) is dropped.
_MACRO_CONTENT = ("macroenabled", "vbaproject", "vbadata", "activex", "ms-office.vba")
_MACRO_NAMES = ("vbaproject.bin", "vbadata.xml", "activex")

# The relationships followed, by the last segment of their type, and what their target may be.
_KEPT_RELATIONSHIPS = {
    "officeDocument": {_DOCUMENT},
    "core-properties": {"application/vnd.openxmlformats-package.core-properties+xml"},
    "extended-properties": {
        "application/vnd.openxmlformats-officedocument.extended-properties+xml"
    },
    "styles": {_WML + "styles+xml"},
    "stylesWithEffects": {"application/vnd.ms-word.stylesWithEffects+xml"},
    "numbering": {_WML + "numbering+xml"},
    "settings": {_WML + "settings+xml"},
    "webSettings": {_WML + "webSettings+xml"},
    "fontTable": {_WML + "fontTable+xml"},
    "theme": {"application/vnd.openxmlformats-officedocument.theme+xml"},
    "header": {_WML + "header+xml"},
    "footer": {_WML + "footer+xml"},
    "footnotes": {_WML + "footnotes+xml"},
    "endnotes": {_WML + "endnotes+xml"},
    "image": {
        "image/png",
        "image/jpeg",
        "image/gif",
        "image/bmp",
        "image/tiff",
        "image/x-emf",
        "image/x-wmf",
        "image/svg+xml",
    },
}
# Settings that make Word fetch or run something from elsewhere when the document is opened.
_SETTINGS_DROPPED = ("attachedTemplate", "mailMerge", "docVars")


def check_reference_docx(path: Path) -> bytes:
    """The reference DOCX at `path`, checked and cleaned (see the module's description), as the
    bytes of a DOCX that holds only what this program understands.

    Raises ReferenceDocxError with one clear message for anything else.
    """
    try:
        raw = read_input(path, MAX_BYTES, "reference DOCX")
        check_archive(
            path, raw, "a Word document (.docx)", max_unpacked=MAX_UNPACKED, max_entries=MAX_PARTS
        )
    except InputError as error:
        raise ReferenceDocxError(f"--reference-docx {error}") from None
    try:
        return _clean(raw)
    except _Refused as refused:
        raise ReferenceDocxError(f"--reference-docx {path}: {refused}") from None
    except (etree.XMLSyntaxError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise ReferenceDocxError(
            f"--reference-docx {path}: is not a Word document (.docx) that can be used "
            f"({type(exc).__name__}: {exc}); save it again from Word or LibreOffice as .docx"
        ) from None


class _Refused(Exception):
    """What makes the reference unusable, in words for the user."""


_SAVE_AS = "save it from Word as 'Word Document (*.docx)'"


def _parse(data: bytes) -> etree._Element:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    return etree.fromstring(data, parser)


def _clean(raw: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        names = set(archive.namelist())
        for name in names:
            lowered = name.lower()
            if any(mark in lowered for mark in _MACRO_NAMES):
                raise _Refused(
                    f"it holds macros ({name}), which are never copied into documents: "
                    f"{_SAVE_AS}, without macros"
                )
        if "[Content_Types].xml" not in names or "_rels/.rels" not in names:
            raise _Refused(f"is not a Word document (.docx): {_SAVE_AS}")
        types = _parse(archive.read("[Content_Types].xml"))
        defaults = {
            d.get("Extension", "").lower(): d.get("ContentType", "")
            for d in types.iter(f"{{{_CT}}}Default")
        }
        overrides = {
            o.get("PartName", "").lstrip("/"): o.get("ContentType", "")
            for o in types.iter(f"{{{_CT}}}Override")
        }
        for declared in [*defaults.values(), *overrides.values()]:
            if any(mark in declared.lower() for mark in _MACRO_CONTENT):
                raise _Refused(
                    f"it is a macro-enabled document ({declared}): {_SAVE_AS}, without macros"
                )

        def content_type(part: str) -> str:
            return overrides.get(part) or defaults.get(posixpath.splitext(part)[1][1:].lower(), "")

        kept: dict[str, bytes] = {}
        queue = [("", "_rels/.rels")]
        main = None
        while queue:
            source, rels_name = queue.pop()
            if rels_name not in names:
                continue
            rels = _parse(archive.read(rels_name))
            for relationship in list(rels):
                kind = relationship.get("Type", "").rsplit("/", 1)[-1]
                external = relationship.get("TargetMode") == "External"
                target = relationship.get("Target", "")
                part = posixpath.normpath(posixpath.join(posixpath.dirname(source), target)).lstrip(
                    "/"
                )
                allowed = _KEPT_RELATIONSHIPS.get(kind)
                if external:
                    # A link in the text may point outside; nothing else may (a template to
                    # fetch, a picture that tells a server the document was opened).
                    if kind != "hyperlink":
                        rels.remove(relationship)
                    continue
                if allowed is None or part not in names or content_type(part) not in allowed:
                    if kind == "officeDocument":
                        raise _Refused(
                            f"its main part is {content_type(part) or 'missing'}, not a Word "
                            f"document: {_SAVE_AS}"
                        )
                    rels.remove(relationship)
                    continue
                if kind == "officeDocument":
                    main = part
                if part not in kept:
                    kept[part] = archive.read(part)
                    part_rels = posixpath.join(
                        posixpath.dirname(part), "_rels", posixpath.basename(part) + ".rels"
                    )
                    queue.append((part, part_rels))
            kept[rels_name] = etree.tostring(rels, xml_declaration=True, encoding="UTF-8")
        if main is None:
            raise _Refused(f"is not a Word document (.docx): {_SAVE_AS}")
        for part, data in list(kept.items()):
            if content_type(part) == _WML + "settings+xml":
                kept[part] = _clean_settings(data)
        for override in list(types.iter(f"{{{_CT}}}Override")):
            if override.get("PartName", "").lstrip("/") not in kept:
                types.remove(override)
        kept["[Content_Types].xml"] = etree.tostring(types, xml_declaration=True, encoding="UTF-8")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as cleaned:
        # [Content_Types].xml first, then the rest in a fixed order: the same reference gives
        # the same bytes.
        for name in sorted(kept, key=lambda n: (n != "[Content_Types].xml", n)):
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            cleaned.writestr(info, kept[name])
    return out.getvalue()


def _clean_settings(data: bytes) -> bytes:
    settings = _parse(data)
    for name in _SETTINGS_DROPPED:
        for element in settings.findall(f"{{{_W}}}{name}"):
            settings.remove(element)
    return etree.tostring(settings, xml_declaration=True, encoding="UTF-8", standalone=True)
