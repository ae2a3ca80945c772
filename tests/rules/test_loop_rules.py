"""Focused tests for the event-loop rules (LP001–LP008): resolution corners, versions, rule interplay.

The generated example tests cover each rule's documented cases; these cover
what is easy to break: the summary facts behind LP001's helper case, the
"test code" criterion, version-aware wording, and cross-file fixtures/bases.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from helpers import dedent, write_project

from looplint.engine.model import Severity
from looplint.engine.summary import build_summary
from looplint.engine.workspace import Engine, Overrides
from looplint.rules import all_rules


def lint(tmp_path: Path, files: dict[str, str], path: str = "tests/test_x.py", *, settings=None, with_fixes=False):
    root = write_project(tmp_path / "project", {k: dedent(v) for k, v in files.items()}, settings)
    # Without PA001: these async tests have no pytest-asyncio mark, and a test that never runs
    # would tell its body's findings as part of PA001's story (see test_one_story.py).
    engine = Engine(all_rules(), overrides=Overrides(ignore=("PA001",)))
    result = engine.check_file(root / path, with_fixes=with_fixes)
    assert result.problem is None, result.problem
    return engine, root / path, result.diagnostics


def of(diagnostics, code: str):
    return [d for d in diagnostics if d.code == code]


def at(diagnostics, code: str) -> list[tuple[int, int]]:
    return [(d.range.line, d.range.col + 1) for d in of(diagnostics, code)]


def fixed(engine: Engine, path: Path, code: str) -> str:
    return engine.fix_file_text(path, path.read_text(), unsafe=True, only=lambda d: d.code == code).text


def summary_of(source: str):
    return build_summary(ast.parse(dedent(source)), Path("m.py"))


# -- summary facts (engine additions used by LP001/LP003) ---------------------------------------


def test_summary_records_unconditional_run_calls_only():
    summary = summary_of(
        """
        import asyncio
        from asyncio import run

        def always(coro):
            with open("x") as f:
                try:
                    value = run(coro)
                finally:
                    f.close()
            return value

        def guarded(coro):
            if asyncio.get_event_loop().is_running():
                return None
            return asyncio.run(coro)

        def caught(coro):
            try:
                return asyncio.run(coro)
            except RuntimeError:
                return None

        def threaded(coro):
            import threading
            t = threading.Thread(target=lambda: asyncio.run(coro))
            t.start()

        def wrapper(coro):
            "doc"
            return asyncio.run(coro)
        """
    )
    functions = summary.functions
    assert [c[0] for c in functions["always"].unconditional_runs] == ["run"]
    assert functions["guarded"].unconditional_runs == ()
    assert functions["caught"].unconditional_runs == ()
    assert functions["threaded"].unconditional_runs == ()
    assert functions["wrapper"].thin_run_wrapper == "coro"
    assert functions["always"].thin_run_wrapper is None


def test_summary_sets_event_loop_ignores_none():
    summary = summary_of(
        """
        import asyncio

        def installs():
            asyncio.set_event_loop(asyncio.new_event_loop())

        def unsets():
            asyncio.set_event_loop(None)
        """
    )
    assert summary.functions["installs"].sets_event_loop is True
    assert summary.functions["unsets"].sets_event_loop is False


# -- LP001 ------------------------------------------------------------------------------------------


def test_lp001_helper_method_inherited_from_a_base_in_another_file(tmp_path):
    files = {
        "tests/__init__.py": "",
        "tests/base.py": """
            import asyncio as aio
            import unittest

            class Base(unittest.IsolatedAsyncioTestCase):
                def run_sync(self, coro):
                    return aio.run(coro)
        """,
        "tests/test_x.py": """
            from tests.base import Base

            class T(Base):
                async def test_a(self):
                    self.assertEqual(self.run_sync(fetch()), 1)
        """,
    }
    engine, path, found = lint(tmp_path, files)
    assert at(found, "LP001") == [(5, 26)]
    diagnostic = of(found, "LP001")[0]
    assert diagnostic.related and diagnostic.related[0].path.name == "base.py"
    assert "await fetch()" in fixed(engine, path, "LP001")


def test_lp001_helper_that_is_async_or_guarded_is_quiet(tmp_path):
    files = {
        "tests/test_x.py": """
            import asyncio

            async def helper(coro):
                return await coro

            def maybe(coro):
                try:
                    asyncio.get_running_loop()
                except RuntimeError:
                    return asyncio.run(coro)
                raise RuntimeError("use await")

            async def test_a():
                await helper(fetch())
                maybe
        """,
    }
    _, _, found = lint(tmp_path, files)
    assert of(found, "LP001") == []


def test_lp001_fix_keeps_the_surrounding_expression(tmp_path):
    files = {
        "tests/test_x.py": """
            import asyncio

            async def test_a():
                value = asyncio.run(fetch())["key"]
                other = [asyncio.run(fetch()) for _ in range(2)]
        """,
    }
    engine, path, found = lint(tmp_path, files)
    assert len(of(found, "LP001")) == 2
    text = fixed(engine, path, "LP001")
    assert "value = (await fetch())[\"key\"]" in text
    assert "other = [await fetch() for _ in range(2)]" in text
    ast.parse(text)


# -- LP003 --------------------------------------------------------------------------------------------

_SETUP = """
    import asyncio
    import unittest

    class T(unittest.TestCase):
        def setUp(self):
            self.loop = asyncio.get_event_loop()
