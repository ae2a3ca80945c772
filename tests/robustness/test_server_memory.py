"""The server's memory stays bounded: a real `looplint server` driven over stdio, its RSS read from /proc.

Small, fast versions of `bench/memory_bench.py`'s scenarios. They assert bounds on growth, never
speed: every wait has a generous timeout, and a memory figure is read again (up to a deadline)
until the server has had its idle moment (it collects and returns freed memory then).
"""

from __future__ import annotations

import asyncio
import os
import random
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import lsp_bench as bench  # noqa: E402

pytestmark = pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads RSS from /proc (Linux)")

TIMEOUT = 300.0


async def start(folder: Path) -> bench.Client:
    (folder / "pyproject.toml").write_text("")
    client = bench.Client({**os.environ, "LOOPLINT_LSP_DEBOUNCE_MS": "0"})
    await client.start([folder], pull=False)
    await client.wait(lambda: client.progress_end is not None, timeout=TIMEOUT)
    return client


def rss(client: bench.Client) -> float:
    return bench.memory_mb(client.pid)[0]


async def settled(client: bench.Client, within=lambda mb: False, deadline: float = 20.0) -> float:
    """RSS after the server's idle moment (>= 2 s without work); read again until `within` holds
    or the deadline passes, so a slow machine delays the test instead of failing it."""
    await asyncio.sleep(2.0)
    end = time.monotonic() + deadline
    value = rss(client)
    while not within(value) and time.monotonic() < end:
        await asyncio.sleep(0.5)
        value = rss(client)
    return value


def open_doc(client: bench.Client, uri: str, text: str, version: int = 1) -> None:
    client.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "python", "version": version,
                                                            "text": text}})


async def published(client: bench.Client, uri: str, version: int) -> list:
    await client.wait(lambda: any(v == version for v, _, _ in client.published.get(uri, [])), timeout=TIMEOUT)
    return client.published[uri]


async def test_a_long_editing_session_stays_within_half_again_of_the_opened_document(tmp_path):
    text = bench.generate_module(1000)
    path = tmp_path / "tests" / "test_edited.py"
    path.parent.mkdir()
    path.write_text(text)
    client = await start(tmp_path)
    try:
        uri = path.as_uri()
        open_doc(client, uri, text)
        await published(client, uri, 1)
        opened = await settled(client)
        rng = random.Random(7)
        count = len(text.split("\n"))
        at = 0
        last = 401
        for version in range(2, last + 1):
            if version % 2 == 0:
                at = rng.randrange(10, count - 10)
                change = {"range": {"start": {"line": at, "character": 0}, "end": {"line": at, "character": 0}},
                          "text": "        value = compute()\n"}
            else:
                change = {"range": {"start": {"line": at, "character": 0}, "end": {"line": at + 1, "character": 0}},
                          "text": ""}
            client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version},
                                                     "contentChanges": [change]})
            if version % 10 == 0 or version == last:
                await published(client, uri, version)
                client.published[uri] = client.published[uri][-1:]
        edited = await settled(client, lambda mb: mb <= 1.5 * opened)
        assert edited <= 1.5 * opened, f"{opened:.0f} MB after opening, {edited:.0f} MB after 400 edits"
        assert client.process.returncode is None
    finally:
        await client.stop()


async def test_closing_a_document_gives_its_memory_back(tmp_path):
    client = await start(tmp_path)
    try:
        warm = (tmp_path / "test_warm.py").as_uri()  # first-use costs (lazy imports, caches) come first
        open_doc(client, warm, bench.generate_module(200))
        await published(client, warm, 1)
        client.notify("textDocument/didClose", {"textDocument": {"uri": warm}})
        before = await settled(client)
        text = bench.generate_module(2000) * 20  # about 1 MB, 40,000 lines
        uri = (tmp_path / "test_big.py").as_uri()
        open_doc(client, uri, text)
        await published(client, uri, 1)
        opened = rss(client)
        assert opened - before > 20, "the document did not cost memory: nothing to measure"
        client.notify("textDocument/didClose", {"textDocument": {"uri": uri}})

        def freed(mb: float) -> bool:
            return mb <= before + 0.3 * (opened - before)

        closed = await settled(client, freed)
        assert freed(closed), f"{before:.0f} MB before, {opened:.0f} MB open, {closed:.0f} MB after closing"
    finally:
        await client.stop()


async def test_a_document_above_the_size_limit_is_not_checked_and_says_why(tmp_path):
    client = await start(tmp_path)
    try:
        before = await settled(client)
        path = tmp_path / "test_huge.py"
        uri = path.as_uri()
        blocking = "import time\nimport unittest\n\nclass T(unittest.IsolatedAsyncioTestCase):\n" \
                   "    async def test_a(self):\n        time.sleep(1)\n"
        huge = blocking + "value = [1, 2, 3]\n" * (10 * 1024 * 1024 // 18 + 1000)
        open_doc(client, uri, huge)
        await published(client, uri, 1)
        hover = await client.request("textDocument/hover",
                                     {"textDocument": {"uri": uri}, "position": {"line": 0, "character": 0}})
        assert "did not check this file" in hover["contents"]["value"]
        assert "10 MB limit" in hover["contents"]["value"]
        assert client.published[uri][-1][2] == 1  # that one diagnostic, not the blocking call's
        # Holding the text is all it costs (analysing it would take gigabytes).
        assert rss(client) - before < 200
        # Cut back under the limit, the document is checked again.
        client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 2},
                                                 "contentChanges": [{"text": blocking}]})
        await published(client, uri, 2)
        hover = await client.request("textDocument/hover",
                                     {"textDocument": {"uri": uri}, "position": {"line": 5, "character": 9}})
        assert hover is not None and "CO004" in hover["contents"]["value"]
    finally:
        await client.stop()
