"""Editor re-checks that reuse local rules' findings equal checks from scratch, edit after edit.

`engine.reuse` skips local rules on the top-level statements an edit did not touch and moves
what they reported there last time. These tests drive random edits (lines typed, inserted,
deleted, copied, `async`/`await` toggled, names changed, other modules of the project
edited in their own buffers) through the language server's path (incremental parser +
StatementReuse) and compare every result with a check of the same text from scratch: all
diagnostics, positions, messages, reasons, related locations and fix data. They also
assert that reuse really happens, so that they cannot pass by never reusing anything.
"""

from __future__ import annotations

import ast
import asyncio
import json
import random
import sys
from dataclasses import fields
from pathlib import Path

import pytest
from helpers import write_project

from looplint.engine import summary as summary_module
from looplint.engine.config_check import is_config_file
from looplint.engine.reuse import LineChange
from looplint.engine.workspace import Engine
from looplint.lsp.analysis import BufferState
from looplint.rules import all_rules
from looplint.engine.rule import Invalid
from looplint.engine.symbols import ProjectClass

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from lsp_bench import generate_module  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
RULES = all_rules()


class Buffer:
    """One open editor buffer, checked the way the language server checks it."""

    def __init__(self, engine: Engine, path: Path):
        self.engine, self.path = engine, path
        self.state = BufferState()  # the server's own: incremental parser + StatementReuse
        self.reuse = self.state.reuse
        self.reused_statements = 0
        self.reused_definitions = 0  # summaries of defs and classes taken from the previous build
        self.checks = 0

    def check(self, text: str):
        project = self.engine.project_for(self.path)
        project.set_overlay(self.path, text, invalidate=False)
        result = self.engine.check_file(self.path, text, parse=self.state.parse, reuse=self.reuse)
        if result.problem is None:
            self.checks += 1
            self.reused_statements += self.reuse.reused
            self.reused_definitions += self.reuse.summaries.reused
        return result


def _key(diagnostic):
    return (
        diagnostic.code, diagnostic.name, diagnostic.message, diagnostic.severity, str(diagnostic.path),
        diagnostic.range, diagnostic.fix_message, diagnostic.fix_applicability,
        json.dumps(diagnostic.data, sort_keys=True, default=str), diagnostic.reason, diagnostic.related,
    )


def assert_same_as_fresh(buffer: Buffer, text: str, context: str) -> None:
    incremental = buffer.check(text)
    fresh = buffer.engine.check_file(buffer.path, text)
    assert (incremental.problem is None) == (fresh.problem is None), context
    if fresh.problem is not None:
        return
    # The module summary too: the definitions an edit did not touch keep theirs, moved.
    assert incremental.summary == fresh.summary, f"{context}: the re-check's module summary differs"
    got = sorted(map(_key, incremental.diagnostics), key=repr)
    want = sorted(map(_key, fresh.diagnostics), key=repr)
    if got != want:
        missing = [w for w in want if w not in got]
        extra = [g for g in got if g not in want]
        pytest.fail(f"{context}\nmissing from the re-check: {missing}\nonly in the re-check: {extra}\n--- text:\n{text}")


# -- random edits --------------------------------------------------------------------------------------

_TYPED = ["1", " ", "x", ")", "(", ":", "  # note", "  # looplint: ignore", "  # noqa", ".close()", "await ", ","]


