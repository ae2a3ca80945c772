"""`looplint check`: collect, check (from the cache where it still holds), fix, report, exit status."""

from __future__ import annotations

import difflib
import os
import sys
from contextlib import contextmanager
from pathlib import Path

from ..engine.model import FileProblem, Severity

EXIT_OK, EXIT_FOUND, EXIT_ERROR = 0, 1, 2
SEVERITY_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}
FAIL_ON = {"info": 0, "warning": 1, "error": 2}
FORMATS = ("text", "json", "sarif", "github", "gitlab", "junit")


def add_arguments(check) -> None:
    check.add_argument("paths", nargs="*", metavar="PATH", help="files or folders to check (default: .); - reads stdin")
    check.add_argument("--output-format", choices=FORMATS, default="text", help="how to report (default: text)")
    check.add_argument("-o", "--output-file", type=Path, metavar="FILE", help="write the report to FILE instead of stdout")
    check.add_argument("--fix", action="store_true", help="apply safe fixes")
    check.add_argument("--unsafe-fixes", action="store_true", help="also apply unsafe fixes (with --fix or --diff)")
    check.add_argument("--diff", action="store_true", help="show the fixes as a diff instead of writing them")
    check.add_argument("--show-fixes", action="store_true",
                       help="list the fixes applied (with --fix), or each finding's available fix")
    check.add_argument("--select", type=_codes, help="comma-separated rule codes or prefixes to enable")
    check.add_argument("--extend-select", type=_codes, default=(), help="codes to enable in addition")
    check.add_argument("--ignore", type=_codes, default=(), help="comma-separated rule codes or prefixes to disable")
    check.add_argument("--statistics", action="store_true", help="print how many findings each rule has, not the findings")
    check.add_argument("-q", "--quiet", action="store_true", help="print the findings only (no summary, no progress)")
    check.add_argument("--exit-zero", action="store_true", help="exit 0 even when problems are found")
    check.add_argument("--fail-on", choices=tuple(FAIL_ON), default="warning",
                       help="lowest severity that makes the exit status 1 (default: warning)")
    check.add_argument("--stdin-filename", type=Path, metavar="FILE",
                       help="check stdin as the content of FILE (project and configuration found from FILE)")
    check.add_argument("--no-cache", action="store_true", help="neither read nor write the cache")
    check.add_argument("--cache-dir", type=Path, metavar="DIR",
                       help="where the cache lives (default: $LOOPLINT_CACHE_DIR, else .looplint_cache in the project root)")
    check.add_argument("--jobs", "-j", type=int, default=0, help="worker processes (default: all cores for large trees)")
    check.add_argument("--config", type=Path, help="use this pyproject.toml (or looplint.toml) instead of discovery")
    check.add_argument("--python-version", help="assume this Python version (e.g. 3.12)")
    check.add_argument("--target", action="append", default=[], metavar="NAME=VERSION",
                       help="check as if this version were installed (python, pytest, pytest-asyncio, anyio; "
                            "repeatable): e.g. --target python=3.14 --target pytest-asyncio=1.3")
    check.add_argument("--no-progress", action="store_true", help="never show the progress indicator")


def _codes(value: str) -> tuple[str, ...]:
    return tuple(code.strip().upper() for code in value.split(",") if code.strip())


def _error(message: str) -> None:
    print(f"looplint: error: {message}", file=sys.stderr)


def run(args) -> int:
    from ..engine.settings import ConfigError, parse_target
    from ..engine.workspace import Engine, Overrides
    from ..rules import all_rules

    rules = all_rules()
    known = {r.code for r in rules}
    for option in ("select", "extend_select", "ignore"):
        for code in getattr(args, option) or ():
            if code != "ALL" and not any(k.startswith(code) for k in known):
                _error(f"--{option.replace('_', '-')}: unknown rule code {code!r}")
                return EXIT_ERROR
    if args.config is not None and not args.config.is_file():
        _error(f"--config: {args.config}: no such file")
        return EXIT_ERROR
    stdin = args.paths == ["-"] or (not args.paths and args.stdin_filename is not None)
    if "-" in args.paths and not stdin:
        _error("`-` (stdin) cannot be combined with other paths")
        return EXIT_ERROR
    if stdin and args.stdin_filename is None:
        _error("reading stdin needs --stdin-filename (the file it stands for: it locates the project and its configuration)")
        return EXIT_ERROR
    try:
        target = parse_target(args.target)
    except ValueError as exc:
        _error(f"--target: {exc}")
        return EXIT_ERROR
    overrides = Overrides(
        select=args.select, extend_select=args.extend_select, ignore=args.ignore, python_version=args.python_version,
        target=target,
    )
    engine = Engine(rules, overrides=overrides, config_file=args.config)
    try:
        if stdin:
            return _check_stdin(args, engine, rules)
        return _check_paths(args, engine, rules)
    except ConfigError as exc:
        _error(str(exc))
        return EXIT_ERROR


