"""UT009: a private event loop run from setUp/tearDown/setUpClass of an IsolatedAsyncioTestCase."""

from __future__ import annotations

import ast

from ..engine.fixer import cst  # libcst, imported when a fix is built

from ..engine.checker import FileContext
from ..engine.fixer import FixContext, FixUnavailable
from ..engine.model import Diagnostic, Related, Severity
from ..engine.summary import ModuleSummary, dotted_name
from ..engine.symbols import ProjectFunction
from ._loops import chain_related, helper_runs_loop
from ._unittest import ISOLATED, base_defines, find_class, find_method, find_method_cst, runner_kind, top_level_class, walk_body
from ..engine.rule import Invalid, Rule, RuntimeExample, Symptom, Valid

_HOOKS = {"setUp": "asyncSetUp", "tearDown": "asyncTearDown", "setUpClass": None}
# (method called on the object, factory that made the object): a fresh loop
# that is closed or thrown away afterwards. get_event_loop() is deliberately
# absent: in setUp it returns the test's own loop, which works (e11).
_PRIVATE_RUNS = {("run_until_complete", "asyncio.new_event_loop"), ("run", "asyncio.Runner")}

# Runners that always make a loop of their own (a helper's `run_until_complete` may use the test's).
_PRIVATE_RUNNERS = frozenset({"asyncio.run", "asyncio.Runner.run", "anyio.run", "trio.run", "async_to_sync(...)"})

