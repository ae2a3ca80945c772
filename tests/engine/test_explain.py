"""The hover text for a definition: what the semantic model knows of a class (how it runs its tests,
through its whole MRO, in other files) and of a function (its role, its effects with the call chain)."""

from __future__ import annotations

from helpers import dedent, write_project

from looplint.engine.workspace import Engine
from looplint.rules import all_rules

_FILES = {
    "support/__init__.py": "",
    "support/base.py": dedent("""
        import asyncio
        import unittest

        def run_now(coro):
            return asyncio.run(coro)

        def run_soon(coro):
            return run_now(coro)

        class Rewriting(unittest.TestCase):
            def __init_subclass__(cls, **kwargs):
                super().__init_subclass__(**kwargs)
                for name, value in list(vars(cls).items()):
                    if name.startswith("test") and asyncio.iscoroutinefunction(value):
                        setattr(cls, name, lambda self, f=value: asyncio.run(f(self)))
        """),
    "tests/test_x.py": dedent("""
        import unittest
        from support.base import Rewriting, run_soon

        class TestPlain(unittest.TestCase):
            async def test_a(self):
                pass

        class TestRewritten(Rewriting):
            async def test_b(self):
                pass

        class TestIsolated(unittest.IsolatedAsyncioTestCase):
            async def test_c(self):
                pass

        def helper():
            return run_soon(None)
        """),
}


def _explain(tmp_path, line: int) -> str | None:
    root = write_project(tmp_path / "p", _FILES)
    return Engine(all_rules()).explain_definition(root / "tests/test_x.py", line)


def _line(name: str) -> int:
    return next(n for n, text in enumerate(_FILES["tests/test_x.py"].splitlines(), 1) if name in text)


def test_a_plain_testcase_never_runs_its_async_tests(tmp_path):
    text = _explain(tmp_path, _line("class TestPlain"))
    assert text is not None and "never run" in text and "TestPlain" in text


def test_a_base_in_another_file_that_rewrites_tests_runs_them_its_own_way(tmp_path):
    text = _explain(tmp_path, _line("class TestRewritten"))
    assert text is not None and "never run" not in text
    assert "__init_subclass__" in text, text


def test_isolated_asyncio_testcase_runs_them(tmp_path):
    text = _explain(tmp_path, _line("class TestIsolated"))
    assert text is not None and "async tests run" in text


def test_a_helper_two_calls_from_asyncio_run_shows_the_chain(tmp_path):
    text = _explain(tmp_path, _line("def helper"))
    assert text is not None and "asyncio.run" in text
    assert "run_soon" in text and "run_now" in text, text


def test_nothing_is_said_of_a_line_without_a_definition(tmp_path):
    assert _explain(tmp_path, _line("import unittest")) is None


def test_a_buffer_that_does_not_parse_gets_no_text(tmp_path):
    root = write_project(tmp_path / "p", _FILES)
    assert Engine(all_rules()).explain_definition(root / "tests/test_x.py", 1, text="class (:\n") is None


def test_hovers_on_one_version_of_a_buffer_parse_it_once(tmp_path, monkeypatch):
    import looplint.engine.checker as checker

    root = write_project(tmp_path / "p", _FILES)
    engine = Engine(all_rules())
    text = _FILES["tests/test_x.py"]
    parses = []
    real = checker.parse_module
    monkeypatch.setattr(checker, "parse_module", lambda *a, **k: parses.append(1) or real(*a, **k))
    for name in ("class TestPlain", "class TestRewritten", "def helper"):
        assert engine.explain_definition(root / "tests/test_x.py", _line(name), text=text)
    assert len(parses) == 1
    edited = text.replace("class TestPlain(unittest.TestCase)", "class TestPlain(unittest.IsolatedAsyncioTestCase)")
    assert "async tests run" in engine.explain_definition(root / "tests/test_x.py", _line("class TestPlain"), text=edited)
    assert len(parses) == 2
