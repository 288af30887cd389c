"""Writing a workbook as a spreadsheet (XLSX) that office software edits comfortably.

One sheet per kind (see sheets.py), Finnish headers in a frozen first row, wrapped text,
readable widths, and drop-down lists of the party, theme and goal ids, languages and status.
The same workbook always gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from openpyxl import Workbook as Book
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from ..stablezip import StableZip
from .model import ALL_MUNICIPALITIES, COUNTRY, LANGUAGES, TEXT_LANGUAGES, Workbook
from .plain import to_data
from .sheets import (
    FORM_HEADERS,
    MEASURE_STATUS_LABELS,
    ROLES,
    SHEETS,
    Choices,
    Column,
    Kind,
    Sheet,
    escape_text,
    follow_up_sheet,
    language_header,
)

if TYPE_CHECKING:
    pass

CHOICES_SHEET = "Valinnat"
DATE_FORMAT = "yyyy-mm-dd"
# Rows offered drop-downs below the data, for rows a preparer adds.
SPARE_ROWS = 300
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDE7F0")
_WRAP = Alignment(wrap_text=True, vertical="top")
_FIXED_DAY = dt.date(2000, 1, 1)  # every member's time: the same workbook, the same bytes


def workbook_to_xlsx(workbook: Workbook | dict[str, Any]) -> bytes:
    """The spreadsheet form of a workbook, as the bytes of an XLSX file.

    Takes a validated workbook, or the plain data of one whose only problems are
    placeholders still to fill in (a new workbook, to be filled in as a spreadsheet).
    """
    data = to_data(workbook) if isinstance(workbook, Workbook) else workbook
    agreement = data["agreement"]
    languages = [lang for lang in agreement.get("languages", []) if lang in LANGUAGES] or ["fi"]
    book = Book()
    for blank in book.worksheets:  # the sheet a new openpyxl workbook starts with
        book.remove(blank)
    choices = _choices(data)
    sheets = [
        *((sheet, list(records_of(sheet, data))) for sheet in SHEETS),
        *(
            (follow_up_sheet(year["year"]), list(follow_up_records(year)))
            for year in data.get("follow_up", [])
        ),
    ]
    for sheet, records in sheets:
        variants = {
            column.header: _variants(column, records, languages)
            for column in sheet.columns
            if column.kind is Kind.LOCALIZED
        }
        ws = book.create_sheet(sheet.name)
        if sheet.form:
            _write_form(ws, sheet, records[0], variants)
        else:
            _write_table(ws, sheet, records, variants)
        _add_validations(ws, sheet, variants, len(records), choices)
    _write_choices(book.create_sheet(CHOICES_SHEET), choices)
    # Fixed document properties: the same workbook gives the same bytes.
    day = agreement.get("date")
    moment = dt.datetime.combine(
        day if isinstance(day, dt.date) else dt.date(2000, 1, 1), dt.time()
    )
    title = agreement.get("title")
    book.properties.creator = "agreement-builder"
    book.properties.title = title.get(languages[0]) if isinstance(title, dict) else title
    book.properties.created = book.properties.modified = moment
    buffer = io.BytesIO()
    with StableZip(buffer, when=_FIXED_DAY) as archive:
        ExcelWriter(book, archive).save()
    return buffer.getvalue()


def records_of(sheet: Sheet, data: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The mappings a sheet shows, one per row (the form sheet: the whole workbook)."""
    if sheet.form:
        yield data
    elif sheet.name == "Osapuolet":
        yield {"role": "hyvinvointialue", **data["wellbeing_area"]}
        for role, key in ROLES.items():
            if key != "wellbeing_area":
                yield from ({"role": role, **party} for party in data.get(key, []))
    elif sheet.name == "Tavoitteet":
        for goal in data["goals"]:
            yield {k: v for k, v in goal.items() if k not in ("indicators", "measures")}
    elif sheet.name in ("Mittarit", "Toimenpiteet"):
        key = "indicators" if sheet.name == "Mittarit" else "measures"
        for goal in data["goals"]:
            yield from ({"goal": goal["id"], **item} for item in goal.get(key, []))
    elif sheet.name == "Seuranta":
        yield from data.get("monitoring", {}).get("reports", [])
    elif sheet.name == "Mittariarvot":
        yield from data.get("indicator_values", [])
    else:
        key = {"Teemat": "themes", "Foorumit": "forums", "Osiot": "sections"}[sheet.name]
        yield from data.get(key, [])