class AsyncioRunInSyncHookOfIsolatedCase(Rule):
    code = "UT009"
    name = "asyncio-run-in-sync-hook-of-isolated-case"
    severity = Severity.WARNING
    summary = "`asyncio.run()` (or a new loop) in setUp of an IsolatedAsyncioTestCase: results bound to a dead loop."
    message = "`{call}` in `{hook}` runs on a throw-away event loop, not the test's: use `{target}` with `await`"
    fix_safety = "unsafe"
    fix_title = "Move the statement into the async hook and await the coroutine"
    fix_edits_elsewhere = True  # its fix reads or edits other methods or statements
    tokens = ("setUp", "tearDown")  # the hooks it is about (the loop may be run by a helper elsewhere)
    # Local: the helpers it reads are looked up with ctx.module_definition (tracked).
    local = True
    position_data = {"class_line": "line"}
    symptoms = (
        Symptom(
            when="every version (3.10–3.15): what setUp created belongs to a closed loop",
            output="AssertionError: <_UnixSelectorEventLoop running=False closed=True debug=...> is not "
                   "<_UnixSelectorEventLoop running=True closed=False debug=True>",
            envs=("py310", "py311", "py312", "py313", "py314", "py315"),
        ),
    )
    explanation = """
    `IsolatedAsyncioTestCase` runs every test in its own event loop, and its
    sync `setUp` runs before that loop is running. `asyncio.run(...)`,
    `asyncio.new_event_loop().run_until_complete(...)` or
    `asyncio.Runner().run(...)` there does not fail: it runs the coroutine in
    a second, temporary loop and closes it (`asyncio.run` also unsets the
    current loop). Anything loop-bound created there (connections, locks,
    queues, tasks, clients) then belongs to a closed loop and fails, or hangs,
    when the test uses it in its own loop.

    ### How to fix
    Do the async set-up in `asyncSetUp` (clean-up in `asyncTearDown`), which
    run in the test's loop:

    ```python
    class TestClient(unittest.IsolatedAsyncioTestCase):
        async def asyncSetUp(self):
            self.client = await make_client()
    ```

    The fix does this (unsafe, review it) when the statement is the last one
    of `setUp` or the first one of `tearDown`, so that it still runs in the
    same order relative to the rest of the hook. `setUpClass` has no async
    counterpart (see UT005): no fix.

    Not reported: `asyncio.get_event_loop().run_until_complete(...)` in
    `setUp` (it returns the test's own loop there, which works on 3.10–3.15),
    classes that are not certainly `IsolatedAsyncioTestCase`s, and helpers
    that run a loop only on some paths. Helpers in other files and several
    calls away are followed (the hover shows the chain).
    """

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        function = ctx.function
        hook = ctx.method
        if function is None or hook is None or function.node is not hook or function.is_async:
            return
        if hook.name not in _HOOKS:
            return
        found = top_level_class(ctx)
        if found is None:
            return
        cls, model = found
        if runner_kind(model) != ISOLATED:
            return
        bindings = ctx.state.setdefault(self.code, {})
        key = id(hook)
        if key not in bindings:
            bindings[key] = _factory_bindings(hook, ctx.summary)
        target = _HOOKS[hook.name]
        chain = model.describe_chain()
        if _is_private_run(node, ctx.summary, bindings[key]):
            fixable = target is not None and _simple_shape(node, hook, ctx)
            ctx.report(
                self,
                node,
                fields={"call": _short(node), "hook": hook.name, "target": target or "asyncSetUp"},
                reason=(
                    f"Class chain: `{chain}`. `{hook.name}` runs before the test's loop runs; this call creates and "
                    "closes another loop, so what it returns is bound to a dead loop."
                ),
                data={
                    "class_line": cls.lineno,
                    "hook": hook.name,
                    "target": target,
                    "base_async": bool(target) and base_defines(ctx.project, model, target),
                    "base_hook": base_defines(ctx.project, model, hook.name),
                },
                fixable=fixable,
            )
            return
        inner = self._helper_run(node, ctx)
        if inner is None:
            self._helper_chain(node, ctx, hook, target, chain)
        if inner is not None:
            helper_name, inner_call = inner
            ctx.report(
                self,
                node,
                message=(
                    f"`{helper_name}()` runs `{_short(inner_call)}` from `{hook.name}`: a throw-away event loop, not "
                    f"the test's; do this in `{target or 'asyncSetUp'}` with `await`"
                ),
                reason=f"Class chain: `{chain}`. The helper is called before the test's loop runs.",
                related=[Related(ctx.path, ctx.node_range(inner_call), "the loop is run here")],
                fixable=False,
            )

    def _helper_chain(self, node: ast.Call, ctx: FileContext, hook, target: str | None, chain: str) -> None:
        """A helper elsewhere (another module, a base class, several calls away) that runs a private loop."""
        found = helper_runs_loop(ctx, node)
        if found is None or found[0].detail not in _PRIVATE_RUNNERS:
            return
        evidence, _ = found
        primitive = evidence.chain[-1]
        ctx.report(
            self,
            node,
            message=(
                f"`{_short(node)}` runs `{primitive.text}()` from `{hook.name}`: a throw-away event loop, not the "
                f"test's; do this in `{target or 'asyncSetUp'}` with `await`"
            ),
            reason=(
                f"Class chain: `{chain}`. {evidence.describe_chain()} runs a loop of its own on every path, before "
                "the test's loop runs: what it makes is bound to a loop that is closed by then."
            ),
            related=chain_related(evidence, "the loop is run here"),
            fixable=False,
        )

    def _helper_run(self, call: ast.Call, ctx: FileContext) -> tuple[str, ast.Call] | None:
        """One level: a sync function or method of this file whose body runs a private loop."""
        symbol = ctx.resolve(call.func)
        if not isinstance(symbol, ProjectFunction) or symbol.path != ctx.path:
            return None
        if symbol.class_name is None:
            definition = ctx.module_definition(symbol.name, ast.FunctionDef)
        else:
            owner = ctx.module_definition(symbol.class_name, ast.ClassDef)
            definition = find_method(owner, symbol.name) if owner is not None else None
        if not isinstance(definition, ast.FunctionDef) or definition.name in _HOOKS:
            return None
        cache = ctx.state.setdefault(self.code + ":helpers", {})
        if id(definition) not in cache:
            bindings = _factory_bindings(definition, ctx.summary)
            cache[id(definition)] = next(
                (n for n in walk_body(definition) if isinstance(n, ast.Call) and _is_private_run(n, ctx.summary, bindings)),
                None,
            )
        inner = cache[id(definition)]
        return (symbol.name, inner) if inner is not None else None

    def fix(self, fixer: FixContext, diagnostic: Diagnostic) -> None:
        data = diagnostic.data
        hook_name, target = data["hook"], data["target"]
        if not target:
            raise FixUnavailable("no async counterpart")
        call = fixer.find(diagnostic.range, cst.Call)
        statement = fixer.statement_of(call)
        class_node = find_class(fixer, data["class_line"])
        hook = find_method_cst(class_node, hook_name)
        if hook is None or statement not in hook.body.body:
            raise FixUnavailable("the statement is not directly in the hook")
        if not call.args or call.args[0].keyword is not None:
            raise FixUnavailable("unexpected arguments")
        coroutine = call.args[0].value
        moved = statement.deep_replace(call, cst.Await(expression=coroutine))
        remaining = [s for s in hook.body.body if s is not statement]
        existing = find_method_cst(class_node, target)

        def edit_class(updated: cst.ClassDef) -> cst.ClassDef:
            items = []
            for item in updated.body.body:
                if isinstance(item, cst.FunctionDef) and item.name.value == hook_name:
                    body = list(remaining)
                    new_hook = None
                    if existing is None:
                        new_hook = _new_async_hook(fixer, target, moved, data.get("base_async", False))
                    if not [s for s in body if not _is_docstring(s)]:
                        if not data.get("base_hook") and not body:
                            # The hook did nothing else (and hides no base hook): drop it.
                            if new_hook is not None:
                                items.append(new_hook.with_changes(leading_lines=item.leading_lines))
                            continue
                        body.append(cst.SimpleStatementLine(body=[cst.Pass()]))
                    items.append(item.with_changes(body=item.body.with_changes(body=body)))
                    if new_hook is not None:
                        items.append(new_hook)
                    continue
                if existing is not None and isinstance(item, cst.FunctionDef) and item.name.value == target:
                    body = list(item.body.body)
                    if target == "asyncSetUp":  # setUp's last statement ran before asyncSetUp: put it first
                        at = 1 if body and _is_docstring(body[0]) else 0
                        body.insert(at, moved)
                    else:  # tearDown's first statement ran after asyncTearDown: put it last
                        body.append(moved)
                    item = item.with_changes(body=item.body.with_changes(body=body))
                items.append(item)
            return updated.with_changes(body=updated.body.with_changes(body=items))

        fixer.replace(class_node, edit_class)

    examples = (
        Invalid(
            files={
                "tests/__init__.py": "",
                "tests/factories.py": (
                    "import asyncio\n\n"
                    "async def make_client():\n"
                    "    return object()\n\n"
                    "def _sync(coro):\n"
                    "    return asyncio.run(coro)\n\n"
                    "def client():\n"
                    "    return _sync(make_client())\n"
                ),
            },
            source=(
                "import unittest\n"
                "from tests.factories import client\n\n"
                "class T(unittest.IsolatedAsyncioTestCase):\n"
                "    def setUp(self):\n"
                "        self.client = client()\n\n"
                "    async def test_a(self):\n"
                "        pass\n"
            ),
            at=(6, 23),
            message_contains="asyncio.run",
        ),
        Invalid(
            source=(
                "import asyncio\n"
                "import unittest\n"
                "\n"
                "async def make_resource():\n"
                "    return asyncio.get_running_loop()\n"
                "\n"
                "class T(unittest.IsolatedAsyncioTestCase):\n"
                "    def setUp(self):\n"
                "        self.setup_loop = asyncio.run(make_resource())\n"
                "\n"
                "    async def test_x(self):\n"
                "        self.assertIs(self.setup_loop, asyncio.get_running_loop())\n"
            ),
            at=(9, 27),
            end=(9, 55),
            fixed=(
                "import asyncio\n"
                "import unittest\n"
                "\n"
                "async def make_resource():\n"
                "    return asyncio.get_running_loop()\n"
                "\n"
                "class T(unittest.IsolatedAsyncioTestCase):\n"
                "    async def asyncSetUp(self):\n"
                "        self.setup_loop = await make_resource()\n"
                "\n"
                "    async def test_x(self):\n"
                "        self.assertIs(self.setup_loop, asyncio.get_running_loop())\n"
            ),
            unsafe=True,
        ),
        Invalid(
            # The rest of setUp stays; an existing asyncSetUp gets the statement first.
            source=(
                "import asyncio\n"
                "import unittest\n"
                "\n"
                "async def connect():\n"
                "    return 1\n"
                "\n"
                "class T(unittest.IsolatedAsyncioTestCase):\n"
                "    def setUp(self):\n"
                "        self.name = 'db'\n"
                "        self.conn = asyncio.new_event_loop().run_until_complete(connect())\n"
                "\n"
                "    async def asyncSetUp(self):\n"
                "        self.ready = True\n"
            ),
            at=(10, 21),
            fixed=(
                "import asyncio\n"
                "import unittest\n"
                "\n"
                "async def connect():\n"
                "    return 1\n"
                "\n"
                "class T(unittest.IsolatedAsyncioTestCase):\n"
                "    def setUp(self):\n"
                "        self.name = 'db'\n"
                "\n"
                "    async def asyncSetUp(self):\n"
                "        self.conn = await connect()\n"
                "        self.ready = True\n"
            ),
            unsafe=True,
        ),
        Invalid(
            # tearDown, through a project base that defines asyncTearDown: the new hook calls super().
            files={
                "tests/base.py": (
                    "import unittest\n\n"
                    "class Base(unittest.IsolatedAsyncioTestCase):\n"
                    "    async def asyncTearDown(self):\n"
                    "        pass\n"
                ),
            },
            source=(
                "import asyncio\n"
                "from tests.base import Base\n"
                "\n"
                "class T(Base):\n"
                "    def tearDown(self):\n"
                "        asyncio.Runner().run(self.close())\n"
                "        self.closed = True\n"
                "\n"
                "    async def close(self):\n"
                "        pass\n"
            ),
            at=(6, 9),
            fixed=(
                "import asyncio\n"
                "from tests.base import Base\n"
                "\n"
                "class T(Base):\n"
                "    def tearDown(self):\n"
                "        self.closed = True\n"
                "\n"
                "    async def asyncTearDown(self):\n"
                "        await super().asyncTearDown()\n"
                "        await self.close()\n"
                "\n"
                "    async def close(self):\n"
                "        pass\n"
            ),
            unsafe=True,
        ),
        Invalid(
            # setUpClass, and a sync helper called from setUp (one level): reported without a fix.
            source=(
                "import asyncio\n"
                "import unittest\n"
                "\n"
                "async def connect():\n"
                "    return 1\n"
                "\n"
                "def make_pool():\n"
                "    return asyncio.run(connect())\n"
                "\n"
                "class T(unittest.IsolatedAsyncioTestCase):\n"
                "    @classmethod\n"
                "    def setUpClass(cls):\n"
                "        cls.shared = asyncio.run(connect())\n"
                "\n"
                "    def setUp(self):\n"
                "        self.pool = make_pool()\n"
            ),
            at=((13, 22), (16, 21)),
        ),
        Valid(
            source=(
                "import asyncio\n"
                "import unittest\n\n"
                "async def make_resource():\n"
                "    return 1\n\n"
                "class T(unittest.IsolatedAsyncioTestCase):\n"
                "    def setUp(self):\n"
                "        self.res = asyncio.get_event_loop().run_until_complete(make_resource())\n"
            ),
            why="get_event_loop() in setUp returns the test's own loop (e11): it works",
        ),
        Valid(
            source=(
                "import asyncio\n"
                "import unittest\n\n"
                "async def make_resource():\n"
                "    return 1\n\n"
                "class Legacy(unittest.TestCase):\n"
                "    def setUp(self):\n"
                "        self.res = asyncio.run(make_resource())\n"
            ),
            why="a plain TestCase has no loop of its own; its tests do not run in one",
        ),
        Valid(
            source=(
                "import asyncio\n"
                "import unittest\n\n"
                "async def make_resource():\n"
                "    return 1\n\n"
                "class T(unittest.IsolatedAsyncioTestCase):\n"
                "    async def asyncSetUp(self):\n"
                "        self.res = await make_resource()\n\n"
                "    def test_sync_path(self):\n"
                "        self.assertEqual(asyncio.run(make_resource()), 1)\n"
            ),
            why="not in a set-up hook",
        ),
        Valid(
            source=(
                "import asyncio\n"
                "from vendor.testing import Case\n\n"
                "async def make_resource():\n"
                "    return 1\n\n"
                "class T(Case):\n"
                "    def setUp(self):\n"
                "        self.res = asyncio.run(make_resource())\n"
            ),
            why="an unresolvable base",
        ),
    )

    runtime = (
        RuntimeExample(
            files={
                "test_example.py": (
                    "import asyncio\n"
                    "import unittest\n\n"
                    "async def make_resource():\n"
                    "    return asyncio.get_running_loop()\n\n"
                    "class T(unittest.IsolatedAsyncioTestCase):\n"
                    "    def setUp(self):\n"
                    "        self.setup_loop = asyncio.run(make_resource())\n\n"
                    "    async def test_x(self):\n"
                    "        __SENTINEL__\n"
                    "        self.assertIs(self.setup_loop, asyncio.get_running_loop())\n"
                ),
            },
            runner="unittest",
            outcome="failed",
            body_ran=True,
            symptoms=symptoms,
            envs=("py310", "py311", "py312", "py313", "py314", "py315"),
        ),
    )