def random_edit(rng: random.Random, lines: list[str]) -> str:
    """Apply one random edit to `lines` in place; returns its description."""
    if not lines:
        lines.append("")
    i = rng.randrange(len(lines))
    kind = rng.choice(
        ["type", "type", "insert-copy", "insert-copy", "insert-blank", "insert-comment", "delete", "delete",
         "toggle-async", "toggle-await", "rename", "indent", "dedent", "move-block"]
    )
    line = lines[i]
    indent = line[: len(line) - len(line.lstrip())]
    if kind == "type":
        at = rng.randrange(len(line) + 1)
        lines[i] = line[:at] + rng.choice(_TYPED) + line[at:]
    elif kind == "insert-copy":
        source = rng.choice(lines)
        lines.insert(i, indent + source.lstrip())
    elif kind == "insert-blank":
        lines.insert(i, "")
    elif kind == "insert-comment":
        lines.insert(i, indent + "# a comment")
    elif kind == "delete":
        del lines[i]
    elif kind == "toggle-async":
        candidates = [k for k, text in enumerate(lines) if "def " in text]
        if candidates:
            k = rng.choice(candidates)
            lines[k] = lines[k].replace("async def ", "def ", 1) if "async def " in lines[k] else lines[k].replace(
                "def ", "async def ", 1)
    elif kind == "toggle-await":
        candidates = [k for k, text in enumerate(lines) if "await " in text or "(" in text]
        if candidates:
            k = rng.choice(candidates)
            text = lines[k]
            if "await " in text:
                lines[k] = text.replace("await ", "", 1)
            else:
                stripped = text.lstrip()
                lines[k] = text[: len(text) - len(stripped)] + "await " + stripped
    elif kind == "rename":
        words = sorted({w for text in lines for w in text.replace("(", " ").replace(".", " ").split() if w.isidentifier()})
        mine = [w for w in line.replace("(", " ").replace(".", " ").split() if w.isidentifier()]
        if words and mine:
            lines[i] = line.replace(rng.choice(mine), rng.choice(words), 1)
    elif kind == "indent":
        lines[i] = "    " + line
    elif kind == "dedent":
        lines[i] = line[4:] if line.startswith("    ") else line
    else:  # move a block of lines elsewhere
        j = min(len(lines), i + rng.randint(1, 8))
        block = lines[i:j]
        del lines[i:j]
        at = rng.randrange(len(lines) + 1)
        lines[at:at] = block
    return f"{kind} at line {i + 1}"


def drive(buffer: Buffer, text: str, rng: random.Random, steps: int, others: list[Buffer] = ()) -> None:
    """Random edits to `text` (and now and then to another module of the project), each checked both ways."""
    lines = text.split("\n")
    assert_same_as_fresh(buffer, text, "initial text")
    other_texts = {other.path: other.path.read_text() for other in others}
    history = []
    for step in range(steps):
        if others and rng.random() < 0.1:
            other = rng.choice(list(others))
            other_lines = other_texts[other.path].split("\n")
            history.append(f"{other.path.name}: {random_edit(rng, other_lines)}")
            other_texts[other.path] = "\n".join(other_lines)
            other.check(other_texts[other.path])
        else:
            before = list(lines)
            history.append(random_edit(rng, lines))
            if not _parses("\n".join(lines)):
                # Half-typed code is checked too, but is mostly taken back, as a user would:
                # a text that never parses again would test nothing more.
                assert_same_as_fresh(buffer, "\n".join(lines), f"broken at step {step}: " + "; ".join(history[-6:]))
                if rng.random() < 0.95:
                    lines[:] = before
                    history.append("undone")
        assert_same_as_fresh(buffer, "\n".join(lines), f"after step {step}: " + "; ".join(history[-6:]))


def _parses(text: str) -> bool:
    try:
        ast.parse(text)
    except (SyntaxError, ValueError):
        return False
    return True


# -- the tests ---------------------------------------------------------------------------------------------


EXAMPLES = [
    pytest.param(rule, i, example, id=f"{rule.code}-{i}")
    for rule in RULES
    for i, example in enumerate(rule.examples)
    if not is_config_file(Path(example.path))
]


@pytest.mark.parametrize("rule,index,example", EXAMPLES)
def test_rule_examples_under_random_edits(tmp_path, rule, index, example):
    root = write_project(tmp_path / "project", {**example.files, example.path: example.source}, example.settings)
    engine = Engine(all_rules(), lenient_config=True)
    buffer = Buffer(engine, root / example.path)
    others = [Buffer(engine, root / rel) for rel in example.files if rel.endswith(".py")]
    rng = random.Random(f"{rule.code}-{index}")
    drive(buffer, example.source, rng, steps=25, others=others)


