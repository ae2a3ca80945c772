"""CLI benchmark: `looplint check` end to end vs. the `ast.parse` floor on the same files.

Corpus: CPython's own test package (shipped with every full CPython install;
thousands of real test modules, test_asyncio included). Both figures are
measured in the same run, on the same files; the ratios are what the targets
are about: a check from scratch (`--no-cache`) <= 3x the floor, single process;
a warm run (every result from the cache, nothing changed) <= 0.2x the floor.
The warm run is measured on the corpus where it is (whatever project it belongs
to: a pyenv checkout's stdlib is inside the pyenv git repository), with the
cache in a temporary folder; a run after editing one module that many others
import is measured on a copy of the corpus.

    python bench/cli_bench.py [--corpus DIR] [--runs N]
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import resource
import statistics
import subprocess
import sys
import shutil
import sysconfig
import tempfile
import time
from pathlib import Path

TARGET_RATIO = 3.0
WARM_TARGET_RATIO = 0.2
# Imported by most of test_asyncio's modules: an edit there re-checks them (and only them).
EDITED_MODULE = Path("test_asyncio") / "utils.py"


def corpus_files(corpus: Path) -> list[Path]:
    files = []
    for directory, dirnames, filenames in os.walk(corpus):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
        files.extend(Path(directory) / f for f in sorted(filenames) if f.endswith(".py"))
    return files


def parse_floor(files: list[Path]) -> tuple[float, float]:
    """(wall, CPU) seconds to read and ast.parse every file; files that do not parse count as read."""
    start, cpu = time.perf_counter(), time.process_time()
    for path in files:
        try:
            ast.parse(path.read_bytes())
        except (SyntaxError, ValueError):
            pass
    return time.perf_counter() - start, time.process_time() - cpu


def run_looplint(corpus: Path, jobs: int, output_format: str = "text", cache_dir: Path | None = None
                 ) -> tuple[float, float, int, int]:
    """Wall seconds, CPU seconds (all processes), peak RSS (KiB) of the child, number of diagnostics.

    Without `cache_dir`, a check from scratch (`--no-cache`)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    before, cpu_before = usage.ru_maxrss, usage.ru_utime + usage.ru_stime
    start = time.perf_counter()
    cache = ["--cache-dir", str(cache_dir)] if cache_dir else ["--no-cache"]
    # Bytecode is written as in any install (a session may have turned that off).
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    result = subprocess.run(
        [sys.executable, "-m", "looplint", "check", "--no-progress", "--output-format", output_format,
         "--jobs", str(jobs), *cache, str(corpus)],
        capture_output=True,
        text=True,
        env=env,
    )
    elapsed = time.perf_counter() - start
    if result.returncode not in (0, 1):
        sys.exit(f"looplint failed ({result.returncode}):\n{result.stderr[-2000:]}")
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = usage.ru_utime + usage.ru_stime - cpu_before
    if output_format == "json":
        found = len(json.loads(result.stdout or "[]"))
    else:
        found = sum(1 for line in result.stdout.splitlines() if ": " in line and line.split(": ", 1)[1][:2].isalpha()
                    and line.split(": ", 1)[1][2:5].isdigit())
    return elapsed, cpu, max(usage.ru_maxrss, before), found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=Path(sysconfig.get_paths()["stdlib"]) / "test")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    files = corpus_files(args.corpus)
    lines = sum(p.read_bytes().count(b"\n") for p in files)
    print(f"corpus: {args.corpus} — {len(files)} files, {lines:,} lines; Python {sys.version.split()[0]}; "
          f"{os.cpu_count()} cores; median of {args.runs} runs")

    floors = [parse_floor(files) for _ in range(args.runs)]
    floor_wall = statistics.median(f[0] for f in floors)
    floor_cpu = statistics.median(f[1] for f in floors)
    per_kloc = 1e6 / lines
    print(f"  ast.parse floor (read + parse, 1 process): wall {floor_wall:6.2f} s, CPU {floor_cpu:6.2f} s "
          f"({floor_cpu * per_kloc:.1f} ms CPU / 1,000 lines)")

    ok = True
    # JSON also builds every fix's edits (with libcst, for the files that have fixable findings).
    for jobs, output_format in ((1, "text"), (2, "text"), (1, "json")):
        runs = [run_looplint(args.corpus, jobs, output_format) for _ in range(args.runs)]
        wall = statistics.median(r[0] for r in runs)
        cpu = statistics.median(r[1] for r in runs)
        peak_mb = max(r[2] for r in runs) / 1024
        found = runs[-1][3]
        # CPU time is compared (the machine may be shared); wall time is shown too.
        ratio = cpu / floor_cpu
        verdict = ""
        if jobs == 1:  # the target holds for text and JSON output alike
            verdict = "  OK" if ratio <= TARGET_RATIO else f"  MISSED (target <= {TARGET_RATIO:.0f}x)"
            ok = ok and ratio <= TARGET_RATIO
        label = f"--jobs {jobs}" + (" --output-format json" if output_format == "json" else "")
        print(
            f"  looplint check {label:<27}: wall {wall:6.2f} s ({wall / floor_wall:4.2f}x floor wall), "
            f"CPU {cpu:6.2f} s = {ratio:4.2f}x the floor; peak RSS {peak_mb:4.0f} MB; {found} diagnostics{verdict}"
        )
    print(f"target: looplint check --no-cache (text and JSON output) <= {TARGET_RATIO:.0f}x the ast.parse floor, "
          "single process, end to end with start-up")

    ok = warm_runs(args.corpus, args.runs, floor_wall, floor_cpu) and ok
    return 0 if ok else 1


