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


def test_a_big_job_runs_without_collections_and_its_survivors_are_frozen(thawed, monkeypatch):
    monkeypatch.setattr(memory, "_BIG_JOB", 500)
    gc.collect()
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


def test_small_jobs_freeze_nothing_so_their_dying_cycles_do_not_pile_up(thawed):
    """A keystroke's job leaves cycles that die at the next one (a superseded job and its future):
    frozen, they would be kept until the next idle moment, a text copy per keystroke."""
    gc.collect()
    policy = GarbagePolicy()
    before = gc.get_freeze_count()
    alive: list[Node] = []
    refs = []
    for _ in range(200):
        with policy.paused():
            node = Node()
            node.other = Node()
            node.other.other = node  # a cycle that lives until the next job
            node.payload = "x" * 10_000
            alive[:] = [node]
            refs.append(weakref.ref(node))
            del node
    alive.clear()
    assert gc.get_freeze_count() == before
    gc.collect()
    assert all(ref() is None for ref in refs)


def test_cycles_that_die_after_freezing_are_collected_when_idle(thawed, monkeypatch):
    monkeypatch.setattr(memory, "_BIG_JOB", 1)
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
    worker = Worker(on_idle=lambda: calls.append(1), idle_seconds=2.0)  # far above the gaps between jobs
    try:
        for _ in range(10):
            worker.submit(INTERACTIVE, time.sleep, 0.05).result(5)
        assert calls == []
    finally:
        worker.stop()


def test_the_server_does_not_grow_while_a_big_module_is_edited(tmp_path):
    """Memory stays flat over an edit burst on a 10,000-line module (no idle moment in between).

    Freezing after every job once kept each superseded job (with its copy of the text) alive
    until the next idle moment: about 0.6 MB per keystroke here."""
    import asyncio
    import os
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    import lsp_bench as bench

    async def run() -> tuple[float, float]:
        (tmp_path / "tests").mkdir()
        (tmp_path / "pyproject.toml").write_text("")
        text = bench.generate_module(10000)
        path = tmp_path / "tests" / "test_big.py"
        path.write_text(text)
        client = bench.Client({**os.environ, "LOOPLINT_LSP_DEBOUNCE_MS": "0"})
        await client.start([tmp_path], pull=False)
        await client.wait(lambda: client.progress_end is not None, timeout=120)
        uri = path.as_uri()
        client.notify("textDocument/didOpen", {
            "textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": text}
        })
        await client.wait(lambda: any(v == 1 for v, _, _ in client.published.get(uri, [])), timeout=120)
        line = len(text.split("\n")) // 2
        start = {"line": line, "character": 0}
        rss = []
        for version in range(2, 122):
            if version % 2 == 0:
                change = {"range": {"start": start, "end": start}, "text": "\n"}
            else:
                change = {"range": {"start": start, "end": {"line": line + 1, "character": 0}}, "text": ""}
            client.notify("textDocument/didChange", {
                "textDocument": {"uri": uri, "version": version}, "contentChanges": [change]
            })
            await client.wait(lambda: any(v == version for v, _, _ in client.published.get(uri, [])), timeout=120)
            if version in (21, 121):
                rss.append(bench.memory_mb(client.pid)[0])
        await client.stop()
        return rss[0], rss[1]

    early, late = asyncio.run(run())
    assert late - early < 20, f"resident memory grew from {early:.0f} MB to {late:.0f} MB over 100 edits"
