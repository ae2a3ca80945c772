"""When open documents are checked: debounce, supersede, one check per version.

Every open document has a `DocState`. Whoever needs the diagnostics of the
document's current version (a push after an edit, a pull, a hover, a code
action) asks `Scheduler.ensure`, which returns the cached result, the check
already queued or running for that version, or a new check. Edits are
debounced; a newer version supersedes the queued work of the older one (and
whoever waited for the older one gets the newer result). A request that
someone waits on skips the debounce.

Runs on the asyncio loop; the checks themselves run on the analysis thread
(`worker`), and their results come back to the loop.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from lsprotocol import types

from . import worker as prio
from .analysis import Analysis
from .documents import Document
from .worker import Worker

log = logging.getLogger("looplint.lsp")


@dataclass(eq=False)
class Job:
    """One check of one document version; whoever needs that version's result awaits `future`."""

    version: int
    text: str
    future: asyncio.Future
    timer: asyncio.TimerHandle | None = None
    work: Future | None = None


@dataclass(eq=False)
class Checked:
    """An analysis with its diagnostics converted for the client."""

    analysis: Analysis
    lsp: list[types.Diagnostic]
    result_id: str = ""

    @property
    def version(self) -> int:
        return self.analysis.version


@dataclass(eq=False)
class DocState:
    doc: Document
    check_path: Path | None  # what the engine checks this buffer as (a synthetic path for untitled buffers)
    job: Job | None = None
    latest: Checked | None = None  # the result for the newest version checked
    closed: bool = False  # closed (or replaced by a new didOpen): its results are dropped
    # `lint.run: onSave`: diagnostics are those of the version last opened or saved.
    saved_version: int = 0
    saved: Checked | None = None


# (snapshot, check path) -> Checked; called on the analysis thread.
Analyse = Callable[[Document, "Path | None"], Checked]
# (state, checked) on the loop, when a check of the state's current version finished.
OnChecked = Callable[[DocState, Checked], None]


class Scheduler:
    def __init__(self, worker: Worker, analyse: Analyse, on_checked: OnChecked):
        self.worker = worker
        self.analyse = analyse
        self.on_checked = on_checked
        self._result_ids = itertools.count(1)

    def next_result_id(self) -> str:
        return str(next(self._result_ids))

    def ensure(self, state: DocState, *, delay: float, priority: int) -> asyncio.Future:
        """The analysis of the document's current version: cached, in flight, or started now."""
        loop = asyncio.get_running_loop()
        doc = state.doc
        if state.latest is not None and state.latest.version == doc.version:
            done = loop.create_future()
            done.set_result(state.latest)
            return done
        job = state.job
        if job is not None and job.version == doc.version:
            if delay == 0 and job.timer is not None:  # someone is waiting: skip the debounce
                job.timer.cancel()
                self._submit(state, job, priority)
            return job.future
        new = Job(doc.version, doc.text, loop.create_future())
        if job is not None:
            self._supersede(job, new)
        state.job = new
        if delay > 0:
            new.timer = loop.call_later(delay, self._submit, state, new, priority)
        else:
            self._submit(state, new, priority)
        return new.future

    async def current(self, state: DocState) -> Checked:
        """The result for the current version (waiting for it if needed)."""
        return await asyncio.shield(self.ensure(state, delay=0, priority=prio.INTERACTIVE))

    def forget(self, state: DocState) -> None:
        """The document is closed or replaced: stop its pending work, drop its results."""
        state.closed = True
        job = state.job
        if job is None:
            return
        if job.timer is not None:
            job.timer.cancel()
        if job.work is not None:
            job.work.cancel()

    def _supersede(self, old: Job, new: Job) -> None:
        """Drop an older version's work; whoever waited for it gets the newer result."""
        if old.timer is not None:
            old.timer.cancel()
        if old.work is not None:
            old.work.cancel()  # no effect once running: its result is then ignored

        def forward(done: asyncio.Future) -> None:
            if old.future.done():
                return
            if done.cancelled():
                old.future.cancel()
            elif done.exception() is not None:
                old.future.set_exception(done.exception())
            else:
                old.future.set_result(done.result())

        new.future.add_done_callback(forward)

    def _submit(self, state: DocState, job: Job, priority: int) -> None:
        job.timer = None
        doc = state.doc
        snapshot = Document(doc.uri, doc.path, doc.language_id, job.version, job.text, doc.encoding)
        job.work = self.worker.submit(priority, self.analyse, snapshot, state.check_path)
        loop = asyncio.get_running_loop()
        job.work.add_done_callback(lambda work: loop.call_soon_threadsafe(self._job_done, state, job, work))

    def _job_done(self, state: DocState, job: Job, work: Future) -> None:
        if state.job is job:
            state.job = None
        if work.cancelled():
            if not job.future.done():
                job.future.cancel()
            return
        if work.exception() is not None:  # analyse catches everything; this is a bug
            log.error("analysis failed: %s", work.exception())
            if not job.future.done():
                job.future.set_exception(work.exception())
            return
        checked: Checked = work.result()
        checked.result_id = self.next_result_id()
        if not state.closed and state.doc.version == checked.version:
            state.latest = checked
            self.on_checked(state, checked)
        if not job.future.done():
            job.future.set_result(checked)
