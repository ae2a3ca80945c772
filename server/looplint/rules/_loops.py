"""Helpers shared by the event-loop rules (LP001–LP008).

The questions those rules keep asking:
- which loop does an expression hold (`loop_kind`: the current, the running,
  or a fresh one), and which calls run a loop to completion (`runner_call`);
- which Python does the project target (`target_python`); whether this file is test code
  (`is_test_code`, the semantic model's test support);
- what role does the enclosing function play (`function_role`: a unittest hook,
  a pytest test or fixture, a helper) and did something set a current loop
  before it runs (`loop_was_set`);
- fix building blocks: `await` replacements, statements inserted after an
  assignment, and "wrap the rest of the function in try/finally".
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from ..engine.fixer import cst  # libcst, imported when a fix is built

from ..engine import knowledge
from ..engine.pytest_model import project_pytest
from ..engine.versions import pin_phrase
from ..engine.semantic import effects
from ..engine.checker import FileContext
from ..engine.fixer import FixContext, FixUnavailable
from ..engine.model import Range, Related
from ..engine.semantic.roles import (  # noqa: F401 (the role model, asked by the LP rules through here)
    MODULE_HOOKS,
    PYTEST_CLASS_HOOKS,
    PYTEST_METHOD_HOOKS,
    UNITTEST_CLASS_HOOKS,
    UNITTEST_HOOKS,
    Role,
    enclosing_role as function_role,
    fixture_of,
    is_test_support as is_test_code,
)
from ..engine.summary import FixtureSummary, FunctionSummary, ModuleSummary
from ..engine.symbols import External, Instance, ProjectFunction
from ._unittest import walk_body

RUN_LOOP_ATTRS = frozenset({"run_until_complete", "run_forever"})
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)

# -- what an expression is -------------------------------------------------------


def loop_kind(ctx: FileContext, expr: ast.AST) -> str | None:
    """"current", "running" or "new" when `expr` certainly holds such a loop (see knowledge.LOOP_FACTORY_KINDS).

    Follows calls (`asyncio.get_event_loop()`), names bound once to one
    (`loop = asyncio.new_event_loop()` in the enclosing function or at module
    level) and `self.<attr>` assigned in setUp/setUpClass or the class body.
    """
    symbol = ctx.resolve(expr)
    if isinstance(symbol, Instance) and isinstance(symbol.of, External):
        return knowledge.LOOP_FACTORY_KINDS.get(symbol.of.qualname)
    return None


def runner_call(ctx: FileContext, call: ast.Call) -> str | None:
    """The loop runner a call is: "asyncio.run", "asyncio.Runner.run" or "anyio.run" (None otherwise)."""
    func = call.func
    if isinstance(func, ast.Name) or (isinstance(func, ast.Attribute) and func.attr == "run"):
        qualified = ctx.qualify(func)
        if qualified in ("asyncio.run", "anyio.run", "asyncio.Runner.run"):
            return qualified
    if isinstance(func, ast.Attribute) and func.attr == "run" and isinstance(func.value, ast.Name):
        # `with asyncio.Runner() as runner: runner.run(...)`
        bound = local_binding(ctx, func.value.id)
        if isinstance(bound, ast.withitem) and isinstance(bound.context_expr, ast.Call):
            if ctx.qualify(bound.context_expr.func) == "asyncio.Runner":
                return "asyncio.Runner.run"
    return None


def local_binding(ctx: FileContext, name: str) -> ast.AST | None:
    """What a name is bound to in the enclosing functions, when bound exactly once there."""
    for scope in ctx.function_chain():
        if name in ctx.params_of(scope.node):
            return None
        values = ctx.locals_of(scope.node).get(name)
        if values is None:
            continue
        return values[0] if len(values) == 1 else None
    return None


def is_none(node: ast.AST | None) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def call_name(ctx: FileContext, call: ast.Call) -> str:
    """How the call's callee reads in the source (for messages)."""
    return ast.unparse(call.func)