def _factory_bindings(function: ast.AST, module: ModuleSummary) -> dict[str, str]:
    """Local names bound to `asyncio.new_event_loop()` / `asyncio.Runner()` in a function body."""
    bindings: dict[str, str] = {}
    for node in walk_body(function):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            value, name = node.value, node.targets[0].id
        elif isinstance(node, ast.withitem) and isinstance(node.optional_vars, ast.Name):
            value, name = node.context_expr, node.optional_vars.id
        else:
            continue
        if isinstance(value, ast.Call):
            factory = module.qualify(dotted_name(value.func)) if isinstance(value.func, (ast.Name, ast.Attribute)) else None
            if factory:
                bindings[name] = factory
    return bindings


def _is_private_run(call: ast.Call, module: ModuleSummary, bindings: dict[str, str]) -> bool:
    func = call.func
    if isinstance(func, (ast.Name, ast.Attribute)) and module.qualify(dotted_name(func)) == "asyncio.run":
        return _plain_chain(func)
    if not isinstance(func, ast.Attribute):
        return False
    receiver = func.value
    factory = None
    if isinstance(receiver, ast.Call) and isinstance(receiver.func, (ast.Name, ast.Attribute)):
        factory = module.qualify(dotted_name(receiver.func))
    elif isinstance(receiver, ast.Name):
        factory = bindings.get(receiver.id)
    return (func.attr, factory) in _PRIVATE_RUNS


