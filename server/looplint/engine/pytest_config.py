"""Resolve the pytest configuration that applies to a test file, as pytest does.

Mirrors ``_pytest/config/findpaths.py`` (pytest 9.2, with the differences of
earlier versions when ``pytest_version`` is given) and pytest-asyncio's /
anyio's way of reading their options.  Static only: files are read, nothing of
the analysed project is imported or run.

How pytest finds its config file (``locate_config``):

* start at the common ancestor of the path arguments (for one test file: its
  directory) and walk up to the filesystem root;
* in each directory try, in this order: ``pytest.toml``, ``.pytest.toml``
  (pytest >= 9.0), ``pytest.ini``, ``.pytest.ini``, ``pyproject.toml``,
  ``tox.ini``, ``setup.cfg``; the first one that *contains pytest config*
  wins.  ``pytest.toml``/``pytest.ini`` always count (even empty, even without
  a section; ``.pytest.ini`` without a section counts only from 9.0);
  ``pyproject.toml`` counts with ``[tool.pytest.ini_options]`` (even empty) or
  a non-empty ``[tool.pytest]`` (9.0+); ``tox.ini`` with ``[pytest]``;
  ``setup.cfg`` with ``[tool:pytest]``.  Every file on the way is *parsed*, so a
  broken ``pyproject.toml`` below the real config aborts pytest.
* pytest >= 9.0 then loads the lower-precedence files of the same directory to
  warn ``(WARNING: ignoring pytest config in X!)`` -- which also means a broken
  or ``[pytest]``-in-``setup.cfg`` sibling aborts the run.
* nothing found: the first ``pyproject.toml`` met on the way is the
  "configfile" (without options) and its directory the rootdir (pytest >= 8.1);
  otherwise the rootdir is the nearest directory with ``setup.py``, else the
  common ancestor of the invocation dir and the start directory.

Standalone: stdlib (+ the sibling helper modules).
"""

from __future__ import annotations

import bisect
import difflib
import os
import re
import shlex
import stat
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

try:
    import tomllib
except ModuleNotFoundError:  # pragma: no cover - Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

from .ini_parse import IniDocument, IniEntry, parse_ini, read_config_text
from .toml_positions import TomlLocations, locate_toml

__all__ = [
    "ANYIO_KEYS",
    "ASYNCIO_KEYS",
    "CONFIG_FILE_NAMES",
    "ConfigEntry",
    "ConfigProblem",
    "PytestConfig",
    "Span",
    "clear_cache",
    "find_pytest_config",
]

#: every name pytest 9.2 looks for, in precedence order
CONFIG_FILE_NAMES = (
    "pytest.toml",
    ".pytest.toml",
    "pytest.ini",
    ".pytest.ini",
    "pyproject.toml",
    "tox.ini",
    "setup.cfg",
)

#: ini keys of pytest-asyncio (all versions up to 1.5) and anyio
ASYNCIO_KEYS = (
    "asyncio_mode",
    "asyncio_debug",
    "asyncio_default_fixture_loop_scope",
    "asyncio_default_test_loop_scope",
)
ANYIO_KEYS = ("anyio_mode",)

# pytest 9.2 core ini options (``pytest --help``), old aliases, and keys of
# widespread plugins.  Used only to decide whether an unknown key is a
# misspelling of an asyncio/anyio key.
_KNOWN_KEYS = frozenset(
    """
    markers empty_parameter_set_mark strict_config strict_markers strict filterwarnings max_warnings
    norecursedirs testpaths collect_imported_tests consider_namespace_packages usefixtures python_files
    python_classes python_functions disable_test_id_escaping_and_forfeit_all_rights_to_community_support
    strict_parametrization_ids parametrize_long_str_id_strategy console_output_style verbosity_test_cases
    strict_xfail xfail_strict tmp_path_retention_count tmp_path_retention_policy enable_assertion_pass_hook
    truncation_limit_lines truncation_limit_chars assertion_text_diff_style verbosity_assertions
    junit_suite_name junit_logging junit_log_passing_tests junit_duration_report junit_family
    doctest_optionflags doctest_encoding cache_dir log_level log_format log_date_format log_cli log_cli_level
    log_cli_format log_cli_date_format log_file log_file_mode log_file_level log_file_format
    log_file_date_format log_auto_indent faulthandler_timeout faulthandler_exit_on_timeout verbosity_subtests
    addopts minversion pythonpath required_plugins
    timeout timeout_method timeout_func_only timeout_disable_debugger_detection
    trio_mode trio_run env mock_use_standalone_module mock_traceback_monkeypatch
    DJANGO_SETTINGS_MODULE DJANGO_CONFIGURATION django_find_project
    """.split()
) | frozenset(ASYNCIO_KEYS) | frozenset(ANYIO_KEYS)

_LATEST = (10_000, 0, 0)

# what pytest-asyncio / anyio register (pytest checks native TOML values against it)
_NATIVE_TYPES = {
    "asyncio_mode": "string",
    "asyncio_debug": "bool",
    "asyncio_default_fixture_loop_scope": "string",
    "asyncio_default_test_loop_scope": "string",
    "anyio_mode": "string",
}


# ---------------------------------------------------------------------------
# public data model
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Span:
    """Position in a config file: line 1-based, columns 0-based in code points."""

    line: int
    col: int
    end_line: int
    end_col: int