# -- where we are ---------------------------------------------------------------

def at_import_time(ctx: FileContext) -> bool:
    """Is the current node evaluated when the module is imported (module level, class body, default value)?"""
    if ctx.function is not None:
        return False
    for parent in ctx.parents:
        if isinstance(parent, ast.If) and _is_main_guard(parent.test):
            return False
    return True


def _is_main_guard(test: ast.AST) -> bool:
    return (
        isinstance(test, ast.Compare)
        and isinstance(test.left, ast.Name)
        and test.left.id == "__name__"
        and len(test.comparators) == 1
        and isinstance(test.comparators[0], ast.Constant)
        and test.comparators[0].value == "__main__"
    )


def inside_async(ctx: FileContext) -> bool:
    """Inside an `async def`, directly or through nested defs/lambdas (callbacks run inside its loop)."""
    return any(scope.is_async for scope in ctx.function_chain())


# -- the Python version the project targets -----------------------------------------


def target_python(ctx: FileContext) -> tuple[int, int] | None:
    """(major, minor) of the Python checked against: a `target` python, else `python-version`,
    else the project's own metadata (all through `engine.versions.project_versions`).

    When the metadata cannot tell, the version is unknown and the rules word their
    messages for every version.
    """
    cached = ctx.state.get("_loops.python")
    if cached is None:
        cached = _detected_python(ctx) or _parse_version(ctx.settings.python_version) or ()
        ctx.state["_loops.python"] = cached
    return cached or None


def _parse_version(value) -> tuple[int, int] | None:
    if isinstance(value, tuple) and len(value) >= 2 and all(isinstance(v, int) for v in value[:2]):
        return value[0], value[1]
    if not isinstance(value, str):
        return None
    match = re.match(r"\s*(?:py|cp)?(\d+)\.?(\d+)", value)
    return (int(match.group(1)), int(match.group(2))) if match else None


def _detected_python(ctx: FileContext) -> tuple[int, int] | None:
    found = project_versions(ctx)
    info = found.python if found is not None else None
    if info is None:
        return None
    if info.exact:
        return _parse_version(info.exact)
    if info.kind in ("python-version-file", "override", "interpreter", "target"):
        return _parse_version(info.spec)
    return None  # a requires-python range: several versions, word the message for all


def project_versions(ctx: FileContext):
    """The versions checked against (the project's, with any `target` in place), shared with the
    pytest model (`engine.versions.project_versions`); None if detection failed."""
    if "_loops.versions" not in ctx.state:
        try:
            found = project_pytest(ctx.project).versions
        except Exception:  # a detection problem must never break checking
            found = None
        ctx.state["_loops.versions"] = found
    return ctx.state["_loops.versions"]


def older_python(ctx: FileContext, version: tuple[int, int] | None, newer: tuple[int, int]) -> str | None:
    """For code that changes behaviour from Python `newer` on, checked against an older `version`: how the
    project comes to use that version ("this project uses Python 3.11 (.python-version)"), for the
    upgrade note; None when the version is unknown or already `newer`."""
    if version is None or version >= newer:
        return None
    found = project_versions(ctx)
    return pin_phrase(found.python if found is not None else None)


def pytest_asyncio_at_least(ctx: FileContext, version: str) -> bool | None:
    """Does the project certainly use pytest-asyncio >= version (True), certainly not (False), or unknown (None)?"""
    found = project_versions(ctx)
    info = found.pytest_asyncio if found is not None else None
    return info.satisfies(f">={version}") if info is not None else None


# -- the enclosing function's role ------------------------------------------------------

SETUP_ORDER = {  # hooks that run before a method of the given name (their current loop stays set)
    "setUpClass": (),
    "setup_class": (),
    "setUp": ("setUpClass",),
    "setup_method": ("setup_class",),
    "tearDownClass": ("setUpClass",),
    "teardown_class": ("setup_class",),
}
_BEFORE_ANY_TEST = ("setUpClass", "setUp", "setup_class", "setup_method")



