"""Reading a spreadsheet workbook (XLSX) into the same plain data a YAML workbook gives.

The data then goes through the very same validation; only the source differs: it knows the
cell and column header of every value, so that problems read `Toimenpiteet!C14: ...`.

Office software saves values its own way, and the reader takes them as a person meant them:
surrounding spaces are dropped, empty rows skipped, a date cell is a date, a number typed in a
text column is its text (`2027`, a percentage cell `0.25` is `25 %`), and a municipality code
typed as the number 47 is the code "047" (a code is always three digits, and spreadsheets drop
leading zeros).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import warnings
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any, TypeVar

from ..errors import InputError
from ..fileio import check_archive, read_input
from .load import Loaded, Source
from .problems import Loc, Problem, WorkbookError, cell_name, did_you_mean, one_of
from .sheets import (
    FOLLOW_UP_PATTERN,
    FORM_HEADERS,
    GOAL_HEADER,
    MEASURE_STATUS_LABELS,
    ROLE_HEADER,
    ROLES,
    SHEET_OF,
    SHEETS,
    Column,
    Kind,
    Sheet,
    follow_up_sheet,
    language_header,
    parse_header,
    unescape_text,
)

_Value = TypeVar("_Value")
MAX_BYTES = 8 * 1024 * 1024
# What the file may unpack to: a workbook's sheets take a few hundred kilobytes.
MAX_UNPACKED = 100 * 1024 * 1024
# What a sheet may hold: far more than any agreement (8,000 measures read in a few seconds),
# few enough that a sheet claiming a million rows or columns is read in bounded time and memory.
MAX_ROWS = 50_000
MAX_COLUMNS = 256
_LIST_SEPARATORS = (";", "\n")


@dataclass(frozen=True)
class Cell:
    sheet: str
    number: int  # the sheet's position among SHEETS, for sorting
    row: int  # 0: the sheet as a whole
    column: int
    header: str | None  # the column's header; None where the cell stands for a whole row


@dataclass
class SheetSource(Source):
    """Where each value of a spreadsheet workbook stands: its cell and column header."""

    cells: dict[Loc, Cell] = field(default_factory=dict)

    def _cell(self, loc: Loc) -> Cell | None:
        while loc not in self.cells and loc:
            loc = loc[:-1]
        return self.cells.get(loc)

    def problem(self, loc: Loc, message: str, *, key: bool = False, todo: bool = False) -> Problem:
        cell = self._cell(loc)
        if cell is None:
            return Problem(self.path, 0, 0, message, todo=todo)
        return Problem(
            self.path, cell.row, cell.column, message, cell.sheet, cell.number, todo=todo
        )

    def place(self, loc: Loc) -> str:
        cell = self._cell(loc)
        if cell is None:
            return "another place"
        return f"{cell.sheet}!{cell_name(cell.row, cell.column)}" if cell.row else cell.sheet

    def label(self, loc: Loc, data: Any) -> str:
        cell = self.cells.get(loc)
        if cell is not None and cell.header:
            return cell.header
        return super().label(loc, data)

    def missing(self, loc: Loc, data: Any) -> str:
        cell = self.cells.get(loc)
        if cell is not None and cell.header:
            return f"{cell.header}: required, and the cell is empty"
        return super().missing(loc, data)

    def add_language(self, loc: Loc, language: str) -> str:
        cell = self.cells.get((*loc, language))
        if cell is not None:
            return "fill in this cell"
        base = self.cells.get(loc)
        header = parse_header(base.header)[0] if base and base.header else "…"
        return f"add a column '{language_header(header, language)}'"


def load_xlsx(path: Path, display: str | None = None) -> Loaded:
    """Read an XLSX workbook into plain data and cell positions; raise WorkbookError if the
    file is no readable spreadsheet or its sheets cannot be made sense of."""
    name = display or str(path)
    book = _open(path, name)
    try:
        reader = _Reader(name)
        data = reader.read(book)
    finally:
        book.close()
    return Loaded(data, reader.source, reader.problems)


def _fail(name: str, message: str) -> WorkbookError:
    return WorkbookError([Problem(name, 0, 0, message)])


_NOT_XLSX = (
    "the file is not an XLSX spreadsheet: save it from Excel or LibreOffice Calc as "
    "'Excel 2007-365 (.xlsx)'"
)


def _open(path: Path, name: str) -> Any:
    """The spreadsheet, opened to be read sheet by sheet, once its archive is checked (size,
    parts, no DOCTYPE); openpyxl parses XML with defusedxml, which refuses entities too."""
    from openpyxl import load_workbook as open_book

    try:
        raw = read_input(path, MAX_BYTES, "workbook spreadsheet")
        check_archive(name, raw, "an XLSX spreadsheet", max_unpacked=MAX_UNPACKED)
    except InputError as error:
        reason = _NOT_XLSX if error.reason == "is not an XLSX spreadsheet" else error.reason
        raise _fail(name, reason) from None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns of extensions it drops
            # data_only: a formula's value as the office program last computed it (formulas
            # are never evaluated here).
            return open_book(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken or foreign file
        detail = _xml_detail(exc)
        raise _fail(name, f"{_NOT_XLSX}{f' ({detail})' if detail else ''}") from None


def _xml_detail(exc: BaseException) -> str:
    """What a broken or hostile XML part's parser said, for the message; empty if not XML."""
    kind = type(exc).__name__
    if kind in ("EntitiesForbidden", "DTDForbidden", "ExternalReferenceForbidden"):
        return "it declares XML entities, which a spreadsheet never does"
    if kind in ("ParseError", "XMLSyntaxError"):
        return f"broken XML: {exc}"
    return ""


