"""How many worker processes a build starts when not told: the cores it may run on."""

from __future__ import annotations

import os

import pytest

from agreement_builder.pipeline import run


def test_the_cores_are_those_this_process_may_use(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {3, 5, 7}, raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 64)
    assert run.usable_cores() == 3


def test_one_usable_core_starts_no_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {2}, raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 64)
    with run._workers(None) as pool:
        assert pool is None
    with run._workers(2) as pool:  # asked for: as many as asked
        assert pool is not None


def test_without_affinity_the_machines_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(os, "sched_getaffinity", raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 6)
    assert run.usable_cores() == 6
    monkeypatch.setattr(os, "cpu_count", lambda: None)
    assert run.usable_cores() == 1


@pytest.mark.skipif(not hasattr(os, "sched_getaffinity"), reason="no CPU affinity here")
def test_this_machine() -> None:
    assert run.usable_cores() == len(os.sched_getaffinity(0)) >= 1