# -- paths ---------------------------------------------------------------------------------------------


def _check_paths(args, engine, rules) -> int:
    from ..engine.config_check import is_config_file
    from .run import MISSING, Progress, check_files, collect_files

    paths = [Path(p) for p in args.paths] or [Path(".")]
    walk_problems: list[FileProblem] = []
    files, missing = collect_files(engine, paths, walk_problems)
    # Reported in the output, like any file that could not be checked, and on stderr (exit status 2).
    problems = [FileProblem(path, why, kind="missing" if why in MISSING else "read-error") for path, why in missing]
    problems += walk_problems  # inside the folders walked: in the report (exit status 1)
    for path, why in missing:
        _error(f"{path}: {why}")
    # pytest config files named on the command line are checked by the config rules (CF*).
    named_configs = [f for f in files if is_config_file(f)]
    files = [f for f in files if not is_config_file(f)]

    want_edits = args.output_format in ("json", "sarif")
    cache = None if args.no_cache else _open_cache(args)
    progress = None if args.no_progress or args.quiet else Progress(len(files))
    try:
        run = check_files(engine, files, jobs=args.jobs, with_fixes=want_edits, progress=progress, cache=cache)
        # The pytest config files that govern the checked files are checked too (once each).
        for config in dict.fromkeys([*named_configs, *engine.config_files_for(files)]):
            result = engine.check_config_file(config, with_fixes=want_edits)
            run.diagnostics.extend(result.diagnostics)
            if result.problem:
                run.problems.append(result.problem)
    finally:
        if progress:
            progress.close()
    if cache is not None:
        cache.save()

    fixed: list = []
    failed_writes: list = []
    if args.fix or args.diff:
        remaining = _apply_fixes(args, engine, run.diagnostics, want_edits, fixed, failed_writes)
        if args.diff:
            count = len(fixed)
            if not args.quiet:
                print(f"Would fix {count} {'problem' if count == 1 else 'problems'}." if count else "No fixes available.",
                      file=sys.stderr)
            if missing or failed_writes:
                return EXIT_ERROR
            return EXIT_FOUND if count and not args.exit_zero else EXIT_OK
        run.diagnostics = [d for d in run.diagnostics if d.path not in remaining]
        for diagnostics in remaining.values():
            run.diagnostics.extend(diagnostics)

    diagnostics = sorted(run.diagnostics, key=lambda d: d.sort_key())
    problems = sorted(run.problems + problems, key=lambda p: str(p.path))
    _warn_unbuilt_fixes(diagnostics)
    with _report_stream(args) as (stream, colour):
        _report(args, rules, diagnostics, problems, [*files, *named_configs], fixed, stream, colour)
    if missing or failed_writes:
        return EXIT_ERROR  # even with --exit-zero: that is about findings, this is an error
    return _exit_status(args, diagnostics, problems)


def _warn_unbuilt_fixes(diagnostics) -> None:
    """Edits were asked for (json, sarif) and some fix could not be built: say which and why."""
    from .output import display_path

    for d in diagnostics:
        if d.fix_unavailable:
            print(f"looplint: warning: {display_path(d.path)}:{d.range.line}: no fix for {d.code}: {d.fix_unavailable}",
                  file=sys.stderr)


def _open_cache(args):
    from ..engine.cache import Cache

    directory = args.cache_dir or (Path(os.environ["LOOPLINT_CACHE_DIR"]) if os.environ.get("LOOPLINT_CACHE_DIR") else None)
    return Cache(directory.absolute() if directory else None)


