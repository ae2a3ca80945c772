"""The server survives its transport: malformed framing and protocol, fuzzed, a hover answered after each case.

The framing parser is tested byte by byte; then a real `looplint server` gets random bytes,
truncated and oversized headers, bad lengths, bare LFs, junk and non-JSON bodies between
valid messages, and random valid and invalid requests: after every case a hover must be
answered, the process must stay alive, and after `shutdown` requests get InvalidRequest.
"""

from __future__ import annotations

import json
import os
import random
import re
import select
import subprocess
import sys
import time

import pytest

from looplint.lsp.transport import FrameParser

TIMEOUT = 30.0


def frame(obj, *, header: bytes | None = None) -> bytes:
    body = json.dumps(obj).encode()
    return (header if header is not None else b"Content-Length: %d\r\n\r\n" % len(body)) + body


def messages(events):
    return [payload for kind, payload in events if kind == "message"]


# -- the parser ------------------------------------------------------------------------------------------


def test_parser_reads_messages_split_anywhere():
    stream = frame({"a": 1}) + frame({"b": 2}, header=b"Content-Type: x\r\ncontent-length:8\n\n")
    for cut in range(len(stream) + 1):
        parser = FrameParser()
        found = messages(parser.feed(stream[:cut])) + messages(parser.feed(stream[cut:]))
        assert found == [b'{"a": 1}', b'{"b": 2}'], cut


@pytest.mark.parametrize("bad", [
    b"Content-Length: 99999999999999999999\r\n\r\n{}",
    b"Content-Length: -5\r\n\r\n{}",
    b"Content-Length: abc\r\n\r\n{}",
    b"Content-Length: 1e3\r\n\r\n{}",
    b"Content-Length:\r\n\r\n{}",
    b"X-Nothing: 1\r\n\r\n{}",
    b"junk junk",
    b"\x00\xff\r\n\r\n\r\n",
    b"{" * 20_000,
])
def test_parser_discards_bad_frames_and_resynchronises(bad):
    parser = FrameParser()
    events = parser.feed(bad + frame({"ok": True}))
    assert messages(events) == [b'{"ok": true}']
    assert any(kind == "discarded" for kind, _ in events)


def test_parser_refuses_absurd_lengths_without_waiting_for_them():
    parser = FrameParser(max_message=1000)
    events = parser.feed(b"Content-Length: 1001\r\n\r\n" + frame({"next": 1}))
    assert messages(events) == [b'{"next": 1}']
    assert len(parser.buffer) < 100


def test_parser_memory_stays_bounded_on_endless_junk():
    parser = FrameParser()
    for _ in range(200):
        parser.feed(os.urandom(4096).replace(b"C", b"c"))
        assert len(parser.buffer) < 64 * 1024


# -- a real server -----------------------------------------------------------------------------------------


class RawClient:
    """A client that writes raw bytes to the server and reads framed answers."""

    def __init__(self, root):
        env = {**os.environ, "LOOPLINT_LSP_DEBOUNCE_MS": "20"}
        self.process = subprocess.Popen([sys.executable, "-m", "looplint", "server"], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=root)
        self.buffer = b""
        self.next_id = 1000
        self.root = root

    def send(self, data: bytes) -> None:
        self.process.stdin.write(data)
        self.process.stdin.flush()

    def read(self, deadline: float):
        while True:
            end = self.buffer.find(b"\r\n\r\n")
            if end >= 0:
                length = int(re.search(rb"Content-Length: (\d+)", self.buffer[:end]).group(1))
                if len(self.buffer) >= end + 4 + length:
                    body = self.buffer[end + 4 : end + 4 + length]
                    self.buffer = self.buffer[end + 4 + length :]
                    return json.loads(body)
            ready, _, _ = select.select([self.process.stdout], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                return None
            chunk = os.read(self.process.stdout.fileno(), 1 << 16)
            if not chunk:
                return None
            self.buffer += chunk

    def answer(self, request_id, timeout: float = TIMEOUT, *, or_parse_error: bool = False):
        deadline = time.monotonic() + timeout
        while True:
            message = self.read(deadline)
            if message is None or message.get("id") == request_id:
                return message
            if or_parse_error and message.get("id") is None and message.get("error", {}).get("code") == -32700:
                return message  # what we sent was read as the rest of a truncated body

    def request(self, method: str, params) -> int:
        self.next_id += 1
        self.send(frame({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params}))
        return self.next_id

    def hover(self, uri: str) -> int:
        return self.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": 4, "character": 16}})

    def answers_a_hover(self, uri: str) -> bool:
        """A hover is answered (a few tries: a truncated body may swallow the first ones)."""
        for _ in range(4):
            request_id = self.hover(uri)
            answer = self.answer(request_id, timeout=10, or_parse_error=True)
            if answer is not None and answer.get("id") == request_id:
                return True
        return False


@pytest.fixture
def client(tmp_path):
    root = tmp_path / "proj"
    root.mkdir()
    (root / "pyproject.toml").write_text("")
    test = root / "test_a.py"
    test.write_text("import time\nimport unittest\n\nclass T(unittest.TestCase):\n    async def test_a(self):\n        time.sleep(1)\n")
    raw = RawClient(root)
    raw.answer(raw.request("initialize", {"capabilities": {}, "rootUri": root.as_uri(), "processId": None}))
    raw.send(frame({"jsonrpc": "2.0", "method": "initialized", "params": {}}))
    uri = test.as_uri()
    raw.send(frame({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
        "uri": uri, "languageId": "python", "version": 1, "text": test.read_text()}}}))
    raw.uri = uri
    yield raw
    if raw.process.poll() is None:
        raw.process.kill()
    raw.process.wait(timeout=TIMEOUT)


