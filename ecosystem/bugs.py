"""The bug corpus: real event-loop bugs in test code, each checked on its buggy and fixed version.

Each bug in ``ecosystem/bugs.toml`` names the rule(s) looplint should report and where. Its two
versions are either the PyPI sdists of the release that has the bug and of the release that fixed it
(``check = "sdist"``; downloaded, verified and cached, never committed), or a reproduction of the same
shape written here (``check = "repro"``; ``ecosystem/bugs/<id>/buggy`` and ``.../fixed``).

A bug is *found* when looplint reports one of its rules on every listed line of the buggy file, and
*clean* when none of its rules is reported in the fixed file (or, with ``fixed_lines``, inside that
range of it). looplint runs as a user runs it: the CLI, from the project's root, on the file.

Each tree is checked on a copy in a temporary directory outside this repository: looplint, like pytest,
walks up from the project for its configuration, and inside the repository it would reach looplint's own
``pyproject.toml`` (its pytest settings, e.g. ``asyncio_mode``) and change the result.

    python ecosystem/bugs.py                 # the full report; exit 1 when the target is missed
    python ecosystem/bugs.py ID [ID ...]     # some bugs only
"""

from __future__ import annotations

import argparse
import atexit
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:  # the sibling downloader, also when imported by the tests
    sys.path.insert(0, str(HERE))
REPO = HERE.parent
CORPUS = HERE / "bugs.toml"
REPRO_ROOT = HERE / "bugs"

#: every bug found in at least this share of the buggy versions, none reported in the fixed ones
TARGET_FOUND = 0.85

_TEXT_FINDING = re.compile(r"^(?P<file>.+?):(?P<row>\d+):(?P<col>\d+): (?P<code>[A-Z]{2}\d{3}) ")
KINDS_OF_CHECK = ("sdist", "repro")


@dataclass(frozen=True)
class Bug:
    id: str
    project: str
    upstream: str
    kind: str
    rules: tuple[str, ...]
    check: str
    file: str
    lines: tuple[int, ...]
    package: str = ""
    buggy: str = ""
    fixed: str = ""
    buggy_url: str = ""
    buggy_sha256: str = ""
    fixed_url: str = ""
    fixed_sha256: str = ""
    fixed_file: str = ""
    fixed_lines: tuple[int, int] | None = None
    source: str = ""
    note: str = ""

    @property
    def file_in_fixed(self) -> str:
        return self.fixed_file or self.file


@dataclass
class Outcome:
    bug: Bug
    found: bool = False
    clean: bool = False
    buggy_hits: list[tuple[int, str]] = field(default_factory=list)
    fixed_hits: list[tuple[int, str]] = field(default_factory=list)
    error: str = ""


class CorpusError(ValueError):
    """bugs.toml says something the checker cannot use."""


def load_bugs(path: Path = CORPUS) -> list[Bug]:
    with open(path, "rb") as handle:
        data = tomllib.load(handle)
    bugs: list[Bug] = []
    seen: set[str] = set()
    for entry in data.get("bug", []):
        bug = _bug_from_entry(entry)
        if bug.id in seen:
            raise CorpusError(f"{path.name}: bug id {bug.id!r} appears twice")
        seen.add(bug.id)
        bugs.append(bug)
    return bugs


def _bug_from_entry(entry: dict) -> Bug:
    ident = entry.get("id", "?")
    missing = [key for key in ("id", "project", "upstream", "kind", "rules", "check", "file", "lines")
               if key not in entry]
    if missing:
        raise CorpusError(f"bug {ident!r}: missing {', '.join(missing)}")
    if entry["check"] not in KINDS_OF_CHECK:
        raise CorpusError(f"bug {ident!r}: check must be one of {KINDS_OF_CHECK}, not {entry['check']!r}")
    sdist_keys = ("package", "buggy", "fixed", "buggy_url", "buggy_sha256", "fixed_url", "fixed_sha256")
    if entry["check"] == "sdist" and not all(entry.get(key) for key in sdist_keys):
        raise CorpusError(f"bug {ident!r}: an sdist check needs {', '.join(sdist_keys)}")
    if entry["check"] == "repro" and not entry.get("source"):
        raise CorpusError(f"bug {ident!r}: a reproduction needs its source")
    fixed_lines = entry.get("fixed_lines")
    known = set(Bug.__dataclass_fields__)
    unknown = set(entry) - known
    if unknown:
        raise CorpusError(f"bug {ident!r}: unknown keys {', '.join(sorted(unknown))}")
    return Bug(**{
        **entry,
        "rules": tuple(entry["rules"]),
        "lines": tuple(entry["lines"]),
        "fixed_lines": tuple(fixed_lines) if fixed_lines else None,
    })


def project_roots(bug: Bug) -> tuple[Path, Path]:
    """The buggy and the fixed project trees (sdists are fetched on first use)."""
    if bug.check == "repro":
        return REPRO_ROOT / bug.id / "buggy", REPRO_ROOT / bug.id / "fixed"
    fetch_sdist = _sdist_fetcher()
    return (fetch_sdist(bug.buggy_url, bug.buggy_sha256, bug.package, bug.buggy),
            fetch_sdist(bug.fixed_url, bug.fixed_sha256, bug.package, bug.fixed))


def _sdist_fetcher():
    """The ecosystem check's cached, verified downloader; the stop-gap until it is on main."""
    try:
        sys.path.insert(0, str(REPO))
        from ecosystem.fetch import fetch_sdist  # noqa: PLC0415
    except ImportError:
        from bugs_fetch import fetch_sdist  # noqa: PLC0415
    finally:
        sys.path.remove(str(REPO))
    return fetch_sdist


