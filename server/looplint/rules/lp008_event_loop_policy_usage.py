"""LP008: event-loop policies in test code (deprecated in Python 3.14; pytest-asyncio moved to loop factories)."""

from __future__ import annotations

import ast

from ..engine import knowledge
from ..engine.checker import FileContext
from ..engine.model import Severity
from ..engine.rule import Invalid, Rule, RuntimeExample, Symptom, Valid
from ..engine.semantic.roles import is_own_plugin_module
from .helpers import deprecation_acknowledged, runs_only_below
from ._loops import fixture_of, is_test_code, older_python, pytest_asyncio_at_least, target_python

_POLICY_FIXTURE = "event_loop_policy"
_PA_ENVS = ("py310", "py311", "py312", "py313", "py314", "py315")


class EventLoopPolicyUsage(Rule):
    code = "LP008"
    name = "event-loop-policy-usage"
    severity = Severity.INFO
    summary = "Event-loop policies in tests: deprecated in Python 3.14, and pytest-asyncio ≥ 1.4 deprecates overriding `event_loop_policy`."
    message = "{what}: {why}"
    tokens = ("EventLoopPolicy", "event_loop_policy", "uvloop")
    local = True
    symptoms = (
        Symptom(
            when="pytest-asyncio ≥ 1.4 (1.5.0 run here), a project overriding the `event_loop_policy` fixture",
            output='PytestDeprecationWarning: Overriding the "event_loop_policy" fixture is deprecated ...',
            envs=_PA_ENVS,
        ),
        Symptom(
            when="Python 3.14 and 3.15: every use of the policy API warns",
            output="DeprecationWarning: 'asyncio.get_event_loop_policy' is deprecated and slated for removal in "
            "Python 3.16",
            envs=("py314", "py315"),
        ),
        Symptom(
            when="Python 3.14 and 3.15: the policy classes too",
            output="DeprecationWarning: 'asyncio.DefaultEventLoopPolicy' is deprecated and slated for removal in "
            "Python 3.16",
            envs=("py314", "py315"),
        ),
    )
    explanation = """
    The policy system (`asyncio.set_event_loop_policy`,
    `get_event_loop_policy`, the `*EventLoopPolicy` classes) is deprecated in
    Python 3.14: on 3.14.10 and 3.15.2 every use prints `DeprecationWarning:
    'asyncio.get_event_loop_policy' is deprecated and slated for removal in
    Python 3.16` (likewise `set_event_loop_policy`, `DefaultEventLoopPolicy`,
    `AbstractEventLoopPolicy`, subclassing them); 3.10–3.13 run them without a
    warning. A policy also changes every loop made afterwards in the process,
    so one test module's policy leaks into all later tests.

    - pytest-asyncio ≥ 1.4 deprecates overriding its `event_loop_policy`
      fixture: `PytestDeprecationWarning: Overriding the "event_loop_policy"
      fixture is deprecated ...` (verified with 1.5.0; 1.0.0 and 1.3.0 accept
      it silently).
    - `uvloop.install()` sets a policy too; uvloop 0.23 itself warns
      `DeprecationWarning: uvloop.install() is deprecated in favor of
      uvloop.run() starting with Python 3.12.` (seen in a scratch run on 3.12;
      uvloop is not part of the runtime-truth environments).

    ### How to fix
    Pass a loop factory where the loop is made instead of a global policy:

    - unittest: `class T(IsolatedAsyncioTestCase): loop_factory = uvloop.new_event_loop` (3.13+);
    - `asyncio.run(main(), loop_factory=uvloop.new_event_loop)` (3.12+) or `asyncio.Runner(loop_factory=...)`;
    - pytest-asyncio ≥ 1.4: the `pytest_asyncio_loop_factories` hook.

    Severity: info; warning when the project targets Python ≥ 3.14 (a
    deprecation there) and, for the fixture override, unless the project is
    known to use pytest-asyncio < 1.4. No automatic fix.

    Not reported: non-test modules, policy *classes* passed straight to a
    reported `set_event_loop_policy()` call (one diagnostic per statement),
    calls that already silence the deprecation (`warnings.catch_warnings()`
    ignoring `DeprecationWarning`, `pytest.deprecated_call()`), and code under
    `if sys.version_info < (3, 14):`, which never runs where the policy system
    is deprecated.
    """

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        func = node.func
        last = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None
        if last is None or not (last.endswith(knowledge.EVENT_LOOP_POLICY_CLASS_SUFFIX) or "policy" in last or last == "install"):
            return
        qualified = ctx.qualify(func)
        if qualified is None or not _is_policy_api(qualified) or not is_test_code(ctx):
            return
        if _inside_reported_call(ctx) or deprecation_acknowledged(ctx, node) or runs_only_below(ctx, (3, 14)):
            return  # already silenced on purpose, or only run where the policy system is not deprecated
        self._report(node, ctx, f"`{ast.unparse(func)}()`", qualified)

    def visit_ClassDef(self, node: ast.ClassDef, ctx: FileContext) -> None:
        for base in node.bases:
            last = base.attr if isinstance(base, ast.Attribute) else base.id if isinstance(base, ast.Name) else ""
            if not last.endswith(knowledge.EVENT_LOOP_POLICY_CLASS_SUFFIX):
                continue
            qualified = ctx.qualify(base)
            if qualified and qualified.endswith(knowledge.EVENT_LOOP_POLICY_CLASS_SUFFIX) and is_test_code(ctx):
                self._report(base, ctx, f"`{node.name}` subclasses `{ast.unparse(base)}`", qualified)

    def visit_FunctionDef(self, node: ast.FunctionDef, ctx: FileContext) -> None:
        self._fixture(node, ctx)

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef, ctx: FileContext) -> None:
        self._fixture(node, ctx)

    def _fixture(self, node, ctx: FileContext) -> None:
        if _POLICY_FIXTURE not in node.name and not node.decorator_list:
            return
        scope = ctx.scope
        class_name = scope.node.name if scope.kind == "class" else None  # type: ignore[attr-defined]
        fixture = fixture_of(ctx, node, class_name)
        if fixture is not None and is_own_plugin_module(ctx):
            return  # the plugin's own definition of the fixture, not an override of it
        if fixture is None or fixture.name != _POLICY_FIXTURE or not is_test_code(ctx):
            return
        known_old = pytest_asyncio_at_least(ctx, "1.4") is False
        ctx.report(
            self,
            range=ctx.name_range(node),
            message=(
                "Overriding pytest-asyncio's `event_loop_policy` fixture is deprecated in pytest-asyncio ≥ 1.4: "
                "use the `pytest_asyncio_loop_factories` hook"
            ),
            severity=Severity.INFO if known_old else Severity.WARNING,
            deprecated=True,
            reason=(
                "pytest-asyncio 1.4 replaced the policy fixture with loop factories; 1.5.0 warns "
                '`PytestDeprecationWarning: Overriding the "event_loop_policy" fixture is deprecated`. '
                "The policy it returns is also deprecated from Python 3.14 (`DeprecationWarning: "
                "'asyncio.DefaultEventLoopPolicy' is deprecated and slated for removal in Python 3.16`)."
                + (" The project pins an older pytest-asyncio, so this is informational for now." if known_old else "")
            ),
        )

    def _report(self, node: ast.AST, ctx: FileContext, what: str, qualified: str) -> None:
        version = target_python(ctx)
        deprecated = version is not None and version >= (3, 14)
        if qualified == "uvloop.install":
            why = "it installs a global event-loop policy; uvloop deprecates it from Python 3.12, pass `loop_factory=uvloop.new_event_loop` instead"
        elif deprecated:
            why = f"the policy system is deprecated on Python {version[0]}.{version[1]} (removal planned for 3.16); use a loop factory"
        else:
            pin = older_python(ctx, version, (3, 14))
            why = ("the policy system is deprecated from Python 3.14 (removal planned for 3.16); prefer a loop factory"
                   + (f": {pin}" if pin else ""))
        ctx.report(
            self,
            node,
            fields={"what": what, "why": why},
            severity=Severity.WARNING if deprecated else None,
            deprecated=True,
            reason=(
                f"`{qualified}` is part of asyncio's policy API (python/cpython#127949). A policy changes every loop "
                "made later in the process, so one module's choice leaks into other tests. "
                + (
                    f"Your project targets Python {version[0]}.{version[1]}, where every use of asyncio's policy "
                    f"API prints `DeprecationWarning: 'asyncio.{qualified.rsplit('.', 1)[-1]}' is deprecated and "
                    "slated for removal in Python 3.16`."
                    if deprecated
                    else "Python 3.14 and 3.15 print `DeprecationWarning: 'asyncio.<name>' is deprecated and slated "
                    "for removal in Python 3.16` on every use."
                )
            ),
        )

    examples = (
        Valid(
            path="tests/conftest.py",
            source=(
                "import asyncio, sys, warnings\n\n"
                "if sys.platform == 'win32' and sys.version_info < (3, 14):\n"
                "    asyncio.set_event_loop_policy(asyncio.WindowsSelectorEventLoopPolicy())\n\n"
                "def current_policy():\n"
                "    with warnings.catch_warnings():\n"
                "        warnings.simplefilter('ignore', DeprecationWarning)\n"
                "        return asyncio.get_event_loop_policy()\n"
            ),
            why="only run before 3.14; the deprecation already silenced on purpose",
        ),
        Valid(
            source=(
                "import asyncio\nimport pytest\n\n"
                "@pytest.mark.filterwarnings('ignore::DeprecationWarning')\n"
                "def test_policy_installed_by_the_code_under_test():\n"
                "    assert asyncio.get_event_loop_policy() is not None\n\n"
                "@pytest.mark.filterwarnings('ignore')\n"
                "class TestPolicies:\n"
                "    def test_default(self):\n"
                "        asyncio.set_event_loop_policy(None)\n"
            ),
            why="the test (or its class) ignores the DeprecationWarning on purpose: the deprecation is acknowledged",
        ),
        Invalid(
            source=(
                "import asyncio\nimport pytest\n\n"
                "@pytest.mark.filterwarnings('error::DeprecationWarning')\n"
                "def test_policy():\n"
                "    assert asyncio.get_event_loop_policy() is not None\n"
            ),
            at=(6, 12),
        ),
        Invalid(
            source=(
                "import asyncio\n"
                "import sys\n\n"
                "if sys.platform == 'win32':\n"
                "    asyncio.set_event_loop_policy(asyncio.WindowsSelectorEventLoopPolicy())\n"
            ),
            path="conftest.py",
            at=(5, 5),
            end=(5, 76),
        ),
        Invalid(
            source=(
                "import asyncio\n"
                "import pytest\n\n"
                "@pytest.fixture(scope='session')\n"
                "def event_loop_policy():\n"
                "    return asyncio.DefaultEventLoopPolicy()\n"
            ),
            path="conftest.py",
            at=((5, 5), (6, 12)),
            message_contains="pytest_asyncio_loop_factories",
        ),
        Invalid(
            source="import uvloop\n\nuvloop.install()\n",
            path="tests/conftest.py",
            at=(3, 1),
        ),
        Invalid(
            source=(
                "from asyncio import DefaultEventLoopPolicy, get_event_loop_policy\n\n"
                "class QuietPolicy(DefaultEventLoopPolicy):\n"
                "    pass\n\n"
                "def test_policy():\n"
                "    assert get_event_loop_policy()\n"
            ),
            at=((3, 19), (7, 12)),
            settings={"python-version": "3.14"},
            message_contains="3.14",
        ),
        Valid(
            source="import asyncio\n\nasyncio.set_event_loop_policy(None)\n",
            path="app/main.py",
            why="application code is not test code",
        ),
        Valid(
            source=(
                "import asyncio\n"
                "import unittest\n\n"
                "class T(unittest.IsolatedAsyncioTestCase):\n"
                "    loop_factory = asyncio.SelectorEventLoop\n\n"
                "def test_run():\n"
                "    assert asyncio.run(main(), loop_factory=asyncio.new_event_loop)\n"
            ),
            why="loop factories are the replacement",
        ),
        Valid(
            source=(
                "import pytest\n\n"
                "@pytest.fixture\n"
                "def event_loop_policy_name():\n"
                "    return 'default'\n"
            ),
            why="a fixture with a similar name",
        ),
    )

    runtime = (
        RuntimeExample(
            files={
                "pytest.ini": "[pytest]\nasyncio_default_fixture_loop_scope = function\n",
                "conftest.py": (
                    "import asyncio\n"
                    "import pytest\n\n"
                    '@pytest.fixture(scope="session")\n'
                    "def event_loop_policy():\n"
                    "    return asyncio.DefaultEventLoopPolicy()\n"
                ),
                "test_example.py": (
                    "import pytest\n\n"
                    "@pytest.mark.asyncio\n"
                    "async def test_x():\n"
                    "    __SENTINEL__\n"
                ),
            },
            runner="pytest",
            outcome="passed",
            body_ran=True,
            symptoms=(symptoms[0], symptoms[2]),
            envs=_PA_ENVS,
            note="p19 (pytest-asyncio 1.0.0 and 1.3.0 print no warning)",
        ),
        RuntimeExample(
            files={
                "test_example.py": (
                    "import asyncio\n\n"
                    "class QuietPolicy(asyncio.DefaultEventLoopPolicy):\n"
                    "    pass\n\n"
                    "def test_policy():\n"
                    "    policy = asyncio.get_event_loop_policy()\n"
                    "    __SENTINEL__\n"
                    "    assert policy is not None\n"
                ),
            },
            runner="pytest",
            outcome="passed",
            body_ran=True,
            symptoms=symptoms[1:],
            envs=("py314", "py315"),
            note="passes today; the warnings name the Python that removes the API",
        ),
    )


def _is_policy_api(qualified: str) -> bool:
    if qualified in knowledge.EVENT_LOOP_POLICY_CALLS:
        return True
    head = qualified.split(".")[0]
    return head in ("asyncio", "uvloop", "tornado") and qualified.endswith(knowledge.EVENT_LOOP_POLICY_CLASS_SUFFIX)


def _inside_reported_call(ctx: FileContext) -> bool:
    """Is this call an argument of a policy call reported itself (`set_event_loop_policy(XPolicy())`)?"""
    for parent in reversed(ctx.parents):
        if isinstance(parent, ast.stmt):
            return False
        if isinstance(parent, ast.Call):
            qualified = ctx.qualify(parent.func)
            if qualified is not None and _is_policy_api(qualified):
                return True
    return False
