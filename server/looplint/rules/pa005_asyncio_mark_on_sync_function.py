"""PA005: `@pytest.mark.asyncio` on a sync test (directly, or through a class or module mark)."""

from __future__ import annotations

import ast

from ..engine.fixer import cst  # libcst, imported when a fix is built

from ..engine.checker import FileContext
from ..engine.fixer import FixContext, FixUnavailable
from ..engine.model import Diagnostic, Range, Severity
from ._pytest import add_decorator, find_function, pytest_model, remove_decorator
from ..engine.rule import Invalid, Rule, RuntimeExample, Symptom, Valid

_INI = "[pytest]\nasyncio_default_fixture_loop_scope = function\n"


class AsyncioMarkOnSyncFunction(Rule):
    code = "PA005"
    name = "asyncio-mark-on-sync-function"
    severity = Severity.WARNING
    summary = "`@pytest.mark.asyncio` on a sync test does nothing but make pytest-asyncio warn."
    message = "`@pytest.mark.asyncio` on sync test `{test}`: pytest-asyncio ignores it and warns"
    fix_safety = "safe"
    fix_title = "Remove the asyncio mark from the sync test"
    fix_edits_elsewhere = True  # its fix reads or edits other methods or statements
    tokens = ("asyncio",)
    symptoms = (
        Symptom(
            when="pytest-asyncio ≥ 0.18 (1.5.0 run here); the test still runs",
            output="PytestWarning: The test <Function ...> is marked with '@pytest.mark.asyncio' but it is not an "
                   "async function. Please remove the asyncio mark.",
            envs=("py311",),
        ),
    )
    explanation = """
    The asyncio mark tells pytest-asyncio to run a coroutine test in an event
    loop. On a plain `def` test it has nothing to do: the test runs as usual
    and pytest-asyncio emits a `PytestWarning` for it (an error under
    `-W error`). The usual cause is a module- or class-wide
    `pytestmark = pytest.mark.asyncio` in a module that also has sync tests.

    ### How to fix
    Remove the decorator from the sync test (safe). For a class or module
    mark, put the mark on the async tests instead: the quick fix (unsafe,
    review it) removes `pytest.mark.asyncio` from `pytestmark` (or from the
    class) and decorates every async test it covered with the same mark.

    ```python
    @pytest.mark.asyncio
    async def test_fetch(): ...

    def test_parse(): ...
    ```

    Not reported: sync tests behind decorators that may turn them into
    coroutine functions, marks inherited from a base class in another
    module, unittest classes (UT008), and projects where pytest-asyncio is
    disabled (`-p no:asyncio`).
    """

    def end_file(self, ctx: FileContext) -> None:
        model = pytest_model(ctx)
        if not model.asyncio_enabled or not model.is_test_module or not model.asyncio_installed:
            return
        groups: dict[int, tuple] = {}
        for item in model.tests():
            if not item.plain or item.node is None:
                continue
            mark = item.closest("asyncio")
            if mark is None or mark.node is None or mark.origin == "base class":
                continue
            entry = groups.setdefault(id(mark.node), (mark, [], []))
            (entry[2] if item.function.is_async else entry[1]).append(item)
        for mark, sync_items, async_items in groups.values():
            if not sync_items:
                continue
            names = ", ".join(f"`{i.qualname}`" for i in sync_items)
            if mark.origin == "function":
                item = sync_items[0]
                ctx.report(
                    self,
                    mark.node,
                    fields={"test": item.qualname},
                    reason=f"`{item.qualname}` is a plain `def`: the mark has no coroutine to run.",
                    data={"kind": "remove"},
                )
                continue
            holder = {"class": "its class", "class pytestmark": "the class's `pytestmark`",
                      "module pytestmark": "the module's `pytestmark`"}[mark.origin]
            text = ast.get_source_segment(ctx.source.text, mark.node) or ""
            targets = [ctx.name_range(i.node).to_json() for i in async_items if i.node is not None]
            ctx.report(
                self,
                mark.node,
                message=f"`@pytest.mark.asyncio` in {holder} also applies to sync "
                        f"test{'s' if len(sync_items) > 1 else ''} {names}: pytest-asyncio warns for each",
                reason=f"The mark covers {len(sync_items)} sync and {len(async_items)} async test(s). Marking the "
                       "async tests one by one keeps them running and silences the warnings.",
                data={"kind": "move", "mark": text, "targets": targets, "origin": mark.origin},
                fix_title="Move the asyncio mark onto the async tests",
                fix_applicability="unsafe",
                fixable=bool(text) and "\n" not in text,
            )

    def fix(self, fixer: FixContext, diagnostic: Diagnostic) -> None:
        data = diagnostic.data
        if data.get("kind") == "remove":
            remove_decorator(fixer, diagnostic.range)
            return
        if data.get("kind") != "move":
            raise FixUnavailable("unknown fix")
        if data.get("origin") == "class":
            remove_decorator(fixer, diagnostic.range)
        else:
            _remove_from_pytestmark(fixer, diagnostic.range)
        for target in data.get("targets", ()):
            add_decorator(fixer, find_function(fixer, Range.from_json(target)), data["mark"])

    examples = (
        Valid(
            files={
                "setup.py": (
                    "from setuptools import setup\n\n"
                    "setup(name='x', tests_require=['pytest==7.1.3', 'pytest-sanic'])\n"
                ),
            },
            source="import pytest\n\n@pytest.mark.asyncio\ndef test_sync():\n    pass\n",
            why="the project's declared test dependencies (setup.py) lack pytest-asyncio: no plugin warns about its mark",
        ),
        Invalid(
            source="import pytest\n\n@pytest.mark.asyncio\ndef test_sync():\n    assert True\n",
            at=(3, 2),
            end=(3, 21),
            fixed="import pytest\n\ndef test_sync():\n    assert True\n",
        ),
        Invalid(
            # A module-wide mark over sync and async tests: the mark moves onto the async ones.
            source=(
                "import pytest\n\n"
                "pytestmark = pytest.mark.asyncio\n\n"
                "def test_sync():\n    pass\n\n"
                "async def test_async():\n    pass\n"
            ),
            at=(3, 14),
            message_contains="test_sync",
            fixed=(
                "import pytest\n\n"
                "def test_sync():\n    pass\n\n"
                "@pytest.mark.asyncio\n"
                "async def test_async():\n    pass\n"
            ),
            unsafe=True,
        ),
        Invalid(
            # One element of a list, with arguments kept; class methods covered too.
            source=(
                "import pytest\n\n"
                "pytestmark = [pytest.mark.slow, pytest.mark.asyncio(loop_scope='module')]\n\n"
                "class TestC:\n"
                "    def test_m(self):\n        pass\n\n"
                "    async def test_a(self):\n        pass\n"
            ),
            at=(3, 33),
            fixed=(
                "import pytest\n\n"
                "pytestmark = [pytest.mark.slow]\n\n"
                "class TestC:\n"
                "    def test_m(self):\n        pass\n\n"
                "    @pytest.mark.asyncio(loop_scope='module')\n"
                "    async def test_a(self):\n        pass\n"
            ),
            unsafe=True,
        ),
        Invalid(
            source=(
                "import pytest\n\n"
                "@pytest.mark.asyncio\n"
                "class TestC:\n"
                "    def test_m(self):\n        pass\n\n"
                "    async def test_a(self):\n        pass\n"
            ),
            at=(3, 2),
            fixed=(
                "import pytest\n\n"
                "class TestC:\n"
                "    def test_m(self):\n        pass\n\n"
                "    @pytest.mark.asyncio\n"
                "    async def test_a(self):\n        pass\n"
            ),
            unsafe=True,
        ),
        Valid(source="import pytest\n\n@pytest.mark.asyncio\nasync def test_x():\n    pass\n", why="async test"),
        Valid(
            source="import pytest\n\npytestmark = pytest.mark.asyncio\n\nasync def test_x():\n    pass\n\n"
                   "def helper():\n    pass\n",
            why="sync helpers are not tests",
        ),
        Valid(
            source=(
                "import pytest\nfrom mylib import make_async\n\n"
                "@pytest.mark.asyncio\n@make_async\ndef test_x():\n    pass\n"
            ),
            why="an unknown decorator may return a coroutine function",
        ),
        Valid(
            source="import unittest, pytest\n\nclass T(unittest.TestCase):\n    @pytest.mark.asyncio\n"
                   "    def test_x(self):\n        pass\n",
            why="unittest classes are UT008's",
        ),
        Valid(
            files={"pytest.ini": "[pytest]\naddopts = -p no:asyncio\n"},
            source="import pytest\n\n@pytest.mark.asyncio\ndef test_sync():\n    pass\n",
            why="pytest-asyncio disabled",
        ),
    )

    runtime = (
        RuntimeExample(
            files={
                "pytest.ini": _INI,
                "test_example.py": (
                    "import pytest\n\n"
                    "pytestmark = pytest.mark.asyncio\n\n"
                    "def test_sync():\n"
                    "    __SENTINEL__\n\n"
                    "async def test_async():\n"
                    "    __SENTINEL__\n"
                ),
            },
            runner="pytest",
            outcome="passed",
            body_ran=True,
            symptoms=symptoms,
            envs=("py311",),
        ),
    )


def _remove_from_pytestmark(fixer: FixContext, mark_range: Range) -> None:
    expr = fixer.find(mark_range, cst.BaseExpression)
    parent = fixer.parent(expr)
    if isinstance(parent, cst.Element):
        container = fixer.parent(parent)
        if not isinstance(container, (cst.List, cst.Tuple)):
            raise FixUnavailable("pytestmark is not a list")
        if len(container.elements) > 1:
            def drop(updated):
                elements = [e for e in updated.elements if not e.value.deep_equals(expr)]
                if len(elements) != len(updated.elements) - 1:
                    raise FixUnavailable("mark not found")
                last = updated.elements[-1]
                elements[-1] = elements[-1].with_changes(comma=last.comma)
                return updated.with_changes(elements=elements)

            fixer.replace(container, drop)
            return
        expr = container
        parent = fixer.parent(container)
    if isinstance(parent, (cst.Assign, cst.AnnAssign)):
        statement = fixer.statement_of(parent)
        fixer.remove(statement)
        return
    raise FixUnavailable("unexpected pytestmark shape")
