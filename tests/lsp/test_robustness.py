"""Thousands of random edits and requests: the server answers everything and stays exact.

Edits hit random ranges with garbage (brackets, quotes, non-ASCII, emoji,
form feeds, U+2028, tabs, CR/LF/CRLF); about half of them are undone later,
as an editor's undo would, so the text keeps coming back to valid Python.
Requests (hovers, code actions, resolves) go to random positions, some out of
range, some with malformed parameters. Every request must be answered with a
result or a JSON-RPC error, the server must never exit, and whenever the
client's text parses, the diagnostics must equal a fresh lint of that text.
"""

from __future__ import annotations

import ast
import asyncio
import random
import re
import time
import uuid
from concurrent.futures import Future

from lsprotocol import types
from pygls.exceptions import JsonRpcException

from lsp_fixtures import TEST_AGENT
from lsp_session import units16
from looplint.engine.workspace import Engine
from looplint.rules import all_rules

EDITS_PER_MODE = 2500
ALPHABET = list("abcxyz_019 ():,.=+#'\"[]{}\\") + ["\n", "\r\n", "\r", "\t", "é", "😀", "𝔘", "\u2028", "\x0c", "    ", "async ", "def "]
VALID_LINES = ["# comment é😀\t𝔘\n", "x = '😀' + \"é\"\n", "\tpass_ = 1\n", "y = 2  # noqa: UT001\n"]

START = TEST_AGENT.replace("from test_framework", "# ünïcode 😀 header\r\nfrom test_framework") + (
    "\n\nclass TestMore(AsyncTestCase):\n\tasync def test_tabs(self):  # 😀\n\t\tpass\r\n"
)

EOL = re.compile(r"\r\n|\r|\n")


def _valid_offset(text: str, offset: int) -> bool:
    """A position an LSP client can address (not between the CR and LF of a CRLF)."""
    return not (0 < offset < len(text) and text[offset - 1] == "\r" and text[offset] == "\n")


def _parses(text: str) -> bool:
    try:
        ast.parse(text)
    except (SyntaxError, ValueError):
        return False
    return True


def _random_offset(rng: random.Random, text: str) -> int:
    while True:
        offset = rng.randint(0, len(text))
        if _valid_offset(text, offset):
            return offset


def _expected(root, rel: str, text: str) -> list[tuple]:
    """A fresh lint of `text`, as (code, range in UTF-16, message)."""
    result = Engine(all_rules(), lenient_config=True).check_file(root / rel, text)
    lines = EOL.split(text)
    out = []
    for d in result.diagnostics:
        r = d.range
        start = (r.line - 1, units16(lines[r.line - 1][: r.col]))
        end = (r.end_line - 1, units16(lines[r.end_line - 1][: r.end_col]))
        out.append((d.code, start, end, d.message))
    return sorted(out)


def _seen(diagnostics) -> list[tuple]:
    return sorted(
        (d.code, (d.range.start.line, d.range.start.character), (d.range.end.line, d.range.end.character), d.message)
        for d in diagnostics
    )


async def _drive(session, seed: int) -> dict:
    rng = random.Random(seed)
    rel = "tests/test_agent.py"
    uri = session.open(rel, START)
    doc = session.docs[uri]
    undo: list[tuple[int, int, str]] = []  # (start, end of the inserted text, text it replaced)
    pending: list[asyncio.Future] = []
    checkpoints = 0
    stats = {"edits": 0, "requests": 0, "errors": 0, "checkpoints": 0}

    async def checkpoint():
        nonlocal checkpoints
        diagnostics = await session.diagnostics(uri)
        assert _seen(diagnostics) == _expected(session.root, rel, doc.text), doc.text
        checkpoints += 1

    def send(start: int, end: int, new: str) -> bool:
        old_text = doc.text
        candidate = old_text[:start] + new + old_text[end:]
        # Keep every later undo expressible: no CRLF may form across the edit's edges.
        if not (_valid_offset(candidate, start) and _valid_offset(candidate, start + len(new))):
            return False
        rng_ = types.Range(start=doc.position(start), end=doc.position(end))
        session.edit(uri, [types.TextEdit(range=rng_, new_text=new)])
        assert doc.text == candidate
        undo.append((start, start + len(new), old_text[start:end]))
        stats["edits"] += 1
        return True

    def request(coro) -> None:
        pending.append(asyncio.ensure_future(coro))
        stats["requests"] += 1

    def random_position() -> types.Position:
        lines = doc.lines()
        if rng.random() < 0.1:  # out of range on purpose
            return types.Position(line=len(lines) + rng.randint(0, 5), character=rng.randint(0, 500))
        line = rng.randrange(len(lines))
        return types.Position(line=line, character=rng.randint(0, units16(lines[line]) + 3))

    published_diagnostics = lambda: list(session.client.diagnostics.get(uri, []))  # noqa: E731

    while stats["edits"] < EDITS_PER_MODE:
        roll = rng.random()
        if undo and roll < 0.52:
            start, end, old = undo.pop()
            edit_range = types.Range(start=doc.position(start), end=doc.position(end))
            session.edit(uri, [types.TextEdit(range=edit_range, new_text=old)])
            stats["edits"] += 1
        elif not undo and roll < 0.5:
            # At a clean state: a valid line at the start of a random line (kept, not undone).
            starts = [0] + [m.end() for m in EOL.finditer(doc.text)]
            at = rng.choice(starts)
            line = rng.choice(VALID_LINES)
            candidate = doc.text[:at] + line + doc.text[at:]
            try:
                ast.parse(candidate)
            except SyntaxError:
                continue
            if send(at, at, line):
                undo.pop()  # permanent
        else:
            start = _random_offset(rng, doc.text)
            end = min(len(doc.text), start + rng.choice([0, 0, 1, 2, 5, 20]))
            if not _valid_offset(doc.text, end):
                end += 1
            new = "".join(rng.choice(ALPHABET) for _ in range(rng.choice([0, 1, 1, 2, 3, 8])))
            send(start, end, new)

        roll = rng.random()
        if roll < 0.06:
            request(session.hover(uri, random_position()))
        elif roll < 0.10:
            a, b = sorted([random_position(), random_position()], key=lambda p: (p.line, p.character))
            only = rng.choice([None, ["quickfix"], ["source.fixAll"], ["source"]])
            request(session.code_actions(uri, types.Range(start=a, end=b), published_diagnostics(), only=only))
        elif roll < 0.11:
            request(_resolve_something(session, uri, published_diagnostics()))
        elif roll < 0.125:
            request(_malformed(session, uri, rng))
        if len(pending) > 40 or rng.random() < 0.01:
            await _settle(pending, stats)
        if stats["edits"] % 25 == 0 and _parses(doc.text):
            await checkpoint()

    while undo:  # back to valid Python (the permanent valid lines stay)
        start, end, old = undo.pop()
        session.edit(uri, [types.TextEdit(range=types.Range(start=doc.position(start), end=doc.position(end)), new_text=old)])
        stats["edits"] += 1
    await _settle(pending, stats)
    ast.parse(doc.text)
    await checkpoint()
    stats["checkpoints"] = checkpoints
    # Still alive and answering.
    assert await session.hover(uri, types.Position(line=0, character=0)) is None
    return stats


