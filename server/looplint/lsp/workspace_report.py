"""Diagnostics for the files of the workspace that are not open: the Problems panel's whole view.

Active when `diagnostics.scope` is `workspace`, or once *Check Workspace* ran.
Every workspace file (Python files and the configuration files that govern
them) has an `Entry`: its diagnostics as the file is on disk (other files seen
as the editor has them), with a result id that changes only when they do.
Open files are left out: their buffers' diagnostics come the usual way.

Entries are computed by a background run on the analysis thread, in slices at
the lowest priority, over the files marked stale: all of them when the report
starts or the settings change; a file changed on disk; the files that import a
changed file or sit below a changed `conftest.py`; a file just closed. The
first run also builds the index: a file needed to resolve another's base class
is checked on the spot (its summary comes from that check), so each file is
parsed once.

Results go to the client as it can take them (`features.workspace_diagnostics`):
answers to `workspace/diagnostic` (held open until something changes, partial
results streamed while a run goes on) or `publishDiagnostics` for push clients.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from lsprotocol import types

from . import report_pool
from . import worker as prio
from .analysis import Analysis, is_config
from .convert import path_to_uri
from .documents import Document
from ..engine.source import SourceError, read_source

if TYPE_CHECKING:
    from .server import LooplintServer

log = logging.getLogger("looplint.lsp")

SLICE_SECONDS = 0.03  # the longest a slice keeps the analysis thread from an edit
CLOSE_SETTLE_SECONDS = 1.0  # see document_closed
CLOSED_VERSION = -1  # the `version` in the data of a closed file's diagnostics: no quick fix from them


@dataclass(eq=False)
class Entry:
    uri: str
    result_id: str
    items: list[types.Diagnostic]


@dataclass
class Progress:
    done: int = 0
    total: int = 0


class WorkspaceReport:
    def __init__(self, ls: LooplintServer):
        self.ls = ls
        self.active = False
        self.entries: dict[str, Entry] = {}  # by URI; a file that went away keeps an empty entry
        self.files: dict[Path, str] = {}  # the files the report covers -> URI
        # Files to compute, in order, with the serial of their latest marking (the loop owns both;
        # a slice on the analysis thread works on a copy), and those to send even if unchanged.
        self.stale: dict[Path, int] = {}
        self.force: set[Path] = set()
        self._serials = itertools.count(1)
        self.progress = Progress()
        self.listeners: list[Callable[[list[Entry]], None]] = []  # called with entries that changed
        self._waiters: list[asyncio.Future] = []
        self._task: asyncio.Task | None = None
        self._slice: _Slice | None = None  # the slice running on the analysis thread
        self.closed = False
        self.requested = False  # Check Workspace asked for it: the whole workspace, whatever the scope

    # -- state ----------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    def open_uris(self) -> set[str]:
        return set(self.ls.states)

    def wanted(self, folder) -> bool:
        return self.requested or folder.settings.diagnostics_scope == "workspace"

    async def activate(self, *, recompute: bool = True) -> None:
        """Cover the workspace (its folders with the scope `workspace`, or all after Check Workspace):
        list its files and compute their entries (all again with `recompute`, else the new ones)."""
        first = not self.active
        self.active = True
        before = set(self.files)
        await self.refresh_files()
        if recompute or first:
            self.invalidate(None)
        else:
            self.invalidate([path for path in self.files if path not in before])

    def stop(self) -> None:
        """Cancelled: stop computing; what was computed stays."""
        self.stale.clear()
        self.force.clear()
        if self._task is not None:
            self._task.cancel()

    def deactivate(self) -> None:
        """Back to open files only: the entries are cleared in the client."""
        if not self.active:
            return
        self.active = False
        self.stale.clear()
        self.force.clear()
        if self._task is not None:
            self._task.cancel()
        changed = [self._replace(uri, [], force=False) for uri in list(self.entries)]
        self._changed([e for e in changed if e is not None])

    async def refresh_files(self) -> None:
        """The files the report covers (after folders, settings or files on disk changed)."""
        listed = await self.ls.run(prio.DEPENDENTS, self._list_files)
        gone = [path for path in self.files if path not in listed]
        self.files = listed
        if self.active:
            for path in gone:  # deleted or now excluded: cleared in the client
                self._mark(path, force=True)

    def _list_files(self) -> dict[Path, str]:
        """Analysis thread: Python files of every folder, and the config files that govern them."""
        files: dict[Path, str] = {}
        for folder in self.ls.analyzer.folders:
            if not self.wanted(folder):
                continue
            python = self.ls.index.list_files(folder)
            for path in python:
                files[path] = path_to_uri(path)
            try:
                configs = folder.engine.config_files_for(python)
            except Exception:
                log.exception("finding the configuration files of %s failed", folder.path)
                configs = []
            for path in configs:
                files.setdefault(path, path_to_uri(path))
        for error in self.ls.analyzer.config_errors():
            files.setdefault(error.path, path_to_uri(error.path))
        return files

    def invalidate(self, paths: list[Path] | None, *, force: bool = False) -> None:
        """Compute these files' entries again (None: every file); `force`: send them even if unchanged."""
        if not self.active:
            return
        for path in list(self.files) if paths is None else paths:
            if paths is None or path in self.files or path_to_uri(path) in self.entries:
                self._mark(path, force=force)
        self._start()

    def _mark(self, path: Path, *, force: bool) -> None:
        self.stale.pop(path, None)  # re-marked: it goes to the end, after what waits already
        self.stale[path] = next(self._serials)
        if force:
            self.force.add(path)

    def document_closed(self, path: Path | None, uri: str, *, settle: bool) -> None:
        """A closed document's entry: what is on disk (active), or cleared (so the client drops its
        buffer's diagnostics, which VS Code keeps after close when the server reports the workspace).

        Not at once for pull clients (`settle`): VS Code pulls the closed document once more, and
        ignores workspace reports for a document until that pull is answered; a report sent before
        would be lost. (Push clients had the buffer's diagnostics cleared on close.)"""

        def update() -> None:
            if uri in self.ls.states or self.closed:
                return  # opened again meanwhile
            if self.active and path is not None and path in self.files:
                self.invalidate([path], force=True)
            else:
                entry = self._replace(uri, [], force=True)
                self._changed([entry] if entry else [])

        if settle:
            asyncio.get_running_loop().call_later(CLOSE_SETTLE_SECONDS, update)
        elif self.active:
            update()

    # -- the run ------------------------------------------------------------------------------
    def _start(self) -> None:
        if self.stale and not self.running and not self.closed:
            self._task = asyncio.ensure_future(self._run())
            self._task.add_done_callback(self._run_done)

    def _run_done(self, task: asyncio.Task) -> None:
        _log_failure(task)
        if task.cancelled() or task.exception() is None:
            # Files marked while a cancelled run was winding down still wait for one (a run that
            # failed is not retried in a loop: the next change starts one).
            self._start()

    async def _run(self) -> None:
        started = time.perf_counter()
        self.progress = Progress(0, len(self.stale))
        with self._providing():
            if self._worth_workers():
                await self._run_in_workers()
            while self.stale:
                work = _Slice(list(itertools.islice(self.stale.items(), _SLICE_FILES)), self._open_paths())
                results = await self.ls.run(prio.INDEX, self._check_slice, work)
                changed = []
                for path, serial, items in results:
                    if self.stale.get(path) != serial:
                        continue  # marked again meanwhile: computed again later
                    del self.stale[path]
                    force = path in self.force
                    self.force.discard(path)
                    entry = self._replace(self.files.get(path) or path_to_uri(path), items, force=force)
                    if entry is not None:
                        changed.append(entry)
                self._changed(changed)
                self.progress.done += len(results)
                self.progress.total = max(self.progress.total, self.progress.done + len(self.stale))
        await self.ls.run(prio.INDEX, self.ls.garbage.collect_when_idle)
        log.info(
            "workspace report: %d files checked in %.2f s, %d with problems",
            self.progress.done, time.perf_counter() - started, sum(1 for e in self.entries.values() if e.items),
        )
        self._wake()

    def _worth_workers(self) -> bool:
        if os.environ.get("LOOPLINT_LSP_REPORT_WORKERS", "1") == "0" or report_pool.workers() < 2:
            return False
        return sum(1 for p in self.stale if p.suffix == ".py") >= report_pool.POOL_THRESHOLD

    async def _run_in_workers(self) -> None:
        """The stale Python files in worker processes (see `report_pool`); what fails stays stale."""
        open_paths = self._open_paths()
        overlays = {
            state.check_path: state.doc.text for state in self.ls.states.values()
            if state.check_path is not None and state.check_path.suffix == ".py"
        }
        serials = {p: s for p, s in self.stale.items() if p.suffix == ".py" and p in self.files and p not in open_paths}
        by_folder: dict[str, tuple[object, list[Path]]] = {}
        for path in serials:
            folder = self.ls.analyzer.folder_for(path)
            by_folder.setdefault(folder.uri or "", (folder.settings.overrides(), []))[1].append(path)
        jobs = report_pool.workers()
        tasks = [
            report_pool.Task(key, overrides, chunk, overlays, self.ls.encoding)
            for key, (overrides, paths) in by_folder.items()
            for chunk in report_pool.chunks(paths, jobs)
        ]
        try:
            pool = report_pool.make_pool()
        except (OSError, ValueError) as exc:  # no processes here: the analysis thread does it all
            log.info("workspace report: no worker processes (%s)", exc)
            return
        log.info("workspace report: %d files in %d worker processes", len(serials), jobs)
        try:
            futures = [asyncio.wrap_future(pool.submit(report_pool.check_chunk, task)) for task in tasks]
            for next_done in asyncio.as_completed(futures):
                try:
                    results = await next_done
                except Exception as exc:  # a broken worker: its files are checked on the analysis thread
                    log.warning("workspace report: a worker failed (%s)", exc)
                    continue
                await self.ls.run(prio.INDEX, self._adopt, results)
                changed = []
                for result in results:
                    if self.stale.get(result.path) != serials.get(result.path):
                        continue  # marked again meanwhile: computed again later
                    del self.stale[result.path]
                    force = result.path in self.force
                    self.force.discard(result.path)
                    entry = self._replace(self.files.get(result.path) or path_to_uri(result.path), result.items, force=force)
                    if entry is not None:
                        changed.append(entry)
                self._changed(changed)
                self.progress.done += len(results)
        finally:
            pool.shutdown(wait=False, cancel_futures=True)

    def _adopt(self, results) -> None:
        """Analysis thread: the workers' summaries become the server's (the index, without a parse)."""
        for result in results:
            if result.summary is None:
                continue
            project = self.ls.analyzer.project_for(result.path)
            if project.cached_summary(result.path) is None:
                project.put_summary(result.path, result.summary)
            self.ls.index.indexed.add(result.path)

    def _providing(self):
        """While the run goes on, a file it has yet to check is checked when another needs its summary."""
        report = self

        class _Scope:
            def __enter__(self):
                for folder in report.ls.analyzer.all_folders():
                    folder.engine.set_summary_provider(report._provide)

            def __exit__(self, *exc):
                for folder in report.ls.analyzer.all_folders():
                    folder.engine.set_summary_provider(None)

        return _Scope()

    def _provide(self, path: Path):
        """Analysis thread: the summary of a file the running slice has yet to check, from checking it now."""
        work = self._slice
        if work is None or work.depth >= _MAX_NESTED or path.suffix != ".py" or not work.take(path):
            return None
        work.depth += 1
        try:
            items, summary = self._check_python(path)
        finally:
            work.depth -= 1
        work.record(path, items)
        return summary

    def _check_slice(self, work: "_Slice") -> list[tuple[Path, int, list[types.Diagnostic]]]:
        """Analysis thread: compute stale entries for at most SLICE_SECONDS."""
        deadline = time.perf_counter() + SLICE_SECONDS
        self._slice = work
        try:
            with self.ls.garbage.paused():
                for path, _ in work.pending:
                    if time.perf_counter() > deadline:
                        break
                    if not work.take(path):
                        continue  # checked already, for another file's summary
                    try:
                        if path not in self.files:
                            items: list[types.Diagnostic] = []
                        elif is_config(path):
                            items = self._check_config(path)
                        else:
                            items, _ = self._check_python(path)
                    except Exception:
                        log.exception("checking %s for the workspace report failed", path)
                        items = []
                    work.record(path, items)
        finally:
            self._slice = None
        return work.results

    def _open_paths(self) -> set[Path]:
        return {state.check_path for state in self.ls.states.values() if state.check_path is not None}

    def _check_python(self, path: Path):
        """Analysis thread: (LSP diagnostics, summary) of a closed Python file, from disk."""
        from .features.diagnostics import to_lsp

        folder = self.ls.analyzer.folder_for(path)
        project = folder.engine.project_for(path)
        if not folder.settings.enable or project.is_excluded(path):
            return [], None
        try:
            source = read_source(path)
        except SourceError:
            return [], None
        result = folder.engine.checker_for(project).check_source(path, source)
        self.ls.index.indexed.add(path)
        doc = Document(path_to_uri(path), path, "python", CLOSED_VERSION, source.text, self.ls.encoding)
        return [to_lsp(self.ls, d, doc) for d in result.diagnostics], result.summary

    def _check_config(self, path: Path) -> list[types.Diagnostic]:
        from .features.diagnostics import to_lsp

        text = self.ls.file_text(path)
        if text is None:
            return []
        uri = path_to_uri(path)
        analysis: Analysis = self.ls.analyzer.check_config(uri, path, CLOSED_VERSION, text)
        doc = Document(uri, path, "toml", CLOSED_VERSION, text, self.ls.encoding)
        return [to_lsp(self.ls, d, doc) for d in analysis.diagnostics]

    # -- entries and who wants them ---------------------------------------------------------------
    def _replace(self, uri: str, items: list[types.Diagnostic], *, force: bool) -> Entry | None:
        """Store an entry; the new entry when it changed (or `force`), None when it did not."""
        old = self.entries.get(uri)
        if old is not None and not force and old.items == items:
            return None
        if old is None and not items and not force:
            return None  # a file without problems the client never heard of: nothing to say
        entry = Entry(uri, self.ls.scheduler.next_result_id(), items)
        self.entries[uri] = entry
        return entry

    def _changed(self, entries: list[Entry]) -> None:
        if not entries:
            return
        for listener in list(self.listeners):
            listener(entries)
        self._wake()

    def _wake(self) -> None:
        waiters, self._waiters = self._waiters, []
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(None)

    async def wait_for_change(self) -> None:
        waiter = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            await waiter
        finally:
            if waiter in self._waiters:
                self._waiters.remove(waiter)

    def entries_unknown_to(self, known: dict[str, str]) -> list[Entry]:
        """Entries whose result id the client does not have, open documents left out; the files the
        client knows and we do not (closed since, or from an older server) get an empty entry."""
        open_uris = self.open_uris()
        changed = [e for uri, e in self.entries.items() if uri not in open_uris and known.get(uri) != e.result_id]
        for uri in known:
            if uri not in self.entries and uri not in open_uris:
                entry = self._replace(uri, [], force=True)
                if entry is not None:
                    changed.append(entry)
        return changed

    def close(self) -> None:
        """Shutdown: stop the run, answer whoever waits."""
        self.closed = True
        self.stale.clear()
        if self._task is not None:
            self._task.cancel()
        self._wake()


_SLICE_FILES = 256  # at most this many files handed to one slice (a slice rarely gets through as many)
_MAX_NESTED = 8  # files checked inside another's check (a chain of base classes): bounded, for the stack


class _Slice:
    """What one slice works on: a copy of the stale files, so the loop may mark more meanwhile."""

    def __init__(self, pending: list[tuple[Path, int]], open_paths: set[Path]):
        self.pending = pending
        self.serials = dict(pending)
        self.open_paths = open_paths  # open documents: their buffers' diagnostics count, not the file's
        self.results: list[tuple[Path, int, list[types.Diagnostic]]] = []
        self.depth = 0
        self._taken: set[Path] = set()

    def take(self, path: Path) -> bool:
        """True when `path` is this slice's to check now (and no longer later)."""
        if path not in self.serials or path in self._taken:
            return False
        self._taken.add(path)
        if path in self.open_paths:
            self.results.append((path, self.serials[path], []))
            return False
        return True

    def record(self, path: Path, items: list[types.Diagnostic]) -> None:
        self.results.append((path, self.serials[path], items))


def _log_failure(task: asyncio.Task) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("the workspace report failed", exc_info=task.exception())
