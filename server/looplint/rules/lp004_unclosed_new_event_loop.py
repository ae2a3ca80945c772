"""LP004: a test, hook or fixture creates an event loop and never closes it."""

from __future__ import annotations

import ast
import re

from ..engine import knowledge
from ..engine.checker import FileContext
from ..engine.fixer import FixContext, FixUnavailable
from ..engine.model import Diagnostic, Severity
from ..engine.rule import Invalid, Rule, RuntimeExample, Symptom, Valid
from ._loops import (
    Role,
    assigned_target,
    function_role,
    insert_after_assignment,
    is_test_code,
    set_loop_calls,
    target_code,
    wrap_rest_in_finally,
)
from ._unittest import walk_body

_NEW_LOOP_NAMES = frozenset(name.rpartition(".")[2] for name, kind in knowledge.LOOP_FACTORY_KINDS.items() if kind == "new")
_SETUP_HOOKS = frozenset({"setUp", "asyncSetUp", "setup_method"})
_CLASS_SETUP_HOOKS = frozenset({"setUpClass", "setup_class"})
_TEARDOWN_HOOKS = frozenset({"tearDown", "asyncTearDown", "tearDownClass", "doCleanups", "teardown_method", "teardown_class"})


class UnclosedNewEventLoop(Rule):
    code = "LP004"
    name = "unclosed-new-event-loop"
    severity = Severity.WARNING
    summary = "A loop made with `asyncio.new_event_loop()` in a test, hook or fixture is never closed."
    message = "`{call}` in {where} is never closed{hint}"
    fix_safety = "safe"
    fix_title = "Close the loop after the test"
    tokens = ("new_event_loop", "SelectorEventLoop", "ProactorEventLoop", "uvloop")
    symptoms = (
        Symptom(
            when="when the loop is garbage-collected, with `-W default`, `-X dev` or pytest's warning capture (3.10–3.15)",
            output="ResourceWarning: unclosed event loop <_UnixSelectorEventLoop running=False closed=False debug=False>",
            envs=("py310", "py311", "py312", "py313", "py314", "py315"),
        ),
    )
    explanation = """
    A loop owns a selector, a self-pipe (two sockets) and, once used, a
    default thread pool. `asyncio.new_event_loop()` gives you a loop nobody
    else knows about, so closing it is your job. A loop made per test in
    `setUp` or a fixture and never closed leaks those file descriptors until
    the garbage collector finds it, which then warns `ResourceWarning:
    unclosed event loop`. In long suites this ends in "Too many open files".

    ### How to fix
    Close it whatever happens, as soon as it is made:

    ```python
    def setUp(self):
        self.loop = asyncio.new_event_loop()
        self.addCleanup(self.loop.close)
    ```

    In a fixture: `try: yield loop` / `finally: loop.close()`. The quick fix
    inserts exactly that (a return-style fixture becomes a `yield` fixture so
    the loop lives until teardown). It is offered as unsafe when the function
    also makes the loop current with `set_event_loop()`: after the fix later
    code calling `get_event_loop()` finds a closed loop instead of a leaked one.

    Not reported: loops closed anywhere in the function (or, for `self.x`,
    anywhere in the file: `tearDown`, `addCleanup`, `finally`, after a
    fixture's `yield`, `contextlib.closing`), loops handed to something that
    may dispose of them (`close_loop(loop)`, `exit_stack.callback(...)`) or
    stored elsewhere, classes whose project base class defines a teardown hook,
    pytest-asyncio's legacy `event_loop` fixture (PA003's business), and loops
    made at import time (LP005).
    """

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        func = node.func
        last = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None
        if last not in _NEW_LOOP_NAMES or ctx.function is None:
            return
        if knowledge.LOOP_FACTORY_KINDS.get(ctx.qualify(func) or "") != "new" or not is_test_code(ctx):
            return
        role = function_role(ctx)
        if role is None or not _owns_loops(role):
            return
        target = assigned_target(ctx, node)
        code = target_code(target) if target is not None else None
        if code is None:
            return  # not stored: `set_event_loop(new_event_loop())` and friends are traced by nobody
        if isinstance(target, ast.Name):
            verdict = _local_fate(role.function, target.id)
            if verdict == "closed":
                return
            if isinstance(verdict, tuple):  # stored into self.<attr>
                code, attr = verdict
                if _attr_closed(ctx, role, attr):
                    return
        elif _attr_closed(ctx, role, target.attr):  # type: ignore[union-attr]
            return
        data, applicability, hint = _fix_data(ctx, node, role, target, code)
        ctx.report(
            self,
            node,
            fields={"call": f"{ast.unparse(func)}()", "where": role.describe(), "hint": hint},
            reason=(
                f"`{code}` gets a fresh loop in {role.describe()}, and no `{code}.close()` (tearDown, addCleanup, "
                "finally, after the fixture's yield, contextlib.closing) is reachable in this file, so the loop "
                "and its sockets stay open until garbage collection, which warns `ResourceWarning: unclosed event loop`."
            ),
            data=data or {},
            fixable=data is not None,
            fix_applicability=applicability,
        )

    def fix(self, fixer: FixContext, diagnostic: Diagnostic) -> None:
        data = diagnostic.data
        style, target = data.get("style"), data.get("target")
        if style == "cleanup":
            insert_after_assignment(fixer, diagnostic.range, f"self.addCleanup({target}.close)")
        elif style == "class_cleanup":
            insert_after_assignment(fixer, diagnostic.range, f"cls.addClassCleanup({target}.close)")
        elif style == "finally":
            wrap_rest_in_finally(fixer, diagnostic.range, f"{target}.close()", return_to_yield=data.get("yield", False))
        else:
            raise FixUnavailable(f"no fix for {style!r}")

    examples = (
        Invalid(
            source=(
                "import asyncio\n"
                "import unittest\n\n"
                "class T(unittest.TestCase):\n"
                "    def setUp(self):\n"
                "        self.loop = asyncio.new_event_loop()\n\n"
                "    def test_x(self):\n"
                "        self.assertEqual(self.loop.run_until_complete(fetch()), 1)\n"
            ),
            at=(6, 21),
            end=(6, 45),
            fixed=(
                "import asyncio\n"
                "import unittest\n\n"
                "class T(unittest.TestCase):\n"
                "    def setUp(self):\n"
                "        self.loop = asyncio.new_event_loop()\n"
                "        self.addCleanup(self.loop.close)\n\n"
                "    def test_x(self):\n"
                "        self.assertEqual(self.loop.run_until_complete(fetch()), 1)\n"
            ),
        ),
        Invalid(
            source=(
                "import asyncio\n"
                "import pytest\n\n"
                "@pytest.fixture\n"
                "def loop():\n"
                "    loop = asyncio.new_event_loop()\n"
                "    yield loop\n"
            ),
            at=(6, 12),
            fixed=(
                "import asyncio\n"
                "import pytest\n\n"
                "@pytest.fixture\n"
                "def loop():\n"
                "    loop = asyncio.new_event_loop()\n"
                "    try:\n"
                "        yield loop\n"
                "    finally:\n"
                "        loop.close()\n"
            ),
        ),
        Invalid(
            # A return-style fixture becomes a yield fixture so the loop lives until teardown.
            source=(
                "import asyncio\n"
                "import pytest\n\n"
                "@pytest.fixture\n"
                "def conn():\n"
                "    loop = asyncio.new_event_loop()\n"
                "    # connect once\n"
                "    return loop.run_until_complete(connect())\n"
            ),
            path="tests/conftest.py",
            at=(6, 12),
            fixed=(
                "import asyncio\n"
                "import pytest\n\n"
                "@pytest.fixture\n"
                "def conn():\n"
                "    loop = asyncio.new_event_loop()\n"
                "    # connect once\n"
                "    try:\n"
                "        yield loop.run_until_complete(connect())\n"
                "    finally:\n"
                "        loop.close()\n"
            ),
        ),
        Invalid(
            source=(
                "import asyncio\n"
                "import unittest\n\n"
                "class T(unittest.TestCase):\n"
                "    @classmethod\n"
                "    def setUpClass(cls):\n"
                "        cls.loop = asyncio.new_event_loop()\n"
            ),
            at=(7, 20),
            fixed=(
                "import asyncio\n"
                "import unittest\n\n"
                "class T(unittest.TestCase):\n"
                "    @classmethod\n"
                "    def setUpClass(cls):\n"
                "        cls.loop = asyncio.new_event_loop()\n"
                "        cls.addClassCleanup(cls.loop.close)\n"
            ),
        ),
        Invalid(
            # It is also made the current loop: closing it changes what later get_event_loop() calls see.
            source=(
                "import asyncio\n"
                "import unittest\n\n"
                "class T(unittest.TestCase):\n"
                "    def test_x(self):\n"
                "        loop = asyncio.new_event_loop()\n"
                "        asyncio.set_event_loop(loop)\n"
                "        loop.run_until_complete(fetch())\n"
            ),
            at=(6, 16),
            fixed=(
                "import asyncio\n"
                "import unittest\n\n"
                "class T(unittest.TestCase):\n"
                "    def test_x(self):\n"
                "        loop = asyncio.new_event_loop()\n"
                "        self.addCleanup(loop.close)\n"
                "        asyncio.set_event_loop(loop)\n"
                "        loop.run_until_complete(fetch())\n"
            ),
            unsafe=True,
        ),
        Invalid(
            # Stored through a local name; not at the top of the body: reported, no fix.
            source=(
                "import asyncio\n\n"
                "class TestX:\n"
                "    def setup_method(self):\n"
                "        if True:\n"
                "            loop = asyncio.new_event_loop()\n"
                "            self.loop = loop\n"
            ),
            at=(6, 20),
        ),
        Valid(
            source=(
                "import asyncio\n"
                "import unittest\n\n"
                "class T(unittest.TestCase):\n"
                "    def setUp(self):\n"
                "        self.loop = asyncio.new_event_loop()\n\n"
                "    def tearDown(self):\n"
                "        self.loop.close()\n"
            ),
            why="closed in tearDown",
        ),
        Valid(
            source=(
                "import asyncio\n"
                "import contextlib\n"
                "import pytest\n\n"
                "@pytest.fixture\n"
                "def loop(request):\n"
                "    loop = asyncio.new_event_loop()\n"
                "    request.addfinalizer(loop.close)\n"
                "    return loop\n\n"
                "def test_x():\n"
                "    with contextlib.closing(asyncio.new_event_loop()) as loop:\n"
                "        loop.run_until_complete(fetch())\n\n"
                "def test_y():\n"
                "    loop = asyncio.new_event_loop()\n"
                "    try:\n"
                "        loop.run_until_complete(fetch())\n"
                "    finally:\n"
                "        loop.close()\n"
            ),
            why="closed by a finalizer, contextlib.closing or finally",
        ),
        Valid(
            files={
                "tests/base.py": (
                    "import unittest\n\n"
                    "class LoopCase(unittest.TestCase):\n"
                    "    def tearDown(self):\n"
                    "        self.loop.close()\n"
                ),
                "tests/__init__.py": "",
            },
            source=(
                "import asyncio\n"
                "from tests.base import LoopCase\n\n"
                "class T(LoopCase):\n"
                "    def setUp(self):\n"
                "        self.loop = asyncio.new_event_loop()\n"
            ),
            why="a project base class's teardown may close it",
        ),
        Valid(
            source=(
                "import asyncio\n"
                "import pytest\n\n"
                "def close_loop(loop):\n"
                "    loop.close()\n\n"
                "@pytest.fixture\n"
                "def event_loop():\n"
                "    loop = asyncio.new_event_loop()\n"
                "    yield loop\n\n"
                "def test_x():\n"
                "    loop = asyncio.new_event_loop()\n"
                "    close_loop(loop)\n"
            ),
            why="the legacy event_loop fixture (PA003) and loops handed to a disposer",
        ),
        Valid(
            source="import asyncio\n\ndef make_loop():\n    return asyncio.new_event_loop()\n",
            path="tests/helpers.py",
            why="a helper returning a new loop hands it over to its caller",
        ),
    )

    runtime = (
        RuntimeExample(
            files={
                "test_example.py": (
                    "import asyncio\n"
                    "import gc\n"
                    "import unittest\n\n"
                    "async def fetch():\n"
                    "    return 1\n\n"
                    "class T(unittest.TestCase):\n"
                    "    def setUp(self):\n"
                    "        self.loop = asyncio.new_event_loop()\n\n"
                    "    def test_x(self):\n"
                    "        __SENTINEL__\n"
                    "        self.assertEqual(self.loop.run_until_complete(fetch()), 1)\n\n"
                    "    def test_y(self):\n"
                    "        self.assertEqual(self.loop.run_until_complete(fetch()), 1)\n"
                    "        gc.collect()\n"
                ),
            },
            runner="unittest",
            outcome="passed",
            body_ran=True,
            symptoms=symptoms,
            envs=("py310", "py311", "py312", "py313", "py314", "py315"),
            note="e12",
        ),
        RuntimeExample(
            files={
                "pytest.ini": "[pytest]\nasyncio_default_fixture_loop_scope = function\n",
                "test_example.py": (
                    "import asyncio\n"
                    "import gc\n"
                    "import pytest\n\n"
                    "async def fetch():\n"
                    "    return 1\n\n"
                    "@pytest.fixture\n"
                    "def loop():\n"
                    "    loop = asyncio.new_event_loop()\n"
                    "    yield loop\n\n"
                    "def test_x(loop):\n"
                    "    __SENTINEL__\n"
                    "    assert loop.run_until_complete(fetch()) == 1\n\n"
                    "def test_y_collect():\n"
                    "    gc.collect()\n"
                ),
            },
            runner="pytest",
            outcome="passed",
            body_ran=True,
            symptoms=symptoms,
            envs=("py310", "py311", "py312", "py313", "py314", "py315", "py311-pytest84-pa10", "py311-pytest83-pa023", "py311-pa13"),
        ),
    )


