"""libcst is imported only where a fix is built (engine/fixer.py's `cst`).

Importing it costs ~0.3 s, a large part of a warm `looplint check` (results from the cache) or of
any check that builds no fix.
"""

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "server" / "looplint"

_PROBE = """
import sys
from looplint.cli.main import main
code = main(sys.argv[1:])
print("libcst loaded" if "libcst" in sys.modules else "libcst not loaded")
"""


def _check(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", _PROBE, "check", "--no-cache", "--no-progress", *args],
                          capture_output=True, text=True, timeout=120)


def test_a_check_that_builds_no_fix_never_imports_libcst(tmp_path):
    test = tmp_path / "test_x.py"
    test.write_text("import unittest\n\n\nclass T(unittest.TestCase):\n    async def test_x(self):\n        pass\n")
    run = _check(str(test))
    assert "UT001" in run.stdout, run.stdout + run.stderr
    assert run.stdout.rstrip().endswith("libcst not loaded"), run.stdout


def test_building_a_fix_imports_it(tmp_path):
    test = tmp_path / "test_x.py"
    test.write_text("import unittest\n\n\nclass T(unittest.TestCase):\n    async def test_x(self):\n        pass\n")
    run = _check("--diff", "--unsafe-fixes", str(test))
    assert "+class T(unittest.IsolatedAsyncioTestCase):" in run.stdout, run.stdout + run.stderr
    assert run.stdout.rstrip().endswith("libcst loaded"), run.stdout


def test_no_module_imports_libcst_or_uses_it_at_import_time():
    """`import libcst` at module level, or `cst.X` in a class's bases, a default value or a
    module-level statement, would load it on every start."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in _import_time_nodes(tree.body):
            for sub in ast.walk(node):
                if isinstance(sub, (ast.Import, ast.ImportFrom)):
                    names = [a.name for a in sub.names] if isinstance(sub, ast.Import) else [sub.module or ""]
                    if any(n == "libcst" or n.startswith("libcst.") for n in names):
                        found.append(f"{path.relative_to(PACKAGE)}:{sub.lineno}: imports libcst")
                elif isinstance(sub, ast.Name) and sub.id == "cst" and isinstance(sub.ctx, ast.Load):
                    found.append(f"{path.relative_to(PACKAGE)}:{sub.lineno}: uses cst at import time")
    assert found == []


def _import_time_nodes(body):
    """What runs when a module is imported: everything but function bodies and annotations
    (every module has `from __future__ import annotations`); `if TYPE_CHECKING:` never runs."""
    for node in body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield from node.decorator_list
            yield from (d for d in [*node.args.defaults, *node.args.kw_defaults] if d is not None)
        elif isinstance(node, ast.ClassDef):
            yield from node.decorator_list
            yield from node.bases
            yield from node.keywords
            yield from _import_time_nodes(node.body)
        elif isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            continue
        elif isinstance(node, ast.AnnAssign):
            if node.value is not None:
                yield node.value
        else:
            yield node


def test_a_transformer_defined_without_libcst_is_a_real_one_when_made():
    import libcst

    from looplint.engine.fixer import Transformer

    class Rename(Transformer):
        inits = 0

        def __init__(self, old: str, new: str):
            super().__init__()
            Rename.inits += 1
            self.old, self.new = old, new

        def leave_Name(self, original, updated):
            return updated.with_changes(value=self.new) if updated.value == self.old else updated

    rename = Rename("a", "b")
    assert isinstance(rename, libcst.CSTTransformer) and isinstance(rename, Rename) and Rename.inits == 1
    assert libcst.parse_module("a = a + c\n").visit(rename).code == "b = b + c\n"
    assert type(Rename("x", "y")) is type(rename)  # the class is made once
