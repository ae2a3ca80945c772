"""The protocol forgets the futures of handlers that answer no request.

pygls files the future of every generator, coroutine or threaded handler under its message id
and removes only those of client requests, when it answers them: every notification (each
keystroke's `didChange`) left one behind, and a long editing session grew the server by
megabytes. Driven in process, so that the protocol's own table can be looked at.
"""

from __future__ import annotations

import asyncio
import json

from looplint.lsp.server import create_server


class _Sink:
    def __init__(self) -> None:
        self.data: list[bytes] = []

    def write(self, data: bytes) -> None:
        self.data.append(data)

    def close(self) -> None:
        pass

    def answers(self) -> dict:
        found = {}
        for chunk in self.data:
            body = json.loads(chunk.decode().split("\r\n\r\n", 1)[1])
            if "id" in body and "method" not in body:
                found[body["id"]] = body
        return found


async def test_notifications_leave_no_future_behind_and_requests_are_still_answered(tmp_path):
    server = create_server()
    protocol = server.protocol
    sink = _Sink()
    protocol.set_writer(sink)
    uri = (tmp_path / "test_a.py").as_uri()

    def send(message: dict) -> None:
        protocol.handle_message(protocol.structure_message({"jsonrpc": "2.0", **message}))

    send({"method": "textDocument/didOpen", "params": {"textDocument": {
        "uri": uri, "languageId": "python", "version": 1, "text": "x = 1\n"}}})
    for version in range(2, 302):
        send({"method": "textDocument/didChange", "params": {
            "textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": f"x = {version}\n"}]}})
        await asyncio.sleep(0)
    send({"id": 7, "method": "textDocument/hover", "params": {
        "textDocument": {"uri": uri}, "position": {"line": 0, "character": 0}}})
    for _ in range(200):
        if 7 in sink.answers():
            break
        await asyncio.sleep(0.05)
    assert 7 in sink.answers(), "the hover request was answered"
    await asyncio.sleep(0.2)
    assert len(protocol._request_futures) == 0, list(protocol._request_futures)[:5]
