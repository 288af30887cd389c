"""All of Finland: every wellbeing area of the registry, built as its own agreement.

For each area: a workbook made by `agreement-builder new --area`, its placeholders filled in by
this script (each measure for the area and one municipality in turn, every third for all
municipalities), then `agreement-builder build` from the command line. Prints each area's
documents, pages, wall and CPU time and peak memory, the totals, and how the CPU grows: with the
documents (parties x languages) across the areas, and with the measures in one area (each goal
with 1, 2, 4, ... measures). Asserts nothing. A subset runs in a few minutes:

    python3 benchmarks/finland.py                      # three small areas
    python3 benchmarks/finland.py --areas lappi,kainuu --measures 1,2,4
    python3 benchmarks/finland.py --all                # all 21 areas (long)
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import Run, cli, load, run

SUBSET = ("vantaa-kerava", "kainuu", "keski-pohjanmaa")
FILLER = {
    "fi": "Hyvinvointialue ja kunnat toteuttavat yhdessä sovitun toimenpiteen vuosittain.",
    "sv": "Välfärdsområdet och kommunerna genomför tillsammans den överenskomna åtgärden.",
}


@dataclass(frozen=True)
class Built:
    area: str
    parties: int
    languages: int  # documents' languages summed over the parties
    measures: int
    documents: int
    pages: int
    run: Run


def areas() -> list[str]:
    listing = run(cli("new", "--list")).output
    return [line.split()[1] for line in listing.splitlines() if line[:2].isdigit()]


def fill(data: dict[str, Any], measures_per_goal: int) -> dict[str, Any]:
    """The placeholders of a new workbook filled in, each goal with `measures_per_goal`."""
    agreement = data["agreement"]
    agreement["period"] = {"start": "2027-01-01", "end": "2029-12-31"}
    area = data["wellbeing_area"]["id"]
    municipalities = [m["id"] for m in data["municipalities"]]
    turn = 0
    for goal in data["goals"]:
        template = goal["measures"][0]
        measures = []
        for n in range(1, measures_per_goal + 1):
            turn += 1
            who = (
                "all-municipalities"
                if turn % 3 == 0
                else municipalities[turn % len(municipalities)]
            )
            measures.append(
                {
                    **template,
                    "id": f"{goal['id']}.{n}",
                    "text": {
                        lang: f"{FILLER[lang]} ({goal['id']}.{n})" for lang in template["text"]
                    },
                    "responsible": [area, who],
                }
            )
        goal["measures"] = measures
        for indicator in goal.get("indicators", []):
            indicator["target"] = "kasvaa"
    return _replace_todo(data, None)


def _replace_todo(value: Any, language: str | None) -> Any:
    if isinstance(value, dict):
        return {k: _replace_todo(v, k if k in FILLER else language) for k, v in value.items()}
    if isinstance(value, list):
        return [_replace_todo(v, language) for v in value]
    if isinstance(value, str) and value.startswith("TODO"):
        return FILLER.get(language or "fi", FILLER["fi"])
    return value


def build_area(area: str, scratch: Path, measures_per_goal: int, jobs: int | None) -> Built:
    workbook = scratch / f"{area}-{measures_per_goal}.yaml"
    made = run(cli("new", "--area", area, "-o", str(workbook), "--force"))
    if made.returncode:
        raise SystemExit(f"new --area {area} failed:\n{made.output}")
    data = fill(yaml.safe_load(workbook.read_text(encoding="utf-8")), measures_per_goal)
    workbook.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    output = scratch / f"out-{area}-{measures_per_goal}"
    extra = ["--jobs", str(jobs)] if jobs else []
    built = run(cli("build", str(workbook), "-o", str(output), *extra))
    if built.returncode:
        raise SystemExit(f"build of {area} failed:\n{built.output[-3000:]}")
    [manifest] = output.glob("*/*/manifest.json")
    documents = json.loads(manifest.read_text(encoding="utf-8"))["documents"]
    parties = 1 + len(data["municipalities"]) + len(data.get("other_parties", []))
    languages = len({(d["party"], d["language"]) for d in documents if d["party"]})
    measures = sum(len(goal["measures"]) for goal in data["goals"])
    pages = sum(d["pages"] or 0 for d in documents)
    shutil.rmtree(output, ignore_errors=True)
    return Built(area, parties, languages, measures, len(documents), pages, built)


def fit(xs: list[float], ys: list[float]) -> tuple[float, float, float]:
    """Least squares y = a + b x, and R²."""
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    b = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sxx if sxx else 0.0
    a = my - b * mx
    total = sum((y - my) ** 2 for y in ys)
    residual = sum((y - a - b * x) ** 2 for x, y in zip(xs, ys, strict=True))
    return a, b, 1 - residual / total if total else 1.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--areas", help=f"comma-separated area ids [{','.join(SUBSET)}]")
    parser.add_argument("--all", action="store_true", help="every area of the registry")
    parser.add_argument("--measures", default="1,2,4", help="measures per goal, for the growth")
    parser.add_argument("--jobs", type=int, default=None)
    args = parser.parse_args()
    chosen = areas() if args.all else (args.areas.split(",") if args.areas else list(SUBSET))
    scratch = Path(tempfile.mkdtemp(prefix="agreement-finland-"))
    print(f"{len(chosen)} areas; {load()}")
    print(
        f"{'area':<20}{'parties':>8}{'langs':>6}{'docs':>6}{'pages':>7}{'wall s':>8}"
        f"{'CPU s':>8}{'MB':>6}{'CPU/doc':>9}"
    )
    try:
        results = []
        for area in chosen:
            b = build_area(area, scratch, 1, args.jobs)
            results.append(b)
            print(
                f"{b.area:<20}{b.parties:>8}{b.languages:>6}{b.documents:>6}{b.pages:>7}"
                f"{b.run.wall:>8.1f}{b.run.cpu:>8.1f}{b.run.peak_mb:>6.0f}"
                f"{b.run.cpu / b.documents:>9.3f}"
            )
        print(
            f"total: {sum(b.documents for b in results)} documents, "
            f"{sum(b.pages for b in results)} pages, {sum(b.run.wall for b in results):.1f} s wall,"
            f" {sum(b.run.cpu for b in results):.1f} s CPU, peak "
            f"{max(b.run.peak_mb for b in results):.0f} MB; {load()}"
        )
        if len(results) >= 2:
            # A bilingual area draws its agreement once per language: pages say more than
            # parties, so both are fitted.
            for label, xs in (
                ("parties x languages", [float(b.languages) for b in results]),
                ("PDF pages", [float(b.pages) for b in results]),
            ):
                a, slope, r2 = fit(xs, [b.run.cpu for b in results])
                print(f"CPU against {label}: {a:.2f} s + {slope:.4f} s each (R² {r2:.3f})")
                for b, x in zip(results, xs, strict=True):
                    expected = a + slope * x
                    off = b.run.cpu / expected - 1 if expected else 0.0
                    if abs(off) > 0.2:
                        print(f"  off the line: {b.area} {100 * off:+.0f} % against the fit")
        counts = [int(n) for n in args.measures.split(",")]
        if len(counts) >= 2:
            area = chosen[0]
            growth = [build_area(area, scratch, n, args.jobs) for n in counts]
            for b in growth:
                print(f"{area} with {b.measures} measures: {b.pages} pages, {b.run}")
            a, slope, r2 = fit([b.measures for b in growth], [b.run.cpu for b in growth])
            print(f"CPU against measures: {a:.2f} s + {slope:.3f} s each (R² {r2:.3f}); {load()}")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