_STATUS_LABEL: dict[Any, str] = {key: label for label, key in MEASURE_STATUS_LABELS.items()}


def _status_label(status: Any) -> Any:
    """A follow-up status as the spreadsheet shows it (in Finnish); anything else as it is."""
    return _STATUS_LABEL.get(status, status) if isinstance(status, str) else status


def follow_up_records(year: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """A year's follow-up sheet: a row per measure, then a row per municipality that differs."""
    for entry in year.get("measures", []):
        row = {k: v for k, v in entry.items() if k != "municipalities"}
        yield {**row, "status": _status_label(row.get("status"))}
        for own in entry.get("municipalities", []):
            status = _status_label(own.get("status"))
            yield {"measure": entry.get("measure"), **own, "status": status}


def _get(record: dict[str, Any], key: tuple[str | int, ...]) -> Any:
    value: Any = record
    for part in key:
        if isinstance(part, int):
            value = value[part] if isinstance(value, list) and part < len(value) else None
        else:
            value = value.get(part) if isinstance(value, dict) else None
    return value


def _variants(
    column: Column, records: list[dict[str, Any]], languages: list[str]
) -> list[str | None]:
    """The language columns a localized field needs: the agreement's languages, any other
    language used, and (None) a column for text that serves every language, when used."""
    used: set[str | None] = set()
    for record in records:
        value = _get(record, column.key)
        if isinstance(value, str):
            used.add(None)
        elif isinstance(value, dict):
            used.update(value)
    extra = [lang for lang in TEXT_LANGUAGES if lang in used and lang not in languages]
    return ([None] if None in used else []) + languages + extra


def _cell_value(column: Column, record: dict[str, Any], language: str | None = None) -> Any:
    value = _get(record, column.key)
    if value is None:
        return None
    if column.kind is Kind.LOCALIZED:
        if isinstance(value, str):
            return value if language is None else None
        return value.get(language) if language else None
    if column.kind is Kind.LEAD:
        return value[0] if value else None
    if column.kind is Kind.REST:
        return ", ".join(value[1:]) or None
    if column.kind is Kind.LIST:
        return ", ".join(value) or None
    return value


def _put(ws: Worksheet, row: int, column: int, value: Any) -> None:
    if isinstance(value, str):
        # Text stays text: a string cell (never a formula, even when it starts with "="),
        # marked quotePrefix so that editing it in Excel or Calc keeps it text (`=1+1`,
        # `#N/A`, `1:20`, `0.50` are not turned into a formula, an error, a time or a number).
        cell = ws.cell(row=row, column=column)
        cell.value = escape_text(value)
        cell.data_type = "s"
        cell.quotePrefix = True
        cell.alignment = _WRAP
        return
    cell = ws.cell(row=row, column=column, value=value)
    if isinstance(value, dt.date):
        cell.number_format = DATE_FORMAT
    cell.alignment = _WRAP


def _header(ws: Worksheet, column: int, text: str, width: int) -> None:
    cell = ws.cell(row=1, column=column, value=text)
    cell.font, cell.fill, cell.alignment = _HEADER_FONT, _HEADER_FILL, _WRAP
    ws.column_dimensions[get_column_letter(column)].width = width


def _expanded(
    sheet: Sheet, variants: dict[str, list[str | None]]
) -> Iterator[tuple[Column, str | None, str]]:
    """(column, language, header) for every spreadsheet column of a sheet."""
    for column in sheet.columns:
        if column.kind is Kind.LOCALIZED:
            for language in variants[column.header]:
                yield column, language, language_header(column.header, language)
        else:
            yield column, None, column.header


def _write_table(
    ws: Worksheet,
    sheet: Sheet,
    records: list[dict[str, Any]],
    variants: dict[str, list[str | None]],
) -> None:
    for index, (column, language, header) in enumerate(_expanded(sheet, variants), 1):
        _header(ws, index, header, column.width)
        for row, record in enumerate(records, 2):
            _put(ws, row, index, _cell_value(column, record, language))
    ws.freeze_panes = "A2"


def _write_form(
    ws: Worksheet, sheet: Sheet, record: dict[str, Any], variants: dict[str, list[str | None]]
) -> None:
    _header(ws, 1, FORM_HEADERS[0], 28)
    _header(ws, 2, FORM_HEADERS[1], 100)
    for row, (column, language, header) in enumerate(_expanded(sheet, variants), 2):
        ws.cell(row=row, column=1, value=header).font = _HEADER_FONT
        _put(ws, row, 2, _cell_value(column, record, language))
    ws.freeze_panes = "B2"


def _choices(data: dict[str, Any]) -> dict[Choices, list[str]]:
    parties = [data["wellbeing_area"]["id"]]
    parties += [p["id"] for key in ("municipalities", "other_parties") for p in data.get(key, [])]
    return {
        Choices.PARTY: [*parties, ALL_MUNICIPALITIES],
        Choices.THEME: [t["id"] for t in data.get("themes", [])],
        Choices.GOAL: [g["id"] for g in data["goals"]],
        Choices.LANGUAGES: [*LANGUAGES, ", ".join(LANGUAGES), ", ".join(reversed(LANGUAGES))],
        Choices.STATUS: ["draft", "final"],
        Choices.ROLE: list(ROLES),
        Choices.INDICATOR: [
            i["id"] for goal in data["goals"] for i in goal.get("indicators", [])
        ],
        Choices.REGION: [*parties[: 1 + len(data.get("municipalities", []))], COUNTRY],
        Choices.MEASURE: [m["id"] for goal in data["goals"] for m in goal.get("measures", [])],
        Choices.MUNICIPALITY: [m["id"] for m in data.get("municipalities", [])],
        Choices.MEASURE_STATUS: list(MEASURE_STATUS_LABELS),
    }


def _write_choices(ws: Worksheet, choices: dict[Choices, list[str]]) -> None:
    """The drop-down lists, on a hidden sheet of their own (import ignores it)."""
    for index, (kind, values) in enumerate(choices.items(), 1):
        _header(ws, index, kind.value, 20)
        for row, value in enumerate(values, 2):
            _put(ws, row, index, value)
    ws.sheet_state = "hidden"


def _choice_range(choices: dict[Choices, list[str]], kind: Choices) -> str:
    index = list(choices).index(kind) + 1
    letter = get_column_letter(index)
    last = len(choices[kind]) + 1
    return f"{quote_sheetname(CHOICES_SHEET)}!${letter}$2:${letter}${last}"


def _add_validations(
    ws: Worksheet,
    sheet: Sheet,
    variants: dict[str, list[str | None]],
    count: int,
    choices: dict[Choices, list[str]],
) -> None:
    for index, (column, _language, _header_text) in enumerate(_expanded(sheet, variants), 1):
        if column.choices is Choices.NONE or not choices[column.choices]:
            continue
        fixed = column.choices in (
            Choices.LANGUAGES,
            Choices.STATUS,
            Choices.ROLE,
            Choices.MEASURE_STATUS,
        )
        rule = DataValidation(
            type="list",
            formula1=f"={_choice_range(choices, column.choices)}",
            allow_blank=True,
            # Ids may be added after export and a cell may list several: warn, do not refuse.
            errorStyle="stop" if fixed else "warning",
            showErrorMessage=not column.many,
            error=f"Valitse luettelosta: {column.header}",
            errorTitle=column.header,
        )
        if sheet.form:
            row = index + 1
            rule.add(f"B{row}")
        else:
            letter = get_column_letter(index)
            rule.add(f"{letter}2:{letter}{count + 1 + SPARE_ROWS}")
        ws.add_data_validation(rule)
