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


_worker_reported: set[tuple[Path, Path]] = set()


def _check_chunk(args: tuple[list[Path], bool, bool]):
    """Check a chunk in a worker; with `edges`, also what each file read (for the cache)."""
    files, with_fixes, edges = args
    assert _worker_engine is not None
    results = [(r.diagnostics, r.problem) for r in _OnDemand(_worker_engine, files, with_fixes).run()]
    return results, (new_edges(_worker_engine, _worker_reported) if edges else {})


def new_edges(engine: Engine, reported: set[tuple[Path, Path]]) -> dict[Path, dict]:
    """For the cache (engine.cache), per project root: the edges of every file summarised since the
    last call (as that project resolved them) and its existence answers so far."""
    from ..engine.cache import existence_facts, module_edges

    found: dict[Path, dict] = {}
    for project in engine.projects():
        edges = {}
        for path, summary in project.cached_summaries().items():
            if (project.root, path) not in reported:
                reported.add((project.root, path))
                edges[path] = module_edges(project, path, summary)
        found[project.root] = {"edges": edges, "exists": existence_facts(project)}
    return found


def _merge_edges(into: dict[Path, dict], new: dict[Path, dict]) -> None:
    for root, facts in new.items():
        mine = into.setdefault(root, {"edges": {}, "exists": {}})
        mine["edges"].update(facts["edges"])
        mine["exists"].update(facts["exists"])


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
    edges: dict[Path, dict] = {}  # project root -> {"edges": {path: edges}, "exists": {...}}
    _check_uncached(engine, files, jobs, with_fixes, progress, run, checked, edges, want_edges=cache is not None)
    if cache is not None:
        _record(cache, engine, checked, edges, with_fixes)
    return run


def _record(cache, engine: Engine, checked: dict[Path, CheckResult], edges: dict[Path, dict], with_fixes: bool) -> None:
    """Give the cache what this run read: each project's view of the files it read (a module of
    another project that this one imports is a node of both), and each checked file's result."""
    projects = {project.root: project for project in engine.projects()}
    for root, facts in edges.items():
        if root not in projects:
            continue
        store = cache.for_project(projects[root])
        store.record_facts(facts["exists"])
        for path, file_edges in facts["edges"].items():
            if path not in checked or engine.project_for(path).root != root:
                store.record(path, None, file_edges, with_fixes=with_fixes)
    for path, result in checked.items():
        project = engine.project_for(path)
        # A file that did not parse read nothing else.
        own = edges.get(project.root, {}).get("edges", {}).get(path, {"imports": [], "conftests": [], "scans": []})
        cache.for_project(project).record(path, result, own, with_fixes=with_fixes)
    # An edge to a module this run never summarised (`import a.b` names `a/__init__.py`, which
    # resolving `a.b` does not read): its content is all that can matter, so it is a leaf.
    for root, facts in edges.items():
        if root not in projects:
            continue
        store = cache.for_project(projects[root])
        for target in {t for e in facts["edges"].values() for t in e["imports"]}:
            if target not in store.nodes:
                store.record(Path(target), None, {"imports": [], "conftests": [], "scans": []}, with_fixes=with_fixes)


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
            _merge_edges(edges, new_edges(engine, set()))
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
            _merge_edges(edges, chunk_edges)
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