#: files that would make a directory above the staged copy part of its project or its pytest configuration
_CONFIG_NAMES = ("pytest.toml", ".pytest.toml", "pytest.ini", ".pytest.ini", "pyproject.toml", "tox.ini",
                 "setup.cfg", "setup.py", "conftest.py", ".git")
_staged: dict[Path, Path] = {}


def staged(root: Path) -> Path:
    """A copy of the project tree ``root`` in a fresh temporary directory outside this repository.

    One copy per tree and process (removed at exit). Refuses a temporary directory that sits inside the
    repository or below a directory holding a project or pytest configuration file, which would leak into
    the result the same way.
    """
    root = root.resolve()
    if root in _staged:
        return _staged[root]
    holder = Path(tempfile.mkdtemp(prefix="looplint-bug-")).resolve()
    atexit.register(shutil.rmtree, holder, True)
    if holder.is_relative_to(REPO):
        raise RuntimeError(f"the temporary directory {holder} is inside the repository {REPO}; set TMPDIR")
    for directory in holder.parents:
        leaking = [name for name in _CONFIG_NAMES if (directory / name).exists()]
        if leaking:
            raise RuntimeError(f"{directory} holds {', '.join(leaking)}: a copy under {holder} would read it; "
                               "set TMPDIR to a directory outside any project")
    copy = holder / root.name
    shutil.copytree(root, copy, symlinks=True, ignore=shutil.ignore_patterns(".looplint_cache"))
    _staged[root] = copy
    return copy


def looplint_findings(root: Path, relative_file: str) -> list[tuple[str, int, str]]:
    """(file, line, code) of every finding looplint reports on one file, run from the project root."""
    target = root / relative_file
    if not target.is_file():
        raise FileNotFoundError(f"{relative_file} is not in {root}")
    command = [sys.executable, "-m", "looplint", "check", "--exit-zero", "--no-progress", "--no-cache",
               relative_file]
    env = {**os.environ, "NO_COLOR": "1"}
    result = subprocess.run(command, cwd=root, capture_output=True, text=True, env=env, timeout=600)
    if result.returncode != 0:
        raise RuntimeError(f"looplint failed on {target} (exit {result.returncode}): {result.stderr.strip()}")
    findings = []
    for line in result.stdout.splitlines():
        match = _TEXT_FINDING.match(line)
        if match:
            findings.append((match["file"], int(match["row"]), match["code"]))
    return findings


def check_bug(bug: Bug) -> Outcome:
    outcome = Outcome(bug)
    try:
        buggy_root, fixed_root = (staged(root) for root in project_roots(bug))
        wanted = set(bug.rules)
        outcome.buggy_hits = [(row, code) for _, row, code in looplint_findings(buggy_root, bug.file)
                              if code in wanted]
        hit_lines = {row for row, _ in outcome.buggy_hits}
        outcome.found = all(line in hit_lines for line in bug.lines)
        fixed = [(row, code) for _, row, code in looplint_findings(fixed_root, bug.file_in_fixed)
                 if code in wanted]
        if bug.fixed_lines:
            low, high = bug.fixed_lines
            fixed = [(row, code) for row, code in fixed if low <= row <= high]
        outcome.fixed_hits = fixed
        outcome.clean = not fixed
    except Exception as error:  # one broken bug must not hide the others' results
        outcome.error = f"{type(error).__name__}: {error}"
    return outcome


def report(outcomes: list[Outcome], out=None) -> bool:
    """Print one line per bug and the totals beside the target; True when the target is met."""
    out = out or sys.stdout
    width = max((len(o.bug.id) for o in outcomes), default=10)
    for o in outcomes:
        if o.error:
            status = f"ERROR  {o.error}"
        else:
            found = "found" if o.found else "MISSED"
            clean = "clean in fixed" if o.clean else f"REPORTED IN FIXED at {_lines(o.fixed_hits)}"
            where = f"(buggy: {_lines(o.buggy_hits) or 'nothing'}; want {','.join(o.bug.rules)} "
            where += f"at {','.join(map(str, o.bug.lines))})"
            status = f"{found:6}  {clean}  {where}"
        print(f"{o.bug.id:{width}}  {o.bug.check:5}  {status}", file=out)
    total = len(outcomes)
    found = sum(o.found and not o.error for o in outcomes)
    dirty = sum((not o.clean) and not o.error for o in outcomes)
    errors = sum(bool(o.error) for o in outcomes)
    share = found / total if total else 0.0
    met = total > 0 and share >= TARGET_FOUND and dirty == 0 and errors == 0
    print(f"\nbugs: {total}; found in the buggy version: {found}/{total} ({share:.0%}, target >= "
          f"{TARGET_FOUND:.0%}); reported in the fixed version: {dirty} (target 0); errors: {errors}"
          f" -> {'target met' if met else 'target missed'}", file=out)
    return met


def _lines(hits: list[tuple[int, str]]) -> str:
    return ", ".join(f"{code}@{row}" for row, code in hits)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("ids", nargs="*", help="check only these bugs")
    args = parser.parse_args(argv)
    bugs = load_bugs()
    if args.ids:
        unknown = set(args.ids) - {bug.id for bug in bugs}
        if unknown:
            parser.error(f"unknown bug ids: {', '.join(sorted(unknown))}")
        bugs = [bug for bug in bugs if bug.id in args.ids]
    outcomes = [check_bug(bug) for bug in bugs]
    return 0 if report(outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
