"""Tests for looplint.engine.pytest_config (and its INI / TOML position helpers).

The cross-check at the bottom runs the real pytest of this environment on many
layouts and compares its header (``rootdir:``, ``configfile:``, the ``asyncio:``
line of pytest-asyncio, collected items) with what the resolver predicts.
"""

from __future__ import annotations

import os
import random
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from looplint.engine import pytest_config as pc
from looplint.engine.ini_parse import parse_ini
from looplint.engine.pytest_config import Span, clear_cache, find_pytest_config
from looplint.engine.toml_positions import locate_toml


@pytest.fixture(autouse=True)
def _fresh_cache():
    clear_cache()
    yield
    clear_cache()


def write(root: Path, files: dict[str, str | bytes]) -> Path:
    for rel, content in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            p.write_bytes(content)
        else:
            p.write_text(content, encoding="utf-8", newline="")
    return root


TEST = "async def test_x():\n    pass\n"


def resolve(root: Path, files: dict[str, str | bytes], start: str = "tests/test_x.py", **kw):
    write(root, {start: TEST, **files} if start.endswith(".py") else files)
    kw.setdefault("stop_at", root)
    return find_pytest_config(root / start, **kw)


def text_at(path: Path, span: Span) -> str:
    lines = path.read_text(encoding="utf-8").removeprefix("\ufeff").split("\n")
    if span.line == span.end_line:
        return lines[span.line - 1][span.col : span.end_col]
    out = [lines[span.line - 1][span.col :]]
    out += lines[span.line : span.end_line - 1]
    out.append(lines[span.end_line - 1][: span.end_col])
    return "\n".join(out)


def kinds(cfg) -> list[str]:
    return [p.kind for p in cfg.problems]


# ---------------------------------------------------------------------------
# which file is active
# ---------------------------------------------------------------------------

CONFIG_CONTENT = {
    "pytest.toml": '[pytest]\nasyncio_mode = "auto"\n',
    ".pytest.toml": '[pytest]\nasyncio_mode = "auto"\n',
    "pytest.ini": "[pytest]\nasyncio_mode = auto\n",
    ".pytest.ini": "[pytest]\nasyncio_mode = auto\n",
    "pyproject.toml": '[tool.pytest.ini_options]\nasyncio_mode = "auto"\n',
    "tox.ini": "[pytest]\nasyncio_mode = auto\n",
    "setup.cfg": "[tool:pytest]\nasyncio_mode = auto\n",
}
SECTION = {
    "pytest.toml": "[pytest]",
    ".pytest.toml": "[pytest]",
    "pytest.ini": "[pytest]",
    ".pytest.ini": "[pytest]",
    "pyproject.toml": "[tool.pytest.ini_options]",
    "tox.ini": "[pytest]",
    "setup.cfg": "[tool:pytest]",
}
PAIRS = [(a, b) for i, a in enumerate(pc.CONFIG_FILE_NAMES) for b in pc.CONFIG_FILE_NAMES[i + 1 :]]


@pytest.mark.parametrize("name", pc.CONFIG_FILE_NAMES)
def test_single_file_is_found(tmp_path, name):
    cfg = resolve(tmp_path, {name: CONFIG_CONTENT[name]})
    assert cfg.path == tmp_path / name
    assert cfg.rootdir == tmp_path
    assert cfg.section == SECTION[name]
    assert text_at(cfg.path, cfg.section_span) == SECTION[name]
    assert cfg.native_toml == name.endswith("pytest.toml")
    assert cfg.asyncio_mode == "auto"
    assert cfg.asyncio_mode_entry is cfg.entries["asyncio_mode"]
    assert text_at(cfg.path, cfg.entries["asyncio_mode"].key_span) == "asyncio_mode"
    assert cfg.problems == ()


@pytest.mark.parametrize(("high", "low"), PAIRS, ids=[f"{a}>{b}" for a, b in PAIRS])
def test_precedence_in_one_directory(tmp_path, high, low):
    files = {high: CONFIG_CONTENT[high].replace("auto", "strict"), low: CONFIG_CONTENT[low]}
    cfg = resolve(tmp_path, files)
    assert cfg.path == tmp_path / high
    assert cfg.asyncio_mode == "strict"
    [prob] = [p for p in cfg.problems if p.kind == "ignored-lower-precedence-file"]
    assert prob.path == tmp_path / low
    assert not prob.fatal
    assert text_at(prob.path, prob.span) == SECTION[low]
    assert [e.key for e in prob.entries] == ["asyncio_mode"]
    assert f"WARNING: ignoring pytest config in {low}!" in prob.message


def test_empty_pytest_ini_beats_pyproject(tmp_path):
    cfg = resolve(
        tmp_path,
        {
            "pytest.ini": "",
            "pyproject.toml": '[project]\nname = "x"\n\n[tool.pytest.ini_options]\nasyncio_mode = "auto"\n',
        },
    )
    assert cfg.path == tmp_path / "pytest.ini"
    assert cfg.section is None and cfg.section_span is None
    assert cfg.entries == {}
    assert cfg.asyncio_mode == "strict" and cfg.asyncio_mode_entry is None
    [prob] = cfg.problems
    assert prob.kind == "ignored-lower-precedence-file"
    assert prob.span == Span(4, 0, 4, 25)
    assert prob.entries[0].value == "auto"


def test_pytest_ini_without_section_counts(tmp_path):
    cfg = resolve(tmp_path, {"pytest.ini": "# only a comment\n; another\n", "tox.ini": "[pytest]\nasyncio_mode = auto\n"})
    assert cfg.path == tmp_path / "pytest.ini"
    assert cfg.asyncio_mode == "strict"
    assert kinds(cfg) == ["ignored-lower-precedence-file"]


def test_pytest_ini_with_other_section_only(tmp_path):
    cfg = resolve(tmp_path, {"pytest.ini": "[tool:pytest]\nasyncio_mode = auto\n"})
    assert cfg.path == tmp_path / "pytest.ini"
    assert cfg.asyncio_mode == "strict"
    [prob] = cfg.problems
    assert prob.kind == "ignored-section" and text_at(prob.path, prob.span) == "[tool:pytest]"
    assert prob.entries[0].key == "asyncio_mode"


