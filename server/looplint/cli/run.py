"""Checking many files: file collection, worker processes and progress."""

from __future__ import annotations

import gc
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from ..engine.checker import CheckResult
from ..engine.model import Diagnostic, FileProblem
from ..engine.pytest_config import CONFIG_FILE_NAMES
from ..engine.settings import ConfigError
from ..engine.workspace import Engine, Overrides
from ..rules import all_rules

# Configuration files that are not pytest's: skipped when named (pre-commit passes them all).
_OTHER_CONFIG_SUFFIXES = (".toml", ".ini", ".cfg")

# Below this many files a single process is faster than starting workers.
PARALLEL_THRESHOLD = 64


@dataclass
class RunResult:
    diagnostics: list[Diagnostic] = field(default_factory=list)
    problems: list[FileProblem] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)


# What collect_files says of a named path that does not exist (the other errors: it cannot be checked).
MISSING = ("no such file or directory", "broken symbolic link")


def collect_files(
    engine: Engine, paths: list[Path], problems: list[FileProblem] | None = None
) -> tuple[list[Path], list[tuple[Path, str]]]:
    """Python files to check, in a stable order, and (path, why) for named paths that cannot be checked.

    What the walk of a folder could not enter or read (an unreadable folder, a FIFO named
    `*.py`...) is added to `problems` when given.
    """

    def on_error(path: Path, why: str) -> None:
        if problems is not None:
            problems.append(FileProblem(path, why, kind="read-error"))
    files: list[Path] = []
    errors: list[tuple[Path, str]] = []
    seen: set[Path] = set()
    for path in paths:
        if not os.path.lexists(path):
            errors.append((path, "no such file or directory"))
            continue
        if path.is_symlink() and not path.exists():
            errors.append((path, "broken symbolic link"))
            continue
        kind = _special_kind(path)
        if kind is not None:  # a FIFO, a device, a socket: reading it would block or never end
            errors.append((path, f"{kind}, not a regular file: not checked"))
            continue
        if path.is_file() and path.suffix in _OTHER_CONFIG_SUFFIXES and path.name not in CONFIG_FILE_NAMES:
            continue  # mypy.ini, ruff.toml...: named by a hook that passes every .toml/.ini/.cfg file
        project = engine.project_for(path)
        if path.is_file():
            candidates = [Path(os.path.abspath(path))] if not project.settings.is_excluded(project.relpath(path)) else []
        else:
            candidates = list(project.iter_files(path, on_error=on_error))
        for file in candidates:
            if file not in seen:
                seen.add(file)
                files.append(file)
    return files, errors


def _special_kind(path: Path) -> str | None:
    """What `path` is when it is neither a regular file nor a folder (None otherwise)."""
    from ..engine.files import special_kind

    try:
        kind = special_kind(os.stat(path).st_mode)
    except OSError:
        return None
    return None if kind == "a directory" else kind


# -- worker processes --------------------------------------------------------------

_worker_engine: Engine | None = None


def _init_worker(overrides: Overrides, config_file: Path | None) -> None:
    global _worker_engine
    _worker_engine = Engine(all_rules(), overrides=overrides, config_file=config_file)
    relax_gc()


_worker_reported: set[Path] = set()


def _check_chunk(args: tuple[list[Path], bool, bool]):
    """Check a chunk in a worker; with `edges`, also what each file read (for the cache)."""
    files, with_fixes, edges = args
    assert _worker_engine is not None
    results = [(r.diagnostics, r.problem) for r in _OnDemand(_worker_engine, files, with_fixes).run()]
    return results, (new_edges(_worker_engine, _worker_reported) if edges else {})


def new_edges(engine: Engine, reported: set[Path]) -> dict[Path, dict]:
    """The edges (see engine.cache) of every file summarised since the last call."""
    from ..engine.cache import module_edges

    found = {}
    for project in engine.projects():
        for path, summary in project.cached_summaries().items():
            if path not in reported:
                reported.add(path)
                found[path] = module_edges(project, path, summary)
    return found


class _OnDemand:
    """Checks files in order, and checks a pending file early when another one needs its summary.

    Resolving a base class or a callee needs the summary of the module that
    defines it. If that module is also to be checked, checking it right away
    (instead of parsing it once for the summary and once more later) saves a
    parse per shared module; only the chain of files being checked is in memory.
    """

    def __init__(self, engine: Engine, files: list[Path], with_fixes: bool):
        self.engine = engine
        self.files = files
        self.with_fixes = with_fixes
        self.pending = set(files)
        self.done: dict[Path, object] = {}

    def provide(self, path: Path):
        if path not in self.pending:
            return None
        result = self._check(path)
        return result.summary

    def _check(self, path: Path):
        self.pending.discard(path)
        result = self.engine.check_file(path, with_fixes=self.with_fixes)
        self.done[path] = result
        return result

    def run(self):
        previous = self.engine.summary_provider
        self.engine.set_summary_provider(self.provide)
        try:
            for file in self.files:
                result = self.done.pop(file, None) or self._check(file)
                self.done.pop(file, None)
                yield result
        finally:
            self.engine.set_summary_provider(previous)


