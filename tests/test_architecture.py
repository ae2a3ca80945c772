"""Dependencies run one way: fronts (cli, lsp) -> rules -> engine.

Every import is counted, including those inside functions and under
`TYPE_CHECKING`: a type-only import of a rule module still ties the engine to it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "server" / "looplint"
# The command line also starts the server (`looplint server`), so it sits above it.
LAYERS = {"engine": 0, "rules": 1, "lsp": 2, "cli": 3}


def _imported_packages(path: Path) -> set[str]:
    """The looplint sub-packages (engine, rules, cli, lsp) a module imports."""
    own = path.relative_to(PACKAGE).parts
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = list(own[:-1])[: len(own) - node.level] if node.level > 1 else list(own[:-1])
                target = base + (node.module.split(".") if node.module else [])
                if node.module is None:
                    target += [alias.name for alias in node.names][:1]
            elif node.module and node.module.startswith("looplint."):
                target = node.module.split(".")[1:]
            else:
                continue
            if target:
                found.add(target[0])
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("looplint."):
                    found.add(alias.name.split(".")[1])
    return found


def _modules(package: str) -> list[Path]:
    return sorted((PACKAGE / package).rglob("*.py"))


@pytest.mark.parametrize("package", sorted(LAYERS))
def test_imports_only_go_down(package: str) -> None:
    level = LAYERS[package]
    offending = []
    for module in _modules(package):
        for imported in _imported_packages(module):
            if imported in LAYERS and imported != package and LAYERS[imported] >= level:
                offending.append(f"{module.relative_to(PACKAGE)} imports {imported}")
    assert offending == []


def test_the_checker_sees_every_package() -> None:
    # The test above is only worth something if it finds the imports that do exist.
    assert "engine" in _imported_packages(PACKAGE / "rules" / "ut001_async_test_on_sync_testcase.py")
    assert "rules" in _imported_packages(PACKAGE / "cli" / "run.py")