@pytest.mark.parametrize(("version", "expected"), [("9.0.0", ".pytest.ini"), ("8.4.2", "pyproject.toml")])
def test_hidden_pytest_ini_without_section_depends_on_version(tmp_path, version, expected):
    cfg = resolve(
        tmp_path,
        {".pytest.ini": "", "pyproject.toml": '[tool.pytest.ini_options]\nasyncio_mode = "auto"\n'},
        pytest_version=version,
    )
    assert cfg.path == tmp_path / expected


def test_pytest_toml_counts_even_empty(tmp_path):
    cfg = resolve(tmp_path, {"pytest.toml": "", "pytest.ini": "[pytest]\nasyncio_mode = auto\n"})
    assert cfg.path == tmp_path / "pytest.toml"
    assert cfg.native_toml and cfg.section is None and cfg.asyncio_mode == "strict"
    assert kinds(cfg) == ["ignored-lower-precedence-file"]


def test_pytest_toml_ignored_before_pytest_9(tmp_path):
    cfg = resolve(
        tmp_path, {"pytest.toml": '[pytest]\nasyncio_mode = "auto"\n', "tox.ini": "[pytest]\n"}, pytest_version="8.4.2"
    )
    assert cfg.path == tmp_path / "tox.ini"


@pytest.mark.parametrize(("version", "fatal"), [("9.2.0", True), ("9.1.1", False), (None, True)])
def test_pytest_toml_top_level_options(tmp_path, version, fatal):
    cfg = resolve(tmp_path, {"pytest.toml": 'asyncio_mode = "auto"\n'}, pytest_version=version)
    assert cfg.path == tmp_path / "pytest.toml"
    assert cfg.asyncio_mode == "strict"
    [prob] = cfg.problems
    assert prob.kind == "toml-top-level-options" and prob.fatal is fatal
    assert text_at(prob.path, prob.span) == "asyncio_mode"


def test_pyproject_native_table(tmp_path):
    cfg = resolve(
        tmp_path,
        {
            "pyproject.toml": '[tool.pytest]\nasyncio_mode = "auto"\nasyncio_debug = true\n'
            'addopts = ["-p", "no:anyio"]\ntimeout = 5\n'
        },
    )
    assert cfg.section == "[tool.pytest]" and cfg.native_toml
    assert cfg.entries["asyncio_debug"].value is True
    assert cfg.entries["timeout"].value == 5
    assert cfg.entries["asyncio_mode"].raw == '"auto"'
    assert cfg.addopts == ("-p", "no:anyio")
    assert cfg.anyio_plugin_disabled and not cfg.asyncio_plugin_disabled


def test_pyproject_ini_options_values_are_stringified_like_pytest(tmp_path):
    cfg = resolve(
        tmp_path,
        {
            "pyproject.toml": "[tool.pytest.ini_options]\nasyncio_debug = true\nx = 5\n"
            'markers = ["a", "b"]\nasyncio_mode = "auto"\n'
        },
    )
    assert not cfg.native_toml
    assert cfg.entries["asyncio_debug"].value == "True"
    assert cfg.entries["x"].value == "5"
    assert cfg.entries["markers"].value == ["a", "b"]
    assert cfg.entries["asyncio_debug"].raw == "true"


def test_pyproject_both_tables_is_fatal(tmp_path):
    cfg = resolve(
        tmp_path,
        {"pyproject.toml": '[tool.pytest]\nasyncio_mode = "auto"\n[tool.pytest.ini_options]\nasyncio_debug = "true"\n'},
    )
    assert cfg.path == tmp_path / "pyproject.toml"
    assert cfg.entries == {} and cfg.asyncio_mode == "strict"
    assert cfg.fatal is not None and cfg.fatal.kind == "both-toml-tables"
    assert "Cannot use both [tool.pytest]" in cfg.fatal.message
    assert text_at(cfg.fatal.path, cfg.fatal.span) == "[tool.pytest.ini_options]"
    assert {e.key for e in cfg.fatal.entries} == {"asyncio_mode", "asyncio_debug"}


def test_pyproject_empty_native_table_does_not_count(tmp_path):
    cfg = resolve(tmp_path, {"pyproject.toml": "[tool.pytest]\n", "tox.ini": "[pytest]\nasyncio_mode = auto\n"})
    assert cfg.path == tmp_path / "tox.ini"


def test_pyproject_empty_ini_options_counts(tmp_path):
    cfg = resolve(tmp_path, {"pyproject.toml": "[tool.pytest.ini_options]\n", "tox.ini": "[pytest]\nasyncio_mode = auto\n"})
    assert cfg.path == tmp_path / "pyproject.toml"
    assert cfg.asyncio_mode == "strict"
    assert kinds(cfg) == ["ignored-lower-precedence-file"]


def test_pyproject_native_table_before_pytest_9(tmp_path):
    cfg = resolve(
        tmp_path,
        {"pyproject.toml": '[tool.pytest]\nasyncio_mode = "auto"\n', "setup.cfg": "[tool:pytest]\n"},
        pytest_version="8.3.5",
    )
    assert cfg.path == tmp_path / "setup.cfg"
    # the table in the (lower-precedence, but non-counting) pyproject is not reported: it was skipped
    # before the winner was found; ask the file directly:
    cfg2 = resolve(tmp_path / "other", {"pyproject.toml": '[tool.pytest]\nasyncio_mode = "auto"\n'}, pytest_version="8.3.5")
    assert cfg2.is_fallback and cfg2.path == tmp_path / "other" / "pyproject.toml"


def test_pyproject_dotted_and_inline_tables(tmp_path):
    cfg = resolve(tmp_path, {"pyproject.toml": 'tool.pytest.ini_options.asyncio_mode = "auto"\n'})
    assert cfg.section == "[tool.pytest.ini_options]" and cfg.asyncio_mode == "auto"
    assert cfg.section_span == Span(1, 0, 1, 36)
    assert text_at(cfg.path, cfg.entries["asyncio_mode"].key_span) == "tool.pytest.ini_options.asyncio_mode"
    cfg = resolve(tmp_path / "b", {"pyproject.toml": '[tool]\npytest = { ini_options = { asyncio_mode = "auto" } }\n'})
    assert cfg.asyncio_mode == "auto"
    assert text_at(cfg.path, cfg.entries["asyncio_mode"].value_span) == '"auto"'


