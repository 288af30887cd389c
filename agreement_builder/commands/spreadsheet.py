"""Workbook files: YAML to XLSX and XLSX to YAML.

Each function validates its input first: a bad input raises WorkbookError and writes nothing.
Outputs are written atomically.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import WorkbookError
from ..pipeline.files import write_atomic
from ..workbook.dump import dump_workbook
from ..workbook.plain import ordered, to_data
from ..workbook.validate import check, read_workbook


def _convertible(source: Path) -> tuple[dict[str, Any], int]:
    """The data of the workbook `source` and how many placeholders it still has.

    A valid workbook gives its normalized data; one whose only problems are placeholders
    still to fill in (a new one) converts as it is, so it can be filled in either form.
    Any other problem raises WorkbookError.
    """
    loaded = read_workbook(source, display=str(source))
    try:
        return to_data(check(loaded)), 0
    except WorkbookError as error:
        if error.todo and error.todo == len(error.problems):
            return ordered(loaded.data), error.todo
        raise


def export_xlsx(source: Path, target: Path) -> int:
    """Write the workbook `source` (YAML or XLSX) as the spreadsheet `target`; return the
    number of placeholders still to fill in."""
    from ..workbook.xlsx_write import workbook_to_xlsx

    data, todo = _convertible(source)
    write_atomic(target, workbook_to_xlsx(data))
    return todo


def import_xlsx(source: Path, target: Path) -> int:
    """Write the workbook `source` (a spreadsheet, or YAML) as the YAML file `target`; return
    the number of placeholders still to fill in."""
    data, todo = _convertible(source)
    header = f"Imported from {source.name} by agreement-builder import-xlsx."
    write_atomic(target, dump_workbook(data, header).encode("utf-8"))
    return todo
