"""Review the baseline: show findings with their code around them, and record verdicts.

    python ecosystem/review.py show NAME [--code UT001] [--file GLOB] [--all] [--context 6]
        prints each unreviewed finding (or every one with --all) with the lines around it
        and the enclosing class/def lines above it
    python ecosystem/review.py judge NAME (--true | --false) --reason TEXT
            [--code CODE] [--file GLOB] [--line N] [--message-contains TEXT] [--all]
        sets the verdict of the matching unreviewed findings (of every matching one with --all)
    python ecosystem/review.py carry NAME [filters]
        keeps the previous verdict of findings whose message changed (after reading them with show)
    python ecosystem/review.py summary [NAME ...]
        counts per project, code and verdict
    python ecosystem/review.py reasons [NAME ...] [--true]
        the distinct reasons of false (or true) verdicts with their counts and first places

A verdict is written only after reading the code: ``judge`` takes the same
filters as ``show``, so what was read is what gets judged.
"""

from __future__ import annotations

import argparse
import fnmatch
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ecosystem.fetch import fetch, load_projects, select  # noqa: E402
from ecosystem.run import UNREVIEWED, Finding, baseline_path, load_baseline, write_baseline  # noqa: E402


def _matches(finding: Finding, args) -> bool:
    if not args.all and isinstance(finding.verdict, bool):
        return False
    if args.code and finding.code.upper() not in args.code.upper().split(","):
        return False
    if args.file and not fnmatch.fnmatch(finding.file, args.file):
        return False
    if getattr(args, "line", None) and finding.line != args.line:
        return False
    if getattr(args, "message_contains", None) and args.message_contains not in finding.message:
        return False
    return True


def _enclosing(lines: list[str], index: int) -> list[tuple[int, str]]:
    """The ``class``/``def`` lines that enclose line ``index`` (0-based), outermost first."""
    found: list[tuple[int, str]] = []
    indent = len(lines[index]) - len(lines[index].lstrip())
    for i in range(index - 1, -1, -1):
        text = lines[i]
        stripped = text.lstrip()
        if not stripped or stripped.startswith("#"):
            continue
        level = len(text) - len(stripped)
        if level < indent and stripped.startswith(("class ", "def ", "async def ")):
            found.append((i + 1, text.rstrip()))
            indent = level
        if level == 0 and stripped.startswith("class "):
            break
    return list(reversed(found))


def show(args) -> int:
    project = select(load_projects(), [args.name])[0]
    root = fetch(project)
    shown = 0
    for finding in load_baseline(project):
        if not _matches(finding, args):
            continue
        shown += 1
        print(f"=== {finding.file}:{finding.line}: {finding.code} {finding.message}  [{finding.verdict}]"
              + (f" {finding.reason}" if finding.reason else ""))
        if finding.previous:
            print(f"    previously {finding.previous}")
        path = root / finding.file
        try:
            lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError as exc:
            print(f"    ({exc})")
            continue
        index = min(max(finding.line - 1, 0), max(len(lines) - 1, 0))
        for number, text in _enclosing(lines, index):
            if number < finding.line - args.context:
                print(f"  {number:5} {text}")
        for i in range(max(0, index - args.context), min(len(lines), index + args.context + 1)):
            marker = ">" if i == index else " "
            print(f"{marker} {i + 1:5} {lines[i]}")
    print(f"({shown} findings)")
    return 0


def _rewrite(project, wanted, change) -> int:
    """Apply ``change`` to the baseline's findings for which ``wanted`` holds; write it if any changed."""
    findings = load_baseline(project)
    changed = 0
    for finding in findings:
        if wanted(finding):
            change(finding)
            changed += 1
    if changed:
        write_baseline(project, findings)
    return changed


def judge(args) -> int:
    project = select(load_projects(), [args.name])[0]
    if not baseline_path(project).is_file():
        print(f"{project.name}: no baseline yet (make ecosystem-update)", file=sys.stderr)
        return 2
    verdict = True if args.true else False

    def record(finding) -> None:
        finding.verdict, finding.reason, finding.previous = verdict, args.reason, None

    changed = _rewrite(project, lambda finding: _matches(finding, args), record)
    print(f"{project.name}: {changed} findings judged {str(verdict).lower()}")
    return 0 if changed else 1


def carry(args) -> int:
    """Keep the previous verdict of findings whose message changed (shown by `show` as `previously`)."""
    project = select(load_projects(), [args.name])[0]

    def keep(finding) -> None:
        finding.verdict, finding.reason = finding.previous["verdict"], finding.previous["reason"]
        finding.previous = None

    changed = _rewrite(project, lambda finding: bool(finding.previous) and _matches(finding, args), keep)
    print(f"{project.name}: {changed} previous verdicts kept")
    return 0 if changed else 1


def reasons(args) -> int:
    """Distinct reasons of the findings judged false (or true), with counts: the mechanisms' tallies."""
    tally: Counter[tuple[str, str]] = Counter()
    places: dict[tuple[str, str], list[str]] = {}
    wanted = bool(args.true)
    for project in select(load_projects(), args.names):
        for finding in load_baseline(project):
            if finding.verdict is not wanted:
                continue
            key = (finding.code, finding.reason)
            tally[key] += 1
            places.setdefault(key, []).append(f"{project.name} {finding.file}:{finding.line}")
    for (code, reason), count in tally.most_common():
        print(f"{count:5} {code} {reason}")
        for place in places[(code, reason)][:3]:
            print(f"        {place}")
    return 0


def summary(args) -> int:
    for project in select(load_projects(), args.names):
        counts = Counter((f.code, f.verdict if isinstance(f.verdict, bool) else UNREVIEWED)
                         for f in load_baseline(project))
        if not counts:
            continue
        parts = ", ".join(f"{code} {str(v).lower()}={n}" for (code, v), n in sorted(counts.items(), key=str))
        print(f"{project.name}: {parts}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("show", "judge", "carry"):
        p = sub.add_parser(name)
        p.add_argument("name")
        p.add_argument("--code")
        p.add_argument("--file", help="glob on the file path")
        p.add_argument("--line", type=int)
        p.add_argument("--message-contains")
        p.add_argument("--all", action="store_true", help="also findings already judged")
        if name == "show":
            p.add_argument("--context", type=int, default=6)
        elif name == "judge":
            group = p.add_mutually_exclusive_group(required=True)
            group.add_argument("--true", action="store_true")
            group.add_argument("--false", action="store_true")
            p.add_argument("--reason", required=True)
    p = sub.add_parser("summary")
    p.add_argument("names", nargs="*")
    p = sub.add_parser("reasons")
    p.add_argument("names", nargs="*")
    p.add_argument("--true", action="store_true", help="reasons of true verdicts instead of false ones")
    args = parser.parse_args(argv)
    return {"show": show, "judge": judge, "carry": carry, "summary": summary,
            "reasons": reasons}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