# -- was a current loop set before this code runs? -----------------------------------------


def set_loop_calls(ctx: FileContext, function: ast.AST) -> list[tuple[int, int]]:
    """Positions of the calls in a function body that install a current loop (cached):
    `asyncio.set_event_loop(<not None>)`, or a call of a sync project function that does so itself
    or through what it calls (`aio.get_or_make_loop()`)."""
    cache = ctx.state.setdefault("_loops.set_calls", {})
    key = id(function)
    if key not in cache:
        found = []
        for node in walk_body(function):
            if not isinstance(node, ast.Call):
                continue
            if (_is_set_loop(ctx, node) and node.args and not is_none(node.args[0])) or _installs_loop(ctx, node):
                found.append((node.lineno, node.col_offset))
        cache[key] = sorted(found)
    return cache[key]


def _installs_loop(ctx: FileContext, call: ast.Call) -> bool:
    """A call of a sync project function whose effects include setting the current loop."""
    if not isinstance(call.func, (ast.Name, ast.Attribute)):
        return False
    symbol = ctx.resolve(call.func)
    if not isinstance(symbol, ProjectFunction):
        return False
    summary = ctx.project.function_summary(symbol)
    if summary is None or summary.is_async:
        return False  # calling an `async def` runs nothing
    return effects.function_effects(ctx, symbol).get(effects.SETS_LOOP) is not None


def _is_set_loop(ctx: FileContext, call: ast.Call) -> bool:
    func = call.func
    last = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None
    if last != "set_event_loop":
        return False
    qualified = ctx.qualify(func)
    return qualified in ("asyncio.set_event_loop", "asyncio.get_event_loop_policy.set_event_loop")


def module_sets_loop(ctx: FileContext) -> list[tuple[int, int]]:
    """Positions of module-level `set_event_loop(<loop>)` calls (top-level statements only)."""
    cached = ctx.state.get("_loops.module_set")
    if cached is None:
        found = []
        statements = ctx.tree.body if "set_event_loop" in ctx.source.text else []
        for statement in statements:
            if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                continue
            for node in ast.walk(statement):
                if isinstance(node, ast.Call) and _is_set_loop(ctx, node) and node.args and not is_none(node.args[0]):
                    found.append((node.lineno, node.col_offset))
        for name in ("setUpModule", "setup_module"):
            function = ctx.summary.functions.get(name)
            if function is not None and function.sets_event_loop:
                found.append((0, 0))
        cached = sorted(found)
        ctx.state["_loops.module_set"] = cached
    return cached


def loop_was_set(ctx: FileContext, call: ast.AST, role: Role | None) -> str | None:
    """Why a current loop is certainly set when `call` runs (None: nothing says so).

    Code that installs its own loop first (`asyncio.set_event_loop(loop)` earlier
    in the same function, in a hook that runs before it, in a requested or
    autouse fixture, or at module level) gets that loop from get_event_loop().
    """
    position = (call.lineno, call.col_offset)
    if any(p < position for p in module_sets_loop(ctx)):
        return "the module sets a current loop at import"
    function = ctx.function
    if function is not None and any(p < position for p in set_loop_calls(ctx, function.node)):
        return "the function sets its own current loop first"
    if role is None:
        return None
    if role.model is not None:
        before = SETUP_ORDER.get(role.name, _BEFORE_ANY_TEST if role.kind != "class-hook" else ())
        for hook in before:
            # Any definition in the chain counts: an override usually calls super().
            for class_name, path, _, _ in role.model.chain_locations:
                summary = ctx.project.summary(path)
                owner = summary.classes.get(class_name) if summary else None
                method = owner.methods.get(hook) if owner else None
                if method is not None and method.sets_event_loop:
                    return f"`{class_name}.{hook}` sets a current loop first"
    if role.kind in ("fixture", "test"):
        params = set(role.fixture.params) if role.fixture is not None else {a.arg for a in role.function.args.args}
        if "event_loop" in params:
            return "it requests the `event_loop` fixture (pytest-asyncio < 1.0 sets that loop as current)"
        for fixture, function_summary in visible_fixtures(ctx):
            if function_summary is None or not function_summary.sets_event_loop:
                continue
            if fixture.name in params or fixture.autouse:
                return f"fixture `{fixture.name}` sets a current loop first"
        return _requested_fixture_sets_loop(ctx, role)
    return None


