"""Benchmark of engine/parse.py's fallback (syntax newer than the running Python) vs the `ast.parse` floor.

Corpora: the standard library of CPython 3.14 and 3.15 (provisioned by `make pythons`), the
files of it that the running Python cannot parse (real code written in the newer syntax), and a
dense sample where nearly every line holds a newer construct (tests/engine/data), at two sizes
to show the cost grows with the file. Beside each figure:

- the floor: `ast.parse` of the same text as the running Python reads it (the rewritten text);
- the native floor: the newer Python's own `ast.parse` of the original files (its interpreter,
  in a subprocess).

CPU time (`time.process_time`), best of --runs, with the cyclic GC tuned as `looplint check`
tunes it (cli/run.py: a high first threshold): the default GC's full collections grow with every
live tree and would make any figure here superlinear. Target: the fallback within 3x the floor.

    python bench/parse_bench.py [--runs N]
"""

from __future__ import annotations

import argparse
import ast
import gc
import json
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from looplint.engine import parse as parse_mod  # noqa: E402
from runtime.envs import find_interpreter, provision_missing  # noqa: E402

TARGET_RATIO = 3.0
SAMPLE = REPO / "tests" / "engine" / "data" / "newer_syntax_315.py"

_NATIVE = r"""
import ast, json, sys, time
texts = json.load(sys.stdin)
runs = int(sys.argv[1])
best = None
for _ in range(runs):
    started = time.process_time()
    for text in texts:
        ast.parse(text)
    spent = time.process_time() - started
    best = spent if best is None else min(best, spent)
print(json.dumps(best))
"""


def best_cpu(function, runs: int) -> float:
    best = None
    for _ in range(runs):
        gc.collect()
        started = time.process_time()
        function()
        spent = time.process_time() - started
        best = spent if best is None else min(best, spent)
    return best or 0.0


def unreadable_stdlib(minor: str) -> tuple[Path | None, list[str]]:
    """(interpreter, the stdlib files of CPython `minor` that the running Python cannot parse)."""
    provision_missing([minor], lambda message: print(message, file=sys.stderr))
    found = find_interpreter(minor)
    if found is None:
        return None, []
    lib = found.path.resolve().parent.parent / "lib" / f"python{minor}"
    texts = []
    for path in sorted(lib.rglob("*.py")):
        if "site-packages" in path.parts or "dist-packages" in path.parts or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="surrogateescape")
        try:
            ast.parse(text)
        except SyntaxError:
            texts.append(text)
        except ValueError:
            continue
    return found.path, texts


def measure(label: str, texts: list[str], runs: int, native: Path | None) -> float:
    readable = []
    for text in texts:
        rewrite = parse_mod._rewrite(text)
        try:
            ast.parse(rewrite.result if rewrite is not None else text)
        except SyntaxError:
            continue  # test data of bad syntax: not valid on the newer Python either
        readable.append((text, rewrite.result if rewrite is not None else text))
    originals = [original for original, _ in readable]
    rewritten = [result for _, result in readable]
    fallback = best_cpu(lambda: [parse_mod.parse_module(t) for t in originals], runs)
    floor = best_cpu(lambda: [ast.parse(t) for t in rewritten], runs)
    lines = sum(t.count("\n") + 1 for t in originals)
    native_text = ""
    if native is not None:
        out = subprocess.run([str(native), "-I", "-c", _NATIVE, str(runs)], input=json.dumps(originals),
                             capture_output=True, text=True, timeout=600)
        if out.returncode == 0:
            native_text = f", native floor ({native.name}) {json.loads(out.stdout) * 1000:.0f} ms"
    ratio = fallback / floor if floor else float("inf")
    mark = "ok" if ratio <= TARGET_RATIO else f"over the {TARGET_RATIO:.0f}x target"
    print(f"{label}: {len(originals)} files, {lines:,} lines: fallback {fallback * 1000:.0f} ms, "
          f"ast.parse floor {floor * 1000:.0f} ms{native_text} -> {ratio:.2f}x the floor ({mark})")
    return ratio


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    gc.collect()
    gc.freeze()
    gc.set_threshold(100_000, 50, 100)  # as `looplint check` runs (cli/run.py)
    print(f"engine/parse.py fallback on CPython {sys.version.split()[0]} (CPU time, best of {args.runs})")
    for minor in ("3.14", "3.15"):
        native, texts = unreadable_stdlib(minor)
        if not texts:
            print(f"CPython {minor} standard library: not available (make pythons)")
            continue
        measure(f"CPython {minor} stdlib, unreadable here", texts, args.runs, native)
    sample = SAMPLE.read_text(encoding="utf-8")
    native315 = find_interpreter("3.15")
    for copies in (50, 200):
        measure(f"dense sample x{copies}", [sample * copies], args.runs, native315.path if native315 else None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