async def _resolve_something(session, uri, diagnostics):
    garbage = [
        types.CodeAction(title="x", data={"action": "fix", "uri": uri, "version": 10**6}),
        types.CodeAction(title="x", data={"action": "fix", "uri": uri, "version": session.docs[uri].version,
                                          "diagnostic": {"code": "UT001", "range": "nope"}}),
        types.CodeAction(title="x", data=[1, 2, 3]),
        types.CodeAction(title="x", data={"action": "fixAll", "uri": "file:///nowhere.py", "version": 1}),
    ]
    actions = list(await session.code_actions(uri, types.Range(start=types.Position(line=0, character=0),
                                                               end=types.Position(line=0, character=0)), diagnostics))
    for action in actions[:1] + garbage:
        try:
            await session.client.code_action_resolve_async(action)
        except JsonRpcException:
            pass


async def _malformed(session, uri, rng):
    choice = rng.randrange(5)
    protocol = session.client.protocol
    if choice == 0:
        params = {"textDocument": {"uri": 5}, "position": "x"}
        method = types.TEXT_DOCUMENT_HOVER
    elif choice == 1:
        params = {"textDocument": {"uri": uri}, "position": {"line": -1, "character": 0}}
        method = types.TEXT_DOCUMENT_HOVER
    elif choice == 2:
        params = {"textDocument": {"uri": uri}, "range": {}, "context": {"diagnostics": [{"junk": True}]}}
        method = types.TEXT_DOCUMENT_CODE_ACTION
    elif choice == 3:
        params = {
            "textDocument": {"uri": uri},
            "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
            "context": {"diagnostics": [{"range": {"start": {"line": 0, "character": 0},
                                                   "end": {"line": 0, "character": 1}},
                                         "message": "m", "source": "looplint", "data": {"code": 5, "range": [1]}}]},
        }
        method = types.TEXT_DOCUMENT_CODE_ACTION
    else:
        params = {"whatever": 1}
        method = "looplint/doesNotExist"
    try:
        await asyncio.wait_for(_send_raw(protocol, method, params), 20)
    except JsonRpcException as exc:
        assert exc.code in (-32602, -32601, -32603, -32801, -32803), exc


def _send_raw(protocol, method: str, params) -> asyncio.Future:
    """A request exactly as given (the client's typed API cannot send malformed parameters)."""
    msg_id = f"raw-{uuid.uuid4()}"
    future: Future = Future()
    protocol._request_futures[msg_id] = future
    protocol._send_data({"jsonrpc": "2.0", "id": msg_id, "method": method, "params": params})
    return asyncio.wrap_future(future)


async def _settle(pending: list, stats: dict) -> None:
    results = await asyncio.gather(*pending, return_exceptions=True)
    pending.clear()
    for result in results:
        if isinstance(result, JsonRpcException):
            stats["errors"] += 1
        elif isinstance(result, BaseException):
            raise result  # a timeout or a dead server


async def test_random_edits_and_requests(project, start, mode):
    started = time.perf_counter()
    session = await start(project, pull=mode == "pull")
    stats = await _drive(session, seed=1234 if mode == "pull" else 4321)
    elapsed = time.perf_counter() - started
    print(f"{mode}: {stats} in {elapsed:.1f} s")
    assert stats["edits"] >= EDITS_PER_MODE and stats["requests"] > 100 and stats["checkpoints"] >= 5
    assert session.client.error is None
    assert elapsed < 45