def _requested_fixture_sets_loop(ctx: FileContext, role: Role) -> str | None:
    """A fixture the test or fixture requests — directly, through usefixtures, autouse or another
    fixture, in a conftest or a plugin module — that installs a current loop (itself, or through the
    functions it calls: `asyncio.set_event_loop`, tornado's `IOLoop.current()`)."""
    model = pytest_model_of(ctx)
    cls = role.cls.name if role.cls is not None else None
    if role.kind == "test":
        item = model.test_for(role.function)
        if item is None:
            return None
        closure = model.closure(item)
    else:
        closure = model.closure_of([(name, "parameter") for name in role.fixture.params], cls)  # type: ignore[union-attr]
    for definition in closure.definitions:
        fixture = definition.fixture
        symbol = ProjectFunction(definition.path, fixture.func_name, fixture.class_name)
        evidence = effects.function_effects(ctx, symbol).get(effects.SETS_LOOP)
        if evidence is not None:
            return f"fixture `{fixture.name}` sets a current loop first ({evidence.describe_chain() or evidence.detail})"
    return None


def pytest_model_of(ctx: FileContext):
    from ..engine.pytest_model import PytestModel

    return PytestModel.of(ctx)


def visible_fixtures(ctx: FileContext) -> list[tuple[FixtureSummary, FunctionSummary | None]]:
    """Fixtures of this module and of the conftest.py files above it, with their function summaries."""
    cached = ctx.state.get("_loops.fixtures")
    if cached is None:
        cached = [(f, _fixture_function(ctx.summary, f)) for f in ctx.summary.fixtures]
        for conftest in conftests_above(ctx):
            summary = ctx.project.summary(conftest)
            if summary is not None:
                cached.extend((f, _fixture_function(summary, f)) for f in summary.fixtures)
        ctx.state["_loops.fixtures"] = cached
    return cached


def conftests_above(ctx: FileContext) -> list[Path]:
    """conftest.py files from the file's folder up to the project root (the file itself excluded)."""
    found = []
    directory = ctx.path.parent
    root = ctx.project.root
    while True:
        candidate = directory / "conftest.py"
        if candidate != ctx.path and candidate.is_file():
            found.append(candidate)
        if directory == root or directory.parent == directory or root not in directory.parents:
            break
        directory = directory.parent
    return found


def _fixture_function(summary: ModuleSummary, fixture: FixtureSummary) -> FunctionSummary | None:
    if fixture.class_name is None:
        return summary.functions.get(fixture.func_name)
    cls = summary.classes.get(fixture.class_name)
    return cls.methods.get(fixture.func_name) if cls else None


# -- pytest-asyncio and nest_asyncio ---------------------------------------------------------


def uses_pytest_asyncio(ctx: FileContext) -> bool:
    """Does pytest-asyncio manage loops in this module? (conservative, cached)

    Yes when the module imports pytest_asyncio, carries an `asyncio` mark
    (module `pytestmark`, a class or a function), or runs under
    `asyncio_mode = auto` with async tests or fixtures of its own.
    """
    cached = ctx.state.get("_loops.pa")
    if cached is None:
        cached = _uses_pytest_asyncio(ctx)
        ctx.state["_loops.pa"] = cached
    return cached


