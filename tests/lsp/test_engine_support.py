"""The small engine additions the language server relies on."""

from __future__ import annotations

import pytest

from helpers import dedent, write_project
from looplint.engine.settings import ConfigError, Settings, load_settings, parse_settings_text
from looplint.engine.workspace import Engine, Overrides
from looplint.rules import all_rules

UT001_SOURCE = dedent(
    """
    import unittest

    class T(unittest.TestCase):
        async def test_x(self):
            pass
    """
)


def test_lenient_engine_keeps_checking_with_a_broken_config(tmp_path):
    root = write_project(tmp_path, {"tests/test_x.py": UT001_SOURCE}, settings={"select": ["UT001"], "bogus": 1})
    strict = Engine(all_rules())
    with pytest.raises(ConfigError):
        strict.check_file(root / "tests/test_x.py")

    lenient = Engine(all_rules(), lenient_config=True)
    result = lenient.check_file(root / "tests/test_x.py")
    assert [d.code for d in result.diagnostics] == ["UT001"]
    error = lenient.config_error(root.resolve())
    assert error is not None and error.key == "bogus" and error.line == 4  # "", header, select, bogus

    # Fixing the file and reloading clears the error.
    (root / "pyproject.toml").write_text('[tool.looplint]\nselect = ["UT001"]\n')
    lenient.reload_settings()
    assert lenient.config_error(root.resolve()) is None


def test_overrides_replace_or_extend_ignore():
    project = Settings(ignore=("UT001",))
    assert Overrides(ignore=("CO",)).apply(project).ignore == ("UT001", "CO")
    assert Overrides(ignore=("CO",), replace_ignore=True).apply(project).ignore == ("CO",)
    assert Overrides(ignore=(), replace_ignore=True).apply(project).ignore == ()


def test_parse_settings_text_matches_load_settings(tmp_path):
    codes = [r.code for r in all_rules()]
    text = '[tool.looplint]\nignore = ["UT001"]\nseverity = { UT001 = "warning" }\n'
    path = tmp_path / "pyproject.toml"
    path.write_text(text)
    assert parse_settings_text(path, text, codes) == load_settings(path, codes)
    with pytest.raises(ConfigError) as info:
        parse_settings_text(path, '[tool.looplint]\n\nselect = "UT001"\n', codes)
    assert (info.value.line, info.value.key) == (3, "select")


# -- speed-ups made for the server's latency: each must not change a result ----------------------

import ast  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

from looplint.engine import checker as checker_module  # noqa: E402
from looplint.engine import project as project_module  # noqa: E402
from looplint.engine.source import Source, SourceError, read_source  # noqa: E402
from looplint.engine.summary import build_summary  # noqa: E402
from looplint.engine.symbols import ProjectClass  # noqa: E402

TRICKY_BINDINGS = dedent(
    """
    import os.path as osp, json

    async def f(a, *rest):
        x = 1
        y: int
        z: int = 2
        x += 1
        (p, [q, *r]) = pair()
        for i, j in items():
            k = i
        else:
            e = 3
        async for m in stream():
            pass
        with open(a) as fh, ctx() as (u, v):
            import sys
        async with lock() as held:
            while cond():
                w = 1
        try:
            t = 1
        except ValueError as err:
            h = 2
        else:
            els = 1
        finally:
            fin = 1
        EXCEPT_STAR
        match command():
            case [first, *others]:
                inner = first
            case _:
                pass
        def nested():
            hidden = 1
        class Inner:
            also_hidden = 1
        lam = lambda: (unbound := 1)
        comp = [c for c in range(3)]
        return x
    """
)
# `except*` is Python 3.11+ syntax.
TRICKY_BINDINGS = TRICKY_BINDINGS.replace(
    "    EXCEPT_STAR\n",
    "    try:\n        pass\n    except* TypeError as group:\n        pass\n" if sys.version_info >= (3, 11) else "",
)


def _sample_functions():
    """Functions of real test files (CPython's own Lib/test) plus a tricky one, none using `:=`."""
    sources = [TRICKY_BINDINGS.replace("(unbound := 1)", "1")]
    corpus = Path(os.__file__).parent / "test"
    for path in sorted(corpus.glob("test_*.py"))[:80]:
        try:
            sources.append(read_source(path).text)
        except SourceError:
            continue
    for text in sources:
        if ":=" in text:
            continue
        try:
            tree = ast.parse(text)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                yield node


def _shape(bindings):
    return {name: sorted(id(v) for v in values) for name, values in bindings.items()}


def test_statement_bindings_equal_the_full_walk_without_walrus():
    count = 0
    for function in _sample_functions():
        full, fast = {}, {}
        checker_module._all_bindings(full, function)
        checker_module._statement_bindings(fast, function.body)
        assert _shape(fast) == _shape(full), ast.unparse(function)[:300]
        count += 1
    assert count > 1000


def test_locals_of_still_sees_walrus_bindings(tmp_path):
    root = write_project(tmp_path, {"m.py": TRICKY_BINDINGS})
    engine = Engine(all_rules())
    project = engine.project_for(root / "m.py")
    source = Source(TRICKY_BINDINGS, root / "m.py")
    tree = ast.parse(source.text)
    ctx = checker_module.FileContext(root / "m.py", source, tree, build_summary(tree, root / "m.py", source), project)
    function = tree.body[1]
    names = ctx.locals_of(function)
    expected = {"x", "y", "z", "p", "q", "r", "i", "j", "k", "e", "m", "fh", "u", "v", "sys", "held", "w", "t",
                "err", "h", "els", "fin", "inner", "nested", "Inner", "lam", "comp"}
    assert expected | ({"group"} if sys.version_info >= (3, 11) else set()) <= set(names)
    assert "hidden" not in names and "also_hidden" not in names
    assert "unbound" not in names  # inside a lambda