def test_pyproject_without_pytest_tables_is_the_fallback(tmp_path):
    cfg = resolve(tmp_path, {"pyproject.toml": '[project]\nname = "x"\n'})
    assert cfg.path == tmp_path / "pyproject.toml" and cfg.is_fallback and not cfg.found
    assert cfg.rootdir == tmp_path and cfg.section is None and cfg.entries == {}


def test_pyproject_fallback_needs_pytest_8_1(tmp_path):
    cfg = resolve(tmp_path, {"pyproject.toml": '[project]\nname = "x"\n'}, pytest_version="8.0.2")
    assert cfg.path is None and not cfg.is_fallback and cfg.rootdir == tmp_path / "tests"


def test_walk_continues_past_pyproject_without_tables(tmp_path):
    cfg = resolve(tmp_path, {"tests/pyproject.toml": '[project]\nname = "x"\n', "pytest.ini": "[pytest]\nasyncio_mode = auto\n"})
    assert cfg.path == tmp_path / "pytest.ini" and cfg.rootdir == tmp_path and cfg.asyncio_mode == "auto"


def test_nearer_directory_wins(tmp_path):
    cfg = resolve(tmp_path, {"pytest.ini": "[pytest]\nasyncio_mode = auto\n", "tests/tox.ini": "[pytest]\n"})
    assert cfg.path == tmp_path / "tests" / "tox.ini" and cfg.rootdir == tmp_path / "tests"
    assert cfg.asyncio_mode == "strict"


def test_tox_ini_needs_pytest_section(tmp_path):
    cfg = resolve(tmp_path, {"tox.ini": "[tox]\nenvlist = py311\n[tool:pytest]\nasyncio_mode = auto\n"})
    assert cfg.path is None
    [prob] = cfg.problems if cfg.problems else [None]
    # a tox.ini that does not count is not reported when nothing is found
    assert prob is None


def test_setup_cfg_needs_tool_pytest(tmp_path):
    cfg = resolve(tmp_path, {"setup.cfg": "[metadata]\nname = x\n"})
    assert cfg.path is None and cfg.rootdir == tmp_path / "tests"


def test_setup_cfg_pytest_section_is_fatal(tmp_path):
    cfg = resolve(tmp_path, {"setup.cfg": "[metadata]\nname = x\n\n[pytest]\nasyncio_mode = auto\n"})
    assert cfg.path == tmp_path / "setup.cfg"
    assert cfg.entries == {} and cfg.asyncio_mode == "strict"
    f = cfg.fatal
    assert f.kind == "setup-cfg-pytest-section"
    assert f.message == "[pytest] section in setup.cfg files is no longer supported, change to [tool:pytest] instead."
    assert f.span == Span(4, 0, 4, 8)
    assert f.entries[0].key == "asyncio_mode" and f.entries[0].value == "auto"


@pytest.mark.parametrize(("version", "fatal"), [("9.2.0", True), ("9.0.0", True), ("8.4.2", False)])
def test_setup_cfg_pytest_section_next_to_winner(tmp_path, version, fatal):
    # pytest >= 9 opens the lower-precedence siblings (to warn about them) and so hits fail()
    cfg = resolve(tmp_path, {"pytest.ini": "[pytest]\n", "setup.cfg": "[pytest]\nasyncio_mode = auto\n"}, pytest_version=version)
    assert cfg.path == tmp_path / "pytest.ini"
    [prob] = [p for p in cfg.problems if p.kind == "setup-cfg-pytest-section"]
    assert prob.fatal is fatal and prob.path == tmp_path / "setup.cfg"


def test_setup_cfg_with_both_sections(tmp_path):
    cfg = resolve(tmp_path, {"setup.cfg": "[pytest]\nasyncio_mode = auto\n[tool:pytest]\nasyncio_mode = strict\n"})
    assert cfg.section == "[tool:pytest]" and cfg.asyncio_mode == "strict" and cfg.fatal is None
    [prob] = cfg.problems
    assert prob.kind == "setup-cfg-pytest-section" and not prob.fatal and prob.span.line == 1


def test_broken_file_on_the_way_is_fatal(tmp_path):
    cfg = resolve(tmp_path, {"tests/pyproject.toml": "[tool\n", "pytest.ini": "[pytest]\n"})
    assert cfg.path == tmp_path / "tests" / "pyproject.toml"
    f = cfg.fatal
    assert f.kind == "parse-error" and "Expected ']' at the end of a table declaration" in f.message
    assert f.span.line == 1 and f.span.col == 5


@pytest.mark.parametrize(("version", "fatal"), [("9.2.0", True), ("8.4.2", False)])
def test_broken_sibling(tmp_path, version, fatal):
    cfg = resolve(tmp_path, {"pytest.ini": "[pytest]\nasyncio_mode = auto\n", "pyproject.toml": "x = [\n"}, pytest_version=version)
    assert cfg.path == tmp_path / "pytest.ini" and cfg.asyncio_mode == "auto"
    assert (cfg.fatal is not None) is fatal
    if fatal:
        assert cfg.fatal.path == tmp_path / "pyproject.toml"


@pytest.mark.parametrize(
    ("content", "line", "msg"),
    [
        ("[pytest]\na = 1\na = 2\n", 3, "duplicate name 'a'"),
        ("asyncio_mode = auto\n", 1, "no section header defined"),
        ("[pytest]\n[pytest]\n", 2, "duplicate section 'pytest'"),
        ("[pytest]\njunk\n", 2, "unexpected line: 'junk'"),
        ("  indented\n[pytest]\n", 1, "unexpected value continuation"),
        ("[]\n", 1, "empty section name"),
    ],
)
def test_bad_ini_is_fatal_with_position(tmp_path, content, line, msg):
    cfg = resolve(tmp_path, {"pytest.ini": content})
    f = cfg.fatal
    assert f.kind == "parse-error" and f.message == f"{tmp_path / 'pytest.ini'}:{line}: {msg}"
    assert f.span.line == line


def test_unreadable_file(tmp_path):
    cfg = resolve(tmp_path, {"pytest.ini": b"[pytest]\nx = \xff\xfe\n"})
    assert cfg.fatal.kind == "unreadable"


