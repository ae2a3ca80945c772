"""UT008: pytest marks, parametrization and fixtures used on unittest.TestCase classes."""

from __future__ import annotations

import ast

from ..engine.fixer import cst  # libcst, imported when a fix is built

from ..engine.checker import FileContext
from ..engine.fixer import FixContext, FixUnavailable
from ..engine.model import Diagnostic, Range, Severity
from ._unittest import ISOLATED, class_is_analysable, runner_kind
from ..engine.rule import Invalid, Rule, RuntimeExample, Symptom, Valid

_PARAMETRIZE = "pytest.mark.parametrize"
_LOOP_MARKS = {"pytest.mark.asyncio": "asyncio", "pytest.mark.anyio": "anyio"}
_FIXTURES = frozenset({"pytest.fixture", "pytest_asyncio.fixture"})
_USEFIXTURES = "pytest.mark.usefixtures"
# Decorators that neither inject arguments nor make the method something else:
# with only these, a test's extra parameter can only be meant as a fixture.
_PLAIN_DECORATORS = ("unittest.skip", "unittest.skipIf", "unittest.skipUnless", "unittest.expectedFailure")


class PytestFeatureOnUnittest(Rule):
    code = "UT008"
    name = "pytest-feature-on-unittest"
    severity = Severity.ERROR
    summary = "pytest parametrization, fixtures and asyncio/anyio marks do not work on unittest.TestCase classes."
    message = "`{feature}` does not work on a unittest.TestCase"
    fix_safety = "safe"
    fix_title = "Remove the no-op @pytest.mark.asyncio"
    tokens = ("pytest", "TestCase")
    local = True
    position_data = {"class_line": "line"}
    symptoms = (
        Symptom(
            when="parametrize or a fixture parameter on a TestCase method, pytest 9.x and unittest alike (every Python)",
            output="TypeError: ...test_param() missing 1 required positional argument: 'x'",
            envs=("py310", "py311", "py312", "py313", "py314", "py315"),
        ),
    )
    explanation = """
    pytest runs `unittest.TestCase` classes through unittest: "Fixtures
    (except for autouse fixtures), Parametrization, Custom hooks" do not work
    there (pytest docs, *How to use unittest-based tests with pytest*), and
    pytest-asyncio does not support unittest classes either. In practice:

    - `@pytest.mark.parametrize` and extra test parameters meant as fixtures:
      the test fails with `TypeError: ... missing 1 required positional
      argument` (unittest calls it with `self` only);
    - `@pytest.mark.asyncio` is ignored: on an `IsolatedAsyncioTestCase` the
      class's own loop runs the test anyway (the mark is a no-op), on a plain
      `TestCase` the test passes **without running** (see UT001);
      `@pytest.mark.anyio` only parametrizes the test over backends, while
      unittest's loop still runs it;
    - an async fixture method (autouse or requested with `usefixtures`) on an
      `IsolatedAsyncioTestCase` runs in pytest-asyncio's event loop, not the
      test's: objects it creates are bound to another loop (checked with
      pytest-asyncio 1.5.0: `self.fixture_loop is asyncio.get_running_loop()`
      is false in the test).

    ### How to fix
    Use `self.subTest` instead of parametrize, `setUp`/`asyncSetUp` instead of
    fixtures, and no asyncio mark; or turn the class into a plain pytest class
    (no `TestCase` base) with `@pytest.mark.asyncio` tests and fixtures.

    ```python
    class TestParse(unittest.IsolatedAsyncioTestCase):
        async def test_parse(self):
            for raw in ["1", "2"]:
                with self.subTest(raw=raw):
                    self.assertTrue(await parse(raw))
    ```

    Fixes: removing `@pytest.mark.asyncio` from an `IsolatedAsyncioTestCase`
    (or one of its methods) is safe, the mark does nothing there. A single
    literal `@pytest.mark.parametrize` becomes a `subTest` loop (unsafe: the
    cases are reported as subtests of one test). Other cases have no fix.

    Not reported: autouse sync fixtures and `usefixtures` (they work), a
    module-level `pytestmark` (it also serves the module's pytest tests),
    parameters with defaults, tests whose decorators may inject arguments
    (`mock.patch`, `parameterized.expand`, `ddt`, ...), classes with unknown
    class decorators, and classes that are not certainly TestCases.
    """

    def visit_ClassDef(self, node: ast.ClassDef, ctx: FileContext) -> None:
        if ctx.scope.kind != "module":
            return
        model = ctx.class_model(node)
        if model is None or model.is_testcase is not True:
            return
        kind = runner_kind(model)
        for decorator in node.decorator_list:
            self._check_mark(decorator, None, node, kind, ctx)
        for item in node.body:
            if isinstance(item, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "pytestmark" for t in item.targets
            ):
                values = item.value.elts if isinstance(item.value, (ast.List, ast.Tuple)) else [item.value]
                for value in values:
                    self._check_mark(value, None, node, kind, ctx, removable=False)
        # Class decorators such as mock.patch inject arguments into every test:
        # only pytest marks leave the parameters unexplained.
        analysable = class_is_analysable(ctx, node) and all(
            (ctx.qualify(d.func if isinstance(d, ast.Call) else d) or "").startswith("pytest.mark.")
            for d in node.decorator_list
        ) and not model.custom_dispatch  # a chain that calls tests its own way may pass them arguments
        used = _usefixtures_names(node, ctx)
        for item in node.body:
            if not isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for decorator in item.decorator_list:
                self._check_mark(decorator, item, node, kind, ctx)
            if analysable and item.name.startswith("test"):
                self._check_parameters(item, node, ctx)
                used |= _requested(item, ctx)
        if kind == ISOLATED:
            self._check_async_fixtures(node, ctx, used)

    # -- marks -----------------------------------------------------------------------
    def _check_mark(self, expr, method, cls, kind, ctx: FileContext, removable: bool = True) -> None:
        target = expr.func if isinstance(expr, ast.Call) else expr
        if not isinstance(target, ast.Attribute):
            return
        name = ctx.qualify(target)
        where = f"`{method.name}`" if method is not None else f"class `{cls.name}`"
        if name == _PARAMETRIZE:
            fixable = method is not None and _simple_parametrize(expr, method) is not None
            ctx.report(
                self,
                expr,
                message=f"`@pytest.mark.parametrize` on {where} does not work on a unittest.TestCase: "
                        "unittest calls the test without the parameters (TypeError)",
                reason="pytest hands TestCase classes to unittest, which ignores parametrization.",
                data={"kind": "parametrize", "class_line": cls.lineno},
                fix_title="Turn the parametrization into a self.subTest loop",
                fix_applicability="unsafe",
                fixable=fixable,
            )
        elif name in _LOOP_MARKS:
            mark = _LOOP_MARKS[name]
            noop = kind == ISOLATED and mark == "asyncio"
            if kind == ISOLATED:
                effect = ("the class's own event loop runs the test; the mark does nothing" if mark == "asyncio"
                          else "the test is only parametrized over anyio backends; unittest's loop still runs it")
            else:
                effect = "unittest runs the test, and a plain TestCase never awaits async tests (see UT001)"
            ctx.report(
                self,
                expr,
                message=f"`@pytest.mark.{mark}` on {where} is ignored on a unittest.TestCase: {effect}",
                severity=Severity.WARNING,
                reason="pytest-asyncio and anyio do not run unittest.TestCase tests.",
                data={"kind": "mark", "class_line": cls.lineno},
                fix_title="Remove the no-op @pytest.mark.asyncio",
                fix_applicability="safe",
                fixable=noop and removable,
            )

    # -- parameters meant as fixtures ------------------------------------------------
    def _check_parameters(self, method, cls, ctx: FileContext) -> None:
        if not _only_plain_decorators(method, ctx):
            return
        args = method.args
        positional = args.posonlyargs + args.args
        defaults_from = len(positional) - len(args.defaults)
        missing = [a for i, a in enumerate(positional) if i >= 1 and i < defaults_from]
        missing += [a for a, d in zip(args.kwonlyargs, args.kw_defaults) if d is None]
        for arg in missing:
            ctx.report(
                self,
                arg,
                message=(
                    f"Parameter `{arg.arg}` of `{method.name}` is never provided: pytest fixtures are not injected "
                    "into unittest.TestCase tests (TypeError)"
                ),
                reason="unittest calls test methods with `self` only.",
                data={"kind": "parameter"},
                fixable=False,
            )

    # -- async fixtures on an isolated case -----------------------------------------------
    def _check_async_fixtures(self, cls, ctx: FileContext, used: set[str]) -> None:
        for fixture in ctx.summary.fixtures:
            if fixture.class_name != cls.name or not fixture.is_async:
                continue
            if not (fixture.autouse or fixture.name in used):
                continue
            ctx.report(
                self,
                range=Range(fixture.decorator_line, fixture.decorator_col, fixture.decorator_end_line,
                            fixture.decorator_end_col),
                message=(
                    f"Async fixture `{fixture.func_name}` on an IsolatedAsyncioTestCase runs in pytest-asyncio's event "
                    "loop, not the test's: what it creates is bound to another loop"
                ),
                severity=Severity.WARNING,
                reason="Each IsolatedAsyncioTestCase test runs in its own loop, created by unittest.",
                data={"kind": "fixture"},
                fixable=False,
            )

    # -- fixes -------------------------------------------------------------------------
    def fix(self, fixer: FixContext, diagnostic: Diagnostic) -> None:
        kind = diagnostic.data.get("kind")
        decorator_expr = fixer.find(diagnostic.range, (cst.Call, cst.Attribute))
        decorator = fixer.parent(decorator_expr)
        if not isinstance(decorator, cst.Decorator):
            raise FixUnavailable("not a decorator")
        if kind == "mark":
            fixer.remove(decorator)
            return
        if kind != "parametrize":
            raise FixUnavailable("no fix")
        method = fixer.parent(decorator)
        if not isinstance(method, cst.FunctionDef):
            raise FixUnavailable("not on a method")
        shape = _simple_parametrize_cst(fixer, decorator_expr, method)
        if shape is None:
            raise FixUnavailable("parametrization too complex")
        names, values_code = shape
        target = ", ".join(names)
        keywords = ", ".join(f"{n}={n}" for n in names)
        loop = fixer.parse_statement(f"for {target} in {values_code}:\n    with self.subTest({keywords}):\n        pass\n")
        body = list(method.body.body)
        docstring = []
        if body and _is_docstring(body[0]):
            docstring = [body.pop(0)]
        with_stmt = loop.body.body[0]
        with_stmt = with_stmt.with_changes(body=cst.IndentedBlock(body=body))
        loop = loop.with_changes(body=loop.body.with_changes(body=[with_stmt]))
        params = [p for p in method.params.params if p.name.value not in names]
        if params:
            params[-1] = params[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        decorators = [d for d in method.decorators if d is not decorator]
        fixer.replace(
            method,
            lambda updated: updated.with_changes(
                decorators=decorators,
                params=updated.params.with_changes(params=params),
                body=updated.body.with_changes(body=[*docstring, loop]),
            ),
        )

    examples = (
        Invalid(
            source=(
                "import unittest\n"
                "import pytest\n"
                "\n"
                "class T(unittest.IsolatedAsyncioTestCase):\n"
                "    @pytest.mark.asyncio\n"
                "    async def test_iso(self):\n"
                "        pass\n"
            ),
            at=(5, 6),
            end=(5, 25),
            fixed=(
                "import unittest\n"
                "import pytest\n"
                "\n"
                "class T(unittest.IsolatedAsyncioTestCase):\n"
                "    async def test_iso(self):\n"
                "        pass\n"
            ),
        ),
        Invalid(
            source=(
                "import unittest\n"
                "import pytest\n"
                "\n"
                "class T(unittest.IsolatedAsyncioTestCase):\n"
                "    @pytest.mark.parametrize('x, y', [(1, 2), (3, 4)])\n"
                "    async def test_param(self, x, y):\n"
                '        """Docstring stays first."""\n'
                "        self.assertLess(x, y)\n"
            ),
            at=(5, 6),
            fixed=(
                "import unittest\n"
                "import pytest\n"
                "\n"
                "class T(unittest.IsolatedAsyncioTestCase):\n"
                "    async def test_param(self):\n"
                '        """Docstring stays first."""\n'
                "        for x, y in [(1, 2), (3, 4)]:\n"
                "            with self.subTest(x=x, y=y):\n"
                "                self.assertLess(x, y)\n"
            ),
            unsafe=True,
        ),
        Invalid(
            # p09: a fixture parameter.
            source=(
                "import unittest\n"
                "import pytest\n"
                "\n"
                "@pytest.fixture\n"
                "def db():\n"
                "    return 1\n"
                "\n"
                "class IsoFixture(unittest.IsolatedAsyncioTestCase):\n"
                "    async def test_fixture_arg(self, db):\n"
                "        pass\n"
            ),
            at=(9, 38),
            end=(9, 40),
            message_contains="Parameter `db`",
        ),
        Invalid(
            # A class-level asyncio mark on an isolated case: a no-op, safe to remove.
            source=(
                "import unittest\n"
                "import pytest\n"
                "\n"
                "@pytest.mark.asyncio\n"
                "class Iso(unittest.IsolatedAsyncioTestCase):\n"
                "    async def test_iso(self):\n"
                "        pass\n"
            ),
            at=(4, 2),
            fixed=(
                "import unittest\n"
                "import pytest\n"
                "\n"
                "class Iso(unittest.IsolatedAsyncioTestCase):\n"
                "    async def test_iso(self):\n"
                "        pass\n"
            ),
        ),
        Invalid(
            # On a plain TestCase the mark hides a test that never runs: reported, not removed.
            source=(
                "import unittest\n"
                "import pytest\n"
                "\n"
                "class PlainAsync(unittest.TestCase):\n"
                "    pytestmark = [pytest.mark.anyio]\n"
                "\n"
                "    @pytest.mark.asyncio\n"
                "    async def test_plain_async_marked(self):\n"
                "        self.fail('never runs')\n"
            ),
            at=((5, 19), (7, 6)),
        ),
        Invalid(
            source=(
                "import unittest\n"
                "import pytest\n"
                "import pytest_asyncio\n"
                "\n"
                "class T(unittest.IsolatedAsyncioTestCase):\n"
                "    @pytest_asyncio.fixture(autouse=True)\n"
                "    async def prepare(self):\n"
                "        self.lock = object()\n"
                "\n"
                "    @pytest_asyncio.fixture\n"
                "    async def unused(self):\n"
                "        pass\n"
                "\n"
                "    async def test_x(self):\n"
                "        pass\n"
            ),
            at=(6, 6),
            message_contains="pytest-asyncio's event loop",
        ),
        Valid(
            source=(
                "import unittest\n"
                "import pytest\n\n"
                "@pytest.mark.usefixtures('tmp_path')\n"
                "class T(unittest.TestCase):\n"
                "    @pytest.fixture(autouse=True)\n"
                "    def prepare(self):\n"
                "        self.ready = True\n\n"
                "    @pytest.mark.skip(reason='later')\n"
                "    def test_x(self, retries=3):\n"
                "        pass\n\n"
                "    def helper(self, value):\n"
                "        return value\n"
            ),
            why="autouse sync fixtures, usefixtures, other marks, defaulted parameters and helpers work",
        ),
        Valid(
            source=(
                "import unittest\n"
                "from unittest import mock\n"
                "from parameterized import parameterized\n\n"
                "class T(unittest.TestCase):\n"
                "    @mock.patch('os.getcwd')\n"
                "    def test_patched(self, getcwd):\n"
                "        pass\n\n"
                "    @parameterized.expand([(1,), (2,)])\n"
                "    def test_expanded(self, value):\n"
                "        pass\n"
            ),
            why="decorators that inject arguments",
        ),
        Valid(
            source=(
                "import unittest\n"
                "from unittest import mock\n\n"
                "@mock.patch('os.getcwd')\n"
                "class T(unittest.TestCase):\n"
                "    def test_patched(self, getcwd):\n"
                "        pass\n"
            ),
            why="a class-level patch injects the argument into every test",
        ),
        Valid(
            source=(
                "import pytest\n\n"
                "pytestmark = pytest.mark.asyncio\n\n"
                "class TestPlain:\n"
                "    @pytest.mark.parametrize('x', [1])\n"
                "    async def test_x(self, x, db):\n"
                "        pass\n"
            ),
            why="plain pytest classes support all of this",
        ),
        Valid(
            source=(
                "import pytest\n"
                "from vendor.testing import Case\n\n"
                "class T(Case):\n"
                "    @pytest.mark.parametrize('x', [1])\n"
                "    def test_x(self, x):\n"
                "        pass\n"
            ),
            why="an unresolvable base may not be a TestCase",
        ),
    )

    runtime = (
        RuntimeExample(
            files={
                "test_example.py": (
                    "import unittest\n"
                    "import pytest\n\n"
                    "class T(unittest.IsolatedAsyncioTestCase):\n"
                    "    @pytest.mark.parametrize('x', [1, 2])\n"
                    "    async def test_param(self, x):\n"
                    "        __SENTINEL__\n"
                    "        self.assertIn(x, (1, 2))\n"
                ),
            },
            runner="unittest",
            outcome="error",
            body_ran=False,
            symptoms=symptoms,
            envs=("py310", "py311", "py312", "py313", "py314", "py315"),
            note=(
                "unittest ignores the mark exactly as pytest's unittest support does (same TypeError; under "
                "pytest 9.2 the test FAILED the same way and passed after the fix with '1 passed, 2 subtests "
                "passed', a summary line the harness does not parse yet, hence the unittest runner here); "
                "the unsafe fix turns the parametrization into a subTest loop"
            ),
        ),
    )


def _usefixtures_names(cls: ast.ClassDef, ctx: FileContext) -> set[str]:
    """Fixture names requested with usefixtures on the class or its methods."""
    names: set[str] = set()
    decorators = list(cls.decorator_list)
    for item in cls.body:
        if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
            decorators.extend(item.decorator_list)
        elif isinstance(item, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "pytestmark" for t in item.targets):
            decorators.extend(item.value.elts if isinstance(item.value, (ast.List, ast.Tuple)) else [item.value])
    for decorator in decorators:
        if isinstance(decorator, ast.Call) and ctx.qualify(decorator.func) == _USEFIXTURES:
            names.update(a.value for a in decorator.args if isinstance(a, ast.Constant) and isinstance(a.value, str))
    return names


def _requested(method, ctx: FileContext) -> set[str]:
    args = method.args
    return {a.arg for a in (args.posonlyargs + args.args)[1:] + args.kwonlyargs}


def _only_plain_decorators(method, ctx: FileContext) -> bool:
    for decorator in method.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        name = ctx.qualify(target) or ""
        if name in _PLAIN_DECORATORS:
            continue
        if name.startswith("pytest.mark.") and name not in (_PARAMETRIZE, _USEFIXTURES):
            continue
        return False
    return True


def _names_of(argnames: ast.AST) -> list[str] | None:
    if isinstance(argnames, ast.Constant) and isinstance(argnames.value, str):
        names = [n.strip() for n in argnames.value.split(",") if n.strip()]
    elif isinstance(argnames, (ast.List, ast.Tuple)) and all(
        isinstance(e, ast.Constant) and isinstance(e.value, str) for e in argnames.elts
    ):
        names = [e.value for e in argnames.elts]  # type: ignore[attr-defined]
    else:
        return None
    return names if names and all(n.isidentifier() for n in names) else None


def _simple_parametrize(expr: ast.AST, method) -> list[str] | None:
    """The parameter names when the parametrization can become a subTest loop."""
    if not isinstance(expr, ast.Call) or expr.keywords or len(expr.args) != 2:
        return None
    names = _names_of(expr.args[0])
    values = expr.args[1]
    if names is None or not isinstance(values, (ast.List, ast.Tuple)):
        return None
    if any(isinstance(e, ast.Call) for e in values.elts):  # pytest.param(...) carries marks/ids
        return None
    args = method.args
    params = [a.arg for a in args.posonlyargs + args.args]
    if args.vararg or args.kwarg or args.kwonlyargs or args.defaults or params[1:] != names:
        return None
    marks = [d for d in method.decorator_list if isinstance(d, ast.Call) and getattr(d.func, "attr", "") == "parametrize"]
    if len(marks) != 1 or any(isinstance(n, ast.Name) and n.id in names for n in ast.walk(values)):
        return None
    return names


def _simple_parametrize_cst(fixer: FixContext, call: cst.CSTNode, method: cst.FunctionDef):
    if not isinstance(call, cst.Call) or len(call.args) != 2:
        return None
    try:
        names = _names_of(ast.parse(fixer.code(call.args[0].value).strip(), mode="eval").body)
    except SyntaxError:
        return None
    if names is None:
        return None
    return names, fixer.code(call.args[1].value).strip()


def _is_docstring(statement: cst.CSTNode) -> bool:
    return (
        isinstance(statement, cst.SimpleStatementLine)
        and len(statement.body) == 1
        and isinstance(statement.body[0], cst.Expr)
        and isinstance(statement.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    )
