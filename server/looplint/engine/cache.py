"""Results kept between `looplint check` runs (`.looplint_cache/`), valid for exactly what they depend on.

A file's findings depend on more than its own text: on the modules it imports and everything they
import in turn (base classes, decorators, a helper's body, what a helper returns), on the
`conftest.py` files and the plugin modules (`-p NAME` in addopts) pytest loads for it (fixture
values, hooks), for a `conftest.py` on the test modules under its folder that request its
fixtures, and on facts about the project as a whole:
its effective settings, the versions it uses (`versions.detect_versions`), the pytest and looplint
configuration files above each file, and which files exist where an import was looked for.

So a cache file, one per project and effective settings, holds:

- a *key*: looplint's version and sources, the Python running it, the settings and the versions.
  Any difference discards the whole file;
- *facts* the last runs relied on: the configuration files in every folder above a known file
  (content hashes), the answer to every "is there a module here?" question resolution asked
  (`Project._isfile`/`_isdir`), and for each conftest the listing of the Python files under its
  folder. A changed configuration file or a changed answer discards every result (it can change
  what anything resolves to); a changed listing under a conftest invalidates that conftest;
- a *node* per file a run read: the hash of its content (and its size and modification time, to
  skip hashing files that did not change), its edges (imports — module level, inside functions,
  and submodules reached as attributes of an imported package —, conftests, scanned test
  modules), and, for a checked file, its result.

At lookup every node is checked again; a file whose content changed invalidates, through the import
edges taken backwards, every file whose import closure holds it; a file is then re-checked when it,
or one of its conftests' closures, or (for a conftest) one of the modules it scans was invalidated.
Everything else is served from the cache.

The cache never executes anything: it is JSON. Two runs may share it: a cache file is replaced
atomically, the last writer wins, and every entry is checked against the files before it is used.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from .. import __version__
from .checker import CheckResult
from .files import UnreadableFile, read_bytes
from .model import Diagnostic, Edit, FileEdits, FileProblem, Fix, Range, Related, Severity
from .project import Project
from .pytest_config import CONFIG_FILE_NAMES
from .pytest_model import USER_SCAN_LIMIT, addopts_plugins, project_pytest
from .semantic import roles
from .source import SourceError, read_source
from .symbols import ProjectModule
from .versions import project_versions

CACHE_DIR_NAME = ".looplint_cache"
FORMAT = 3  # 3: fixes with edits in other files, deprecated findings
# Files that configure pytest or looplint: any change to one discards the project's cache.
_CONFIG_NAMES = tuple(sorted(set(CONFIG_FILE_NAMES) | {"pyproject.toml", "looplint.toml"}))
# A file modified this recently may change again within the same timestamp: hash it next time too.
_RACY_NS = 2_000_000_000


def content_hash(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def _stat_key(path: str) -> list[int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return [st.st_mtime_ns, st.st_size, st.st_ino]


def _read_hash(path: str) -> str | None:
    try:
        return content_hash(read_bytes(path))
    except UnreadableFile:
        return None


# -- what a file depends on ----------------------------------------------------------------------

# Import statements anywhere in a file (inside functions too), read from its text: a superset of
# what the summary records (module level only). A match in a string only adds an edge.
_IMPORT_TEXT = re.compile(
    r"(?:^|;)[ \t]*(?:from[ \t]+(\.*[\w.]*)[ \t]+import[ \t]+(\([^)]*\)|[^\n;#]*(?:\\\n[^\n;#]*)*)"
    r"|import[ \t]+([^\n;#]*(?:\\\n[^\n;#]*)*))",
    re.M,
)
_DOTTED = re.compile(r"(?<![\w.])([A-Za-z_]\w*(?:[ \t]*\.[ \t]*[A-Za-z_]\w*)+)")


def _text_imports(text: str) -> tuple[list[tuple[str, int]], dict[str, tuple[str, int]]]:
    """(module, level) of every import statement in `text`, and the names they bind -> (module, level)."""
    modules: list[tuple[str, int]] = []
    bound: dict[str, tuple[str, int]] = {}
    for match in _IMPORT_TEXT.finditer(text):
        source, names, plain = match.groups()
        if plain is not None:
            for part in plain.replace("\\\n", " ").split(","):
                words = part.split()
                if not words or not re.fullmatch(r"[\w.]+", words[0]):
                    continue
                modules.append((words[0], 0))
                if len(words) == 3 and words[1] == "as":
                    bound[words[2]] = (words[0], 0)
                else:
                    bound[words[0].split(".")[0]] = (words[0].split(".")[0], 0)
            continue
        level = len(source) - len(source.lstrip("."))
        module = source.lstrip(".")
        modules.append((module, level))
        for part in names.strip("()").replace("\\\n", " ").split(","):
            words = part.split()
            if not words or not re.fullmatch(r"\w+", words[0]) or words[0] == "*":
                continue
            full = f"{module}.{words[0]}" if module else words[0]
            modules.append((full, level))  # `from pkg import sub` may name a submodule
            bound[words[2] if len(words) == 3 and words[1] == "as" else words[0]] = (full, level)
    return modules, bound


def module_edges(project: Project, path: Path, summary, text: str | None = None) -> dict:
    """The files `path`'s findings read directly: imported modules, conftests and scanned test modules.

    Imports count wherever they are (a function's `import` resolves like a module-level one), with
    every prefix of a dotted name (`import a.b.c` reads `a/__init__.py` and `a/b/__init__.py`),
    `from pkg import name` as a possible submodule, and `pkg.sub.f()` on an imported package as
    `pkg.sub` (resolution finds submodules as attributes of a package).
    """
    imports: set[Path] = set()

    def add(module: str, level: int, origin: Path = path) -> None:
        parts = module.split(".") if module else []
        names = [".".join(parts[: i + 1]) for i in range(len(parts))] or [""]
        for name in names:
            if not name and not level:
                continue
            target = project.resolve_module(origin, name, level)
            if isinstance(target, ProjectModule):
                imports.add(target.path)

    if summary is not None:
        for binding in [b for group in summary.imports.values() for b in group] + list(summary.star_imports):
            add(binding.module, binding.level)
            if binding.name is not None:
                add(f"{binding.module}.{binding.name}" if binding.module else binding.name, binding.level)
        for plugin in summary.pytest_plugins:
            add(plugin, 0)
    # Project modules that `-p NAME` in the active pytest configuration loads for every test.
    config = project_pytest(project).config_for(path)
    for plugin in addopts_plugins(config.addopts):
        add(plugin, 0, config.rootdir / "conftest.py")
    if text is None:
        try:
            text = read_source(path).text
        except (SourceError, OSError):
            text = ""
    modules, bound = _text_imports(text)
    for module, level in dict.fromkeys(modules):
        add(module, level)
    if bound:
        chains = {re.sub(r"\s", "", m) for m in _DOTTED.findall(text)}
        for chain in chains:
            head, *rest = chain.split(".")
            binding = bound.get(head)
            if binding is not None:
                module, level = binding
                add(".".join([module, *rest]) if module else ".".join(rest), level)
    conftests = []
    directory = path.parent
    while True:
        candidate = directory / "conftest.py"
        if candidate != path and project._isfile(candidate):
            conftests.append(candidate)
        if directory == project.root or project.root not in directory.parents:
            break
        directory = directory.parent
    edges = {"imports": [], "conftests": sorted(map(str, conftests)), "scans": []}
    # A conftest's findings read the test modules under it that request its fixtures: those the
    # reverse scan summarised (the others are not test modules); a new file changes the listing.
    if path.name == "conftest.py":
        scans: list[Path] = []
        for i, other in enumerate(project.iter_files(path.parent)):
            if i > USER_SCAN_LIMIT:
                break
            other = Path(os.path.abspath(other))
            if other != path and other.name != "conftest.py" and project.cached_summary(other) is not None:
                scans.append(other)
        edges["scans"] = sorted(map(str, scans))
        edges["listing"] = folder_listing(project, path.parent)
    # A module that is not test support by its content is when a test module imports it: that
    # answer (read from every test module's text) is part of what its findings depend on.
    if summary is not None and not roles.test_support_by_content(project, path, summary):
        edges["test_imported"] = roles.imported_in(roles.test_imports(project), project.module_name(path))
    imports.discard(path)
    edges["imports"] = sorted(map(str, imports))
    return edges


def folder_listing(project: Project, folder: Path) -> str:
    """The Python files under `folder` as far as a reverse scan reads them (a digest)."""
    names = []
    for i, other in enumerate(project.iter_files(folder)):
        if i > USER_SCAN_LIMIT:
            break
        names.append(str(other))
    return content_hash("\n".join(names).encode())


def scan_fingerprint(project: Project) -> str:
    """What the reverse scan (`roles.test_imports`) reads, cheaply: the files it walks and the size
    and modification time of the test modules among them."""
    parts = []
    for i, path in enumerate(project.iter_files()):
        if i >= roles.SCAN_LIMIT:
            parts.append("and more")  # too big to scan, whatever else changes
            break
        entry = str(path)
        if roles.is_test_module_name(path):
            entry += f" {_stat_key(entry)}"
        parts.append(entry)
    return content_hash("\n".join(parts).encode())


def existence_facts(project: Project) -> dict[str, bool]:
    """Every "is there a module file / package folder here?" answer resolution relied on."""
    return {str(p): bool(v) for p, v in list(getattr(project, "_exists", {}).items())}


def _existence_holds(facts: dict[str, bool]) -> bool:
    """Does every recorded answer still hold? One listing per folder (there are thousands of
    answers, mostly "no such module here", in a few hundred folders)."""
    by_folder: dict[str, list[tuple[str, bool]]] = {}
    for path, answer in facts.items():
        folder, name = os.path.split(path)
        by_folder.setdefault(folder, []).append((name, answer))
    for folder, entries in by_folder.items():
        try:
            with os.scandir(folder) as listing:
                kinds = {e.name: e for e in listing}
        except OSError:
            kinds = {}
        for name, answer in entries:
            entry = kinds.get(name)
            # Resolution asks `_isfile` of `x.py`, `__init__.py` and `conftest.py`, `_isdir` of the others.
            try:
                now = entry is not None and (entry.is_file() if name.endswith(".py") else entry.is_dir())
            except OSError:
                now = False
            if now != answer:
                return False
    return True


def _configs_in(folders: Iterable[str]) -> dict[str, str]:
    found = {}
    for folder in folders:
        for name in _CONFIG_NAMES:
            candidate = os.path.join(folder, name)
            digest = _read_hash(candidate) if os.path.isfile(candidate) else None
            if digest is not None:
                found[candidate] = digest
    return found


def _folders_above(paths: Iterable[str]) -> set[str]:
    folders: set[str] = set()
    for path in paths:
        folder = os.path.dirname(path)
        while folder not in folders:
            folders.add(folder)
            parent = os.path.dirname(folder)
            if parent == folder:
                break
            folder = parent
    return folders


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


def project_key(project: Project) -> dict:
    versions = project_versions(project)  # targets included: a target is another key
    return {
        "format": FORMAT,
        "looplint": __version__,
        "sources": content_hash(repr(_own_sources()).encode()),
        "python": sys.version,
        "root": str(project.root),
        "settings": content_hash(repr(project.settings).encode()),
        "versions": content_hash(repr(versions).encode()),
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
    nodes: dict[str, dict] = field(default_factory=dict)  # path -> {"hash", "stat", "imports", ..., "result"?}
    exists: dict[str, bool] = field(default_factory=dict)  # resolution's existence answers
    configs: dict[str, str] = field(default_factory=dict)  # config file -> hash, in every folder above a node
    scan: str | None = None  # scan_fingerprint when the nodes' "test_imported" answers were recorded
    seen: dict[str, tuple] = field(default_factory=dict)  # path -> (stat, content hash) first seen by this run
    changed: set[str] = field(default_factory=set)  # content differs from the recorded hash
    invalid: set[str] = field(default_factory=set)  # recorded result no longer holds
    hits: int = 0
    misses: int = 0
    dirty: bool = False  # something to write back

    def observe(self, path: str) -> tuple[list[int] | None, str | None]:
        """The file's (stat, content hash) as this run first saw it; the content is read only when
        its size or modification time differ from the recorded ones."""
        seen = self.seen.get(path)
        if seen is None:
            node = self.nodes.get(path)
            stat = _stat_key(path)
            if stat is not None and node is not None and node.get("stat") == stat:
                seen = (stat, node.get("hash"))
            else:
                seen = (stat, _read_hash(path) if stat is not None else None)
            self.seen[path] = seen
        return seen

    def current_hash(self, path: str) -> str | None:
        return self.observe(path)[1]

    def facts_hold(self) -> bool:
        """Do the configuration files and resolution's existence answers still say the same?"""
        if not _existence_holds(self.exists):
            return False
        return _configs_in(_folders_above(self.nodes)) == self.configs

    def validate(self) -> None:
        """Check every known file again and work out which cached results still hold."""
        self.changed = set()
        for p, node in self.nodes.items():
            stat, digest = self.observe(p)
            if digest != node.get("hash"):
                self.changed.add(p)
            elif node.get("stat") is None and _trusted_stat(stat) is not None:
                node["stat"] = stat  # no longer too recent to trust
                self.dirty = True
        # A conftest with test modules added or removed under its folder: its own result no longer
        # holds (what it provides to the tests under it did not change).
        relisted = {p for p, node in self.nodes.items()
                    if "listing" in node and node["listing"] != folder_listing(self.project, Path(p).parent)}
        importers: dict[str, list[str]] = {}
        for p, node in self.nodes.items():
            for target in node.get("imports", ()):
                importers.setdefault(target, []).append(p)
                if target not in self.nodes:
                    self.changed.add(target)  # a file whose content was not recorded: cannot vouch for it
        self._check_test_imports()
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

        self.invalid = {p for p in self.nodes if own_inputs_changed(p)} | relisted
        for p, node in self.nodes.items():
            if p not in self.invalid and any(own_inputs_changed(s) for s in node.get("scans", ())):
                self.invalid.add(p)

    def _check_test_imports(self) -> None:
        """A module whose test-support status came from the reverse scan changes (like its content)
        when the answer does: a test module now imports it, or no longer does."""
        readers = [p for p, node in self.nodes.items() if "test_imported" in node]
        if not readers and self.nodes:
            return
        now = scan_fingerprint(self.project)
        if readers and now != self.scan:
            imported = roles.test_imports(self.project)
            for p in readers:
                if roles.imported_in(imported, self.project.module_name(Path(p))) != self.nodes[p]["test_imported"]:
                    self.changed.add(p)
        if now != self.scan:
            self.scan = now
            self.dirty = True

    def lookup(self, path: Path, *, with_fixes: bool) -> CheckResult | None:
        key = str(path)
        node = self.nodes.get(key)
        if node is None or key in self.invalid or "result" not in node:
            self.misses += 1
            self.observe(key)  # before it is checked: an edit during the run is seen next time
            return None
        if with_fixes and not node.get("with_fixes") and any(d["fix_applicability"] for d in node["result"]["diagnostics"]):
            self.misses += 1
            return None
        self.hits += 1
        return load_result(path, node["result"])

    def record(self, path: Path, result: CheckResult | None, edges: dict | None, *, with_fixes: bool) -> None:
        """Remember a file read by this run: its edges, and its result if it was checked."""
        key = str(path)
        self.dirty = True
        stat, digest = self.observe(key)
        if digest is None:
            self.nodes.pop(key, None)
            return
        node = self.nodes.get(key)
        if node is None or node.get("hash") != digest:
            node = self.nodes[key] = {"hash": digest}
        node["stat"] = _trusted_stat(stat)
        self.changed.discard(key)
        if edges is not None:
            node.update(edges)
        if result is not None:
            node["result"] = dump_result(result)
            node["with_fixes"] = with_fixes
            self.invalid.discard(key)

    def record_facts(self, exists: dict[str, bool]) -> None:
        if any(self.exists.get(p) != v for p, v in exists.items()):
            self.exists.update(exists)
            self.dirty = True

    def save(self) -> None:
        if not self.dirty and not self.changed and not self.invalid:
            return  # the file on disk says exactly this already
        nodes = {}
        for p, node in self.nodes.items():
            # Edges hold while the content does; a result only while everything it read does.
            if p in self.changed or "imports" not in node:
                continue
            if p in self.invalid:
                node = {k: v for k, v in node.items() if k not in ("result", "with_fixes")}
            nodes[p] = node
        if self.scan is None and any("test_imported" in node for node in nodes.values()):
            self.scan = scan_fingerprint(self.project)
        data = {"key": self.key, "exists": self.exists, "configs": _configs_in(_folders_above(nodes)),
                "scan": self.scan, "nodes": nodes}
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


def _trusted_stat(stat: list[int] | None) -> list[int] | None:
    """The stat to compare next time, unless the file changed so recently that it could change
    again without its modification time moving (then it is hashed next time)."""
    if stat is None or time.time_ns() - stat[0] < _RACY_NS:
        return None
    return stat


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
            cache.exists = data.get("exists") or {}
            cache.configs = data.get("configs") or {}
            cache.scan = data.get("scan")
            if not cache.facts_hold():
                cache.nodes, cache.exists = {}, {}
        cache.validate()
        return cache

    def projects(self) -> Iterable[ProjectCache]:
        return self._projects.values()

    def save(self) -> None:
        for cache in self._projects.values():
            cache.save()
