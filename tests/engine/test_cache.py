"""engine/cache.py: a warm run equals a cold one, and an edit re-checks exactly what depends on it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from helpers import dedent, write_project

from looplint.cli.run import check_files, collect_files
from looplint.engine.cache import Cache
from looplint.engine.workspace import Engine
from looplint.rules import all_rules

SYNC_BASE = "import unittest\n\n\nclass Base(unittest.TestCase):\n    pass\n"
ISOLATED_BASE = "import unittest\n\n\nclass Base(unittest.IsolatedAsyncioTestCase):\n    pass\n"
USES_BASE = dedent(
    """
    from tests.base import Base


    class TestX(Base):
        async def test_x(self):
            pass
    """
)
UNRELATED = dedent(
    """
    import unittest


    class TestY(unittest.TestCase):
        async def test_y(self):
            pass
    """
)


def project(tmp_path: Path, **extra: str) -> Path:
    files = {
        "tests/__init__.py": "",
        "tests/base.py": SYNC_BASE,
        "tests/test_uses_base.py": USES_BASE,
        "tests/test_uses_base_too.py": USES_BASE.replace("TestX", "TestZ"),
        "tests/test_unrelated.py": UNRELATED,
    }
    files.update(extra)
    return write_project(tmp_path, files)


def run(root: Path, *, cache: bool = True):
    """One `looplint check` of the project in-process: (findings, hits, misses)."""
    engine = Engine(all_rules())
    files, _ = collect_files(engine, [root])
    store = Cache() if cache else None
    result = check_files(engine, files, jobs=1, with_fixes=False, cache=store)
    hits = misses = 0
    if store is not None:
        store.save()
        hits = sum(c.hits for c in store.projects())
        misses = sum(c.misses for c in store.projects())
    # Everything a finding says: where, what, why (the reason names the tests and versions it read).
    findings = sorted((str(d.path.relative_to(root)), d.range.line, d.code, d.message, d.reason,
                       tuple((str(r.path), r.range.line, r.message) for r in d.related)) for d in result.diagnostics)
    findings += sorted((str(p.path.relative_to(root)), p.line, p.kind, p.message, "", ()) for p in result.problems)
    return findings, hits, misses


def test_a_warm_run_serves_every_file_from_the_cache_and_equals_a_cold_run(tmp_path):
    root = project(tmp_path)
    cold, hits, misses = run(root)
    assert (hits, misses) == (0, 5)
    warm, hits, misses = run(root)
    assert warm == cold == run(root, cache=False)[0]
    assert (hits, misses) == (5, 0)
    assert (root / ".looplint_cache" / "CACHEDIR.TAG").is_file()
    assert (root / ".looplint_cache" / ".gitignore").read_text().splitlines()[-1] == "*"


def test_editing_a_base_class_rechecks_exactly_its_dependents_and_the_result_equals_a_cold_one(tmp_path):
    root = project(tmp_path)
    before, _, _ = run(root)
    assert [f for f in before if f[0] == "tests/test_uses_base.py" and f[2] == "UT001"]

    (root / "tests" / "base.py").write_text(ISOLATED_BASE)
    warm, hits, misses = run(root)
    cold, _, _ = run(root, cache=False)
    assert warm == cold
    assert not [f for f in warm if f[0] == "tests/test_uses_base.py"]  # the base runs async tests now
    # base.py and its two importers are checked again; the unrelated test and __init__ are not.
    assert (hits, misses) == (2, 3)


def test_editing_a_conftest_rechecks_the_tests_under_it_and_not_the_others(tmp_path):
    root = project(
        tmp_path,
        **{
            "pytest.ini": "[pytest]\nasyncio_mode = strict\n",
            "pkg/conftest.py": "import pytest\n\n\n@pytest.fixture\ndef value():\n    return 1\n",
            "pkg/test_a.py": "async def test_a(value):\n    pass\n",
            "other/test_b.py": "async def test_b():\n    pass\n",
        },
    )
    cold, _, misses = run(root)
    assert misses == 8
    (root / "pkg" / "conftest.py").write_text("import pytest\n\n\n@pytest.fixture\nasync def value():\n    return 1\n")
    warm, hits, misses = run(root)
    assert warm == run(root, cache=False)[0]
    assert misses == 2  # the conftest and the test module under it
    assert hits == 6


def test_a_configuration_change_rechecks_everything(tmp_path):
    root = project(tmp_path)
    run(root)
    (root / "pyproject.toml").write_text('[tool.looplint]\nignore = ["UT001"]\n')
    warm, hits, misses = run(root)
    assert warm == run(root, cache=False)[0]
    assert not [f for f in warm if f[2] == "UT001"]
    assert hits == 0

    run(root)
    (root / "tests" / "pytest.ini").write_text("[pytest]\n")  # a new config file in a folder above a file
    _, hits, misses = run(root)
    assert hits == 0 and misses == 5


def test_a_new_module_where_an_import_was_looked_for_rechecks_everything(tmp_path):
    # `from base import Base` in tests/ finds the root's base.py; a tests/base.py made later wins.
    root = write_project(tmp_path, {
        "base.py": ISOLATED_BASE,
        "tests/test_x.py": USES_BASE.replace("from tests.base import Base", "from base import Base"),
        "tests/test_other.py": UNRELATED,
    })
    cold, _, _ = run(root)
    assert not [f for f in cold if f[0] == "tests/test_x.py"]
    (root / "tests" / "base.py").write_text(SYNC_BASE)
    warm, hits, misses = run(root)
    assert warm == run(root, cache=False)[0]
    assert [f for f in warm if f[0] == "tests/test_x.py" and f[2] == "UT001"]
    assert hits == 0


def test_a_new_file_that_no_import_looked_for_rechecks_nothing(tmp_path):
    root = project(tmp_path)
    cold, _, _ = run(root)
    (root / "tests" / "notes.py").write_text("")
    warm, hits, misses = run(root)
    assert warm == run(root, cache=False)[0] == cold
    assert (hits, misses) == (5, 1)  # only the new file


# -- a helper's body, wherever it is reached from ---------------------------------------------------------

RUNS_A_LOOP = "import asyncio\n\n\nasync def main():\n    pass\n\n\ndef run_it():\n    asyncio.run(main())\n"
RUNS_NOTHING = "import asyncio\n\n\nasync def main():\n    pass\n\n\ndef run_it():\n    pass\n"
CALLS_HELPER = dedent(
    """
    import unittest

    from tests.helpers import run_it


    class T(unittest.IsolatedAsyncioTestCase):
        async def test_x(self):
            run_it()
    """
)


def _stop_the_helper_running_a_loop(root: Path, helper: str, misses: int) -> None:
    """LP001 in tests/test_calls.py comes from `helper`'s body; after an edit there, the warm run
    equals a cold one and re-checked `misses` files."""
    cold, _, _ = run(root)
    assert [f for f in cold if f[0] == "tests/test_calls.py" and f[2] == "LP001"]
    (root / helper).write_text(RUNS_NOTHING)
    warm, hits, missed = run(root)
    assert warm == run(root, cache=False)[0]
    assert not [f for f in warm if f[0] == "tests/test_calls.py"]
    assert missed == misses


def test_editing_a_helpers_body_in_an_imported_module_gives_the_cold_result(tmp_path):
    root = project(tmp_path, **{"tests/helpers.py": RUNS_A_LOOP, "tests/test_calls.py": CALLS_HELPER})
    _stop_the_helper_running_a_loop(root, "tests/helpers.py", misses=2)  # the helper and its importer


def test_a_helper_reached_through_a_chain_of_modules_invalidates_the_whole_chain(tmp_path):
    root = project(tmp_path, **{
        "tests/helpers.py": "from tests.loops import run_it\n",
        "tests/loops.py": RUNS_A_LOOP,
        "tests/test_calls.py": CALLS_HELPER,
    })
    _stop_the_helper_running_a_loop(root, "tests/loops.py", misses=3)


def test_imports_inside_functions_and_submodules_reached_as_attributes_are_edges(tmp_path):
    """Resolution follows both (a function's own `import`, `pkg.sub.f()` on an imported package):
    so must the cache, even where no rule needs it today."""
    from looplint.engine.cache import module_edges
    from looplint.engine.project import Project
    from looplint.engine.settings import Settings

    root = write_project(tmp_path, {
        "tests/__init__.py": "",
        "tests/pkg/__init__.py": "",
        "tests/pkg/loops.py": RUNS_A_LOOP,
        "tests/pkg/deep/__init__.py": "",
        "tests/pkg/deep/more.py": "",
        "tests/local.py": RUNS_A_LOOP,
        "tests/paren.py": "",
        "tests/unused.py": "",
        "tests/test_x.py": dedent(
            """
            import tests.pkg as p


            def test_x():
                from tests.local import run_it
                from tests import (
                    paren,
                )
                p.loops.run_it()
                p.deep.more.f()
                run_it()
            """
        ),
    })
    proj = Project(root, Settings())
    path = root / "tests" / "test_x.py"
    edges = module_edges(proj, path, proj.summary(path))
    found = sorted(Path(p).relative_to(root).as_posix() for p in edges["imports"])
    assert found == ["tests/__init__.py", "tests/local.py", "tests/paren.py", "tests/pkg/__init__.py",
                     "tests/pkg/deep/__init__.py", "tests/pkg/deep/more.py", "tests/pkg/loops.py"]


def test_a_module_of_another_project_is_a_dependency_like_any_other(tmp_path):
    # tests/support/ has its own setup.py: a project of its own, imported from the outer one.
    root = project(tmp_path, **{
        "tests/support/setup.py": "",
        "tests/support/__init__.py": "",
        "tests/support/helpers.py": RUNS_A_LOOP,
        "tests/test_calls.py": CALLS_HELPER.replace("tests.helpers", "tests.support.helpers"),
    })
    cold, _, _ = run(root)
    warm, hits, misses = run(root)
    assert warm == cold and misses == 0
    _stop_the_helper_running_a_loop(root, "tests/support/helpers.py", misses=2)


# -- a conftest and the tests under it --------------------------------------------------------------------

STRICT_CONFTEST = {
    "pytest.ini": "[pytest]\nasyncio_mode = strict\n",
    "pkg/conftest.py": "import pytest\n\n\n@pytest.fixture\nasync def value():\n    return 1\n",
    "pkg/test_a.py": "def test_a():\n    pass\n",
}


def _conftest_findings(findings):
    return [f for f in findings if f[0] == "pkg/conftest.py"]


def test_a_new_test_module_requesting_a_conftest_fixture_rechecks_the_conftest(tmp_path):
    root = project(tmp_path, **STRICT_CONFTEST)
    cold, _, _ = run(root)
    assert "No test that requests it" in _conftest_findings(cold)[0][4]
    (root / "pkg" / "test_b.py").write_text("import pytest\n\n\n@pytest.mark.asyncio\nasync def test_b(value):\n    pass\n")
    warm, hits, misses = run(root)
    assert warm == run(root, cache=False)[0]
    assert _conftest_findings(warm) != _conftest_findings(cold)
    assert misses == 2  # the new module and the conftest


def test_editing_a_test_module_to_request_a_conftest_fixture_rechecks_the_conftest(tmp_path):
    root = project(tmp_path, **STRICT_CONFTEST)
    cold, _, _ = run(root)
    (root / "pkg" / "test_a.py").write_text("import pytest\n\n\n@pytest.mark.asyncio\nasync def test_a(value):\n    pass\n")
    warm, hits, misses = run(root)
    assert warm == run(root, cache=False)[0]
    assert _conftest_findings(warm) != _conftest_findings(cold)
    assert misses == 2


# -- fixture values and test support: more that findings read from other files ----------------------------

CLIENT_CONFTEST = "import httpx\nimport pytest\n\n\n@pytest.fixture\ndef client():\n    return httpx.AsyncClient()\n"
USES_CLIENT = "import pytest\n\n\n@pytest.mark.asyncio\nasync def test_x(client):\n    client.get('/')\n"


def test_editing_a_fixtures_body_in_a_conftest_gives_the_cold_result(tmp_path):
    # What `client` is comes from the fixture's body: an AsyncClient's get() is a coroutine.
    root = project(tmp_path, **{"api/conftest.py": CLIENT_CONFTEST, "api/test_api.py": USES_CLIENT})
    cold, _, _ = run(root)
    assert [f[2] for f in cold if f[0] == "api/test_api.py"] == ["CO001"]
    (root / "api" / "conftest.py").write_text(CLIENT_CONFTEST.replace("AsyncClient", "Client"))
    warm, hits, misses = run(root)
    assert warm == run(root, cache=False)[0]
    assert [f[2] for f in warm if f[0] == "api/test_api.py"] == ["CO004"]  # a blocking call now
    assert misses == 2



RUNS_COROUTINES = "def pytest_pyfunc_call(pyfuncitem):\n    return None\n"


def test_editing_a_plugin_named_in_addopts_rechecks_the_tests_it_is_loaded_for(tmp_path):
    # `-p plugins.runner` loads a project module for every test: its hooks decide who runs them.
    root = project(tmp_path, **{
        "pytest.ini": "[pytest]\nasyncio_mode = strict\naddopts = -p plugins.runner\n",
        "plugins/__init__.py": "",
        "plugins/runner.py": RUNS_COROUTINES,
        "suite/test_a.py": "async def test_a():\n    pass\n",
    })
    cold, _, _ = run(root)
    assert not [f for f in cold if f[0] == "suite/test_a.py"]  # the plugin's hook may run it
    (root / "plugins" / "runner.py").write_text("def helper():\n    return None\n")
    warm, hits, misses = run(root)
    assert warm == run(root, cache=False)[0]
    assert [f[2] for f in warm if f[0] == "suite/test_a.py"] == ["PA001"]


NEST_ASYNCIO_HELPER = "import nest_asyncio\n\nnest_asyncio.apply()\n"


def test_a_new_test_module_importing_a_helper_makes_it_test_support_in_the_warm_result(tmp_path):
    # tests/helpers.py is test support only because a test module imports it (the reverse scan).
    root = project(tmp_path, **{"tests/helpers.py": NEST_ASYNCIO_HELPER})
    cold, _, _ = run(root)
    assert not [f for f in cold if f[0] == "tests/helpers.py"]
    (root / "tests" / "test_new.py").write_text("import tests.helpers\n\n\ndef test_x():\n    pass\n")
    warm, hits, misses = run(root)
    assert warm == run(root, cache=False)[0]
    assert [f[2] for f in warm if f[0] == "tests/helpers.py"] == ["AP001"]
    assert misses == 2  # the new module and the helper


def test_a_test_module_that_starts_or_stops_importing_a_helper_changes_the_warm_result(tmp_path):
    root = project(tmp_path, **{"tests/helpers.py": NEST_ASYNCIO_HELPER})
    run(root)
    unrelated = root / "tests" / "test_unrelated.py"
    unrelated.write_text("from tests import helpers\n" + UNRELATED)
    warm, hits, misses = run(root)
    assert warm == run(root, cache=False)[0]
    assert [f[2] for f in warm if f[0] == "tests/helpers.py"] == ["AP001"]
    assert misses == 2
    unrelated.write_text(UNRELATED)
    warm, hits, misses = run(root)
    assert warm == run(root, cache=False)[0]
    assert not [f for f in warm if f[0] == "tests/helpers.py"]


# -- reading files only when they changed -----------------------------------------------------------------


def test_unchanged_files_are_not_read_again_and_an_edit_keeping_the_size_is_still_seen(tmp_path, monkeypatch):
    from looplint.engine import cache as cache_module

    root = project(tmp_path)
    old = 1_600_000_000
    for file in root.rglob("*.py"):
        os.utime(file, (old, old))  # long ago: their size and time can be trusted
    cold, _, _ = run(root)
    run(root)
    read = []
    real = cache_module._read_hash
    monkeypatch.setattr(cache_module, "_read_hash", lambda p: read.append(p) or real(p))
    warm, hits, _ = run(root)
    assert warm == cold and hits == 5
    assert [p for p in read if p.endswith(".py")] == []

    base = root / "tests" / "base.py"
    base.write_text(SYNC_BASE.replace("Base(unittest.TestCase)", "Base(unittest.TestCasf)"))  # same size
    os.utime(base, (old + 1, old + 1))
    warm, hits, misses = run(root)
    assert warm == run(root, cache=False)[0] != cold
    assert misses == 3


def test_a_syntax_error_is_cached_like_any_result(tmp_path):
    root = project(tmp_path, **{"tests/test_broken.py": "def f(:\n"})
    cold, _, _ = run(root)
    assert [f for f in cold if f[2] == "syntax-error"]
    warm, hits, _ = run(root)
    assert warm == cold and hits == 6


def test_a_corrupt_or_foreign_cache_file_is_ignored(tmp_path):
    root = project(tmp_path)
    cold, _, _ = run(root)
    for file in (root / ".looplint_cache").rglob("*.json"):
        file.write_text("{not json")
    warm, hits, misses = run(root)
    assert warm == cold and hits == 0


def looplint(*args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "looplint", *args], cwd=cwd, capture_output=True, text=True, timeout=120,
        env={**os.environ, **(env or {})},
    )


def test_no_cache_writes_nothing_and_cache_dir_moves_it(tmp_path):
    root = project(tmp_path / "p")
    looplint("check", "--no-cache", ".", cwd=root)
    assert not (root / ".looplint_cache").exists()
    looplint("check", "--cache-dir", str(tmp_path / "elsewhere"), ".", cwd=root)
    assert not (root / ".looplint_cache").exists()
    assert list((tmp_path / "elsewhere").rglob("*.json"))
    looplint("check", ".", cwd=root, env={"LOOPLINT_CACHE_DIR": str(tmp_path / "from-env")})
    assert list((tmp_path / "from-env").rglob("*.json"))


def test_two_runs_sharing_the_cache_at_once_both_report_right_and_leave_it_valid(tmp_path):
    files = {f"tests/test_{i}.py": UNRELATED.replace("TestY", f"TestY{i}") for i in range(40)}
    root = project(tmp_path, **files)
    expected = looplint("check", "--no-cache", "--output-format", "json", ".", cwd=root).stdout
    for _ in range(3):
        runs = [
            subprocess.Popen([sys.executable, "-m", "looplint", "check", "--output-format", "json", "."], cwd=root,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(2)
        ]
        outputs = [p.communicate(timeout=120)[0] for p in runs]
        assert outputs == [expected, expected]
    for file in (root / ".looplint_cache").rglob("*.json"):
        json.loads(file.read_text())  # whole: written atomically
    assert not list((root / ".looplint_cache").rglob(".tmp-*"))
