"""The LSP base protocol on stdio, read so that no byte stream can kill or deafen the server.

Messages are `Content-Length: N` headers, a blank line, then N bytes of JSON. pygls'
reader trusts every header: a length that is not a number, negative, huge or ended by a
bare LF makes it read the rest of the stream as one endless header, and an absurd length
ends the process. Here framing is parsed by `FrameParser` (pure, tested byte by byte):

- header lines may end in CRLF or LF; other headers (Content-Type) are ignored;
- bytes that are not a header (junk before one, a body whose header was bad) are
  discarded up to the next `Content-Length:`, where the parser resynchronises;
- a length that is not a plain number, or larger than MAX_MESSAGE_BYTES, is refused
  (the message is discarded, the server says so in its log);
- a body that is not JSON gets a JSON-RPC parse error answer.

The reading thread only reads stdin and parses frames: it never touches a file, and the
messages go to the event loop, which handles them as pygls does.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
import threading
from typing import BinaryIO, Callable

from pygls.io_ import StdoutWriter

log = logging.getLogger("looplint.lsp")

# Well above any real message (a 10 MB document, JSON-escaped, in a didOpen), far below what
# would exhaust memory.
MAX_MESSAGE_BYTES = 64 * 1024 * 1024
# A header block longer than this is junk.
MAX_HEADER_BYTES = 8 * 1024

_CONTENT_LENGTH = re.compile(rb"content-length[ \t]*:", re.IGNORECASE)
_BLANK_LINE = re.compile(rb"\r?\n\r?\n")
_LENGTH_VALUE = re.compile(rb"content-length[ \t]*:[ \t]*([^\r\n]*)", re.IGNORECASE)


class FrameParser:
    """Bytes in, ("message", body) and ("discarded", why) events out."""

    def __init__(self, max_message: int = MAX_MESSAGE_BYTES, max_header: int = MAX_HEADER_BYTES):
        self.max_message = max_message
        self.max_header = max_header
        self.buffer = bytearray()
        self.body_length: int | None = None  # reading a body of this length
        self.resync = False  # looking for the next `Content-Length:`

    def feed(self, data: bytes) -> list[tuple[str, object]]:
        self.buffer += data
        events: list[tuple[str, object]] = []
        while True:
            if self.body_length is not None:
                if len(self.buffer) < self.body_length:
                    return events
                body = bytes(self.buffer[: self.body_length])
                del self.buffer[: self.body_length]
                self.body_length = None
                events.append(("message", body))
                continue
            if self.resync or not self.buffer[:1].isalpha():
                if not self._skip_to_header(events):
                    return events
            end = _BLANK_LINE.search(self.buffer, 0, self.max_header + 4)
            if end is None:
                if len(self.buffer) > self.max_header:
                    self._discard("a header block longer than {} bytes".format(self.max_header), events)
                    continue
                return events
            header = bytes(self.buffer[: end.start()])
            del self.buffer[: end.end()]
            found = _LENGTH_VALUE.search(header)
            if found is None:
                self._discard("a header without Content-Length", events)
                continue
            if found.start() > 0 and not header[: found.start()].endswith((b"\n",)):
                events.append(("discarded", f"{found.start()} bytes of junk before a header"))
            value = found.group(1).strip()
            if not value.isdigit():
                self._discard(f"a message with Content-Length {value[:40].decode('latin-1')!r}", events)
                continue
            length = int(value) if len(value) <= 20 else self.max_message + 1
            if length > self.max_message:
                self._discard(f"a message of {value[:40].decode()} bytes (the limit is {self.max_message})", events)
                continue
            self.body_length = length

    def _skip_to_header(self, events: list) -> bool:
        """Drop bytes up to the next `Content-Length:`; False when none is in the buffer yet."""
        found = _CONTENT_LENGTH.search(self.buffer)
        if found is None:
            keep = len(b"content-length:") + 16  # a header may be arriving in pieces
            if len(self.buffer) > keep:
                dropped = len(self.buffer) - keep
                del self.buffer[:dropped]
                events.append(("discarded", f"{dropped} bytes that are not a message"))
            return False
        if found.start():
            events.append(("discarded", f"{found.start()} bytes that are not a message"))
            del self.buffer[: found.start()]
        self.resync = False
        return True

    def _discard(self, what: str, events: list) -> None:
        events.append(("discarded", f"refused {what}"))
        self.resync = True


def serve(server, stdin: BinaryIO, stdout: BinaryIO) -> None:
    """Run `server` (a pygls LanguageServer) on these streams with the robust reader."""
    protocol = server.protocol
    protocol.set_writer(StdoutWriter(stdout))
    stop = threading.Event()
    server._stop_event = stop

    async def main() -> None:
        loop = asyncio.get_running_loop()
        done = loop.create_future()

        def deliver(kind: str, payload: object) -> None:
            if kind == "message":
                _handle(protocol, payload, server)  # type: ignore[arg-type]
            elif kind == "discarded":
                log.warning("transport: %s", payload)
            elif kind == "closed" and not done.done():
                done.set_result(None)

        reader = threading.Thread(
            target=_read_frames, args=(stdin, lambda *event: loop.call_soon_threadsafe(deliver, *event), stop),
            name="looplint-stdin", daemon=True,
        )
        reader.start()
        await done

    try:
        asyncio.run(main())
    except BrokenPipeError:
        log.error("the connection to the client is lost: shutting down")
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        server.shutdown()


def _read_frames(stdin: BinaryIO, emit: Callable[..., None], stop: threading.Event) -> None:
    parser = FrameParser()
    fd = stdin.fileno()
    try:
        while not stop.is_set():
            try:
                data = os.read(fd, 1 << 16)
            except InterruptedError:
                continue
            except OSError:
                break
            if not data:
                break
            for event in parser.feed(data):
                emit(*event)
    finally:
        emit("closed", None)


def _handle(protocol, body: bytes, server) -> None:
    try:
        message = json.loads(body, object_hook=protocol.structure_message)
    except (ValueError, RecursionError) as exc:  # not JSON (or nested past what json can read)
        log.warning("transport: a message that is not JSON: %s", exc)
        protocol._send_data({"jsonrpc": "2.0", "id": None, "error": {"code": -32700, "message": f"Parse error: {exc}"}})
        return
    except Exception as exc:
        log.exception("transport: unable to read a message")
        server.report_server_error(exc, Exception)
        return
    try:
        protocol.handle_message(message)
    except Exception as exc:
        log.exception("transport: unable to handle a message")
        server.report_server_error(exc, Exception)
