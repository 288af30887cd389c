"""Workbook files from other workbook files: YAML to XLSX, XLSX to YAML.

Each function validates its input first: a bad input raises WorkbookError and writes nothing.
Outputs are written atomically.
"""

from __future__ import annotations

from pathlib import Path

from .build.files import write_atomic
from .workbook.dump import dump_workbook
from .workbook.model import Workbook
from .workbook.plain import to_data
from .workbook.validate import load_workbook


def export_xlsx(source: Path, target: Path) -> Workbook:
    """Write the workbook `source` (YAML or XLSX) as the spreadsheet `target`."""
    from .workbook.xlsx_write import workbook_to_xlsx

    workbook = load_workbook(source, display=str(source))
    write_atomic(target, workbook_to_xlsx(workbook))
    return workbook


def import_xlsx(source: Path, target: Path) -> Workbook:
    """Write the workbook `source` (a spreadsheet, or YAML) as the YAML file `target`."""
    workbook = load_workbook(source, display=str(source))
    header = f"Imported from {source.name} by agreement-builder import-xlsx."
    write_atomic(target, dump_workbook(to_data(workbook), header).encode("utf-8"))
    return workbook
