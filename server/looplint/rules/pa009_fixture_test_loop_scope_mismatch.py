"""PA009: an async test runs in another event loop than a wider-scoped async fixture it uses."""

from __future__ import annotations

from ..engine.fixer import cst  # libcst, imported when a fix is built

from ..engine import knowledge
from ..engine.checker import FileContext
from ..engine.fixer import FixContext, FixUnavailable
from ..engine.model import Diagnostic, Range, Severity
from ..engine.pytest_config import ConfigEntry
from ..engine.pytest_model import SCOPES, is_wider
from ._pytest import SESSION_LOOP_RECIPE, add_decorator, find_function, param_range, pytest_model, quoted, with_keyword
from ..engine.rule import Invalid, Rule, RuntimeExample, Symptom, Valid

_INI = "[pytest]\nasyncio_default_fixture_loop_scope = function\n"
_SESSION_FIXTURE = (
    "import asyncio\nimport pytest_asyncio\n\n"
    "@pytest_asyncio.fixture(scope='session', loop_scope='session')\n"
    "async def queue():\n"
    "    yield asyncio.Queue()\n"
)


class FixtureTestLoopScopeMismatch(Rule):
    code = "PA009"
    name = "fixture-test-loop-scope-mismatch"
    severity = Severity.WARNING
    summary = "An async test using a wider-scoped async fixture runs in another event loop than the fixture."
    message = "Test `{test}` runs in a {test_loop}-scoped loop but uses `{fixture}`, which lives in a {fixture_loop} loop"
    fix_safety = "unsafe"
    fix_title = "Run the test in the fixture's loop (loop_scope)"
    tokens = ("async def",)
    symptoms = (
        Symptom(
            when="pytest-asyncio 1.5.0: a future or task from the fixture's loop awaited in the test's loop",
            output="RuntimeError: Task <...> got Future <Future pending> attached to a different loop",
            envs=("py311",),
        ),
        Symptom(
            when="pytest-asyncio 1.5.0: an asyncio primitive bound to the other loop on first use",
            output="RuntimeError: <Queue at ... maxsize=0 tasks=1> is bound to a different event loop",
            envs=("py311",),
        ),
    )
    explanation = """
    pytest-asyncio runs each async fixture in the loop of its `loop_scope`
    and each test in the loop of *its* loop scope (mark, `pytestmark`,
    `asyncio_default_test_loop_scope`; `function` by default). A
    session-scoped database or HTTP client created in the session loop and
    used by function-loop tests is awaited from another loop: futures fail
    with "attached to a different loop", and asyncio primitives bind to the
    first loop that uses them, so the *first* test may pass by accident and
    the next fail ("bound to a different event loop"), even tests that do
    use the right loop. pytest-asyncio's docs: "It's highly recommended for
    neighboring tests to use the same event loop scope."

    ### How to fix
    Run the tests in the fixture's loop:

    ```python
    @pytest.mark.asyncio(loop_scope="session")
    async def test_query(db): ...
    ```

    or for the whole suite `asyncio_default_test_loop_scope = session`
    together with `asyncio_default_fixture_loop_scope = session`. The quick
    fix (unsafe: the test then shares a loop with its neighbours) sets the
    test's `loop_scope` when every async fixture it uses lives in the same
    loop.

    Reported when the fixture's cache scope is wider than the test's loop
    scope (the fixture outlives the test's loop). Not reported: fixtures or
    marks whose scopes are not literals, tests not run by pytest-asyncio,
    projects on pytest-asyncio < 0.24. When a conftest defines
    `pytest_collection_modifyitems` (which may set loop scopes), the
    diagnostic is only informational.
    """

    def end_file(self, ctx: FileContext) -> None:
        model = pytest_model(ctx)
        if not model.is_test_module or not model.asyncio_enabled or model.asyncio_mode == "invalid":
            return
        if model.at_least("pytest-asyncio", "0.24") is False:
            return
        hooks = None
        for item in model.tests():
            if item.node is None or not item.is_async:
                continue
            runner = model.runner(item)
            if runner.kind != "asyncio":
                continue
            test_loop, test_why, test_where = model.test_loop_scope(item)
            if test_loop not in SCOPES:
                continue
            closure = model.closure(item)
            loops: set[str | None] = set()
            mismatch = None
            for definition in closure.definitions:
                if model.fixture_handler(definition) != "asyncio":
                    continue
                fixture_loop, fixture_why, fixture_entry = model.fixture_loop_scope(definition)
                loops.add(fixture_loop if fixture_loop in SCOPES else None)
                if fixture_loop not in SCOPES or definition.scope is None:
                    continue
                if mismatch is None and fixture_loop != test_loop and is_wider(definition.scope, test_loop):
                    mismatch = (definition, fixture_loop, fixture_why, fixture_entry)
            if mismatch is None:
                continue
            definition, fixture_loop, fixture_why, fixture_entry = mismatch
            related = [definition.related(ctx.project)]
            if isinstance(test_where, ConfigEntry):
                related.append(model.entry_related(test_where, "the test loop scope is set here"))
            if fixture_entry is not None:
                related.append(model.entry_related(fixture_entry, "the fixture loop scope is set here"))
            if hooks is None:
                hooks = model.hooks(knowledge.MARK_ADDING_HOOKS)
            where = param_range(ctx, item.node, definition.name) if definition.name in item.requests else None
            via = closure.path_to(definition.name)
            reason = (
                f"`{item.qualname}` runs in a `{test_loop}` loop ({test_why}). It requests `{definition.name}` "
                f"({via}), cached per `{definition.scope}` and run in a `{fixture_loop}` loop ({fixture_why}), "
                f"defined at {definition.where(ctx.project)}. Objects the fixture creates belong to its loop.\n\n"
                + model.versions_reason("pytest-asyncio")
            )
            severity = None
            if hooks:
                severity = Severity.INFO
                reason += f"\n\n`{hooks[0][1]}` in {ctx.project.relpath(hooks[0][0])} may change marks at collection."
            mark = item.closest("asyncio")
            fix_mark = mark.node if mark is not None and mark.origin == "function" else None
            ctx.report(
                self,
                range=where or ctx.name_range(item.node),
                fields={"test": item.qualname, "test_loop": test_loop, "fixture": definition.name,
                        "fixture_loop": fixture_loop},
                reason=reason,
                related=related,
                severity=severity,
                fixable=len(loops) == 1,
                data={
                    "loop": fixture_loop,
                    "def": ctx.name_range(item.node).to_json(),
                    "mark": ctx.node_range(fix_mark).to_json() if fix_mark is not None else None,
                },
                fix_title=f"Run the test in the {fixture_loop} loop (loop_scope=\"{fixture_loop}\")",
            )

    def fix(self, fixer: FixContext, diagnostic: Diagnostic) -> None:
        loop = diagnostic.data.get("loop")
        if loop not in SCOPES:
            raise FixUnavailable("bad loop scope")
        value = quoted(loop)
        mark = diagnostic.data.get("mark")
        if mark:
            expr = fixer.find(Range.from_json(mark), cst.BaseExpression)
            if isinstance(expr, cst.Call):
                fixer.replace(expr, lambda updated: with_keyword(fixer, updated, "loop_scope", value, replace=("scope",)))
            else:
                fixer.replace(expr, lambda updated: cst.Call(func=updated, args=[cst.Arg(
                    keyword=cst.Name("loop_scope"), value=fixer.parse_expression(value),
                    equal=cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""),
                                          whitespace_after=cst.SimpleWhitespace("")))]))
            return
        function = find_function(fixer, Range.from_json(diagnostic.data["def"]))
        add_decorator(fixer, function, f"{fixer.name_for('pytest', 'mark')}.asyncio(loop_scope={value})")

    examples = (
        Valid(
            files=SESSION_LOOP_RECIPE,
            path="tests/test_client.py",
            source="async def test_get(client):\n    assert client\n",
            why="pytest-asyncio's recipe: a collection hook marks every async test with a session loop scope",
        ),
        Invalid(
            files={"pytest.ini": _INI, "tests/conftest.py": _SESSION_FIXTURE},
            path="tests/test_queue.py",
            source=(
                "import pytest\n\n"
                "@pytest.mark.asyncio\n"
                "async def test_queue(queue):\n"
                "    await queue.put(1)\n"
            ),
            at=(4, 22),
            end=(4, 27),
            fixed=(
                "import pytest\n\n"
                "@pytest.mark.asyncio(loop_scope=\"session\")\n"
                "async def test_queue(queue):\n"
                "    await queue.put(1)\n"
            ),
            unsafe=True,
        ),
        Invalid(
            # Auto mode, a transitive request, the default test loop from the config.
            files={
                "pytest.ini": "[pytest]\nasyncio_mode = auto\nasyncio_default_fixture_loop_scope = function\n"
                              "asyncio_default_test_loop_scope = function\n",
                "tests/conftest.py": _SESSION_FIXTURE + "\n\n@pytest_asyncio.fixture(loop_scope='session')\nasync def producer(queue):\n"
                                                        "    return queue\n",
            },
            path="tests/test_queue.py",
            source="import pytest\n\nasync def test_produce(producer):\n    await producer.put(1)\n",
            at=(3, 11),
            message_contains="queue",
            fixed=(
                "import pytest\n\n@pytest.mark.asyncio(loop_scope=\"session\")\n"
                "async def test_produce(producer):\n    await producer.put(1)\n"
            ),
            unsafe=True,
        ),
        Valid(
            files={"pytest.ini": _INI, "tests/conftest.py": _SESSION_FIXTURE},
            path="tests/test_queue.py",
            source="import pytest\n\n@pytest.mark.asyncio(loop_scope='session')\nasync def test_queue(queue):\n"
                   "    await queue.put(1)\n",
            why="the test runs in the fixture's loop",
        ),
        Valid(
            files={"pytest.ini": "[pytest]\nasyncio_default_fixture_loop_scope = session\n"
                                 "asyncio_default_test_loop_scope = session\n",
                   "tests/conftest.py": _SESSION_FIXTURE},
            path="tests/test_queue.py",
            source="import pytest\n\n@pytest.mark.asyncio\nasync def test_queue(queue):\n    await queue.put(1)\n",
            why="the configured default test loop scope matches",
        ),
        Valid(
            files={"pytest.ini": _INI},
            source=(
                "import pytest, pytest_asyncio\n\n"
                "@pytest_asyncio.fixture\nasync def conn():\n    return 1\n\n"
                "@pytest.mark.asyncio\nasync def test_x(conn):\n    pass\n"
            ),
            why="function-scoped fixture, function loop",
        ),
        Valid(
            files={"pytest.ini": _INI, "tests/conftest.py": _SESSION_FIXTURE},
            path="tests/test_queue.py",
            source="import pytest\n\n@pytest.mark.anyio\nasync def test_queue(queue):\n    pass\n",
            why="anyio tests are not run by pytest-asyncio",
        ),
        Valid(
            files={"pytest.ini": _INI, "tests/conftest.py": _SESSION_FIXTURE},
            path="tests/test_queue.py",
            source="def test_sync(queue):\n    pass\n",
            why="sync tests",
        ),
    )

    runtime = (
        RuntimeExample(
            files={
                "pytest.ini": _INI,
                "test_example.py": (
                    "import asyncio\nimport pytest\nimport pytest_asyncio\n\n"
                    "@pytest_asyncio.fixture(scope='session', loop_scope='session')\n"
                    "async def queue():\n"
                    "    yield asyncio.Queue()\n\n"
                    "@pytest_asyncio.fixture(scope='session', loop_scope='session')\n"
                    "async def pending_future():\n"
                    "    return asyncio.get_running_loop().create_future()\n\n"
                    "@pytest.mark.asyncio\n"
                    "async def test_queue(queue):\n"
                    "    __SENTINEL__\n"
                    "    asyncio.get_running_loop().call_later(0.01, queue.put_nowait, 1)\n"
                    "    assert await queue.get() == 1\n\n"
                    "@pytest.mark.asyncio\n"
                    "async def test_future(pending_future):\n"
                    "    __SENTINEL__\n"
                    "    asyncio.get_running_loop().call_soon(pending_future.set_result, 1)\n"
                    "    assert await pending_future == 1\n\n"
                    "@pytest.mark.asyncio(loop_scope='session')\n"
                    "async def test_queue_again(queue):\n"
                    "    __SENTINEL__\n"
                    "    asyncio.get_running_loop().call_later(0.01, queue.put_nowait, 2)\n"
                    "    assert await queue.get() == 2\n"
                ),
            },
            runner="pytest",
            outcome="failed",
            body_ran=True,
            symptoms=symptoms,
            envs=("py311",),
            note="test_queue passes by accident (the queue binds to its loop), then even the correct test fails",
        ),
    )
