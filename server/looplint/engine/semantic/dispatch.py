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