# ---------------------------------------------------------------------------
# INI syntax as iniconfig reads it
# ---------------------------------------------------------------------------


def test_ini_comments_and_continuations(tmp_path):
    content = (
        "# leading comment\n"
        "[pytest] ; header comment\n"
        "addopts =\n"
        "    -p no:cacheprovider\n"
        "    # an indented comment is a comment, not a continuation\n"
        "\n"
        "    --asyncio-mode=auto\n"
        "asyncio_default_fixture_loop_scope: function\n"
        "asyncio_default_test_loop_scope = module # inline comments stay in the value\n"
        "; trailing\n"
    )
    cfg = resolve(tmp_path, {"pytest.ini": content})
    assert cfg.section == "[pytest]" and cfg.section_span == Span(2, 0, 2, 8)
    ao = cfg.entries["addopts"]
    assert ao.value == "-p no:cacheprovider\n--asyncio-mode=auto"
    assert ao.value_span == Span(4, 4, 7, 23)
    assert cfg.addopts == ("-p", "no:cacheprovider", "--asyncio-mode=auto")
    assert cfg.asyncio_mode == "auto" and cfg.asyncio_mode_entry.origin == "addopts --asyncio-mode"
    assert text_at(cfg.path, cfg.asyncio_mode_entry.key_span) == "--asyncio-mode"
    assert text_at(cfg.path, cfg.asyncio_mode_entry.value_span) == "auto"
    assert cfg.asyncio_default_fixture_loop_scope.value == "function"
    assert cfg.asyncio_default_test_loop_scope.value == "module # inline comments stay in the value"


def test_ini_inline_comment_makes_mode_invalid(tmp_path):
    cfg = resolve(tmp_path, {"tox.ini": "[pytest]\nasyncio_mode = auto  # on\n"})
    assert cfg.asyncio_mode == "auto  # on"


def test_ini_bom_and_crlf(tmp_path):
    cfg = resolve(tmp_path, {"pytest.ini": b"\xef\xbb\xbf[pytest]\r\nasyncio_mode = auto\r\n"})
    assert cfg.asyncio_mode == "auto"
    assert cfg.section_span == Span(1, 0, 1, 8)
    assert cfg.entries["asyncio_mode"].value_span == Span(2, 15, 2, 19)


def test_ini_section_name_is_not_stripped(tmp_path):
    cfg = resolve(tmp_path, {"tox.ini": "[ pytest ]\nasyncio_mode = auto\n"})
    assert cfg.path is None


def test_positions_count_code_points(tmp_path):
    cfg = resolve(tmp_path, {"pyproject.toml": '[tool.pytest.ini_options]\n"é€😀" = 1\nasyncio_mode = "auto" # 😀\n'})
    assert cfg.entries["é€😀"].key_span == Span(2, 0, 2, 5)
    assert cfg.entries["asyncio_mode"].value_span == Span(3, 15, 3, 21)


def test_ini_parser_matches_iniconfig_on_random_input():
    iniconfig = pytest.importorskip("iniconfig")
    atoms = [
        "[pytest]", "[tool:pytest]", "[ pytest ]", "[pytest] # c", "[x", "[]", "a = 1", "a=1", "b: 2",
        "c = x:y", "d:e=f", "  cont", "\tcont2", "# com", "; com", "   # ind", "", "   ", "noval", "k =",
        "k2 = v ; c", "=v", "\x0c", "[p]]", "dup = 1", "dup = 2", "[a;b]", "x = [y]", "\u2028z = 1",
    ]
    rnd = random.Random(7)
    for _ in range(5000):
        data = "\n".join(rnd.choice(atoms) for _ in range(rnd.randint(0, 8))) + rnd.choice(["", "\n"])
        try:
            ic = iniconfig.IniConfig("f", data=data)
            ref = ({s: dict(ic.sections[s]) for s in ic.sections}, None)
        except iniconfig.ParseError as e:
            ref = (None, (e.lineno, e.msg))
        doc = parse_ini(data)
        got = (
            (None, (doc.error.lineno, doc.error.msg))
            if doc.error
            else ({s: {k: v.value for k, v in sec.entries.items()} for s, sec in doc.sections.items()}, None)
        )
        assert got == ref, repr(data)


# ---------------------------------------------------------------------------
# addopts and effective values
# ---------------------------------------------------------------------------


def test_override_ini_in_addopts(tmp_path):
    content = "[pytest]\nasyncio_mode = strict\naddopts = -o asyncio_mode=auto --override-ini=asyncio_default_fixture_loop_scope=session\n"
    cfg = resolve(tmp_path, {"pytest.ini": content})
    assert cfg.entries["asyncio_mode"].value == "strict"
    assert cfg.get("asyncio_mode").value == "auto" and cfg.get("asyncio_mode").origin == "addopts -o"
    assert cfg.asyncio_mode == "auto"
    assert text_at(cfg.path, cfg.asyncio_mode_entry.key_span) == "asyncio_mode"
    assert text_at(cfg.path, cfg.asyncio_mode_entry.value_span) == "auto"
    assert cfg.asyncio_default_fixture_loop_scope.value == "session"
    assert text_at(cfg.path, cfg.asyncio_default_fixture_loop_scope.value_span) == "session"


def test_override_in_addopts_ignored_before_9_1(tmp_path):
    cfg = resolve(tmp_path, {"pytest.ini": "[pytest]\naddopts = -oasyncio_mode=auto\n"}, pytest_version="9.0.2")
    assert cfg.asyncio_mode == "strict" and cfg.get("asyncio_mode") is None
    [prob] = cfg.problems
    assert prob.kind == "addopts-override-ignored" and text_at(prob.path, prob.span) == "asyncio_mode"


def test_asyncio_mode_precedence(tmp_path):
    cfg = resolve(tmp_path, {"pytest.ini": "[pytest]\nasyncio_mode = auto\naddopts = --asyncio-mode strict -o asyncio_mode=auto\n"})
    assert cfg.asyncio_mode == "strict"
    assert cfg.asyncio_mode_entry.origin == "addopts --asyncio-mode"
    assert cfg.asyncio_mode_entry.raw == "--asyncio-mode strict"
    assert text_at(cfg.path, cfg.asyncio_mode_entry.value_span) == "strict"
    cfg = resolve(tmp_path / "b", {"pytest.ini": "[pytest]\nasyncio_mode = auto\naddopts = --asyncio-mode=auto --asyncio-mode=strict\n"})
    assert cfg.asyncio_mode == "strict"  # the last one wins (argparse "store")


