"""Fix benchmark: `--fix` on a big file with a few fixes, beside the `ast.parse` floor.

The file is made from CPython's own test_asyncio modules (shipped with every full CPython):
about 96 KB of real test code, plus a test case with four blocking sleeps whose fixes are
applied. A fix pass must cost O(file) per batch of fixes, not a re-parse per fix: the target
is under 0.5 s for the whole `fix_file_text` (lint, fix, lint again), floor printed beside it.
The time is also split: the two checks (detection, the same as `looplint check` pays) and the
fix work proper (building the fixes with libcst, applying them, checking the result parses).

    python bench/fix_bench.py [--runs N]
"""

from __future__ import annotations

import argparse
import ast
import statistics
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

TARGET_SECONDS = 0.5
SIZE = 96 * 1024


def big_file() -> str:
    corpus = Path(sysconfig.get_paths()["stdlib"]) / "test" / "test_asyncio"
    text = (corpus / "test_base_events.py").read_text(encoding="utf-8")
    extra = (corpus / "test_unix_events.py").read_text(encoding="utf-8")
    text += "\n\n" + "\n".join(line for line in extra.splitlines() if not line.startswith(("import", "from")))
    text = text[:SIZE]
    while True:  # cut at a line where the text parses
        try:
            ast.parse(text)
            break
        except SyntaxError:
            text = text[: text.rfind("\n")]
    return text + (
        "\n\nimport time as _time\nimport unittest as _unittest\n\n\nclass FixMe(_unittest.IsolatedAsyncioTestCase):\n"
        + "".join(f"    async def test_{i}(self):\n        _time.sleep(0.{i + 1})\n\n" for i in range(4))
    )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "server"))
    from looplint.engine.fixer import fix_text
    from looplint.engine.source import Source
    from looplint.engine.workspace import Engine
    from looplint.rules import all_rules

    text = big_file()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "pyproject.toml").write_text("")
        path = root / "test_big.py"
        path.write_text(text)
        fixes, floors, checks, applied = [], [], [], 0
        for _ in range(args.runs):
            start = time.perf_counter()
            ast.parse(text)
            floors.append(time.perf_counter() - start)
            engine = Engine(all_rules())
            start = time.perf_counter()
            outcome = engine.fix_file_text(path, text, unsafe=True)
            fixes.append(time.perf_counter() - start)
            applied = len(outcome.applied)
            # The same pass with its checks timed (what Engine.fix_file_text does for a .py file).
            engine = Engine(all_rules())
            checker = engine.checker_for(engine.project_for(path))
            spent = [0.0]

            def lint(current: str):
                begin = time.perf_counter()
                found = checker.check_source(path, Source(current, path)).diagnostics
                spent[0] += time.perf_counter() - begin
                return found

            start = time.perf_counter()
            fix_text(text, lint, engine.rules_by_code, unsafe=True)
            checks.append((spent[0], time.perf_counter() - start - spent[0]))
    fix, floor = statistics.median(fixes), statistics.median(floors)
    check_part = statistics.median(c for c, _ in checks)
    fix_part = statistics.median(f for _, f in checks)
    verdict = "ok" if fix <= TARGET_SECONDS else "over target"
    print(f"fix: {len(text) // 1024} KB, {applied} fixes applied: {fix * 1000:.0f} ms "
          f"(ast.parse floor {floor * 1000:.0f} ms, {fix / floor:.0f}x; target <= {TARGET_SECONDS * 1000:.0f} ms: {verdict})")
    print(f"     of which the two checks {check_part * 1000:.0f} ms ({check_part / floor:.1f}x the floor), "
          f"the fix work {fix_part * 1000:.0f} ms ({fix_part / floor:.1f}x the floor)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
