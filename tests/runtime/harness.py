"""The runtime-truth harness: every rule's runtime examples, run for real.

For each rule x runtime example x environment:
  (a) `python -m looplint check --output-format json` in the example's folder
      must report the rule;
  (b) the real runner (unittest or pytest, in the env's venv) must print the
      documented symptoms, report the documented outcome, and the sentinel must
      show whether the test body ran;
  (c) `looplint check --fix --unsafe-fixes --select CODE` is applied, looplint
      must no longer report the rule, and the runner must then report
      `fixed_outcome`, run every sentinel, and print none of the symptoms.
Per rule, every `Rule.symptoms` line must have been printed in every env it
names, so the hover text cannot drift from what the runners really print.

looplint runs as a subprocess of the interpreter running this harness (the
project's `.venv`); the runners run in venvs without looplint
(see envs.py). Work happens in a fresh temporary folder per run.
"""

from __future__ import annotations

import difflib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from . import envs as envs_mod
from .envs import ENVIRONMENTS, BuiltEnv, Env
from .runners import (
    DEFAULT_TIMEOUT,
    OUTCOMES,
    RunnerResult,
    count_sentinels,
    run_runner,
    symptom_lines,
    write_files,
    read_files,
)

Log = Callable[[str], None]
RUNNERS = ("unittest", "pytest")
# Files pytest or looplint would pick up from a parent folder of an example.
_ANCESTOR_CONFIGS = ("pytest.ini", ".pytest.ini", "pyproject.toml", "tox.ini", "setup.cfg", "conftest.py")


@dataclass(frozen=True, order=True)
class Key:
    code: str
    index: int  # position in rule.runtime
    env: str

    def __str__(self) -> str:
        return f"{self.code} runtime[{self.index}] in {self.env}"


# -- static checks of what a rule declares ------------------------------------------


def declaration_problems(rule) -> list[str]:
    """What is wrong with a rule's runtime declarations before running anything."""
    problems: list[str] = []
    code = rule.code
    if rule.no_runtime_symptom:
        if rule.symptoms:
            problems.append(f"{code}: sets no_runtime_symptom but also lists symptoms")
        return problems
    if not rule.runtime:
        problems.append(
            f"{code}: has no runtime example; every rule needs at least one RuntimeExample "
            "(or `no_runtime_symptom` with the reason when it truly has none)"
        )
    covered: set[str] = set()
    for i, example in enumerate(rule.runtime):
        where = f"{code} runtime[{i}]"
        if example.runner not in RUNNERS:
            problems.append(f"{where}: runner {example.runner!r} is not one of {RUNNERS}")
        if example.path not in example.files:
            problems.append(f"{where}: the test module {example.path!r} is not in files {sorted(example.files)}")
        if sum(count_sentinels(text) for text in example.files.values()) == 0:
            problems.append(f"{where}: no `__SENTINEL__` line in the test body")
        for name, value in [("outcome", example.outcome), ("fixed_outcome", example.fixed_outcome),
                            *((f"env_outcomes[{k!r}]", v) for k, v in example.env_outcomes.items())]:
            if value not in OUTCOMES:
                problems.append(f"{where}: {name} {value!r} is not one of {OUTCOMES}")
        if not example.envs:
            problems.append(f"{where}: envs is empty")
        for env in example.envs:
            if env not in ENVIRONMENTS:
                problems.append(f"{where}: unknown env {env!r} (known: {', '.join(ENVIRONMENTS)})")
        for env in example.env_outcomes:
            if env not in example.envs:
                problems.append(f"{where}: env_outcomes names {env!r}, which is not in its envs {example.envs}")
        covered.update(example.envs)
        for symptom in example.symptoms:
            for env in symptom.envs:
                if env not in ENVIRONMENTS:
                    problems.append(f"{where}: symptom {symptom.output!r} names unknown env {env!r}")
            if not set(symptom.envs) & set(example.envs):
                problems.append(f"{where}: symptom {symptom.output!r} is for {symptom.envs}, none of which the "
                                f"example runs in ({example.envs})")
        if not example.symptoms and example.body_ran and all(
            example.outcome_in(env) == example.fixed_outcome for env in example.envs
        ):
            problems.append(f"{where}: shows nothing to fix (no symptom, the body runs, outcome == fixed_outcome)")
    for symptom in rule.symptoms:
        for env in symptom.envs:
            if env not in ENVIRONMENTS:
                problems.append(f"{code}: symptom {symptom.output!r} names unknown env {env!r} "
                                f"(known: {', '.join(ENVIRONMENTS)})")
            elif env not in covered:
                problems.append(f"{code}: symptom {symptom.output!r} claims env {env!r}, "
                                "but no runtime example runs there")
    return problems