def test_default_mode(tmp_path):
    cfg = resolve(tmp_path, {"pytest.ini": "[pytest]\n"})
    assert cfg.asyncio_mode == "strict" and cfg.asyncio_mode_entry is None
    assert cfg.anyio_mode == "strict" and cfg.anyio_mode_entry is None
    assert cfg.asyncio_default_fixture_loop_scope is None and cfg.asyncio_default_test_loop_scope is None


@pytest.mark.parametrize(
    ("addopts", "asyncio_off", "anyio_off"),
    [
        ("-p no:asyncio", True, False),
        ("-pno:asyncio", True, False),
        ("-p no:anyio -p no:asyncio", True, True),
        ("-p no:asyncio -p asyncio", False, False),
        ("-p no:pytest_asyncio", False, False),  # verified: does not disable the entry point "asyncio"
        ("-p 'no:asyncio'", True, False),
    ],
)
def test_plugin_disabling(tmp_path, addopts, asyncio_off, anyio_off):
    cfg = resolve(tmp_path, {"pytest.ini": f"[pytest]\naddopts = {addopts}\n"})
    assert (cfg.asyncio_plugin_disabled, cfg.anyio_plugin_disabled) == (asyncio_off, anyio_off)


@pytest.mark.parametrize(
    ("ini", "addopts", "mode"),
    [
        ("anyio_mode = auto", "", "auto"),
        ("anyio_mode = Auto", "", "strict"),
        ("anyio_mode = strict", "--anyio-mode=auto", "auto"),
        ("anyio_mode = auto", "--anyio-mode=strict", "auto"),  # anyio: option == auto OR ini == auto
        ("", "--anyio-mode auto", "auto"),
        ("", "-o anyio_mode=auto", "auto"),
    ],
)
def test_anyio_mode(tmp_path, ini, addopts, mode):
    cfg = resolve(tmp_path, {"pytest.ini": f"[pytest]\n{ini}\naddopts = {addopts}\n"})
    assert cfg.anyio_mode == mode


def test_addopts_list_in_toml_with_item_spans(tmp_path):
    content = '[tool.pytest]\naddopts = [\n  "-o",\n  "asyncio_mode=auto",\n  "--anyio-mode=auto",\n]\n'
    cfg = resolve(tmp_path, {"pyproject.toml": content})
    assert cfg.addopts == ("-o", "asyncio_mode=auto", "--anyio-mode=auto")
    assert cfg.asyncio_mode == "auto" and cfg.anyio_mode == "auto"
    assert cfg.asyncio_mode_entry.key_span == Span(4, 3, 4, 15)
    assert cfg.anyio_mode_entry.value_span == Span(5, 16, 5, 20)


def test_addopts_string_in_ini_options(tmp_path):
    cfg = resolve(tmp_path, {"pyproject.toml": '[tool.pytest.ini_options]\naddopts = "-p no:asyncio --asyncio-mode=auto"\n'})
    assert cfg.asyncio_plugin_disabled and cfg.asyncio_mode == "auto"
    assert cfg.asyncio_mode_entry.value_span == Span(2, 40, 2, 44)


def test_addopts_string_in_native_toml_is_fatal(tmp_path):
    cfg = resolve(tmp_path, {"pyproject.toml": '[tool.pytest]\naddopts = "-x"\n'})
    assert cfg.fatal.kind == "bad-addopts"
    assert "expects a list for type 'args', got str: '-x'" in cfg.fatal.message
    assert cfg.addopts == ()


def test_native_toml_types_are_checked_like_pytest(tmp_path):
    cfg = resolve(tmp_path, {"pyproject.toml": '[tool.pytest]\nasyncio_debug = "true"\nasyncio_mode = "auto"\n'})
    f = cfg.fatal
    assert f.kind == "bad-type" and text_at(f.path, f.span) == '"true"'
    assert f.message.endswith("config option 'asyncio_debug' expects a bool, got str: 'true'")
    # the same text in INI mode is fine (pytest-asyncio parses the string)
    cfg = resolve(tmp_path / "b", {"pyproject.toml": '[tool.pytest.ini_options]\nasyncio_debug = "true"\n'})
    assert cfg.fatal is None
    # a disabled plugin never reads its keys
    cfg = resolve(tmp_path / "c", {"pytest.toml": '[pytest]\nasyncio_mode = 1\naddopts = ["-p", "no:asyncio"]\n'})
    assert cfg.fatal is None


def test_addopts_unbalanced_quote_is_fatal(tmp_path):
    cfg = resolve(tmp_path, {"pytest.ini": "[pytest]\naddopts = -k 'oops\n"})
    assert cfg.fatal.kind == "bad-addopts" and "No closing quotation" in cfg.fatal.message


def test_misspelled_keys(tmp_path):
    cfg = resolve(
        tmp_path,
        {"pytest.ini": "[pytest]\nasyncio-mode = auto\nasyncio_default_loop_scope = function\ntimeout = 3\nanyiomode = auto\n"},
    )
    probs = {p.entries[0].key: p for p in cfg.problems if p.kind == "unknown-key"}
    assert set(probs) == {"asyncio-mode", "asyncio_default_loop_scope", "anyiomode"}
    assert "did you mean 'asyncio_mode'" in probs["asyncio-mode"].message
    assert text_at(probs["anyiomode"].path, probs["anyiomode"].span) == "anyiomode"
    assert cfg.asyncio_mode == "strict"


# ---------------------------------------------------------------------------
# search bounds, rootdir, cache
# ---------------------------------------------------------------------------


def test_stop_at_bounds_the_search(tmp_path):
    write(tmp_path, {"pytest.ini": "[pytest]\n", "proj/tests/test_x.py": TEST})
    assert find_pytest_config(tmp_path / "proj/tests/test_x.py", stop_at=tmp_path / "proj").path is None
    assert find_pytest_config(tmp_path / "proj/tests/test_x.py", stop_at=tmp_path).path == tmp_path / "pytest.ini"


