"""The spreadsheet form of a workbook: its sheets, columns and Finnish headers.

Both the reader (xlsx_read.py) and the writer (xlsx_write.py) follow these tables, so the two
cannot drift apart. A localized text has one column per language, headed `Nimi (fi)`,
`Nimi (sv)`, …, and a column headed plain `Nimi` for text that serves every language (the plain
string of a one-language agreement). A list of ids is one cell, the ids separated by commas.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from .model import TEXT_LANGUAGES


class Kind(Enum):
    """How a column's cells become data, and back."""

    TEXT = "text"  # a string; a number typed in it is taken as its text
    CODE = "code"  # a municipality code; a number 47 is the code "047"
    DATE = "date"  # a date cell, or ISO text YYYY-MM-DD
    LIST = "list"  # ids separated by commas
    LEAD = "lead"  # the first item of a list (the lead party)
    REST = "rest"  # the other items of the list that LEAD starts
    LOCALIZED = "localized"  # one column per language
    NUMBER = "number"  # text that is often a number (baseline, target, section)
    DECIMAL = "decimal"  # a number (an indicator's value); text "37,5" is 37.5


class Choices(Enum):
    """The drop-down list a column offers."""

    NONE = ""
    PARTY = "party"
    THEME = "theme"
    GOAL = "goal"
    LANGUAGES = "languages"
    STATUS = "status"
    ROLE = "role"
    INDICATOR = "indicator"
    REGION = "region"
    MEASURE = "measure"
    MUNICIPALITY = "municipality"
    MEASURE_STATUS = "measure status"


@dataclass(frozen=True)
class Column:
    header: str
    # Where the value goes in the row's mapping, e.g. ("contact", "name"); an int is a list's
    # index: ("signatories", 0, "position").
    key: tuple[str | int, ...]
    kind: Kind = Kind.TEXT
    width: int = 16
    choices: Choices = Choices.NONE
    many: bool = False  # the cell may hold several choices separated by commas


@dataclass(frozen=True)
class Sheet:
    name: str
    columns: tuple[Column, ...]
    required: bool = False
    # A form sheet holds one record, a field per row (label in column A, value in B);
    # the other sheets hold a record per row, with the headers in row 1.
    form: bool = False


# A party's signatories (model.Party.signatories, at most four): a column group each.
MAX_SIGNATORIES = 4
# The first column of a party row says which of the format's lists the party goes in.
ROLE_HEADER = "Laji"
ROLES = {"hyvinvointialue": "wellbeing_area", "kunta": "municipalities", "muu": "other_parties"}
# Indicators and measures name their goal in their first column.
GOAL_HEADER = "Tavoite"
FORM_HEADERS = ("Tieto", "Arvo")

AGREEMENT = Sheet(
    "Sopimus",
    (
        Column("Muoto", ("format",)),
        Column("Tunnus", ("agreement", "id")),
        Column("Otsikko", ("agreement", "title"), Kind.LOCALIZED),
        Column("Kielet", ("agreement", "languages"), Kind.LIST, choices=Choices.LANGUAGES),
        Column("Kausi alkaa", ("agreement", "period", "start"), Kind.DATE),
        Column("Kausi päättyy", ("agreement", "period", "end"), Kind.DATE),
        Column("Versio", ("agreement", "version")),
        Column("Tila", ("agreement", "status"), choices=Choices.STATUS),
        Column("Päivämäärä", ("agreement", "date"), Kind.DATE),
        Column("Diaarinumero", ("agreement", "diary_number")),
        Column("Valmistelija", ("agreement", "preparer", "name")),
        Column("Valmistelijan nimike", ("agreement", "preparer", "title"), Kind.LOCALIZED),
        Column("Valmistelijan sähköposti", ("agreement", "preparer", "email")),
        Column("Valmistelijan puhelin", ("agreement", "preparer", "phone")),
        Column("Tarkoitus", ("agreement", "purpose"), Kind.LOCALIZED),
        # alphabetical (the default) or as-listed: the order documents list the parties in.
        Column("Osapuolten järjestys", ("agreement", "party_order")),
        Column("Otsikko genetiivissä", ("agreement", "title_genitive")),
        # The two-document form (`plan:`): empty rows keep the single-document form.
        Column("Suunnitelman versio", ("plan", "version")),
        Column("Suunnitelman tila", ("plan", "status"), choices=Choices.STATUS),
        Column("Suunnitelman päivämäärä", ("plan", "date"), Kind.DATE),
        Column("Suunnitelman otsikko", ("plan", "title"), Kind.LOCALIZED),
        Column("Seuranta", ("monitoring", "text"), Kind.LOCALIZED),
    ),
    required=True,
    form=True,
)

