"""looplint's own configuration: `[tool.looplint]` in pyproject.toml.

Every bad key or value is a `ConfigError` naming the file, the line and the
key; the CLI turns it into exit status 2 and the server into a diagnostic on
the config file.
"""

from __future__ import annotations

import fnmatch
import re
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Iterable

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

SEVERITIES = ("error", "warning", "info")

DEFAULT_EXCLUDES = (
    ".bzr",
    ".direnv",
    ".eggs",
    ".git",
    ".hg",
    ".mypy_cache",
    ".nox",
    ".pants.d",
    ".pytype",
    ".ruff_cache",
    ".svn",
    ".tox",
    ".venv",
    "venv",
    "__pypackages__",
    "_build",
    "buck-out",
    "build",
    "dist",
    "node_modules",
    "site-packages",
    "__pycache__",
)


class ConfigError(Exception):
    def __init__(self, path: Path, line: int, key: str, message: str):
        super().__init__(f"{path}:{line}: [tool.looplint] {key}: {message}")
        self.path = path
        self.line = line
        self.key = key
        self.message = message


@dataclass(frozen=True)
class Settings:
    select: tuple[str, ...] = ("ALL",)
    ignore: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    severity: dict[str, str] = field(default_factory=dict)
    exclude: tuple[str, ...] = ()
    async_test_bases: tuple[str, ...] = ()
    async_test_decorators: tuple[str, ...] = ()
    python_version: str | None = None
    # Versions to check against as if they were installed (`target` / `--target`): (name, version) pairs.
    target: tuple[tuple[str, str], ...] = ()
    config_path: Path | None = None  # the file these came from, if any
    enabled: bool = True  # editors can switch looplint off

    def with_overrides(self, **changes) -> "Settings":
        return replace(self, **{k: v for k, v in changes.items() if v is not None})

    def code_enabled(self, code: str, relpath: str | None = None) -> bool:
        if not self.enabled:
            return False
        if not _matches_any(code, self.select) or _matches_any(code, self.ignore):
            return False
        if relpath is not None:
            for pattern, codes in self.per_file_ignores:
                if _path_matches(relpath, pattern) and _matches_any(code, codes):
                    return False
        return True

    def is_excluded(self, relpath: str) -> bool:
        return any(_path_matches(relpath, pattern) for pattern in self.exclude)


def _matches_any(code: str, selectors: Iterable[str]) -> bool:
    return any(sel == "ALL" or code.startswith(sel) for sel in selectors)


def _path_matches(relpath: str, pattern: str) -> bool:
    """Glob match on the relative path, on any suffix of it, or on a directory prefix."""
    pattern = pattern.rstrip("/")
    path = PurePosixPath(relpath)
    if fnmatch.fnmatchcase(relpath, pattern) or path.match(pattern):
        return True
    parts = path.parts
    # "tests/legacy" excludes everything below it; "legacy" any such folder.
    for i in range(1, len(parts) + 1):
        if fnmatch.fnmatchcase("/".join(parts[:i]), pattern) or fnmatch.fnmatchcase(parts[i - 1], pattern):
            return True
    return False


_KEYS = {
    "select",
    "ignore",
    "extend-select",
    "per-file-ignores",
    "severity",
    "exclude",
    "extend-exclude",
    "async-test-bases",
    "async-test-decorators",
    "python-version",
    "target",
}

# What `target` may name: the versions the rules read (see engine/versions.py).
TARGET_NAMES = ("python", "pytest", "pytest-asyncio", "anyio")