def test_start_can_be_a_directory(tmp_path):
    write(tmp_path, {"tests/tox.ini": "[pytest]\n"})
    assert find_pytest_config(tmp_path / "tests", stop_at=tmp_path).path == tmp_path / "tests" / "tox.ini"


def test_rootdir_without_config(tmp_path):
    write(tmp_path, {"setup.py": "", "pkg/tests/test_x.py": TEST})
    cfg = find_pytest_config(tmp_path / "pkg/tests/test_x.py", stop_at=tmp_path)
    assert cfg.path is None and cfg.rootdir == tmp_path
    (tmp_path / "setup.py").unlink()
    cfg = find_pytest_config(tmp_path / "pkg/tests/test_x.py", stop_at=tmp_path, invocation_dir=tmp_path / "pkg")
    assert cfg.rootdir == tmp_path / "pkg"


def test_cache_hits_and_invalidation(tmp_path):
    write(tmp_path, {"pytest.ini": "[pytest]\nasyncio_mode = auto\n", "tests/test_x.py": TEST})
    a = find_pytest_config(tmp_path / "tests/test_x.py", stop_at=tmp_path)
    assert find_pytest_config(tmp_path / "tests/test_x.py", stop_at=tmp_path) is a
    # edit (size changes, mtime too)
    time.sleep(0.01)
    (tmp_path / "pytest.ini").write_text("[pytest]\nasyncio_mode = strict\n")
    b = find_pytest_config(tmp_path / "tests/test_x.py", stop_at=tmp_path)
    assert b is not a and b.asyncio_mode == "strict"
    # a new, nearer file
    (tmp_path / "tests" / "tox.ini").write_text("[pytest]\nasyncio_mode = auto\n")
    c = find_pytest_config(tmp_path / "tests/test_x.py", stop_at=tmp_path)
    assert c.path == tmp_path / "tests" / "tox.ini"
    # deletion
    (tmp_path / "tests" / "tox.ini").unlink()
    assert find_pytest_config(tmp_path / "tests/test_x.py", stop_at=tmp_path).path == tmp_path / "pytest.ini"
    clear_cache()
    assert find_pytest_config(tmp_path / "tests/test_x.py", stop_at=tmp_path) is not b


# ---------------------------------------------------------------------------
# TOML locator
# ---------------------------------------------------------------------------


def test_toml_locator_is_not_fooled_by_strings():
    doc = (
        'description = """\n[tool.pytest]\nasyncio_mode = "fake"\n"""\n'
        "other = '''\n[tool.pytest.ini_options]\n'''\n"
        'arr = [\n  "[tool.pytest]", # [tool.pytest]\n  "x = 1",\n]\n'
        '# [tool.pytest]\n[tool . "pytest"]  # real\nasyncio_mode = "auto"\n'
        '"quoted.key" = 1\nwhen = 1979-05-27 07:32:00Z\nafter = 2\n'
    )
    loc = locate_toml(doc)
    assert loc.gave_up_at is None
    assert list(loc.headers) == [("tool", "pytest")]
    s, e = loc.headers[("tool", "pytest")]
    assert doc[s:e] == '[tool . "pytest"]'
    kl = loc.keys[("tool", "pytest", "asyncio_mode")]
    assert doc[kl.value_start : kl.value_end] == '"auto"'
    assert ("tool", "pytest", "quoted.key") in loc.keys
    w = loc.keys[("tool", "pytest", "when")]
    assert doc[w.value_start : w.value_end] == "1979-05-27 07:32:00Z"
    assert ("tool", "pytest", "after") in loc.keys
    arr = loc.keys[("arr",)]
    assert [doc[a:b] for a, b in arr.items] == ['"[tool.pytest]"', '"x = 1"']


def test_toml_locator_escaped_quotes_and_arrays_of_tables():
    doc = 'a = "x\\"y"\nb = """q\\"""" \n[[t]]\nk = 1\n[[t]]\nk = 2\n[t.sub]\nz = 3\n'
    tomllib = pytest.importorskip("tomllib" if sys.version_info >= (3, 11) else "tomli")
    assert tomllib.loads(doc)["b"] == 'q"'
    loc = locate_toml(doc)
    assert loc.gave_up_at is None
    b = loc.keys[("b",)]
    assert doc[b.value_start : b.value_end] == '"""q\\""""'
    assert set(loc.keys) == {("a",), ("b",), ("t", 0, "k"), ("t", 1, "k"), ("t", 1, "sub", "z")}
    assert doc[slice(*loc.headers[("t", 1, "sub")])] == "[t.sub]"


def test_toml_locator_never_raises_on_garbage():
    for doc in ["[", "a = ", 'a = "x', "a = [1,", "= 1", "[a]]\n", "a = {b = 1", "'''", "a.b. = 1"]:
        loc = locate_toml(doc)
        assert loc.gave_up_at is not None, doc


# ---------------------------------------------------------------------------
# cross-check against the real pytest of this environment
# ---------------------------------------------------------------------------

