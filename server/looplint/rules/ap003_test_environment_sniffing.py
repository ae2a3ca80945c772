"""AP003: code that detects "am I under pytest?" to pick an event-loop strategy."""

from __future__ import annotations

import ast

from ..engine import knowledge
from ..engine.checker import FileContext
from ..engine.fixer import FixContext
from ..engine.model import Diagnostic
from ._migrate import SEED_BASE, SEED_BASE_MIGRATED, SEED_TEST, base_migration_report, migrate_base
from ..engine.model import Severity
from ..engine.semantic import effects
from ..engine.rule import Invalid, Rule, Valid

# What a guarded branch does that makes the sniffing matter: run, nest or hop loops.
_LOOP_STRATEGY_NAMES = frozenset(
    {*knowledge.LOOP_RUNNING_CALLS, "asyncio.new_event_loop", "asyncio.set_event_loop",
     *(f"{m}.apply" for m in knowledge.NEST_ASYNCIO_MODULES), *knowledge.THREAD_HOPS}
)
_LOOP_STRATEGY_ATTRS = frozenset({"run_until_complete", "run_in_executor", "submit"})


class TestEnvironmentSniffing(Rule):
    __test__ = False  # not a pytest test class, despite the name
    code = "AP003"
    name = "test-environment-sniffing"
    severity = Severity.INFO
    summary = "Code detects whether it runs under pytest to choose how to run the event loop."
    message = "{text}"
    fix_safety = "unsafe"
    fix_edits_elsewhere = True  # its migration reads and edits other statements (helpers, imports, bases)
    fix_title = "Make the bridging base an IsolatedAsyncioTestCase and drop its asyncSetUp bridge"
    tokens = ("pytest", "PYTEST", "unittest")
    # ...and something that runs, nests or hops loops in the guarded code.
    also_tokens = ("asyncio", "anyio", "trio", "run_until_complete", "new_event_loop", "Thread", "Executor")
    no_runtime_symptom = (
        "nothing fails: the code simply takes a different event-loop path under tests than in production, "
        "so the tests no longer exercise the production path."
    )
    explanation = """
    `"pytest" in sys.modules`, `os.environ.get("PYTEST_CURRENT_TEST")`,
    `inspect.stack()` filename checks or `"pytest" in sys.argv[0]` used to
    decide between `asyncio.run`, `run_until_complete`, `nest_asyncio`, a new
    event loop or a worker thread make the code behave differently under
    tests than in production: the tests pass on a path users never take.
    The checks are also brittle: `"pytest" in sys.modules` is true in any
    process that merely imported pytest, and pytest documents that the
    content of `PYTEST_CURRENT_TEST` "shouldn't be relied on for scripting or
    automation".

    ### How to fix
    Inject the runner (or the loop) instead of guessing, or make the API
    async and let the caller await it:

    ```python
    def sync_call(coro, run=asyncio.run):   # tests pass their own runner
        return run(coro)
    ```

    Reported (info) anywhere in the project: an `if`/conditional expression
    whose test checks for pytest or unittest through `sys.modules`,
    `sys.argv`, `os.environ`/`os.getenv` or `inspect.stack()` (directly, or
    through a module-level flag or a small function returning such a check)
    and whose branches run, nest or hop event loops. Not reported: the same
    checks guarding anything else (logging, config), and environment checks
    that do not name a test runner (`CI`, `DEBUG`).
    """

    def visit_If(self, node: ast.If, ctx: FileContext) -> None:
        branches = node.body + node.orelse
        if node.body and isinstance(node.body[-1], (ast.Return, ast.Raise)) and not node.orelse:
            branches = branches + _following(node, ctx)
        self._check(node.test, branches, ctx)

    def visit_IfExp(self, node: ast.IfExp, ctx: FileContext) -> None:
        self._check(node.test, [node.body, node.orelse], ctx)

    def _check(self, test: ast.AST, branches: list[ast.AST], ctx: FileContext) -> None:
        found = self._sniff(test, ctx)
        if found is None:
            return
        where, how = found
        strategy = _loop_strategy(ctx, branches)
        if strategy is None:
            return
        ctx.report(
            self,
            where,
            fields={"text": f"Event-loop strategy chosen by detecting the test runner ({how}): tests take a "
                            "different path than production"},
            reason=(
                f"The condition detects the test runner ({how}) and the guarded code uses `{strategy}`, so under "
                "tests the event loop is driven differently than in production."
            ),
            **base_migration_report(ctx),
        )

    # -- finding the sniff --------------------------------------------------------------
    def _sniff(self, test: ast.AST, ctx: FileContext) -> tuple[ast.AST, str] | None:
        """The check, directly, through a name bound to one, or any number of calls away."""
        return effects.sniff(ctx, test)

    def fix(self, fixer: FixContext, diagnostic: Diagnostic) -> None:
        migrate_base(fixer, diagnostic.data)  # offered only inside a bridging base (see _migrate)

    examples = (
        Invalid(
            # Inside the base that runs asyncSetUp through this helper: the fix is the base's migration,
            # which removes the helper (nothing else uses it).
            files={"test_framework/__init__.py": "", "test_example.py": SEED_TEST.replace("__SENTINEL__\n        ", "")},
            path="test_framework/base.py",
            source=SEED_BASE,
            at=(15, 8),
            unsafe=True,
            fixed=SEED_BASE_MIGRATED,
        ),
        Invalid(
            path="mylib/compat.py",
            source=(
                "import sys\nimport nest_asyncio\n\n"
                "if 'pytest' in sys.modules:\n"
                "    nest_asyncio.apply()\n"
            ),
            at=(4, 4),
            end=(4, 27),
        ),
        Invalid(
            path="mylib/runner.py",
            source=(
                "import asyncio, os\n\n"
                "def run(coro):\n"
                "    if os.environ.get('PYTEST_CURRENT_TEST'):\n"
                "        loop = asyncio.new_event_loop()\n"
                "        return loop.run_until_complete(coro)\n"
                "    return asyncio.run(coro)\n"
            ),
            at=(4, 8),
        ),
        Invalid(
            # A module-level flag from inspect.stack(), and a helper function on sys.argv.
            path="mylib/bridge.py",
            source=(
                "import asyncio, inspect, sys, threading\n\n"
                "IN_TESTS = any('pytest' in f.filename for f in inspect.stack())\n\n"
                "def _under_pytest():\n"
                "    return 'pytest' in sys.argv[0]\n\n"
                "def call(coro):\n"
                "    if IN_TESTS:\n"
                "        return asyncio.run(coro)\n"
                "    if not _under_pytest():\n"
                "        return None\n"
                "    threading.Thread(target=asyncio.run, args=(coro,)).start()\n"
            ),
            at=((9, 8), (11, 12)),
        ),
        Invalid(
            path="mylib/pick.py",
            source=(
                "import asyncio, os\n\n"
                "def runner():\n"
                "    return asyncio.run if 'PYTEST_CURRENT_TEST' in os.environ else None\n"
            ),
            at=(4, 27),
        ),
        Valid(
            path="mylib/log.py",
            source=(
                "import logging, os, sys\n\n"
                "if 'pytest' in sys.modules:\n"
                "    logging.disable(logging.INFO)\n"
                "if os.environ.get('CI'):\n"
                "    import asyncio\n"
                "    asyncio.run(asyncio.sleep(0))\n"
            ),
            why="sniffing that guards no loop strategy; environment checks that name no test runner",
        ),
        Valid(
            path="mylib/text.py",
            source=(
                "import asyncio\n\n"
                "def run(coro, argv):\n"
                "    if 'pytest' in argv:\n"
                "        return asyncio.run(coro)\n"
            ),
            why="a string check on a value that is not a process-environment source",
        ),
    )


