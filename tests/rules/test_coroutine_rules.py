"""Focused tests for the coroutine-misuse rules (CO001-CO006): resolution across files,
mocks, where `await` may go, and the fixes' precedence handling."""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest
from helpers import dedent, write_project

from looplint.engine.fixer import FixContext
from looplint.engine.model import Diagnostic, Range, Severity
from looplint.engine.workspace import Engine
from looplint.rules import all_rules
from looplint.rules import _coroutines as co


def lint(tmp_path: Path, files: dict[str, str], path: str, code: str):
    root = write_project(tmp_path / "p", {k: dedent(v) for k, v in files.items()})
    engine = Engine([rule for rule in all_rules() if rule.code == code])
    result = engine.check_file(root / path, with_fixes=True)
    assert result.problem is None, result.problem
    found = [d for d in result.diagnostics if d.code == code]
    return engine, root / path, found


def positions(found):
    return [(d.range.line, d.range.col + 1) for d in found]


def fixed(engine: Engine, path: Path, code: str, unsafe: bool = True) -> str:
    return engine.fix_file_text(path, path.read_text(), unsafe=unsafe, only=lambda d: d.code == code).text


# -- CO001 / resolution -------------------------------------------------------------------


def test_co001_resolution_across_files_and_aliases(tmp_path):
    files = {
        "pkg/__init__.py": "from .impl import fetch as public_fetch\n",
        "pkg/impl.py": "async def fetch():\n    return 1\n\ndef sync():\n    return 2\n",
        "tests/test_a.py": """
            import pkg
            from pkg import public_fetch
            from pkg import impl as i

            async def test_x():
                public_fetch()
                pkg.public_fetch()
                i.fetch()
                i.sync()
        """,
    }
    _, _, found = lint(tmp_path, files, "tests/test_a.py", "CO001")
    assert positions(found) == [(6, 5), (7, 5), (8, 5)]


def test_co001_ambiguous_import_needs_every_option_async(tmp_path):
    files = {
        "a.py": "async def go():\n    pass\n",
        "b.py": "def go():\n    pass\n",
        "c.py": "async def go():\n    pass\n",
        "tests/test_amb.py": """
            try:
                from a import go
            except ImportError:
                from b import go
            try:
                from a import go as both_async
            except ImportError:
                from c import go as both_async

            async def test_x():
                go()
                both_async()
        """,
    }
    _, _, found = lint(tmp_path, files, "tests/test_amb.py", "CO001")
    assert positions(found) == [(12, 5)]


def test_co001_super_hooks_and_unknown_bases(tmp_path):
    files = {
        "tests/test_super.py": """
            import unittest
            from somewhere import UnknownBase

            class Direct(unittest.IsolatedAsyncioTestCase):
                async def asyncSetUp(self):
                    super().asyncSetUp()

            class Unknown(UnknownBase, unittest.IsolatedAsyncioTestCase):
                async def asyncSetUp(self):
                    super().asyncSetUp()
        """,
    }
    engine, path, found = lint(tmp_path, files, "tests/test_super.py", "CO001")
    assert positions(found) == [(6, 9)]  # an unknown base may override asyncSetUp
    assert "await super().asyncSetUp()" in fixed(engine, path, "CO001")


def test_co001_async_mock_members(tmp_path):
    files = {
        "tests/test_m.py": """
            from unittest.mock import AsyncMock, MagicMock

            class Client:
                async def get(self):
                    return 1
                def close(self):
                    pass

            async def test_x():
                m = AsyncMock()
                m.child.method()
                m.close = MagicMock()
                m.close()
                specced = AsyncMock(spec=Client)
                specced.close()
                m.return_value.anything()
        """,
    }
    _, _, co001 = lint(tmp_path, files, "tests/test_m.py", "CO001")
    _, _, co005 = lint(tmp_path / "again", files, "tests/test_m.py", "CO005")
    assert co001 == []  # AsyncMock calls belong to CO005
    # only the plain child is certainly an AsyncMock: the reassigned, spec'd and return_value ones are not
    assert positions(co005) == [(11, 5)]


def test_co001_dropped_assignment_but_not_when_used(tmp_path):
    files = {
        "tests/test_d.py": """
            import asyncio

            async def job():
                return 1

            async def test_x():
                a = job()
                b = job()
                c = job()
                d: object = job()
                tasks = {c}
                await asyncio.wait_for(b, 1)
                def later():
                    return a
                await asyncio.gather(*tasks)
                return later
        """,
    }
    _, _, found = lint(tmp_path, files, "tests/test_d.py", "CO001")
    assert positions(found) == [(10, 17)]
    assert "assigned to `d`" in found[0].message


