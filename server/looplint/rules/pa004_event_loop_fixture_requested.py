"""PA004: a test or fixture requests the `event_loop` fixture (removed in pytest-asyncio 1.0)."""

from __future__ import annotations

import ast

from ..engine.fixer import cst  # libcst, imported when a fix is built

from ..engine.checker import FileContext
from ..engine.fixer import FixContext, FixUnavailable
from ..engine.model import Diagnostic, Severity
from ..engine.semantic.roles import fixture_of
from ._pytest import def_owner, param_range, pytest_model
from ._unittest import walk_body
from ..engine.rule import Invalid, Rule, RuntimeExample, Symptom, Valid

_INI = "[pytest]\nasyncio_default_fixture_loop_scope = function\n"
_RUNTIME_TEST = (
    "import asyncio\nimport pytest\n\n"
    "@pytest.mark.asyncio\n"
    "async def test_requests_event_loop(event_loop):\n"
    "    __SENTINEL__\n"
    "    fut = event_loop.create_future()\n"
    "    event_loop.call_soon(fut.set_result, 1)\n"
    "    assert await fut == 1\n"
)


class EventLoopFixtureRequested(Rule):
    code = "PA004"
    name = "event-loop-fixture-requested"
    severity = Severity.ERROR
    summary = "Requesting the `event_loop` fixture fails with pytest-asyncio ≥ 1.0, which no longer provides it."
    message = "`{function}` requests the `event_loop` fixture: {outcome}"
    fix_safety = "safe"
    fix_title = "Use asyncio.get_running_loop() instead of the event_loop fixture"
    tokens = ("event_loop",)
    local = True
    position_data = {"def_line": "line"}
    symptoms = (
        Symptom(
            when="pytest-asyncio ≥ 1.0 (1.5.0 and 1.0.0 run here): an error at setup",
            output="fixture 'event_loop' not found",
            envs=("py311", "py311-pytest84-pa10"),
        ),
        Symptom(
            when="pytest-asyncio 0.22–0.26 (0.23.8, 0.24.0, 0.25.3 and 0.26.0 run here): a deprecation warning for async tests and fixtures",
            output="PytestDeprecationWarning: ... is asynchronous and explicitly requests the \"event_loop\" fixture.",
            envs=("py311-pytest83-pa023", "py311-pytest83-pa024", "py311-pytest83-pa025", "py311-pytest84-pa026"),
        ),
    )
    explanation = """
    pytest-asyncio 1.0 removed its `event_loop` fixture. A test or fixture
    that still asks for it (a parameter named `event_loop`, or
    `request.getfixturevalue("event_loop")`) errors at setup with `fixture
    'event_loop' not found` (pytest-dev/pytest-asyncio#1106; seen in
    opensearch-py, aioimaplib, aiorpcX after upgrading). 0.22–0.26 warned
    that async tests and fixtures should not request it.

    ### How to fix
    Inside an `async def`, the running loop is the one the test runs in:

    ```python
    @pytest.mark.asyncio
    async def test_call_later():
        event_loop = asyncio.get_running_loop()
        event_loop.call_later(0.01, done.set)
    ```

    The quick fix removes the parameter and adds that line (safe for
    `async def`). A sync test or fixture that drives the loop itself must
    become async: no automatic fix.

    Not reported: when the project defines its own `event_loop` fixture where
    the request sees it (PA003 covers that), when a plugin from outside the
    project is loaded by name (`pytest_plugins`, `-p`) and may define one, on pytest-asyncio < 0.22, for
    sync functions on 0.22–0.26 (still supported there), and with
    pytest-asyncio disabled (`-p no:asyncio`).
    """

    def visit_FunctionDef(self, node: ast.FunctionDef, ctx: FileContext) -> None:
        self._check_def(node, ctx)

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef, ctx: FileContext) -> None:
        self._check_def(node, ctx)

    def _applies(self, ctx: FileContext, cls: str | None, is_async: bool):
        model = pytest_model(ctx)
        if not model.asyncio_enabled or model.definitions("event_loop", cls):
            return None
        if model.foreign_plugin():
            return None  # a plugin the project loads by name may provide its own `event_loop`
        removed = model.at_least("pytest-asyncio", "1.0")
        # Before 0.22 (and for sync code up to 0.26) the fixture works without a warning: an upgrade
        # finding (info) saying it is gone from 1.0 on.
        upgrade = model.at_least("pytest-asyncio", "0.22") is False or (removed is False and not is_async)
        return model, removed, upgrade

    def _check_def(self, node, ctx: FileContext) -> None:
        at_top, cls = def_owner(ctx)
        if not at_top:
            return
        fixture = fixture_of(ctx, node, cls)
        model = pytest_model(ctx)
        if fixture is not None:
            if "event_loop" not in fixture.params:
                return
            kind = f"fixture `{fixture.name}`"
        else:
            item = model.test_for(node)
            if item is None or "event_loop" not in item.requests:
                return
            kind = f"test `{item.qualname}`"
        is_async = isinstance(node, ast.AsyncFunctionDef)
        found = self._applies(ctx, cls, is_async)
        if found is None:
            return
        model, removed, upgrade = found
        where = param_range(ctx, node, "event_loop")
        if where is None:
            return
        outcome, severity, tail = _outcome(model, removed, upgrade)
        reason = f"The {kind} has an `event_loop` parameter, and no `event_loop` fixture of the project is visible " \
                 f"from here. {tail}\n\n{model.versions_reason('pytest-asyncio')}"
        ctx.report(
            self,
            range=where,
            fields={"function": node.name, "outcome": outcome},
            reason=reason,
            severity=severity,
            deprecated=True,
            fixable=is_async and _body_allows_fix(node),
            data={"def_line": node.lineno},
        )

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        func = node.func
        if not (isinstance(func, ast.Attribute) and func.attr == "getfixturevalue" and len(node.args) == 1):
            return
        arg = node.args[0]
        if not (isinstance(arg, ast.Constant) and arg.value == "event_loop"):
            return
        function = ctx.function
        if function is None or function.kind != "function":
            return
        cls_node = ctx.enclosing_class
        cls = cls_node.name if cls_node is not None and ctx.method is not None else None
        found = self._applies(ctx, cls, function.is_async)
        if found is None:
            return
        model, removed, upgrade = found
        outcome, severity, tail = _outcome(model, removed, upgrade)
        ctx.report(
            self,
            node,
            fields={"function": function.name, "outcome": outcome},
            message=f"`request.getfixturevalue(\"event_loop\")` in `{function.name}`: {outcome}",
            reason=f"No `event_loop` fixture of the project is visible from here. {tail}\n\n"
                   f"{model.versions_reason('pytest-asyncio')}",
            severity=severity,
            deprecated=True,
            fixable=False,
        )

    def fix(self, fixer: FixContext, diagnostic: Diagnostic) -> None:
        name = fixer.find(diagnostic.range, cst.Name)
        param = fixer.parent(name)
        if not isinstance(param, cst.Param):
            raise FixUnavailable("not a parameter")
        function = fixer.ancestor(param, cst.FunctionDef)
        if function is None or function.asynchronous is None:
            raise FixUnavailable("not an async def")
        body = function.body
        if not isinstance(body, cst.IndentedBlock) or not body.body:
            raise FixUnavailable("one-line body")
        statement = fixer.parse_statement(f"event_loop = {fixer.name_for('asyncio', 'get_running_loop')}()\n")
        first = body.body[0]
        if _is_docstring(first):
            fixer.insert_after(first, statement)
        else:
            fixer.insert_before(first, statement)

        def drop(updated: cst.Parameters) -> cst.Parameters:
            changes = {}
            for field in ("params", "kwonly_params", "posonly_params"):
                items = list(getattr(updated, field))
                kept = [p for p in items if p.name.value != "event_loop"]
                if len(kept) != len(items):
                    if kept and kept[-1].comma is not cst.MaybeSentinel.DEFAULT and items[-1].name.value == "event_loop":
                        kept[-1] = kept[-1].with_changes(comma=items[-1].comma)
                    changes[field] = kept
            return updated.with_changes(**changes)

        fixer.replace(function.params, drop)

    examples = (
        Valid(
            files={"conftest.py": "pytest_plugins = ['loopfixtures.plugin']\n"},
            source=(
                "import pytest\n\n"
                "@pytest.mark.asyncio\n"
                "async def test_x(event_loop):\n"
                "    assert event_loop is not None\n"
            ),
            why="a plugin loaded by name from outside the project may define its own event_loop",
        ),
        Invalid(
            files={"pytest.ini": _INI},
            source=(
                "import pytest\n\n"
                "@pytest.mark.asyncio\n"
                "async def test_call_later(event_loop):\n"
                "    event_loop.call_soon(print)\n"
            ),
            at=(4, 27),
            end=(4, 37),
            fixed=(
                "import pytest\nimport asyncio\n\n"
                "@pytest.mark.asyncio\n"
                "async def test_call_later():\n"
                "    event_loop = asyncio.get_running_loop()\n"
                "    event_loop.call_soon(print)\n"
            ),
        ),
        Invalid(
            # A fixture with other parameters and a docstring.
            files={"pytest.ini": _INI},
            path="conftest.py",
            source=(
                "import asyncio\nimport pytest_asyncio\n\n"
                "@pytest_asyncio.fixture\n"
                "async def server(event_loop, tmp_path):\n"
                "    \"\"\"A server on the test's loop.\"\"\"\n"
                "    return await asyncio.start_server(print, 'localhost', 0)\n"
            ),
            at=(5, 18),
            fixed=(
                "import asyncio\nimport pytest_asyncio\n\n"
                "@pytest_asyncio.fixture\n"
                "async def server(tmp_path):\n"
                "    \"\"\"A server on the test's loop.\"\"\"\n"
                "    event_loop = asyncio.get_running_loop()\n"
                "    return await asyncio.start_server(print, 'localhost', 0)\n"
            ),
        ),
        Invalid(
            # A sync fixture must become async: reported, no fix.
            files={"pytest.ini": _INI},
            path="conftest.py",
            source=(
                "import pytest\n\n"
                "@pytest.fixture\n"
                "def data(event_loop):\n"
                "    return event_loop.run_until_complete(load())\n"
            ),
            at=(4, 10),
        ),
        Invalid(
            files={"pytest.ini": _INI},
            source=(
                "import pytest\n\n"
                "@pytest.fixture\n"
                "def loop(request):\n"
                "    return request.getfixturevalue('event_loop')\n"
            ),
            at=(5, 12),
        ),
        Valid(
            files={
                "conftest.py": "import asyncio, pytest\n\n@pytest.fixture\ndef event_loop():\n"
                               "    loop = asyncio.new_event_loop()\n    yield loop\n    loop.close()\n",
            },
            source="import pytest\n\n@pytest.mark.asyncio\nasync def test_x(event_loop):\n    pass\n",
            why="the project's own event_loop fixture is visible (PA003 reports the override)",
        ),
        Invalid(
            # pytest-asyncio < 0.22 provides event_loop: the upgrade finding (info) says what breaks from 1.0 on.
            files={"requirements.txt": "pytest-asyncio==0.21.1\n"},
            source="import pytest\n\n@pytest.mark.asyncio\nasync def test_x(event_loop):\n    pass\n",
            at=(4, 18),
            severity="info",
            message_contains="removed in pytest-asyncio 1.0 (\"fixture 'event_loop' not found\"): this project pins 0.21.1",
            fixed=(
                "import pytest\nimport asyncio\n\n@pytest.mark.asyncio\nasync def test_x():\n"
                "    event_loop = asyncio.get_running_loop()\n    pass\n"
            ),
        ),
        Invalid(
            # The same project checked against its upgrade: `target = {pytest-asyncio = "1.3"}`.
            files={"requirements.txt": "pytest-asyncio==0.21.1\n"},
            settings={"target": {"pytest-asyncio": "1.3"}},
            source="import pytest\n\n@pytest.mark.asyncio\nasync def test_x(event_loop):\n    pass\n",
            at=(4, 18),
            severity="error",
            message_contains="has no such fixture",
        ),
        Invalid(
            # 0.22-0.26 still provide event_loop to sync fixtures without a warning: upgrade finding.
            files={"requirements.txt": "pytest-asyncio==0.23.8\n"},
            path="conftest.py",
            source="import pytest\n\n@pytest.fixture\ndef data(event_loop):\n    return event_loop\n",
            at=(4, 10),
            severity="info",
            message_contains="this project pins 0.23.8",
        ),
        Valid(
            source="def helper(event_loop):\n    return event_loop\n",
            path="tests/helpers.py",
            why="a helper's parameter is not a fixture request",
        ),
        Valid(
            source=(
                "import unittest\n\nclass T(unittest.IsolatedAsyncioTestCase):\n"
                "    async def test_x(self, event_loop=None):\n        pass\n"
            ),
            why="unittest methods do not get fixtures (UT008)",
        ),
    )

    runtime = (
        RuntimeExample(
            files={"pytest.ini": _INI, "test_example.py": _RUNTIME_TEST},
            runner="pytest",
            outcome="error",
            body_ran=False,
            symptoms=(symptoms[0],),
            envs=("py311", "py311-pytest84-pa10"),
        ),
        RuntimeExample(
            files={"pytest.ini": _INI, "test_example.py": _RUNTIME_TEST},
            runner="pytest",
            outcome="passed",
            body_ran=True,
            symptoms=(symptoms[1],),
            envs=("py311-pytest74-pa021", "py311-pytest83-pa023", "py311-pytest83-pa024", "py311-pytest83-pa025",
                  "py311-pytest84-pa026"),
            note="0.22–0.26 still provide the fixture, with a deprecation warning for async tests; 0.21.2 without one "
                 "(what the info finding on a 0.21 pin says)",
        ),
    )