def _uses_pytest_asyncio(ctx: FileContext) -> bool:
    summary = ctx.summary
    if not pytest_model_of(ctx).asyncio_installed:
        return False  # the project's test dependencies are known and lack pytest-asyncio
    for bindings in summary.imports.values():
        if any(b.module.split(".")[0] == "pytest_asyncio" and not b.level for b in bindings):
            return True
    if any(fixture.decorator == "pytest_asyncio.fixture" for fixture in summary.fixtures):
        return True
    marks = list(summary.module_marks)
    for cls in summary.classes.values():
        marks.extend(cls.marks)
        for method in cls.methods.values():
            marks.extend(summary.qualify(d) or d for d in method.decorators)
    for function in summary.functions.values():
        marks.extend(summary.qualify(d) or d for d in function.decorators)
    if any(mark == "pytest.mark.asyncio" for mark in marks):
        return True
    has_async = any(f.is_async and f.name.startswith("test") for f in summary.functions.values()) or any(
        f.is_async for f in summary.fixtures
    )
    return has_async and _asyncio_mode(ctx) == "auto"


def _asyncio_mode(ctx: FileContext) -> str | None:
    try:
        from ..engine.pytest_config import find_pytest_config
    except ImportError:  # pragma: no cover
        return None
    try:
        return find_pytest_config(ctx.path, stop_at=ctx.project.root).asyncio_mode
    except Exception:  # configuration problems are CF rules' business
        return None


def nest_asyncio_applied(ctx: FileContext) -> bool:
    """Does this module or a conftest.py above it import nest_asyncio? (then nested runs work)"""
    cached = ctx.state.get("_loops.nest")
    if cached is None:
        summaries = [ctx.summary] + [ctx.project.summary(p) for p in conftests_above(ctx)]
        cached = any(
            summary is not None
            and any(b.module.split(".")[0] == "nest_asyncio" for bs in summary.imports.values() for b in bs)
            for summary in summaries
        )
        ctx.state["_loops.nest"] = cached
    return cached


# -- version wording ----------------------------------------------------------------------------


def no_current_loop_outlook(version: tuple[int, int] | None) -> tuple[str, str]:
    """(short message tail, markdown) for `get_event_loop()` without a current loop, per target version."""
    if version is None:
        return (
            "RuntimeError on Python 3.14+ when no loop is set, and on every version once an earlier test unset "
            "the current loop (DeprecationWarning on 3.12-3.13)",
            "- **every version (3.10–3.15 run here):** `RuntimeError: There is no current event loop in thread "
            "'MainThread'.` once anything earlier in the process called `set_event_loop(None)`: `asyncio.run()`, "
            "an `IsolatedAsyncioTestCase` test, pytest-asyncio ≥ 1.4 after an async test. The failure depends on "
            "test order.\n"
            "- **3.12, 3.13:** `DeprecationWarning: There is no current event loop` when no loop is set.\n"
            "- **3.14, 3.15 (3.14.10 and 3.15.2 run here):** `RuntimeError: There is no current event loop in "
            "thread 'MainThread'.` whenever no loop is set, even in a test that runs alone.",
        )
    label = f"{version[0]}.{version[1]}"
    if version >= (3, 14):
        return (
            f"Python {label} raises RuntimeError when no loop is set",
            f"- **Python {label} (your target):** `get_event_loop()` raises `RuntimeError: There is no current "
            "event loop in thread 'MainThread'.` whenever no loop is set (seen on 3.14.10 and 3.15.2), even in a "
            "test that runs alone.",
        )
    if version >= (3, 12):
        return (
            f"DeprecationWarning on Python {label}, RuntimeError once an earlier test unset the loop",
            f"- **Python {label} (your target):** `DeprecationWarning: There is no current event loop` when no "
            "loop is set, and `RuntimeError: There is no current event loop in thread 'MainThread'.` once an "
            "earlier test (an `IsolatedAsyncioTestCase`, `asyncio.run()`, pytest-asyncio ≥ 1.4) unset it.",
        )
    return (
        f"RuntimeError on Python {label} once an earlier test unset the current loop",
        f"- **Python {label} (your target):** no warning on current patch releases, but `RuntimeError: There is "
        "no current event loop in thread 'MainThread'.` once an earlier test (an `IsolatedAsyncioTestCase`, "
        "`asyncio.run()`, pytest-asyncio ≥ 1.4) unset the loop: the result depends on test order.",
    )