PARTIES = Sheet(
    "Osapuolet",
    (
        Column(ROLE_HEADER, ("role",), width=16, choices=Choices.ROLE),
        Column("Tunnus", ("id",), width=20),
        Column("Kuntakoodi", ("code",), Kind.CODE, width=11),
        Column("Nimi", ("name",), Kind.LOCALIZED, width=30),
        Column("Kielet", ("languages",), Kind.LIST, width=9, choices=Choices.LANGUAGES),
        Column("Hyväksyjä", ("approver",), Kind.LOCALIZED, width=22),
        Column("Suunnitelman hyväksyjä", ("plan_approver",), Kind.LOCALIZED, width=22),
        Column("Y-tunnus", ("business_id",), width=11),
        Column("Osoite", ("address",), width=28),
        Column("Vastuuhenkilö", ("contact", "name"), width=22),
        Column("Vastuuhenkilön nimike", ("contact", "title"), Kind.LOCALIZED, width=24),
        Column("Vastuuhenkilön sähköposti", ("contact", "email"), width=28),
        Column("Vastuuhenkilön puhelin", ("contact", "phone"), width=15),
        Column("Päättänyt toimielin", ("decision", "body"), Kind.LOCALIZED, width=22),
        Column("Päätöksen päivämäärä", ("decision", "date"), Kind.DATE, width=12),
        Column("Päätöksen pykälä", ("decision", "section"), Kind.NUMBER, width=9),
        Column("Päätöksen diaarinumero", ("decision", "diary_number"), width=18),
        Column("Päätöksen versio", ("decision", "version"), width=9),
        Column("Hallitus", ("board",), Kind.LOCALIZED, width=20),
        Column("Hallituksen käsittely", ("board_decision", "body"), Kind.LOCALIZED, width=20),
        Column("Hallituksen käsittelypäivä", ("board_decision", "date"), Kind.DATE, width=12),
        Column("Hallituksen pykälä", ("board_decision", "section"), Kind.NUMBER, width=9),
        Column("Hallituksen diaarinumero", ("board_decision", "diary_number"), width=18),
        Column("Hallituksen käsittelemä versio", ("board_decision", "version"), width=9),
        Column("Diaarinumero", ("diary_number",), width=18),
        Column("Valmistelija", ("preparer", "name"), width=22),
        Column("Valmistelijan nimike", ("preparer", "title"), Kind.LOCALIZED, width=24),
        Column("Valmistelijan sähköposti", ("preparer", "email"), width=28),
        Column("Valmistelijan puhelin", ("preparer", "phone"), width=15),
        Column("Esittelijä", ("presenter",), Kind.LOCALIZED, width=20),
        *(
            column
            for n in range(MAX_SIGNATORIES)
            for column in (
                Column(
                    f"Allekirjoittaja {n + 1} asema",
                    ("signatories", n, "position"),
                    Kind.LOCALIZED,
                    width=24,
                ),
                Column(f"Allekirjoittaja {n + 1} nimi", ("signatories", n, "name"), width=20),
            )
        ),
    ),
    required=True,
)

THEMES = Sheet(
    "Teemat",
    (
        Column("Tunnus", ("id",), width=18),
        Column("Otsikko", ("title",), Kind.LOCALIZED, width=45),
    ),
)

GOALS = Sheet(
    "Tavoitteet",
    (
        Column("Tunnus", ("id",), width=9),
        Column("Teema", ("theme",), width=16, choices=Choices.THEME),
        Column("Otsikko", ("title",), Kind.LOCALIZED, width=40),
        Column("Kuvaus", ("description",), Kind.LOCALIZED, width=70),
    ),
    required=True,
)

INDICATORS = Sheet(
    "Mittarit",
    (
        Column(GOAL_HEADER, ("goal",), width=9, choices=Choices.GOAL),
        Column("Tunnus", ("id",), width=10),
        Column("Nimi", ("name",), Kind.LOCALIZED, width=45),
        Column("Lähtötaso", ("baseline",), Kind.LOCALIZED, width=14),
        Column("Tavoitetaso", ("target",), Kind.LOCALIZED, width=14),
        Column("Lähde", ("source",), Kind.LOCALIZED, width=24),
        Column("Sotkanet-tunnus", ("sotkanet", "id"), Kind.NUMBER, width=10),
    ),
)

# Indicator values entered by hand (indicators outside Sotkanet), a value per row.
VALUES = Sheet(
    "Mittariarvot",
    (
        Column("Mittari", ("indicator",), width=10, choices=Choices.INDICATOR),
        Column("Vuosi", ("year",), Kind.NUMBER, width=8),
        Column("Alue", ("region",), width=18, choices=Choices.REGION),
        Column("Arvo", ("value",), Kind.DECIMAL, width=10),
    ),
)

MEASURES = Sheet(
    "Toimenpiteet",
    (
        Column(GOAL_HEADER, ("goal",), width=9, choices=Choices.GOAL),
        Column("Tunnus", ("id",), width=9),
        Column("Toimenpide", ("text",), Kind.LOCALIZED, width=60),
        Column("Päävastuutaho", ("responsible",), Kind.LEAD, width=18, choices=Choices.PARTY),
        Column(
            "Muut vastuutahot",
            ("responsible",),
            Kind.REST,
            width=28,
            choices=Choices.PARTY,
            many=True,
        ),
        Column("Aikataulu", ("schedule",), Kind.NUMBER, width=14),
        Column("Mittarit", ("indicators",), Kind.LIST, width=14),
        Column(
            "Koskee kuntia",
            ("municipalities",),
            Kind.LIST,
            width=20,
            choices=Choices.PARTY,
            many=True,
        ),
    ),
    required=True,
)