def parse_target(entries) -> tuple[tuple[str, str], ...]:
    """`{"python": "3.14", "pytest-asyncio": "1.3"}` (or `["python=3.14", ...]`) -> (name, version) pairs.

    Raises ValueError with the message to show; later entries for the same name win."""
    if isinstance(entries, dict):
        items = list(entries.items())
    elif isinstance(entries, (list, tuple)):
        items = []
        for entry in entries:
            if not isinstance(entry, str) or "=" not in entry:
                raise ValueError(f"{entry!r} is not NAME=VERSION (for example python=3.14 or pytest-asyncio=1.3)")
            name, _, version = entry.partition("=")
            items.append((name, version))
    else:
        raise ValueError(f'must be a table like {{python = "3.14", pytest-asyncio = "1.3"}}, got {entries!r}')
    found: dict[str, str] = {}
    for name, version in items:
        if not isinstance(name, str) or not isinstance(version, str):
            raise ValueError(f"{name!r} = {version!r}: the name and the version must be strings")
        key = re.sub(r"[-_.]+", "-", name.strip()).lower()
        if key not in TARGET_NAMES:
            raise ValueError(f"{name.strip()!r} cannot be targeted; known names: {', '.join(TARGET_NAMES)}")
        version = version.strip()
        if key == "python":
            if not re.fullmatch(r"3\.\d{1,2}(\.\d{1,3})?", version):
                raise ValueError(f'python = {version!r}: must be a version like "3.14" (or "3.14.2")')
        elif not re.fullmatch(r"\d{1,4}(\.\d{1,4}){0,2}", version):
            raise ValueError(f'{key} = {version!r}: must be a release like "1.3" or "1.3.0"')
        found[key] = version
    return tuple(found.items())