def warm_runs(corpus: Path, runs: int, floor_wall: float, floor_cpu: float) -> bool:
    """The cache: a warm run where nothing changed, and one after editing a widely imported module."""
    with tempfile.TemporaryDirectory(prefix="looplint-bench-cache-") as tmp:
        cache_dir = Path(tmp) / "cache"
        cold = run_looplint(corpus, 1, cache_dir=cache_dir)  # fills the cache
        warm = [run_looplint(corpus, 1, cache_dir=cache_dir) for _ in range(runs)]
        wall = statistics.median(r[0] for r in warm)
        cpu = statistics.median(r[1] for r in warm)
        ratio = cpu / floor_cpu
        ok = ratio <= WARM_TARGET_RATIO and warm[-1][3] == cold[3]
        verdict = "  OK" if ratio <= WARM_TARGET_RATIO else f"  MISSED (target <= {WARM_TARGET_RATIO}x)"
        if warm[-1][3] != cold[3]:
            verdict += f"  WRONG: {warm[-1][3]} diagnostics warm, {cold[3]} cold"
        print(f"  looplint check, warm cache, nothing changed : wall {wall:6.2f} s ({wall / floor_wall:4.2f}x floor wall), "
              f"CPU {cpu:6.2f} s = {ratio:4.2f}x the floor; {warm[-1][3]} diagnostics{verdict}")

        # The copy is the `test` package of a project of its own (its imports resolve as in place).
        copy = Path(tmp) / "project" / corpus.name
        shutil.copytree(corpus, copy, ignore=shutil.ignore_patterns("__pycache__"))
        (copy.parent / "pyproject.toml").write_text("")
        edited = copy / EDITED_MODULE
        if edited.is_file():
            run_looplint(copy, 1, cache_dir=cache_dir)
            after = []
            for i in range(runs):
                with open(edited, "a", encoding="utf-8") as handle:
                    handle.write(f"\n# edited by the benchmark ({i})\n")
                after.append(run_looplint(copy, 1, cache_dir=cache_dir))
            wall = statistics.median(r[0] for r in after)
            cpu = statistics.median(r[1] for r in after)
            print(f"  looplint check, warm cache, {EDITED_MODULE} edited   : wall {wall:6.2f} s, "
                  f"CPU {cpu:6.2f} s = {cpu / floor_cpu:4.2f}x the floor (on a copy of the corpus)")
    print(f"target: a warm run with nothing changed <= {WARM_TARGET_RATIO}x the ast.parse floor, single process, "
          "end to end with start-up")
    return ok


if __name__ == "__main__":
    sys.exit(main())
