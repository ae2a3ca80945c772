"""One story per test: what a body that never runs would do wrong is told by the finding that says it never runs."""

from __future__ import annotations

from helpers import dedent, write_project

from looplint.engine.workspace import Engine
from looplint.rules import all_rules

_BASE = """
    import unittest

    class Base(unittest.TestCase):
        pass
"""
_TEST = """
    import asyncio
    import pytest
    from tests.base import Base

    class TestAgent(Base):
        @pytest.mark.asyncio
        async def test_reply(self):
            asyncio.run(asyncio.sleep(0))
            asyncio.get_event_loop().run_until_complete(asyncio.sleep(0))

        def test_sync(self):
            asyncio.get_event_loop()
"""


def _check(tmp_path, files, path="tests/test_agent.py", **engine_options):
    root = write_project(tmp_path / "p", {name: dedent(text) for name, text in files.items()})
    return Engine(all_rules(), **engine_options).check_file(root / path).diagnostics


def test_a_test_that_never_runs_tells_what_its_body_would_do(tmp_path):
    found = _check(tmp_path, {"tests/__init__.py": "", "tests/base.py": _BASE, "tests/test_agent.py": _TEST})
    codes = sorted((d.code, d.range.line) for d in found)
    # UT001 says the body never runs; UT008 is about the decorator, outside the body.
    assert ("UT001", 7) in codes and ("UT008", 6) in codes
    assert [c for c in codes if c[1] in (8, 9)] == []  # nothing reported inside the dead body
    (primary,) = [d for d in found if d.code == "UT001"]
    folded = [r for r in primary.related if r.message.startswith("if it ran:")]
    assert {r.range.line for r in folded} == {8, 9}
    assert any("LP001" in r.message for r in folded) and any("LP002" in r.message for r in folded)


def test_findings_outside_the_dead_body_stay(tmp_path):
    found = _check(tmp_path, {"tests/__init__.py": "", "tests/base.py": _BASE, "tests/test_agent.py": _TEST})
    assert ("LP003", 12) in {(d.code, d.range.line) for d in found}  # the sync test runs


def test_a_suppressed_primary_folds_nothing(tmp_path):
    test = _TEST.replace("async def test_reply(self):", "async def test_reply(self):  # noqa: UT001")
    found = _check(tmp_path, {"tests/__init__.py": "", "tests/base.py": _BASE, "tests/test_agent.py": test})
    assert "UT001" not in {d.code for d in found}
    assert {"LP001", "LP002"} <= {d.code for d in found if d.range.line in (8, 9)}