def _loop_strategy(ctx: FileContext, branches: list[ast.AST]) -> str | None:
    for branch in branches:
        for sub in effects.walk_local(branch):
            if isinstance(sub, ast.Attribute) and sub.attr in _LOOP_STRATEGY_ATTRS:
                return sub.attr
            if isinstance(sub, (ast.Name, ast.Attribute)):
                qualified = ctx.qualify(sub)
                if qualified in _LOOP_STRATEGY_NAMES:
                    return qualified
            if isinstance(sub, (ast.Import, ast.ImportFrom)):
                modules = [a.name for a in sub.names] if isinstance(sub, ast.Import) else [sub.module or ""]
                if any(m.split(".")[0] in knowledge.NEST_ASYNCIO_MODULES for m in modules):
                    return "nest_asyncio"
            if isinstance(sub, ast.Call):
                # A helper that runs or hops loops, one or more calls away.
                found = effects.call_effects(ctx, sub, awaited=False)
                for effect in _STRATEGY_EFFECTS:
                    if effect in found:
                        evidence = found[effect]
                        return f"{evidence.detail}` through `{evidence.chain[0].text}()"
    return None


_STRATEGY_EFFECTS = (effects.RUNS_LOOP, effects.BRIDGES, effects.SETS_LOOP)


def _following(node: ast.stmt, ctx: FileContext) -> list[ast.stmt]:
    parent = ctx.parent
    for field in ("body", "orelse", "finalbody"):
        block = getattr(parent, field, None)
        if isinstance(block, list) and node in block:
            return block[block.index(node) + 1:]
    return []
