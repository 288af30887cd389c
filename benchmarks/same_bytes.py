"""Check that a change made for speed changes no document's bytes.

Builds the example workbooks with an earlier commit (default: main) and with this working tree,
each from scratch as the command line builds them, and compares the manifests' sha256 of every
document. Prints what differs; exits 1 if anything does. The earlier commit's builds are kept in
a cache folder keyed by its commit id, so comparing again costs only the working tree's builds.

    python3 benchmarks/same_bytes.py [--against main] [--jobs 2] [workbooks/lappi.yaml ...]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CACHE = Path(tempfile.gettempdir()) / "agreement-same-bytes"
EXAMPLES = ("workbooks/lappi.yaml", "workbooks/pohjanmaa.yaml")


def build(tree: Path, workbook: Path, out: Path, jobs: int) -> dict[str, str]:
    """Build `workbook` with the program in `tree` into `out`; the manifest's path -> sha256."""
    shutil.rmtree(out, ignore_errors=True)
    env = {**os.environ, "PYTHONPATH": str(tree)}
    command = [sys.executable, "-m", "agreement_builder", "build", str(workbook), "-o", str(out)]
    subprocess.run([*command, "--jobs", str(jobs)], env=env, cwd=tree, check=True)
    [manifest] = out.glob("*/*/manifest.json")
    documents = json.loads(manifest.read_text(encoding="utf-8"))["documents"]
    return {d["path"]: d["sha256"] for d in documents}


def checkout(commit: str) -> Path:
    """The files of `commit`, unpacked once into the cache."""
    tree = CACHE / commit / "tree"
    if not tree.is_dir():
        tree.mkdir(parents=True)
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", commit], check=True, capture_output=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
    return tree


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workbooks", nargs="*", default=list(EXAMPLES))
    parser.add_argument("--against", default="main", help="the earlier commit (default: main)")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    commit = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", args.against],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    before_tree = checkout(commit)
    differing = 0
    for name in args.workbooks:
        workbook = (ROOT / name).resolve()
        cached = CACHE / commit / f"{workbook.stem}.json"
        if cached.exists():
            before = json.loads(cached.read_text())
        else:
            before = build(before_tree, workbook, CACHE / commit / "out" / workbook.stem, args.jobs)
            cached.write_text(json.dumps(before))
        with tempfile.TemporaryDirectory(prefix="same-bytes-") as scratch:
            after = build(ROOT, workbook, Path(scratch), args.jobs)
        changed = sorted(p for p in before.keys() | after.keys() if before.get(p) != after.get(p))
        differing += len(changed)
        print(
            f"{name}: {len(after)} documents, {len(changed)} differ from {args.against} "
            f"({commit[:10]})"
        )
        for path in changed:
            old, new = before.get(path, "missing"), after.get(path, "missing")
            print(f"  {path}: {old[:12]} -> {new[:12]}")
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main())
