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

    def forget_projects(self) -> None:
        """Configuration files changed: a directory may belong to another project now."""
        self._projects.clear()

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
    def closure(self, path: Path) -> set[Path]:
        """Project files reachable from `path` through imports (not including `path`)."""
        project = self.analyzer.project_for(path)
        seen: set[Path] = set()
        stack = [Path(os.path.abspath(path))]
        while stack and len(seen) < _MAX_CLOSURE:
            current = stack.pop()
            summary = project.summary(current)
            if summary is None:
                continue
            bindings = [b for group in summary.imports.values() for b in group] + list(summary.star_imports)
            for binding in bindings:
                names = [binding.module]
                if binding.name is not None:  # `from pkg import mod` may name a submodule
                    names.append(f"{binding.module}.{binding.name}" if binding.module else binding.name)
                for name in names:
                    if not name and not binding.level:
                        continue
                    target = project.resolve_module(current, name, binding.level)
                    if isinstance(target, ProjectModule) and target.path not in seen:
                        seen.add(target.path)
                        stack.append(target.path)
        seen.discard(Path(os.path.abspath(path)))
        return seen

    def dependents(self, changed: Iterable[Path], candidates: Iterable[Path]) -> set[Path]:
        """The candidates (open files) whose diagnostics may change when `changed` files change."""
        changed = {Path(os.path.abspath(p)) for p in changed}
        conftest_dirs = [p.parent for p in changed if p.name == "conftest.py"]
        result = set()
        for candidate in candidates:
            candidate = Path(os.path.abspath(candidate))
            if candidate in changed:
                continue
            if any(d == candidate.parent or d in candidate.parents for d in conftest_dirs):
                result.add(candidate)
                continue
            try:
                if self.closure(candidate) & changed:
                    result.add(candidate)
            except Exception:  # a broken import graph must not stop the others
                log.exception("dependency closure of %s failed", candidate)
        return result