def _apply_fixes(args, engine, diagnostics, want_edits, fixed: list, failed_writes: list) -> dict:
    """Fix every file with applicable fixes (or print the diff); returns path -> findings left after the fix.

    Migrations edit several files at once (a base class in its module, keys in the config pytest
    reads): `--diff` shows every file they change, and the files of one migration are written all
    or none. A file whose fixes could not be written (or read) is added to `failed_writes`."""
    from ..engine.config_check import is_config_file
    from . import output

    paths = sorted({d.path for d in diagnostics if _applies(d, args.unsafe_fixes)})
    if not paths:
        return {}
    outcome = engine.fix_project(paths, unsafe=args.unsafe_fixes)
    for path, why in outcome.unreadable:
        _error(f"{path}: {why}")
        failed_writes.append(path)
    for diagnostic, why in outcome.failed:
        print(
            f"looplint: warning: {output.display_path(diagnostic.path)}:{diagnostic.range.line}: "
            f"could not fix {diagnostic.code}: {why}",
            file=sys.stderr,
        )
    changed = dict(sorted(outcome.texts.items()))
    if args.diff:
        for path, (old, new) in changed.items():
            name = output.display_path(path)
            sys.stdout.writelines(
                difflib.unified_diff(
                    (old or "").splitlines(keepends=True), new.splitlines(keepends=True),
                    fromfile=f"a/{name}" if old is not None else "/dev/null", tofile=f"b/{name}",
                )
            )
        fixed.extend((d.path, d) for d in outcome.applied)
        return {}
    written: list[Path] = []
    for group in _write_groups(changed, outcome.together):
        try:
            _write_together({path: changed[path] for path in group})
        except _GroupWriteError as exc:
            _error(f"{output.display_path(exc.path)}: {exc}")
            failed_writes.extend(group)  # their findings stay in the report, none counted as fixed
            continue
        written.extend(group)
    for path in written:
        engine.project_for(path).invalidate(path)
    failed = set(failed_writes)
    applied = [d for d in outcome.applied if not (set(outcome.files_of(d)) & failed)]
    fixed.extend((d.path, d) for d in applied)
    remaining: dict[Path, list] = {}
    # A migration also settles findings in files it did not edit (the subclasses of a migrated base).
    for path in dict.fromkeys([*written, *(d.path for d in applied)]):
        if path.exists() and path not in failed:
            recheck = engine.check_config_file if is_config_file(path) else engine.check_file
            remaining[path] = recheck(path, with_fixes=want_edits).diagnostics
    return remaining


def _write_groups(changed: dict, together: list[set]) -> list[list[Path]]:
    """The changed files in groups written all or none: the files of one migration, else one file each."""
    groups: list[set] = []
    for members in together:
        members = {p for p in members if p in changed}
        for group in [g for g in groups if g & members]:
            groups.remove(group)
            members |= group
        if members:
            groups.append(members)
    grouped = set().union(*groups) if groups else set()
    return [sorted(g) for g in groups] + [[p] for p in changed if p not in grouped]


class _GroupWriteError(Exception):
    def __init__(self, path: Path, message: str):
        super().__init__(message)
        self.path = path


def _write_together(texts: dict) -> None:
    """Write path -> (text before or None for a new file, text after), all or none: every file is
    read and checked first; a write failing half-way puts back the files already written."""
    from ..engine.files import UnreadableFile, WriteError, create_file, read_bytes, replace_file
    from ..engine.source import SourceError, decode_source, encode_like

    plan: list[tuple[Path, bytes | None, bytes]] = []  # (path, its bytes now or None for a new file, bytes to write)
    for path, (old, new) in texts.items():
        if old is None:
            plan.append((path, None, new.encode("utf-8")))
            continue
        try:
            original = read_bytes(path)
            source = decode_source(original, path)
        except (UnreadableFile, SourceError) as exc:
            raise _GroupWriteError(path, str(exc)) from None
        if source.text != old:
            raise _GroupWriteError(path, "not written: the file changed on disk since it was read")
        plan.append((path, original, encode_like(new, source)))
    done: list[tuple[Path, bytes | None, bytes]] = []
    for path, original, data in plan:
        try:
            if original is None:
                create_file(path, data)
            else:
                replace_file(path, data, expected=original, root=_root_as_named(path))
        except WriteError as exc:
            for done_path, done_original, done_data in reversed(done):
                try:
                    if done_original is None:
                        done_path.unlink()
                    else:
                        replace_file(done_path, done_original, expected=done_data, root=_root_as_named(done_path))
                except (OSError, WriteError):
                    pass
            others = f" (nor the other files of the same fix: {len(plan) - 1})" if len(plan) > 1 else ""
            raise _GroupWriteError(path, f"{exc}{others}") from None
        done.append((path, original, data))


def _root_as_named(path: Path) -> Path | None:
    """The project root above `path` as the user named it (symlinks not followed: fixes may
    write through a link only to a target inside this folder)."""
    from ..engine.project import ROOT_MARKERS

    for folder in Path(os.path.abspath(path)).parents:
        if any(os.path.lexists(folder / marker) for marker in ROOT_MARKERS):
            return folder
    return Path(os.path.abspath(path)).parent


def _applies(diagnostic, unsafe: bool) -> bool:
    from ..engine.model import fix_applies

    return fix_applies(diagnostic.fix_applicability, unsafe)


# -- stdin ---------------------------------------------------------------------------------------------


