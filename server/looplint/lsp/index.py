"""The workspace index and the question "which open files depend on this one?".

The index is the engine's project model: a summary of every Python file of
every workspace folder (`Project.summary`), built on `initialized` in small
chunks on the analysis thread, and kept current by file events (a changed or
deleted file is invalidated and summarised again, a new file is summarised).

Dependents are found through the summaries' imports: an open file depends on
a changed file when the changed file is in its import closure (base classes,
decorators, helpers are all reached through imports), or when the changed
file is a `conftest.py` in one of its folders.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Iterable

from ..engine.project import Project, iter_python_files
from ..engine.symbols import ProjectModule
from .analysis import Analyzer, Folder

log = logging.getLogger("looplint.lsp")

_MAX_CLOSURE = 5000  # files; a safety net for enormous import graphs


class WorkspaceIndex:
    def __init__(self, analyzer: Analyzer):
        self.analyzer = analyzer
        self.indexed: set[Path] = set()
        self._projects: dict[Path, Project] = {}  # directory -> project: root discovery once per folder
        self._imports: dict[Path, frozenset[Path]] = {}  # file -> project files it imports directly

    def forget_projects(self) -> None:
        """Configuration files changed: a directory may belong to another project now."""
        self._projects.clear()
        self._imports.clear()

    # -- indexing ---------------------------------------------------------------------
    def list_files(self, folder: Folder) -> list[Path]:
        """The Python files of a workspace folder that looplint would check."""
        if folder.path is None or not folder.path.is_dir():
            return []
        project = folder.engine.project_for(folder.path)
        return list(iter_python_files(folder.path, project))

    def index_files(self, paths: Iterable[Path]) -> int:
        """Summarise files (cached summaries are kept); returns how many were summarised."""
        count = 0
        projects = self._projects
        for path in paths:
            directory = path.parent
            project = projects.get(directory)
            if project is None:
                project = self.analyzer.project_for(path)
                projects[directory] = project
            project.summary(path)
            self.indexed.add(path)
            count += 1
        return count

    def file_changed(self, path: Path, *, deleted: bool = False) -> None:
        """A file changed on disk (outside the editor, or saved): refresh what we know about it."""
        for project in self._projects_containing(path):
            project.invalidate(path)
        self._imports.pop(Path(os.path.abspath(path)), None)
        if deleted:
            self.indexed.discard(path)
        elif path.suffix == ".py":
            self.analyzer.project_for(path).summary(path)
            self.indexed.add(path)

    def _projects_containing(self, path: Path) -> list[Project]:
        projects = []
        for folder in self.analyzer.all_folders():
            for project in folder.engine.projects():
                if project.root == path or project.root in path.parents:
                    projects.append(project)
        return projects

    # -- dependents ---------------------------------------------------------------------
    def imports_of(self, path: Path) -> frozenset[Path]:
        """The project files `path` imports directly (kept until it or the module lookup changes)."""
        path = Path(os.path.abspath(path))
        cached = self._imports.get(path)
        if cached is not None:
            return cached
        project = self.analyzer.project_for(path)
        summary = project.summary(path)
        found: set[Path] = set()
        if summary is not None:
            bindings = [b for group in summary.imports.values() for b in group] + list(summary.star_imports)
            for binding in bindings:
                names = [binding.module]
                if binding.name is not None:  # `from pkg import mod` may name a submodule
                    names.append(f"{binding.module}.{binding.name}" if binding.module else binding.name)
                for name in names:
                    if not name and not binding.level:
                        continue
                    target = project.resolve_module(path, name, binding.level)
                    if isinstance(target, ProjectModule):
                        found.add(target.path)
        found.discard(path)
        result = frozenset(found)
        self._imports[path] = result
        return result

    def closure(self, path: Path) -> set[Path]:
        """Project files reachable from `path` through imports (not including `path`)."""
        start = Path(os.path.abspath(path))
        seen: set[Path] = set()
        stack = [start]
        while stack and len(seen) < _MAX_CLOSURE:
            for target in self.imports_of(stack.pop()):
                if target not in seen:
                    seen.add(target)
                    stack.append(target)
        seen.discard(start)
        return seen

    def dependents(self, changed: Iterable[Path], candidates: Iterable[Path]) -> set[Path]:
        """The candidates whose diagnostics may change when `changed` files change: those that
        reach a changed file through imports, and those below a changed `conftest.py`."""
        changed = {Path(os.path.abspath(p)) for p in changed}
        for path in changed:  # what a changed file imports may have changed too
            self._imports.pop(path, None)
        candidates = {Path(os.path.abspath(c)) for c in candidates} - changed
        conftest_dirs = [p.parent for p in changed if p.name == "conftest.py"]
        result = {c for c in candidates if any(d == c.parent or d in c.parents for d in conftest_dirs)}
        # The import graph of the candidates, walked backwards from the changed files.
        importers: dict[Path, set[Path]] = {}
        seen = set(candidates)
        stack = list(candidates)
        while stack and len(seen) < _MAX_CLOSURE:
            current = stack.pop()
            try:
                targets = self.imports_of(current)
            except Exception:  # a broken import graph must not stop the others
                log.exception("imports of %s failed", current)
                continue
            for target in targets:
                importers.setdefault(target, set()).add(current)
                if target not in seen:
                    seen.add(target)
                    stack.append(target)
        reached: set[Path] = set()
        stack = [p for p in changed if p in importers]
        while stack:
            for importer in importers.get(stack.pop(), ()):
                if importer not in reached:
                    reached.add(importer)
                    stack.append(importer)
        return result | (reached & candidates)
