"""The server's log: to the client's output (`window/logMessage`), at the `logLevel` the settings give."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from lsprotocol import types
from pygls.exceptions import JsonRpcException

if TYPE_CHECKING:
    from .server import LooplintServer

LEVELS = {"error": logging.ERROR, "warning": logging.WARNING, "info": logging.INFO, "debug": logging.DEBUG}
_MESSAGE_TYPES = {
    logging.ERROR: types.MessageType.Error,
    logging.WARNING: types.MessageType.Warning,
    logging.INFO: types.MessageType.Info,
    logging.DEBUG: types.MessageType.Log,
}


class ClientLogHandler(logging.Handler):
    """Forwards log records to the client (`window/logMessage`), from any thread."""

    def __init__(self, server: "LooplintServer"):
        super().__init__(logging.INFO)
        self.server = server

    def set_level_name(self, level: str) -> None:
        self.setLevel(LEVELS.get(level, logging.INFO))

    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = self.format(record)
            kind = _MESSAGE_TYPES.get(record.levelno, types.MessageType.Log)
            self.server.call_in_loop(
                self.server.window_log_message, types.LogMessageParams(type=kind, message=message)
            )
        except Exception:  # pragma: no cover - logging must never raise
            self.handleError(record)


class AnsweredErrors(logging.Filter):
    """Drop pygls' tracebacks for errors the client already got as a JSON-RPC answer."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if isinstance(exc, JsonRpcException):
            return False
        return not record.getMessage().startswith("Unable to deserialize message")


class FileLog:
    """`logFile`: the log also goes to a file (appended), at the same level; changed without a restart."""

    def __init__(self, logger_name: str = "looplint"):
        self.logger = logging.getLogger(logger_name)
        self.path: str | None = None
        self.handler: logging.Handler | None = None

    def use(self, path: str | None, level: str) -> None:
        if path != self.path:
            self._close()
            self.path = path
            if path:
                try:
                    handler = logging.FileHandler(path, encoding="utf-8", delay=False)
                except OSError as exc:
                    logging.getLogger("looplint.lsp").warning("logFile %s cannot be written: %s", path, exc)
                else:
                    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
                    self.handler = handler
                    self.logger.addHandler(handler)
        if self.handler is not None:
            self.handler.setLevel(LEVELS.get(level, logging.INFO))

    def _close(self) -> None:
        if self.handler is not None:
            self.logger.removeHandler(self.handler)
            self.handler.close()
            self.handler = None
