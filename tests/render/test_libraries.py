"""WeasyPrint's native libraries load by their sonames, without the programs (ldconfig, gcc, ld)
that its own lookup runs for each name that is not a file's: the same libraries, no programs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Run in a new interpreter: what it imports, the programs started while it did, and the shared
# libraries it mapped in doing so.
PROBE = """
import json, subprocess, sys
started = []
original = subprocess.Popen.__init__
def counting(self, *args, **kwargs):
    started.append(str(args[0] if args else kwargs.get("args")))
    return original(self, *args, **kwargs)
subprocess.Popen.__init__ = counting
def mapped():
    with open("/proc/self/maps") as maps:
        return {line.split()[-1] for line in maps if ".so" in line.split()[-1]}
before = mapped()
exec(sys.argv[1])
print(json.dumps({"started": started, "libraries": sorted(mapped() - before)}))
"""


def _probe(statement: str) -> dict[str, list[str]]:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, statement],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin:/usr/sbin:/sbin"},
        timeout=120,
        check=True,
    )
    return json.loads(result.stdout.splitlines()[-1])


@pytest.mark.skipif(sys.platform != "linux", reason="the lookup is changed on Linux only")
def test_the_pdf_writer_loads_weasyprints_libraries_without_running_programs() -> None:
    plain = _probe("import weasyprint")
    ours = _probe("import agreement_builder.render.pdf")
    assert ours["started"] == []
    # WeasyPrint's own lookup runs programs (if a new WeasyPrint stops, render/libraries.py
    # can go); ours loads what it loads, the same files.
    assert plain["started"]
    assert _weasyprints(plain["libraries"]) == _weasyprints(ours["libraries"])
    assert len(_weasyprints(plain["libraries"])) >= 5, plain["libraries"]
    assert set(plain["libraries"]) <= set(ours["libraries"])  # nothing else either


def _weasyprints(libraries: list[str]) -> set[str]:
    """The files of the libraries WeasyPrint binds (GObject, Pango, PangoFT2, HarfBuzz, its
    subsetter, fontconfig): the ones it looks up by name."""
    names = ("libgobject-2.0", "libpango-1.0", "libpangoft2-1.0", "libharfbuzz", "libfontconfig")
    return {lib for lib in libraries if Path(lib).name.startswith(names)}