@dataclass(frozen=True)
class ConfigEntry:
    key: str
    # what pytest-asyncio / anyio get from ``config.getini``: ``str`` for INI
    # files; for [tool.pytest.ini_options] ``str(v)`` for scalars and the list
    # itself for arrays; native TOML values for [tool.pytest] and pytest.toml;
    # always ``str`` for command-line overrides.
    value: object
    raw: str  # the text of the value as written
    path: Path
    key_span: Span
    value_span: Span
    origin: str = "file"  # "file" | "addopts -o" | "addopts --asyncio-mode" | "addopts --anyio-mode"


@dataclass(frozen=True)
class ConfigProblem:
    """Something pytest rejects (``fatal``: pytest stops) or silently ignores."""

    kind: str
    message: str
    path: Path
    span: Span
    fatal: bool = False
    # for problems about an ignored place: the entries written there
    entries: tuple[ConfigEntry, ...] = ()


@dataclass(frozen=True)
class PytestConfig:
    path: Path | None  # the active config file (None: no pytest config at all)
    rootdir: Path
    section: str | None  # "[pytest]", "[tool.pytest]", "[tool.pytest.ini_options]", "[tool:pytest]"
    section_span: Span | None
    native_toml: bool
    entries: dict[str, ConfigEntry]
    addopts: tuple[str, ...]
    problems: tuple[ConfigProblem, ...]
    # effective values
    overrides: dict[str, ConfigEntry] = field(default_factory=dict)  # `-o k=v` in addopts that pytest applies
    asyncio_mode: str = "strict"
    asyncio_mode_entry: ConfigEntry | None = None
    asyncio_plugin_disabled: bool = False
    anyio_plugin_disabled: bool = False
    anyio_mode: str = "strict"
    anyio_mode_entry: ConfigEntry | None = None
    # the pytest version the resolution assumed (None: latest behaviour)
    pytest_version: str | None = None
    # True when ``path`` is a pyproject.toml without pytest tables that pytest
    # still reports as "configfile" because nothing else was found
    is_fallback: bool = False

    def get(self, key: str) -> ConfigEntry | None:
        """The effective entry: ``-o key=value`` in addopts beats the file."""
        if key in self.overrides:
            return self.overrides[key]
        return self.entries.get(key)

    @property
    def asyncio_default_fixture_loop_scope(self) -> ConfigEntry | None:
        return self.get("asyncio_default_fixture_loop_scope")

    @property
    def asyncio_default_test_loop_scope(self) -> ConfigEntry | None:
        return self.get("asyncio_default_test_loop_scope")

    @property
    def asyncio_debug(self) -> ConfigEntry | None:
        return self.get("asyncio_debug")

    @property
    def fatal(self) -> ConfigProblem | None:
        """The first problem that makes pytest stop before running anything."""
        for p in self.problems:
            if p.fatal:
                return p
        return None

    @property
    def found(self) -> bool:
        """A file with pytest configuration was found (not the pyproject fallback)."""
        return self.path is not None and not self.is_fallback


# ---------------------------------------------------------------------------
# helpers: positions, versions
# ---------------------------------------------------------------------------


class _LineIndex:
    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def pos(self, off: int) -> tuple[int, int]:
        off = max(0, min(off, len(self.text)))
        i = bisect.bisect_right(self.starts, off) - 1
        return i + 1, off - self.starts[i]

    def span(self, start: int, end: int) -> Span:
        l1, c1 = self.pos(start)
        l2, c2 = self.pos(max(start, end))
        return Span(l1, c1, l2, c2)

    def line_span(self, line: int, col: int = 0) -> Span:
        """From (line, col) to the end of that line."""
        line = max(1, min(line, len(self.starts)))
        start = self.starts[line - 1]
        nl = self.text.find("\n", start)
        end = len(self.text) if nl < 0 else nl
        c = max(0, min(col, end - start))
        return Span(line, c, line, end - start)


_ZERO = Span(1, 0, 1, 0)


def _parse_version(v: str | None) -> tuple[int, int, int]:
    if not v:
        return _LATEST
    m = re.match(r"\s*v?(\d+)(?:\.(\d+))?(?:\.(\d+))?", str(v))
    if not m:
        return _LATEST
    return int(m.group(1)), int(m.group(2) or 0), int(m.group(3) or 0)


# ---------------------------------------------------------------------------
# parsed files (cached by stat signature)
# ---------------------------------------------------------------------------


@dataclass
class _Parsed:
    path: Path
    text: str | None  # None: unreadable
    read_error: str | None
    lines: _LineIndex
    toml: dict | None = None
    toml_error: tuple[str, Span] | None = None
    ini: IniDocument | None = None
    _toml_loc: TomlLocations | None = None

    @property
    def toml_loc(self) -> TomlLocations:
        if self._toml_loc is None:
            self._toml_loc = locate_toml(self.text or "")
        return self._toml_loc


_TOML_POS = re.compile(r"\(at line (\d+), column (\d+)\)")


def _parse_file(path: Path) -> _Parsed:
    try:
        text = read_config_text(path)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        return _Parsed(path, None, f"{path}: cannot read: {exc}", _LineIndex(""))
    return _parse_text(path, text)