def _outcome(model, removed: bool | None, upgrade: bool):
    if upgrade:
        return (f"removed in pytest-asyncio 1.0 (\"fixture 'event_loop' not found\"): {model.pin_phrase('pytest-asyncio')}",
                Severity.INFO,
                "This pytest-asyncio still provides the fixture here without a warning; 1.0 removed it, and every "
                "test that requests it then errors at setup.")
    if removed is True:
        return ("pytest-asyncio ≥ 1.0 has no such fixture (\"fixture 'event_loop' not found\")", None,
                "pytest-asyncio removed the fixture in 1.0.")
    if removed is False:
        return ("deprecated: async code should use `asyncio.get_running_loop()` (the fixture is gone in "
                f"pytest-asyncio 1.0): {model.pin_phrase('pytest-asyncio')}", Severity.WARNING,
                "This pytest-asyncio still provides it with a deprecation warning; 1.0 removed it.")
    return ("\"fixture 'event_loop' not found\" with pytest-asyncio ≥ 1.0 (the current releases; deprecated in "
            "0.22–0.26)", None,
            "Whether it exists depends on the pytest-asyncio version: removed in 1.0 (the current releases).")


def _body_allows_fix(node) -> bool:
    for child in walk_body(node):
        if isinstance(child, (ast.Global, ast.Nonlocal)) and "event_loop" in child.names:
            return False
    return bool(node.body)


def _is_docstring(statement: cst.CSTNode) -> bool:
    return (
        isinstance(statement, cst.SimpleStatementLine)
        and len(statement.body) == 1
        and isinstance(statement.body[0], cst.Expr)
        and isinstance(statement.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    )