def relax_gc() -> None:
    """Make the cyclic garbage collector rare during a batch run.

    Every parsed tree allocates hundreds of thousands of objects, so with the
    default thresholds the collector runs constantly and rescans the project's
    summaries each time (measured: a third of the CPU time on CPython's test
    suite). Trees and summaries are freed by reference counting; the little
    cyclic garbage a check makes is still collected, just rarely.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(100_000, 50, 100)


def check_files(
    engine: Engine,
    files: list[Path],
    *,
    jobs: int,
    with_fixes: bool,
    progress: "Progress | None" = None,
    cache=None,
) -> RunResult:
    """Check `files`; with a `cache` (engine.cache.Cache), only those whose cached result no longer holds."""
    run = RunResult(files=files)
    relax_gc()
    if cache is not None:
        todo = []
        for file in files:
            hit = cache.for_project(engine.project_for(file)).lookup(file, with_fixes=with_fixes)
            if hit is None:
                todo.append(file)
                continue
            run.diagnostics.extend(hit.diagnostics)
            if hit.problem:
                run.problems.append(hit.problem)
        if progress:
            progress.advance(len(files) - len(todo))
        files = todo
    checked: dict[Path, CheckResult] = {}
    edges: dict[Path, dict] = {}
    _check_uncached(engine, files, jobs, with_fixes, progress, run, checked, edges, want_edges=cache is not None)
    if cache is not None:
        for path in checked:
            # A file that did not parse read nothing else.
            edges.setdefault(path, {"imports": [], "conftests": [], "scans": []})
        for path, file_edges in edges.items():
            cache.for_project(engine.project_for(path)).record(
                path, checked.get(path), file_edges, with_fixes=with_fixes
            )
    return run


def _check_uncached(engine, files, jobs, with_fixes, progress, run, checked, edges, *, want_edges: bool) -> None:
    if not files:
        return
    if jobs <= 0:
        jobs = (os.cpu_count() or 1) if len(files) >= PARALLEL_THRESHOLD else 1
    if jobs == 1 or len(files) < 2:
        for result in _OnDemand(engine, files, with_fixes).run():
            run.diagnostics.extend(result.diagnostics)
            if result.problem:
                run.problems.append(result.problem)
            checked[Path(os.path.abspath(result.path))] = result
            if progress:
                progress.advance(1)
        if want_edges:
            edges.update(new_edges(engine, set()))
        return
    # Chunks keep related files (same folder) together, so a worker reuses the
    # summaries of shared base classes; small chunks keep all workers busy.
    chunk_size = max(4, min(64, len(files) // (jobs * 8) or 4))
    chunks = [files[i : i + chunk_size] for i in range(0, len(files), chunk_size)]
    with ProcessPoolExecutor(
        max_workers=jobs, initializer=_init_worker, initargs=(engine.overrides, engine.config_file)
    ) as pool:
        work = [(c, with_fixes, want_edges) for c in chunks]
        for chunk, (results, chunk_edges) in zip(chunks, pool.map(_check_chunk, work)):
            for path, (diagnostics, problem) in zip(chunk, results):
                run.diagnostics.extend(diagnostics)
                if problem:
                    run.problems.append(problem)
                checked[Path(os.path.abspath(path))] = CheckResult(path, diagnostics, problem)
            edges.update(chunk_edges)
            if progress:
                progress.advance(len(chunk))


class Progress:
    """A one-line progress indicator on a terminal's stderr, shown only for long runs."""

    def __init__(self, total: int, stream=sys.stderr, delay: float = 0.5):
        self.total = total
        self.done = 0
        self.stream = stream
        self.start = time.monotonic()
        self.delay = delay
        self.shown = False
        self.enabled = bool(getattr(stream, "isatty", lambda: False)()) and total > 1

    def advance(self, count: int) -> None:
        self.done += count
        if not self.enabled:
            return
        if time.monotonic() - self.start >= self.delay:
            self.shown = True
            self.stream.write(f"\rlooplint: checked {self.done}/{self.total} files")
            self.stream.flush()

    def close(self) -> None:
        if self.shown:
            self.stream.write("\r\033[K")
            self.stream.flush()


__all__ = ["collect_files", "check_files", "Progress", "RunResult", "ConfigError"]