class _Reader:
    """Turns sheets into workbook data, recording cells and problems."""

    def __init__(self, name: str) -> None:
        self.source = SheetSource(name)
        self.problems: list[Problem] = []
        self.name = name
        self.extra: dict[str, int] = {}  # sheets beyond SHEETS (a year's follow-up): position

    # -- cells and problems -------------------------------------------------------------

    def _at(self, sheet: Sheet, row: int, column: int, header: str | None) -> Cell:
        if sheet in SHEETS:
            number = SHEETS.index(sheet) + 1
        else:
            number = len(SHEETS) + 1 + self.extra.setdefault(sheet.name, len(self.extra))
        return Cell(sheet.name, number, row, column, header)

    def _problem(self, cell: Cell, message: str) -> None:
        self.problems.append(
            Problem(self.name, cell.row, cell.column, message, cell.sheet, cell.number)
        )

    # -- the whole book -------------------------------------------------------------------

    def read(self, book: Any) -> dict[str, Any]:
        by_name = {ws.title.strip().casefold(): ws for ws in book.worksheets}
        self._moves: list[tuple[Loc, Loc]] = []
        self._strings = _shared_strings(book)
        rows: dict[str, list[tuple[int, list[Any]]]] = {}
        for sheet in SHEETS:
            ws = by_name.get(sheet.name.casefold())
            if ws is None:
                if sheet.required:
                    present = ", ".join(w.title for w in book.worksheets)
                    self.problems.append(
                        Problem(
                            self.name,
                            0,
                            0,
                            f"the spreadsheet has no sheet '{sheet.name}' (it has: {present}); "
                            f"a workbook has the sheets {', '.join(s.name for s in SHEETS)}",
                        )
                    )
                rows[sheet.name] = []
                continue
            rows[sheet.name] = self._rows(sheet, ws)
        for key, sheet in SHEET_OF.items():
            self.source.cells[(key,)] = self._at(sheet, 0, 0, None)
        data: dict[str, Any] = {}
        sheets = {sheet.name: sheet for sheet in SHEETS}
        form = self._form(sheets["Sopimus"], rows["Sopimus"])
        for key in ("format", "agreement", "plan"):
            if key in form:
                data[key] = form[key]
        self._parties(sheets["Osapuolet"], rows["Osapuolet"], data)
        themes = self._table(sheets["Teemat"], rows["Teemat"], ("themes",))
        if themes:
            data["themes"] = [record for record, _ in themes]
        self._goals(sheets, rows, data)
        for sheet_name, key in (("Foorumit", "forums"), ("Osiot", "sections")):
            records = self._table(sheets[sheet_name], rows[sheet_name], (key,))
            if records:
                data[key] = [record for record, _ in records]
        reports = self._table(sheets["Seuranta"], rows["Seuranta"], ("monitoring", "reports"))
        monitoring = dict(form.get("monitoring", {}))
        if reports:
            monitoring["reports"] = [record for record, _ in reports]
        if monitoring:
            data["monitoring"] = monitoring
        values = self._table(sheets["Mittariarvot"], rows["Mittariarvot"], ("indicator_values",))
        if values:
            data["indicator_values"] = [record for record, _ in values]
        follow_up: list[dict[str, Any]] = []
        for ws in book.worksheets:
            match = re.fullmatch(FOLLOW_UP_PATTERN, ws.title.strip())
            if match:
                follow_up.append(self._follow_up(ws, int(match[1]), len(follow_up)))
        if follow_up:
            data["follow_up"] = follow_up
        self._place_all()
        return data

    def _follow_up(self, ws: Any, year: int, index: int) -> dict[str, Any]:
        """A year's follow-up sheet: a row per measure (Kunta empty), then a row for each
        municipality whose status differs."""
        sheet = follow_up_sheet(year)
        whole = self._at(sheet, 0, 0, None)
        self.source.cells[("follow_up", index)] = whole
        self.source.cells[("follow_up", index, "year")] = whole
        measures: list[dict[str, Any]] = []
        by_id: dict[str, int] = {}
        base = ("follow_up", index, "measures")
        for row, (record, _) in enumerate(self._table(sheet, self._rows(sheet, ws), ("rows",))):
            status = record.get("status")
            if isinstance(status, str):
                key = MEASURE_STATUS_LABELS.get(status.casefold(), status)
                if key not in MEASURE_STATUS_LABELS.values():
                    cell = self.source.cells[("rows", row, "status")]
                    self._problem(
                        cell,
                        f"Tila: '{status}' is not valid: use {one_of(MEASURE_STATUS_LABELS)}"
                        + did_you_mean(status, list(MEASURE_STATUS_LABELS)),
                    )
                    # The row stays, so that the rows below it are judged as written; the
                    # workbook is refused for this problem, the stand-in is never used.
                    key = "not-started"
                record["status"] = key
            municipality = record.pop("municipality", None)
            measure = record.get("measure")
            if municipality is None:
                if isinstance(measure, str):
                    by_id.setdefault(measure, len(measures))
                self._place(("rows", row), (*base, len(measures)))
                measures.append(record)
                continue
            own = by_id.get(measure) if isinstance(measure, str) else None
            if own is None:
                cell = self.source.cells[("rows", row, "municipality")]
                self._problem(
                    cell,
                    f"Kunta: a municipality's row follows its measure's own row: add a row for "
                    f"measure '{measure}' with Kunta empty above this one",
                )
                self._drop(("rows", row))
                continue
            del record["measure"]
            record = {"municipality": municipality, **record}
            entry = measures[own].setdefault("municipalities", [])
            self._place(("rows", row), (*base, own, "municipalities", len(entry)))
            entry.append(record)
        self._place_all()  # the next year's sheet numbers its rows from 0 again
        return {"year": year, "measures": measures}

    def _drop(self, loc: Loc) -> None:
        for key in [key for key in self.source.cells if key[: len(loc)] == loc]:
            del self.source.cells[key]

    def _rows(self, sheet: Sheet, ws: Any) -> list[tuple[int, list[Any]]]:
        """(row number, [cell or None, …]) for each row of `ws` with anything in it, a cell being
        (value, number format, type). Only the rows and cells the sheet's XML holds are read (its
        stated dimension may be wrong or huge), at most MAX_ROWS rows and MAX_COLUMNS columns;
        anything beyond, and a sheet whose XML is broken, is a problem at the sheet."""
        from openpyxl.cell.read_only import ReadOnlyCell
        from openpyxl.worksheet._reader import WorkSheetParser

        out: list[tuple[int, list[Any]]] = []
        beyond: tuple[int, int] | None = None
        count = 0
        try:
            with ws._get_source() as src:
                parser = WorkSheetParser(
                    src,
                    ws._shared_strings if self._strings is None else self._strings,
                    data_only=True,
                    epoch=ws.parent.epoch,
                    date_formats=ws.parent._date_formats,
                    timedelta_formats=ws.parent._timedelta_formats,
                )
                for number, parsed in parser.parse():
                    count += 1
                    if count > MAX_ROWS or number > MAX_ROWS + 1:
                        self._problem(
                            self._at(sheet, 0, 0, None),
                            f"the sheet has rows beyond row {MAX_ROWS + 1:,} (the first "
                            f"{MAX_ROWS:,} rows were read): a workbook needs far fewer; delete "
                            "the rows below the data",
                        )
                        break
                    cells: dict[int, Any] = {}
                    for item in parsed:
                        if item["value"] is None:
                            continue
                        column = item["column"]
                        if column > MAX_COLUMNS:
                            beyond = beyond or (number, column)
                            continue
                        cell = ReadOnlyCell(ws, **item)
                        value = item["value"]
                        if isinstance(value, str):
                            value = unescape_text(value)
                        cells[column] = (value, cell.number_format, item["data_type"])
                    if any(_filled(c) for c in cells.values()):
                        width = max(cells)
                        out.append((number, [cells.get(i) for i in range(1, width + 1)]))
        except Exception as exc:  # a broken or hostile part of this sheet
            detail = _xml_detail(exc) or f"{type(exc).__name__}: {exc}"
            self._problem(
                self._at(sheet, 0, 0, None),
                f"the sheet cannot be read ({ws._worksheet_path}: {detail}); save the file "
                "again from Excel or LibreOffice Calc",
            )
            return []
        if beyond is not None:
            self._problem(
                self._at(sheet, *beyond, None),
                f"the sheet has cells beyond column {cell_name(1, MAX_COLUMNS)[:-1]} "
                f"({MAX_COLUMNS}), which a workbook never uses: move or delete them",
            )
        return out

    # -- sheets ---------------------------------------------------------------------------

    def _columns(
        self, sheet: Sheet, headers: list[tuple[int, str]]
    ) -> dict[int, tuple[Column, str | None, str]]:
        """Column index → (column, language, header as written) for a table's header row."""
        known = {column.header.casefold(): column for column in sheet.columns}
        result: dict[int, tuple[Column, str | None, str]] = {}
        seen: dict[tuple[str, str | None], int] = {}
        for index, text in headers:
            base, language = parse_header(text)
            column = known.get(base.casefold())
            cell = self._at(sheet, 1, index, text)
            valid = [
                language_header(c.header, "fi") if c.kind is Kind.LOCALIZED else c.header
                for c in sheet.columns
            ]
            if column is None or (language and column.kind is not Kind.LOCALIZED):
                self._problem(
                    cell,
                    f"unknown column '{text}'{did_you_mean(text, valid)} (the columns of "
                    f"'{sheet.name}' are: {', '.join(valid)})",
                )
                continue
            if (column.header, language) in seen:
                first = cell_name(1, seen[(column.header, language)])
                self._problem(cell, f"column '{text}' appears twice (first at {first})")
                continue
            seen[(column.header, language)] = index
            result[index] = (column, language, language_header(column.header, language))
        return result

    def _table(
        self, sheet: Sheet, rows: list[tuple[int, list[Any]]], base: Loc
    ) -> list[tuple[dict[str, Any], dict[str, Any]]]:
        """(record, values of the row's special columns) for each non-empty row of a table.

        Records are placed at `base + (index,)`; a caller that places them elsewhere (goals'
        indicators and measures, parties) moves their cells with `_place`.
        """
        if not rows:
            return []
        header_row, header_cells = rows[0]
        if header_row != 1:
            self._problem(
                self._at(sheet, header_row, 1, None),
                "the first row must hold the column headers; it is empty",
            )
        columns = self._columns(
            sheet, [(i, str(v[0]).strip()) for i, v in enumerate(header_cells, 1) if _filled(v)]
        )
        out: list[tuple[dict[str, Any], dict[str, Any]]] = []
        for row, values in rows[1:]:
            loc = (*base, len(out))
            record = self._record(sheet, columns, row, values, loc)
            out.append(record)
        return out

    def _record(
        self,
        sheet: Sheet,
        columns: dict[int, tuple[Column, str | None, str]],
        row: int,
        values: list[Any],
        loc: Loc,
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        record: dict[str, Any] = {}
        special: dict[str, Any] = {}
        self.source.cells[loc] = self._at(sheet, row, 1, None)
        localized: dict[tuple[str | int, ...], dict[str | None, Any]] = {}
        lists: dict[tuple[str | int, ...], list[tuple[Cell, list[str]]]] = {}
        leads: list[Cell] = []
        for index, (column, language, header) in columns.items():
            raw = values[index - 1] if index - 1 < len(values) else None
            cell = self._at(sheet, row, index, header)
            value = self._value(raw, column, cell, (*loc, *column.key))
            if column.key in (("role",), ("goal",)):
                special[column.key[0]] = (value, cell)
                continue
            key_loc = (*loc, *column.key)
            if column.kind is Kind.LOCALIZED:
                self.source.cells.setdefault(key_loc, cell)
                if language:
                    self.source.cells[(*key_loc, language)] = cell
                localized.setdefault(column.key, {})
                if value is not None:
                    localized[column.key][language] = (value, cell)
                continue
            self.source.cells.setdefault(key_loc, cell)
            if column.kind in (Kind.LIST, Kind.LEAD, Kind.REST):
                given = _split(value) if value is not None else []
                # The lead party comes first whatever the column order.
                slot = lists.setdefault(column.key, [])
                if column.kind is Kind.LEAD:
                    leads.append(cell)
                    slot.insert(0, (cell, given))
                else:
                    slot.append((cell, given))
                continue
            if value is not None:
                _set(record, column.key, value)
        self._set_localized(record, localized)
        for key, parts in lists.items():
            lead = next((part for part in parts if part[0] in leads), None)
            if lead is not None and not lead[1] and any(items for _, items in parts):
                # Else the first of the others would silently become the lead.
                self._problem(lead[0], f"{lead[0].header}: required, and the cell is empty")
            items: list[str] = []
            for cell, part in parts:
                for item in part:
                    self.source.cells[(*loc, *key, len(items))] = cell
                    items.append(item)
            if items:
                _set(record, key, items)
        return record, special

    def _localized(self, variants: dict[str | None, tuple[Any, Cell]]) -> Any:
        if not variants:
            return None
        if None in variants and len(variants) > 1:
            plain_cell = variants[None][1]
            self._problem(
                plain_cell,
                f"{plain_cell.header}: give the text either here, for every language, or in "
                "the language columns, not both",
            )
        if None in variants and len(variants) == 1:
            return variants[None][0]
        return {lang: value for lang, (value, _) in variants.items() if lang is not None}

    def _form(self, sheet: Sheet, rows: list[tuple[int, list[Any]]]) -> dict[str, Any]:
        """The agreement sheet: a field per row, label in column A and value in column B."""
        if not rows:
            return {}
        labels: list[tuple[int, str]] = []
        values: list[Any] = []
        for row, cells in rows:
            label = str(cells[0][0]).strip() if cells and _filled(cells[0]) else ""
            if not label or tuple(str(c[0]).strip() for c in cells[:2] if _filled(c)) == (
                FORM_HEADERS
            ):
                continue
            labels.append((row, label))
            values.append(cells[1] if len(cells) > 1 else None)
        record: dict[str, Any] = {}
        localized: dict[tuple[str | int, ...], dict[str | None, Any]] = {}
        known = {column.header.casefold(): column for column in sheet.columns}
        seen: dict[tuple[str, str | None], int] = {}
        for (row, label), raw in zip(labels, values, strict=True):
            base, language = parse_header(label)
            column = known.get(base.casefold())
            label_cell = self._at(sheet, row, 1, label)
            if column is None or (language and column.kind is not Kind.LOCALIZED):
                valid = [c.header for c in sheet.columns]
                self._problem(
                    label_cell,
                    f"unknown field '{label}'{did_you_mean(label, valid)} (the fields of "
                    f"'{sheet.name}' are: {', '.join(valid)})",
                )
                continue
            if (column.header, language) in seen:
                first = seen[(column.header, language)]
                self._problem(label_cell, f"field '{label}' appears twice (first in row {first})")
                continue
            seen[(column.header, language)] = row
            header = language_header(column.header, language)
            cell = self._at(sheet, row, 2, header)
            value = self._value(raw, column, cell, column.key)
            self.source.cells.setdefault(column.key, cell)
            if column.kind is Kind.LOCALIZED:
                if language:
                    self.source.cells[(*column.key, language)] = cell
                variants = localized.setdefault(column.key, {})
                if value is not None:
                    variants[language] = (value, cell)
            elif column.kind is Kind.LIST:
                items = _split(value) if value is not None else []
                for j in range(len(items)):
                    self.source.cells[(*column.key, j)] = cell
                if items:
                    _set(record, column.key, items)
            elif value is not None:
                _set(record, column.key, value)
        self._set_localized(record, localized)
        return record

    def _set_localized(self, record: dict[str, Any], localized: dict) -> None:
        """Each localized field of a row (or form), from its per-language cells."""
        for key, variants in localized.items():
            value = self._localized(variants)
            if value is not None:
                _set(record, key, value)

    def _parties(
        self, sheet: Sheet, rows: list[tuple[int, list[Any]]], data: dict[str, Any]
    ) -> None:
        area_cell: Cell | None = None
        for index, (record, special) in enumerate(self._table(sheet, rows, ("parties",))):
            role, cell = special.get("role", (None, None))
            row_cell = self.source.cells[("parties", index)]
            role_key = ROLES.get(str(role).strip().casefold()) if role is not None else None
            if role_key is None:
                where = cell or row_cell
                shown = f"'{role}' is not valid" if role is not None else "is empty"
                self._problem(
                    Cell(where.sheet, where.number, where.row, where.column, ROLE_HEADER),
                    f"{ROLE_HEADER}: {shown}: use {one_of(ROLES)}",
                )
                continue
            if role_key != "municipalities":
                for key, what in (("code", "a code"), ("languages", "languages")):
                    if key in record:
                        self._problem(
                            self.source.cells[("parties", index, key)],
                            f"only a municipality ({ROLE_HEADER} 'kunta') has {what} here: "
                            "leave the cell empty",
                        )
                        del record[key]
            if role_key == "wellbeing_area":
                if area_cell is not None:
                    self._problem(
                        cell,
                        "a workbook has one wellbeing area; the first is in row "
                        f"{area_cell.row}: make this row 'kunta' or 'muu'",
                    )
                    continue
                area_cell = cell
                data["wellbeing_area"] = record
                self._place(("parties", index), ("wellbeing_area",))
            else:
                target = data.setdefault(role_key, [])
                self._place(("parties", index), (role_key, len(target)))
                target.append(record)

    def _goals(
        self,
        sheets: dict[str, Sheet],
        rows: dict[str, list[tuple[int, list[Any]]]],
        data: dict[str, Any],
    ) -> None:
        goals: list[dict[str, Any]] = []
        for index, (record, _) in enumerate(
            self._table(sheets["Tavoitteet"], rows["Tavoitteet"], ("goals",))
        ):
            record["measures"] = []
            # A goal without measures is reported at its row.
            self.source.cells[("goals", index, "measures")] = self.source.cells[("goals", index)]
            goals.append(record)
        data["goals"] = goals
        ids = [g["id"] for g in goals if isinstance(g.get("id"), str)]
        for sheet_name, key in (("Mittarit", "indicators"), ("Toimenpiteet", "measures")):
            items = self._table(sheets[sheet_name], rows[sheet_name], (key,))
            for index, (record, special) in enumerate(items):
                goal_id, cell = special.get("goal", (None, None))
                row_cell = self.source.cells[(key, index)]
                if goal_id is None:
                    where = cell or row_cell
                    self._problem(
                        Cell(where.sheet, where.number, where.row, where.column, GOAL_HEADER),
                        f"{GOAL_HEADER}: required, and the cell is empty: name the goal's id "
                        f"({', '.join(ids[:8])}{', …' if len(ids) > 8 else ''})",
                    )
                    continue
                if goal_id not in ids:
                    hint = did_you_mean(str(goal_id), ids) or (
                        f"; the goals are {', '.join(ids[:12])}" if ids else ""
                    )
                    self._problem(cell, f"{GOAL_HEADER}: unknown goal '{goal_id}'{hint}")
                    continue
                goal_index = ids.index(goal_id)
                goal = goals[goal_index]
                target = goal.setdefault(key, [])
                self._place((key, index), ("goals", goal_index, key, len(target)))
                target.append(record)

    def _place(self, old: Loc, new: Loc) -> None:
        """Move the cells recorded under the record `old` (a `(key, index)`) to `new`, once the
        whole book is read (see _place_all)."""
        self._moves.append((old, new))

    def _place_all(self) -> None:
        """Every move asked of _place, in one pass over the cells (linear in the rows)."""
        moves = dict(self._moves)
        self._moves.clear()
        if not moves:
            return
        _move(self.source.cells, moves)
        _move(self.source.texts, moves)

    # -- values ---------------------------------------------------------------------------

    def _value(self, raw: Any, column: Column, cell: Cell, loc: Loc) -> Any:
        """A cell's value as workbook data, as the person who typed it meant it."""
        value, number_format, kind = raw if isinstance(raw, tuple) else (raw, "General", "s")
        if value is None:
            return None
        if kind == "e":  # what a formula that failed leaves; a text `#N/A` is text
            self._problem(cell, f"{cell.header}: the cell holds the error {value}")
            return None
        if isinstance(value, str):
            text = value.strip()
            if column.kind is Kind.DECIMAL and text:
                return _decimal(text)
            return text or None
        if column.kind is Kind.DECIMAL and isinstance(value, int | float):
            if isinstance(value, bool):
                return value
            return float(value) * (100 if "%" in (number_format or "") else 1)
        if isinstance(value, bool):
            text = "true" if value else "false"
        elif isinstance(value, dt.datetime | dt.date):
            day = value.date() if isinstance(value, dt.datetime) else value
            if column.kind is Kind.DATE:
                return day
            text = day.isoformat()
        elif isinstance(value, int | float):
            text = _number_text(value, column, number_format)
        else:
            text = str(value)
        self.source.texts[loc] = text
        return text


def _move(table: dict[Loc, _Value], moves: dict[Loc, Loc]) -> None:
    """Re-key the entries of `table` under a moved record `(key, index)` to its new place."""
    moved: dict[Loc, _Value] = {}
    for loc in list(table):
        new = moves.get(loc[:2])
        if new is not None:
            moved[(*new, *loc[2:])] = table.pop(loc)
    table.update(moved)


def _shared_strings(book: Any) -> list[str] | None:
    """The file's shared strings exactly as stored (their `_xHHHH_` escapes undone later, by
    unescape_text), or None to use openpyxl's: openpyxl drops every `x005F_` from them, which
    loses a text such as `_x0041_` that Excel or LibreOffice saved escaped."""
    from openpyxl.cell.text import Text
    from openpyxl.packaging.manifest import Manifest
    from openpyxl.xml.constants import ARC_CONTENT_TYPES, SHARED_STRINGS, SHEET_MAIN_NS
    from openpyxl.xml.functions import fromstring, iterparse

    try:
        archive = book._archive
        manifest = Manifest.from_tree(fromstring(archive.read(ARC_CONTENT_TYPES)))
        part = manifest.find(SHARED_STRINGS) if manifest is not None else None
        if part is None:
            return None
        tag = f"{{{SHEET_MAIN_NS}}}si"
        strings: list[str] = []
        with archive.open(part.PartName[1:]) as source:
            for _, node in iterparse(source):
                if node.tag == tag:
                    text = Text.from_tree(node)
                    strings.append(text.content if text is not None else "")
                    node.clear()
        return strings
    except Exception:  # openpyxl read them already; a broken part was reported when opening
        return None


def _number_text(value: float, column: Column, number_format: str) -> str:
    if column.kind is Kind.CODE and float(value).is_integer() and 0 <= value < 1000:
        return f"{int(value):03d}"
    if "%" in (number_format or ""):
        return f"{value * 100:g} %"
    if float(value).is_integer():
        return str(int(value))
    return str(value)


def _decimal(text: str) -> float | str:
    """`37,5`, `37.5`, `1 234,5` and `37,5 %` as the number; other text stays text (and
    validation says it must be a number)."""
    plain = text.removesuffix("%").replace("\u00a0", "").replace(" ", "").replace(",", ".")
    try:
        return float(plain)
    except ValueError:
        return text


def _filled(value: Any) -> bool:
    if isinstance(value, tuple):
        value = value[0]
    return value is not None and (not isinstance(value, str) or bool(value.strip()))


def _split(value: Any) -> list[str]:
    text = str(value)
    for separator in _LIST_SEPARATORS:
        text = text.replace(separator, ",")
    return [item.strip() for item in text.split(",") if item.strip()]


def _set(record: dict[str, Any], key: tuple[str | int, ...], value: Any) -> None:
    """Set `value` at `key` in nested mappings; an int part is a list's index (a party's
    signatories take a column group each: ("signatories", 0, "position"))."""
    node: Any = record
    for part, following in pairwise(key):
        empty: Any = [] if isinstance(following, int) else {}
        if isinstance(part, int):
            node.extend([None] * (part + 1 - len(node)))
            if node[part] is None:
                node[part] = empty
            node = node[part]
        else:
            node = node.setdefault(part, empty)
    last = key[-1]
    if isinstance(last, int):
        node.extend([None] * (last + 1 - len(node)))
    node[last] = value
