"""Running a project with a real test runner and reading what it reported.

Everything here is about the runner's own output: the outcome comes from
unittest's final `OK`/`FAILED (...)` line or pytest's summary line, symptoms
are matched against the printed lines, and the sentinel file tells which
`__SENTINEL__` lines executed.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

SENTINEL = "__SENTINEL__"
SENTINEL_VAR = "LOOPLINT_TRUTH_SENTINEL"
_SENTINEL_LINE = re.compile(rf"^([ \t]*){SENTINEL}[ \t]*(#[^\r\n]*)?(\r?\n|\r)?$")

OUTCOMES = ("passed", "failed", "error", "skipped", "xfailed", "collection-error")
DEFAULT_TIMEOUT = float(os.environ.get("LOOPLINT_TRUTH_TIMEOUT", "120"))


# -- sentinel ---------------------------------------------------------------------------


def sentinel_statement(index: int) -> str:
    # One line, same indentation, no name that outlives it in most scopes, no
    # unclosed file (which would print a ResourceWarning under -W default).
    return (
        f'with open(__import__("os").environ["{SENTINEL_VAR}"], "a") as _looplint_sentinel: '
        f'_looplint_sentinel.write("{index}\\n")'
    )


def count_sentinels(text: str) -> int:
    return sum(1 for line in text.splitlines(keepends=True) if _SENTINEL_LINE.match(line))


def replace_sentinels(files: dict[str, str], start: int = 0) -> tuple[dict[str, str], int]:
    """Files with each `__SENTINEL__` line replaced; returns (files, how many)."""
    index = start
    out = {}
    for rel in sorted(files):
        lines = []
        for line in files[rel].splitlines(keepends=True):
            match = _SENTINEL_LINE.match(line)
            if match:
                lines.append(f"{match.group(1)}{sentinel_statement(index)}{match.group(3) or ''}")
                index += 1
            else:
                lines.append(line)
        out[rel] = "".join(lines)
    return out, index - start


def read_sentinel(path: Path) -> list[int]:
    if not path.exists():
        return []
    return [int(line) for line in path.read_text().split() if line.strip().isdigit()]


# -- symptoms ---------------------------------------------------------------------------


def symptom_regex(output: str) -> re.Pattern[str]:
    """`...` matches any run of characters; everything else literally."""
    return re.compile(".*?".join(re.escape(part) for part in output.split("...")))


def symptom_lines(output: str, text: str) -> list[str]:
    """The printed lines that show `output` (empty: not printed)."""
    pattern = symptom_regex(output)
    return [line for line in text.splitlines() if pattern.search(line)]


# -- outcomes ---------------------------------------------------------------------------

_UNITTEST_RESULT = re.compile(r"^(OK|FAILED|NO TESTS RAN)\b(?:\s*\((.*)\))?\s*$")
_UNITTEST_RAN = re.compile(r"^Ran (\d+) tests? in ")
_PYTEST_COUNT = re.compile(r"(\d+) (passed|failed|errors?|skipped|xfailed|xpassed|deselected|warnings?|rerun)\b")
# pytest 9 adds multi-word counts such as "2 subtests passed".
_PYTEST_SUMMARY = re.compile(r"^=*\s*(?:no tests ran|(?:\d+ \w+(?: \w+)?(?:, )?)+)(?: in [\d.]+s.*)?\s*=*$")


def unittest_outcome(text: str, returncode: int | None = None) -> str:
    lines = text.splitlines()
    ran = None
    result = None
    for line in lines:
        match = _UNITTEST_RAN.match(line.strip())
        if match:
            ran = int(match.group(1))
        match = _UNITTEST_RESULT.match(line.strip())
        if match:
            result = match
    if result is None:
        return "crashed"
    if result.group(1) == "NO TESTS RAN" or ran == 0:
        return "no-tests"
    counts = {}
    for item in (result.group(2) or "").split(","):
        if "=" in item:
            key, value = item.split("=", 1)
            counts[key.strip()] = int(value)
    if result.group(1) == "OK":
        return "passed"
    if counts.get("errors"):
        return "error"
    return "failed"


def pytest_counts(text: str) -> dict[str, int] | None:
    """Counts from pytest's final summary line (None when there is none)."""
    for line in reversed(text.splitlines()):
        stripped = line.strip()
        if not stripped:
            continue
        if _PYTEST_SUMMARY.match(stripped) and (" in " in stripped or "no tests ran" in stripped):
            counts: dict[str, int] = {}
            for number, kind in _PYTEST_COUNT.findall(stripped):
                kind = {"errors": "error", "warnings": "warning", "warning": "warning"}.get(kind, kind)
                counts[kind] = counts.get(kind, 0) + int(number)
            return counts
    return None