def _check_stdin(args, engine, rules) -> int:
    """Check stdin as the content of --stdin-filename (as editors and hooks pipe a buffer)."""
    from ..engine.config_check import is_config_file
    from ..engine.source import SourceError, decode_source

    path = Path(os.path.abspath(args.stdin_filename))
    data = sys.stdin.buffer.read()
    want_edits = args.output_format in ("json", "sarif")
    problems: list[FileProblem] = []
    diagnostics: list = []
    try:
        text = decode_source(data, path).text
    except SourceError as exc:
        text = None
        problems.append(FileProblem(path, str(exc), kind="read-error"))
    fixed: list = []
    config = is_config_file(path)
    if text is not None:
        check = engine.check_config_file if config else engine.check_file
        result = check(path, text, with_fixes=want_edits)
        diagnostics, problem = result.diagnostics, result.problem
        if problem:
            problems.append(problem)
        if (args.fix or args.diff) and any(_applies(d, args.unsafe_fixes) for d in diagnostics):
            outcome = engine.fix_file_text(path, text, unsafe=args.unsafe_fixes)
            if outcome.text != text:
                fixed.extend((path, d) for d in outcome.applied)
                if args.diff:
                    sys.stdout.writelines(difflib.unified_diff(
                        text.splitlines(keepends=True), outcome.text.splitlines(keepends=True),
                        fromfile=f"a/{args.stdin_filename}", tofile=f"b/{args.stdin_filename}"))
                    return EXIT_FOUND if not args.exit_zero else EXIT_OK
                text = outcome.text
                diagnostics = check(path, text, with_fixes=want_edits).diagnostics
        if args.fix:
            # As ruff does: the (fixed) source goes to stdout, the report to stderr.
            sys.stdout.write(text)
            sys.stdout.flush()
    diagnostics = sorted(diagnostics, key=lambda d: d.sort_key())
    with _report_stream(args, default=sys.stderr if args.fix else sys.stdout) as (stream, colour):
        _report(args, rules, diagnostics, problems, [path], fixed, stream, colour)
    return _exit_status(args, diagnostics, problems)


# -- reporting -----------------------------------------------------------------------------------------


@contextmanager
def _report_stream(args, default=None):
    from .output import colour_wanted

    if args.output_file is not None:
        args.output_file.parent.mkdir(parents=True, exist_ok=True)
        with open(args.output_file, "w", encoding="utf-8", newline="\n") as handle:
            yield handle, False
        return
    stream = default or sys.stdout
    yield stream, colour_wanted(stream)


def _report(args, rules, diagnostics, problems, files, fixed, stream, colour: bool) -> None:
    from . import output

    style = output.Style(colour)
    if args.statistics:
        stream.write(output.format_statistics(diagnostics, problems, as_json=args.output_format == "json"))
        return
    fmt = args.output_format
    if fmt == "text":
        if fixed and args.show_fixes and not args.quiet:
            stream.write(_fixed_listing(fixed, style))
        stream.write(output.format_text(diagnostics, problems, fixed=len(fixed), style=style, quiet=args.quiet,
                                        show_fixes=args.show_fixes and not args.fix))
    elif fmt == "json":
        url_for = {r.code: r.url for r in rules}.__getitem__
        stream.write(output.format_json(diagnostics, url_for, problems))
    elif fmt == "github":
        stream.write(output.format_github(diagnostics, problems))
    elif fmt == "sarif":
        stream.write(output.format_sarif(diagnostics, problems, rules))
    elif fmt == "gitlab":
        stream.write(output.format_gitlab(diagnostics, problems))
    elif fmt == "junit":
        stream.write(output.format_junit(diagnostics, problems, files))


def _fixed_listing(fixed, style) -> str:
    """`--fix --show-fixes`: what was fixed, per file and rule (as ruff prints it)."""
    from .output import display_path

    by_file: dict[str, dict[tuple[str, str], int]] = {}
    for path, diagnostic in fixed:
        counts = by_file.setdefault(display_path(path), {})
        counts[(diagnostic.code, diagnostic.name)] = counts.get((diagnostic.code, diagnostic.name), 0) + 1
    total = len(fixed)
    lines = [f"Fixed {total} {'problem' if total == 1 else 'problems'}:"]
    for path in sorted(by_file):
        lines.append(f"- {style.path(path)}:")
        for (code, name), n in sorted(by_file[path].items()):
            lines.append(f"    {n} × {style.code(code, 'info')} ({name})")
    return "\n".join(lines) + "\n\n"


def _exit_status(args, diagnostics, problems) -> int:
    """1 when something at or above --fail-on (default: warning) was found, or a file could not be checked."""
    if args.exit_zero:
        return EXIT_OK
    threshold = FAIL_ON[args.fail_on]
    if problems or any(SEVERITY_RANK[d.severity] >= threshold for d in diagnostics):
        return EXIT_FOUND
    return EXIT_OK