def load_settings(config_path: Path, known_codes: Iterable[str]) -> Settings:
    """Read `[tool.looplint]` from a pyproject.toml (or top-level keys of a looplint.toml)."""
    from .files import UnreadableFile, read_bytes

    try:
        text = read_bytes(config_path).decode("utf-8-sig")
    except UnreadableFile as exc:
        raise ConfigError(config_path, 1, "(file)", f"cannot read: {exc}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(config_path, 1, "(file)", f"cannot read: {exc}") from None
    return parse_settings_text(config_path, text, known_codes)


def parse_settings_text(config_path: Path, text: str, known_codes: Iterable[str]) -> Settings:
    """`load_settings` for a text that is not (yet) on disk, e.g. an unsaved editor buffer."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = int(m.group(1)) if (m := re.search(r"line (\d+)", str(exc))) else 1
        raise ConfigError(config_path, line, "(file)", f"invalid TOML: {exc}") from None
    tool = data.get("tool")
    if tool is not None and not isinstance(tool, dict):  # `tool = 5`: TOML allows it, looplint cannot read it
        raise ConfigError(config_path, _line_of(text, ("tool",)), "tool", f"must be a table, got {_kind(tool)}")
    if config_path.name == "pyproject.toml":
        table = (tool or {}).get("looplint")
        header = "tool.looplint"
    else:
        table = (tool or {}).get("looplint", data)
        header = "tool.looplint" if "tool" in data else ""
    if table is None:
        return Settings()
    if not isinstance(table, dict):  # `[[tool.looplint]]`, `tool.looplint = [...]`, `looplint = "x"`
        line = _line_of(text, ("tool", "looplint"))
        raise ConfigError(config_path, line, "(table)", f"must be a table, got {_kind(table)}")
    return parse_table(table, config_path, text, header, set(known_codes))


def _kind(value) -> str:
    """How a TOML value that is not a table reads in a message."""
    if isinstance(value, list):
        return "an array of tables" if value and all(isinstance(v, dict) for v in value) else "an array"
    return f"{type(value).__name__} {value!r}"


def _line_of(text: str, path: tuple[str, ...]) -> int:
    """The line where a key (or table) is written, 1 when it cannot be found."""
    from .toml_positions import locate_toml

    found = locate_toml(text)
    location = found.keys.get(path)
    offset = location.key_start if location is not None else (found.table_span(path) or (None,))[0]
    if offset is None:  # `[[tool.looplint]]`: an array of tables, whose first element is path + (0,)
        span = found.table_span(path + (0,))
        offset = span[0] if span else None
    return text.count("\n", 0, offset) + 1 if offset is not None else 1


def parse_table(table: dict, path: Path, text: str, header: str, known: set[str]) -> Settings:
    locate = _KeyLocator(text, header)

    def fail(key: str, message: str) -> ConfigError:
        return ConfigError(path, locate(key), key, message)

    if not isinstance(table, dict):
        raise fail("(table)", "must be a table")
    for key in table:
        if key not in _KEYS:
            close = [k for k in sorted(_KEYS) if k.replace("-", "_") == key.replace("-", "_")]
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise fail(key, f"unknown key{hint}; known keys: {', '.join(sorted(_KEYS))}")

    def str_list(key: str) -> tuple[str, ...] | None:
        if key not in table:
            return None
        value = table[key]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise fail(key, f"must be a list of strings, got {value!r}")
        return tuple(value)

    def codes(key: str) -> tuple[str, ...] | None:
        values = str_list(key)
        for code in values or ():
            if code != "ALL" and not any(k.startswith(code) for k in known):
                raise fail(key, f"{code!r} is not a looplint rule code or prefix (see `looplint rules`)")
        return values

    settings = Settings(config_path=path)
    select = codes("select")
    extend = codes("extend-select") or ()
    if select is not None or extend:
        settings = replace(settings, select=tuple(select if select is not None else ("ALL",)) + tuple(extend))
    ignore = codes("ignore")
    if ignore is not None:
        settings = replace(settings, ignore=ignore)

    if "per-file-ignores" in table:
        value = table["per-file-ignores"]
        if not isinstance(value, dict):
            raise fail("per-file-ignores", "must be a table of glob = [codes]")
        entries = []
        for pattern, file_codes in value.items():
            if not isinstance(file_codes, list) or not all(isinstance(c, str) for c in file_codes):
                raise fail("per-file-ignores", f"{pattern!r} must map to a list of rule codes")
            for code in file_codes:
                if code != "ALL" and not any(k.startswith(code) for k in known):
                    raise fail("per-file-ignores", f"{code!r} (for {pattern!r}) is not a looplint rule code")
            entries.append((pattern, tuple(file_codes)))
        settings = replace(settings, per_file_ignores=tuple(entries))

    if "severity" in table:
        value = table["severity"]
        if not isinstance(value, dict):
            raise fail("severity", 'must be a table of CODE = "error" | "warning" | "info"')
        for code, level in value.items():
            if code not in known:
                raise fail("severity", f"{code!r} is not a looplint rule code")
            if level not in SEVERITIES:
                raise fail("severity", f"{code} = {level!r}: must be one of {', '.join(SEVERITIES)}")
        settings = replace(settings, severity=dict(value))

    exclude = (str_list("exclude") or ()) + (str_list("extend-exclude") or ())
    if exclude:
        settings = replace(settings, exclude=exclude)
    for key, attr in (("async-test-bases", "async_test_bases"), ("async-test-decorators", "async_test_decorators")):
        values = str_list(key)
        if values is not None:
            for value in values:
                if not re.fullmatch(r"[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)*", value):
                    raise fail(key, f"{value!r} is not a dotted Python name like 'pkg.module.Class'")
            settings = replace(settings, **{attr: values})
    if "python-version" in table:
        value = table["python-version"]
        if not isinstance(value, str) or not re.fullmatch(r"3\.\d{1,2}", value):
            raise fail("python-version", f'must be a string like "3.11", got {value!r}')
        settings = replace(settings, python_version=value)
    if "target" in table:
        if not isinstance(table["target"], dict):
            raise fail("target", f'must be a table like {{python = "3.14", pytest-asyncio = "1.3"}}, got {table["target"]!r}')
        try:
            settings = replace(settings, target=parse_target(table["target"]))
        except ValueError as exc:
            raise fail("target", str(exc)) from None
    return settings


class _KeyLocator:
    """Finds the line of a key inside the [tool.looplint] table (tomllib keeps no positions)."""

    def __init__(self, text: str, header: str):
        self.lines = text.splitlines()
        self.header = header
        self.start = 0
        if header:
            for i, line in enumerate(self.lines):
                stripped = line.strip()
                if stripped.startswith("[") and stripped.strip("[] \t").split("#")[0].strip() == header:
                    self.start = i
                    break

    def __call__(self, key: str) -> int:
        pattern = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=")
        sub_table = re.compile(rf"^\s*\[\s*{re.escape(self.header + '.' if self.header else '')}{re.escape(key)}\s*\]")
        for i in range(self.start, len(self.lines)):
            line = self.lines[i]
            if pattern.match(line) or sub_table.match(line):
                return i + 1
        return self.start + 1