def test_generated_module_reuses_almost_everything(tmp_path):
    root = write_project(tmp_path / "project", {"tests/test_generated.py": generate_module(600)})
    engine = Engine(all_rules(), lenient_config=True)
    buffer = Buffer(engine, root / "tests/test_generated.py")
    drive(buffer, generate_module(600), random.Random(7), steps=60)
    # Most statements are reused on most re-checks (about 45 top-level statements).
    assert buffer.reused_statements > 20 * buffer.checks, (buffer.reused_statements, buffer.checks)
    # ... and so are the summaries of its classes and functions (about 45 definitions).
    assert buffer.reused_definitions > 20 * buffer.checks, (buffer.reused_definitions, buffer.checks)


def _golden_path_files() -> dict[str, str]:
    """The demo project's Python and TOML files, by path relative to it."""
    return {
        str(path.relative_to(REPO / "examples/golden-path")): path.read_text()
        for path in (REPO / "examples/golden-path").rglob("*")
        if path.is_file() and path.suffix in (".py", ".toml")
    }


def test_golden_path_with_its_bases_edited(tmp_path):
    files = _golden_path_files()
    root = write_project(tmp_path / "golden", files)
    engine = Engine(all_rules(), lenient_config=True)
    target = "tests/test_agent.py"
    buffer = Buffer(engine, root / target)
    others = [Buffer(engine, root / rel) for rel in files if rel.endswith(".py") and rel != target]
    drive(buffer, files[target], random.Random(11), steps=150, others=others)
    assert buffer.reused_statements > 0


def _real_test_files() -> list[Path]:
    """CPython's own asyncio and unittest tests, where this interpreter ships them."""
    test_dir = Path(asyncio.__file__).resolve().parent.parent / "test"
    found = sorted((test_dir / "test_asyncio").glob("test_*.py"))[:12]
    found += sorted((test_dir / "test_unittest").glob("test_async_case.py"))
    return [path for path in found if path.stat().st_size < 120_000]


def test_real_test_modules(tmp_path):
    files = _real_test_files() or [REPO / "examples/golden-path/tests/test_agent.py"]
    reused = 0
    for number, original in enumerate(files):
        text = original.read_text(encoding="utf-8")
        root = write_project(tmp_path / f"real{number}", {f"tests/{original.name}": text})
        engine = Engine(all_rules(), lenient_config=True)
        buffer = Buffer(engine, root / "tests" / original.name)
        drive(buffer, text, random.Random(number), steps=12)
        reused += buffer.reused_statements
    assert reused > 0


# -- the pieces ----------------------------------------------------------------------------------------


def test_line_change_maps_lines_around_the_change():
    change = LineChange("", first=5, last=6, delta=1, old_lines=("a", "b"), new_lines=("a", "b", "c"))
    assert [change.map_line(n) for n in (4, 5, 6, 7)] == [4, None, None, 8]
    insertion = LineChange("", first=5, last=4, delta=2, old_lines=(), new_lines=("x", "y"))
    assert [insertion.map_line(n) for n in (4, 5)] == [4, 7]
    assert change.may_change_presence("c") and not change.may_change_presence("z")
    assert change.may_change_presence("two\nlines")


def test_every_position_field_of_the_summary_is_classified():
    """A new int field in a summary class must be a position (`line`, `*_line`, a column) or declared here."""
    not_positions = {("ImportBinding", "level")}
    for cls in (summary_module.ImportBinding, summary_module.FunctionSummary, summary_module.FixtureSummary,
                summary_module.ClassSummary, summary_module.ModuleSummary):
        for item in fields(cls):
            if str(item.type) != "int":
                continue
            name = item.name
            is_position = name == "line" or name.endswith("_line") or name == "col" or name.endswith("_col")
            assert is_position or (cls.__name__, name) in not_positions, f"{cls.__name__}.{name}"


