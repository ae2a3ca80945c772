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
    findings = sorted((str(d.path.relative_to(root)), d.range.line, d.code, d.message) for d in result.diagnostics)
    findings += sorted((str(p.path.relative_to(root)), p.line, p.kind, p.message) for p in result.problems)
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


def test_a_configuration_change_or_a_new_file_rechecks_everything(tmp_path):
    root = project(tmp_path)
    run(root)
    (root / "pyproject.toml").write_text('[tool.looplint]\nignore = ["UT001"]\n')
    warm, hits, misses = run(root)
    assert warm == run(root, cache=False)[0]
    assert not [f for f in warm if f[2] == "UT001"]
    assert hits == 0

    run(root)
    # A new module can change what an import resolves to.
    (root / "tests" / "helpers.py").write_text("")
    _, hits, misses = run(root)
    assert hits == 0 and misses == 6


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
