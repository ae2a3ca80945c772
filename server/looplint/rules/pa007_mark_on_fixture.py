"""PA007: a pytest mark stacked on a fixture (an error since pytest 9, no effect before)."""

from __future__ import annotations

import ast

from ..engine.checker import FileContext
from ..engine.fixer import FixContext
from ..engine.model import Diagnostic, Severity
from ..engine.summary import dotted_name
from ..engine.semantic.roles import fixture_of
from ._pytest import def_owner, pytest_model, remove_decorator
from ..engine.rule import Invalid, Rule, RuntimeExample, Symptom, Valid

_INI = "[pytest]\nasyncio_default_fixture_loop_scope = function\n"


class MarkOnFixture(Rule):
    code = "PA007"
    name = "mark-on-fixture"
    severity = Severity.ERROR
    summary = "Marks on a fixture never had an effect; since pytest 9 they make the whole module fail to collect."
    message = "`@pytest.mark.{mark}` on fixture `{fixture}`: {outcome}"
    fix_safety = "safe"
    fix_title = "Remove the mark from the fixture"
    tokens = ("mark",)
    local = True
    symptoms = (
        Symptom(
            when="pytest ≥ 9 (9.2.0 run here): a collection error, every test of the module is lost",
            output="Failed: Marks cannot be applied to fixtures.",
            envs=("py311",),
        ),
        Symptom(
            when="pytest 8.x (8.4.2 and 8.3.5 run here): a deprecation warning, the mark does nothing",
            output="PytestRemovedIn9Warning: Marks applied to fixtures have no effect",
            envs=("py311-pytest84-pa10", "py311-pytest83-pa023"),
        ),
    )
    explanation = """
    Marks select and configure *tests*; a fixture ignores them. Stacking
    `@pytest.mark.asyncio` on an async fixture (to "make it async") or
    `@pytest.mark.usefixtures(...)` on a fixture (to make it depend on
    another) never did anything. pytest 8 warns about it, and **pytest 9
    refuses it**: the module fails to collect with "Marks cannot be applied
    to fixtures", so every test in it is lost (reported in
    pytest-dev/pytest-asyncio#944).

    ### How to fix
    Remove the mark. An async fixture needs `@pytest_asyncio.fixture` (or
    auto mode), not the asyncio mark; a fixture that needs another fixture
    requests it as a parameter.

    ```python
    @pytest_asyncio.fixture
    async def conn(db):
        ...
    ```

    The quick fix removes the mark: safe for `asyncio` (it never had an
    effect), unsafe for other marks (check whether something else was
    meant, like a `usefixtures` dependency).
    """

    def visit_FunctionDef(self, node: ast.FunctionDef, ctx: FileContext) -> None:
        self._check(node, ctx)

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef, ctx: FileContext) -> None:
        self._check(node, ctx)

    def _check(self, node, ctx: FileContext) -> None:
        at_top, cls = def_owner(ctx)
        if not at_top:
            return
        fixture = fixture_of(ctx, node, cls)
        if fixture is None or not fixture.marks:
            return
        model = pytest_model(ctx)
        ge9 = model.at_least("pytest", "9.0")
        if ge9 is True:
            outcome, severity = "pytest ≥ 9 fails to collect the whole module", None
            tail = "pytest 9 turned the deprecation into an error raised at import: every test of this module is lost."
        elif ge9 is False:
            outcome, severity = "marks have no effect on fixtures (an error from pytest 9 on)", Severity.WARNING
            tail = "This pytest only warns (PytestRemovedIn9Warning); pytest 9 refuses it."
        else:
            outcome, severity = "pytest ≥ 9 fails to collect the whole module (older pytest ignores the mark)", None
            tail = ("It depends on the pytest version: the current releases (≥ 9) fail the module's collection, "
                    "pytest 8 only warns.")
        for decorator in node.decorator_list:
            target = decorator.func if isinstance(decorator, ast.Call) else decorator
            qualified = ctx.summary.qualify(dotted_name(target)) or ""
            if not qualified.startswith("pytest.mark."):
                continue
            mark = qualified[len("pytest.mark."):]
            ctx.report(
                self,
                decorator,
                fields={"mark": mark, "fixture": fixture.name, "outcome": outcome},
                reason=f"`{fixture.func_name}` is a fixture: pytest applies marks to tests only. {tail}\n\n"
                       + model.versions_reason("pytest"),
                severity=severity,
                fix_applicability="safe" if mark == "asyncio" else "unsafe",
            )

    def fix(self, fixer: FixContext, diagnostic: Diagnostic) -> None:
        remove_decorator(fixer, diagnostic.range)

    examples = (
        Invalid(
            source=(
                "import pytest\nimport pytest_asyncio\n\n"
                "@pytest.mark.asyncio\n"
                "@pytest_asyncio.fixture\n"
                "async def conn():\n"
                "    return 1\n"
            ),
            at=(4, 2),
            end=(4, 21),
            fixed="import pytest\nimport pytest_asyncio\n\n@pytest_asyncio.fixture\nasync def conn():\n    return 1\n",
        ),
        Invalid(
            # Below the fixture decorator, and another mark: removal is unsafe.
            source=(
                "import pytest\n\n"
                "@pytest.fixture\n"
                "@pytest.mark.usefixtures('db')\n"
                "def user():\n"
                "    return 'u'\n"
            ),
            at=(4, 2),
            fixed="import pytest\n\n@pytest.fixture\ndef user():\n    return 'u'\n",
            unsafe=True,
        ),
        Invalid(
            files={"requirements.txt": "pytest==8.3.5\n"},
            path="conftest.py",
            source="from pytest import fixture, mark\n\n@mark.asyncio\n@fixture\ndef conn():\n    return 1\n",
            at=(3, 2),
            message_contains="no effect",
            fixed="from pytest import fixture, mark\n\n@fixture\ndef conn():\n    return 1\n",
        ),
        Valid(source="import pytest\n\n@pytest.fixture\ndef conn():\n    return 1\n", why="no mark"),
        Valid(
            source="import pytest\n\n@pytest.mark.asyncio\nasync def test_x():\n    pass\n",
            why="marks on tests",
        ),
        Valid(
            source="import pytest\n\n@pytest.mark.usefixtures('db')\nclass TestX:\n    @pytest.fixture\n"
                   "    def conn(self):\n        return 1\n",
            why="a class mark applies to the class's tests, not to its fixtures",
        ),
    )

    runtime = (
        RuntimeExample(
            files={
                "pytest.ini": _INI,
                "test_example.py": (
                    "import pytest\nimport pytest_asyncio\n\n"
                    "@pytest.mark.asyncio\n"
                    "@pytest_asyncio.fixture\n"
                    "async def conn():\n"
                    "    return 1\n\n"
                    "@pytest.mark.asyncio\n"
                    "async def test_x(conn):\n"
                    "    __SENTINEL__\n"
                    "    assert conn == 1\n"
                ),
            },
            runner="pytest",
            outcome="collection-error",
            body_ran=False,
            symptoms=(symptoms[0],),
            envs=("py311",),
        ),
        RuntimeExample(
            files={
                "pytest.ini": _INI,
                "test_example.py": (
                    "import pytest\nimport pytest_asyncio\n\n"
                    "@pytest.mark.asyncio\n"
                    "@pytest_asyncio.fixture\n"
                    "async def conn():\n"
                    "    return 1\n\n"
                    "@pytest.mark.asyncio\n"
                    "async def test_x(conn):\n"
                    "    __SENTINEL__\n"
                    "    assert conn == 1\n"
                ),
            },
            runner="pytest",
            outcome="passed",
            body_ran=True,
            symptoms=(symptoms[1],),
            envs=("py311-pytest84-pa10", "py311-pytest83-pa023"),
        ),
    )