def test_a_failed_check_does_not_leave_stale_results(tmp_path):
    text = generate_module(120)
    root = write_project(tmp_path / "p", {"tests/test_x.py": text})
    engine = Engine(all_rules(), lenient_config=True)
    buffer = Buffer(engine, root / "tests/test_x.py")
    buffer.check(text)
    lines = text.split("\n")
    lines.insert(3, "")
    moved = "\n".join(lines)
    # A check that dies after parsing (here: in the summary) must not let the next one reuse
    # results computed for the text before.
    original = engine.checker_for(engine.project_for(buffer.path)).check_source

    def broken(*args, **kwargs):
        kwargs["parse"](args[1].text, "x")
        raise RuntimeError("boom")

    checker = engine.checker_for(engine.project_for(buffer.path))
    checker.check_source = broken
    with pytest.raises(RuntimeError):
        buffer.check(moved)
    checker.check_source = original
    lines.insert(3, "")
    assert_same_as_fresh(buffer, "\n".join(lines), "after a failed check")
    assert buffer.reuse.reused == 0


# -- what invalidates reuse, with rules made for the purpose --------------------------------------------


class _MentionRule:
    """Local: reports every `async def` while the file mentions MAGIC anywhere."""

    code, name, severity, message = "ZZ001", "mention", "warning", "magic"
    local, position_data, config_rule, tokens, also_tokens, call_names = True, {}, False, (), (), None
    fix_safety = fix_title = None

    def visit_AsyncFunctionDef(self, node, ctx):
        if ctx.source.mentions_any(("MAGIC",)):
            ctx.report(self, node)


class _DefinitionRule:
    """Local: reports calls of a top-level function whose body contains `return 1`."""

    code, name, severity, message = "ZZ002", "definition", "warning", "calls a one"
    local, position_data, config_rule, tokens, also_tokens, call_names = True, {}, False, (), (), None
    fix_safety = fix_title = None

    def visit_Call(self, node, ctx):
        if node.func.__class__ is ast.Name:
            definition = ctx.module_definition(node.func.id, ast.FunctionDef)
            if definition is not None and "return 1" in ast.unparse(definition):
                ctx.report(self, node)


def _synthetic_buffer(tmp_path, rule, text):
    from looplint.engine.model import Severity

    rule.severity = Severity.WARNING
    root = write_project(tmp_path / "p", {"tests/test_x.py": text})
    return Buffer(Engine([rule], lenient_config=True), root / "tests/test_x.py")


def test_a_word_typed_elsewhere_changes_reused_statements(tmp_path):
    text = "async def a():\n    pass\n\n\nasync def b():\n    pass\n\n\nx = 1\n"
    buffer = _synthetic_buffer(tmp_path, _MentionRule(), text)
    assert buffer.check(text).diagnostics == []
    typed = text.replace("x = 1", "x = 'MAGIC'")
    assert len(buffer.check(typed).diagnostics) == 2
    assert_same_as_fresh(buffer, text, "the word removed again")


def test_an_edited_definition_changes_the_statements_that_read_it(tmp_path):
    text = "def one():\n    return 1\n\n\ndef caller():\n    one()\n\n\ndef other():\n    one()\n"
    buffer = _synthetic_buffer(tmp_path, _DefinitionRule(), text)
    assert len(buffer.check(text).diagnostics) == 2
    edited = text.replace("return 1", "return 2")
    assert buffer.check(edited).diagnostics == []
    assert buffer.reuse.reused == 0
    assert len(buffer.check(text).diagnostics) == 2
    # An unrelated edit reuses both callers.
    spaced = text.replace("def other", "# note\ndef other")
    assert_same_as_fresh(buffer, spaced, "a comment above other()")
    assert buffer.reuse.reused >= 1


