"""Our LSP protocol: pygls' with two changes.

1. Text synchronisation goes to the server's own document store (see
   `documents`), not to pygls' workspace documents, whose line splitting
   differs from the LSP's.
2. A request whose parameters cannot be read (wrong types, missing fields)
   gets a JSON-RPC `InvalidParams` error answer. pygls logs such a message
   and drops it, which leaves the client waiting forever.
3. A request after `shutdown` gets an `InvalidRequest` error answer (pygls
   drops it silently).
4. The future of a handler that answers no request (a notification, or a step
   of a generator handler) is forgotten once it is done. pygls files every
   generator, coroutine and threaded handler's future under its message id and
   removes only those of requests (when it answers them): each `didChange` left
   one behind, and a long editing session grew the server by megabytes.
"""

from __future__ import annotations

import logging
from typing import Any

from lsprotocol import types
from pygls.exceptions import JsonRpcException, JsonRpcInvalidParams, JsonRpcInvalidRequest
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.language_server import lsp_method

log = logging.getLogger("looplint.lsp")


class _Answered:
    """Stands for a request that already got its error answer."""

    jsonrpc = "2.0"


ANSWERED = _Answered()


class LooplintProtocol(LanguageServerProtocol):
    @lsp_method(types.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(self, params: types.DidOpenTextDocumentParams):
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_OPEN)) is not None:
            yield handler, (params,), None

    @lsp_method(types.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params: types.DidChangeTextDocumentParams):
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_CHANGE)) is not None:
            yield handler, (params,), None

    @lsp_method(types.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(self, params: types.DidCloseTextDocumentParams):
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_CLOSE)) is not None:
            yield handler, (params,), None

    def structure_message(self, data: dict[str, Any]):
        try:
            return super().structure_message(data)
        except JsonRpcException as exc:
            if isinstance(data, dict) and "method" in data and data.get("id") is not None:
                method = data.get("method")
                log.warning("invalid parameters for %s (request %s): %s", method, data.get("id"), exc.__cause__ or exc)
                error = JsonRpcInvalidParams(f"invalid parameters for {method}: {_first_line(exc.__cause__)}")
                self._send_response(data["id"], error=error.to_response_error())
                return ANSWERED
            raise

    _answering: Any = None  # the id of the client request whose handler is being started

    def _handle_request(self, msg_id, method_name: str, params: Any):
        self._answering = msg_id
        try:
            super()._handle_request(msg_id, method_name, params)
        finally:
            self._answering = None

    def _execute_handler(self, msg_id, handler, callback, args=None, kwargs=None):
        self._forget_done_futures()
        super()._execute_handler(msg_id, handler, callback, args, kwargs)
        if msg_id is self._answering:
            return  # pygls removes it when it sends the answer (or the client cancels it)
        future = self._request_futures.get(msg_id)
        if future is not None:
            self._forgettable.append((msg_id, future))

    def _forget_done_futures(self) -> None:
        # Here, on the event loop, rather than in a done callback: callbacks also run on other
        # threads, and while pygls walks the table (`shutdown` cancels what is pending).
        forgettable = getattr(self, "_forgettable", None)
        if forgettable is None:
            forgettable = self._forgettable = []
        if not forgettable:
            return
        futures = self._request_futures
        pending = []
        for key, future in forgettable:
            if not future.done():
                pending.append((key, future))
            elif futures.get(key) is future:
                del futures[key]
        self._forgettable = pending

    def handle_message(self, message):
        if message is ANSWERED:
            return
        method = getattr(message, "method", None)
        if self._shutdown and method is not None and method != types.EXIT and getattr(message, "id", None) is not None:
            # After `shutdown` only `exit` is allowed; a request still deserves an answer.
            error = JsonRpcInvalidRequest(f"the server is shutting down: {method} refused")
            self._send_response(message.id, error=error.to_response_error())
            return
        super().handle_message(message)


def _first_line(exc: BaseException | None) -> str:
    text = str(exc or "malformed")
    return text.splitlines()[0] if text else "malformed"
