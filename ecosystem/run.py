"""`make ecosystem`: run looplint on real projects and compare with the reviewed baseline.

    python ecosystem/run.py [NAME ...]       # every project of projects.toml, or these
        --quick                              # only the pinned subset (`quick = true`)
        --update                             # write what looplint reports now into the baseline;
                                             # findings not judged before become "unreviewed"
        --jobs N                             # looplint's --jobs (default: its own choice)
        --markdown                           # also print the table as markdown (for the README)

For each project the pinned sdist is fetched (ecosystem/fetch.py), looplint
(this repository's CLI, with ``--output-format json``) checks the whole
unpacked tree from its root, and every finding (code, file, line, message) is
matched against ``ecosystem/baseline/<project>.json``, where each one carries a
verdict after reading the code: ``true`` (a real problem), ``false`` (a false
positive) or ``"unreviewed"``. Exit status 1 when a finding is new, a baseline
finding is gone, or a finding is still unreviewed.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ecosystem.census import Census, census  # noqa: E402
from ecosystem.fetch import Project, fetch, load_projects, select  # noqa: E402

HERE = Path(__file__).resolve().parent
BASELINE = HERE / "baseline"
TARGET_FP_PER_100 = 0.5
UNREVIEWED = "unreviewed"


def looplint_command() -> list[str]:
    """This repository's CLI, run by the interpreter of its venv (or the current one)."""
    venv_python = HERE.parent / ".venv" / "bin" / "python"
    python = venv_python if venv_python.exists() else Path(sys.executable)
    return [str(python), "-m", "looplint"]


Key = tuple[str, str, int, str]


@dataclass
class Finding:
    code: str
    file: str
    line: int
    message: str
    verdict: bool | str = UNREVIEWED
    reason: str = ""
    previous: dict | None = None  # the verdict a finding at the same code/file/line had before
    severity: str = ""            # as reported (not part of the key: a severity change is no new finding)

    @property
    def key(self) -> Key:
        return (self.code, self.file, self.line, self.message)

    def to_json(self) -> dict:
        data = {"code": self.code, "file": self.file, "line": self.line, "message": self.message,
                "severity": self.severity, "verdict": self.verdict, "reason": self.reason}
        if self.previous:
            data["previous"] = self.previous
        return data


@dataclass
class Result:
    project: Project
    census: Census
    seconds: float
    findings: list[Finding]                     # as reported now, with the baseline's verdicts
    new: list[Finding] = field(default_factory=list)
    gone: list[Finding] = field(default_factory=list)
    error: str = ""

    def count(self, verdict: bool, severity: str | None = None) -> int:
        return sum(1 for f in self.findings
                   if f.verdict is verdict and (severity is None or f.severity == severity))

    @property
    def unreviewed(self) -> int:
        return sum(1 for f in self.findings if not isinstance(f.verdict, bool))

    @property
    def known_crash(self) -> bool:
        """looplint still crashes on a project listed as blocked by that crash."""
        return bool(self.error and self.project.blocked)

    @property
    def ok(self) -> bool:
        if self.known_crash:
            return True
        return not (self.error or self.new or self.gone or self.unreviewed)


def run_looplint(root: Path, jobs: int | None = None) -> tuple[list[Finding], float]:
    """looplint's findings on the whole tree at ``root`` (paths relative to it) and the wall time."""
    # --no-cache: every run is measured cold and nothing is written into the unpacked tree.
    command = looplint_command() + ["check", ".", "--output-format", "json", "--exit-zero", "--no-progress",
                                    "--no-cache"]
    if jobs:
        command += ["--jobs", str(jobs)]
    env = dict(os.environ)
    env.pop("VIRTUAL_ENV", None)  # the project's environment is what its files say, not ours
    started = time.perf_counter()
    proc = subprocess.run(command, cwd=root, capture_output=True, text=True, env=env)
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        raise RuntimeError(f"looplint exited {proc.returncode}: {proc.stderr.strip()[-2000:]}")
    prefix = str(root.resolve()) + os.sep
    findings = []
    for item in json.loads(proc.stdout or "[]"):
        filename = item["filename"].replace("\\", "/")
        if filename.startswith(prefix):
            filename = filename[len(prefix):]
        message = item["message"].replace(prefix, "")
        # A file looplint cannot read is reported with a null code: kept, under a name of its own.
        row = (item.get("location") or {}).get("row", 0)
        findings.append(Finding(item["code"] or "unreadable", filename, row, message,
                                severity=item.get("severity", "")))
    findings.sort(key=lambda f: (f.file, f.line, f.code, f.message))
    return findings, seconds


def baseline_path(project: Project) -> Path:
    return BASELINE / f"{project.name}.json"


def load_baseline(project: Project) -> list[Finding]:
    path = baseline_path(project)
    if not path.is_file():
        return []
    data = json.loads(path.read_text(encoding="utf-8"))
    return [Finding(d["code"], d["file"], d["line"], d["message"], d.get("verdict", UNREVIEWED),
                    d.get("reason", ""), d.get("previous"), d.get("severity", "")) for d in data["findings"]]


def write_baseline(project: Project, findings: list[Finding]) -> None:
    """One finding per line, so that a review shows up as a small diff."""
    BASELINE.mkdir(parents=True, exist_ok=True)
    lines = [json.dumps(f.to_json(), ensure_ascii=False) for f in findings]
    body = ",\n    ".join(lines)
    text = (f'{{"project": {json.dumps(project.name)}, "version": {json.dumps(project.version)},\n'
            f' "findings": [\n    {body}\n ]}}\n' if lines else
            f'{{"project": {json.dumps(project.name)}, "version": {json.dumps(project.version)},\n'
            f' "findings": []}}\n')
    baseline_path(project).write_text(text, encoding="utf-8")