def test_another_module_edited_in_its_buffer_is_seen(tmp_path):
    files = {
        "tests/base.py": "import unittest\n\n\nclass Base(unittest.TestCase):\n    pass\n",
        "tests/test_x.py": "from tests.base import Base\n\n\nclass TestA(Base):\n    async def test_a(self):\n        pass\n",
    }
    root = write_project(tmp_path / "p", files)
    engine = Engine(all_rules(), lenient_config=True)
    buffer = Buffer(engine, root / "tests/test_x.py")
    base = Buffer(engine, root / "tests/base.py")
    text = files["tests/test_x.py"]
    assert [d.code for d in buffer.check(text).diagnostics] == ["UT001"]
    base.check(files["tests/base.py"].replace("unittest.TestCase", "unittest.IsolatedAsyncioTestCase"))
    assert buffer.check(text).diagnostics == []
    base.check(files["tests/base.py"])
    assert [d.code for d in buffer.check(text).diagnostics] == ["UT001"]


def test_class_models_kept_across_moves_equal_fresh_ones(tmp_path):
    """Lines inserted or removed above classes keep their class models (positions rebased) instead
    of building them again: each must equal the model a fresh project builds from the same texts,
    including models of classes in other files whose chain runs through the edited one."""
    files = _golden_path_files()
    root = write_project(tmp_path / "golden", files)
    engine = Engine(all_rules(), lenient_config=True)
    bases = [rel for rel in files if rel.endswith(".py") and "class " in files[rel] and not rel.startswith("tests/test_")]
    assert bases, "the golden path has base classes in support modules"
    target = bases[0]
    buffer = Buffer(engine, root / target)
    rng = random.Random(5)
    lines = files[target].split("\n")
    rebased = 0
    for step in range(40):
        i = rng.randrange(len(lines) + 1)
        if rng.random() < 0.6 or len(lines) < 3:
            lines.insert(i, rng.choice(["", "# moved", "_flag = 1"]))
        elif lines[min(i, len(lines) - 1)].strip() in ("", "# moved", "_flag = 1"):
            del lines[min(i, len(lines) - 1)]
        text = "\n".join(lines)
        if not _parses(text) or buffer.check(text).problem is not None:
            continue
        # Every class of the project, as the checks just made left them cached...
        project = engine.project_for(root / target)
        kept_before = len(project._class_models)
        fresh_engine = Engine(all_rules(), lenient_config=True)
        fresh_project = fresh_engine.project_for(root / target)
        fresh_project.set_overlay(root / target, text)
        for key in list(project._class_models):
            symbol = ProjectClass(*key)
            kept, fresh = project.class_model(symbol), fresh_project.class_model(symbol)
            assert kept == fresh, f"step {step}: {key} kept {kept} fresh {fresh}"
        rebased += kept_before
    assert rebased > 0, "class models were kept and compared"


def test_word_answers_carried_over_only_where_the_edit_cannot_change_them():
    from looplint.engine.reuse import StatementReuse
    from looplint.engine.source import Source
    from looplint.lsp.incremental import IncrementalParser

    parser, reuse = IncrementalParser(), StatementReuse()
    old = Source("import asyncio\n\ndef f():\n    return 1\n")
    parser.parse(old.text)
    reuse.seed_mentions(old)
    assert old.mentions_any(("asyncio",)) and not old.mentions_any(("trio",)) and not old.mentions_any(("anyio",))
    # What a check of the old text keeps of it (the words among the rest).
    reuse.remember(key=(), epoch=(0, 0), summary=None, source=old, results={}, reused=0, facts={})
    new = Source(old.text.replace("return 1", "return trio"))
    parser.parse(new.text)
    reuse.change = parser.change
    reuse.seed_mentions(new)
    # "asyncio" and "anyio" are not in the changed lines: last answers carried; "trio" is asked again.
    assert new._mentions.get("asyncio") is True and new._mentions.get("anyio") is False
    assert "trio" not in new._mentions
    assert new.mentions_any(("trio",))
