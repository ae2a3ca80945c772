"""`make truth`: run every rule's runtime examples for real and report.

    .venv/bin/python scripts/truth_report.py [--output docs/runtime-truth.md]
        [--rule CODE ...] [--env ENV ...] [--jobs 2] [--timeout 120] [--save-logs DIR]
    .venv/bin/python scripts/truth_report.py --venvs-only     # build/verify the runner venvs
    .venv/bin/python scripts/truth_report.py --lock           # re-resolve the pins (then review the diff)

Prints a table (rule, envs run, looplint reports it, symptom reproduced, fix
verified), writes it to docs/runtime-truth.md when every rule was run, and
exits 1 when any check failed. The checks are those of
tests/runtime/test_runtime_truth.py (see tests/runtime/harness.py).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from runtime import envs as envs_mod  # noqa: E402
from runtime.harness import Harness, case_keys, rule_verdict  # noqa: E402
from runtime.report import console_table, markdown  # noqa: E402


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--output", type=Path, default=None,
                        help="markdown report (default: docs/runtime-truth.md when every rule is run)")
    parser.add_argument("--rule", action="append", default=[], help="only this rule code (repeatable)")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=None, help="seconds per runner invocation")
    parser.add_argument("--env", action="append", default=[], help="only this env (repeatable; default: every env)")
    parser.add_argument("--save-logs", type=Path, default=None,
                        help="save each run's output and project as DIR/CODE-rtN-ENV/{run.log,project/} "
                        "(for `looplint triage`)")
    parser.add_argument("--venvs-only", action="store_true", help="build the runner venvs and stop")
    parser.add_argument("--lock", action="store_true", help="re-resolve every env's pins (newest matching)")
    args = parser.parse_args(argv)

    if args.lock:
        for env in envs_mod.ENVIRONMENTS.values():
            envs_mod.lock_env(env, log)
        return 0

    started = time.monotonic()
    from looplint.rules import all_rules

    rules = {rule.code: rule for rule in all_rules()}
    selected = [rules[c.upper()] for c in args.rule] if args.rule else list(rules.values())
    options = {"timeout": args.timeout} if args.timeout else {}
    unknown = [e for e in args.env if e not in envs_mod.ENVIRONMENTS]
    if unknown:
        parser.error(f"unknown env {unknown} (known: {', '.join(envs_mod.ENVIRONMENTS)})")
    harness = Harness(selected, jobs=args.jobs, log=log, save_logs=args.save_logs, **options)
    try:
        if args.venvs_only:
            harness.prepare_envs(envs_mod.ENVIRONMENTS)
            failed = False
            for name in envs_mod.ENVIRONMENTS:
                state = harness.env_status(name)
                if state is None:
                    log(f"[truth] {name}: skipped (no interpreter)")
                elif isinstance(state, Exception):
                    failed = True
                    log(f"[truth] {name}: FAILED: {state}")
                else:
                    log(f"[truth] {name}: {state.path}")
            log(f"[truth] venvs ready in {time.monotonic() - started:.1f}s")
            return 1 if failed else 0

        harness.prepare_envs(envs_mod.ENVIRONMENTS)  # so the report shows every env, built or skipped
        keys = [k for k in case_keys(selected) if not args.env or k.env in args.env]
        log(f"[truth] {len(selected)} rules, {len(keys)} runtime cases, {args.jobs} workers")
        harness.run(keys)
        verdicts = [rule_verdict(rule, harness, args.env or None) for rule in selected]
        env_states = harness.env_states()
        print(console_table(verdicts, rules))
        problems = [p for v in verdicts for p in v.problems]
        if problems:
            print("\nProblems:")
            for problem in problems:
                print(f"  - {problem}")
            results = harness.results()
            failing = sorted(key for key, r in results.items() if not r.ok and not r.skipped)
            for key in failing[:5]:
                print("\n" + results[key].failure_message())
            if len(failing) > 5:
                print(f"\n({len(failing) - 5} more failing cases: run `pytest tests/runtime -k CODE` for details)")
        output = args.output or (None if args.rule or args.env else REPO / "docs" / "runtime-truth.md")
        if output is not None:
            args.output = output
            args.output.parent.mkdir(parents=True, exist_ok=True)
            text = markdown(verdicts, rules, env_states, harness.results(), str(harness.workroot))
            args.output.write_text(text, encoding="utf-8")
            log(f"[truth] wrote {args.output.relative_to(REPO) if args.output.is_relative_to(REPO) else args.output}")
        timings = ", ".join(f"{k} {v:.1f}s" for k, v in harness.timings.items())
        log(f"[truth] finished in {time.monotonic() - started:.1f}s ({timings})")
        return 1 if problems else 0
    finally:
        harness.close()


if __name__ == "__main__":
    sys.exit(main())