def _parse_text(path: Path, text: str) -> _Parsed:
    """Parse config text as the content of ``path`` (an editor buffer, or what was read from disk)."""
    if path.suffix != ".toml":
        # iniconfig drops a leading BOM; editors do not count it as a column either
        text = text.removeprefix("\ufeff")
    pf = _Parsed(path, text, None, _LineIndex(text))
    if path.suffix == ".toml":
        try:
            pf.toml = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            msg = str(exc)
            m = _TOML_POS.search(msg)
            if m:
                span = pf.lines.line_span(int(m.group(1)), int(m.group(2)) - 1)
            else:  # "at end of document"
                span = pf.lines.span(len(text), len(text))
            pf.toml_error = (f"{path}: {msg}", span)
        except Exception as exc:  # pragma: no cover - defensive
            pf.toml_error = (f"{path}: {exc}", _ZERO)
    else:
        pf.ini = parse_ini(text)
    return pf


def _stat_sig(p: Path) -> tuple | None:
    try:
        st = os.stat(p)
    except (OSError, ValueError):
        return None
    if not stat.S_ISREG(st.st_mode):
        return None
    return (st.st_mtime_ns, st.st_size, st.st_ino, st.st_dev)


_lock = threading.Lock()
_parse_cache: dict[Path, tuple[tuple, _Parsed]] = {}
_result_cache: dict[tuple, tuple[tuple, PytestConfig]] = {}


def clear_cache() -> None:
    """Forget every parsed file and resolved configuration."""
    with _lock:
        _parse_cache.clear()
        _result_cache.clear()


def _parsed(path: Path, sig: tuple) -> _Parsed:
    with _lock:
        hit = _parse_cache.get(path)
    if hit is not None and hit[0] == sig:
        return hit[1]
    pf = _parse_file(path)
    with _lock:
        _parse_cache[path] = (sig, pf)
    return pf


# ---------------------------------------------------------------------------
# loading one candidate file (the loaders of findpaths.py)
# ---------------------------------------------------------------------------


@dataclass
class _Loaded:
    counts: bool = False  # the loader returned a config dict (not None)
    section: str | None = None
    section_span: Span | None = None
    native: bool = False
    entries: dict[str, ConfigEntry] = field(default_factory=dict)
    problems: list[ConfigProblem] = field(default_factory=list)
    pf: _Parsed | None = None

    @property
    def fatal(self) -> ConfigProblem | None:
        for p in self.problems:
            if p.fatal:
                return p
        return None


def _ini_entries(pf: _Parsed, section: str) -> dict[str, ConfigEntry]:
    assert pf.ini is not None and pf.text is not None
    out: dict[str, ConfigEntry] = {}
    sec = pf.ini.sections[section]
    for name, e in sec.entries.items():
        out[name] = _ini_entry(pf, e)
    return out


def _ini_entry(pf: _Parsed, e: IniEntry) -> ConfigEntry:
    text = pf.text or ""
    return ConfigEntry(
        key=e.name,
        value=e.value,
        raw=text[e.value_start : e.value_end],
        path=pf.path,
        key_span=pf.lines.span(e.name_start, e.name_end),
        value_span=pf.lines.span(e.value_start, e.value_end),
        origin="file",
    )


def _ini_section_span(pf: _Parsed, section: str) -> Span:
    assert pf.ini is not None
    sec = pf.ini.sections[section]
    return pf.lines.span(sec.header_start, sec.header_end)


def _toml_table_span(pf: _Parsed, path: tuple) -> Span | None:
    loc = pf.toml_loc.table_span(path)
    if loc is None:
        return None
    return pf.lines.span(*loc)


def _toml_entries(pf: _Parsed, table_path: tuple, table: dict, *, ini_mode: bool, skip: tuple = ()) -> dict[str, ConfigEntry]:
    out: dict[str, ConfigEntry] = {}
    text = pf.text or ""
    fallback = _toml_table_span(pf, table_path) or _ZERO
    for k, v in table.items():
        if k in skip:
            continue
        if ini_mode:
            v = v if isinstance(v, list) else str(v)
        kl = pf.toml_loc.keys.get(table_path + (k,))
        if kl is not None:
            key_span = pf.lines.span(kl.key_start, kl.key_end)
            value_span = pf.lines.span(kl.value_start, kl.value_end)
            raw = text[kl.value_start : kl.value_end]
        else:  # a sub-table written as [a.b.k]
            ts = _toml_table_span(pf, table_path + (k,)) or fallback
            key_span = value_span = ts
            raw = ""
        out[k] = ConfigEntry(k, v, raw, pf.path, key_span, value_span, "file")
    return out


def _parse_problem(pf: _Parsed) -> ConfigProblem | None:
    if pf.read_error is not None:
        return ConfigProblem("unreadable", pf.read_error, pf.path, _ZERO, fatal=True)
    if pf.toml_error is not None:
        msg, span = pf.toml_error
        return ConfigProblem("parse-error", msg, pf.path, span, fatal=True)
    if pf.ini is not None and pf.ini.error is not None:
        err = pf.ini.error
        return ConfigProblem(
            "parse-error", err.format(str(pf.path)), pf.path, pf.lines.span(err.start, err.end), fatal=True
        )
    return None


def _load(pf: _Parsed, name: str, ver: tuple[int, int, int]) -> _Loaded:
    out = _Loaded(pf=pf)
    bad = _parse_problem(pf)
    if bad is not None:
        out.counts = True
        out.problems.append(bad)
        return out
    if name in ("pytest.toml", ".pytest.toml"):
        _load_pytest_toml(pf, ver, out)
    elif name in ("pytest.ini", ".pytest.ini"):
        _load_pytest_ini(pf, name, ver, out)
    elif name == "pyproject.toml":
        _load_pyproject(pf, ver, out)
    elif name == "tox.ini":
        _load_tox(pf, out)
    elif name == "setup.cfg":
        _load_setup_cfg(pf, out)
    return out


