"""The languages documents are written in, and each one's tag.

A leaf module: the workbook model, the document context and the DOCX writer all read it, so
that the render stage needs nothing from the workbook stage (nor its pydantic models).
"""

from __future__ import annotations

# Each language's tag (BCP 47) as the documents use it: Finnish, Finland-Swedish, the Sámi
# languages of Finland, English. Word's w:lang and Babel's locale (dates, numbers) both take it.
LANGUAGE_TAGS: dict[str, str] = {
    "fi": "fi-FI",
    "sv": "sv-FI",
    "se": "se-FI",
    "smn": "smn-FI",
    "sms": "sms-FI",
    "en": "en-GB",
}
