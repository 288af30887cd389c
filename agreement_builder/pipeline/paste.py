"""A party's paste-kit metadata: what a council secretary types into the case-management
system beside the agenda item's text (suggested document type, attachments with their file
names and numbers, the diary number, the language)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..document.context import DocumentContext
    from ..document.party import PartyDocument
    from .plan import Target


def paste_metadata(target: Target, pd: PartyDocument, doc: DocumentContext) -> str:
    """The metadata file's JSON text (stable key order, so the same inputs give the same bytes).

    Attachments are numbered as the agenda item numbers them (Liite 1, Liite 2: the package in
    each of the party's languages, main one first)."""
    related = dict(target.related)
    t = doc.t
    attachments = [
        {
            "number": n,
            "label": t("agenda_attachment_n", n=n),
            "title": version.title,
            "language": version.language,
            "file": f"{related[f'package:{version.language}']}.pdf",
        }
        for n, version in enumerate(pd.versions, 1)
    ]
    items = [
        {
            "stage": stage.key,
            "body": stage.body,
            "agenda_item": [
                f"{related[f'agenda-item:{stage.key}']}.{fmt}" for fmt in ("docx", "pdf")
            ],
            "paste_text": f"{related[f'paste-kit:{stage.key}']}.txt",
            "paste_html": f"{related[f'paste-kit:{stage.key}']}.html",
        }
        for stage in pd.stages
    ]
    data = {
        "party": pd.party.id,
        "party_name": pd.party.name,
        "language": doc.language,
        "document_type": t("paste_document_type"),
        "title": pd.heading,
        "diary_number": pd.party.diary_number or None,
        "agreement_version": doc.version,
        "status": doc.status_mark or None,
        "items": items,
        "attachments": attachments,
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