def _load_pytest_toml(pf: _Parsed, ver, out: _Loaded) -> None:
    doc = pf.toml or {}
    out.counts = True
    out.native = True
    table = doc.get("pytest")
    if "pytest" in doc:
        if not isinstance(table, dict):
            out.problems.append(
                ConfigProblem(
                    "bad-type",
                    f"{pf.path}: 'pytest' must be a table, got {type(table).__name__}",
                    pf.path,
                    _key_span(pf, ("pytest",)),
                    fatal=True,
                )
            )
            return
        out.section = "[pytest]"
        out.section_span = _toml_table_span(pf, ("pytest",))
        out.entries = _toml_entries(pf, ("pytest",), table, ini_mode=False)
    else:
        top = [k for k, v in doc.items() if not isinstance(v, dict)]
        if top and ver >= (9, 2, 0):
            kl = pf.toml_loc.keys.get((top[0],))
            span = pf.lines.span(kl.key_start, kl.key_end) if kl else _ZERO
            out.problems.append(
                ConfigProblem(
                    "toml-top-level-options",
                    f"{pf.path}: pytest configuration must be under a [pytest] table "
                    f"(found top-level options: {', '.join(top)})",
                    pf.path,
                    span,
                    fatal=True,
                )
            )
            return
        if top:
            out.problems.append(
                ConfigProblem(
                    "toml-top-level-options",
                    f"{pf.path}: options outside of a [pytest] table are ignored: {', '.join(top)}",
                    pf.path,
                    _key_span(pf, (top[0],)),
                )
            )
    # [tool.pytest...] tables mean nothing in pytest.toml
    tool = doc.get("tool")
    if isinstance(tool, dict) and isinstance(tool.get("pytest"), dict) and tool["pytest"]:
        out.problems.append(
            ConfigProblem(
                "ignored-section",
                f"{pf.path.name} reads only the [pytest] table; [tool.pytest...] is ignored here",
                pf.path,
                _toml_table_span(pf, ("tool", "pytest")) or _ZERO,
                entries=tuple(_toml_entries(pf, ("tool", "pytest"), tool["pytest"], ini_mode=False).values()),
            )
        )


def _key_span(pf: _Parsed, path: tuple) -> Span:
    kl = pf.toml_loc.keys.get(path)
    if kl is not None:
        return pf.lines.span(kl.key_start, kl.key_end)
    return _toml_table_span(pf, path) or _ZERO


def _load_pytest_ini(pf: _Parsed, name: str, ver, out: _Loaded) -> None:
    ini = pf.ini
    assert ini is not None
    if "pytest" in ini:
        out.counts = True
        out.section = "[pytest]"
        out.section_span = _ini_section_span(pf, "pytest")
        out.entries = _ini_entries(pf, "pytest")
    elif name == "pytest.ini" or ver >= (9, 0, 0):
        out.counts = True
    for sname in ini.sections:
        if sname != "pytest":
            out.problems.append(
                ConfigProblem(
                    "ignored-section",
                    f"{name} reads only the [pytest] section; [{sname}] is ignored",
                    pf.path,
                    _ini_section_span(pf, sname),
                    entries=tuple(_ini_entries(pf, sname).values()),
                )
            )


def _load_tox(pf: _Parsed, out: _Loaded) -> None:
    ini = pf.ini
    assert ini is not None
    if "pytest" in ini:
        out.counts = True
        out.section = "[pytest]"
        out.section_span = _ini_section_span(pf, "pytest")
        out.entries = _ini_entries(pf, "pytest")
    if "tool:pytest" in ini:
        out.problems.append(
            ConfigProblem(
                "ignored-section",
                "pytest reads [pytest] in tox.ini; [tool:pytest] is ignored here",
                pf.path,
                _ini_section_span(pf, "tool:pytest"),
                entries=tuple(_ini_entries(pf, "tool:pytest").values()),
            )
        )


_CFG_PYTEST_SECTION = "[pytest] section in setup.cfg files is no longer supported, change to [tool:pytest] instead."


def _load_setup_cfg(pf: _Parsed, out: _Loaded) -> None:
    ini = pf.ini
    assert ini is not None
    if "tool:pytest" in ini:
        out.counts = True
        out.section = "[tool:pytest]"
        out.section_span = _ini_section_span(pf, "tool:pytest")
        out.entries = _ini_entries(pf, "tool:pytest")
        if "pytest" in ini:
            out.problems.append(
                ConfigProblem(
                    "setup-cfg-pytest-section",
                    "pytest ignores [pytest] in setup.cfg (it reads [tool:pytest])",
                    pf.path,
                    _ini_section_span(pf, "pytest"),
                    entries=tuple(_ini_entries(pf, "pytest").values()),
                )
            )
    elif "pytest" in ini:
        # pytest calls fail() while loading the file: the run stops.
        out.counts = True
        out.problems.append(
            ConfigProblem(
                "setup-cfg-pytest-section",
                _CFG_PYTEST_SECTION,
                pf.path,
                _ini_section_span(pf, "pytest"),
                fatal=True,
                entries=tuple(_ini_entries(pf, "pytest").values()),
            )
        )