def case_keys(rules: Iterable) -> list[Key]:
    return [
        Key(rule.code, i, env)
        for rule in rules
        if not rule.no_runtime_symptom
        for i, example in enumerate(rule.runtime)
        for env in example.envs
    ]


# -- results ------------------------------------------------------------------------


@dataclass
class LintStep:
    """looplint on one example, for one Python minor version."""

    python: str = ""
    project: Path | None = None
    found: bool = False
    before: list[dict] = field(default_factory=list)
    fixed_files: dict[str, str] | None = None  # project after the fix (None: no fix applied)
    after: list[dict] = field(default_factory=list)
    transcript: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # step (a)
    fix_problems: list[str] = field(default_factory=list)  # step (c), looplint's part


@dataclass
class CaseResult:
    key: Key
    skipped: str | None = None
    runner: str = ""
    lint: LintStep | None = None
    before: RunnerResult | None = None
    after: RunnerResult | None = None
    observed: dict[str, list[str]] = field(default_factory=dict)  # symptom output -> matching lines (before)
    lint_problems: list[str] = field(default_factory=list)  # step (a)
    problems: list[str] = field(default_factory=list)  # step (b)
    fix_status: str = "no fix"  # "verified" | "failed" | "no fix"
    fix_problems: list[str] = field(default_factory=list)  # step (c)
    files_before: dict[str, str] = field(default_factory=dict)
    files_after: dict[str, str] = field(default_factory=dict)
    test_path: str = ""

    @property
    def ok(self) -> bool:
        return self.skipped is None and not (self.lint_problems or self.problems or self.fix_problems)

    def failure_message(self) -> str:
        parts = [f"{self.key} (set LOOPLINT_TRUTH_KEEP=1 to keep the run folders):"]
        parts += [f"  - {p}" for p in self.lint_problems + self.problems + self.fix_problems]
        if self.lint is not None and (self.lint.problems or self.lint.fix_problems):
            parts.append("\nlooplint transcript:\n" + "\n".join(self.lint.transcript))
        for label, run, files in (("before the fix", self.before, self.files_before),
                                  ("after the fix", self.after, self.files_after)):
            if run is None:
                continue
            if run is self.before:
                parts.append(f"\n--- {self.test_path} (`__SENTINEL__` lines record that the body ran) ---")
                parts.append(files.get(self.test_path, "").rstrip())
            else:
                parts.append("\n--- the fix ---")
                parts.append(_diff(self.files_before, files).rstrip() or "(no change)")
            parts.append(
                f"--- {label}: `{' '.join(run.command)}` in {run.cwd}\n"
                f"    exit {run.returncode}, outcome {run.outcome!r}, sentinels run {run.sentinels_ran}, "
                f"{run.duration:.1f}s{' (TIMED OUT)' if run.timed_out else ''} ---"
            )
            parts.append(_clip(run.output))
        return "\n".join(parts)


def _diff(before: dict[str, str], after: dict[str, str]) -> str:
    out = []
    for name in sorted(set(before) | set(after)):
        old, new = before.get(name, ""), after.get(name, "")
        if old != new:
            out += difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True),
                                        f"a/{name}", f"b/{name}")
    return "".join(line if line.endswith("\n") else line + "\n" for line in out)