def _owns_loops(role: Role) -> bool:
    """Places whose loops belong to one test (or class): setUp(Class), tests, fixtures."""
    if role.kind == "unknown":
        return False
    if role.kind == "fixture":
        return role.fixture is not None and role.fixture.name != "event_loop"
    if role.kind == "test":
        return True
    if role.kind == "hook":
        return role.name in _SETUP_HOOKS
    if role.kind == "class-hook":
        return role.name in _CLASS_SETUP_HOOKS
    return False


def _local_fate(function: ast.AST, name: str):
    """What happens to a loop bound to a local name: "closed" (or handed over), ("self.x", "x") when stored, or None."""
    stored = None
    for node in ast.walk(function):  # nested defs included: `def cleanup(): loop.close()`
        if isinstance(node, ast.Attribute) and node.attr == "close" and _is_name(node.value, name):
            return "closed"
        if isinstance(node, ast.Call):
            if any(_is_name(arg, name) for arg in node.args) or any(
                _is_name(k.value, name) and k.arg != "loop" for k in node.keywords
            ):
                # asyncio.set_event_loop() only makes it current; anything else
                # (including a project's own `self.set_event_loop`) may dispose of it.
                if ast.unparse(node.func) not in ("asyncio.set_event_loop", "set_event_loop"):
                    return "closed"  # handed to something that may dispose of it: not traced further
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and _is_name(node.value, name):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                code = target_code(target)
                if code and "." in code:
                    stored = (code, target.attr)  # type: ignore[attr-defined]
                else:
                    return "closed"  # aliased or stored in a container: not traced
    return stored