def _load_pyproject(pf: _Parsed, ver, out: _Loaded) -> None:
    doc = pf.toml or {}
    tool = doc.get("tool", {})
    tool_pytest = tool.get("pytest", {}) if isinstance(tool, dict) else {}
    if not isinstance(tool_pytest, dict):
        tool_pytest = {}
    ini_config = tool_pytest.get("ini_options", None)
    toml_config = {k: v for k, v in tool_pytest.items() if k != "ini_options"}
    ini_span = _toml_table_span(pf, ("tool", "pytest", "ini_options"))
    native_span = _toml_table_span(pf, ("tool", "pytest"))
    if ver < (9, 0, 0):
        if toml_config:
            out.problems.append(
                ConfigProblem(
                    "native-toml-unsupported",
                    "[tool.pytest] (native TOML) needs pytest >= 9.0; this pytest reads only "
                    "[tool.pytest.ini_options] and ignores it",
                    pf.path,
                    native_span or _ZERO,
                    entries=tuple(_toml_entries(pf, ("tool", "pytest"), toml_config, ini_mode=False).values()),
                )
            )
        toml_config = {}
    if toml_config and ini_config:
        out.counts = True
        out.problems.append(
            ConfigProblem(
                "both-toml-tables",
                f"{pf.path}: Cannot use both [tool.pytest] (native TOML types) and "
                "[tool.pytest.ini_options] (string-based INI format) simultaneously. "
                "Please use [tool.pytest] with native TOML types (recommended) "
                "or [tool.pytest.ini_options] for backwards compatibility.",
                pf.path,
                ini_span or _ZERO,
                fatal=True,
                entries=tuple(
                    _toml_entries(pf, ("tool", "pytest"), toml_config, ini_mode=False).values()
                )
                + tuple(_toml_entries(pf, ("tool", "pytest", "ini_options"), ini_config, ini_mode=True).values()),
            )
        )
        return
    if toml_config:
        out.counts = True
        out.native = True
        out.section = "[tool.pytest]"
        out.section_span = native_span
        out.entries = _toml_entries(pf, ("tool", "pytest"), tool_pytest, ini_mode=False, skip=("ini_options",))
        if isinstance(ini_config, dict) and ini_span is not None:
            # an empty [tool.pytest.ini_options] next to [tool.pytest]: harmless, but misleading
            out.problems.append(
                ConfigProblem(
                    "ignored-section",
                    "empty [tool.pytest.ini_options] is ignored; [tool.pytest] is used",
                    pf.path,
                    ini_span,
                )
            )
        return
    if ini_config is not None:
        out.counts = True
        out.section = "[tool.pytest.ini_options]"
        out.section_span = ini_span
        if isinstance(ini_config, dict):
            out.entries = _toml_entries(pf, ("tool", "pytest", "ini_options"), ini_config, ini_mode=True)
        else:
            out.problems.append(
                ConfigProblem(
                    "bad-type",
                    f"{pf.path}: tool.pytest.ini_options must be a table",
                    pf.path,
                    _key_span(pf, ("tool", "pytest", "ini_options")),
                    fatal=True,
                )
            )


# ---------------------------------------------------------------------------
# resolution
# ---------------------------------------------------------------------------


def _names_for(ver) -> tuple[str, ...]:
    if ver >= (9, 0, 0):
        return CONFIG_FILE_NAMES
    return ("pytest.ini", ".pytest.ini", "pyproject.toml", "tox.ini", "setup.cfg")


def find_pytest_config(
    start: Path | str,
    *,
    stop_at: Path | str | None = None,
    invocation_dir: Path | str | None = None,
    pytest_version: str | None = None,
    overlays: dict | None = None,
) -> PytestConfig:
    """The pytest configuration that applies when pytest is run on ``start``.

    ``start``: a test file or a directory (pytest walks up from the file's
    directory).  ``stop_at``: if given, directories above it are not searched.
    ``invocation_dir``: pytest's working directory, used only for the rootdir
    when no config file is found (default: the start directory).
    ``pytest_version``: resolve as that pytest version does (default: 9.2+).
    ``overlays``: file path -> text to use instead of what is on disk (unsaved
    editor buffers); such a resolution is not cached.
    Never raises for bad files; see ``problems``.
    """
    start_p = Path(os.path.abspath(os.fspath(start)))
    base = start_p if start_p.is_dir() else start_p.parent
    stop = Path(os.path.abspath(os.fspath(stop_at))) if stop_at is not None else None
    inv = Path(os.path.abspath(os.fspath(invocation_dir))) if invocation_dir is not None else None
    if overlays:
        # open() reads with universal newlines; a buffer's text must look the same
        texts = {
            Path(os.path.abspath(os.fspath(k))): v.replace("\r\n", "\n").replace("\r", "\n")
            for k, v in overlays.items()
        }
        return _resolve(base, stop, inv, pytest_version, [], texts)
    key = (base, stop, inv, pytest_version)
    with _lock:
        hit = _result_cache.get(key)
    if hit is not None:
        deps, cfg = hit
        if all(_stat_sig(p) == sig for p, sig in deps):
            return cfg
    deps: list[tuple[Path, Any]] = []
    cfg = _resolve(base, stop, inv, pytest_version, deps)
    with _lock:
        _result_cache[key] = (tuple(deps), cfg)
    return cfg


