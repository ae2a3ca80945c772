"""LP005: event loops created, fetched or run while a test module is being imported."""

from __future__ import annotations

import ast
import re

from ..engine import knowledge
from ..engine.checker import FileContext
from ..engine.model import Severity
from ..engine.rule import Invalid, Rule, RuntimeExample, Symptom, Valid
from ._loops import RUN_LOOP_ATTRS, assigned_target, at_import_time, is_test_code, loop_was_set, no_current_loop_outlook, older_python, target_python

_FACTORY_NAMES = frozenset(name.rpartition(".")[2] for name in knowledge.LOOP_FACTORY_KINDS)


# Its get_event_loop() at import passes on 3.12-3.13 with a warning and fails on 3.14+.
_IMPORT_TIME = {
    "test_example.py": (
        "import asyncio\n"
        "import unittest\n\n"
        "LOOP = asyncio.get_event_loop()\n\n"
        "async def fetch():\n"
        "    return 1\n\n"
        "class T(unittest.TestCase):\n"
        "    def test_x(self):\n"
        "        __SENTINEL__\n"
        "        self.assertEqual(LOOP.run_until_complete(fetch()), 1)\n"
    ),
}


class LoopAtClassOrModuleLevel(Rule):
    code = "LP005"
    name = "loop-at-class-or-module-level"
    severity = Severity.WARNING
    summary = "An event loop is created, fetched or run while a test module is imported (module level, class body, default argument)."
    message = "`{call}` runs {where}, when the test module is imported: {why}"
    tokens = ("new_event_loop", "get_event_loop", "run_until_complete", "run_forever", "EventLoop", "uvloop")
    symptoms = (
        Symptom(
            when="a class-level loop used by an IsolatedAsyncioTestCase test (3.10–3.15)",
            output="RuntimeError: Cannot run the event loop while another loop is running",
            envs=("py310", "py311", "py312", "py313", "py314", "py315"),
        ),
        Symptom(
            when="the loop made at import is never closed (3.10–3.15)",
            output="ResourceWarning: unclosed event loop <_UnixSelectorEventLoop running=False closed=False ...>",
            envs=("py310", "py311", "py312", "py313", "py314", "py315"),
        ),
        Symptom(
            when="`get_event_loop()` at import, Python 3.12 and 3.13",
            output="DeprecationWarning: There is no current event loop",
            envs=("py312", "py313"),
        ),
        Symptom(
            when="`get_event_loop()` at import, Python 3.14 and 3.15: the test module fails to import",
            output="RuntimeError: There is no current event loop in thread 'MainThread'.",
            envs=("py314", "py315"),
        ),
    )
    explanation = """
    Code at module level, in a class body or in a default argument value runs
    once, when the test runner imports the module, before any test and
    outside every test's loop:

    - `asyncio.new_event_loop()` there makes one loop that every test shares
      and nothing closes (`ResourceWarning: unclosed event loop` at exit). An
      `IsolatedAsyncioTestCase` test runs on its own loop, so
      `self.loop.run_until_complete(...)` fails with `RuntimeError: Cannot run
      the event loop while another loop is running`, and objects bound to the
      import-time loop fail in tests.
    - `asyncio.get_event_loop()` there depends on what was imported before:
      `DeprecationWarning: There is no current event loop` on 3.12–3.13,
      `RuntimeError: There is no current event loop in thread 'MainThread'.`
      on 3.14 and 3.15 (the module then fails to import: seen on 3.14.10 and
      3.15.2), and otherwise a loop that is not the loop the tests run on.
    - `...run_until_complete(...)` there runs a coroutine during import (and
      during collection-only runs such as `pytest --collect-only`).

    ### How to fix
    Create the loop or resource per test: `asyncSetUp` in an
    `IsolatedAsyncioTestCase`, an async fixture with pytest-asyncio, or a sync
    `setUp` that makes a private loop and registers `addCleanup(loop.close)`.
    There is no automatic fix: moving the code changes when it runs.

    Not reported: a module-level loop that the module closes (`LOOP.close()`
    in `tearDownModule`, a fixture or `atexit`), code under
    `if __name__ == "__main__":`, `get_event_loop()` after the module set its
    own loop, and modules that are not test code.
    """

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        func = node.func
        last = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None
        if last not in _FACTORY_NAMES and last not in RUN_LOOP_ATTRS:
            return
        if not at_import_time(ctx) or not is_test_code(ctx):
            return
        if last in RUN_LOOP_ATTRS:
            self._run_call(node, ctx)
            return
        kind = knowledge.LOOP_FACTORY_KINDS.get(ctx.qualify(func) or "")
        if kind is None or kind == "running":
            return  # get_running_loop() at import raises at once: nothing to explain
        parent = ctx.parent
        if isinstance(parent, ast.Attribute) and parent.attr in RUN_LOOP_ATTRS:
            return  # reported on the enclosing run_until_complete() call
        where = _where(ctx, node)
        if kind == "current":
            if loop_was_set(ctx, node, None) is not None:
                return
            version = target_python(ctx)
            tail, versions_md = no_current_loop_outlook(version)
            pin = older_python(ctx, version, (3, 14))
            if pin:
                tail += f"; from Python 3.14 the import fails whenever no loop is set: {pin}"
            ctx.report(
                self,
                node,
                fields={"call": f"{ast.unparse(func)}()", "where": where, "why": "it returns an import-time loop, not the tests' loop; " + tail},
                severity=Severity.ERROR if version is not None and version >= (3, 14) else None,
                reason="At import no loop is running, so this is the thread's *current* loop (or none).\n\n" + versions_md,
            )
            return
        if _defining(ctx) is not None:
            subject = "This default value"  # one loop for every call, never closed
        else:
            name = _stored_name(assigned_target(ctx, node))
            if name is None:
                return  # handed straight to something else (e.g. set_event_loop): nothing to trace
            if _closed_in_module(ctx, name):
                return
            subject = f"`{name}` (nothing in this module calls `{name}.close()`)"
        ctx.report(
            self,
            node,
            fields={
                "call": f"{ast.unparse(func)}()",
                "where": where,
                "why": "one loop shared by every test and never closed",
            },
            reason=(
                f"{subject} is created once, at import, outside every test's loop. An `IsolatedAsyncioTestCase` "
                "test runs on its own loop, so running this one there raises `RuntimeError: Cannot run the event "
                "loop while another loop is running`; objects bound to it fail in tests; at exit it is reported "
                "as an unclosed event loop."
            ),
        )

    def _run_call(self, node: ast.Call, ctx: FileContext) -> None:
        receiver = node.func.value  # type: ignore[attr-defined]
        if not isinstance(receiver, ast.Call):
            return  # a name: its creation is what is reported
        kind = knowledge.LOOP_FACTORY_KINDS.get(ctx.qualify(receiver.func) or "")
        if kind == "current" and loop_was_set(ctx, node, None) is not None:
            return
        if kind not in ("current", "new"):
            return
        what = "the import-time current loop" if kind == "current" else "a fresh loop that is never closed"
        ctx.report(
            self,
            node,
            fields={"call": ast.unparse(node.func) + "()", "where": _where(ctx, node), "why": f"it runs a coroutine on {what}"},
            reason=(
                "The coroutine runs during import, outside every test and also when tests are only collected; "
                + (
                    "`get_event_loop()` there is deprecated on 3.12-3.13 and raises RuntimeError on 3.14+ when no loop is set."
                    if kind == "current"
                    else "the loop created for it is never closed."
                )
            ),
        )

    examples = (
        Invalid(
            source=(
                "import asyncio\n"
                "import unittest\n\n"
                "class T(unittest.IsolatedAsyncioTestCase):\n"
                "    loop = asyncio.new_event_loop()\n\n"
                "    async def test_x(self):\n"
                "        pass\n"
            ),
            at=(5, 12),
            end=(5, 36),
            message_contains="class body of `T`",
        ),
        Invalid(
            source=(
                "import asyncio\n\n"
                "LOOP = asyncio.get_event_loop()\n"
                "DB = asyncio.get_event_loop().run_until_complete(connect())\n\n"
                "def test_x(loop=asyncio.new_event_loop()):\n"
                "    pass\n"
            ),
            at=((3, 8), (4, 6), (6, 17)),
        ),
        Invalid(
            # A shared helper module under tests/ counts as test code.
            source="import asyncio\n\nasyncio.new_event_loop().run_until_complete(seed())\n",
            path="tests/seed.py",
            files={"tests/conftest.py": "import tests.seed\n"},
            at=(3, 1),
        ),
        Valid(
            source=(
                "import asyncio\n"
                "import unittest\n\n"
                "LOOP = asyncio.new_event_loop()\n\n"
                "def tearDownModule():\n"
                "    LOOP.close()\n\n"
                "class T(unittest.TestCase):\n"
                "    def test_x(self):\n"
                "        LOOP.run_until_complete(fetch())\n"
            ),
            why="a legacy module that drives its own loop and closes it",
        ),
        Valid(
            source=(
                "import asyncio\n\n"
                "if __name__ == '__main__':\n"
                "    asyncio.get_event_loop().run_until_complete(main())\n"
            ),
            why="script entry points do not run at import",
        ),
        Valid(
            source=(
                "import asyncio\n"
                "import unittest\n\n"
                "class T(unittest.TestCase):\n"
                "    def setUp(self):\n"
                "        self.loop = asyncio.new_event_loop()\n"
                "        self.addCleanup(self.loop.close)\n"
            ),
            why="loops created per test",
        ),
        Valid(
            source="import asyncio\n\nLOOP = asyncio.new_event_loop()\n",
            path="app/runtime.py",
            why="application modules are not test code",
        ),
        Valid(
            source=(
                "import asyncio\n\n"
                "_loop = asyncio.new_event_loop()\n"
                "asyncio.set_event_loop(_loop)\n"
                "CURRENT = asyncio.get_event_loop()\n\n"
                "def teardown_module():\n"
                "    _loop.close()\n"
            ),
            why="get_event_loop() after the module installed (and later closes) its own loop",
        ),
    )

    runtime = (
        RuntimeExample(
            files={
                "test_example.py": (
                    "import asyncio\n"
                    "import unittest\n\n"
                    "async def fetch():\n"
                    "    return 1\n\n"
                    "class T(unittest.IsolatedAsyncioTestCase):\n"
                    "    loop = asyncio.new_event_loop()\n\n"
                    "    async def test_x(self):\n"
                    "        __SENTINEL__\n"
                    "        self.assertEqual(self.loop.run_until_complete(fetch()), 1)\n"
                ),
            },
            runner="unittest",
            outcome="error",
            body_ran=True,
            symptoms=symptoms[:2],
            envs=("py310", "py311", "py312", "py313", "py314", "py315"),
            note="e18 (LP002 also reports the run_until_complete call)",
        ),
        RuntimeExample(
            files=_IMPORT_TIME,
            runner="unittest",
            outcome="passed",
            body_ran=True,
            symptoms=symptoms[2:3],
            envs=("py312", "py313"),
        ),
        RuntimeExample(
            files=_IMPORT_TIME,
            runner="unittest",
            outcome="error",
            body_ran=False,
            symptoms=symptoms[3:],
            envs=("py314", "py315"),
            note="on 3.14 and 3.15 the module does not import: unittest reports a _FailedTest",
        ),
    )