def _is_name(node: ast.AST | None, name: str) -> bool:
    return isinstance(node, ast.Name) and node.id == name


def _attr_closed(ctx: FileContext, role: Role, attr: str) -> bool:
    """Is `<x>.<attr>` closed somewhere in this file, or may a project base class's teardown close it?"""
    text = ctx.source.text
    escaped = re.escape(attr)
    if re.search(rf"\.{escaped}\s*\.\s*close\b", text) or re.search(rf"closing\(\s*[\w.]*\.{escaped}\s*\)", text):
        return True
    if re.search(rf"\w*(?:clos|clean|shutdown|dispos)\w*\([^)]*\.{escaped}\b", text, re.IGNORECASE):
        return True
    model = role.model
    if model is None:
        return False
    if model.unknown_bases:
        return True  # an unknown base may close it
    # A teardown hook in any base class may close it (an override usually
    # calls super(), so looking only at the first definition is not enough).
    for class_name, path, _, _ in model.chain_locations[1:]:
        summary = ctx.project.summary(path)
        cls = summary.classes.get(class_name) if summary else None
        if cls is not None and any(hook in cls.methods for hook in _TEARDOWN_HOOKS):
            return True
    return False


def _fix_data(ctx: FileContext, call: ast.Call, role: Role, target: ast.AST, code: str):
    """(data, applicability, message hint) for the fix, or (None, None, hint) when the shape is not clear."""
    if len(ctx.parents) < 2 or ctx.parents[-2] is not role.function:
        return None, None, ""
    sets_current = bool(set_loop_calls(ctx, role.function))
    applicability = "unsafe" if sets_current else "safe"
    if role.style in ("unittest", "isolated"):
        if role.kind == "class-hook" and role.name == "setUpClass" and not code.startswith("self."):
            return {"style": "class_cleanup", "target": code}, applicability, ": register `cls.addClassCleanup(...close)`"
        if (role.kind == "test" or role.name in ("setUp", "asyncSetUp")) and not code.startswith("cls."):
            return {"style": "cleanup", "target": code}, applicability, ": register `self.addCleanup(...close)`"
        return None, None, ""
    if role.style == "pytest" and role.kind in ("fixture", "test") and isinstance(target, ast.Name):
        generator = any(isinstance(n, (ast.Yield, ast.YieldFrom)) for n in walk_body(role.function))
        data = {"style": "finally", "target": code, "yield": role.kind == "fixture" and not generator}
        return data, applicability, ": close it in a `finally`"
    return None, None, ""