# Each layout: files (relative path -> content); the test module is written at
# ``arg`` (default tests/test_x.py) and pytest is started from ``cwd`` with that
# argument.  The resolver is asked about the same file with the same invocation
# directory and the version of the pytest that runs.
L = {
    "none": {},
    "pytest-ini": {"pytest.ini": "[pytest]\nasyncio_mode = auto\nasyncio_default_fixture_loop_scope = function\n"},
    "pytest-ini-empty+pyproject": {"pytest.ini": "", "pyproject.toml": '[tool.pytest.ini_options]\nasyncio_mode = "auto"\n'},
    "pytest-ini-comments-only": {"pytest.ini": "# c\n; c\n", "tox.ini": "[pytest]\nasyncio_mode = auto\n"},
    "pytest-ini-other-section": {"pytest.ini": "[tool:pytest]\nasyncio_mode = auto\n"},
    "hidden-ini-empty+pyproject": {".pytest.ini": "", "pyproject.toml": '[tool.pytest.ini_options]\nasyncio_mode = "auto"\n'},
    "hidden-ini": {".pytest.ini": "[pytest]\nasyncio_mode = auto\n"},
    "pytest-toml": {"pytest.toml": '[pytest]\nasyncio_mode = "auto"\nasyncio_default_test_loop_scope = "module"\n'},
    "hidden-toml": {".pytest.toml": '[pytest]\nasyncio_mode = "auto"\n'},
    "pytest-toml-empty+others": {
        "pytest.toml": "",
        "pytest.ini": "[pytest]\nasyncio_mode = auto\n",
        "pyproject.toml": '[tool.pytest.ini_options]\nasyncio_mode = "auto"\n',
        "tox.ini": "[pytest]\n",
        "setup.cfg": "[tool:pytest]\n",
    },
    "pytest-toml-top-level": {"pytest.toml": 'asyncio_mode = "auto"\n'},
    "pytest-toml-tool-table": {"pytest.toml": '[tool.pytest]\nasyncio_mode = "auto"\n'},
    "pyproject-native": {"pyproject.toml": '[tool.pytest]\nasyncio_mode = "auto"\nasyncio_debug = true\n'},
    "pyproject-ini-options": {"pyproject.toml": '[tool.pytest.ini_options]\nasyncio_mode = "auto"\nasyncio_debug = true\n'},
    "pyproject-both": {"pyproject.toml": '[tool.pytest]\nasyncio_mode = "auto"\n[tool.pytest.ini_options]\nx = "1"\n'},
    "pyproject-native-empty+tox": {"pyproject.toml": "[tool.pytest]\n", "tox.ini": "[pytest]\nasyncio_mode = auto\n"},
    "pyproject-ini-empty+tox": {"pyproject.toml": "[tool.pytest.ini_options]\n", "tox.ini": "[pytest]\nasyncio_mode = auto\n"},
    "pyproject-native+empty-ini": {"pyproject.toml": '[tool.pytest]\nasyncio_mode = "auto"\n[tool.pytest.ini_options]\n'},
    "pyproject-dotted": {"pyproject.toml": 'tool.pytest.ini_options.asyncio_mode = "auto"\n'},
    "pyproject-no-tables": {"pyproject.toml": '[project]\nname = "x"\n'},
    "pyproject-no-tables-below-ini": {"tests/pyproject.toml": '[project]\nname = "x"\n', "pytest.ini": "[pytest]\nasyncio_mode = auto\n"},
    "tox": {"tox.ini": "[tox]\nenvlist = py\n\n[pytest]\nasyncio_mode = auto\n"},
    "tox-without-section+setup-cfg": {"tox.ini": "[tox]\n", "setup.cfg": "[tool:pytest]\nasyncio_mode = auto\n"},
    "setup-cfg": {"setup.cfg": "[metadata]\nname = x\n[tool:pytest]\nasyncio_mode = auto\n"},
    "setup-cfg-pytest-section": {"setup.cfg": "[pytest]\nasyncio_mode = auto\n"},
    "setup-cfg-pytest-section+pytest-ini": {"pytest.ini": "[pytest]\n", "setup.cfg": "[pytest]\nasyncio_mode = auto\n"},
    "setup-cfg-both-sections": {"setup.cfg": "[pytest]\nasyncio_mode = auto\n[tool:pytest]\nasyncio_mode = strict\n"},
    "nested-nearer-wins": {"pytest.ini": "[pytest]\nasyncio_mode = auto\n", "tests/tox.ini": "[pytest]\n"},
    "nested-tox-without-section": {"tests/tox.ini": "[tox]\n", "pyproject.toml": '[tool.pytest.ini_options]\nasyncio_mode = "auto"\n'},
    "broken-pyproject-on-the-way": {"tests/pyproject.toml": "[tool\n", "pytest.ini": "[pytest]\n"},
    "broken-sibling": {"pytest.ini": "[pytest]\nasyncio_mode = auto\n", "pyproject.toml": "x = [\n"},
    "broken-ini-duplicate": {"pytest.ini": "[pytest]\na = 1\na = 2\n"},
    "broken-ini-no-section": {"tox.ini": "envlist = py\n"},
    "addopts-o": {"pytest.ini": "[pytest]\naddopts = -o asyncio_mode=auto -oasyncio_default_fixture_loop_scope=module\n"},
    "addopts-override-ini": {"pytest.ini": "[pytest]\nasyncio_mode = auto\naddopts = --override-ini=asyncio_mode=strict\n"},
    "addopts-asyncio-mode": {"pytest.ini": "[pytest]\nasyncio_mode = strict\naddopts = --asyncio-mode=auto -o asyncio_mode=strict\n"},
    "addopts-asyncio-mode-sep": {"tox.ini": "[pytest]\naddopts =\n    -p no:cacheprovider\n    # comment\n    --asyncio-mode auto\n"},
    "addopts-p-no": {"pytest.ini": "[pytest]\naddopts =\n  -p no:asyncio\n"},
    "addopts-pno": {"pytest.ini": "[pytest]\naddopts = -pno:asyncio\n"},
    "addopts-p-no-then-yes": {"pytest.ini": "[pytest]\naddopts = -p no:asyncio -p asyncio\n"},
    "addopts-p-no-pytest_asyncio": {"pytest.ini": "[pytest]\naddopts = -p no:pytest_asyncio\n"},
    "addopts-toml-list": {"pyproject.toml": '[tool.pytest]\naddopts = ["-o", "asyncio_mode=auto"]\n'},
    "addopts-ini-options-list": {"pyproject.toml": '[tool.pytest.ini_options]\naddopts = ["--asyncio-mode", "auto"]\n'},
    "addopts-mode-with-plugin-disabled": {"pytest.ini": "[pytest]\naddopts = -p no:asyncio --asyncio-mode=auto\n"},
    "addopts-native-string": {"pyproject.toml": '[tool.pytest]\naddopts = "-p no:asyncio"\n'},
    "ini-inline-comment": {"pytest.ini": "[pytest]\nasyncio_mode = auto # no\n"},
    "ini-header-comment": {"pytest.ini": "[pytest] # yes\nasyncio_mode: auto\n; c\n"},
    "ini-continuation-value": {"pytest.ini": "[pytest]\nasyncio_default_fixture_loop_scope =\n    session\n"},
    "ini-bom-crlf": {"pytest.ini": b"\xef\xbb\xbf[pytest]\r\nasyncio_mode = auto\r\n"},
    "ini-section-with-spaces": {"tox.ini": "[ pytest ]\nasyncio_mode = auto\n"},
    "invalid-mode": {"pytest.ini": "[pytest]\nasyncio_mode = Auto\n"},
    "native-bad-type-debug": {"pyproject.toml": '[tool.pytest]\nasyncio_debug = "true"\n'},
    "native-bad-type-mode": {"pyproject.toml": "[tool.pytest]\nasyncio_mode = 1\n"},
    "native-bad-type-scope": {"pytest.toml": '[pytest]\nasyncio_default_fixture_loop_scope = ["function"]\n'},
    "native-bad-type-overridden": {"pytest.toml": '[pytest]\nasyncio_mode = 1\naddopts = ["-o", "asyncio_mode=auto"]\n'},
    "native-bad-type-anyio": {"__needs__": ["anyio"], "pytest.toml": "[pytest]\nanyio_mode = true\n"},
    "setup-py-rootdir": {"setup.py": "", "pkg/tests/test_x.py": TEST, "__arg__": "pkg/tests/test_x.py"},
    "run-from-subdir": {"pytest.ini": "[pytest]\nasyncio_mode = auto\n", "__cwd__": "tests", "__arg__": "test_x.py"},
    "anyio-auto": {"__needs__": ["anyio"], "pytest.ini": "[pytest]\nanyio_mode = auto\n"},
    "anyio-auto-cli": {"__needs__": ["anyio"], "pytest.ini": "[pytest]\nanyio_mode = strict\naddopts = --anyio-mode=auto\n"},
    "anyio-Auto": {"__needs__": ["anyio"], "pytest.ini": "[pytest]\nanyio_mode = Auto\n"},
    "anyio-disabled": {"__needs__": ["anyio"], "pytest.ini": "[pytest]\nanyio_mode = auto\naddopts = -p no:anyio\n"},
}

