"""What the benchmarks share: running a command as a new process and reading its CPU time, peak
memory and the machine's load. Figures are printed, never asserted (tests never assert timings)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Run:
    """A finished process: wall and CPU seconds (its own and its workers'), peak memory."""

    wall: float
    cpu: float
    peak_mb: float  # of the largest single process (it or one of its workers)
    returncode: int
    output: str

    def __str__(self) -> str:
        return f"{self.wall:.2f} s wall, {self.cpu:.2f} s CPU, {self.peak_mb:.0f} MB peak"


def run(command: list[str], *, cwd: Path = ROOT) -> Run:
    """Run `command` to its end; the kernel's accounting of it and of the workers it waited for."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    started = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    assert process.stdout is not None
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - started
    return Run(
        wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, process.returncode, output
    )


def cli(*args: str) -> list[str]:
    """The command line of agreement-builder, as a new process of this interpreter."""
    return [sys.executable, "-m", "agreement_builder", *args]


def load() -> str:
    """The load average and the cores: figures from a busy machine mislead, so say how busy."""
    one, five, _ = os.getloadavg()
    return f"load average {one:.2f} (5 min {five:.2f}) on {os.cpu_count()} cores"


def libreoffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2