def _clip(text: str, limit: int = 300) -> str:
    lines = text.rstrip().splitlines()
    if len(lines) <= limit:
        return "\n".join(lines)
    return "\n".join(lines[: limit // 3] + [f"[... {len(lines) - limit} lines cut ...]"] + lines[-(2 * limit // 3):])


# -- the harness --------------------------------------------------------------------


def _looplint_pythonpath() -> str:
    """Where the looplint these tests import lives, so the CLI runs that same code."""
    import looplint

    return str(Path(looplint.__file__).resolve().parent.parent)


def default_looplint_command() -> list[str]:
    return [sys.executable, "-m", "looplint"]


class Harness:
    def __init__(
        self,
        rules: Iterable,
        *,
        jobs: int = 2,
        timeout: float = DEFAULT_TIMEOUT,
        looplint_command: list[str] | None = None,
        log: Log = print,
        workroot: Path | None = None,
        keep: bool | None = None,
        save_logs: Path | None = None,
    ):
        self.rules = {rule.code: rule for rule in rules}
        self.jobs = max(1, jobs)
        self.timeout = timeout
        self.looplint_command = looplint_command or default_looplint_command()
        self.log = log
        self.keep = bool(os.environ.get("LOOPLINT_TRUTH_KEEP")) if keep is None else keep
        # Where each case's runner output (before the fix) and its project are saved, for
        # `looplint triage` (tests/runtime/test_triage_truth.py); None: not saved.
        self.save_logs = save_logs
        self._own_workroot = workroot is None
        self.workroot = workroot or Path(tempfile.mkdtemp(prefix="looplint-truth-"))
        _check_ancestors(self.workroot)
        self._lock = threading.Lock()
        self._envs: dict[str, BuiltEnv | None | Exception] = {}
        self._lint: dict[tuple[str, int, str], LintStep] = {}
        self._results: dict[Key, CaseResult] = {}
        self._counter = 0
        self.timings: dict[str, float] = {}

    def close(self) -> None:
        if self._own_workroot and not self.keep:
            shutil.rmtree(self.workroot, ignore_errors=True)

    # -- public --------------------------------------------------------------------
    def result(self, key: Key) -> CaseResult:
        if key not in self._results:
            self.run([key])
        return self._results[key]

    def results_for(self, code: str) -> list[CaseResult]:
        rule = self.rules[code]
        keys = case_keys([rule])
        self.run(keys)
        return [self._results[k] for k in keys]

    def env_states(self) -> dict[str, BuiltEnv | None | Exception]:
        """Envs prepared so far: a BuiltEnv, None (interpreter absent) or the build error."""
        return dict(self._envs)

    def results(self) -> dict[Key, CaseResult]:
        return dict(self._results)

    def env_status(self, name: str) -> BuiltEnv | None | Exception:
        self.prepare_envs([name])
        return self._envs[name]

    def prepare_envs(self, names: Iterable[str]) -> None:
        wanted = [n for n in dict.fromkeys(names) if n in ENVIRONMENTS and n not in self._envs]
        self._parallel([lambda n=n: self._prepare_env(ENVIRONMENTS[n]) for n in wanted])

    def run(self, keys: Iterable[Key]) -> None:
        """Compute the results of `keys` (envs and looplint first, then runners, in parallel)."""
        keys = [k for k in dict.fromkeys(keys) if k not in self._results]
        if not keys:
            return
        started = time.monotonic()
        env_names = sorted({k.env for k in keys if k.env in ENVIRONMENTS and k.env not in self._envs})
        wanted: dict[tuple[str, int], set[str]] = {}
        for k in keys:
            if k.env in ENVIRONMENTS and k.code in self.rules and k.index < len(self.rules[k.code].runtime):
                python = ENVIRONMENTS[k.env].python
                if (k.code, k.index, python) not in self._lint:
                    wanted.setdefault((k.code, k.index), set()).add(python)
        env_started = time.monotonic()
        tasks = [lambda n=n: self._prepare_env(ENVIRONMENTS[n]) for n in env_names]
        tasks += [lambda c=c, i=i, p=tuple(sorted(p)): self._lint_step(c, i, p) for (c, i), p in sorted(wanted.items())]
        self._parallel(tasks)
        self.timings["envs+looplint"] = self.timings.get("envs+looplint", 0) + time.monotonic() - env_started
        run_started = time.monotonic()
        done = [0]

        def one(key: Key) -> None:
            result = self._case(key)
            with self._lock:
                self._results[key] = result
                done[0] += 1
                state = "skipped" if result.skipped else ("ok" if result.ok else "FAILED")
                self.log(f"[truth] {done[0]}/{len(keys)} {key}: {state}")

        self._parallel([lambda k=k: one(k) for k in keys])
        self.timings["runners"] = self.timings.get("runners", 0) + time.monotonic() - run_started
        self.timings["total"] = self.timings.get("total", 0) + time.monotonic() - started

    # -- internals -----------------------------------------------------------------
    def _parallel(self, tasks: list[Callable[[], None]]) -> None:
        if not tasks:
            return
        with ThreadPoolExecutor(max_workers=self.jobs) as pool:
            for future in [pool.submit(task) for task in tasks]:
                future.result()

    def _workdir(self, label: str) -> Path:
        with self._lock:
            self._counter += 1
            path = self.workroot / f"{self._counter:04d}-{label}"
        path.mkdir(parents=True)
        return path

    def _prepare_env(self, env: Env) -> None:
        try:
            built = envs_mod.ensure_env(env, self.log)
            if built is None:
                self.log(f"[truth] SKIPPING env {env.name}: no CPython {env.python} interpreter on this machine")
        except Exception as exc:  # a broken build fails that env's cases, loudly
            self.log(f"[truth] env {env.name} could not be built: {exc}")
            built = exc
        with self._lock:
            self._envs[env.name] = built

    def _looplint(self, cwd: Path, *args: str) -> tuple[int | None, str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "PYTEST_", "LOOPLINT_"))}
        env.update(PYTHONPATH=_looplint_pythonpath(), PYTHONDONTWRITEBYTECODE="1", PYTHONIOENCODING="utf-8")
        # No cache: every step checks the project as it is (and writes nothing into it: a
        # `.looplint_cache/` in the project would count as a change the fix made).
        command = [*self.looplint_command, "check", "--no-cache", *args]
        try:
            out = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=self.timeout,
                                 stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired as exc:
            return None, str(exc.stdout or ""), f"timed out after {self.timeout}s"
        if "Traceback (most recent call last):" in out.stderr:
            return None, out.stdout, out.stderr  # a crash exits 1 too, like "problems found"
        return out.returncode, out.stdout, out.stderr

    def _lint_step(self, code: str, index: int, pythons: tuple[str, ...]) -> None:
        """looplint on one example for each Python version its envs use.

        `check` runs once per version (`--python-version`); the fix and the
        re-check run once per distinct set of diagnostics: identical reports
        (fix edits included) give identical fixes, so they share one.
        """
        rule = self.rules[code]
        example = rule.runtime[index]
        steps: dict[str, LintStep] = {}
        shared: dict[str, LintStep] = {}
        for python in pythons:
            step = LintStep()
            try:
                before = self._lint_check(rule, example, python, step)
                if before is not None and rule.fix_safety is not None and not example.fixable:
                    offered = [d for d in before if d.get("code") == code and d.get("fix") is not None]
                    if offered:
                        step.fix_problems.append(f"(c) looplint offers a fix for {code} on an example that says "
                                                 f"it has none: {offered[0]['fix'].get('message')!r}")
                elif before is not None and rule.fix_safety is not None:
                    signature = json.dumps(before, sort_keys=True)
                    if signature in shared:
                        reused = shared[signature]
                        step.fixed_files, step.after = reused.fixed_files, reused.after
                        step.fix_problems = list(reused.fix_problems)
                        step.transcript += [f"# same report as with --python-version {reused.python}: "
                                            "its fix and re-check apply here too", *reused.transcript[1:]]
                    else:
                        self._lint_fix(rule, example, python, step)
                        shared[signature] = step
            except Exception as exc:  # report, don't crash the whole run
                step.problems.append(f"looplint step crashed: {exc!r}")
            steps[python] = step
        with self._lock:
            for python, step in steps.items():
                self._lint[(code, index, python)] = step

    def _run_check(self, project: Path, python: str, step: LintStep, label: str) -> list[dict] | None:
        common = ("--no-progress", "--python-version", python)
        rc, out, err = self._looplint(project, "--output-format", "json", *common)
        step.transcript.append(f"$ looplint check --output-format json {' '.join(common)}   # {label}, exit {rc}"
                               f"\n{out.strip()}\n{err.strip()}".rstrip())
        if rc not in (0, 1):
            return None
        try:
            return json.loads(out)
        except ValueError:
            return None

    def _lint_check(self, rule, example, python: str, step: LintStep) -> list[dict] | None:
        """(a): the rule is reported on the example as written."""
        step.python = python
        project = self._workdir(f"lint-{rule.code}-{python}") / "project"
        write_files(project, _project_files(example))
        step.project = project
        before = self._run_check(project, python, step, "before the fix")
        if before is None:
            step.problems.append("(a) `looplint check --output-format json` crashed or failed (see the transcript)")
            return None
        step.before = before
        step.found = any(d.get("code") == rule.code for d in before)
        if not step.found:
            reported = sorted({d.get("code") for d in before})
            step.problems.append(
                f"(a) looplint does not report {rule.code} on the example (reported: {reported or 'nothing'})"
            )
        return before

    def _lint_fix(self, rule, example, python: str, step: LintStep) -> None:
        """(c), looplint's part: the fix changes the project and the rule no longer fires."""
        code = rule.code
        project = step.project
        files = _project_files(example)
        common = ("--no-progress", "--python-version", python)
        rc, out, err = self._looplint(project, "--fix", "--unsafe-fixes", "--select", code, *common)
        step.transcript.append(f"$ looplint check --fix --unsafe-fixes --select {code} {' '.join(common)}   # exit {rc}"
                               f"\n{out.strip()}\n{err.strip()}".rstrip())
        if rc not in (0, 1):
            why = "crashed or timed out" if rc is None else f"failed with exit {rc}"
            step.fix_problems.append(f"(c) `looplint check --fix --unsafe-fixes --select {code}` {why} "
                                     "(see the transcript)")
            return
        fixed = read_files(project)
        if fixed == files:
            step.fix_problems.append(f"(c) `looplint check --fix --unsafe-fixes --select {code}` changed nothing")
            return
        step.fixed_files = fixed
        after = self._run_check(project, python, step, "after the fix")
        if after is None:
            step.fix_problems.append("(c) looplint check failed after the fix (see the transcript)")
            return
        step.after = after
        still = [d for d in after if d.get("code") == code]
        if still:
            where = ", ".join(f"{d['filename']}:{d['location']['row']}" for d in still)
            step.fix_problems.append(f"(c) looplint still reports {code} after its fix ({where})")

    def _case(self, key: Key) -> CaseResult:
        result = CaseResult(key)
        try:
            self._case_inner(key, result)
        except Exception as exc:
            result.problems.append(f"harness error: {exc!r}")
        return result

    def _case_inner(self, key: Key, result: CaseResult) -> None:
        rule = self.rules.get(key.code)
        if rule is None or key.index >= len(rule.runtime):
            result.problems.append(f"{key}: no such runtime example")
            return
        example = rule.runtime[key.index]
        result.runner = example.runner
        result.test_path = example.path
        env = ENVIRONMENTS.get(key.env)
        if env is None:
            result.problems.append(f"unknown env {key.env!r} (known: {', '.join(ENVIRONMENTS)})")
            return
        if key.env not in self._envs:
            self._prepare_env(env)
        built = self._envs[key.env]
        if built is None:
            result.skipped = f"no CPython {env.python} interpreter on this machine"
            return
        if isinstance(built, Exception):
            result.problems.append(f"env {key.env} could not be built: {built}")
            return
        lint_key = (key.code, key.index, env.python)
        if lint_key not in self._lint:
            self._lint_step(key.code, key.index, (env.python,))
        lint = result.lint = self._lint[lint_key]
        result.lint_problems += lint.problems

        # (b) the real runner, before the fix
        result.files_before = _project_files(example)
        before = result.before = run_runner(
            built.python, example.runner, result.files_before, example.path,
            self._workdir(f"run-{key.code}-{key.env}-before"), self.timeout,
        )
        if self.save_logs is not None:
            save_log(self.save_logs, key, example.runner, result.files_before, before.output)
        expected = example.outcome_in(key.env)
        if before.timed_out:
            result.problems.append(f"(b) the runner timed out after {self.timeout:.0f}s")
        elif before.outcome != expected:
            result.problems.append(f"(b) outcome {before.outcome!r}, the example says {expected!r}")
        total = sum(count_sentinels(t) for t in result.files_before.values())
        ran = set(before.sentinels_ran)
        if example.body_ran and len(ran) < total:
            result.problems.append(f"(b) the example says the body runs, but only {len(ran)} of {total} "
                                   "__SENTINEL__ lines ran")
        if not example.body_ran and ran:
            result.problems.append(f"(b) the example says the body never runs, but {len(ran)} of {total} "
                                   "__SENTINEL__ lines ran")
        for symptom in _symptoms_for(example.symptoms, key.env):
            lines = symptom_lines(symptom.output, before.output)
            result.observed[symptom.output] = lines
            if not lines:
                result.problems.append(f"(b) symptom not printed: {symptom.output!r} ({symptom.when})")
        for symptom in _symptoms_for(rule.symptoms, key.env):  # for the per-rule coverage check
            result.observed.setdefault(symptom.output, symptom_lines(symptom.output, before.output))

        # (c) the fix
        if rule.fix_safety is None or not example.fixable:
            result.fix_problems += lint.fix_problems
            result.fix_status = "no fix"
            return
        result.fix_problems += lint.fix_problems
        if lint.fixed_files is None:
            result.fix_status = "failed"
            if not result.fix_problems:
                result.fix_problems.append("(c) no fixed project to run")
            return
        result.files_after = lint.fixed_files
        after = result.after = run_runner(
            built.python, example.runner, lint.fixed_files, example.path,
            self._workdir(f"run-{key.code}-{key.env}-after"), self.timeout,
        )
        if after.timed_out:
            result.fix_problems.append(f"(c) after the fix the runner timed out after {self.timeout:.0f}s")
        elif after.outcome != example.fixed_outcome:
            result.fix_problems.append(f"(c) after the fix the outcome is {after.outcome!r}, "
                                       f"expected {example.fixed_outcome!r}")
        total_after = sum(count_sentinels(t) for t in lint.fixed_files.values())
        if total_after == 0:
            result.fix_problems.append("(c) the fix removed every __SENTINEL__ line")
        elif len(set(after.sentinels_ran)) < total_after:
            result.fix_problems.append(f"(c) after the fix only {len(set(after.sentinels_ran))} of {total_after} "
                                       "__SENTINEL__ lines ran: the test body still does not run")
        seen = set()
        for symptom in [*_symptoms_for(example.symptoms, key.env), *_symptoms_for(rule.symptoms, key.env)]:
            if symptom.output in seen:
                continue
            seen.add(symptom.output)
            lines = symptom_lines(symptom.output, after.output)
            if lines:
                result.fix_problems.append(f"(c) symptom still printed after the fix: {symptom.output!r}: {lines[0]!r}")
        result.fix_status = "failed" if result.fix_problems else "verified"


