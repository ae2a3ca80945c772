"""Results kept between `looplint check` runs (`.looplint_cache/`), valid for exactly what they depend on.

A file's findings depend on more than its own text: on the files its base classes, decorators and
helpers come from (its import closure), on the `conftest.py` files pytest loads for it (and what they
import or name in `pytest_plugins`), and, for a `conftest.py`, on the test modules under its folder
that request its fixtures. They also depend on the project as a whole: its effective settings, the
versions it uses (`versions.detect_versions`), its pytest configuration files, and which files exist
(a new module can change what an import resolves to).

So a cache file, one per project and effective settings, holds:

- a *project key*: looplint's version and sources, the Python running it, the settings, the versions,
  the content of every pytest/looplint configuration file in the project and above it, and the list
  of Python files and folders. Any difference discards the whole file;
- a *node* per file the last run read: the hash of its content and its edges (imports, conftests,
  scanned test modules), and, for a checked file, its result.

At lookup every node's content is hashed again; a file whose content changed invalidates, through
the import edges taken backwards, every file whose import closure holds it; a file is then re-checked
when it, or one of its conftests' closures, or (for a conftest) one of the modules it scans was
invalidated. Everything else is served from the cache.

The cache never executes anything: it is JSON. Two runs may share it: a cache file is replaced
atomically, the last writer wins, and every entry is checked against the files before it is used.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from .. import __version__
from .checker import CheckResult
from .files import UnreadableFile, read_bytes
from .model import Diagnostic, Edit, FileEdits, FileProblem, Fix, Range, Related, Severity
from .project import Project
from .pytest_config import CONFIG_FILE_NAMES
from .pytest_model import USER_SCAN_LIMIT
from .settings import DEFAULT_EXCLUDES
from .symbols import ProjectModule
from .versions import project_versions

CACHE_DIR_NAME = ".looplint_cache"
FORMAT = 2  # 2: fixes with edits in other files, deprecated findings
# Files that configure pytest or looplint: any change to one discards the project's cache.
_CONFIG_NAMES = frozenset(CONFIG_FILE_NAMES) | {"pyproject.toml"}



def content_hash(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def _read_hash(path: Path) -> str | None:
    try:
        return content_hash(read_bytes(path))
    except UnreadableFile:
        return None


# -- what a file depends on ----------------------------------------------------------------------


def module_edges(project: Project, path: Path, summary) -> dict:
    """The files `path`'s findings read directly: imported modules, conftests and scanned test modules.

    Every prefix of a dotted import counts (`import a.b.c` reads `a/__init__.py` and `a/b/__init__.py`
    too), and so does `from pkg import name` as a possible submodule.
    """
    imports: set[Path] = set()

    def add(module: str, level: int) -> None:
        parts = module.split(".") if module else []
        names = [".".join(parts[: i + 1]) for i in range(len(parts))] or [""]
        for name in names:
            if not name and not level:
                continue
            target = project.resolve_module(path, name, level)
            if isinstance(target, ProjectModule):
                imports.add(target.path)

    if summary is not None:
        for binding in [b for group in summary.imports.values() for b in group] + list(summary.star_imports):
            add(binding.module, binding.level)
            if binding.name is not None:
                add(f"{binding.module}.{binding.name}" if binding.module else binding.name, binding.level)
        for plugin in summary.pytest_plugins:
            add(plugin, 0)
    conftests = []
    directory = path.parent
    while True:
        candidate = directory / "conftest.py"
        if candidate != path and project._isfile(candidate):
            conftests.append(candidate)
        if directory == project.root or project.root not in directory.parents:
            break
        directory = directory.parent
    # A conftest's findings read the test modules under it that request its fixtures: those the
    # reverse scan summarised (the others are not test modules; a new file changes the listing).
    scans: list[Path] = []
    if path.name == "conftest.py":
        for i, other in enumerate(project.iter_files(path.parent)):
            if i > USER_SCAN_LIMIT:
                break
            other = Path(os.path.abspath(other))
            if other != path and other.name != "conftest.py" and project.cached_summary(other) is not None:
                scans.append(other)
    imports.discard(path)
    return {"imports": sorted(map(str, imports)), "conftests": sorted(map(str, conftests)), "scans": sorted(map(str, scans))}


# -- the project key -------------------------------------------------------------------------------


def _own_sources() -> list:
    """looplint's own files (a development checkout changes them without changing the version)."""
    package = Path(__file__).resolve().parent.parent
    found = []
    for folder, _dirs, files in os.walk(package):
        for name in files:
            if name.endswith(".py"):
                try:
                    st = os.stat(os.path.join(folder, name))
                except OSError:
                    continue
                found.append((os.path.relpath(os.path.join(folder, name), package), st.st_mtime_ns, st.st_size))
    return sorted(found)