def compare(current: list[Finding], baseline: list[Finding]) -> tuple[list[Finding], list[Finding], list[Finding]]:
    """(current findings with their verdicts, new findings, findings gone), matched as multisets of keys."""
    pool: dict[Key, list[Finding]] = {}
    for finding in baseline:
        pool.setdefault(finding.key, []).append(finding)
    judged, new = [], []
    for finding in current:
        matches = pool.get(finding.key)
        if matches:
            old = matches.pop(0)
            finding.verdict, finding.reason, finding.previous = old.verdict, old.reason, old.previous
        else:
            new.append(finding)
        judged.append(finding)
    gone = [f for remaining in pool.values() for f in remaining]
    return judged, new, gone


def carry_hints(new: list[Finding], gone: list[Finding]) -> None:
    """A new finding at the code/file/line of a gone one (its message changed) gets the old verdict as a hint."""
    by_place: dict[tuple[str, str, int], Finding] = {}
    for finding in gone:
        if isinstance(finding.verdict, bool):
            by_place.setdefault((finding.code, finding.file, finding.line), finding)
    for finding in new:
        old = by_place.get((finding.code, finding.file, finding.line))
        if old is not None:
            finding.previous = {"verdict": old.verdict, "reason": old.reason, "message": old.message}


def check_project(project: Project, *, jobs: int | None = None, update: bool = False) -> Result:
    root = fetch(project)
    counted = census(root, project.tests)
    try:
        current, seconds = run_looplint(root, jobs)
    except RuntimeError as exc:
        return Result(project, counted, 0.0, [], error=str(exc))
    judged, new, gone = compare(current, load_baseline(project))
    carry_hints(new, gone)
    if update:
        write_baseline(project, judged)
        return Result(project, counted, seconds, judged)
    return Result(project, counted, seconds, judged, new, gone)


def fp_per_100(false_positives: int, files: int) -> float:
    return 100.0 * false_positives / files if files else 0.0


COLUMNS = ("project", "version", "suite", "test files", "findings", "true (info)", "false", "unreviewed",
           "FP/100 files", "time (s)", "status")


def rows(results: list[Result]) -> list[tuple]:
    table = []
    for r in results:
        status = ("blocked: known crash" if r.known_crash else "error") if r.error else ("ok" if r.ok else
                                          f"{len(r.new)} new, {len(r.gone)} gone, {r.unreviewed} unreviewed")
        false = r.count(False)
        table.append((r.project.name, r.project.version, r.project.suite,
                      f"{r.census.total} ({r.census.test_modules}+{r.census.support_modules})",
                      len(r.findings), f"{r.count(True)} ({r.count(True, 'info')})", false, r.unreviewed,
                      f"{fp_per_100(false, r.census.total):.2f}", f"{r.seconds:.1f}", status))
    files = sum(r.census.total for r in results)
    modules = sum(r.census.test_modules for r in results)
    false = sum(r.count(False) for r in results)
    table.append((f"TOTAL ({len(results)} projects)", "", "", f"{files} ({modules}+{files - modules})",
                  sum(len(r.findings) for r in results),
                  f"{sum(r.count(True) for r in results)} ({sum(r.count(True, 'info') for r in results)})", false,
                  sum(r.unreviewed for r in results),
                  f"{fp_per_100(false, files):.2f} (target <= {TARGET_FP_PER_100})",
                  f"{sum(r.seconds for r in results):.1f}",
                  "ok" if all(r.ok for r in results) else "FAIL"))
    return table


def text_table(table: list[tuple]) -> str:
    cells = [COLUMNS] + [tuple(str(c) for c in row) for row in table]
    widths = [max(len(row[i]) for row in cells) for i in range(len(COLUMNS))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    lines.insert(len(lines) - 1, lines[1])
    return "\n".join(lines)


def markdown_table(table: list[tuple]) -> str:
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in table]
    return "\n".join(lines)


def describe(result: Result) -> str:
    lines = []
    if result.error:
        lines.append(f"  {result.project.name}: {result.error}")
    for finding in result.new:
        hint = f" (was {finding.previous['verdict']}: {finding.previous['reason']})" if finding.previous else ""
        lines.append(f"  new   {finding.file}:{finding.line}: {finding.code} {finding.message}{hint}")
    for finding in result.gone:
        lines.append(f"  gone  {finding.file}:{finding.line}: {finding.code} {finding.message}"
                     f" [{finding.verdict}]")
    for finding in result.findings:
        if not isinstance(finding.verdict, bool) and finding not in result.new:
            lines.append(f"  unreviewed  {finding.file}:{finding.line}: {finding.code} {finding.message}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("names", nargs="*")
    parser.add_argument("--quick", action="store_true", help="only the projects marked quick = true")
    parser.add_argument("--update", action="store_true", help="write the current findings into the baseline")
    parser.add_argument("--jobs", type=int, default=None, help="looplint --jobs")
    parser.add_argument("--markdown", action="store_true", help="also print the table as markdown")
    args = parser.parse_args(argv)

    projects = select(load_projects(), args.names)
    if args.quick:
        projects = [p for p in projects if p.quick]
    results = []
    for project in projects:
        print(f"{project.name} {project.version} ...", file=sys.stderr, flush=True)
        result = check_project(project, jobs=args.jobs, update=args.update)
        results.append(result)
        details = describe(result)
        if details:
            print(details, file=sys.stderr, flush=True)
    table = rows(results)
    print(text_table(table))
    if args.markdown:
        print()
        print(markdown_table(table))
    if args.update:
        print(f"\nbaseline written to {BASELINE.relative_to(HERE.parent)}/ "
              f"({sum(r.unreviewed for r in results)} findings unreviewed)")
    return 0 if all(r.ok for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
