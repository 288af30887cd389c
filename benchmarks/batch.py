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
  on that document).

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


def in_process(args: argparse.Namespace, scratch: Path) -> None:
    """One job, in this process: what each writer costs, and the limit."""
    import docx

    from agreement_builder.pipeline.render import load_writers
    from agreement_builder.pipeline.run import build
    from agreement_builder.render import docx as docx_writer
    from agreement_builder.render import pdf as pdf_writer

    load_writers()  # imports are not the build's work
    docx_cpu = [0.0]
    written: list[bytes] = []
    drawn: dict[str, tuple[float, int]] = {}  # distinct part -> (CPU to draw it, pages)
    draws = [0, 0]  # parts drawn, pages drawn (duplicates included)
    render_docx, draw = docx_writer.render_docx, pdf_writer._draw

    def timed_docx(*a, **k):
        started = time.process_time()
        output = render_docx(*a, **k)
        docx_cpu[0] += time.process_time() - started
        written.append(output.data)
        return output

    def timed_draw(html, *a, **k):
        started = time.process_time()
        output = draw(html, *a, **k)
        # Its garbage too: a worker pauses the cycle collector while it makes a document and
        # collects after it (pipeline/render.py `collected_once`), so drawing's own share of
        # collecting is counted here, as it was while the collector ran during the drawing.
        gc.collect(0)
        key = hashlib.sha256(html.encode()).hexdigest()
        drawn.setdefault(key, (time.process_time() - started, output.pages))
        draws[0] += 1
        draws[1] += output.pages
        return output

    docx_writer.render_docx, pdf_writer._draw = timed_docx, timed_draw
    try:
        started_cpu, started = time.process_time(), time.perf_counter()
        build(args.workbook, scratch / "in-process", jobs=1)
        cpu, wall = time.process_time() - started_cpu, time.perf_counter() - started
    finally:
        docx_writer.render_docx, pdf_writer._draw = render_docx, draw
    print(f"full build in this process, one job: {wall:.1f} s wall, {cpu:.1f} s CPU  [{load()}]")
    print(
        f"the DOCX writer: {docx_cpu[0]:.2f} s CPU for {len(written)} DOCX, "
        f"{100 * docx_cpu[0] / cpu:.1f} % of the build's CPU"
    )
    raw = time.process_time()
    for data in written:
        docx.Document(io.BytesIO(data)).save(io.BytesIO())
    raw = time.process_time() - raw
    unique_pages = sum(pages for _, pages in drawn.values())
    pages_cpu = sum(seconds for seconds, _ in drawn.values())
    limit = pages_cpu + raw
    print(
        f"drawn: {draws[0]} parts, {draws[1]} pages; distinct: {len(drawn)} parts, "
        f"{unique_pages} pages, {pages_cpu:.1f} s CPU ({pages_cpu / max(unique_pages, 1):.3f} s a "
        f"page); the DOCX at python-docx's raw speed (open and save): {raw:.2f} s CPU"
    )
    print(f"full build / its limit: {cpu:.1f} / {limit:.1f} s CPU = {cpu / limit:.2f}")


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
