"""The `looplint` command line: check, server, rules, explain."""

from __future__ import annotations

import argparse
import difflib
import json
import os
import sys
from pathlib import Path

from .. import __version__

EXIT_OK, EXIT_FOUND, EXIT_ERROR = 0, 1, 2


def _codes(value: str) -> tuple[str, ...]:
    return tuple(code.strip().upper() for code in value.split(",") if code.strip())


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="looplint",
        description="Catch event-loop misuse in Python test code before the tests run.",
    )
    parser.add_argument("--version", action="version", version=f"looplint {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    check = commands.add_parser("check", help="check files or folders (default: .)")
    check.add_argument("paths", nargs="*", type=Path, metavar="PATH")
    check.add_argument("--output-format", choices=("text", "json", "sarif", "github"), default="text")
    check.add_argument("--fix", action="store_true", help="apply safe fixes")
    check.add_argument("--unsafe-fixes", action="store_true", help="also apply unsafe fixes (with --fix or --diff)")
    check.add_argument("--diff", action="store_true", help="show the fixes as a diff instead of writing them")
    check.add_argument("--select", type=_codes, help="comma-separated rule codes or prefixes to enable")
    check.add_argument("--extend-select", type=_codes, default=(), help="codes to enable in addition")
    check.add_argument("--ignore", type=_codes, default=(), help="comma-separated rule codes or prefixes to disable")
    check.add_argument("--exit-zero", action="store_true", help="exit 0 even when problems are found")
    check.add_argument("--jobs", "-j", type=int, default=0, help="worker processes (default: all cores for large trees)")
    check.add_argument("--config", type=Path, help="use this pyproject.toml (or looplint.toml) instead of discovery")
    check.add_argument("--python-version", help="assume this Python version (e.g. 3.12)")
    check.add_argument("--no-progress", action="store_true", help="never show the progress indicator")

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
            return _check(args)
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


def _check(args) -> int:
    from ..engine.config_check import is_config_file
    from ..engine.settings import ConfigError
    from ..engine.source import encode_like, read_source, SourceError
    from ..engine.workspace import Engine, Overrides
    from ..rules import all_rules
    from . import output
    from .run import Progress, check_files, collect_files

    rules = all_rules()
    known = {r.code for r in rules}
    for option in ("select", "extend_select", "ignore"):
        for code in getattr(args, option) or ():
            if code != "ALL" and not any(k.startswith(code) for k in known):
                print(f"looplint: --{option.replace('_', '-')}: unknown rule code {code!r}", file=sys.stderr)
                return EXIT_ERROR
    if args.config is not None and not args.config.is_file():
        print(f"looplint: --config: {args.config}: no such file", file=sys.stderr)
        return EXIT_ERROR
    overrides = Overrides(
        select=args.select, extend_select=args.extend_select, ignore=args.ignore, python_version=args.python_version
    )
    engine = Engine(rules, overrides=overrides, config_file=args.config)
    paths = args.paths or [Path(".")]
    try:
        files, missing = collect_files(engine, paths)
    except ConfigError as exc:
        print(f"looplint: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    for message in missing:
        print(f"looplint: error: {message}", file=sys.stderr)
    # pytest config files named on the command line are checked by the config rules (CF*).
    named_configs = [f for f in files if is_config_file(f)]
    files = [f for f in files if not is_config_file(f)]

    want_edits = args.output_format in ("json", "sarif")
    progress = None if args.no_progress else Progress(len(files))
    try:
        run = check_files(engine, files, jobs=args.jobs, with_fixes=want_edits, progress=progress)
        # The pytest config files that govern the checked files are checked too (once each).
        for config in dict.fromkeys([*named_configs, *engine.config_files_for(files)]):
            result = engine.check_config_file(config, with_fixes=want_edits)
            run.diagnostics.extend(result.diagnostics)
            if result.problem:
                run.problems.append(result.problem)
    except ConfigError as exc:
        print(f"looplint: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    finally:
        if progress:
            progress.close()

    fixed = 0
    if args.fix or args.diff:
        fixable_files = sorted({d.path for d in run.diagnostics if _applies(d, args.unsafe_fixes)})
        remaining_by_file: dict[Path, list] = {}
        for path in fixable_files:
            try:
                source = read_source(path)
            except SourceError as exc:
                print(f"looplint: error: {path}: {exc}", file=sys.stderr)
                continue
            outcome = engine.fix_file_text(path, source.text, unsafe=args.unsafe_fixes)
            for diagnostic, why in outcome.failed:
                print(
                    f"looplint: warning: {output.display_path(path)}:{diagnostic.range.line}: "
                    f"could not fix {diagnostic.code}: {why}",
                    file=sys.stderr,
                )
            if outcome.text == source.text:
                continue
            if args.diff:
                name = output.display_path(path)
                sys.stdout.writelines(
                    difflib.unified_diff(
                        source.text.splitlines(keepends=True),
                        outcome.text.splitlines(keepends=True),
                        fromfile=f"a/{name}",
                        tofile=f"b/{name}",
                    )
                )
                fixed += len(outcome.applied)
                continue
            try:
                path.write_bytes(encode_like(outcome.text, source))
            except OSError as exc:
                print(f"looplint: error: cannot write {path}: {exc}", file=sys.stderr)
                continue
            fixed += len(outcome.applied)
            recheck = engine.check_config_file if is_config_file(path) else engine.check_file
            remaining_by_file[path] = recheck(path, with_fixes=want_edits).diagnostics
        if args.diff:
            if fixed:
                print(f"Would fix {fixed} {'problem' if fixed == 1 else 'problems'}.", file=sys.stderr)
            else:
                print("No fixes available.", file=sys.stderr)
            return EXIT_ERROR if missing else (EXIT_FOUND if fixed and not args.exit_zero else EXIT_OK)
        run.diagnostics = [d for d in run.diagnostics if d.path not in remaining_by_file]
        for diagnostics in remaining_by_file.values():
            run.diagnostics.extend(diagnostics)

    diagnostics = sorted(run.diagnostics, key=lambda d: d.sort_key())
    for d in diagnostics:
        if d.fix_unavailable:  # edits were asked for (json, sarif) and this fix could not be built
            print(
                f"looplint: warning: {output.display_path(d.path)}:{d.range.line}: no fix for {d.code}: {d.fix_unavailable}",
                file=sys.stderr,
            )
    problems = sorted(run.problems, key=lambda p: str(p.path))
    url_for = {r.code: r.url for r in rules}.__getitem__
    if args.output_format == "text":
        sys.stdout.write(output.format_text(diagnostics, problems, fixed=fixed))
    elif args.output_format == "json":
        sys.stdout.write(output.format_json(diagnostics, url_for))
        for p in problems:
            print(f"{output.display_path(p.path)}:{p.line}:{p.col + 1}: {p.message}", file=sys.stderr)
    elif args.output_format == "github":
        sys.stdout.write(output.format_github(diagnostics, problems))
    elif args.output_format == "sarif":
        sys.stdout.write(output.format_sarif(diagnostics, problems, rules))
    if missing:
        return EXIT_ERROR
    if (diagnostics or problems) and not args.exit_zero:
        return EXIT_FOUND
    return EXIT_OK


def _applies(diagnostic, unsafe: bool) -> bool:
    return diagnostic.fix_applicability == "safe" or (unsafe and diagnostic.fix_applicability == "unsafe")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
