"""How a test class runs its tests, from its whole MRO — the one answer every rule and the hover use."""

from __future__ import annotations

from dataclasses import dataclass

from ..project import ClassModel

UNITTEST = "unittest"  # a plain unittest.TestCase: coroutine test methods are never awaited
ISOLATED = "isolated"  # IsolatedAsyncioTestCase: a loop per test, async hooks awaited
ASYNC_AWARE = "async-aware"  # a known framework base (Django, aiounittest, tornado) or a configured one
CUSTOM = "custom"  # the class chain takes over how tests run (__init_subclass__, a metaclass, run(), ...)
NOT_A_TESTCASE = "not-a-testcase"  # a plain class: pytest collects and runs it (if named Test*)
UNKNOWN = "unknown"  # a base looplint cannot resolve


@dataclass(frozen=True)
class Dispatch:
    kind: str
    runs_async_tests: bool | None  # None: cannot tell
    why: str  # markdown, for the hover

    @property
    def is_plain_unittest(self) -> bool:
        return self.kind == UNITTEST


def class_dispatch(model: ClassModel) -> Dispatch:
    chain = f"`{model.describe_chain()}`"
    if model.is_isolated:
        return Dispatch(ISOLATED, True, f"{chain}: an `IsolatedAsyncioTestCase` awaits async tests and hooks")
    if model.broken_base:
        return Dispatch(ASYNC_AWARE, True, f"{chain}: `{model.broken_base}` runs async tests (where it still imports)")
    if model.async_aware_base:
        return Dispatch(ASYNC_AWARE, True, f"{chain}: `{model.async_aware_base}` runs async tests itself")
    if model.custom_dispatch:
        return Dispatch(CUSTOM, True, f"{chain}: {model.custom_dispatch}")
    if model.unknown_bases:
        unknown = ", ".join(f"`{base}`" for base in model.unknown_bases)
        return Dispatch(UNKNOWN, None, f"{chain}: looplint cannot see into {unknown}")
    if model.is_testcase:
        return Dispatch(
            UNITTEST, False,
            f"{chain}: a plain `unittest.TestCase`, whose runner calls async test methods without awaiting them",
        )
    return Dispatch(NOT_A_TESTCASE, None, f"{chain}: not a `unittest.TestCase`; pytest runs its tests")


# Project overrides of the machinery that calls hooks: a base that defines one of these decides
# itself how (and whether) hooks are awaited.
HOOK_DISPATCH = frozenset({"_callSetUp", "_callTearDown", "_callAsync", "_callMaybeAsync", "_callCleanup"})
RUNS_ISOLATED = "isolated"
RUNS_SYNC = "sync"


def runner_kind(model: ClassModel | None) -> str | None:
    """How unittest drives this class's hooks and tests: RUNS_ISOLATED, RUNS_SYNC, or None (unknown).

    RUNS_ISOLATED needs IsolatedAsyncioTestCase certainly in the MRO; RUNS_SYNC a certain plain
    unittest.TestCase with no unknown, async-aware or custom base. A project class that overrides the
    hook dispatch makes both unknown."""
    if model is None or any(name in model.methods for name in HOOK_DISPATCH):
        return None
    if model.is_isolated is True:
        return RUNS_ISOLATED
    if model.is_plain_sync_testcase:
        return RUNS_SYNC
    return None