def pytest_outcome(text: str, returncode: int | None = None) -> str:
    counts = pytest_counts(text)
    # "!!! Interrupted: 1 error during collection !!!", or with
    # --continue-on-collection-errors only the section header.
    if re.search(r"Interrupted: \d+ errors? during collection", text) or re.search(
        r"^_+ ERROR collecting .* _+$", text, re.MULTILINE
    ):
        return "collection-error"
    if counts is None:
        return {3: "internal-error", 4: "usage-error"}.get(returncode, "crashed")
    if counts.get("error"):
        return "error"
    if counts.get("failed"):
        return "failed"
    ran = {k: v for k, v in counts.items() if k in ("passed", "skipped", "xfailed", "xpassed") and v}
    if not ran:
        return "no-tests"
    if set(ran) == {"xfailed"}:
        return "xfailed"
    if set(ran) == {"skipped"}:
        return "skipped"
    return "passed"


# -- running --------------------------------------------------------------------------


@dataclass
class RunnerResult:
    command: list[str]
    cwd: Path
    returncode: int | None
    output: str  # stdout and stderr interleaved as printed
    duration: float
    timed_out: bool
    outcome: str
    sentinels_ran: list[int] = field(default_factory=list)


def runner_command(python: Path, runner: str, test_path: str) -> list[str]:
    if runner == "unittest":
        command = [str(python), "-W", "default", "-m", "unittest", "-v"]
        # Discovery from the project root finds top-level test modules; a
        # module in a folder is named explicitly (unittest accepts a path).
        if "/" in test_path:
            command.append(test_path)
        return command
    if runner == "pytest":
        return [str(python), "-m", "pytest", "-p", "no:cacheprovider", "-rA", "-q", "-W", "default"]
    raise ValueError(f"unknown runner {runner!r} (expected 'unittest' or 'pytest')")


def clean_env(venv: Path, home: Path, sentinel_file: Path) -> dict[str, str]:
    """A whitelisted environment: nothing from the test process leaks in."""
    return {
        "PATH": f"{venv / 'bin'}:/usr/local/bin:/usr/bin:/bin",
        "VIRTUAL_ENV": str(venv),
        "HOME": str(home),
        "TMPDIR": str(home),
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "PYTHONIOENCODING": "utf-8",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONNOUSERSITE": "1",
        "PYTHONHASHSEED": "0",
        "COLUMNS": "200",  # pytest cuts summary lines at the terminal width
        SENTINEL_VAR: str(sentinel_file),
    }


def run_process(command: list[str], cwd: Path, env: dict[str, str], timeout: float) -> tuple[int | None, str, float, bool]:
    """Run with a timeout; on timeout the whole process group is killed."""
    started = time.monotonic()
    process = subprocess.Popen(
        command, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        raw, _ = process.communicate(timeout=timeout)
        timed_out = False
    except subprocess.TimeoutExpired:
        with _suppress_process_lookup():
            os.killpg(process.pid, signal.SIGKILL)
        raw, _ = process.communicate()
        timed_out = True
    return (None if timed_out else process.returncode), raw.decode("utf-8", "replace"), time.monotonic() - started, timed_out


class _suppress_process_lookup:
    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        return exc_type is not None and issubclass(exc_type, ProcessLookupError)


def run_runner(
    python: Path,
    runner: str,
    project_files: dict[str, str],
    test_path: str,
    workdir: Path,
    timeout: float = DEFAULT_TIMEOUT,
) -> RunnerResult:
    """Write the project (sentinels replaced) under workdir and run the runner in it."""
    project = workdir / "project"
    home = workdir / "home"
    home.mkdir(parents=True, exist_ok=True)
    files, _ = replace_sentinels(project_files)
    write_files(project, files)
    sentinel_file = workdir / "sentinel.log"
    venv = python.parent.parent
    command = runner_command(python, runner, test_path)
    returncode, output, duration, timed_out = run_process(
        command, project, clean_env(venv, home, sentinel_file), timeout
    )
    if timed_out:
        outcome = "timeout"
    elif runner == "unittest":
        outcome = unittest_outcome(output, returncode)
    else:
        outcome = pytest_outcome(output, returncode)
    return RunnerResult(command, project, returncode, output, duration, timed_out, outcome, read_sentinel(sentinel_file))


def write_files(root: Path, files: dict[str, str]) -> None:
    root.mkdir(parents=True, exist_ok=True)
    for rel, content in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "w", encoding="utf-8", newline="") as handle:
            handle.write(content)


def read_files(root: Path, names: list[str] | None = None) -> dict[str, str]:
    """Text files under root (relative posix path -> content)."""
    out = {}
    for path in sorted(root.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            rel = path.relative_to(root).as_posix()
            if names is None or rel in names:
                with open(path, encoding="utf-8", newline="") as handle:
                    out[rel] = handle.read()
    return out
