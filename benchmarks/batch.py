"""Time the whole Lapland batch as PDF, a rebuild with nothing changed, and LibreOffice.

Prints figures; asserts nothing (tests never assert timings). Run from the project root:

    python3 benchmarks/batch.py [--jobs N] [--workbook workbooks/lappi.yaml]
"""

from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from agreement_builder.build.run import build  # noqa: E402


def peak_mb() -> float:
    """Peak resident memory of this process and of its (finished) worker processes, in MB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, workers) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workbook", type=Path, default=ROOT / "workbooks" / "lappi.yaml")
    parser.add_argument("--jobs", type=int, default=None)
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="agreement-bench-"))
    try:
        started = time.perf_counter()
        report = build(args.workbook, scratch / "pdf", formats=("pdf",), jobs=args.jobs)
        batch = time.perf_counter() - started
        pdfs = [d for d in report.documents if d.format == "pdf"]
        packages = [d for d in pdfs if d.kind == "package"]
        size = sum((report.version_dir / d.path).stat().st_size for d in pdfs)
        print(
            f"batch from scratch: {len(pdfs)} PDFs ({len(packages)} packages), "
            f"{sum(d.pages or 0 for d in pdfs)} pages, {size / 1e6:.1f} MB, {batch:.1f} s wall, "
            f"failures {len(report.failures)}"
        )
        print(f"peak memory (largest process): {peak_mb():.0f} MB")

        started = time.perf_counter()
        again = build(args.workbook, scratch / "pdf", formats=("pdf",), jobs=args.jobs)
        print(
            f"rebuild with nothing changed: {time.perf_counter() - started:.3f} s "
            f"(built {len(again.built)})"
        )

        docx = build(args.workbook, scratch / "docx", formats=("docx",), jobs=args.jobs)
        files = [str(docx.version_dir / d.path) for d in docx.documents if d.kind == "package"]
        soffice = shutil.which("soffice") or shutil.which("libreoffice")
        if soffice is None:
            print("LibreOffice not installed: no comparison")
            return
        started = time.perf_counter()
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation=file://{scratch}/lo",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(scratch / "lo-out"),
                *files,
            ],
            capture_output=True,
            check=True,
        )
        libreoffice = time.perf_counter() - started
        print(
            f"LibreOffice, the same {len(files)} packages' DOCX to PDF in one call: "
            f"{libreoffice:.1f} s"
        )
        print(f"ratio ours (whole batch) / LibreOffice (packages only): {batch / libreoffice:.2f}")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
