"""The whole batch as the README builds it, against LibreOffice and against its own limit.

Prints, for one workbook (default: the Lapland example), with the load average:
- the README's main job (every document, PDF and DOCX) from the command line, wall and CPU,
  divided by LibreOffice's time converting the same packages' DOCX to PDF in one call, measured
  in the same run;
- the command line's rebuild with nothing changed (median of five);
- a rebuild after editing one measure's text, its CPU against the full build's;
- a full build in this process with one job: the DOCX writer's share of its CPU, and the build
  against its limit: each unique page drawn once (the CPU WeasyPrint took to draw each distinct
  part, counted once, with collecting the garbage it leaves) plus each DOCX at python-docx's raw
  speed (opening the written DOCX and saving it again: the least any python-docx writer spends
  on that document);
- the same edit in this process: what it must redo (drawing the parts that show the text, and
  their DOCX) against the full build, and what it redoes besides (joining the packages again,
  loading, planning, writing).

Asserts nothing: tests never assert timings. Run from the project root:

    python3 benchmarks/batch.py [--workbook workbooks/lappi.yaml] [--jobs N] [--no-libreoffice]
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import io
import json
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ROOT, cli, libreoffice, load, median, run

sys.path.insert(0, str(ROOT))


def manifest(output: Path) -> list[dict]:
    [found] = output.glob("*/*/manifest.json")
    return json.loads(found.read_text(encoding="utf-8"))["documents"]


def edit_one_measure(workbook: Path) -> str:
    """Change the Finnish text of the measure that concerns the fewest parties; its id."""
    import yaml

    data = yaml.safe_load(workbook.read_text(encoding="utf-8"))
    measures = [m for goal in data["goals"] for m in goal.get("measures", [])]
    everyone = len(data.get("municipalities", []))

    def concerned(measure: dict) -> int:
        who = measure.get("responsible", [])
        return sum(everyone if party == "all-municipalities" else 1 for party in who)

    chosen = min(measures, key=concerned)
    text = workbook.read_text(encoding="utf-8")
    at = text.index(f"id: {chosen['id']}\n")
    at = text.index("fi:", at) + len("fi:")
    line_end = text.index("\n", at)
    rest = text[at:line_end].strip()
    if rest in (">-", ">", "|", "|-"):  # a block scalar: the text starts on the next line
        at = line_end + 1
        at += len(text[at:]) - len(text[at:].lstrip(" "))
    else:
        at += len(text[at:line_end]) - len(text[at:line_end].lstrip(" "))
        if text[at] in "'\"":
            at += 1
    workbook.write_text(text[:at] + "Muutettu: " + text[at:], encoding="utf-8")
    return str(chosen["id"])


def main_job(args: argparse.Namespace, scratch: Path) -> None:
    workbook = scratch / args.workbook.name
    shutil.copy(args.workbook, workbook)
    output = scratch / "output"
    jobs = ["--jobs", str(args.jobs)] if args.jobs else []
    print(f"before the main job: {load()}")
    full = run(cli("build", str(workbook), "-o", str(output), *jobs))
    documents = manifest(output)
    pages = sum(d["pages"] or 0 for d in documents)
    print(
        f"main job (build {args.workbook.name}: {len(documents)} documents, PDF and DOCX, "
        f"{pages} PDF pages) from the command line: {full}"
    )
    print(f"after it: {load()}")
    office = libreoffice()
    if office and not args.no_libreoffice:
        [version_dir] = {p.parent for p in output.glob("*/*/manifest.json")}
        packages = [
            str(version_dir / d["path"])
            for d in documents
            if d["kind"] == "package" and d["format"] == "docx"
        ]
        converted = run(
            [
                office,
                f"-env:UserInstallation=file://{scratch}/lo",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(scratch / "lo-out"),
                *packages,
            ]
        )
        print(f"LibreOffice converting the same {len(packages)} packages' DOCX to PDF: {converted}")
        print(
            f"main job / LibreOffice: {full.wall / converted.wall:.2f} (wall), "
            f"{full.cpu / converted.cpu:.2f} (CPU)   [{load()}]"
        )
    else:
        print("LibreOffice not run: no comparison")

    again = [run(cli("build", str(workbook), "-o", str(output))) for _ in range(5)]
    print(
        "command-line rebuild with nothing changed, median of 5: "
        f"{median([r.wall for r in again]):.3f} s wall, {median([r.cpu for r in again]):.3f} s CPU"
        f" ({again[-1].output.strip().splitlines()[-1]})"
    )

    measure = edit_one_measure(workbook)
    edited = run(cli("build", str(workbook), "-o", str(output), *jobs))
    print(
        f"rebuild after editing measure {measure}'s text: {edited}; "
        f"{edited.cpu / full.cpu:.2f} of the full build's CPU "
        f"({edited.output.strip().splitlines()[-1]})"
    )


class _Meter:
    """The CPU of the writers during a build in this process: drawing (each distinct part once,
    with collecting the garbage it leaves), joining packages, writing DOCX."""

    def __init__(self) -> None:
        self.docx_cpu = 0.0
        self.join_cpu = 0.0
        self.written: list[bytes] = []
        self.drawn: dict[str, tuple[float, int]] = {}  # distinct part -> (CPU, pages)
        self.draws = [0, 0]  # parts drawn, pages drawn (duplicates included)

    @contextmanager
    def attached(self) -> Iterator[None]:
        from agreement_builder.render import docx as docx_writer
        from agreement_builder.render import pdf as pdf_writer
        from agreement_builder.render.pdfjoin import join_pdfs as join

        render_docx, draw = docx_writer.render_docx, pdf_writer._draw

        def timed_docx(*a, **k):
            started = time.process_time()
            output = render_docx(*a, **k)
            self.docx_cpu += time.process_time() - started
            self.written.append(output.data)
            return output

        def timed_draw(html, *a, **k):
            started = time.process_time()
            output = draw(html, *a, **k)
            # Its garbage too: a worker pauses the cycle collector while it makes a document
            # and collects after it (pipeline/render.py `collected_once`), so drawing's own
            # share of collecting is counted here, as it was while the collector ran during it.
            gc.collect(0)
            key = hashlib.sha256(html.encode()).hexdigest()
            self.drawn.setdefault(key, (time.process_time() - started, output.pages))
            self.draws[0] += 1
            self.draws[1] += output.pages
            return output

        def timed_join(*a, **k):
            started = time.process_time()
            output = join(*a, **k)
            self.join_cpu += time.process_time() - started
            return output

        docx_writer.render_docx, pdf_writer._draw = timed_docx, timed_draw
        pdf_writer.__dict__["join_pdfs"] = timed_join  # the name render_pdf calls it by
        try:
            yield
        finally:
            docx_writer.render_docx, pdf_writer._draw = render_docx, draw
            pdf_writer.__dict__["join_pdfs"] = join

    @property
    def draw_cpu(self) -> float:
        return sum(seconds for seconds, _ in self.drawn.values())


def _cpu_of_build(workbook: Path, output: Path, meter: _Meter) -> tuple[float, float]:
    from agreement_builder.pipeline.run import build

    with meter.attached():
        started_cpu, started = time.process_time(), time.perf_counter()
        build(workbook, output, jobs=1)
        return time.process_time() - started_cpu, time.perf_counter() - started


def in_process(args: argparse.Namespace, scratch: Path) -> None:
    """One job, in this process: what each writer costs, the limit, and what an edit redoes."""
    import docx

    from agreement_builder.pipeline.render import load_writers

    load_writers()  # imports are not the build's work
    workbook = scratch / "in-process" / args.workbook.name
    workbook.parent.mkdir()
    shutil.copy(args.workbook, workbook)
    meter = _Meter()
    cpu, wall = _cpu_of_build(workbook, scratch / "in-process" / "output", meter)
    print(f"full build in this process, one job: {wall:.1f} s wall, {cpu:.1f} s CPU  [{load()}]")
    print(
        f"the DOCX writer: {meter.docx_cpu:.2f} s CPU for {len(meter.written)} DOCX, "
        f"{100 * meter.docx_cpu / cpu:.1f} % of the build's CPU"
    )
    raw = time.process_time()
    for data in meter.written:
        docx.Document(io.BytesIO(data)).save(io.BytesIO())
    raw = time.process_time() - raw
    unique_pages = sum(pages for _, pages in meter.drawn.values())
    limit = meter.draw_cpu + raw
    print(
        f"drawn: {meter.draws[0]} parts, {meter.draws[1]} pages; distinct: {len(meter.drawn)} "
        f"parts, {unique_pages} pages, {meter.draw_cpu:.1f} s CPU "
        f"({meter.draw_cpu / max(unique_pages, 1):.3f} s a page); the DOCX at python-docx's raw "
        f"speed (open and save): {raw:.2f} s CPU"
    )
    print(f"full build / its limit: {cpu:.1f} / {limit:.1f} s CPU = {cpu / limit:.2f}")

    # What an edit must redo, and what it redoes besides.
    measure = edit_one_measure(workbook)
    edit = _Meter()
    edit_cpu, _ = _cpu_of_build(workbook, scratch / "in-process" / "output", edit)
    pages = sum(pages for _, pages in edit.drawn.values())
    rest = edit_cpu - edit.draw_cpu - edit.docx_cpu - edit.join_cpu
    print(
        f"the same edit of {measure} in this process: {edit_cpu:.2f} s CPU = "
        f"{edit_cpu / cpu:.2f} of the full build; drawing the {len(edit.drawn)} parts that show "
        f"the text ({pages} pages) {edit.draw_cpu:.2f} s and their {len(edit.written)} DOCX "
        f"{edit.docx_cpu:.2f} s = {(edit.draw_cpu + edit.docx_cpu) / cpu:.2f} of the full build; "
        f"joining the packages again {edit.join_cpu:.2f} s; the rest (loading, planning, "
        f"writing) {rest:.2f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workbook", type=Path, default=ROOT / "workbooks" / "lappi.yaml")
    parser.add_argument("--jobs", type=int, default=None, help="worker processes [the cores]")
    parser.add_argument("--no-libreoffice", action="store_true")
    args = parser.parse_args()
    args.workbook = args.workbook.resolve()
    scratch = Path(tempfile.mkdtemp(prefix="agreement-bench-"))
    try:
        main_job(args, scratch)
        in_process(args, scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