def _framing_cases(rng: random.Random):
    valid = frame({"jsonrpc": "2.0", "method": "$/cancelRequest", "params": {"id": 1}})
    yield b"Content-Length: 99999999999999999999\r\n\r\n{}"
    yield b"Content-Length: -5\r\n\r\n{}"
    yield b"Content-Length: abc\r\n\r\n{}"
    yield b"Content-Length: 17\n\n" + b'{"jsonrpc":"2.0"}'  # bare LF
    yield b"junk before a header" + valid
    yield b"Content-Length: 5\r\n\r\nnot json" + valid
    yield b"Content-Length: 3\r\n\r\n[[["
    yield b"Content-Length: 20000\r\n\r\n" + b"[" * 20000  # deeper than json can read
    for _ in range(25):
        kind = rng.randrange(5)
        if kind == 0:
            yield os.urandom(rng.randint(1, 3000))
        elif kind == 1:  # a truncated header
            yield b"Content-Length: 1"[: rng.randint(1, 17)] + b"\r\n"
        elif kind == 2:  # an oversized or absurd header
            yield b"Content-Length: " + str(rng.choice([10**9, 2**63, 10**30])).encode() + b"\r\n\r\n" + os.urandom(50)
        elif kind == 3:  # a truncated body (small: what follows fills it)
            yield b"Content-Length: %d\r\n\r\n{\"jsonrpc\"" % rng.randint(20, 120)
        else:  # valid messages interleaved with junk
            yield valid + os.urandom(rng.randint(1, 40)) + valid


def test_malformed_framing_is_survived_and_a_hover_answered_after_each_case(client):
    rng = random.Random(13)
    for case in _framing_cases(rng):
        client.send(case)
        assert client.answers_a_hover(client.uri), case[:80]
        assert client.process.poll() is None
    stderr_tail = _stop(client)
    assert "Traceback" not in stderr_tail


def _protocol_cases(rng: random.Random, uri: str):
    methods = ["textDocument/hover", "textDocument/codeAction", "textDocument/diagnostic", "workspace/symbol",
               "textDocument/definition", "codeAction/resolve", "no/such/method", "", "initialize"]
    junk_values = [None, 0, -1, 2**70, "x", [], {}, [1, "a"], {"uri": 5}, True, 1.5, "\x00", "😀" * 50]
    for _ in range(60):
        method = rng.choice(methods)
        if rng.random() < 0.5:
            params = {"textDocument": {"uri": rng.choice([uri, "file:///nowhere.py", "not a uri", 5])},
                      "position": {"line": rng.choice([0, 4, 10**9, -1]), "character": rng.choice([0, 16, 10**9, -3])},
                      "range": {"start": {"line": 0, "character": 0}, "end": {"line": 5, "character": 0}},
                      "context": {"diagnostics": rng.choice([[], [{}], "x"])}}
        else:
            params = rng.choice(junk_values)
        message = {"jsonrpc": rng.choice(["2.0", "2.0", "2.0", "1.0", None]), "method": method, "params": params}
        if rng.random() < 0.8:
            message["id"] = rng.choice([rng.randint(1, 10**6), "str-id", None, [1], 1.5])
        yield message


def test_random_valid_and_invalid_requests_get_answers(client):
    rng = random.Random(7)
    for message in _protocol_cases(rng, client.uri):
        client.send(frame(message))
        assert client.answers_a_hover(client.uri), message
        assert client.process.poll() is None
    assert "Traceback" not in _stop(client)


def test_requests_after_shutdown_get_invalid_request(client):
    assert client.answer(client.request("shutdown", None))["result"] is None
    answer = client.answer(client.hover(client.uri))
    assert answer["error"]["code"] == -32600
    client.send(frame({"jsonrpc": "2.0", "method": "exit"}))
    assert client.process.wait(timeout=TIMEOUT) == 0


def _stop(client) -> str:
    client.answer(client.request("shutdown", None))
    client.send(frame({"jsonrpc": "2.0", "method": "exit"}))
    client.process.wait(timeout=TIMEOUT)
    return client.process.stderr.read().decode(errors="replace")[-5000:]
