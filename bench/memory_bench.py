#!/usr/bin/env python
"""Memory of `looplint server` driven over stdio, beside the `ast.parse` floor.

    .venv/bin/python bench/memory_bench.py [--edits 10000] [--lines 5000] [--big-mb 2]

1. A long editing session: a generated 5,000-line test module is opened, then edited 10,000
   times (a line inserted at a random place, then removed again; the diagnostics are awaited
   after every 10th edit, the server's debounce is 0, so it checks nearly every version).
   Resident memory (VmRSS from /proc) after opening and after the edits, both once the server
   has been idle for a moment (it returns freed memory then), and right at the end of the burst.
   Target: after the edits <= 1.5x after opening.
2. A big document opened and closed, twice, in a server warmed up by a small document: resident
   memory before, with it open, and after closing it. Target: closing gives back what opening
   took (after each close <= before + 10% of what opening added).
3. A document above the command line's size limit (10 MB): not analysed, one diagnostic says
   why; its cost in memory.

The floor printed beside each: what holding the `ast.parse` tree of the same text costs (measured
in a fresh interpreter) — the least any analysis on `ast` keeps while a document is checked.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import lsp_bench as bench  # noqa: E402  (the raw JSON-RPC client and the generated module)

EDIT_TARGET = 1.5
CLOSE_TARGET = 0.10


def ast_floor_mb(text: str) -> float:
    """Resident memory a fresh interpreter gains by holding `ast.parse(text)`."""
    script = (
        "import ast, sys\n"
        "def rss():\n"
        "    for line in open('/proc/self/status'):\n"
        "        if line.startswith('VmRSS'):\n"
        "            return int(line.split()[1]) / 1024\n"
        "text = sys.stdin.read()\n"
        "before = rss()\n"
        "tree = ast.parse(text)\n"
        "print(rss() - before)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], input=text, capture_output=True, text=True, check=True)
    return float(done.stdout)


async def settled_rss(client: bench.Client, seconds: float = 2.5) -> float:
    """RSS once the server has been idle long enough to collect and trim (its idle hook: 1 s)."""
    await asyncio.sleep(seconds)
    return bench.memory_mb(client.pid)[0]


async def start(folder: Path) -> bench.Client:
    client = bench.Client({**os.environ, "LOOPLINT_LSP_DEBOUNCE_MS": "0"})
    await client.start([folder], pull=False)
    await client.wait(lambda: client.progress_end is not None, timeout=300)
    return client


def open_doc(client: bench.Client, uri: str, text: str) -> None:
    client.notify("textDocument/didOpen", {
        "textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": text}
    })


async def editing_session(folder: Path, lines: int, edits: int, every: int = 10) -> dict:
    text = bench.generate_module(lines)
    path = folder / "tests" / "test_edited.py"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    client = await start(folder)
    uri = path.as_uri()
    open_doc(client, uri, text)
    await client.wait(lambda: any(v == 1 for v, _, _ in client.published.get(uri, [])), timeout=300)
    opened = await settled_rss(client)
    rng = random.Random(13)
    count = len(text.split("\n"))
    inserted_at = 0
    started = time.perf_counter()
    for version in range(2, edits + 2):
        if version % 2 == 0:
            inserted_at = rng.randrange(10, count - 10)
            start_at = {"line": inserted_at, "character": 0}
            change = {"range": {"start": start_at, "end": start_at}, "text": "        value = compute()\n"}
        else:
            change = {"range": {"start": {"line": inserted_at, "character": 0},
                                "end": {"line": inserted_at + 1, "character": 0}}, "text": ""}
        client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version},
                                                 "contentChanges": [change]})
        if version % every == 0 or version == edits + 1:
            await client.wait(lambda: any(v == version for v, _, _ in client.published.get(uri, [])), timeout=300)
            client.published[uri] = client.published[uri][-1:]  # the client's own memory stays flat too
    elapsed = time.perf_counter() - started
    burst = bench.memory_mb(client.pid)[0]
    edited = await settled_rss(client)
    await client.stop()
    return {"opened": opened, "burst": burst, "edited": edited, "seconds": elapsed, "floor": ast_floor_mb(text),
            "lines": count}


async def open_and_close(folder: Path, megabytes: float) -> dict:
    """A server warmed up by a small document (first-use costs: lazy imports, caches), then the big
    document opened and closed twice: what stays after each close."""
    block = bench.generate_module(2000)
    text = block * max(1, round(megabytes * 1024 * 1024 / len(block)))
    client = await start(folder)
    warm = (folder / "test_warm.py").as_uri()
    open_doc(client, warm, bench.generate_module(300))
    await client.wait(lambda: warm in client.published, timeout=600)
    client.notify("textDocument/didClose", {"textDocument": {"uri": warm}})
    before = await settled_rss(client)
    uri = (folder / "test_big_open.py").as_uri()
    cycles = []
    for _ in range(2):
        published = len(client.published.get(uri, []))
        started = time.perf_counter()
        open_doc(client, uri, text)
        await client.wait(lambda: len(client.published.get(uri, [])) > published, timeout=600)
        seconds = time.perf_counter() - started
        opened, peak = bench.memory_mb(client.pid)
        client.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
        cycles.append({"seconds": seconds, "opened": opened, "peak": peak, "closed": await settled_rss(client)})
    await client.stop()
    return {"mb": len(text) / 1048576, "lines": text.count("\n"), "before": before, "cycles": cycles,
            "floor": ast_floor_mb(text)}


async def over_the_limit(folder: Path) -> dict:
    text = "value = [1, 2, 3]\n" * (11 * 1024 * 1024 // 18)
    client = await start(folder)
    before = await settled_rss(client)
    uri = (folder / "test_huge.py").as_uri()
    started = time.perf_counter()
    open_doc(client, uri, text)
    await client.wait(lambda: uri in client.published, timeout=600)
    seconds = time.perf_counter() - started
    opened = bench.memory_mb(client.pid)[0]
    message = ""
    request = {"textDocument": {"uri": uri}, "position": {"line": 0, "character": 0}}
    hover = await client.request("textDocument/hover", request)
    if hover:
        message = hover["contents"]["value"]
    await client.stop()
    return {"mb": len(text) / 1048576, "before": before, "opened": opened, "seconds": seconds, "message": message}


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=10_000)
    parser.add_argument("--lines", type=int, default=5_000)
    parser.add_argument("--big-mb", type=float, default=2.0, help="size of the document opened and closed")
    parser.add_argument("--strict", action="store_true", help="exit with status 1 when a target is missed")
    args = parser.parse_args()
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"looplint server memory — Python {sys.version.split()[0]}, {os.cpu_count()} cores, load average {load}")
    ok = True
    with tempfile.TemporaryDirectory(prefix="looplint-memory-") as tmp:
        root = Path(tmp)
        for name in ("edit", "big", "huge"):
            (root / name).mkdir()
            (root / name / "pyproject.toml").write_text("")

        r = await editing_session(root / "edit", args.lines, args.edits)
        good = r["edited"] <= EDIT_TARGET * r["opened"]
        ok &= good
        print(f"\n1. {args.edits:,} edits to a {r['lines']:,}-line document ({r['seconds']:.0f} s)")
        print(f"   server RSS after opening {r['opened']:.0f} MB, after the edits {r['edited']:.0f} MB "
              f"= {r['edited'] / r['opened']:.2f}x   (target <= {EDIT_TARGET}x: {verdict(good)})")
        print(f"   at the end of the burst, before the idle moment: {r['burst']:.0f} MB")
        print(f"   floor: ast.parse of the document holds {r['floor']:.0f} MB")

        r = await open_and_close(root / "big", args.big_mb)
        before = r["before"]
        print(f"\n2. a {r['mb']:.1f} MB document ({r['lines']:,} lines) opened, checked and closed, twice "
              f"(server warmed up by a small document first)")
        print(f"   server RSS before {before:.0f} MB")
        for number, cycle in enumerate(r["cycles"], 1):
            added = cycle["opened"] - before
            good = cycle["closed"] <= before + CLOSE_TARGET * max(added, 0)
            ok &= good
            print(f"   {number}. open {cycle['opened']:.0f} MB (peak {cycle['peak']:.0f} MB, checked in "
                  f"{cycle['seconds']:.1f} s), after closing {cycle['closed']:.0f} MB   (target: at most "
                  f"{CLOSE_TARGET:.0%} of what opening added stays: {verdict(good)})")
        added = r["cycles"][0]["opened"] - before
        print(f"   floor: ast.parse of the document holds {r['floor']:.0f} MB "
              f"(the open document costs {added / max(r['floor'], 1):.1f}x that)")

        r = await over_the_limit(root / "huge")
        good = "did not check" in r["message"]
        ok &= good
        print(f"\n3. a {r['mb']:.1f} MB document (above the 10 MB limit): told in {r['seconds']:.1f} s "
              f"({verdict(good)}): {r['message'].splitlines()[0] if r['message'] else '(no message)'}")
        print(f"   server RSS before {r['before']:.0f} MB, with it open {r['opened']:.0f} MB")
    print("\nall targets met" if ok else "\nSOME TARGETS MISSED")
    return 1 if args.strict and not ok else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
