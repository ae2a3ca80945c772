"""Tests for the pytest model (engine.pytest_model) and the config-file entry point (engine.config_check)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from helpers import write_project

from looplint.engine import pytest_config
from looplint.engine.project import Project
from looplint.engine.pytest_config import find_pytest_config
from looplint.engine.pytest_model import PytestModel, is_nonliteral
from looplint.engine.source import Source
from looplint.engine.summary import build_summary
from looplint.engine.workspace import Engine
from looplint.rules import all_rules


@pytest.fixture(autouse=True)
def _fresh_config_cache():
    pytest_config.clear_cache()
    yield
    pytest_config.clear_cache()


def model_of(root: Path, rel: str) -> PytestModel:
    project = Project(root)
    path = root / rel
    text = path.read_text()
    tree = ast.parse(text)
    summary = build_summary(tree, path, Source(text, path))
    project.put_summary(path, summary)
    return PytestModel(project, path, summary, tree)


# -- pytest_config changes made for this model ------------------------------------------------


def test_overlay_text_replaces_the_file_on_disk(tmp_path):
    write_project(tmp_path, {"pytest.ini": "[pytest]\nasyncio_mode = strict\n"})
    on_disk = find_pytest_config(tmp_path)
    buffered = find_pytest_config(tmp_path, overlays={tmp_path / "pytest.ini": "[pytest]\r\nasyncio_mode = auto\r\n"})
    assert on_disk.asyncio_mode == "strict"
    assert buffered.asyncio_mode == "auto"
    # the overlay is not cached: the disk resolution is unchanged afterwards
    assert find_pytest_config(tmp_path).asyncio_mode == "strict"


def test_overlay_of_a_file_that_does_not_exist_yet(tmp_path):
    write_project(tmp_path, {"pyproject.toml": '[tool.pytest.ini_options]\nasyncio_mode = "auto"\n'})
    config = find_pytest_config(tmp_path, overlays={tmp_path / "pytest.ini": ""})
    assert config.path == tmp_path / "pytest.ini"
    assert any(p.kind == "ignored-lower-precedence-file" for p in config.problems)


def test_fallback_pyproject_keeps_the_problems_of_its_ignored_tables(tmp_path):
    # pytest < 9 does not read [tool.pytest]; with nothing else found, pyproject.toml is the fallback
    # "configfile", and the ignored table must still be reported.
    write_project(tmp_path, {"pyproject.toml": '[tool.pytest]\nasyncio_mode = "auto"\n'})
    config = find_pytest_config(tmp_path, pytest_version="8.3.5")
    assert config.is_fallback
    assert [p.kind for p in config.problems] == ["native-toml-unsupported"]
    assert config.asyncio_mode == "strict"


# -- fixtures: where pytest looks, closest first ------------------------------------------------


def test_closest_conftest_wins_and_a_self_request_reaches_the_next_definition(tmp_path):
    write_project(tmp_path, {
        "pytest.ini": "[pytest]\n",
        "conftest.py": "import pytest\n\n@pytest.fixture\ndef db():\n    return 'root'\n",
        "tests/conftest.py": "import pytest\n\n@pytest.fixture\ndef db(db):\n    return db + '+tests'\n",
        "tests/test_a.py": "def test_a(db):\n    pass\n",
    })
    model = model_of(tmp_path, "tests/test_a.py")
    assert [p.relative_to(tmp_path).as_posix() for p in model.conftests] == ["conftest.py", "tests/conftest.py"]
    definitions = model.definitions("db")
    assert [(d.path.relative_to(tmp_path).as_posix(), d.level) for d in definitions] == [
        ("tests/conftest.py", "conftest"), ("conftest.py", "conftest")]
    (item,) = model.tests()
    closure = model.closure(item)
    assert closure.requests["db"].definition == definitions[0]
    assert closure.definitions == definitions  # the override requests the outer one


def test_conftests_above_the_config_directory_are_not_loaded(tmp_path):
    write_project(tmp_path, {
        "conftest.py": "import pytest\n\n@pytest.fixture\ndef outer():\n    return 1\n",
        "sub/pytest.ini": "[pytest]\n",
        "sub/tests/test_a.py": "def test_a(outer):\n    pass\n",
    })
    model = model_of(tmp_path, "sub/tests/test_a.py")
    assert model.conftests == []
    assert model.resolve("outer") is None  # unknown: rules stay quiet about it


def test_class_fixtures_override_module_fixtures_and_come_from_base_classes(tmp_path):
    write_project(tmp_path, {
        "tests/base.py": "import pytest\n\nclass Base:\n    @pytest.fixture\n    def client(self):\n        return 'base'\n",
        "tests/test_a.py": (
            "import pytest\nfrom tests.base import Base\n\n"
            "@pytest.fixture\ndef client():\n    return 'module'\n\n"
            "@pytest.fixture\ndef token():\n    return 't'\n\n"
            "class TestA(Base):\n"
            "    @pytest.fixture\n    def token(self):\n        return 'class'\n\n"
            "    def test_x(self, client, token):\n        pass\n\n"
            "def test_y(client):\n    pass\n"
        ),
    })
    model = model_of(tmp_path, "tests/test_a.py")
    method, function = model.tests()
    assert method.qualname == "TestA.test_x" and method.requests == ("client", "token")
    closure = model.closure(method)
    assert closure.requests["token"].definition.level == "class"
    assert closure.requests["client"].definition.path.name == "base.py"  # base-class fixture beats the module's
    assert model.closure(function).requests["client"].definition.level == "module"


def test_requests_through_autouse_usefixtures_marks_and_the_ini_option(tmp_path):
    write_project(tmp_path, {
        "pytest.ini": "[pytest]\nusefixtures = from_ini\n",
        "conftest.py": (
            "import pytest\n\n"
            "@pytest.fixture(autouse=True)\ndef auto(dep):\n    pass\n\n"
            "@pytest.fixture\ndef dep():\n    pass\n\n"
            "@pytest.fixture\ndef from_ini():\n    pass\n\n"
            "@pytest.fixture\ndef from_mark():\n    pass\n"
        ),
        "tests/test_a.py": (
            "import pytest\n\npytestmark = [pytest.mark.usefixtures('from_mark')]\n\n"
            "@pytest.mark.parametrize('value', [1, 2])\n"
            "def test_a(value, tmp_path, flag=False):\n    pass\n"
        ),
    })
    model = model_of(tmp_path, "tests/test_a.py")
    (item,) = model.tests()
    assert item.requests == ("tmp_path",)  # parametrized and defaulted arguments are not fixtures
    closure = model.closure(item)
    assert list(closure.requests) == ["auto", "from_ini", "from_mark", "tmp_path", "dep"]
    assert closure.requests["tmp_path"].definition is None  # pytest's own: unknown, never flagged
    assert closure.path_to("dep") == "fixture `auto` ← autouse"


def test_plugin_modules_and_imported_fixtures_are_visible(tmp_path):
    write_project(tmp_path, {
        "pytest.ini": "[pytest]\naddopts = -p tests.plugin_b\n",
        "conftest.py": "pytest_plugins = ['tests.plugin_a']\n",
        "tests/__init__.py": "",
        "tests/plugin_a.py": "import pytest\n\n@pytest.fixture\ndef from_a():\n    pass\n\n"
                             "def pytest_collection_modifyitems(items):\n    pass\n",
        "tests/plugin_b.py": "import pytest\n\n@pytest.fixture\ndef from_b():\n    pass\n",
        "tests/shared.py": "import pytest\n\n@pytest.fixture\ndef named():\n    pass\n\n"
                           "@pytest.fixture\ndef starred():\n    pass\n",
        "tests/more.py": "import pytest\n\n@pytest.fixture\ndef starred_too():\n    pass\n",
        "tests/test_a.py": "from tests.shared import named\nfrom tests.more import *\n\n"
                           "def test_a(from_a, from_b, named, starred_too, starred):\n    pass\n",
    })
    model = model_of(tmp_path, "tests/test_a.py")
    assert {p.name for p in model.plugin_modules} == {"plugin_a.py", "plugin_b.py"}
    resolved = {name: model.resolve(name) for name in ("from_a", "from_b", "named", "starred_too", "starred")}
    assert {k: (v.path.name if v else None) for k, v in resolved.items()} == {
        "from_a": "plugin_a.py", "from_b": "plugin_b.py", "named": "shared.py", "starred_too": "more.py",
        "starred": None,  # not imported here
    }
    assert [hook for _, hook in model.hooks({"pytest_collection_modifyitems"})] == ["pytest_collection_modifyitems"]


# -- tests and marks -----------------------------------------------------------------------------


def test_collection_follows_python_files_classes_and_functions(tmp_path):
    write_project(tmp_path, {
        "pytest.ini": "[pytest]\npython_files = check_*.py\npython_classes = *Suite\npython_functions = check_*\n",
        "check_api.py": (
            "import unittest\n\n"
            "def check_a():\n    pass\n\n"
            "def test_not_collected():\n    pass\n\n"
            "class ApiSuite:\n    def check_m(self):\n        pass\n\n"
            "class WithInitSuite:\n    def __init__(self):\n        pass\n    def check_n(self):\n        pass\n\n"
            "class UnitSuite(unittest.TestCase):\n    def check_u(self):\n        pass\n"
        ),
        "test_api.py": "def check_a():\n    pass\n",
    })
    assert [i.qualname for i in model_of(tmp_path, "check_api.py").tests()] == ["check_a", "ApiSuite.check_m"]
    assert not model_of(tmp_path, "test_api.py").is_test_module


def test_marks_from_everywhere_closest_first_with_literal_arguments(tmp_path):
    write_project(tmp_path, {
        "tests/base.py": "import pytest\n\n@pytest.mark.slow\nclass Base:\n    pass\n",
        "tests/test_a.py": (
            "import pytest\nfrom pytest import mark\nfrom tests.base import Base\n\n"
            "asyncio_module = pytest.mark.asyncio(loop_scope='module')\n"
            "pytestmark = [asyncio_module, mark.usefixtures('db')]\n\n"
            "@pytest.mark.asyncio(loop_scope='class')\n"
            "class TestA(Base):\n"
            "    pytestmark = pytest.mark.anyio\n\n"
            "    @mark.asyncio(loop_scope=SCOPE)\n"
            "    async def test_x(self):\n        pass\n"
        ),
    })
    model = model_of(tmp_path, "tests/test_a.py")
    (item,) = model.tests()
    assert [(m.name, m.origin) for m in item.marks] == [
        ("asyncio", "function"), ("anyio", "class pytestmark"), ("asyncio", "class"), ("slow", "base class"),
        ("asyncio", "module pytestmark"), ("usefixtures", "module pytestmark"),
    ]
    assert is_nonliteral(item.marks[0].kwarg("loop_scope"))
    assert item.marks[2].kwarg("loop_scope") == "class"
    loop, _, _ = model.test_loop_scope(item)
    assert loop is None  # the closest asyncio mark's loop_scope is not a literal


def test_an_unreadable_pytestmark_makes_the_marks_incomplete(tmp_path):
    write_project(tmp_path, {
        "tests/test_a.py": "import pytest, sys\n\npytestmark = [pytest.mark.asyncio] if sys.platform else []\n\n"
                           "async def test_a():\n    pass\n",
    })
    model = model_of(tmp_path, "tests/test_a.py")
    (item,) = model.tests()
    assert not item.marks_complete
    assert model.runner(item).kind == "unknown"


@pytest.mark.parametrize(
    "files, expected",
    [
        ({"t/test_a.py": "async def test_a():\n    pass\n"}, "none"),
        ({"pytest.ini": "[pytest]\nasyncio_mode = auto\n", "t/test_a.py": "async def test_a():\n    pass\n"},
         "asyncio"),
        ({"t/conftest.py": "import pytest\n\n@pytest.fixture\ndef anyio_backend():\n    return 'asyncio'\n\n"
                           "@pytest.fixture\ndef dep(anyio_backend):\n    pass\n",
          "t/test_a.py": "async def test_a(dep):\n    pass\n"}, "anyio"),
        ({"t/test_a.py": "import pytest\n\n@pytest.mark.trio\nasync def test_a():\n    pass\n"}, "other"),
        ({"pytest.ini": "[pytest]\naddopts = -p no:asyncio\n",
          "t/test_a.py": "import pytest\n\n@pytest.mark.asyncio\nasync def test_a():\n    pass\n"}, "none"),
        ({"t/conftest.py": "def pytest_pyfunc_call(pyfuncitem):\n    pass\n",
          "t/test_a.py": "async def test_a():\n    pass\n"}, "custom"),
        ({"t/test_a.py": "from helpers import wrap\n\n@wrap\nasync def test_a():\n    pass\n"}, "unknown"),
    ],
    ids=["strict", "auto", "anyio-transitive", "trio", "asyncio-disabled", "custom-hook", "unknown-decorator"],
)
def test_who_runs_an_async_test(tmp_path, files, expected):
    write_project(tmp_path, files)
    model = model_of(tmp_path, "t/test_a.py")
    (item,) = model.tests()
    assert model.runner(item).kind == expected


def test_users_of_a_conftest_fixture_across_test_modules(tmp_path):
    write_project(tmp_path, {
        "tests/conftest.py": "import pytest\n\n@pytest.fixture\nasync def server():\n    return 1\n",
        "tests/test_a.py": "import pytest\n\n@pytest.mark.anyio\nasync def test_a(server):\n    pass\n",
        "tests/test_b.py": "def test_b(server):\n    pass\n",
        "tests/test_c.py": "import pytest\n\n@pytest.fixture\ndef server():\n    return 2\n\n"
                           "def test_c(server):\n    pass\n",
        "tests/sub/test_d.py": "def test_d(other):\n    pass\n",
    })
    model = model_of(tmp_path, "tests/conftest.py")
    (definition,) = model.definitions("server")
    users = sorted((m.path.name, i.name) for m, i, _ in model.users(definition))
    assert users == [("test_a.py", "test_a"), ("test_b.py", "test_b")]  # test_c overrides it
    assert model.users_complete(definition)


def test_versions_and_config_follow_the_project(tmp_path):
    write_project(tmp_path, {
        "requirements-dev.txt": "pytest==8.3.5\npytest-asyncio==0.23.8\n",
        # pytest < 9 does not read pytest.toml: pyproject.toml is the config
        "pytest.toml": "[pytest]\nasyncio_mode = \"auto\"\n",
        "pyproject.toml": "[tool.pytest.ini_options]\nasyncio_mode = \"strict\"\n",
        "test_a.py": "async def test_a():\n    pass\n",
    })
    model = model_of(tmp_path, "test_a.py")
    assert model.config.path.name == "pyproject.toml"
    assert model.at_least("pytest", "8.4") is False
    assert model.at_least("pytest-asyncio", "0.23") is True
    assert "pytest 8.3.5" in model.versions_reason("pytest")


# -- the config-file entry point ----------------------------------------------------------------


def test_check_config_file_uses_the_buffer_text(tmp_path):
    write_project(tmp_path, {"pytest.ini": "[pytest]\nasyncio_mode = auto\n"})
    engine = Engine(all_rules())
    assert engine.check_config_file(tmp_path / "pytest.ini").diagnostics == []
    found = engine.check_config_file(tmp_path / "pytest.ini", "[pytest]\r\nasyncio_mode = Auto\r\n").diagnostics
    assert [(d.code, d.path.name, d.range.line, d.range.col) for d in found] == [("CF002", "pytest.ini", 2, 0)]
    outcome = engine.fix_file_text(tmp_path / "pytest.ini", "[pytest]\r\nasyncio_mode = Auto\r\n")
    assert outcome.text == "[pytest]\r\nasyncio_mode = auto\r\n"


def test_config_diagnostics_follow_select_ignore_and_per_file_ignores(tmp_path):
    files = {"pytest.ini": "[pytest]\nasyncio_mode = Auto\n"}
    write_project(tmp_path / "a", files, {"per-file-ignores": {"pytest.ini": ["CF002"]}})
    write_project(tmp_path / "b", files, {"ignore": ["CF"]})
    write_project(tmp_path / "c", files, {"exclude": ["pytest.ini"]})
    for name in "abc":
        assert Engine(all_rules()).check_config_file(tmp_path / name / "pytest.ini").diagnostics == [], name


@pytest.mark.parametrize(
    "source",
    [
        "from tests.marks import pytestmark\n\nasync def test_a():\n    pass\n",
        "import pytest\n\npytestmark = []\npytestmark += [pytest.mark.asyncio]\n\nasync def test_a():\n    pass\n",
        "import pytest\n\npytestmark = []\npytestmark.append(pytest.mark.asyncio)\n\nasync def test_a():\n    pass\n",
        "from tests.marks import asyncio_tests\n\n@asyncio_tests\nclass TestA:\n    async def test_a(self):\n        pass\n",
    ],
    ids=["imported", "augmented", "appended", "class-decorator"],
)
def test_marks_looplint_cannot_read_make_the_runner_unknown(tmp_path, source):
    write_project(tmp_path, {
        "tests/__init__.py": "",
        "tests/marks.py": "import pytest\n\npytestmark = pytest.mark.asyncio\n\ndef asyncio_tests(cls):\n    return cls\n",
        "tests/test_a.py": source,
    })
    model = model_of(tmp_path, "tests/test_a.py")
    (item,) = model.tests()
    assert not item.marks_complete
    assert model.runner(item).kind == "unknown"
