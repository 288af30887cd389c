"""Time the Lapland follow-up report of 2027: the whole build, a rebuild with nothing changed,
and drawing one chart.

Prints figures; asserts nothing (tests never assert timings). Run from the project root:

    python3 benchmarks/followup.py [--jobs N] [--workbook workbooks/lappi.yaml] [--year 2027]
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from agreement_builder.pipeline.run import build_follow_up  # noqa: E402
from agreement_builder.render.chart import Chart, Series, chart_svg  # noqa: E402


def cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workbook", type=Path, default=ROOT / "workbooks" / "lappi.yaml")
    parser.add_argument("--year", type=int, default=2027)
    parser.add_argument("--jobs", type=int, default=None)
    args = parser.parse_args()
    print(f"load average before: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    chart = Chart(
        (Series("alue", tuple((y, 6.0 + y % 3) for y in range(2019, 2026))),), 5.0, "tavoite", "%"
    )
    font = ROOT / "agreement_builder" / "templates" / "fonts" / "LiberationSans-Regular.ttf"
    chart_svg(chart, str, font)  # matplotlib's import and font set-up
    started = time.perf_counter()
    for _ in range(20):
        chart_svg(chart, str, font)
    print(f"one chart: {(time.perf_counter() - started) / 20 * 1000:.0f} ms")
    with tempfile.TemporaryDirectory() as out:
        cpu, started = cpu_seconds(), time.perf_counter()
        report = build_follow_up(args.workbook, args.year, Path(out), jobs=args.jobs)
        wall = time.perf_counter() - started
        print(
            f"follow-up {args.year}: {len(report.documents)} files in {wall:.1f} s wall, "
            f"{cpu_seconds() - cpu:.1f} s CPU ({'ok' if report.ok else report.failures})"
        )
        started = time.perf_counter()
        again = build_follow_up(args.workbook, args.year, Path(out), jobs=args.jobs)
        seconds = time.perf_counter() - started
        print(f"nothing changed: {seconds:.2f} s (unchanged={again.unchanged})")


if __name__ == "__main__":
    main()
