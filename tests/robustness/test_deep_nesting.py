"""Code nested as deep as Python's own parser accepts: checked, fixed where libcst can, never a crash.

Every expression kind (`a+a+...`, `a.b.b...`, `f()()...`, lambdas, conditional expressions,
brackets...) and every block statement kind is nested to the deepest level `ast.parse`
accepts on this interpreter, inside contexts that hold findings of their own: the findings
must still be reported, fixes built or declined with a reason, and no check may take long.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from deep_code import (
    CONTEXTS,
    EXPRESSION_LEVELS,
    STATEMENT_LEVELS,
    deepest,
    in_context,
    nested_expression,
    nested_statements,
)
from looplint.engine.fixer import MAX_FIX_NESTING
from looplint.engine.workspace import Engine
from looplint.rules import all_rules

# Generous: the slowest deep file checks in about a second on a loaded 2-core machine.
SECONDS_PER_FILE = 20.0


def _check_everything(root: Path, text: str, expected: tuple[str, ...] = ()) -> None:
    """Check with fixes, then fix: no exception, the findings come, nothing takes long."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text("")
    path = root / "test_deep.py"
    path.write_text(text)
    engine = Engine(all_rules())
    start = time.monotonic()
    result = engine.check_file(path, with_fixes=True)
    if result.problem is not None:
        # The interpreter's parser may run out of depth a little sooner here than where the
        # depth was measured (its limit depends on the stack in use): then that is the report.
        assert "nested too deeply" in result.problem.message, result.problem.message
        return
    codes = {d.code for d in result.diagnostics}
    assert set(expected) <= codes, (expected, codes)
    for diagnostic in result.diagnostics:
        if diagnostic.fix_applicability is not None:
            assert (diagnostic.fix is None) == bool(diagnostic.fix_unavailable), diagnostic
    outcome = engine.fix_file_text(path, text, unsafe=True)
    assert all(why for _, why in outcome.failed)
    if outcome.applied:
        ast.parse(outcome.text)
    assert time.monotonic() - start < SECONDS_PER_FILE


def _deepest_in(context: str, kinds: list[str]) -> int:
    return deepest(lambda depth: in_context(context, nested_expression(kinds, depth)))


@pytest.mark.parametrize("kind", sorted(EXPRESSION_LEVELS))
def test_each_expression_kind_at_the_parsers_limit(tmp_path, kind):
    depth = _deepest_in("async-test", [kind])
    if depth == 0:
        pytest.skip(f"{kind} does not nest on Python {sys.version_info[:2]}")
    _check_everything(tmp_path, in_context("async-test", nested_expression([kind], depth)), CONTEXTS["async-test"][1])


@pytest.mark.parametrize("kind", sorted(STATEMENT_LEVELS))
def test_each_statement_kind_at_the_parsers_limit(tmp_path, kind):
    def make(depth: int) -> str:
        inner = nested_statements([kind], depth).replace("\n", "\n        ")
        return "import time, unittest, pytest\n" "class T(unittest.IsolatedAsyncioTestCase):\n" \
            "    async def test_a(self):\n" "        time.sleep(1)\n" f"        {inner}\n"

    depth = deepest(make)
    assert depth > 0, kind
    _check_everything(tmp_path, make(depth), ("CO004",))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    kinds=st.lists(st.sampled_from(sorted(EXPRESSION_LEVELS)), min_size=1, max_size=4),
    context=st.sampled_from(sorted(CONTEXTS)),
    fraction=st.sampled_from([1.0, 0.5, 0.1]),
)
def test_mixed_nesting_in_every_context(tmp_path_factory, kinds, context, fraction):
    """Random mixes of kinds, at the limit or part of the way, in every context."""
    limit = _deepest_in(context, kinds)
    if limit == 0:
        return  # this mix never parses (an f-string before 3.12, `await` at module level...)
    depth = max(1, int(limit * fraction))
    _check_everything(tmp_path_factory.mktemp("mix"), in_context(context, nested_expression(kinds, depth)),
                      CONTEXTS[context][1])


def test_fixes_are_built_up_to_the_bound_and_declined_beyond_it(tmp_path):
    """Below MAX_FIX_NESTING the fix is made; beyond it the diagnostic stays, with the reason."""
    engine = Engine(all_rules())
    (tmp_path / "pyproject.toml").write_text("")
    for depth, fixed in ((MAX_FIX_NESTING // 2, True), (MAX_FIX_NESTING * 3, False)):
        path = tmp_path / f"test_{depth}.py"
        path.write_text(in_context("async-test", nested_expression(["add"], depth)))
        [co004] = [d for d in engine.check_file(path, with_fixes=True).diagnostics if d.code == "CO004"]
        assert (co004.fix is not None) is fixed
        assert ("levels" in co004.fix_unavailable) is not fixed


def _run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "looplint", "check", "--no-progress", *args], cwd=cwd, capture_output=True,
        text=True, timeout=120,
    )


@pytest.mark.parametrize("args", [(), ("--output-format", "json"), ("--output-format", "sarif"),
                                  ("--fix", "--unsafe-fixes"), ("--jobs", "2")])
def test_cli_reports_every_file_beside_a_deep_one(tmp_path, args):
    """A deep file (with a finding whose fix libcst cannot build) does not cost the run its other results."""
    (tmp_path / "pyproject.toml").write_text("")
    deep = in_context("async-test", nested_expression(["add"], _deepest_in("async-test", ["add"]) - 50))
    (tmp_path / "test_deep.py").write_text(deep)
    (tmp_path / "test_plain.py").write_text(in_context("async-test", "1"))
    result = _run_cli(*args, ".", cwd=tmp_path)
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 1, result.stderr
    if args[:2] == ("--output-format", "json"):
        files = {Path(d["filename"]).name for d in json.loads(result.stdout)}
        assert files == {"test_deep.py", "test_plain.py"}
        assert "test_deep.py" in result.stderr and "no fix for CO004" in result.stderr
    elif "--fix" in args:
        assert "await asyncio.sleep" in (tmp_path / "test_plain.py").read_text()
        assert (tmp_path / "test_deep.py").read_text() == deep  # not fixed, not touched
        assert "test_deep.py" in result.stderr  # why it was not fixed
    elif not args or args[0] == "--jobs":
        assert "test_deep.py" in result.stdout and "test_plain.py" in result.stdout
