"""Building blocks of migrations: fixes that change several places (or files) at once.

- where the options pytest reads live, and writing keys there (`config_destination`,
  `set_config_keys`): the config file pytest uses for a test, else a new table in the project's
  `pyproject.toml`, else a new `pytest.ini`;
- removing definitions and the imports only they used (`remove_with_unused_imports`).

The files a migration edits are listed in its diagnostic's data (`fixer.FIX_FILES`), so the fronts
apply it as one change: `Engine.fix_project` in the CLI, one WorkspaceEdit in the editor.
"""

from __future__ import annotations

import ast
import os
import re
from pathlib import Path


from ..engine.config_check import insert_keys
from ..engine.fixer import FIX_FILES, FixContext, FixUnavailable, cst  # libcst, imported when a fix is built
from ..engine.model import Edit, Range
from ..engine.parse import parse_module
from ..engine.pytest_config import find_pytest_config


# -- the config file pytest reads --------------------------------------------------------------------


def config_destination(config) -> tuple[Path, bool] | None:
    """Where keys pytest must read go, for a test governed by `config` (a PytestConfig): (file, create).

    The active config file when there is one; else the rootdir's `pyproject.toml` (it gets a
    `[tool.pytest.ini_options]` table, which makes it the config); else a new `pytest.ini` there."""
    if config.path is not None:
        return Path(config.path), False
    pyproject = Path(config.rootdir) / "pyproject.toml"
    if pyproject.is_file():
        return pyproject, False
    return Path(config.rootdir) / "pytest.ini", True


def config_data(destination: tuple[Path, bool], *also: Path) -> dict:
    """The diagnostic data a migration writing into `destination` carries."""
    path, create = destination
    return {"config": str(path), "create": create, FIX_FILES: [str(p) for p in (*also, path)]}


def set_config_keys(fixer: FixContext, data: dict, items: list[tuple[str, str]]) -> None:
    """Make `key = value` effective in the config file named by `data` (see `config_data`).

    A key the file already sets to the same value is left; to another value, or through `-o` in
    `addopts`, the migration is not made (the project chose something else)."""
    path = Path(data["config"])
    if data.get("create"):
        if fixer.text_of(path) is not None:
            raise FixUnavailable(f"{path} exists now")
        body = "".join(f"{key} = {value}\n" for key, value in items)
        fixer.edit_text(path, [Edit(Range(1, 0, 1, 0), "[pytest]\n" + body)], create=True)
        return
    text = fixer.text_of(path)
    if text is None:
        raise FixUnavailable(f"cannot read {path}")
    config = find_pytest_config(path.parent, overlays={path: text})
    if config.path is not None and os.path.abspath(config.path) != os.path.abspath(path):
        raise FixUnavailable(f"pytest does not read {path} any more")
    missing = []
    for key, value in items:
        entry = config.get(key)
        if entry is None:
            missing.append((key, value))
        elif str(entry.value).strip() != value:
            raise FixUnavailable(f"{key} is already set to {entry.value!r}")
    if not missing:
        return
    edits = insert_keys(path, text, config, missing)
    if not edits:
        raise FixUnavailable(f"no section of {path} to write {missing[0][0]} under")
    fixer.edit_text(path, edits)


# -- removing definitions ----------------------------------------------------------------------------