def _dirs_up(base: Path, stop: Path | None):
    for d in (base, *base.parents):
        yield d
        if stop is not None and d == stop:
            return


def _resolve(base: Path, stop: Path | None, inv: Path | None, pytest_version: str | None, deps: list,
             overlays: dict[Path, str] | None = None) -> PytestConfig:
    ver = _parse_version(pytest_version)
    names = _names_for(ver)
    found_pyproject: Path | None = None
    fallback_problems: list[ConfigProblem] = []  # what the fallback pyproject.toml holds that pytest ignores

    def load(p: Path, name: str) -> _Loaded | None:
        if overlays and p in overlays:
            return _load(_parse_text(p, overlays[p]), name, ver)
        sig = _stat_sig(p)
        deps.append((p, sig))
        if sig is None:
            return None
        return _load(_parsed(p, sig), name, ver)

    for d in _dirs_up(base, stop):
        for idx, name in enumerate(names):
            p = d / name
            ld = load(p, name)
            if ld is None:
                continue
            if name == "pyproject.toml" and found_pyproject is None:
                found_pyproject = p
            if ld.fatal is not None:
                # pytest aborts while loading this file
                return _finish(
                    path=p, rootdir=d, loaded=_Loaded(problems=ld.problems), extra=[], ver=ver, pytest_version=pytest_version
                )
            if not ld.counts:
                if p == found_pyproject:
                    fallback_problems = list(ld.problems)  # e.g. [tool.pytest] ignored by pytest < 9
                continue
            extra: list[ConfigProblem] = []
            for name2 in names[idx + 1 :]:
                p2 = d / name2
                ld2 = load(p2, name2)
                if ld2 is None:
                    continue
                extra.extend(_sibling_problems(ld2, p, p2, ver))
            return _finish(path=p, rootdir=d, loaded=ld, extra=extra, ver=ver, pytest_version=pytest_version)
    if found_pyproject is not None and ver >= (8, 1, 0):
        return _finish(
            path=found_pyproject,
            rootdir=found_pyproject.parent,
            loaded=_Loaded(problems=fallback_problems),
            extra=[],
            ver=ver,
            pytest_version=pytest_version,
            is_fallback=True,
        )
    rootdir: Path | None = None
    for d in _dirs_up(base, stop):
        sp = d / "setup.py"
        sig = _stat_sig(sp)
        deps.append((sp, sig))
        if sig is not None:
            rootdir = d
            break
    if rootdir is None:
        invocation = inv or base
        common = Path(os.path.commonpath([str(invocation), str(base)]))
        rootdir = base if _is_fs_root(common) else common
    return _finish(path=None, rootdir=rootdir, loaded=_Loaded(), extra=[], ver=ver, pytest_version=pytest_version)


def _is_fs_root(p: Path) -> bool:
    return os.path.splitdrive(str(p))[1] == os.sep


def _sibling_problems(ld2: _Loaded, active: Path, p2: Path, ver) -> list[ConfigProblem]:
    """Problems of a lower-precedence file in the directory of the active one."""
    out: list[ConfigProblem] = []
    loads_siblings = ver >= (9, 0, 0)  # pytest < 9 never opens them
    for prob in ld2.problems:
        if prob.fatal and not loads_siblings:
            if prob.kind == "setup-cfg-pytest-section":
                out.append(_replace(prob, fatal=False, message="pytest ignores [pytest] in setup.cfg"))
            continue
        out.append(prob)
    if ld2.counts and ld2.fatal is None:
        what = ld2.section or "(the whole file)"
        if loads_siblings:
            note = f" (pytest prints: configfile: {active.name} (WARNING: ignoring pytest config in {p2.name}!))"
        else:
            note = " (this pytest does not warn about it)"
        out.append(
            ConfigProblem(
                "ignored-lower-precedence-file",
                f"pytest ignores {what} in {p2.name}: {active.name} in the same directory takes precedence{note}",
                p2,
                ld2.section_span or _ZERO,
                entries=tuple(ld2.entries.values()),
            )
        )
    return out


def _replace(p: ConfigProblem, **kw) -> ConfigProblem:
    import dataclasses

    return dataclasses.replace(p, **kw)


# ---------------------------------------------------------------------------
# addopts
# ---------------------------------------------------------------------------


@dataclass
class _Tok:
    text: str
    span: Span
    start: int = -1  # file offset when known
    end: int = -1