def log_folder(root: Path, key: Key) -> Path:
    return root / f"{key.code}-rt{key.index}-{key.env}"


def save_log(root: Path, key: Key, runner: str, files: dict[str, str], output: str) -> Path:
    """`<root>/<CODE>-rt<i>-<env>/run.log` (what the runner printed) beside `project/` (the example)."""
    folder = log_folder(root, key)
    if folder.exists():
        shutil.rmtree(folder)
    write_files(folder / "project", files)
    (folder / "run.log").write_text(output, encoding="utf-8")
    (folder / "runner.txt").write_text(runner + "\n", encoding="utf-8")
    return folder / "run.log"


def _symptoms_for(symptoms, env: str):
    return [s for s in symptoms if env in s.envs]


def _project_files(example) -> dict[str, str]:
    files = dict(example.files)
    # A root marker keeps looplint's and pytest's root at the example's folder
    # (an empty pyproject.toml configures neither).
    if not any(name in files for name in ("pyproject.toml", "setup.cfg", "setup.py")):
        files["pyproject.toml"] = ""
    return files


def _check_ancestors(workroot: Path) -> None:
    """A pytest.ini (or similar) above the work folder would change how pytest runs the examples."""
    for directory in workroot.resolve().parents:
        for name in _ANCESTOR_CONFIGS:
            if (directory / name).exists():
                raise RuntimeError(
                    f"{directory / name} exists above the runtime-truth work folder {workroot}; pytest would pick "
                    "it up. Remove it or point TMPDIR elsewhere."
                )


