#!/usr/bin/env python
"""Random edits on real test files, each re-check compared with a check from scratch.

    .venv/bin/python scripts/reuse_fuzz.py DIR_OR_FILE... [--steps 30] [--per-dir 8] [--seed 0]

The same driver as tests/engine/test_reuse.py (typing, lines inserted/deleted/moved,
`async`/`await` toggled, names changed, `conftest.py` and sibling modules edited in other
buffers), for longer runs on suites the tests do not carry. Files are opened where they
are, in their own project: edits stay in memory (editor overlays), nothing is written.
Prints every difference and a summary; exits 1 if there was any.
"""

from __future__ import annotations

import argparse
import random
import sys
import traceback
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "tests"), str(REPO / "tests" / "engine")]

import _pytest.outcomes  # noqa: E402
import test_reuse  # noqa: E402


def test_files(target: Path, per_dir: int, rng: random.Random) -> list[Path]:
    if target.is_file():
        return [target]
    found = sorted(
        f for f in target.rglob("test*.py") if f.stat().st_size < 150_000 and "async def" in f.read_text(errors="ignore")
    )
    rng.shuffle(found)
    return found[:per_dir]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("targets", nargs="+", type=Path)
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--per-dir", type=int, default=8, help="test files taken from each directory given")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    differences = checks = reused = files = 0
    for target in args.targets:
        for number, path in enumerate(test_files(target.resolve(), args.per_dir, random.Random(args.seed))):
            engine = test_reuse.Engine(test_reuse.all_rules(), lenient_config=True)
            buffer = test_reuse.Buffer(engine, path)
            neighbours = [path.parent / "conftest.py", *sorted(path.parent.glob("*.py"))[:3]]
            others = [test_reuse.Buffer(engine, p) for p in neighbours if p.exists() and p != path][:3]
            try:
                test_reuse.drive(buffer, path.read_text(), random.Random(args.seed + number), args.steps, others)
            except _pytest.outcomes.Failed as failure:
                differences += 1
                print(f"DIFFERENCE in {path}:\n{str(failure)[:4000]}", flush=True)
            except Exception:
                differences += 1
                print(f"ERROR in {path}:\n{traceback.format_exc()[-2500:]}", flush=True)
            files += 1
            checks += buffer.checks
            reused += buffer.reused_statements
    print(f"{files} files, {checks} checks, {reused} statements reused, {differences} with differences")
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