def test_summary_gates_change_nothing():
    corpus = Path(os.__file__).parent / "test"
    checked = 0
    for path in sorted(corpus.glob("test_*async*.py")) + sorted(corpus.glob("test_unittest/test_async_case.py")) + sorted(
        (corpus / "test_asyncio").glob("test_*.py")
    )[:40]:
        try:
            source = read_source(path)
            tree = ast.parse(source.text)
        except (SourceError, SyntaxError):
            continue
        gated = build_summary(tree, path, source)
        full = build_summary(tree, path, None)  # no source: every walk is done
        for name, fn in full.functions.items():
            assert gated.functions[name].is_async_generator == fn.is_async_generator, (path, name)
        for name, cls in full.classes.items():
            assert gated.classes[name].calls_async_setup == cls.calls_async_setup, (path, name)
            for method, fn in cls.methods.items():
                assert gated.classes[name].methods[method].is_async_generator == fn.is_async_generator
        checked += 1
    assert checked > 20


def test_calls_async_setup_is_still_found():
    text = dedent(
        """
        import unittest

        class Base(unittest.TestCase):
            def setUp(self):
                self.loop.run_until_complete(self . asyncSetUp())

            async def asyncSetUp(self):
                pass

        class Other(unittest.TestCase):
            async def asyncSetUp(self):
                pass

        async def agen():
            yield 1
        """
    )
    source = Source(text, Path("/x/m.py"))
    summary = build_summary(ast.parse(text), Path("/x/m.py"), source)
    assert summary.classes["Base"].calls_async_setup is True
    assert summary.classes["Other"].calls_async_setup is False
    assert summary.functions["agen"].is_async_generator is True


def test_norm_memoises_only_absolute_paths(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert project_module._norm(Path("a.py")) == tmp_path / "a.py"
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "sub")
    assert project_module._norm(Path("a.py")) == tmp_path / "sub" / "a.py"
    assert project_module._norm(tmp_path / "x" / ".." / "b.py") == tmp_path / "b.py"


def test_overlay_without_invalidation_keeps_class_models_until_the_shape_changes(tmp_path):
    files = {"base.py": "import unittest\n\nclass Base(unittest.TestCase):\n    pass\n"}
    root = write_project(tmp_path, files)
    engine = Engine(all_rules())
    path = root / "base.py"
    project = engine.project_for(path)
    engine.check_file(path)
    model = project.class_model(ProjectClass(path, "Base"))
    # Typing in a body (same shape): the model survives the overlay and the check.
    text = files["base.py"].replace("pass", "x = 1")
    project.set_overlay(path, text, invalidate=False)
    engine.check_file(path, text)
    assert project.class_model(ProjectClass(path, "Base")) is model
    # A line inserted above: the positions the model holds moved, so it is rebuilt.
    text = "# a comment\n" + text
    project.set_overlay(path, text, invalidate=False)
    engine.check_file(path, text)
    moved = project.class_model(ProjectClass(path, "Base"))
    assert moved is not model and moved.line == model.line + 1
    # A new base (different shape): put_summary drops the models.
    text = text.replace("(unittest.TestCase)", "(unittest.IsolatedAsyncioTestCase)")
    project.set_overlay(path, text, invalidate=False)
    engine.check_file(path, text)
    assert project.class_model(ProjectClass(path, "Base")).is_isolated is True
    # An unsaved new file exists for module lookup as soon as its overlay is set.
    new = root / "fresh.py"
    assert project.resolve_module(root / "t.py", "fresh").__class__.__name__ == "External"
    project.set_overlay(new, "X = 1\n", invalidate=False)
    assert project.resolve_module(root / "t.py", "fresh").path == new


def test_resolve_memo_answers_like_a_fresh_resolution(tmp_path):
    files = {
        "pkg/__init__.py": "",
        "pkg/base.py": "import unittest\n\nclass Base(unittest.TestCase):\n    def helper(self):\n        pass\n",
        "tests/test_m.py": dedent(
            """
            import asyncio
            from pkg.base import Base

            class T(Base):
                async def test_a(self):
                    run = print
                    run(1)
                    asyncio.run(x())
                    self.helper()

                def test_b(self):
                    asyncio.run(x())
            """
        ),
    }
    root = write_project(tmp_path, files)
    engine = Engine(all_rules())
    path = root / "tests/test_m.py"
    project = engine.project_for(path)
    source = Source(files["tests/test_m.py"], path)
    tree = ast.parse(source.text)
    ctx = checker_module.FileContext(path, source, tree, build_summary(tree, path, source), project)
    seen = []

    def on_node(node, ctx_):
        if isinstance(node, (ast.Name, ast.Attribute)):
            memo = ctx_.resolve(node)
            assert ctx_.resolve(node) is memo  # answered from the memo the second time
            assert ctx_._resolve(node) == memo  # and the same as a fresh resolution
            assert ctx_.qualify(node) == ctx_.qualify(node)
            seen.append((ast.unparse(node), ctx_.qualify(node)))

    checker_module._Walker(ctx, {ast.Name: [on_node], ast.Attribute: [on_node]}).walk_module(tree)
    assert ("run", "builtins.print") in seen  # the local `run = print` in test_a
    assert ("asyncio.run", "asyncio.run") in seen
    assert ("self.helper", "pkg.base.Base.helper") in seen
    # Nodes made on the fly (and freed) never get another node's answer.
    answers = [ctx.qualify(ast.Name(id=name)) for name in ("asyncio", "Base", "asyncio", "Base")]
    assert answers == ["asyncio", "pkg.base.Base", "asyncio", "pkg.base.Base"]