# -- per-rule verdicts --------------------------------------------------------------


def symptom_coverage_problems(rule, results: list[CaseResult], env_state: Callable[[str], object],
                              only_envs: Iterable[str] | None = None) -> list[str]:
    """Every `Rule.symptoms` line printed (before the fix) in every env it names (of `only_envs`, when given)."""
    problems = []
    only = set(only_envs) if only_envs is not None else None
    for symptom in rule.symptoms:
        for env in symptom.envs:
            if only is not None and env in ENVIRONMENTS and env not in only:
                continue
            if env not in ENVIRONMENTS:
                problems.append(f"symptom {symptom.output!r} names unknown env {env!r}")
                continue
            runs = [r for r in results if r.key.env == env]
            if not runs:
                problems.append(f"symptom {symptom.output!r} ({symptom.when}) claims env {env!r}, "
                                "but no runtime example runs there")
                continue
            if all(r.skipped for r in runs):
                continue  # interpreter absent: reported as skipped
            if not any(r.observed.get(symptom.output) for r in runs if r.before is not None):
                problems.append(f"symptom {symptom.output!r} ({symptom.when}) was not printed in {env} "
                                "by any runtime example")
    return problems


@dataclass
class RuleVerdict:
    code: str
    envs_run: list[str]
    envs_skipped: list[str]
    diagnostic: str  # "yes" | "no" | "-"
    symptom: str  # "yes" | "no" | "exempt"
    fix: str  # "yes" | "no" | "no fix" | "-"
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


