"""Compile the interface's message catalogs (.po → .mo) with Babel, which the library already
uses, so that no gettext tools are needed: `python3 -m agreement_builder.web.catalogs`.

The .mo files are committed and shipped in the wheel; a test checks they match the .po files.
Extract new messages with Django's `makemessages -l fi -l sv` (which needs gettext).
"""

from __future__ import annotations

import io
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALE = Path(__file__).resolve().parent / "locale"


def compiled(po: Path, language: str) -> bytes:
    catalog = read_po(po.open("rb"), locale=language)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    return buffer.getvalue()


def main() -> None:
    for po in sorted(LOCALE.glob("*/LC_MESSAGES/django.po")):
        language = po.parent.parent.name
        po.with_suffix(".mo").write_bytes(compiled(po, language))
        print(f"{po.with_suffix('.mo')}: compiled")


if __name__ == "__main__":
    main()