def _tree(project: Project) -> tuple[list[str], dict[str, str]]:
    """Python files and folders of the project, and the content hashes of its configuration files."""
    listing: list[str] = []
    configs: dict[str, str] = {}
    stack = [project.root]
    seen: set[tuple[int, int]] = set()
    while stack:
        directory = stack.pop()
        try:
            st = directory.stat()
            if (st.st_dev, st.st_ino) in seen:
                continue
            seen.add((st.st_dev, st.st_ino))
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError:
            continue
        for entry in entries:
            try:
                is_dir = entry.is_dir()
            except OSError:
                continue
            path = Path(entry.path)
            if is_dir:
                if entry.name in DEFAULT_EXCLUDES or entry.name == CACHE_DIR_NAME or project.is_excluded(path):
                    continue
                listing.append(project.relpath(path) + "/")
                stack.append(path)
            elif entry.name.endswith(".py"):
                if not project.is_excluded(path):
                    listing.append(project.relpath(path))
            elif entry.name in _CONFIG_NAMES:
                configs[project.relpath(path)] = _read_hash(path) or ""
    # pytest may find its configuration above the project root.
    for directory in project.root.parents:
        for name in _CONFIG_NAMES:
            candidate = directory / name
            if candidate.is_file():
                configs[str(candidate)] = _read_hash(candidate) or ""
    return listing, configs


def project_key(project: Project) -> dict:
    versions = project_versions(project)
    listing, configs = _tree(project)
    return {
        "format": FORMAT,
        "looplint": __version__,
        "sources": content_hash(repr(_own_sources()).encode()),
        "python": sys.version,
        "versions": content_hash(repr(versions).encode()),
        "configs": configs,
        "listing": content_hash("\n".join(listing).encode()),
    }


# -- results as JSON -----------------------------------------------------------------------------------


def _range(r: Range) -> list[int]:
    return [r.line, r.col, r.end_line, r.end_col]


def dump_result(result: CheckResult) -> dict:
    out: dict = {"diagnostics": [_dump_diagnostic(d) for d in result.diagnostics]}
    if result.problem is not None:
        p = result.problem
        out["problem"] = [p.message, p.line, p.col, p.kind]
    return out


def _dump_diagnostic(d: Diagnostic) -> dict:
    fix = None
    if d.fix is not None:
        fix = [d.fix.message, d.fix.applicability, [[_range(e.range), e.content] for e in d.fix.edits],
               [[str(f.path), [[_range(e.range), e.content] for e in f.edits], f.create] for f in d.fix.other_files]]
    return {
        "code": d.code, "name": d.name, "message": d.message, "severity": d.severity.value,
        "path": str(d.path), "range": _range(d.range), "fix_message": d.fix_message,
        "fix_applicability": d.fix_applicability, "data": d.data, "reason": d.reason,
        "related": [[str(r.path), _range(r.range), r.message] for r in d.related], "fix": fix,
        "fix_unavailable": d.fix_unavailable, "deprecated": d.deprecated,
    }


def load_result(path: Path, data: dict) -> CheckResult:
    result = CheckResult(path=path)
    for d in data["diagnostics"]:
        fix = None
        if d["fix"] is not None:
            message, applicability, edits, others = d["fix"]
            fix = Fix(message, applicability, tuple(Edit(Range(*r), content) for r, content in edits), tuple(
                FileEdits(Path(p), tuple(Edit(Range(*r), content) for r, content in file_edits), create)
                for p, file_edits, create in others))
        result.diagnostics.append(
            Diagnostic(
                code=d["code"], name=d["name"], message=d["message"], severity=Severity(d["severity"]),
                path=Path(d["path"]), range=Range(*d["range"]), fix_message=d["fix_message"],
                fix_applicability=d["fix_applicability"], data=d["data"], reason=d["reason"],
                related=tuple(Related(Path(p), Range(*r), m) for p, r, m in d["related"]), fix=fix,
                fix_unavailable=d.get("fix_unavailable", ""), deprecated=d.get("deprecated", False),
            )
        )
    if "problem" in data:
        message, line, col, kind = data["problem"]
        result.problem = FileProblem(path, message, line, col, kind)
    return result


# -- the cache of one project ----------------------------------------------------------------------------


