"""What a module and a function are for a test runner (the one role model every rule asks).

Test support is decided by content, not by folder names: a module is test support when pytest
or unittest would collect it (`test_*.py`, `*_test.py`, `conftest.py`), when it defines test
machinery (a `unittest.TestCase` subclass, a fixture, a pytest hook), when it imports a test
framework, or when a test module of the project imports it — wherever it lives
(`test_framework/`, `testing.py`, `src/pkg/testing/`).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

from ..checker import FileContext
from ..project import ClassModel, Project
from ..summary import FixtureSummary, ModuleSummary
from .dispatch import RUNS_ISOLATED, runner_kind
from ..files import read_text_or_none
from ..source import SourceError
from ..symbols import ProjectClass

# Modules whose import makes a module test code (`unittest.mock` alone does not: production code mocks too).
_TEST_FRAMEWORKS = frozenset(
    {"pytest", "pytest_asyncio", "_pytest", "unittest", "asynctest", "aiounittest", "hypothesis", "pytest_mock"}
)
# Test support modules of frameworks (importing them makes a module test support).
_TEST_FRAMEWORK_MODULES = ("django.test", "tornado.testing", "aiohttp.test_utils", "twisted.trial", "anyio.pytest_plugin")


def is_test_module_name(path: Path) -> bool:
    """A module pytest collects by default (`test_*.py`, `*_test.py`) or a `conftest.py`."""
    name = path.name
    return name == "conftest.py" or name.endswith(".py") and (name.startswith("test_") or name.endswith("_test.py"))


def is_test_support(ctx: FileContext) -> bool:
    """Is the checked module test code or test support? (cached per file)"""
    cached = ctx.state.get("_roles.test_support")
    if cached is None:
        cached = ctx.state["_roles.test_support"] = module_is_test_support(ctx.project, ctx.path, ctx.summary)
    return cached


def module_is_test_support(project: Project, path: Path, summary: ModuleSummary) -> bool:
    return test_support_by_content(project, path, summary) or _imported_by_test_modules(
        project, project.module_name(path)
    )


def test_support_by_content(project: Project, path: Path, summary: ModuleSummary) -> bool:
    """Test support by what the module is and holds (its name, fixtures, hooks, imports, TestCase
    classes); when not, the reverse scan decides (the cache knows who depends on it by this)."""
    if is_test_module_name(path) or summary.fixtures or summary.hooks or imports_test_framework(summary):
        return True
    for name in summary.classes:
        model = project.class_model(ProjectClass(path, name))
        if model is not None and model.is_testcase:
            return True
    return False


def imports_test_framework(summary: ModuleSummary) -> bool:
    for bindings in summary.imports.values():
        for binding in bindings:
            if binding.level:
                continue
            if binding.module.startswith(_TEST_FRAMEWORK_MODULES):
                return True
            if binding.module.split(".")[0] not in _TEST_FRAMEWORKS:
                continue
            if binding.module.startswith("unittest.mock") or (binding.module == "unittest" and binding.name == "mock"):
                continue
            return True
    return False


# How many files the reverse scan (which modules do test modules import?) reads at most. A
# project bigger than that is not scanned: its helpers count as test support only by content.
SCAN_LIMIT = 1000
_IMPORT = re.compile(r"^[ \t]*(?:from[ \t]+(\.*[\w.]*)[ \t]+import[ \t]+\(?([\w., \t]+)|import[ \t]+([\w., \t]+))", re.M)


def _imported_by_test_modules(project: Project, module: str) -> bool:
    """Does a test module of the project import `module` (or something inside it)?"""
    return imported_in(test_imports(project), module) is True


def imported_in(imported: frozenset[str] | None, module: str) -> bool | None:
    """Is `module` (or something inside it) among `imported` (None: the project was not scanned)?"""
    if imported is None:
        return None
    return module in imported or any(name.startswith(module + ".") for name in imported)


def test_imports(project: Project) -> frozenset[str] | None:
    """Absolute module names that the project's test modules import, read from their text (no
    parse); None when the project is too big to scan. Kept until the project is invalidated as a
    whole (an editor keystroke must not rescan the project; a new test module importing a helper
    is seen at the next full re-index)."""

    def build() -> frozenset[str] | None:
        found: set[str] = set()
        seen = 0
        for path in project.iter_files():
            seen += 1
            if seen > SCAN_LIMIT:
                return None
            if not is_test_module_name(path):
                continue
            try:
                text = project.source(path).text
            except SourceError:
                continue
            package = project.module_name(path).split(".")[:-1] if path.name != "__init__.py" else project.module_name(path).split(".")
            for match in _IMPORT.finditer(text):
                source, names, plain = match.groups()
                if plain is not None:
                    found.update(part.split()[0] for part in plain.split(",") if part.strip())
                    continue
                level = len(source) - len(source.lstrip("."))
                base = source.lstrip(".")
                if level:
                    prefix = package[: len(package) - (level - 1)] if level > 1 else package
                    base = ".".join([*prefix, base] if base else prefix)
                if not base:
                    continue
                found.add(base)
                found.update(f"{base}.{name.split()[0]}" for name in names.split(",") if name.strip())
        return frozenset(found)

    return project.memo("test-imports", build)  # type: ignore[return-value]


def fixture_of(ctx: FileContext, function: ast.AST, class_name: str | None) -> FixtureSummary | None:
    """The fixture a def in this module declares (None: not a fixture)."""
    for fixture in ctx.summary.fixtures:
        if fixture.line == function.lineno and fixture.func_name == function.name and fixture.class_name == class_name:  # type: ignore[attr-defined]
            return fixture
    return None


# -- what a function is ----------------------------------------------------------------------------

UNITTEST_HOOKS = frozenset({"setUp", "tearDown", "asyncSetUp", "asyncTearDown"})
UNITTEST_CLASS_HOOKS = frozenset({"setUpClass", "tearDownClass"})
PYTEST_METHOD_HOOKS = frozenset({"setup_method", "teardown_method", "setup", "teardown"})
PYTEST_CLASS_HOOKS = frozenset({"setup_class", "teardown_class"})
MODULE_HOOKS = frozenset(
    {"setUpModule", "tearDownModule", "setup_module", "teardown_module", "setup_function", "teardown_function"}
)


@dataclass
class Role:
    """What a def is, for a test runner.

    kind: "test", "fixture", "hook" (per test), "class-hook", "module-hook",
    "helper" (anything else), "unknown" (a class whose runner cannot be told).
    style: "unittest" (plain TestCase), "isolated" (IsolatedAsyncioTestCase),
    "pytest", or "module" (module-level helper).
    """

    kind: str
    style: str
    function: ast.FunctionDef | ast.AsyncFunctionDef
    cls: ast.ClassDef | None = None
    model: ClassModel | None = None
    fixture: FixtureSummary | None = None

    @property
    def name(self) -> str:
        return self.function.name

    @property
    def is_hook(self) -> bool:
        return self.kind in ("hook", "class-hook", "module-hook")

    def describe(self) -> str:
        owner = f"`{self.cls.name}.{self.name}`" if self.cls is not None else f"`{self.name}`"
        if self.kind == "fixture":
            return f"fixture {owner}"
        if self.kind == "test":
            return f"test {owner}"
        if self.is_hook:
            return f"{owner}"
        return f"helper {owner}"


def enclosing_role(ctx: FileContext) -> Role | None:
    """The role of the innermost enclosing def (None at module/class level, in lambdas and nested defs)."""
    chain = ctx.function_chain()
    if not chain or chain[0].kind != "function" or len(chain) > 1:
        return None  # a def nested in a function: a callback or a decorator's wrapper
    scope = chain[0]
    parent = scope.parent
    cls = parent.node if parent is not None and parent.kind == "class" else None
    if parent is not None and parent.kind not in ("module", "class"):
        return None
    if cls is not None and (parent.parent is None or parent.parent.kind != "module"):  # type: ignore[union-attr]
        return None  # a method of a nested class
    return role_of(ctx, scope.node, cls)  # type: ignore[arg-type]


def role_of(ctx: FileContext, function: ast.FunctionDef | ast.AsyncFunctionDef, cls: ast.ClassDef | None) -> Role | None:
    """The role of a def at module level (`cls` None) or in a top-level class of this module (cached)."""
    cache = ctx.state.setdefault("_roles.roles", {})
    key = (id(function), id(cls))
    if key not in cache:
        cache[key] = _role(ctx, function, cls)
    return cache[key]


def _role(ctx: FileContext, function, cls: ast.ClassDef | None) -> Role | None:
    name = function.name
    fixture = fixture_of(ctx, function, cls.name if cls is not None else None)
    if cls is None:
        if fixture is not None:
            return Role("fixture", "pytest", function, fixture=fixture)
        if name.startswith("test"):
            return Role("test", "pytest", function)
        if name in MODULE_HOOKS:
            return Role("module-hook", "module", function)
        return Role("helper", "module", function)
    summary = ctx.summary.classes.get(cls.name)
    model = ctx.class_model(cls) if summary is not None and summary.line == cls.lineno else None
    if model is None:
        return None
    if fixture is not None:
        return Role("fixture", "pytest", function, cls, model, fixture)
    if model.is_testcase is False and not model.unknown_bases:
        if not cls.name.startswith("Test"):
            return Role("helper", "module", function, cls, model)
        if name.startswith("test"):
            return Role("test", "pytest", function, cls, model)
        if name in PYTEST_METHOD_HOOKS:
            return Role("hook", "pytest", function, cls, model)
        if name in PYTEST_CLASS_HOOKS:
            return Role("class-hook", "pytest", function, cls, model)
        return Role("helper", "pytest", function, cls, model)
    kind = runner_kind(model)
    if kind is None:
        return Role("unknown", "unknown", function, cls, model)
    style = "isolated" if kind == RUNS_ISOLATED else "unittest"
    if name.startswith("test"):
        return Role("test", style, function, cls, model)
    if name in UNITTEST_HOOKS:
        return Role("hook", style, function, cls, model)
    if name in UNITTEST_CLASS_HOOKS:
        return Role("class-hook", style, function, cls, model)
    return Role("helper", style, function, cls, model)


# -- the project's own pytest plugin ------------------------------------------------------------------

def own_plugin_modules(project: Project) -> frozenset[str]:
    """Modules the project declares as its pytest plugins (`[project.entry-points.pytest11]`):
    fixtures defined there are the plugin's own, not overrides of it."""

    def build() -> frozenset[str]:
        try:
            import tomllib
        except ImportError:  # Python 3.10
            import tomli as tomllib  # type: ignore[no-redef]
        text = read_text_or_none(project.root / "pyproject.toml")
        if not text or "pytest11" not in text:
            return frozenset()
        try:
            data = tomllib.loads(text)
        except (tomllib.TOMLDecodeError, ValueError):
            return frozenset()
        project_table = data.get("project")
        points = project_table.get("entry-points") if isinstance(project_table, dict) else None
        plugins = points.get("pytest11") if isinstance(points, dict) else None
        if not isinstance(plugins, dict):
            return frozenset()
        return frozenset(str(target).split(":")[0].strip() for target in plugins.values())

    return project.memo("own-pytest-plugins", build)  # type: ignore[return-value]


def is_own_plugin_module(ctx: FileContext) -> bool:
    return ctx.project.module_name(ctx.path) in own_plugin_modules(ctx.project)
