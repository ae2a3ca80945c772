"""Focused tests for the pytest-asyncio, configuration and anyio rules (PA, CF, AY).

The generated example tests cover each rule's documented cases; these cover
version-dependent wording, resolution across files, config files in the
command line and the language server, and fixes that touch config files.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from helpers import dedent, write_project

from looplint.engine import pytest_config
from looplint.engine.model import Severity
from looplint.engine.workspace import Engine
from looplint.rules import all_rules


def lint(tmp_path: Path, files: dict[str, str], path: str = "tests/test_x.py", *, with_fixes: bool = False):
    pytest_config.clear_cache()
    root = write_project(tmp_path / "project", {k: dedent(v) for k, v in files.items()})
    engine = Engine(all_rules())
    result = engine.check_file(root / path, with_fixes=with_fixes)
    assert result.problem is None, result.problem
    return engine, root / path, result.diagnostics


def only(diagnostics, code: str):
    return [d for d in diagnostics if d.code == code]


def looplint(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "looplint", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120)


UNMARKED = "async def test_a():\n    pass\n"


# -- versions decide the wording and the severity ----------------------------------------------


def test_pa001_says_what_this_pytest_does(tmp_path):
    for pins, words in (("pytest==8.3.5\n", "skips it"), ("pytest==9.2.0\n", "fails it"), ("", "older pytest")):
        _, _, found = lint(tmp_path / pins.strip(), {"requirements.txt": pins, "tests/test_x.py": UNMARKED})
        (diagnostic,) = only(found, "PA001")
        assert words in diagnostic.message, (pins, diagnostic.message)
        if pins:
            assert f"{pins.strip().replace('==', ' ')} (declared, requirements.txt:1)" in diagnostic.reason


def test_pa003_and_pa007_severity_follow_the_versions(tmp_path):
    conftest = "import pytest\n\n@pytest.mark.asyncio\n@pytest.fixture\ndef event_loop():\n    pass\n"
    expected = {
        "pytest==8.4.2\npytest-asyncio==0.23.8\n": (Severity.WARNING, Severity.WARNING),
        "pytest==9.2.0\npytest-asyncio==1.5.0\n": (Severity.ERROR, Severity.ERROR),
        "": (Severity.ERROR, Severity.ERROR),
    }
    for i, (pins, (pa003, pa007)) in enumerate(expected.items()):
        _, _, found = lint(tmp_path / str(i), {"requirements.txt": pins, "tests/conftest.py": conftest},
                           "tests/conftest.py")
        assert [d.severity for d in only(found, "PA003")] == [pa003], pins
        assert [d.severity for d in only(found, "PA007")] == [pa007], pins


def test_a_mark_adding_hook_lowers_pa001_and_pa009(tmp_path):
    files = {
        "pytest.ini": "[pytest]\nasyncio_default_fixture_loop_scope = function\n",
        "tests/conftest.py": """
            import pytest_asyncio

            def pytest_collection_modifyitems(items):
                pass

            @pytest_asyncio.fixture(scope="session", loop_scope="session")
            async def db():
                yield 1
        """,
        "tests/test_x.py": """
            import pytest

            async def test_unmarked():
                pass

            @pytest.mark.asyncio
            async def test_marked(db):
                pass
        """,
    }
    _, _, found = lint(tmp_path, files)
    assert [(d.code, d.severity) for d in found if d.code in ("PA001", "PA009")] == [
        ("PA001", Severity.WARNING), ("PA009", Severity.INFO)]


# -- resolution across files ---------------------------------------------------------------------


def test_pa002_in_a_conftest_names_a_non_anyio_user_in_another_module(tmp_path):
    files = {
        "tests/conftest.py": """
            import pytest

            @pytest.fixture
            async def api():
                return 1
        """,
        "tests/test_anyio.py": "import pytest\n\npytestmark = pytest.mark.anyio\n\nasync def test_a(api):\n    pass\n",
        "tests/sub/test_sync.py": "def test_b(api):\n    pass\n",
    }
    _, _, found = lint(tmp_path, files, "tests/conftest.py")
    (diagnostic,) = only(found, "PA002")
    assert "`test_b` in tests/sub/test_sync.py (a sync test" in diagnostic.reason


def test_pa009_sees_the_loop_scope_of_a_fixture_through_another_fixture(tmp_path):
    files = {
        "pytest.ini": "[pytest]\nasyncio_mode = auto\nasyncio_default_fixture_loop_scope = module\n",
        "tests/conftest.py": """
            import pytest

            @pytest.fixture(scope="module")
            async def pool():
                yield object()

            @pytest.fixture
            def conn(pool):
                return pool
        """,
        "tests/test_x.py": "async def test_query(conn):\n    pass\n",
    }
    _, _, found = lint(tmp_path, files)
    (diagnostic,) = only(found, "PA009")
    assert "`pool`" in diagnostic.message and "module" in diagnostic.message
    assert "fixture `conn` ← parameter" in diagnostic.reason


def test_pa001_fix_adds_the_anyio_mark_when_pytest_asyncio_is_disabled(tmp_path):
    files = {
        "pytest.ini": "[pytest]\naddopts = -p no:asyncio\n",
        "tests/conftest.py": "import pytest\n\n@pytest.fixture\ndef anyio_backend():\n    return 'asyncio'\n",
        "tests/test_x.py": "import pytest\n\n" + UNMARKED,
    }
    engine, path, found = lint(tmp_path, files)
    (diagnostic,) = only(found, "PA001")
    outcome = engine.fix_file_text(path, path.read_text(), only=lambda d: d.code == "PA001")
    assert "@pytest.mark.anyio\nasync def test_a" in outcome.text


def test_unknown_fixtures_are_never_flagged(tmp_path):
    # `event_loop` provided by something looplint cannot see is fine to PA004 only when a project
    # definition is visible; other unresolved names are plugin fixtures and never reported.
    files = {
        "tests/test_x.py": """
            import pytest

            @pytest.mark.asyncio
            async def test_a(aiohttp_client, mocker, some_plugin_fixture):
                pass
        """,
    }
    _, _, found = lint(tmp_path, files)
    assert [d.code for d in found if d.code.startswith(("PA", "AY"))] == []


# -- config files in the command line and the language server -------------------------------------


def test_cli_reports_each_governing_config_file_once_with_its_relative_path(tmp_path):
    root = write_project(tmp_path, {
        "requirements.txt": "pytest-asyncio==1.5.0\n",
        "pytest.ini": "[pytest]\nasyncio_mode = Auto\n",
        "tests/test_a.py": "def test_a():\n    pass\n",
        "tests/test_b.py": "def test_b():\n    pass\n",
    })
    result = looplint("check", "--no-progress", "--output-format", "json", "tests", cwd=root)
    assert result.returncode == 1, result.stderr
    found = sorted((d["code"], d["filename"], d["location"]["row"]) for d in json.loads(result.stdout))
    assert found == [("CF001", "pytest.ini", 1), ("CF002", "pytest.ini", 2)]
    fixes = {d["code"]: d["fix"] for d in json.loads(result.stdout)}
    assert fixes["CF002"]["edits"] == [
        {"content": "auto", "location": {"row": 2, "column": 16}, "end_location": {"row": 2, "column": 20}}]
    text = looplint("check", "--no-progress", "pytest.ini", cwd=root).stdout
    assert "pytest.ini:2:1: CF002" in text


def test_cli_fix_writes_config_files_in_their_own_syntax(tmp_path):
    root = write_project(tmp_path, {
        "pyproject.toml": '[project]\nname = "x"\ndependencies = ["pytest-asyncio>=1.0"]\n\n'
                          '[tool.pytest.ini_options]\naddopts = "-ra"\n',
        "tests/test_a.py": "def test_a():\n    pass\n",
    })
    result = looplint("check", "--no-progress", "--fix", ".", cwd=root)
    assert result.returncode == 0, (result.stdout, result.stderr)
    assert (root / "pyproject.toml").read_text().endswith(
        '[tool.pytest.ini_options]\nasyncio_default_fixture_loop_scope = "function"\naddopts = "-ra"\n')
    diff = looplint("check", "--no-progress", "--diff", ".", cwd=root)
    assert diff.stdout == ""


def test_language_server_diagnoses_config_buffers(tmp_path):
    from looplint.lsp.analysis import Analyzer
    from looplint.lsp.settings import ServerSettings

    root = write_project(tmp_path, {"pytest.ini": "[pytest]\n", "pyproject.toml": ""})
    analyzer = Analyzer(ServerSettings())
    path = root / "pytest.ini"
    analysis = analyzer.check_config(path.as_uri(), path, 3, "[pytest]\nasyncio_mode = legacy\n")
    assert [(d.code, d.range.line) for d in analysis.diagnostics] == [("CF002", 2)]
    shadowed = root / "pyproject.toml"
    analysis = analyzer.check_config(shadowed.as_uri(), shadowed, 1, '[tool.pytest.ini_options]\nasyncio_mode = "auto"\n')
    assert [(d.code, d.range.line) for d in analysis.diagnostics] == [("CF003", 2)]


def test_config_fixes_rebuild_from_the_diagnostic_alone(tmp_path):
    # What a front end does with a diagnostic it got earlier (LSP code actions): rebuild the fix from data.
    from looplint.engine.fixer import attach_fixes
    from looplint.engine.model import Diagnostic

    root = write_project(tmp_path, {"pytest.ini": "[pytest]\nasyncio_mode = Strict\n"})
    engine = Engine(all_rules())
    (found,) = engine.check_config_file(root / "pytest.ini").diagnostics
    copy = Diagnostic(found.code, found.name, found.message, found.severity, found.path, found.range,
                      found.fix_message, found.fix_applicability, dict(found.data))
    attach_fixes("[pytest]\nasyncio_mode = Strict\n", [copy], engine.rules_by_code)
    assert [(e.range.line, e.range.col, e.content) for e in copy.fix.edits] == [(2, 15, "strict")]
    # stale data (the text moved on) gives no fix rather than a broken file
    attach_fixes("[pytest]\n", [copy], engine.rules_by_code)
    assert copy.fix is None


def test_pa006_marks_the_deprecated_scope_keyword_as_deprecated_and_nothing_else(tmp_path):
    files = {
        "pyproject.toml": '[project]\nname = "x"\ndependencies = ["pytest-asyncio>=1.0"]\n',
        "tests/test_x.py": """
            import pytest

            @pytest.mark.asyncio(scope="module")
            async def test_old():
                pass

            @pytest.mark.asyncio(loop_scope="modul")
            async def test_typo():
                pass
            """,
    }
    _, _, diagnostics = lint(tmp_path, files)
    found = {d.range.line: d.deprecated for d in only(diagnostics, "PA006")}
    assert found == {3: True, 7: False}