@dataclass
class ProjectCache:
    project: Project
    file: Path
    key: dict
    nodes: dict[str, dict] = field(default_factory=dict)  # path -> {"hash", "imports", "conftests", "scans", "result"?}
    hashes: dict[str, str | None] = field(default_factory=dict)  # current content hashes (this run)
    changed: set[str] = field(default_factory=set)  # content differs from the recorded hash
    invalid: set[str] = field(default_factory=set)  # recorded result no longer holds
    hits: int = 0
    misses: int = 0

    def current_hash(self, path: str) -> str | None:
        if path not in self.hashes:
            self.hashes[path] = _read_hash(Path(path))
        return self.hashes[path]

    def validate(self) -> None:
        """Hash every known file again and work out which cached results still hold."""
        self.changed = {p for p, node in self.nodes.items() if self.current_hash(p) != node.get("hash")}
        importers: dict[str, list[str]] = {}
        for p, node in self.nodes.items():
            for target in node.get("imports", ()):
                importers.setdefault(target, []).append(p)
                if target not in self.nodes:
                    self.changed.add(target)  # a file whose content was not recorded: cannot vouch for it
        # Files whose import closure holds a changed file.
        closure_changed = set(self.changed)
        stack = list(self.changed)
        while stack:
            for importer in importers.get(stack.pop(), ()):
                if importer not in closure_changed:
                    closure_changed.add(importer)
                    stack.append(importer)

        def own_inputs_changed(p: str) -> bool:
            node = self.nodes.get(p)
            if node is None or p in closure_changed:
                return True
            return any(c in closure_changed or c not in self.nodes for c in node.get("conftests", ()))

        self.invalid = {p for p in self.nodes if own_inputs_changed(p)}
        for p, node in self.nodes.items():
            if p not in self.invalid and any(own_inputs_changed(s) for s in node.get("scans", ())):
                self.invalid.add(p)

    def lookup(self, path: Path, *, with_fixes: bool) -> CheckResult | None:
        key = str(path)
        node = self.nodes.get(key)
        if node is None or key in self.invalid or "result" not in node:
            self.misses += 1
            return None
        if with_fixes and not node.get("with_fixes") and any(d["fix_applicability"] for d in node["result"]["diagnostics"]):
            self.misses += 1
            return None
        self.hits += 1
        return load_result(path, node["result"])

    def record(self, path: Path, result: CheckResult | None, edges: dict | None, *, with_fixes: bool) -> None:
        """Remember a file read by this run: its edges, and its result if it was checked."""
        key = str(path)
        digest = self.current_hash(key)
        if digest is None:
            self.nodes.pop(key, None)
            return
        node = self.nodes.get(key)
        if node is None or node.get("hash") != digest:
            node = self.nodes[key] = {"hash": digest}
        self.changed.discard(key)
        if edges is not None:
            node.update(edges)
        if result is not None:
            node["result"] = dump_result(result)
            node["with_fixes"] = with_fixes
            self.invalid.discard(key)

    def save(self) -> None:
        nodes = {}
        for p, node in self.nodes.items():
            # Edges hold while the content does; a result only while everything it read does.
            if p in self.changed or "imports" not in node:
                continue
            if p in self.invalid:
                node = {k: v for k, v in node.items() if k not in ("result", "with_fixes")}
            nodes[p] = node
        data = {"key": self.key, "nodes": nodes}
        directory = self.file.parent
        try:
            directory.mkdir(parents=True, exist_ok=True)
            _mark_cache_root(directory.parent)
            fd, tmp = tempfile.mkstemp(dir=directory, prefix=".tmp-", suffix=".json")
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(data, handle, separators=(",", ":"))
            os.replace(tmp, self.file)
        except OSError:
            pass  # a cache that cannot be written only costs time


def _mark_cache_root(root: Path) -> None:
    """Like .ruff_cache: keep the folder out of git and out of backups."""
    for name, text in ((".gitignore", "# Automatically created by looplint.\n*\n"),
                       ("CACHEDIR.TAG", "Signature: 8a477f597d28d172789f06886806bc55\n# looplint's cache\n")):
        target = root / name
        if not target.exists():
            try:
                target.write_text(text, encoding="utf-8")
            except OSError:
                pass


class Cache:
    """The result caches of every project a run touches."""

    def __init__(self, directory: Path | None = None):
        self.directory = directory  # None: `.looplint_cache` in each project's root
        self._projects: dict[Path, ProjectCache] = {}

    def for_project(self, project: Project) -> ProjectCache:
        found = self._projects.get(project.root)
        if found is None:
            found = self._projects[project.root] = self._open(project)
        return found

    def _open(self, project: Project) -> ProjectCache:
        base = self.directory or (project.root / CACHE_DIR_NAME)
        name = content_hash(f"{project.root}\0{project.settings!r}".encode())
        file = base / __version__ / f"{name}.json"
        key = project_key(project)
        cache = ProjectCache(project, file, key)
        try:
            data = json.loads(read_bytes(file))
        except (UnreadableFile, ValueError):
            data = None
        if isinstance(data, dict) and data.get("key") == key and isinstance(data.get("nodes"), dict):
            cache.nodes = data["nodes"]
        cache.validate()
        return cache

    def projects(self) -> Iterable[ProjectCache]:
        return self._projects.values()

    def save(self) -> None:
        for cache in self._projects.values():
            cache.save()
