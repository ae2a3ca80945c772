"""Checking many closed files in worker processes, for a big run of the workspace report.

The analysis thread is one thread (the engine's caches stay simple, an edit's
check never waits for a lock), so a run over thousands of files would use one
core. A run of at least `POOL_THRESHOLD` files goes to worker processes
instead, like `looplint check --jobs` does: each worker has its own engine per
workspace folder (the folder's editor settings as overrides), sees the editor's
unsaved buffers as overlays, and sends back, per file, the diagnostics already
converted for the client and the module summary, which the server adopts into
its own project model (so the run also builds the index, and no file is
parsed twice). Workers run at a lower CPU priority than the server, which
keeps answering edits, and exit when the run is over.
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from lsprotocol import types

from ..engine.source import SourceError, read_source
from ..engine.summary import ModuleSummary
from ..engine.workspace import Engine, Overrides
from ..rules import all_rules
from .convert import path_to_uri, to_lsp_diagnostic
from .documents import Document

log = logging.getLogger("looplint.lsp")

POOL_THRESHOLD = 64  # files; below, the run stays on the analysis thread
CLOSED_VERSION = -1  # as in workspace_report: no quick fix from a closed file's diagnostics


@dataclass
class Task:
    """A chunk of files of one workspace folder."""

    key: str  # the folder (one engine per folder and settings in each worker)
    overrides: Overrides
    paths: list[Path]
    overlays: dict[Path, str] = field(default_factory=dict)  # the editor's buffers, unsaved text included
    encoding: str = "utf-16"


@dataclass
class FileResult:
    path: Path
    items: list[types.Diagnostic]
    summary: ModuleSummary | None


def workers() -> int:
    return max(1, min(os.cpu_count() or 1, 4))


def make_pool() -> ProcessPoolExecutor:
    # spawn, not fork: the server has threads (the reader, the analysis thread) that a fork would copy mid-work.
    return ProcessPoolExecutor(max_workers=workers(), mp_context=multiprocessing.get_context("spawn"), initializer=_init)


def chunks(paths: list[Path], jobs: int) -> list[list[Path]]:
    """Related files (same folder, listed together) stay together; small enough to keep all workers busy."""
    size = max(4, min(64, len(paths) // (jobs * 8) or 4))
    return [paths[i : i + size] for i in range(0, len(paths), size)]


# -- in the worker ---------------------------------------------------------------------------------------

_engines: dict[tuple[str, str], Engine] = {}
_urls: dict[str, str] = {}


def _init() -> None:
    try:
        os.nice(10)  # the server's own thread answers the editor first
    except OSError:
        pass
    # As in a batch run of the CLI: trees are freed by reference counting; rare full collections.
    gc.collect()
    gc.freeze()
    gc.set_threshold(100_000, 50, 100)
    _urls.update({rule.code: rule.url for rule in all_rules()})


def check_chunk(task: Task) -> list[FileResult]:
    key = (task.key, repr(task.overrides))  # overrides are not hashable; their repr says it all
    engine = _engines.get(key)
    if engine is None:
        engine = _engines[key] = Engine(all_rules(), overrides=task.overrides, lenient_config=True)
    overlaid = []
    for path, text in task.overlays.items():
        engine.project_for(path).set_overlay(path, text)
        overlaid.append(path)
    try:
        return _OnDemand(engine, task).run()
    finally:
        for path in overlaid:
            engine.project_for(path).set_overlay(path, None)


class _OnDemand:
    """Checks the chunk's files in order; one that another needs the summary of is checked first."""

    def __init__(self, engine: Engine, task: Task):
        self.engine = engine
        self.task = task
        self.pending = set(task.paths)
        self.results: dict[Path, FileResult] = {}

    def provide(self, path: Path):
        if path not in self.pending:
            return None
        return self._check(path).summary

    def _check(self, path: Path) -> FileResult:
        self.pending.discard(path)
        result = self.results[path] = check_file(self.engine, path, self.task)
        return result

    def run(self) -> list[FileResult]:
        self.engine.set_summary_provider(self.provide)
        try:
            for path in self.task.paths:
                if path in self.pending:
                    try:
                        self._check(path)
                    except Exception:  # one file must not lose the others' results
                        log.exception("checking %s failed", path)
                        self.results[path] = FileResult(path, [], None)
        finally:
            self.engine.set_summary_provider(None)
        return [self.results[p] for p in self.task.paths if p in self.results]


def check_file(engine: Engine, path: Path, task: Task) -> FileResult:
    project = engine.project_for(path)
    if project.is_excluded(path) or not project.settings.enabled:
        return FileResult(path, [], None)
    try:
        source = read_source(path)
    except SourceError:
        return FileResult(path, [], None)
    result = engine.checker_for(project).check_source(path, source)
    doc = Document(path_to_uri(path), path, "python", CLOSED_VERSION, source.text, task.encoding)

    def other_text(other: Path) -> str | None:
        if other in task.overlays:
            return task.overlays[other]
        try:
            return read_source(other).text
        except SourceError:
            return None

    items = [
        to_lsp_diagnostic(d, doc, url_for=_urls.get, other_file_text=other_text) for d in result.diagnostics
    ]
    return FileResult(path, items, result.summary)
