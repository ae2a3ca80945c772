"""The server's garbage-collection policy and the worker's idle hook."""

from __future__ import annotations

import gc
import threading
import time
import weakref

import pytest

from looplint.lsp import memory
from looplint.lsp.memory import GarbagePolicy
from looplint.lsp.worker import INTERACTIVE, Worker


class Node:
    def __init__(self):
        self.other = None


def _cycle() -> weakref.ref:
    a, b = Node(), Node()
    a.other, b.other = b, a
    return weakref.ref(a)


@pytest.fixture
def thawed():
    yield
    gc.unfreeze()


def test_a_job_runs_without_collections_and_its_survivors_are_frozen(thawed):
    policy = GarbagePolicy()
    before = gc.get_freeze_count()
    with policy.paused():
        assert not gc.isenabled()
        kept = [Node() for _ in range(1000)]
        garbage = _cycle()  # unreachable from the start: the young collection after the job frees it
    assert gc.isenabled()
    assert garbage() is None
    assert gc.get_freeze_count() >= before + 1000
    assert kept  # still alive, frozen


def test_cycles_that_die_after_freezing_are_collected_when_idle(thawed, monkeypatch):
    policy = GarbagePolicy()
    with policy.paused():
        holder = [Node()]
        holder[0].other = Node()
        holder[0].other.other = holder[0]
        dead = weakref.ref(holder[0])
    holder.clear()  # the cycle is garbage now, but frozen
    gc.collect()
    assert dead() is not None
    monkeypatch.setattr(memory, "_FULL_COLLECTION_GROWTH", 0)
    policy.collect_when_idle()
    assert dead() is None
    assert policy.full_collections == 1
    # Nothing new frozen since: no second full collection.
    policy.collect_when_idle()
    assert policy.full_collections == 1


def test_the_worker_calls_its_idle_hook_once_after_work():
    calls = []
    idle = threading.Event()

    def on_idle():
        calls.append(time.perf_counter())
        idle.set()

    worker = Worker(on_idle=on_idle, idle_seconds=0.05)
    try:
        time.sleep(0.2)
        assert calls == []  # no work yet: nothing to tidy
        finished = worker.submit(INTERACTIVE, lambda: time.perf_counter()).result(5)
        assert idle.wait(5)
        assert calls[0] - finished >= 0.04
        time.sleep(0.2)
        assert len(calls) == 1  # once per idle period
        worker.submit(INTERACTIVE, lambda: None).result(5)
        deadline = time.perf_counter() + 5
        while len(calls) < 2 and time.perf_counter() < deadline:
            time.sleep(0.01)
        assert len(calls) == 2
    finally:
        worker.stop()


def test_a_busy_worker_is_not_idle():
    calls = []
    worker = Worker(on_idle=lambda: calls.append(1), idle_seconds=0.2)
    try:
        for _ in range(10):
            worker.submit(INTERACTIVE, time.sleep, 0.05).result(5)
        assert calls == []
    finally:
        worker.stop()