def _where(ctx: FileContext, node: ast.AST) -> str:
    function = _defining(ctx)
    if function is not None:
        name = getattr(function, "name", "a lambda")
        in_decorator = any(_within(node, d) for d in getattr(function, "decorator_list", ()))
        return f"in a decorator of `{name}`" if in_decorator else f"in a default argument of `{name}`"
    cls = ctx.enclosing_class
    if cls is not None:
        return f"in the class body of `{cls.name}`"
    return "at module level"


def _defining(ctx: FileContext) -> ast.AST | None:
    """The def whose decorators or defaults are being evaluated (they belong to the enclosing scope)."""
    for parent in reversed(ctx.parents):
        if isinstance(parent, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            return parent
        if isinstance(parent, (ast.ClassDef, ast.Module)):
            return None
    return None


def _within(node: ast.AST, outer: ast.AST) -> bool:
    start = (outer.lineno, outer.col_offset)  # type: ignore[attr-defined]
    end = (outer.end_lineno, outer.end_col_offset)  # type: ignore[attr-defined]
    return start <= (node.lineno, node.col_offset) <= end  # type: ignore[attr-defined]


def _stored_name(target: ast.AST | None) -> str | None:
    if isinstance(target, ast.Name):
        return target.id
    if isinstance(target, ast.Attribute):
        return target.attr
    return None


def _closed_in_module(ctx: FileContext, name: str) -> bool:
    """Does the module close this loop anywhere (`X.close`, `closing(X)`)? A text search is enough here."""
    text = ctx.source.text
    escaped = re.escape(name)
    return bool(re.search(rf"\b{escaped}\s*\.\s*close\b", text) or re.search(rf"closing\(\s*[\w.]*\b{escaped}\s*\)", text))