"""


@pytest.mark.parametrize(
    "version,severity,words",
    [
        (None, Severity.WARNING, "RuntimeError on Python 3.14+ when no loop is set"),
        ("3.11", Severity.WARNING, "RuntimeError on Python 3.11"),
        ("3.13", Severity.WARNING, "DeprecationWarning on Python 3.13"),
        ("3.14", Severity.ERROR, "Python 3.14 raises RuntimeError"),
    ],
)
def test_lp003_wording_and_severity_follow_the_target_python(tmp_path, version, severity, words):
    settings = {"python-version": version} if version else None
    _, _, found = lint(tmp_path, {"tests/test_x.py": _SETUP}, settings=settings)
    (diagnostic,) = of(found, "LP003")
    assert diagnostic.severity == severity
    assert words in diagnostic.message


def test_lp003_reads_python_version_file_through_engine_versions(tmp_path):
    files = {"tests/test_x.py": _SETUP, ".python-version": "3.12\n"}
    _, _, found = lint(tmp_path, files)
    (diagnostic,) = of(found, "LP003")
    assert "Python 3.12" in diagnostic.message


def test_lp003_autouse_fixture_in_conftest_that_sets_the_loop(tmp_path):
    files = {
        "tests/conftest.py": """
            import asyncio
            import pytest

            @pytest.fixture(autouse=True)
            def loop():
                loop = asyncio.new_event_loop()
                asyncio.set_event_loop(loop)
                yield loop
                loop.close()
        """,
        "tests/sub/test_x.py": """
            import asyncio

            def test_a():
                asyncio.get_event_loop().run_until_complete(fetch())
        """,
    }
    _, _, found = lint(tmp_path, files, "tests/sub/test_x.py")
    assert of(found, "LP003") == []


def test_lp003_setup_in_a_base_class_elsewhere_that_sets_the_loop(tmp_path):
    files = {
        "tests/__init__.py": "",
        "tests/base.py": """
            import asyncio
            import unittest

            class LoopCase(unittest.TestCase):
                def setUp(self):
                    self.loop = asyncio.new_event_loop()
                    asyncio.set_event_loop(self.loop)
        """,
        "tests/test_x.py": """
            import asyncio
            from tests.base import LoopCase

            class T(LoopCase):
                def test_a(self):
                    asyncio.get_event_loop().run_until_complete(fetch())
        """,
    }
    _, _, found = lint(tmp_path, files)
    assert of(found, "LP003") == []


@pytest.mark.parametrize(
    "path,imports,expected",
    [
        ("tests/helpers/loops.py", "import asyncio\n", False),  # a folder name says nothing
        ("test_framework/loops.py", "import asyncio\nimport unittest\n", True),
        ("src/app/testing_support.py", "import asyncio\nimport pytest\n", True),
        ("src/app/service.py", "import asyncio\nfrom unittest import mock\n", False),
        ("src/app/service.py", "import asyncio\n", False),
        ("src/app/check_test.py", "import asyncio\n", True),
    ],
)
def test_lp003_test_code_criterion(tmp_path, path, imports, expected):
    """Test support by content: collected names, test framework imports (not just mock)."""
    source = imports + "\ndef helper():\n    return asyncio.get_event_loop().run_until_complete(work())\n"
    root = write_project(tmp_path / "project", {path: source})
    result = Engine(all_rules()).check_file(root / path)
    assert bool(of(result.diagnostics, "LP003")) is expected


def test_lp003_a_module_test_modules_import_is_test_support(tmp_path):
    source = "import asyncio\n\ndef helper():\n    return asyncio.get_event_loop().run_until_complete(work())\n"
    files = {"support/loops.py": source, "tests/test_x.py": "from support.loops import helper\n"}
    root = write_project(tmp_path / "project", files)
    result = Engine(all_rules()).check_file(root / "support/loops.py")
    assert len(of(result.diagnostics, "LP003")) == 1
    alone = write_project(tmp_path / "alone", {"support/loops.py": source})
    assert of(Engine(all_rules()).check_file(alone / "support/loops.py").diagnostics, "LP003") == []


def test_lp003_and_lp005_do_not_report_the_same_call(tmp_path):
    files = {"tests/test_x.py": "import asyncio\n\nLOOP = asyncio.get_event_loop()\n"}
    _, _, found = lint(tmp_path, files)
    assert at(found, "LP005") == [(3, 8)]
    assert of(found, "LP003") == []


def test_lp003_fix_turns_an_e20_setup_into_a_private_loop(tmp_path):
    engine, path, found = lint(tmp_path, {"tests/test_x.py": _SETUP}, with_fixes=True)
    (diagnostic,) = of(found, "LP003")
    assert diagnostic.fix is not None and diagnostic.fix.applicability == "unsafe"
    text = fixed(engine, path, "LP003")
    assert "self.loop = asyncio.new_event_loop()\n        self.addCleanup(self.loop.close)\n" in text
    # LP004 is satisfied by the same fix: the loop it introduces is closed.
    again = Engine(all_rules()).check_file(path, text)
    assert of(again.diagnostics, "LP004") == [] and of(again.diagnostics, "LP003") == []


# -- LP004 ------------------------------------------------------------------------------------------------


def test_lp004_loop_closed_in_a_sibling_class_of_the_file_is_trusted(tmp_path):
    files = {
        "tests/test_x.py": """
            import asyncio
            import unittest

            class Base(unittest.TestCase):
                def tearDown(self):
                    self.loop.close()

            class T(Base):
                def setUp(self):
                    self.loop = asyncio.new_event_loop()
        """,
    }
    _, _, found = lint(tmp_path, files)
    assert of(found, "LP004") == []


def test_lp004_fix_in_a_fixture_with_code_after_yield(tmp_path):
    files = {
        "tests/conftest.py": """
            import asyncio
            import pytest

            @pytest.fixture
            def client():
                loop = asyncio.new_event_loop()
                client = loop.run_until_complete(connect())
                yield client
                loop.run_until_complete(client.aclose())
        """,
    }
    engine, path, found = lint(tmp_path, files, "tests/conftest.py")
    assert at(found, "LP004") == [(6, 12)]
    text = fixed(engine, path, "LP004")
    assert text.endswith(
        "    try:\n"
        "        client = loop.run_until_complete(connect())\n"
        "        yield client\n"
        "        loop.run_until_complete(client.aclose())\n"
        "    finally:\n"
        "        loop.close()\n"
    )


# -- LP006 ------------------------------------------------------------------------------------------------


def test_lp006_class_attribute_used_by_a_subclass_in_the_same_file(tmp_path):
    files = {
        "tests/test_x.py": """
            import asyncio
            import unittest

            class Base(unittest.IsolatedAsyncioTestCase):
                queue = asyncio.Queue()

            class T(Base):
                async def test_a(self):
                    await self.queue.put(1)

                async def test_b(self):
                    await self.queue.get()
        """,
    }
    _, _, found = lint(tmp_path, files)
    assert at(found, "LP006") == [(5, 13)]
    assert "intermittent" in of(found, "LP006")[0].message


# -- LP007 ------------------------------------------------------------------------------------------------


def test_lp007_auto_mode_from_pyproject(tmp_path):
    files = {
        "pyproject.toml": '[tool.pytest.ini_options]\nasyncio_mode = "auto"\n',
        "tests/test_x.py": """
            import asyncio

            async def test_a():
                asyncio.get_running_loop().close()
        """,
    }
    _, _, found = lint(tmp_path, files)
    assert at(found, "LP007") == [(4, 5)]


def test_lp007_strict_mode_without_marks_is_not_managed(tmp_path):
    files = {
        "tests/test_x.py": """
            import asyncio

            async def helper():
                asyncio.get_running_loop().close()

            def test_a():
                asyncio.get_event_loop().close()
        """,
    }
    _, _, found = lint(tmp_path, files)
    assert of(found, "LP007") == []


def test_lp007_unset_is_quiet_when_pytest_asyncio_is_known_to_restore_it(tmp_path):
    source = """
        import asyncio
        import pytest_asyncio

        def test_a():
            asyncio.set_event_loop(None)
    """
    _, _, found = lint(tmp_path, {"tests/test_x.py": source, "requirements.txt": "pytest-asyncio==1.5.0\n"})
    assert of(found, "LP007") == []
    _, _, found = lint(tmp_path / "old", {"tests/test_x.py": source, "requirements.txt": "pytest-asyncio==1.0.0\n"})
    assert [d.severity for d in of(found, "LP007")] == [Severity.WARNING]
    _, _, found = lint(tmp_path / "unknown", {"tests/test_x.py": source})
    assert [d.severity for d in of(found, "LP007")] == [Severity.WARNING]


# -- LP008 ------------------------------------------------------------------------------------------------


def test_lp008_fixture_override_is_info_with_an_old_pytest_asyncio(tmp_path):
    files = {
        "requirements.txt": "pytest-asyncio==1.3.0\n",
        "tests/conftest.py": """
            import pytest

            @pytest.fixture
            def event_loop_policy(request):
                return request.param
        """,
    }
    _, _, found = lint(tmp_path, files, "tests/conftest.py")
    assert [(d.range.line, d.severity) for d in of(found, "LP008")] == [(4, Severity.INFO)]
