"""The cycle collector is paused while a document is made, and the garbage goes after it."""

from __future__ import annotations

import gc
import weakref

import pytest

from agreement_builder.pipeline.render import collected_once, draw_part, render_task


class _Node:
    def __init__(self) -> None:
        self.me = self  # a cycle: only the collector frees it


def test_paused_while_working_and_cycles_freed_after() -> None:
    seen: list[bool] = []
    made: list[weakref.ref[_Node]] = []

    @collected_once
    def work(value: int) -> int:
        seen.append(gc.isenabled())
        made.append(weakref.ref(_Node()))
        return value * 2

    assert gc.isenabled()
    assert work(21) == 42
    assert seen == [False]
    assert gc.isenabled()
    assert made[0]() is None  # the cycle made while paused is gone


def test_enabled_again_after_a_failure() -> None:
    @collected_once
    def work() -> None:
        raise ValueError("broken")

    with pytest.raises(ValueError, match="broken"):
        work()
    assert gc.isenabled()


def test_left_disabled_when_the_caller_disabled_it() -> None:
    @collected_once
    def work() -> bool:
        return gc.isenabled()

    gc.disable()
    try:
        assert work() is False
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_workers_functions_are_paused_and_still_picklable() -> None:
    import pickle

    for function in (render_task, draw_part):
        assert pickle.loads(pickle.dumps(function)) is function
        assert function.__wrapped__.__name__ == function.__name__