# -- fixes ----------------------------------------------------------------------------------------


def awaited(fixer: FixContext, target: cst.CSTNode, expression: cst.BaseExpression) -> cst.BaseExpression:
    """`await <expression>` to stand where `target` stands (parenthesised where a primary is needed)."""
    node = cst.Await(expression=expression)
    parent = fixer.parent(target)
    needs_parens = (
        isinstance(parent, cst.Attribute) and parent.value is target
        or isinstance(parent, cst.Subscript) and parent.value is target
        or isinstance(parent, cst.Call) and parent.func is target
        or isinstance(parent, cst.Await)
        or isinstance(parent, cst.BinaryOperation) and isinstance(parent.operator, cst.Power) and parent.left is target
    )
    if needs_parens:
        node = node.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
    return node


def statement_in_body(fixer: FixContext, call: cst.CSTNode) -> tuple[cst.SimpleStatementLine, cst.IndentedBlock]:
    """The statement holding `call`, when it sits directly in a function body (else FixUnavailable)."""
    statement = fixer.statement_of(call)
    block = fixer.parent(statement)
    if not isinstance(statement, cst.SimpleStatementLine) or not isinstance(block, cst.IndentedBlock):
        raise FixUnavailable("the assignment is not a simple statement")
    if not isinstance(fixer.parent(block), cst.FunctionDef):
        raise FixUnavailable("the assignment is not directly in the function body")
    return statement, block


def insert_after_assignment(fixer: FixContext, range: Range, code: str) -> None:
    """Insert `code` (one statement) right after the statement holding the call at `range`."""
    call = fixer.find(range, cst.Call)
    statement, _ = statement_in_body(fixer, call)
    fixer.insert_after(statement, fixer.parse_statement(code + fixer.module.default_newline))


def wrap_rest_in_finally(fixer: FixContext, range: Range, close_code: str, *, return_to_yield: bool) -> None:
    """Put everything after the statement holding the call into `try: ... finally: <close_code>`.

    With `return_to_yield` (a return-style pytest fixture), a final
    `return <value>` becomes `yield <value>` so that the loop outlives the
    fixture's value until teardown.
    """
    call = fixer.find(range, cst.Call)
    statement, block = statement_in_body(fixer, call)
    function = fixer.parent(block)
    index = next(i for i, item in enumerate(block.body) if item is statement)
    rest = list(block.body[index + 1:])
    if not rest:
        raise FixUnavailable("nothing follows the assignment")
    if _contains(rest[:-1], (cst.Return,)):
        raise FixUnavailable("an early return")
    last = rest[-1]
    if return_to_yield:
        if _contains([function.body], (cst.Yield,)):
            return_to_yield = False
        elif (
            isinstance(last, cst.SimpleStatementLine)
            and len(last.body) == 1
            and isinstance(last.body[0], cst.Return)
            and last.body[0].value is not None
        ):
            value = last.body[0].value
            rest[-1] = last.with_changes(body=[cst.Expr(cst.Yield(value=value))])
        else:
            raise FixUnavailable("a fixture that does not end with `return <value>`")
    elif _contains(rest, (cst.Return,)):
        raise FixUnavailable("a return inside the code to wrap")
    rest_before = rest

    def change(updated: cst.IndentedBlock) -> cst.IndentedBlock:
        body = list(updated.body)
        kept = body[: index + 1]
        wrapped = body[index + 1:]
        if return_to_yield:
            wrapped[-1] = rest_before[-1]
        first = wrapped[0]
        leading = getattr(first, "leading_lines", ())
        if leading:
            wrapped[0] = first.with_changes(leading_lines=())
        try_node = cst.Try(
            body=cst.IndentedBlock(body=wrapped),
            finalbody=cst.Finally(body=cst.IndentedBlock(body=[fixer.parse_statement(close_code + "\n")])),
            leading_lines=leading,
        )
        return updated.with_changes(body=[*kept, try_node])

    fixer.replace(block, change)