def rule_verdict(rule, harness: Harness, only_envs: Iterable[str] | None = None) -> RuleVerdict:
    declared = declaration_problems(rule)
    if rule.no_runtime_symptom and not declared:
        return RuleVerdict(rule.code, [], [], "-", "exempt", "-", [])
    if only_envs is None:
        results = harness.results_for(rule.code) if rule.runtime else []
    else:
        keys = [k for k in case_keys([rule]) if k.env in set(only_envs)]
        harness.run(keys)
        results = [harness.result(k) for k in keys]
    ran = [r for r in results if not r.skipped]
    envs_run = sorted({r.key.env for r in ran}, key=list(ENVIRONMENTS).index)
    envs_skipped = sorted({r.key.env for r in results if r.skipped} - set(envs_run),
                          key=lambda e: list(ENVIRONMENTS).index(e) if e in ENVIRONMENTS else 99)
    coverage = symptom_coverage_problems(rule, results, harness.env_status, only_envs)
    before_ok = bool(ran) and all(not r.problems for r in ran) and not coverage and not declared
    diagnostic = "yes" if ran and all(r.lint and r.lint.found for r in ran) else "no"
    fixed = [r for r in ran if rule.runtime[r.key.index].fixable]
    if rule.fix_safety is None:
        fix = "no fix"
    else:
        fix = "yes" if fixed and all(r.fix_status == "verified" for r in fixed) else "no"
    problems = list(declared) + [f"{rule.code}: {p}" for p in coverage]
    for r in results:
        problems += [f"{r.key}: {p}" for p in r.lint_problems + r.problems + r.fix_problems]
    return RuleVerdict(rule.code, envs_run, envs_skipped, diagnostic, "yes" if before_ok else "no", fix, problems)