def _addopts_tokens(pf_text: str, lines: _LineIndex, entry: ConfigEntry, value: object, native: bool,
                    item_spans: list[tuple[int, int]] | None, problems: list[ConfigProblem], value_offsets) -> list[_Tok] | None:
    """Split addopts like pytest (``shlex.split`` for strings) and locate each token."""
    if isinstance(value, list):
        if not all(isinstance(x, str) for x in value):
            problems.append(
                ConfigProblem(
                    "bad-addopts",
                    f"{entry.path}: config option 'addopts' expects a list of strings, got {value!r}",
                    entry.path,
                    entry.value_span,
                    fatal=True,
                )
            )
            return None
        toks = []
        for i, t in enumerate(value):
            if item_spans is not None and i < len(item_spans):
                s, e = item_spans[i]
                raw = pf_text[s:e]
                q = 3 if raw[:3] in ('"""', "'''") else 1
                if len(raw) >= 2 * q and raw[q:-q] == t:  # no escapes: point inside the quotes
                    s, e = s + q, e - q
                toks.append(_Tok(t, lines.span(s, e), s, e))
            else:
                toks.append(_Tok(t, entry.value_span))
        return toks
    if native:
        problems.append(
            ConfigProblem(
                "bad-addopts",
                f"{entry.path}: config option 'addopts' expects a list for type 'args', "
                f"got {type(value).__name__}: {value!r}",
                entry.path,
                entry.value_span,
                fatal=True,
            )
        )
        return None
    if not isinstance(value, str):  # pragma: no cover - ini values are str or list
        return None
    try:
        parts = shlex.split(value)
    except ValueError as exc:
        problems.append(
            ConfigProblem("bad-addopts", f"{entry.path}: addopts: {exc}", entry.path, entry.value_span, fatal=True)
        )
        return None
    toks = []
    vs, ve = value_offsets if value_offsets else (-1, -1)
    cursor = vs
    for t in parts:
        j = pf_text.find(t, cursor, ve) if vs >= 0 and t else -1
        if j >= 0:
            toks.append(_Tok(t, lines.span(j, j + len(t)), j, j + len(t)))
            cursor = j + len(t)
        else:
            toks.append(_Tok(t, entry.value_span))
    return toks


def _sub_span(lines: _LineIndex, tok: _Tok, a: int, b: int) -> Span:
    if tok.start >= 0 and tok.end - tok.start == len(tok.text):
        return lines.span(tok.start + a, tok.start + b)
    return tok.span


def _finish(*, path: Path | None, rootdir: Path, loaded: _Loaded, extra: list, ver, pytest_version,
            is_fallback: bool = False) -> PytestConfig:
    problems: list[ConfigProblem] = list(loaded.problems) + list(extra)
    entries = dict(loaded.entries)
    # misspelled asyncio/anyio keys
    for k, e in entries.items():
        if k in _KNOWN_KEYS:
            continue
        near = difflib.get_close_matches(k.lower().replace("-", "_"), ASYNCIO_KEYS + ANYIO_KEYS, n=1, cutoff=0.75)
        if near or k.lower().startswith(("asyncio", "anyio")):
            hint = f" (did you mean {near[0]!r}?)" if near else ""
            problems.append(
                ConfigProblem("unknown-key", f"Unknown config option: {k}{hint}", e.path, e.key_span, entries=(e,))
            )
    addopts: tuple[str, ...] = ()
    overrides: dict[str, ConfigEntry] = {}
    asyncio_mode_entry: ConfigEntry | None = None
    anyio_cli: ConfigEntry | None = None
    asyncio_disabled = anyio_disabled = False
    ao = entries.get("addopts")
    if ao is not None and path is not None:
        pf = loaded.pf
        text = pf.text if pf is not None and pf.text is not None else ""
        lines = pf.lines if pf is not None else _LineIndex("")
        item_spans = None
        value_offsets = None
        if pf is not None and path.suffix == ".toml":
            table = ("pytest",) if loaded.section == "[pytest]" else (
                ("tool", "pytest") if loaded.section == "[tool.pytest]" else ("tool", "pytest", "ini_options"))
            kl = pf.toml_loc.keys.get(table + ("addopts",))
            if kl is not None:
                item_spans = kl.items or None
                value_offsets = (kl.value_start, kl.value_end)
        elif pf is not None and pf.ini is not None:
            sec = (loaded.section or "[]")[1:-1]
            ie = pf.ini.sections.get(sec).entries.get("addopts") if sec in pf.ini.sections else None
            if ie is not None:
                value_offsets = (ie.value_start, ie.value_end)
        toks = _addopts_tokens(text, lines, ao, ao.value, loaded.native, item_spans, problems, value_offsets)
        if toks:
            addopts = tuple(t.text for t in toks)
            (overrides, asyncio_mode_entry, anyio_cli, asyncio_disabled, anyio_disabled) = _scan_addopts(
                toks, lines, path, ver, problems
            )
    # native TOML values are type-checked by pytest when the plugin reads them
    if loaded.native:
        for key, want in _NATIVE_TYPES.items():
            plugin_off = asyncio_disabled if key.startswith("asyncio") else anyio_disabled
            e = entries.get(key)
            if e is None or key in overrides or plugin_off:
                continue
            ok = isinstance(e.value, bool) if want == "bool" else isinstance(e.value, str)
            if not ok:
                problems.append(
                    ConfigProblem(
                        "bad-type",
                        f"{e.path}: config option '{key}' expects a {'bool' if want == 'bool' else 'string'}, "
                        f"got {type(e.value).__name__}: {e.value!r}",
                        e.path,
                        e.value_span,
                        fatal=True,
                        entries=(e,),
                    )
                )
    cfg_kwargs = dict(
        path=path,
        rootdir=rootdir,
        section=loaded.section,
        section_span=loaded.section_span,
        native_toml=loaded.native,
        entries=entries,
        addopts=addopts,
        problems=tuple(problems),
        overrides=overrides,
        asyncio_plugin_disabled=asyncio_disabled,
        anyio_plugin_disabled=anyio_disabled,
        pytest_version=pytest_version,
        is_fallback=is_fallback,
    )
    # asyncio_mode: --asyncio-mode > -o asyncio_mode= > ini > "strict"
    if asyncio_mode_entry is None:
        asyncio_mode_entry = overrides.get("asyncio_mode") or entries.get("asyncio_mode")
    asyncio_mode = "strict" if asyncio_mode_entry is None else _as_str(asyncio_mode_entry.value)
    # anyio: auto if the option OR the ini value is exactly "auto" (anyio's _is_auto_mode)
    ini_anyio = overrides.get("anyio_mode") or entries.get("anyio_mode")
    if anyio_cli is not None and anyio_cli.value == "auto":
        anyio_mode, anyio_entry = "auto", anyio_cli
    elif ini_anyio is not None and ini_anyio.value == "auto":
        anyio_mode, anyio_entry = "auto", ini_anyio
    else:
        anyio_mode, anyio_entry = "strict", anyio_cli or ini_anyio
    return PytestConfig(
        **cfg_kwargs,
        asyncio_mode=asyncio_mode,
        asyncio_mode_entry=asyncio_mode_entry,
        anyio_mode=anyio_mode,
        anyio_mode_entry=anyio_entry,
    )