def test_co001_sync_sleep_only_unsafe_and_only_with_one_argument(tmp_path):
    files = {
        "tests/test_s.py": """
            import asyncio

            def test_a():
                asyncio.sleep(1)

            def test_b():
                asyncio.sleep(1, result=2)
        """,
    }
    engine, path, found = lint(tmp_path, files, "tests/test_s.py", "CO001")
    assert positions(found) == [(4, 5), (7, 5)]
    assert found[0].fix is not None and found[0].fix.applicability == "unsafe"
    assert found[1].fix is None
    assert fixed(engine, path, "CO001", unsafe=False) == path.read_text()
    assert "    time.sleep(1)\n" in fixed(engine, path, "CO001")


def test_co001_class_body_inside_async_def_cannot_await(tmp_path):
    files = {
        "tests/test_c.py": """
            async def job():
                return 1

            async def test_x():
                class Local:
                    job()
        """,
    }
    _, _, found = lint(tmp_path, files, "tests/test_c.py", "CO001")
    assert positions(found) == [(6, 9)]
    assert found[0].fix is None


# -- CO002 --------------------------------------------------------------------------------


def test_co002_list_comprehension_may_await_but_generator_may_not(tmp_path):
    files = {
        "tests/test_cmp.py": """
            async def ok(x):
                return True

            async def test_x():
                assert [x for x in range(3) if ok(x)]
                assert any(True for x in range(3) if ok(x))
                assert {x: 1 for x in range(3) if not ok(x)}
        """,
    }
    engine, path, found = lint(tmp_path, files, "tests/test_cmp.py", "CO002")
    assert positions(found) == [(5, 36), (6, 42), (7, 43)]
    assert [d.fix is not None for d in found] == [True, False, True]
    text = fixed(engine, path, "CO002")
    assert "if await ok(x)]" in text and "if not await ok(x)}" in text and "if ok(x))" in text


def test_co002_bool_op_last_operand_only_when_tested(tmp_path):
    files = {
        "tests/test_b.py": """
            async def ok():
                return True

            async def test_x(flag):
                value = flag and ok()
                if flag and ok():
                    pass
                assert not (flag or ok())
                await value
        """,
    }
    _, _, found = lint(tmp_path, files, "tests/test_b.py", "CO002")
    assert positions(found) == [(6, 17), (8, 25)]


def test_co002_assert_is_instance_is_a_real_check(tmp_path):
    files = {
        "tests/test_i.py": """
            import collections.abc, unittest

            async def ok():
                return True

            class T(unittest.IsolatedAsyncioTestCase):
                async def test_x(self):
                    c = ok()
                    self.assertIsInstance(ok(), collections.abc.Coroutine)
                    self.assertIsNone(ok())
                    await c
        """,
    }
    _, _, found = lint(tmp_path, files, "tests/test_i.py", "CO002")
    assert positions(found) == [(10, 27)]


# -- the await fix and precedence -----------------------------------------------------------


@pytest.mark.parametrize(
    "source,expected",
    [
        ("x = job().value\n", "x = (await job()).value\n"),
        ("x = job()[0]\n", "x = (await job())[0]\n"),
        ("x = job()()\n", "x = (await job())()\n"),
        ("x = -job()\n", "x = -await job()\n"),
        ("x = not job()\n", "x = not await job()\n"),
        ("x = job() ** 2\n", "x = await job() ** 2\n"),
        ("x = (job()).value\n", "x = (await (job())).value\n"),
    ],
)
def test_insert_await_precedence(source, expected):
    fixer = FixContext(source)
    start = source.index("job()")
    diagnostic = Diagnostic(
        code="CO001", name="x", message="", severity=Severity.ERROR, path=Path("t.py"),
        range=Range(1, start, 1, start + len("job()")),
    )
    co.insert_await(fixer, diagnostic)
    rendered = fixer.render()
    assert rendered == expected
    cst.parse_module(rendered)


# -- CO003 --------------------------------------------------------------------------------


def test_co003_two_dangling_tasks_get_distinct_names(tmp_path):
    files = {
        "tests/test_t.py": """
            import asyncio

            async def a():
                return 1

            async def test_x():
                asyncio.create_task(a())
                asyncio.ensure_future(a())
                return None
        """,
    }
    engine, path, found = lint(tmp_path, files, "tests/test_t.py", "CO003")
    assert positions(found) == [(7, 5), (8, 5)]
    assert fixed(engine, path, "CO003") == dedent("""
        import asyncio

        async def a():
            return 1

        async def test_x():
            task = asyncio.create_task(a())
            task_2 = asyncio.ensure_future(a())
            await task_2
            await task
            return None
    """)


