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
    from .run import Progress, check_files, collect_files

    paths = [Path(p) for p in args.paths] or [Path(".")]
    files, missing = collect_files(engine, paths)
    # Reported in the output, like any file that could not be checked, and on stderr (exit status 2).
    problems = [FileProblem(path, why, kind="missing") for path, why in missing]
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
    if args.fix or args.diff:
        remaining = _apply_fixes(args, engine, run.diagnostics, want_edits, fixed)
        if args.diff:
            count = len(fixed)
            if not args.quiet:
                print(f"Would fix {count} {'problem' if count == 1 else 'problems'}." if count else "No fixes available.",
                      file=sys.stderr)
            if missing:
                return EXIT_ERROR
            return EXIT_FOUND if count and not args.exit_zero else EXIT_OK
        run.diagnostics = [d for d in run.diagnostics if d.path not in remaining]
        for diagnostics in remaining.values():
            run.diagnostics.extend(diagnostics)

    diagnostics = sorted(run.diagnostics, key=lambda d: d.sort_key())
    problems = sorted(run.problems + problems, key=lambda p: str(p.path))
    with _report_stream(args) as (stream, colour):
        _report(args, rules, diagnostics, problems, [*files, *named_configs], fixed, stream, colour)
    if missing:
        return EXIT_ERROR
    return _exit_status(args, diagnostics, problems)


def _open_cache(args):
    from ..engine.cache import Cache

    directory = args.cache_dir or (Path(os.environ["LOOPLINT_CACHE_DIR"]) if os.environ.get("LOOPLINT_CACHE_DIR") else None)
    return Cache(directory.absolute() if directory else None)


def _apply_fixes(args, engine, diagnostics, want_edits, fixed: list) -> dict:
    """Fix every file with applicable fixes (or print the diff); returns path -> findings left after the fix.

    Migrations edit several files at once (a base class in its module, keys in the config pytest
    reads): `--diff` shows every file they change, and the files are written all or none."""
    from ..engine.config_check import is_config_file
    from . import output

    paths = sorted({d.path for d in diagnostics if _applies(d, args.unsafe_fixes)})
    if not paths:
        return {}
    outcome = engine.fix_project(paths, unsafe=args.unsafe_fixes)
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
    if not changed:
        return {}
    try:
        write_files(changed)
    except WriteError as exc:
        _error(str(exc))
        return {}
    fixed.extend((d.path, d) for d in outcome.applied)
    remaining: dict[Path, list] = {}
    for path in changed:
        engine.project_for(path).invalidate(path)
    # A migration also settles findings in files it did not edit (the subclasses of a migrated base).
    for path in dict.fromkeys([*changed, *(d.path for d in outcome.applied)]):
        if path.exists():
            recheck = engine.check_config_file if is_config_file(path) else engine.check_file
            remaining[path] = recheck(path, with_fixes=want_edits).diagnostics
    return remaining


class WriteError(Exception):
    pass


def write_files(changed: dict) -> None:
    """Write the fixed texts (path -> (text before or None for a new file, text after)), all or none.

    Each file is written to a temporary file beside it first; only when every one is written are they
    renamed into place, and a file that changed on disk since it was read stops the whole write. A
    rename failing half-way puts back the files already replaced."""
    from ..engine.source import SourceError, encode_like, read_source

    staged: list[tuple[Path, Path, bytes | None]] = []  # (target, temporary file, old bytes or None)
    try:
        for path, (old, new) in changed.items():
            if old is None:
                if path.exists():
                    raise WriteError(f"cannot create {path}: it exists now")
                original = None
                data = new.encode("utf-8")
                old_bytes = None
            else:
                try:
                    original = read_source(path)
                except SourceError as exc:
                    raise WriteError(f"cannot write {path}: {exc}") from None
                if original.text != old:
                    raise WriteError(f"{path} changed while it was being fixed: nothing written")
                old_bytes = path.read_bytes()
                data = encode_like(new, original)
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.with_name(f".{path.name}.looplint-{os.getpid()}.tmp")
            with open(temporary, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            if old is not None:
                os.chmod(temporary, os.stat(path).st_mode & 0o7777)
            staged.append((path, temporary, old_bytes))
        done: list[tuple[Path, bytes | None]] = []
        try:
            for path, temporary, old_bytes in staged:
                os.replace(temporary, path)
                done.append((path, old_bytes))
        except OSError as exc:
            for path, old_bytes in reversed(done):
                if old_bytes is None:
                    path.unlink(missing_ok=True)
                else:
                    path.write_bytes(old_bytes)
            raise WriteError(f"cannot write {path}: {exc}; the files already written were put back") from None
    except OSError as exc:
        raise WriteError(f"cannot write the fixes: {exc}") from None
    finally:
        for _path, temporary, _old in staged:
            if temporary.exists():
                temporary.unlink(missing_ok=True)


def _applies(diagnostic, unsafe: bool) -> bool:
    return diagnostic.fix_applicability == "safe" or (unsafe and diagnostic.fix_applicability == "unsafe")


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