FORUMS = Sheet(
    "Foorumit",
    (
        Column("Tunnus", ("id",), width=18),
        Column("Nimi", ("name",), Kind.LOCALIZED, width=30),
        Column("Jäsenet", ("members",), Kind.LOCALIZED, width=45),
        Column("Kokoontuu", ("meets",), Kind.LOCALIZED, width=22),
        Column("Tehtävät", ("tasks",), Kind.LOCALIZED, width=55),
    ),
)

REPORTS = Sheet(
    "Seuranta",
    (
        Column("Ajankohta", ("when",), Kind.LOCALIZED, width=24),
        Column("Raportti", ("what",), Kind.LOCALIZED, width=50),
        Column(
            "Vastuutahot", ("responsible",), Kind.LIST, width=24, choices=Choices.PARTY, many=True
        ),
    ),
)

SECTIONS = Sheet(
    "Osiot",
    (
        Column("Tunnus", ("id",), width=18),
        Column("Otsikko", ("title",), Kind.LOCALIZED, width=40),
        Column("Teksti", ("body",), Kind.LOCALIZED, width=80),
        # Where the section goes: after a chapter (purpose, goals, ...) or another section's id.
        Column("Sijoitus", ("after",), width=16),
        # The standard clauses it states: validity, entry-into-force, disputes.
        Column("Kattaa", ("covers",), Kind.LIST, width=28),
    ),
)

SHEETS: tuple[Sheet, ...] = (
    AGREEMENT,
    PARTIES,
    THEMES,
    GOALS,
    INDICATORS,
    MEASURES,
    FORUMS,
    REPORTS,
    SECTIONS,
    VALUES,
)
# Where each top-level key of the format lives, for problems about a whole list.
SHEET_OF = {
    "format": AGREEMENT,
    "agreement": AGREEMENT,
    "plan": AGREEMENT,
    "monitoring": AGREEMENT,
    "wellbeing_area": PARTIES,
    "municipalities": PARTIES,
    "other_parties": PARTIES,
    "themes": THEMES,
    "goals": GOALS,
    "forums": FORUMS,
    "sections": SECTIONS,
    "indicator_values": VALUES,
}


# The follow-up of a year is a sheet of its own, `Seuranta 2027`: a row per measure (Kunta
# empty) and, below it, a row per municipality whose status differs. Status is written in
# Finnish, as the drop-down offers it; the format's own words are accepted as well.
FOLLOW_UP_SHEET = "Seuranta {year}"
FOLLOW_UP_PATTERN = r"(?i)seuranta\s+(\d{4})"
MEASURE_STATUS_LABELS = {
    "ei aloitettu": "not-started",
    "käynnissä": "in-progress",
    "valmis": "done",
    "viivästynyt": "delayed",
    "luovuttu": "dropped",
}


def follow_up_sheet(year: int) -> Sheet:
    return Sheet(
        FOLLOW_UP_SHEET.format(year=year),
        (
            Column("Toimenpide", ("measure",), width=11, choices=Choices.MEASURE),
            Column("Kunta", ("municipality",), width=16, choices=Choices.MUNICIPALITY),
            Column("Tila", ("status",), width=14, choices=Choices.MEASURE_STATUS),
            Column("Selvitys", ("account",), Kind.LOCALIZED, width=70),
        ),
    )


def language_header(header: str, language: str | None) -> str:
    """`Nimi (sv)` for a language's column, `Nimi` for text that serves every language."""
    return f"{header} ({language})" if language else header


def parse_header(text: str) -> tuple[str, str | None]:
    """`Nimi (sv)` → (`Nimi`, `sv`); `Nimi` → (`Nimi`, None)."""
    text = " ".join(text.split())
    if text.endswith(")") and " (" in text:
        base, _, language = text[:-1].rpartition(" (")
        if language in TEXT_LANGUAGES:
            return base, language
    return text, None


# A cell's text in the file escapes what XML cannot hold as OOXML does (`_x001B_` for ESC, and
# `_x005F_` for a `_` that starts such a sequence), so that any text survives the file: Excel and
# LibreOffice decode these escapes too. Validation refuses control characters afterwards, at
# their cell.
_UNSAFE = re.compile("_(?=x[0-9A-Fa-f]{4}_)|[\x00-\x08\x0b-\x1f\ud800-\udfff\ufffe\uffff]")
_ESCAPED = re.compile("_x([0-9A-Fa-f]{4})_")


def escape_text(text: str) -> str:
    """`text` as a cell of the file holds it (see _UNSAFE)."""
    return _UNSAFE.sub(lambda m: f"_x{ord(m.group()):04X}_", text)


def unescape_text(text: str) -> str:
    """The text a cell of the file holds (the inverse of escape_text)."""
    if "_x" not in text:
        return text
    return _ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), text)