def remove_with_unused_imports(fixer: FixContext, nodes: list[cst.CSTNode], replaced: list[cst.CSTNode] = ()) -> None:
    """Remove these statements, and the top-level imports that nothing else in the module uses
    (`replaced`: statements the caller replaces, whose names count as gone too)."""
    spans = [_span_with_decorators(fixer, node) for node in [*nodes, *replaced]]
    for node in nodes:
        fixer.remove(node)
    try:
        tree = parse_module(fixer.text)
    except (SyntaxError, ValueError):
        return
    used_outside: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and not _inside(node, spans):
            used_outside.add(node.id)
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            used_outside.update(node.names)
    # `__all__` strings and doctests are not read: a name listed there keeps its import.
    used_outside.update(_all_names(tree))
    gone_imports: list[cst.SimpleStatementLine] = []
    for statement in fixer.module.body:
        if not isinstance(statement, cst.SimpleStatementLine) or not statement.body:
            continue
        item = statement.body[0]
        if len(statement.body) != 1 or not isinstance(item, (cst.Import, cst.ImportFrom)):
            continue
        if isinstance(item, cst.ImportFrom) and (isinstance(item.names, cst.ImportStar) or item.relative):
            continue
        if isinstance(item, cst.ImportFrom) and item.module is not None and _dotted(item.module) == "__future__":
            continue
        if _inside_any(fixer, statement, [*nodes, *replaced]):
            continue
        kept = [alias for alias in item.names if _bound_name(alias) in used_outside]  # type: ignore[union-attr]
        if len(kept) == len(item.names):  # type: ignore[arg-type]
            continue
        if not kept:
            fixer.remove(statement)
            gone_imports.append(statement)
            continue
        kept[-1] = kept[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        fixer.replace(item, lambda updated, kept=kept: updated.with_changes(names=kept))
    _keep_blank_lines(fixer, gone_imports, set(map(id, [*nodes, *replaced])))


def _keep_blank_lines(fixer: FixContext, gone: list[cst.CSTNode], removed: set[int]) -> None:
    """The blank lines and comments above removed imports move to the next statement that stays
    (the gap after a module docstring, a comment heading the imports)."""
    body = list(fixer.module.body)
    carried: list[cst.EmptyLine] = []
    gone_ids = {id(n) for n in gone}
    for statement in body:
        if id(statement) in gone_ids:
            carried.extend(statement.leading_lines)
            continue
        if id(statement) in removed or not carried:
            continue  # past other removed statements, the lines go on to the next one that stays
        lines, carried = carried, []
        fixer.replace(statement, lambda updated, lines=lines: updated.with_changes(
            leading_lines=[*lines, *updated.leading_lines]))


def _span_with_decorators(fixer: FixContext, node: cst.CSTNode) -> Range:
    where = fixer.range_of(node)
    decorators = getattr(node, "decorators", ())
    if decorators:
        first = fixer.range_of(decorators[0])
        where = Range(first.line, first.col, where.end_line, where.end_col)
    return where


def _bound_name(alias: cst.ImportAlias) -> str:
    if alias.asname is not None:
        return alias.asname.name.value  # type: ignore[union-attr]
    return _dotted(alias.name).split(".")[0]


def _dotted(node: cst.CSTNode) -> str:
    from libcst.helpers import get_full_name_for_node

    return get_full_name_for_node(node) or ""


def _inside(node: ast.AST, spans: list[Range]) -> bool:
    line = getattr(node, "lineno", None)
    return line is not None and any(span.line <= line <= span.end_line for span in spans)


def _inside_any(fixer: FixContext, statement: cst.CSTNode, nodes: list[cst.CSTNode]) -> bool:
    line = fixer.range_of(statement).line
    return any(span.line <= line <= span.end_line for span in map(lambda n: _span_with_decorators(fixer, n), nodes))


def _all_names(tree: ast.Module) -> set[str]:
    names: set[str] = set()
    for statement in tree.body:
        if isinstance(statement, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__all__" for t in statement.targets):
            if isinstance(statement.value, (ast.List, ast.Tuple)):
                names.update(e.value for e in statement.value.elts if isinstance(e, ast.Constant) and isinstance(e.value, str))
    return names


# -- a bridging base class becomes an IsolatedAsyncioTestCase ------------------------------------------
#
# The seed's pattern: a project base derives from unittest.TestCase and runs `asyncSetUp` (and
# `asyncTearDown`) itself from its sync hooks, through a helper that sniffs for pytest and hops to a
# thread pool. Its subclasses' async tests never run (UT001), the helper bridges (AP002) and sniffs
# (AP003). The remedy is one change at the base: derive it from IsolatedAsyncioTestCase, which
# awaits asyncSetUp, asyncTearDown and the async tests itself, and drop the statements that ran the
# async hooks, the hooks left with nothing to do, and the helpers nothing else uses any more.

_ASYNC_HOOKS = ("asyncSetUp", "asyncTearDown")
_SKIPPED_FOLDERS = frozenset({".git", ".hg", ".svn", ".tox", ".nox", ".venv", "venv", "node_modules", "__pycache__",
                              "site-packages", "build", "dist", ".mypy_cache", ".ruff_cache", ".looplint_cache"})
_SCAN_LIMIT = 5000  # files looked at for other uses of a helper; beyond it, helpers are kept


def bridging_base(project, model) -> tuple[Path, str] | None:
    """The one project class of a test class's chain that runs its async hooks itself (where the
    migration happens), with its module; None when there is none or more than one."""
    found = []
    for name, path, _line, _col in model.chain_locations:
        summary = project.summary(path)
        cls = summary.classes.get(name) if summary is not None else None
        if cls is not None and cls.calls_async_setup:
            found.append((Path(path), name))
    return found[0] if len(found) == 1 else None


def base_migration_data(project, base: tuple[Path, str]) -> dict:
    path, name = base
    return {"base": [str(path), name], "root": str(project.root), FIX_FILES: [str(path)]}


def bridged_by(ctx, function_name: str) -> str | None:
    """The class of this module that runs its async hooks through `function_name` (a module-level
    helper the finding is in): the class whose migration also removes the helper."""
    for cls in ctx.summary.classes.values():
        if not cls.calls_async_setup:
            continue
        node = ctx.module_definition(cls.name, ast.ClassDef)
        if node is None:
            continue
        for method in node.body:
            if isinstance(method, (ast.FunctionDef, ast.AsyncFunctionDef)) and method.name not in _ASYNC_HOOKS:
                for statement in method.body:
                    if _runs_async_hook(statement) and function_name in _called_names(statement):
                        return cls.name
    return None


def _runs_async_hook(node: ast.AST) -> bool:
    return any(isinstance(sub, ast.Attribute) and sub.attr in _ASYNC_HOOKS and isinstance(sub.value, ast.Name)
               and sub.value.id in ("self", "cls") for sub in ast.walk(node))


def _called_names(node: ast.AST) -> set[str]:
    return {sub.func.id for sub in ast.walk(node) if isinstance(sub, ast.Call) and isinstance(sub.func, ast.Name)}


def migrate_base(fixer: FixContext, data: dict) -> None:
    """The migration of `data["base"]` (see `base_migration_data`), in the base's module."""
    from ._unittest import change_base_to_isolated

    try:
        path, name = Path(data["base"][0]), str(data["base"][1])
        root = Path(data["root"])
    except (KeyError, IndexError, TypeError):
        raise FixUnavailable("no base to migrate") from None
    module = fixer.other(path)
    cls = next((n for n in module.module.body if isinstance(n, cst.ClassDef) and n.name.value == name), None)
    if cls is None:
        raise FixUnavailable(f"class {name} not found in {path.name}")
    change_base_to_isolated(module, cls)
    removed: list[cst.CSTNode] = []
    dropped_calls: set[str] = set()
    for method in cls.body.body:
        if not isinstance(method, cst.FunctionDef) or method.name.value in _ASYNC_HOOKS:
            continue
        statements = list(method.body.body) if isinstance(method.body, cst.IndentedBlock) else []
        running = [s for s in statements if _mentions_async_hook(module, s)]
        if not running:
            continue
        for statement in running:
            if not _only_runs_async_hooks(module, statement):
                raise FixUnavailable(f"`{method.name.value}` does more with the async hooks than run them")
            dropped_calls |= _cst_called_names(statement)
        rest = [s for s in statements if s not in running]
        if all(_is_filler(module, s, method.name.value) for s in rest):
            removed.append(method)  # nothing left but `super().<hook>()`: IsolatedAsyncioTestCase's own
        else:
            removed.extend(running)
    if not removed:
        raise FixUnavailable(f"{name} runs no async hook that the migration could drop")
    replaced = []
    if all(item in removed for item in cls.body.body):  # a class body cannot be empty
        replaced = [removed.pop(0)]
        module.replace(replaced[0], module.parse_statement("pass\n"))
    removed.extend(_unused_helpers(module, root, path, [*removed, *replaced], dropped_calls))
    remove_with_unused_imports(module, removed, replaced)


def _mentions_async_hook(fixer: FixContext, node: cst.CSTNode) -> bool:
    code = fixer.code(node)
    return any(f"{who}.{hook}" in code for hook in _ASYNC_HOOKS for who in ("self", "cls"))


def _only_runs_async_hooks(fixer: FixContext, statement: cst.CSTNode) -> bool:
    """A statement whose whole job is running an async hook: a call of it (through any runner or
    bridge), or an `if`/`with` whose every branch only does that (`if hasattr(self, "asyncSetUp")`,
    `if "pytest" in sys.modules: <thread pool> else: asyncio.run(...)`)."""
    if isinstance(statement, cst.SimpleStatementLine):
        return all(isinstance(item, (cst.Expr, cst.Pass)) for item in statement.body) and _mentions_async_hook(fixer, statement)
    if isinstance(statement, cst.If):
        branches = [statement.body]
        orelse = statement.orelse
        while orelse is not None:
            if isinstance(orelse, cst.If):
                branches.append(orelse.body)
                orelse = orelse.orelse
            else:
                branches.append(orelse.body)
                orelse = None
        return all(_block_only_runs_async_hooks(fixer, b) for b in branches)
    if isinstance(statement, cst.With):
        return _block_only_runs_async_hooks(fixer, statement.body)
    return False


def _block_only_runs_async_hooks(fixer: FixContext, block: cst.BaseSuite) -> bool:
    statements = list(block.body) if isinstance(block, cst.IndentedBlock) else [block]
    return all(_only_runs_async_hooks(fixer, s) or _is_pass(s) for s in statements)


def _is_pass(statement: cst.CSTNode) -> bool:
    return isinstance(statement, cst.SimpleStatementLine) and all(isinstance(i, cst.Pass) for i in statement.body)


def _is_filler(fixer: FixContext, statement: cst.CSTNode, hook: str) -> bool:
    """`pass`, a docstring, or `super().<hook>()`: what a hook holds when it adds nothing."""
    if _is_pass(statement):
        return True
    if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
        return False
    item = statement.body[0]
    if isinstance(item, cst.Expr) and isinstance(item.value, (cst.SimpleString, cst.ConcatenatedString)):
        return True
    code = fixer.code(item).strip()
    return code in (f"super().{hook}()", f"super().{hook}(*args, **kwargs)")


def _cst_called_names(node: cst.CSTNode) -> set[str]:
    found: set[str] = set()

    class Calls(cst.CSTVisitor):
        def visit_Call(self, call: cst.Call) -> None:
            if isinstance(call.func, cst.Name):
                found.add(call.func.value)

    node.visit(Calls())
    return found


def _unused_helpers(fixer: FixContext, root: Path, path: Path, removed: list[cst.CSTNode], names: set[str]) -> list[cst.CSTNode]:
    """Module-level functions of the base's module that only the removed code called (and, in turn,
    what only they called), provided nothing else in the project mentions them."""
    helpers = {n.name.value: n for n in fixer.module.body if isinstance(n, cst.FunctionDef)}
    gone: list[cst.CSTNode] = []
    pending = [n for n in names if n in helpers]
    while pending:
        name = pending.pop()
        node = helpers.get(name)
        if node is None or node in gone:
            continue
        if _mentioned_outside(fixer, name, [*removed, *gone, node]) or _mentioned_elsewhere(fixer, root, path, name):
            continue
        gone.append(node)
        pending.extend(n for n in _cst_called_names(node) if n in helpers)
    return gone


def _mentioned_outside(fixer: FixContext, name: str, nodes: list[cst.CSTNode]) -> bool:
    """Does `name` occur in the module outside `nodes` (as a name, or in a string such as `__all__`)?"""
    spans = [_span_with_decorators(fixer, n) for n in nodes]
    try:
        tree = parse_module(fixer.text)
    except (SyntaxError, ValueError):
        return True
    for node in ast.walk(tree):
        if _inside(node, spans):
            continue
        if isinstance(node, ast.Name) and node.id == name:
            return True
        if isinstance(node, ast.Attribute) and node.attr == name:
            return True
        if isinstance(node, ast.Constant) and node.value == name:
            return True
    return False


def _mentioned_elsewhere(fixer: FixContext, root: Path, path: Path, name: str) -> bool:
    """Does another Python file of the project mention `name`? (An import of the helper, a call:
    any whole-word occurrence counts; the current texts of open editor buffers are read.)"""
    pattern = re.compile(rf"\b{re.escape(name)}\b")
    seen = 0
    for folder, folders, files in os.walk(root):
        folders[:] = sorted(f for f in folders if f not in _SKIPPED_FOLDERS and not f.endswith(".egg-info"))
        for file in sorted(files):
            if not file.endswith(".py"):
                continue
            seen += 1
            if seen > _SCAN_LIMIT:
                return True  # too many to look at: keep the helper
            candidate = Path(folder) / file
            if os.path.abspath(candidate) == os.path.abspath(path):
                continue
            text = fixer.text_of(candidate)
            if text is None or pattern.search(text):
                return True
    return False


def helper_migration(ctx) -> dict | None:
    """For a finding inside a bridging base (a hook of the class that runs its async hooks itself, or
    a module-level helper that class runs them through): the base's migration, which removes it."""
    chain = ctx.function_chain()
    if not chain:
        return None
    outer = chain[-1]
    parent = outer.parent
    if parent is not None and parent.kind == "class" and parent.parent is not None and parent.parent.kind == "module":
        cls = ctx.summary.classes.get(parent.node.name)
        if cls is not None and cls.calls_async_setup and getattr(outer.node, "name", None) not in _ASYNC_HOOKS:
            return base_migration_data(ctx.project, (ctx.path, cls.name))
        return None
    if parent is None or parent.kind != "module":
        return None
    name = bridged_by(ctx, outer.node.name)
    return base_migration_data(ctx.project, (ctx.path, name)) if name is not None else None


def base_migration_title(ctx, migration: dict) -> str:
    path, base = migration["base"]
    return f"Make `{base}` ({ctx.project.relpath(Path(path))}) an IsolatedAsyncioTestCase and drop its asyncSetUp bridge"


def base_migration_report(ctx) -> dict:
    """`ctx.report` arguments for a finding inside a bridging base: its migration as the fix (none otherwise)."""
    migration = helper_migration(ctx)
    if migration is None:
        return {"fixable": False}
    return {"data": migration, "fix_title": base_migration_title(ctx, migration)}


# -- the seed, for the rules' examples and runtime examples ------------------------------------------

# The seed's base (examples/golden-path): it runs asyncSetUp itself, through a helper that sniffs for
# pytest and hops to a thread pool.
SEED_BASE = (
    "import asyncio\n"
    "import concurrent.futures\n"
    "import sys\n"
    "import unittest\n\n\n"
    "class BaseTestCase(unittest.TestCase):\n"
    "    def setUp(self):\n"
    "        super().setUp()\n"
    "        if hasattr(self, \"asyncSetUp\"):\n"
    "            run_sync(self.asyncSetUp())\n\n\n"
    "def run_sync(coro):\n"
    "    if \"pytest\" in sys.modules:\n"
    "        with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:\n"
    "            return pool.submit(asyncio.run, coro).result()\n"
    "    return asyncio.run(coro)\n"
)
SEED_BASE_MIGRATED = (
    "import unittest\n\n\n"
    "class BaseTestCase(unittest.IsolatedAsyncioTestCase):\n"
    "    pass\n"
)
SEED_TEST = (
    "from test_framework.base import BaseTestCase\n\n\n"
    "class TestService(BaseTestCase):\n"
    "    async def asyncSetUp(self):\n"
    "        self.ready = True\n\n"
    "    async def test_ready(self):\n"
    "        __SENTINEL__\n"
    "        self.assertTrue(self.ready)\n"
)


# The seed's project as a runtime example: the bridging base in its own package, one test module.
SEED_PROJECT = {
    "test_framework/__init__.py": "",
    "test_framework/base.py": SEED_BASE,
    "test_example.py": SEED_TEST,
}
