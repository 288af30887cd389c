"""Which documents a workbook makes, and what each one is called."""

from __future__ import annotations

from dataclasses import dataclass

from ..workbook.model import Workbook

FORMATS = ("pdf", "docx")


@dataclass(frozen=True)
class Target:
    """One document in one language; it is rendered once and written in every format."""

    kind: str  # "agreement"
    party: str | None
    language: str
    template: str
    stem: str  # file name without the extension

    def describe(self) -> str:
        who = f" for {self.party}" if self.party else ""
        return f"{self.kind}{who} ({self.language})"


def file_stem(workbook: Workbook, language: str, *parts: str, draft_mark: str = "") -> str:
    """`lappi-2026_v0.3_LUONNOS_fi`: id, version, the draft mark, then what and which language.

    The draft mark stands in the name so that a draft is never mistaken for the approved text.
    """
    agreement = workbook.agreement
    pieces = [agreement.id, f"v{agreement.version}"]
    if agreement.status == "draft" and draft_mark:
        pieces.append(draft_mark)
    pieces.extend(parts)
    pieces.append(language)
    return "_".join(pieces)


def plan(workbook: Workbook, draft_marks: dict[str, str]) -> list[Target]:
    """Every target of a build: the full agreement in each of the agreement's languages."""
    return [
        Target(
            kind="agreement",
            party=None,
            language=language,
            template="agreement.html.j2",
            stem=file_stem(workbook, language, draft_mark=draft_marks[language]),
        )
        for language in workbook.agreement.languages
    ]