def _plain_chain(expr: ast.AST) -> bool:
    """`a.b.c` with no calls inside (dotted_name strips calls; a call result is not the module)."""
    while isinstance(expr, ast.Attribute):
        expr = expr.value
    return isinstance(expr, ast.Name)


def _simple_shape(call: ast.Call, hook: ast.FunctionDef, ctx: FileContext) -> bool:
    """The statement can move into the async hook without changing the order of anything."""
    if len(call.args) != 1 or call.keywords or isinstance(call.args[0], ast.Starred):
        return False
    statement = ctx.parent
    if isinstance(statement, ast.Expr):
        if statement.value is not call:
            return False
    elif isinstance(statement, ast.Assign):
        if statement.value is not call or len(statement.targets) != 1:
            return False
    else:
        return False
    body = [s for s in hook.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant)
                                           and isinstance(s.value.value, str))]
    if not body:
        return False
    func = call.func
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.attr != "run":
        return False  # a local loop variable would be left behind
    if isinstance(func, ast.Attribute) and func.attr == "run" and isinstance(func.value, ast.Name):
        if ctx.qualify(func) != "asyncio.run":
            return False
    return body[-1] is statement if hook.name == "setUp" else body[0] is statement


def _short(call: ast.Call) -> str:
    text = ast.unparse(call.func)
    return f"{text}(...)"


def _new_async_hook(fixer: FixContext, name: str, statement: cst.BaseStatement, call_super: bool) -> cst.FunctionDef:
    template = fixer.parse_statement(f"async def {name}(self):\n    await super().{name}()\n")
    assert isinstance(template, cst.FunctionDef)
    super_call = template.body.body[0]
    body = [statement]
    if call_super:
        # asyncSetUp: the moved statement ran in setUp, before any base asyncSetUp.
        body = [statement, super_call] if name == "asyncSetUp" else [super_call, statement]
    statement = body[0]
    body[0] = statement.with_changes(leading_lines=[]) if hasattr(statement, "leading_lines") else statement
    return template.with_changes(
        body=template.body.with_changes(body=body),
        leading_lines=[cst.EmptyLine(indent=False)],
    )


def _is_docstring(statement: cst.CSTNode) -> bool:
    return (
        isinstance(statement, cst.SimpleStatementLine)
        and len(statement.body) == 1
        and isinstance(statement.body[0], cst.Expr)
        and isinstance(statement.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    )
