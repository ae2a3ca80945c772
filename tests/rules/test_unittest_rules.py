"""Focused tests for the unittest-structure rules (UT002–UT009): resolution corners and fix interplay.

The generated example tests cover each rule's documented cases; these cover
what is easy to break between rules or across files.
"""

from __future__ import annotations

from pathlib import Path

from helpers import dedent, write_project

from looplint.engine.workspace import Engine
from looplint.rules import all_rules


def lint(tmp_path: Path, files: dict[str, str], path: str = "tests/test_x.py", *, with_fixes: bool = False):
    root = write_project(tmp_path / "project", {k: dedent(v) for k, v in files.items()})
    engine = Engine(all_rules())
    result = engine.check_file(root / path, with_fixes=with_fixes)
    assert result.problem is None, result.problem
    return engine, root / path, result.diagnostics


def codes_at(diagnostics, code: str) -> list[tuple[int, int]]:
    return [(d.range.line, d.range.col + 1) for d in diagnostics if d.code == code]


def test_ut001_and_ut002_fixes_combine_into_one_base_change(tmp_path):
    source = """
        import unittest

        class T(unittest.TestCase):
            async def setUp(self):
                self.value = 42

            async def test_value(self):
                self.assertEqual(self.value, 42)
    """
    engine, path, found = lint(tmp_path, {"tests/test_x.py": source})
    assert {d.code for d in found} >= {"UT001", "UT002"}
    outcome = engine.fix_file_text(path, dedent(source), unsafe=True)
    assert outcome.text == dedent("""
        import unittest

        class T(unittest.IsolatedAsyncioTestCase):
            async def asyncSetUp(self):
                self.value = 42

            async def test_value(self):
                self.assertEqual(self.value, 42)
    """)
    remaining = engine.check_file(path, outcome.text).diagnostics
    assert [d.code for d in remaining if d.code.startswith("UT")] == []


def test_ut002_safe_fix_is_withheld_when_the_async_hook_exists(tmp_path):
    _, _, found = lint(tmp_path, {"tests/test_x.py": """
        import unittest

        class T(unittest.IsolatedAsyncioTestCase):
            async def asyncTearDown(self):
                pass

            async def tearDown(self):
                pass
    """}, with_fixes=True)
    [diagnostic] = [d for d in found if d.code == "UT002"]
    assert diagnostic.fix is None


def test_ut002_fix_is_unsafe_when_it_would_unhide_a_base_hook(tmp_path):
    _, _, found = lint(tmp_path, {
        "tests/base.py": """
            import unittest

            class Base(unittest.IsolatedAsyncioTestCase):
                def setUp(self):
                    self.expensive = True
        """,
        "tests/test_x.py": """
            from tests.base import Base

            class T(Base):
                async def setUp(self):
                    self.cheap = True
        """,
    }, with_fixes=True)
    [diagnostic] = [d for d in found if d.code == "UT002"]
    assert diagnostic.fix is not None and diagnostic.fix.applicability == "unsafe"
    assert "hiding" in diagnostic.reason


def test_ut004_calls_async_setup_through_a_grand_base_in_another_package(tmp_path):
    files = {
        "framework/__init__.py": "from .cases import LoopCase as PublicLoopCase\n",
        "framework/cases.py": """
            import asyncio, unittest

            class LoopCase(unittest.TestCase):
                def setUp(self):
                    asyncio.run(self.asyncSetUp())
        """,
        "tests/base.py": """
            from framework import PublicLoopCase

            class ServiceCase(PublicLoopCase):
                pass
        """,
        "tests/test_x.py": """
            from tests.base import ServiceCase

            class TestService(ServiceCase):
                async def asyncSetUp(self):
                    self.service = 1

                def test_service(self):
                    pass
        """,
    }
    _, _, found = lint(tmp_path, files)
    assert codes_at(found, "UT004") == []


def test_ut004_reports_a_shared_hook_once_at_the_base_that_has_tests(tmp_path):
    _, _, found = lint(tmp_path, {"tests/test_x.py": """
        import unittest

        class Base(unittest.TestCase):
            async def asyncSetUp(self):
                self.value = 1

            def test_base(self):
                pass

        class Child(Base):
            def test_child(self):
                pass
    """})
    assert codes_at(found, "UT004") == [(4, 15)]


def test_ut004_ignores_self_calls_in_nested_classes_and_mixins(tmp_path):
    _, _, found = lint(tmp_path, {"tests/test_x.py": """
        import unittest

        async def close():
            pass

        class CleanupMixin:
            def setUp(self):
                self.addAsyncCleanup(close)

        class T(CleanupMixin, unittest.IsolatedAsyncioTestCase):
            async def test_x(self):
                pass
    """})
    assert codes_at(found, "UT004") == []


def test_ut006_ambiguous_import_is_not_certainly_a_coroutine_function(tmp_path):
    _, _, found = lint(tmp_path, {
        "tests/aio.py": "async def close():\n    pass\n",
        "tests/sync.py": "def close():\n    pass\n",
        "tests/test_x.py": """
            import unittest
            try:
                from tests.aio import close
            except ImportError:
                from tests.sync import close

            class T(unittest.TestCase):
                def setUp(self):
                    self.addCleanup(close)

                def test_x(self):
                    pass
        """,
    })
    assert codes_at(found, "UT006") == []


