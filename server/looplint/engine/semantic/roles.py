"""What a module and a function are for a test runner.

Test support is decided by content, not by folder names: a module is test support when pytest
or unittest would collect it (`test_*.py`, `*_test.py`, `conftest.py`), when it defines test
machinery (a `unittest.TestCase` subclass, a fixture, a pytest hook), when it imports a test
framework, or when a test module of the project imports it — wherever it lives
(`test_framework/`, `testing.py`, `src/pkg/testing/`).
"""

from __future__ import annotations

import ast
from pathlib import Path

from ..checker import FileContext
from ..project import Project
from ..summary import FixtureSummary, ModuleSummary
from ..symbols import ProjectClass, ProjectModule, options_of

# Modules whose import makes a module test code (`unittest.mock` alone does not: production code mocks too).
_TEST_FRAMEWORKS = frozenset({"pytest", "pytest_asyncio", "_pytest", "unittest", "asynctest", "aiounittest"})


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
    if is_test_module_name(path) or summary.fixtures or summary.hooks or imports_test_framework(summary):
        return True
    for name in summary.classes:
        model = project.class_model(ProjectClass(path, name))
        if model is not None and model.is_testcase:
            return True
    return path in _imported_by_test_modules(project)


def imports_test_framework(summary: ModuleSummary) -> bool:
    for bindings in summary.imports.values():
        for binding in bindings:
            if binding.level or binding.module.split(".")[0] not in _TEST_FRAMEWORKS:
                continue
            if binding.module.startswith("unittest.mock") or (binding.module == "unittest" and binding.name == "mock"):
                continue
            return True
    return False


def _imported_by_test_modules(project: Project) -> frozenset[Path]:
    """Project modules that some test module imports (directly), built once per project state."""

    def build() -> frozenset[Path]:
        found: set[Path] = set()
        for path in project.iter_files():
            if not is_test_module_name(path):
                continue
            summary = project.summary(path)
            if summary is None:
                continue
            for module in summary.dependencies:
                level = len(module) - len(module.lstrip("."))
                target = project.resolve_module(path, module.lstrip("."), level)
                found.update(option.path for option in options_of(target) if isinstance(option, ProjectModule))
            for local in summary.imports:
                target = project.resolve_dotted(path, local)
                for option in options_of(target):
                    where = getattr(option, "path", None)
                    if isinstance(where, Path) and where.suffix == ".py":
                        found.add(where)
        return frozenset(found)

    return project.derived("test-importers", build)  # type: ignore[return-value]


def fixture_of(ctx: FileContext, function: ast.AST, class_name: str | None) -> FixtureSummary | None:
    """The fixture a def in this module declares (None: not a fixture)."""
    for fixture in ctx.summary.fixtures:
        if fixture.line == function.lineno and fixture.func_name == function.name and fixture.class_name == class_name:  # type: ignore[attr-defined]
            return fixture
    return None