def _contains(nodes, types) -> bool:
    """Does any of `nodes` contain a node of `types` (not looking into nested defs, classes, lambdas)?"""
    found = []

    class Finder(cst.CSTVisitor):
        def on_visit(self, node: cst.CSTNode) -> bool:
            if isinstance(node, types):
                found.append(node)
                return False
            return not isinstance(node, (cst.FunctionDef, cst.ClassDef, cst.Lambda))

    for node in nodes:
        items = node.body if isinstance(node, cst.IndentedBlock) else [node]
        for item in items:
            item.visit(Finder())
            if found:
                return True
    return False


def target_code(target: ast.AST) -> str | None:
    """`self.loop` / `cls.loop` / `loop` as written, for the names the fixes use."""
    if isinstance(target, ast.Name):
        return target.id
    if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and target.value.id in ("self", "cls"):
        return f"{target.value.id}.{target.attr}"
    return None


def assigned_target(ctx: FileContext, call: ast.Call) -> ast.AST | None:
    """The single target (`loop`, `self.loop`) a call's value is assigned to, if the call is the whole value."""
    parent = ctx.parent
    if isinstance(parent, ast.Assign) and parent.value is call and len(parent.targets) == 1:
        return parent.targets[0]
    if isinstance(parent, ast.AnnAssign) and parent.value is call and parent.simple:
        return parent.target
    return None


def project_function_summary(ctx: FileContext, symbol) -> FunctionSummary | None:
    if isinstance(symbol, ProjectFunction):
        return ctx.project.function_summary(symbol)
    return None


# -- a sync helper, any number of calls away, that runs a loop -----------------------------------

# Decorators that leave a helper a plain function called directly.
_NEUTRAL_DECORATORS = frozenset({"staticmethod", "classmethod"})


def helper_runs_loop(ctx: FileContext, node: ast.Call) -> tuple[effects.Evidence, "ProjectFunction"] | None:
    """For a call of a sync project function: the evidence that it runs an event loop on every path
    (itself, or through the functions it calls, in any module), with the function called."""
    func = node.func
    if not isinstance(func, (ast.Name, ast.Attribute)):
        return None
    names = ctx.reachable_names("sync-function", _is_sync)
    if names is not None and (func.attr if isinstance(func, ast.Attribute) else func.id) not in names:
        return None  # no sync project function is reachable under that name
    symbol = ctx.resolve(func)
    if not isinstance(symbol, ProjectFunction):
        return None
    helper = ctx.project.function_summary(symbol)
    if helper is None or helper.is_async or any(d not in _NEUTRAL_DECORATORS for d in helper.decorators):
        return None
    evidence = effects.call_effects(ctx, node, awaited=False).get(effects.RUNS_LOOP)
    if evidence is None or not evidence.always or len(evidence.chain) < 2:
        return None  # a runner called directly is the rules' own case
    return evidence, symbol


def _is_sync(function) -> bool:
    return not function.is_async


def chain_related(evidence: effects.Evidence, last: str) -> list[Related]:
    """Related locations for each call of an effect's chain after the first (the primitive last)."""
    primitive = evidence.chain[-1]
    return [
        Related(step.path, Range(step.line, step.col, step.line, step.end_col),
                last if step is primitive else f"calls `{step.text}()`")
        for step in evidence.chain[1:]
    ]
