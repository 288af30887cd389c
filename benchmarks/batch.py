"""Time the whole Lapland batch as PDF, a rebuild with nothing changed, and LibreOffice.

Prints figures; asserts nothing (tests never assert timings). Run from the project root:

    python3 benchmarks/batch.py [--jobs N] [--workbook workbooks/lappi.yaml]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from agreement_builder.pipeline.run import build  # noqa: E402


def peak_mb() -> float:
    """Peak resident memory of this process and of its (finished) worker processes, in MB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, workers) / 1024


def cpu_seconds() -> float:
    """CPU time of this process and its finished worker processes."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime


def tagging_cost(workbook: Path) -> tuple[float, float]:
    """Seconds to draw the full agreement tagged (PDF/A-2a, PDF/UA) and untagged, in-process."""
    from weasyprint import HTML

    from agreement_builder.document.context import build_context
    from agreement_builder.render.html import render_html
    from agreement_builder.render.pdf import PDF_VARIANT, ConfinedFetcher
    from agreement_builder.theme import Templates
    from agreement_builder.workbook.validate import load_workbook

    loaded = load_workbook(workbook)
    language = loaded.agreement.languages[0]
    templates = Templates.shipped()
    context = build_context(loaded, language, templates)
    html = render_html(templates, "agreement.html.j2", context)
    base = templates.base.as_uri() + "/"
    timings = []
    for variant in (PDF_VARIANT, None):
        best = float("inf")
        for _ in range(3):
            started = time.perf_counter()
            fetcher = ConfinedFetcher(templates)
            document = HTML(string=html, base_url=base, url_fetcher=fetcher).render(
                pdf_variant=variant
            )
            document.write_pdf(pdf_variant=variant)
            best = min(best, time.perf_counter() - started)
        timings.append(best)
    return timings[0], timings[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workbook", type=Path, default=ROOT / "workbooks" / "lappi.yaml")
    parser.add_argument("--jobs", type=int, default=None)
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="agreement-bench-"))
    try:
        # Figures from a busy machine mislead: say how busy it was.
        print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
        started, cpu = time.perf_counter(), cpu_seconds()
        report = build(args.workbook, scratch / "pdf", formats=("pdf",), jobs=args.jobs)
        batch = time.perf_counter() - started
        cpu = cpu_seconds() - cpu
        pdfs = [d for d in report.documents if d.format == "pdf"]
        packages = [d for d in pdfs if d.kind == "package"]
        size = sum((report.version_dir / d.path).stat().st_size for d in pdfs)
        print(
            f"batch from scratch: {len(pdfs)} PDFs ({len(packages)} packages), "
            f"{sum(d.pages or 0 for d in pdfs)} pages, {size / 1e6:.1f} MB, {batch:.1f} s wall, "
            f"{cpu:.1f} s CPU, failures {len(report.failures)}"
        )
        print(f"peak memory (largest process): {peak_mb():.0f} MB")

        started = time.perf_counter()
        again = build(args.workbook, scratch / "pdf", formats=("pdf",), jobs=args.jobs)
        print(
            f"rebuild with nothing changed: {time.perf_counter() - started:.3f} s "
            f"(built {len(again.built)})"
        )
        tagged, untagged = tagging_cost(args.workbook)
        print(
            f"the agreement drawn tagged (PDF/A-2a + PDF/UA) {tagged:.2f} s, untagged "
            f"{untagged:.2f} s: tagging costs {100 * (tagged / untagged - 1):.0f} %"
        )

        # Every format, as the command line builds it; then the command line's no-change rebuild,
        # which is what a preparer waits for (interpreter start and imports included).
        full = build(args.workbook, scratch / "full", jobs=args.jobs)
        command = [sys.executable, "-m", "agreement_builder", "build", str(args.workbook)]
        started = time.perf_counter()
        subprocess.run([*command, "-o", str(scratch / "full")], capture_output=True, check=True)
        print(
            "command-line rebuild with nothing changed (PDF and DOCX): "
            f"{time.perf_counter() - started:.2f} s"
        )
        files = [
            str(full.version_dir / d.path)
            for d in full.documents
            if d.kind == "package" and d.format == "docx"
        ]
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
