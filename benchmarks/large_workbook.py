"""How reading a large workbook scales: validate a YAML workbook and import its spreadsheet
form with N measures (and an indicator per measure), for a few N, printing seconds per 1,000
measures, which stays flat when reading is linear in the rows.

    python3 benchmarks/large_workbook.py [N ...]
"""

from __future__ import annotations

import copy
import os
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from agreement_builder.workbook.plain import to_data  # noqa: E402
from agreement_builder.workbook.validate import load_workbook  # noqa: E402
from agreement_builder.workbook.xlsx_write import workbook_to_xlsx  # noqa: E402


def large(count: int) -> dict:
    data = to_data(load_workbook(ROOT / "tests" / "fixtures" / "minimal.yaml"))
    goal = data["goals"][0]
    measure, indicator = goal["measures"][0], goal["indicators"][0]
    goal["measures"], goal["indicators"] = [], []
    for i in range(1, count + 1):
        item = copy.deepcopy(indicator)
        item["id"] = f"T1-I{i}"
        goal["indicators"].append(item)
        item = copy.deepcopy(measure)
        item.update(id=f"T1.{i}", indicators=[f"T1-I{i}"], text=f"Toimenpide {i}: tehdään asia.")
        goal["measures"].append(item)
    return data


def main() -> None:
    counts = [int(n) for n in sys.argv[1:]] or [1000, 2000, 4000, 8000]
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory() as folder:
        for count in counts:
            yaml_path = Path(folder) / f"w{count}.yaml"
            yaml_path.write_text(yaml.safe_dump(large(count), allow_unicode=True, sort_keys=False))
            start = time.perf_counter()
            workbook = load_workbook(yaml_path)
            yaml_seconds = time.perf_counter() - start
            xlsx_path = Path(folder) / f"w{count}.xlsx"
            xlsx_path.write_bytes(workbook_to_xlsx(workbook))
            start = time.perf_counter()
            load_workbook(xlsx_path)
            xlsx_seconds = time.perf_counter() - start
            print(
                f"{count:>6} measures: YAML {yaml_seconds:6.2f} s "
                f"({yaml_seconds / count * 1000:.2f} s/1000), XLSX {xlsx_seconds:6.2f} s "
                f"({xlsx_seconds / count * 1000:.2f} s/1000)"
            )


if __name__ == "__main__":
    main()