def _as_str(v: object) -> str:
    return v if isinstance(v, str) else str(v)


def _scan_addopts(toks: list[_Tok], lines: _LineIndex, path: Path, ver, problems: list[ConfigProblem]):
    overrides: dict[str, ConfigEntry] = {}
    ignored_overrides: list[ConfigEntry] = []
    asyncio_mode_entry: ConfigEntry | None = None
    anyio_cli: ConfigEntry | None = None
    blocked: dict[str, bool] = {}
    applies_o = ver >= (9, 1, 0)
    n = len(toks)
    i = 0

    def value_after(opt: str, i: int) -> tuple[_Tok | None, str | None, int, int, int]:
        """For option ``opt`` at toks[i]: (token holding the value, value, offset of value in it, next i, opt len)."""
        t = toks[i].text
        if t == opt:
            if i + 1 < n:
                return toks[i + 1], toks[i + 1].text, 0, i + 2, len(opt)
            return None, None, 0, i + 1, len(opt)
        if opt.startswith("--") and t.startswith(opt + "="):
            return toks[i], t[len(opt) + 1 :], len(opt) + 1, i + 1, len(opt)
        if not opt.startswith("--") and t.startswith(opt) and len(t) > len(opt):
            return toks[i], t[len(opt) :], len(opt), i + 1, len(opt)
        return None, None, 0, -1, 0

    while i < n:
        first = i
        tok = toks[i]
        t = tok.text
        if t == "--":
            break
        handled = False
        for opt in ("-o", "--override-ini"):
            vt, val, voff, nxt, olen = value_after(opt, i)
            if nxt < 0:
                continue
            handled = True
            i = nxt
            if vt is None or val is None:
                break
            if "=" not in val:
                if applies_o:
                    problems.append(
                        ConfigProblem(
                            "bad-override",
                            f"-o/--override-ini expects option=value style (got: {val!r}).",
                            path,
                            vt.span,
                            fatal=True,
                        )
                    )
                break
            k, v = val.split("=", 1)
            e = ConfigEntry(
                key=k,
                value=v,
                raw=val,
                path=path,
                key_span=_sub_span(lines, vt, voff, voff + len(k)),
                value_span=_sub_span(lines, vt, voff + len(k) + 1, voff + len(val)),
                origin="addopts -o",
            )
            if applies_o:
                overrides[k] = e
            else:
                ignored_overrides.append(e)
            break
        if handled:
            continue
        vt, val, voff, nxt, olen = value_after("-p", i)
        if nxt >= 0:
            i = nxt
            if val is not None:
                parg = val.strip()
                if parg.startswith("no:"):
                    blocked[parg[3:]] = True
                else:
                    blocked[parg] = False
            continue
        for opt, key in (("--asyncio-mode", "asyncio_mode"), ("--anyio-mode", "anyio_mode")):
            vt, val, voff, nxt, olen = value_after(opt, i)
            if nxt < 0:
                continue
            handled = True
            i = nxt
            if vt is not None and val is not None:
                key_span = tok.span if vt is not tok else _sub_span(lines, tok, 0, olen)
                e = ConfigEntry(
                    key=key,
                    value=val,
                    raw=" ".join(x.text for x in toks[first:nxt]),
                    path=path,
                    key_span=key_span,
                    value_span=_sub_span(lines, vt, voff, voff + len(val)),
                    origin="addopts " + opt,
                )
                if key == "asyncio_mode":
                    asyncio_mode_entry = e
                else:
                    anyio_cli = e
            break
        if handled:
            continue
        i += 1
    for opt_entry, plugin in ((asyncio_mode_entry, "asyncio"), (anyio_cli, "anyio")):
        if opt_entry is not None and blocked.get(plugin, False):
            problems.append(
                ConfigProblem(
                    "unrecognized-option",
                    f"{opt_entry.origin.split()[-1]} is an option of the {plugin} plugin, which '-p no:{plugin}' "
                    "disables: pytest stops with 'error: unrecognized arguments'",
                    path,
                    opt_entry.key_span,
                    fatal=True,
                    entries=(opt_entry,),
                )
            )
    for e in ignored_overrides:
        problems.append(
            ConfigProblem(
                "addopts-override-ignored",
                f"pytest < 9.1 ignores '-o {e.raw}' in addopts (it applies -o only from the command line)",
                path,
                e.key_span,
                entries=(e,),
            )
        )

    return overrides, asyncio_mode_entry, anyio_cli, blocked.get("asyncio", False), blocked.get("anyio", False)