def test_co003_only_in_test_code(tmp_path):
    files = {
        "tests/test_h.py": """
            import asyncio

            async def a():
                return 1

            async def helper():
                asyncio.create_task(a())

            def test_sync():
                loop = asyncio.new_event_loop()
                loop.create_task(a())
                loop.close()

            class TestX:
                async def test_m(self):
                    asyncio.get_running_loop().create_task(a())
        """,
    }
    _, _, found = lint(tmp_path, files, "tests/test_h.py", "CO003")
    assert positions(found) == [(16, 9)]


# -- CO004 --------------------------------------------------------------------------------


def test_co004_conftest_helpers_count_support_modules_do_not(tmp_path):
    helper = """
        import time

        async def wait_ready():
            time.sleep(0.5)
    """
    files = {"tests/conftest.py": helper, "tests/support.py": helper}
    _, _, in_conftest = lint(tmp_path, files, "tests/conftest.py", "CO004")
    _, _, in_support = lint(tmp_path / "b", files, "tests/support.py", "CO004")
    assert positions(in_conftest) == [(4, 5)]
    assert in_support == []


def test_co004_fix_parenthesises_and_reuses_imports(tmp_path):
    files = {
        "tests/test_f.py": """
            import asyncio as aio
            import time

            async def test_x():
                x = [time.sleep(0.1)]
                return x
        """,
    }
    engine, path, found = lint(tmp_path, files, "tests/test_f.py", "CO004")
    assert positions(found) == [(5, 10)]
    assert "x = [await aio.sleep(0.1)]" in fixed(engine, path, "CO004")


# -- CO005 --------------------------------------------------------------------------------


def test_co005_patch_decorators_map_parameters_bottom_up(tmp_path):
    files = {
        "app.py": "async def send(m):\n    return m\n\ndef log(m):\n    return m\n\nclass Box:\n    async def put(self):\n        pass\n",
        "tests/test_p.py": """
            import unittest
            from unittest import mock
            import app

            class T(unittest.TestCase):
                @mock.patch("app.send")
                @mock.patch("app.log")
                @mock.patch.object(app.Box, "put")
                def test_x(self, put, log, send):
                    put()
                    log()
                    send()
        """,
    }
    _, _, found = lint(tmp_path, files, "tests/test_p.py", "CO005")
    assert positions(found) == [(10, 9), (12, 9)]


def test_co005_mock_in_setup_awaited_in_another_method(tmp_path):
    files = {
        "app.py": "class Repo:\n    async def load(self):\n        return 1\n",
        "tests/test_s.py": """
            import unittest
            from unittest.mock import Mock
            from app import Repo

            class T(unittest.IsolatedAsyncioTestCase):
                def setUp(self):
                    self.repo = Repo()
                    self.repo.load = Mock(return_value=1)

                async def test_a(self):
                    self.assertEqual(await self.repo.load(), 1)
        """,
    }
    engine, path, found = lint(tmp_path, files, "tests/test_s.py", "CO005")
    assert positions(found) == [(8, 26)]
    assert found[0].fix is not None and found[0].fix.applicability == "safe"
    assert "self.repo.load = AsyncMock(return_value=1)" in fixed(engine, path, "CO005", unsafe=False)


# -- CO006 --------------------------------------------------------------------------------


def test_co006_plain_testcase_and_unknown_decorators(tmp_path):
    files = {
        "tests/test_g.py": """
            import unittest
            import pytest
            from lib import wrap

            class T(unittest.TestCase):
                async def test_a(self):
                    yield

                @pytest.mark.slow
                async def test_b(self):
                    yield

                @wrap
                async def test_c(self):
                    yield
        """,
    }
    _, _, found = lint(tmp_path, files, "tests/test_g.py", "CO006")
    assert positions(found) == [(6, 15), (10, 15)]


def test_module_resolution_cache_follows_new_files(tmp_path):
    """A coroutine function in a module created after the first check is found once the project is told."""
    root = write_project(tmp_path / "p", {"tests/test_late.py": dedent("""
        from app import fetch

        async def test_x():
            fetch()
    """)})
    engine = Engine([rule for rule in all_rules() if rule.code == "CO001"])
    path = root / "tests/test_late.py"
    assert [d for d in engine.check_file(path).diagnostics if d.code == "CO001"] == []
    (root / "app.py").write_text("async def fetch():\n    return 1\n")
    engine.project_for(path).invalidate(root / "app.py")
    assert positions([d for d in engine.check_file(path).diagnostics if d.code == "CO001"]) == [(4, 5)]
