"""Focused tests for the work-around anti-pattern rules (AP001-AP003)."""

from __future__ import annotations

from pathlib import Path

from helpers import dedent, write_project

from looplint.engine.workspace import Engine
from looplint.rules import all_rules


def lint(tmp_path: Path, files: dict[str, str], path: str, code: str):
    root = write_project(tmp_path / "p", {k: dedent(v) for k, v in files.items()})
    result = Engine([rule for rule in all_rules() if rule.code == code]).check_file(root / path)
    assert result.problem is None, result.problem
    return [d for d in result.diagnostics if d.code == code]


def positions(found):
    return [(d.range.line, d.range.col + 1) for d in found]


def test_ap001_every_apply_call_and_import_only_without_call(tmp_path):
    files = {
        "tests/conftest.py": """
            import nest_asyncio
            import nest_asyncio as again

            nest_asyncio.apply()
            again.apply()
        """,
        "tests/test_only_import.py": """
            import nest_asyncio
        """,
    }
    assert positions(lint(tmp_path, files, "tests/conftest.py", "AP001")) == [(4, 1), (5, 1)]
    assert positions(lint(tmp_path / "b", files, "tests/test_only_import.py", "AP001")) == [(1, 8)]


def test_ap001_suppressed_with_noqa(tmp_path):
    files = {"conftest.py": "import nest_asyncio\nnest_asyncio.apply()  # noqa: AP001\n"}
    assert lint(tmp_path, files, "conftest.py", "AP001") == []


def test_ap002_thread_workers_bridge_only_the_callers_coroutine(tmp_path):
    files = {
        "tests/test_t.py": """
            import asyncio
            import concurrent.futures
            import threading

            def drive(coro):
                return asyncio.run(coro)

            async def main():
                return 1

            def run_sync(coro):
                with concurrent.futures.ThreadPoolExecutor() as ex:
                    return ex.submit(drive, coro).result()

            def test_loops_in_threads():
                def own_loop():
                    loop = asyncio.new_event_loop()
                    try:
                        return loop.run_until_complete(main())
                    finally:
                        loop.close()
                with concurrent.futures.ThreadPoolExecutor() as ex:
                    assert [f.result() for f in [ex.submit(own_loop) for _ in range(2)]] == [1, 1]
                t = threading.Thread(target=lambda: asyncio.run(main()))
                t.start()
                t.join()
        """,
    }
    found = lint(tmp_path, files, "tests/test_t.py", "AP002")
    assert positions(found) == [(13, 16)]
    assert "drive" in found[0].message


def test_ap002_is_running_else_branch_and_negation(tmp_path):
    files = {
        "tests/helpers.py": """
            import asyncio

            def a(coro):
                loop = asyncio.get_event_loop()
                if not loop.is_running():
                    loop.run_until_complete(coro)
                else:
                    asyncio.ensure_future(coro)

            def b(coro):
                loop = asyncio.get_event_loop()
                if loop.is_running():
                    raise RuntimeError("await it")
                return loop.run_until_complete(coro)
        """,
        "tests/test_x.py": "from tests.helpers import a, b\n",
    }
    assert positions(lint(tmp_path, files, "tests/helpers.py", "AP002")) == [(5, 12)]


def test_ap003_local_flag_and_quiet_without_runner_marker(tmp_path):
    files = {
        "lib/x.py": """
            import asyncio, os, sys

            def go(coro):
                testing = "PYTEST_CURRENT_TEST" in os.environ
                if testing:
                    return asyncio.get_event_loop().run_until_complete(coro)
                debug = "DEBUG" in os.environ
                if debug:
                    return asyncio.run(coro)
                return None
        """,
    }
    found = lint(tmp_path, files, "lib/x.py", "AP003")
    assert positions(found) == [(5, 8)]
    assert found[0].severity.value == "info"
