"""The `looplint` command line: check, server, rules, explain, triage."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from .. import __version__
from . import check as check_command
from .check import EXIT_ERROR, EXIT_FOUND, EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="looplint",
        description="Catch event-loop misuse in Python test code before the tests run.",
    )
    parser.add_argument("--version", action="version", version=f"looplint {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    check = commands.add_parser("check", help="check files or folders (default: .)")
    check_command.add_arguments(check)

    commands.add_parser("server", help="run the language server on stdio")

    rules = commands.add_parser("rules", help="list the rules")
    rules.add_argument("--output-format", choices=("text", "json"), default="text")

    explain = commands.add_parser("explain", help="explain a rule")
    explain.add_argument("code")

    triage = commands.add_parser("triage", help="map the event-loop symptoms in a pytest/unittest log to rules and lines")
    triage.add_argument("log", help="the log file (`-` for stdin)")
    triage.add_argument("--project", type=Path, default=Path("."), help="the project the log comes from (default: .)")
    triage.add_argument("--output-format", choices=("text", "json"), default="text")
    return parser


def console_main() -> None:
    """The `looplint` command (and `python -m looplint`): `main()`, then the process ends.

    A batch command (check, rules, explain, triage) ends without Python's teardown: once its
    output is flushed and its files are closed (the cache is written with `with` blocks, a
    worker pool is shut down before `check` returns), freeing every object it built one by one
    is pure cost, about a twentieth of checking CPython's test suite. The server ends normally."""
    parser = build_parser()
    args = parser.parse_args(sys.argv[1:])
    code = _run(parser, args)
    if args.command in _BATCH_COMMANDS:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):  # a closed pipe: nothing more can be written anyway
                pass
        os._exit(code)
    sys.exit(code)


_BATCH_COMMANDS = frozenset({"check", "rules", "explain", "triage"})


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    return _run(parser, parser.parse_args(argv))


def _run(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    try:
        if args.command == "check":
            return check_command.run(args)
        if args.command == "server":
            from ..lsp.server import run_stdio

            run_stdio()
            return EXIT_OK
        if args.command == "rules":
            return _rules(args)
        if args.command == "explain":
            return _explain(args)
        if args.command == "triage":
            return _triage(args)
        parser.print_help()
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `looplint check | head`: stop quietly.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK


def _rules(args) -> int:
    from ..rules import all_rules

    rules = all_rules()
    if args.output_format == "json":
        data = [
            {
                "code": r.code,
                "name": r.name,
                "severity": r.severity.value,
                "summary": r.summary,
                "fix": r.fix_safety,
                "url": r.url,
            }
            for r in rules
        ]
        print(json.dumps(data, indent=2))
        return EXIT_OK
    width = max(len(r.name) for r in rules)
    for r in rules:
        fix = {"safe": "fix", "unsafe": "fix?", None: ""}[r.fix_safety]
        print(f"{r.code}  {r.name:<{width}}  {r.severity.value:<7}  {fix:<4}  {r.summary}")
    return EXIT_OK


def _explain(args) -> int:
    from ..rules import rule_by_code

    rule = rule_by_code(args.code)
    if rule is None:
        print(f"looplint: unknown rule code {args.code!r} (see `looplint rules`)", file=sys.stderr)
        return EXIT_ERROR
    print(rule.full_explanation())
    return EXIT_OK


def _triage(args) -> int:
    """`looplint triage LOG`: exit 1 when the log shows event-loop symptoms, 0 when none."""
    from ..engine.parse import parse_module
    from ..engine.source import SourceError, read_source
    from ..engine.triage import SymptomTable, map_events, read_events, test_spans
    from ..engine.workspace import Engine
    from ..rules import all_rules
    from .output import display_path
    from .run import check_files, collect_files

    try:
        if args.log == "-":
            log = sys.stdin.read()
        else:
            with open(args.log, encoding="utf-8", errors="replace") as handle:
                log = handle.read()
    except OSError as exc:
        print(f"looplint: triage: cannot read {args.log}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_ERROR
    if not args.project.is_dir():
        print(f"looplint: triage: --project {args.project}: not a folder", file=sys.stderr)
        return EXIT_ERROR
    rules = all_rules()
    events = read_events(log, SymptomTable(rules))
    if events:
        engine = Engine(rules)
        files, _ = collect_files(engine, [args.project])
        python_files = [f for f in files if f.suffix == ".py"]
        run = check_files(engine, python_files, jobs=0, with_fixes=False)
        diagnostics = list(run.diagnostics)
        for config in engine.config_files_for(python_files):
            diagnostics += engine.check_config_file(config, with_fixes=False).diagnostics
        spans = []
        for path in python_files:
            try:
                spans += test_spans(path, parse_module(read_source(path).text))
            except (SourceError, SyntaxError, ValueError, RecursionError):
                continue
        map_events(events, diagnostics, spans)
    if args.output_format == "json":
        print(json.dumps([e.to_json(display_path) for e in events], indent=2, ensure_ascii=False))
    else:
        for event in events:
            repeat = f" (x{event.count})" if event.count > 1 else ""
            print(f"{args.log}:{event.line}: {event.text}{repeat}")
            if event.test is not None:
                print(f"  test: {event.test}")
            for d in event.findings:
                print(f"  -> {display_path(d.path)}:{d.range.line}:{d.range.col + 1}: {d.code} {d.message}")
            if not event.findings:
                print(f"  -> {', '.join(event.codes)} (no static finding in {args.project}; see `looplint explain "
                      f"{event.codes[0]}`)")
        mapped = sum(1 for e in events if e.findings)
        print(f"{len(events)} event-loop {'symptom' if len(events) == 1 else 'symptoms'} in the log, "
              f"{mapped} mapped to a line of the project.")
    return EXIT_FOUND if events else EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
