"""The `looplint` command line: check, server, rules, explain."""

from __future__ import annotations

import argparse
import json
import os
import sys

from .. import __version__
from . import check as check_command
from .check import EXIT_ERROR, EXIT_OK


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
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
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


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