def test_ut006_partial_of_a_coroutine_function_and_severity_in_isolated_case(tmp_path):
    _, _, found = lint(tmp_path, {"tests/test_x.py": """
        import functools
        import unittest

        async def drop(name):
            pass

        class T(unittest.IsolatedAsyncioTestCase):
            async def asyncSetUp(self):
                self.addCleanup(functools.partial(drop, "db"))

            @classmethod
            def setUpClass(cls):
                cls.addClassCleanup(functools.partial(drop, "db"))
    """}, with_fixes=True)
    by_line = {d.range.line: d for d in found if d.code == "UT006"}
    assert by_line[9].severity.value == "info" and by_line[9].fix.applicability == "safe"
    assert by_line[13].severity.value == "error" and by_line[13].fix is None


def test_ut007_async_mock_and_import_aliases(tmp_path):
    _, _, found = lint(tmp_path, {"tests/test_x.py": """
        import unittest
        from unittest.mock import AsyncMock
        import pytest as pt

        class T(unittest.IsolatedAsyncioTestCase):
            async def test_mock(self):
                fetch = AsyncMock(side_effect=ValueError)
                self.assertRaises(ValueError, fetch)

        async def boom():
            raise ValueError

        def test_alias():
            pt.raises(ValueError, boom)
    """})
    assert codes_at(found, "UT007") == [(8, 9), (14, 5)]


def test_ut007_with_block_reports_every_unawaited_call_and_fixes_them(tmp_path):
    source = """
        import unittest

        async def boom():
            raise ValueError

        class T(unittest.IsolatedAsyncioTestCase):
            async def test_x(self):
                with self.assertRaises(ValueError):
                    if True:
                        boom()
                    boom()
    """
    engine, path, found = lint(tmp_path, {"tests/test_x.py": source})
    [diagnostic] = [d for d in found if d.code == "UT007"]
    assert len(diagnostic.related) == 2
    outcome = engine.fix_file_text(path, dedent(source), only=lambda d: d.code == "UT007")
    assert outcome.text.count("await boom()") == 2


def test_ut008_class_pytestmark_list_is_reported_not_fixed(tmp_path):
    _, _, found = lint(tmp_path, {"tests/test_x.py": """
        import unittest
        import pytest

        class T(unittest.IsolatedAsyncioTestCase):
            pytestmark = [pytest.mark.asyncio, pytest.mark.slow]

            async def test_x(self):
                pass
    """}, with_fixes=True)
    [diagnostic] = [d for d in found if d.code == "UT008"]
    assert (diagnostic.range.line, diagnostic.range.col + 1) == (5, 19)
    assert diagnostic.fix is None


def test_ut008_async_fixture_requested_by_usefixtures(tmp_path):
    _, _, found = lint(tmp_path, {"tests/test_x.py": """
        import unittest
        import pytest
        import pytest_asyncio

        class T(unittest.IsolatedAsyncioTestCase):
            @pytest_asyncio.fixture
            async def server(self):
                yield

            @pytest.mark.usefixtures("server")
            async def test_x(self):
                pass
    """})
    assert codes_at(found, "UT008") == [(6, 6)]


def test_ut009_import_styles_and_runner_context_manager(tmp_path):
    _, _, found = lint(tmp_path, {"tests/test_x.py": """
        import asyncio as aio
        import unittest
        from asyncio import run as arun

        async def make():
            return 1

        class T(unittest.IsolatedAsyncioTestCase):
            def setUp(self):
                self.a = aio.run(make())
                self.b = arun(make())
                with aio.Runner() as runner:
                    self.c = runner.run(make())
                loop = aio.new_event_loop()
                self.d = loop.run_until_complete(make())
                self.e = aio.get_event_loop().run_until_complete(make())
    """}, with_fixes=True)
    diagnostics = [d for d in found if d.code == "UT009"]
    assert [(d.range.line, d.range.col + 1) for d in diagnostics] == [(10, 18), (11, 18), (13, 22), (15, 18)]
    assert all(d.fix is None for d in diagnostics)  # none is the last statement of setUp


def test_ut009_helper_method_of_a_base_in_the_same_file(tmp_path):
    _, _, found = lint(tmp_path, {"tests/test_x.py": """
        import asyncio
        import unittest

        async def make():
            return 1

        class Base(unittest.IsolatedAsyncioTestCase):
            def prepare(self):
                return asyncio.run(make())

        class T(Base):
            def setUp(self):
                self.value = self.prepare()
    """})
    diagnostics = [d for d in found if d.code == "UT009"]
    assert [(d.range.line, d.range.col + 1) for d in diagnostics] == [(13, 22)]
    assert diagnostics[0].related[0].range.line == 9


def test_ut005_module_hook_needs_a_test_module(tmp_path):
    _, _, found = lint(tmp_path, {"app/hooks.py": """
        import unittest

        async def setUpModule():
            pass
    """}, path="app/hooks.py")
    assert codes_at(found, "UT005") == []


def test_ut003_generator_hook_gets_no_fix(tmp_path):
    _, _, found = lint(tmp_path, {"tests/test_x.py": """
        import unittest

        class T(unittest.IsolatedAsyncioTestCase):
            def asyncSetUp(self):
                yield
    """}, with_fixes=True)
    [diagnostic] = [d for d in found if d.code == "UT003"]
    assert diagnostic.fix is None
