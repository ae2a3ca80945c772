"""One analysis thread, with priorities.

All engine work runs here, never on the thread that reads and answers
messages, so the server stays responsive while it checks a big file or
indexes a workspace. One thread (rather than a pool) keeps the engine's
caches free of races and makes "the newest request first" simple: jobs run by
priority, then in submission order, and a job cancelled before it starts
(a superseded edit, a request the client cancelled) never runs.

Indexing is submitted in small chunks at the lowest priority, so a keystroke's
diagnostics wait at most for one chunk.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import threading
from concurrent.futures import Future
from typing import Any, Callable

log = logging.getLogger("looplint.lsp")

INTERACTIVE = 0  # hover, code actions, pull diagnostics: the user is waiting
DIAGNOSE = 1  # pushing diagnostics of the edited file
DEPENDENTS = 2  # re-checking files that depend on a changed one
INDEX = 3  # workspace indexing


class Worker:
    def __init__(
        self, name: str = "looplint-analysis", *, on_idle: Callable[[], None] | None = None, idle_seconds: float = 1.0
    ):
        # `on_idle` runs on this thread once the queue has stayed empty for `idle_seconds`
        # after some work (housekeeping nobody should wait for: see memory.GarbagePolicy).
        self._on_idle = on_idle
        self._idle_seconds = idle_seconds
        self._worked_since_idle = False
        self._queue: list[tuple[int, int, Future, Callable, tuple]] = []
        self._counter = itertools.count()
        self._cond = threading.Condition()
        self._stopped = False
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def submit(self, priority: int, fn: Callable[..., Any], *args: Any) -> Future:
        future: Future = Future()
        with self._cond:
            if self._stopped:
                future.cancel()
                return future
            heapq.heappush(self._queue, (priority, next(self._counter), future, fn, args))
            self._cond.notify()
        return future

    def pending(self) -> int:
        with self._cond:
            return len(self._queue)

    def stop(self) -> None:
        with self._cond:
            self._stopped = True
            for _, _, future, _, _ in self._queue:
                future.cancel()
            self._queue.clear()
            self._cond.notify_all()

    def _run(self) -> None:
        while True:
            idle = False
            with self._cond:
                while not self._queue and not self._stopped:
                    if self._on_idle is not None and self._worked_since_idle:
                        if not self._cond.wait(self._idle_seconds) and not self._queue:
                            idle = True
                            break
                    else:
                        self._cond.wait()
                if self._stopped:
                    return
                if not idle:
                    _, _, future, fn, args = heapq.heappop(self._queue)
            if idle:
                self._worked_since_idle = False
                try:
                    self._on_idle()  # type: ignore[misc]
                except Exception:
                    log.exception("idle housekeeping failed")
                continue
            self._worked_since_idle = True
            if not future.set_running_or_notify_cancel():
                continue  # cancelled while queued
            try:
                result = fn(*args)
            except BaseException as exc:  # reported to whoever awaits the future
                future.set_exception(exc)
            else:
                future.set_result(result)