_HEADER_RE = {
    "rootdir": re.compile(r"^rootdir: (.*)$", re.M),
    "configfile": re.compile(r"^configfile: (\S+)(?: \(WARNING: ignoring pytest config in (.*)!\))?$", re.M),
    "asyncio": re.compile(
        r"^asyncio: mode=(?:Mode\.)?(\w+)(?:, debug=\w+)?"
        r"(?:, asyncio_default_fixture_loop_scope=(\S+?))?(?:, asyncio_default_test_loop_scope=(\S+?))?$",
        re.M,
    ),
}


def _real_pytest():
    try:
        import _pytest  # noqa: F401  (is the real pytest importable?)
    except ImportError:  # pragma: no cover
        return None
    return pytest.__version__


def _has(mod: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(mod) is not None


@pytest.mark.skipif(_real_pytest() is None, reason="pytest not importable")
@pytest.mark.parametrize("name", list(L))
def test_cross_check_with_real_pytest(tmp_path, name):
    files = dict(L[name])
    for mod in files.pop("__needs__", ()):
        if not _has(mod):
            pytest.skip(f"{mod} is not installed")
    cwd = tmp_path / files.pop("__cwd__", ".")
    arg = files.pop("__arg__", "tests/test_x.py")
    arg_path = cwd / arg
    write(tmp_path, {**files, os.path.relpath(arg_path, tmp_path): TEST})
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "--co", "-p", "no:cacheprovider", arg],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    out = proc.stdout + proc.stderr
    cfg = find_pytest_config(arg_path, invocation_dir=cwd, pytest_version=pytest.__version__)
    m_root = _HEADER_RE["rootdir"].search(out)
    if "is not a valid asyncio_mode" in out:
        # pytest-asyncio rejects the value (exactly as we resolved it) in pytest_configure
        assert cfg.fatal is None
        assert cfg.asyncio_mode not in ("auto", "strict") and f"{cfg.asyncio_mode!r} is not a valid" in out, out
        return
    if m_root is None:
        # pytest refused the configuration before the session started
        assert cfg.fatal is not None, out
        if cfg.fatal.kind in ("parse-error", "bad-addopts", "toml-top-level-options", "both-toml-tables", "bad-type"):
            assert cfg.fatal.message in out, out
        elif cfg.fatal.kind == "setup-cfg-pytest-section":
            assert f"Failed: {cfg.fatal.message}" in out, out
        elif cfg.fatal.kind == "unrecognized-option":
            assert "error: unrecognized arguments" in out, out
        return
    assert cfg.fatal is None, (cfg.fatal, out)
    assert Path(m_root.group(1)) == cfg.rootdir, out
    m_cfg = _HEADER_RE["configfile"].search(out)
    if cfg.path is None:
        assert m_cfg is None, out
    else:
        assert m_cfg is not None, out
        assert (cfg.rootdir / m_cfg.group(1)) == cfg.path, out
        ignored = m_cfg.group(2).split(", ") if m_cfg.group(2) else []
        ours = [p.path.name for p in cfg.problems if p.kind == "ignored-lower-precedence-file"]
        if pc._parse_version(pytest.__version__) >= (9, 0, 0):
            assert ours == ignored, out
        else:
            assert ignored == [], out
    if _has("pytest_asyncio"):
        m_asyncio = _HEADER_RE["asyncio"].search(out)
        if cfg.asyncio_plugin_disabled:
            assert m_asyncio is None, out
        else:
            assert m_asyncio is not None, out
            assert m_asyncio.group(1).lower() == cfg.asyncio_mode, out
            if m_asyncio.group(2) is not None:
                fls = cfg.asyncio_default_fixture_loop_scope
                assert m_asyncio.group(2) == (str(fls.value) if fls else "None"), out
            if m_asyncio.group(3) is not None:
                tls = cfg.asyncio_default_test_loop_scope
                assert m_asyncio.group(3) == (str(tls.value) if tls else "function"), out
    if _has("anyio") and cfg.asyncio_mode == "strict" and "is not a valid" not in out:
        parametrised = re.search(r"<Function test_x\[asyncio\]>", out) is not None
        assert parametrised == (cfg.anyio_mode == "auto" and not cfg.anyio_plugin_disabled), out
