"""Triage of a test run's output: each event-loop symptom in a pytest or unittest log, mapped to
the rules that explain it and to the line that causes it.

The symptoms are the ones the rules declare (`Rule.symptoms`, and those of their runtime
examples): the same lines the runtime-truth harness requires the real runners to print, so
this table cannot drift from what the runners do. A symptom line is mapped to

- the rules whose declared symptom it matches (`...` in a symptom matches anything);
- the test the log names around it (pytest's node ids and section headers, unittest's
  `test_x (module.Class.test_x)` lines, the coroutine named in "was never awaited");
- the static findings of those rules in the project (a `CheckResult` list from the engine),
  those inside the named test first.

The engine never imports a rule module: the caller passes the rules (fronts -> rules -> engine).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from .model import Diagnostic


def symptom_regex(output: str) -> re.Pattern[str]:
    """`...` matches any run of characters; everything else literally (as the runtime-truth harness)."""
    return re.compile(".*?".join(re.escape(part) for part in output.split("...")))


@dataclass(frozen=True)
class TestRef:
    """A test the log names: its file (when given), class and function."""

    file: str | None
    cls: str | None
    name: str

    def __str__(self) -> str:
        parts = [p for p in (self.cls, self.name) if p]
        return f"{self.file}::{'::'.join(parts)}" if self.file else ".".join(parts)


@dataclass
class Event:
    line: int  # 1-based line of the log
    text: str
    codes: list[str]  # rules whose declared symptom this line shows
    test: TestRef | None = None
    findings: list[Diagnostic] = field(default_factory=list)
    count: int = 1  # the same line for the same test, repeated

    def to_json(self, display) -> dict:
        return {
            "log_line": self.line,
            "text": self.text,
            "count": self.count,
            "rules": self.codes,
            "test": str(self.test) if self.test else None,
            "findings": [
                {"code": d.code, "message": d.message, "filename": display(d.path),
                 "location": {"row": d.range.line, "column": d.range.col + 1}}
                for d in self.findings
            ],
        }


class SymptomTable:
    """The declared symptoms of `rules`, as patterns: code -> compiled outputs."""

    def __init__(self, rules: Iterable):
        self.patterns: list[tuple[re.Pattern[str], str]] = []
        seen = set()
        for rule in rules:
            outputs = [s.output for s in rule.symptoms]
            for example in getattr(rule, "runtime", ()):
                outputs += [s.output for s in example.symptoms]
            for output in outputs:
                if _specific(output) and (output, rule.code) not in seen:
                    seen.add((output, rule.code))
                    self.patterns.append((symptom_regex(output), rule.code))

    def codes(self, line: str) -> list[str]:
        return list(dict.fromkeys(code for pattern, code in self.patterns if pattern.search(line)))


def _specific(output: str) -> bool:
    """A symptom that tells something by itself (not a bare pass/fail line of one example's test)."""
    literal = output.replace("...", "")
    return not re.match(r"^\s*(PASSED|FAILED|ERROR|SKIPPED|XFAIL|ok|FAIL)\b", output) and len(literal.strip()) >= 12


# -- which test a log line belongs to ---------------------------------------------------------

_PYTEST_NODE = re.compile(r"(?P<file>[\w./\\-]+\.py)::(?P<rest>[\w\[\]:.-]+)")
_PYTEST_SECTION = re.compile(r"^_{3,} (?:ERROR at (?:setup|teardown) of )?(?P<name>[\w.\[\]-]+) _{3,}$")
_UNITTEST_LINE = re.compile(r"^(?:(?:ERROR|FAIL): )?(?P<name>\w+) \((?P<dotted>[\w.]+)\)")
_COROUTINE = re.compile(r"coroutine '(?P<qual>[\w.<>]+)' was never awaited")


def _node_ref(file: str, rest: str) -> TestRef:
    parts = [p for p in rest.split("::") if p]
    name = re.sub(r"\[.*\]$", "", parts[-1]) if parts else ""
    cls = parts[-2] if len(parts) >= 2 else None
    return TestRef(file, cls, name)


def _unittest_ref(name: str, dotted: str) -> TestRef:
    parts = dotted.split(".")
    # 3.11+: module.Class.test; 3.10: module.Class
    if parts[-1] == name:
        parts = parts[:-1]
    cls = parts[-1] if parts else None
    module = "/".join(parts[:-1])
    return TestRef(f"{module}.py" if module else None, cls, name)


def read_events(log: str, table: SymptomTable) -> list[Event]:
    """The symptom lines of a log, with the test each belongs to (repeats counted, not listed)."""
    events: dict[tuple[str, str], Event] = {}
    current: TestRef | None = None
    for number, raw in enumerate(log.splitlines(), 1):
        line = raw.rstrip()
        ref = _test_named(line)
        codes = table.codes(line)
        if ref is not None and not codes:
            current = ref
            continue
        if not codes:
            continue
        test = ref or _from_coroutine(line) or current
        key = (_normalize(line), str(test))
        if key in events:
            events[key].count += 1
            continue
        events[key] = Event(number, line.strip(), codes, test)
    return list(events.values())


def _test_named(line: str) -> TestRef | None:
    stripped = line.strip()
    match = _PYTEST_NODE.search(stripped)
    if match and (stripped.startswith(match.group()) or re.match(r"^(PASSED|FAILED|ERROR|SKIPPED|XFAIL|XPASS) ", stripped)):
        return _node_ref(match.group("file"), match.group("rest"))
    match = _PYTEST_SECTION.match(stripped)
    if match:
        name = match.group("name")
        cls, _, func = name.rpartition(".")
        return TestRef(None, cls or None, re.sub(r"\[.*\]$", "", func))
    match = _UNITTEST_LINE.match(stripped)
    if match:
        return _unittest_ref(match.group("name"), match.group("dotted"))
    return None


def _from_coroutine(line: str) -> TestRef | None:
    match = _COROUTINE.search(line)
    if not match:
        return None
    qual = match.group("qual").split(".<locals>.")[0].split(".")
    if len(qual) >= 2:
        return TestRef(None, qual[-2], qual[-1])
    return TestRef(None, None, qual[-1])


def _normalize(line: str) -> str:
    return re.sub(r"0x[0-9a-fA-F]+|\d+", "#", line.strip())


# -- from a symptom to the line that causes it ------------------------------------------------


@dataclass(frozen=True)
class TestSpan:
    path: Path
    cls: str | None
    name: str
    first: int
    last: int


def map_events(events: list[Event], diagnostics: list[Diagnostic], spans: list[TestSpan]) -> None:
    """Attach to each event the findings of its rules, per rule those in the named test first.

    Per rule: its findings in the named test, else in the test's file, else elsewhere. Findings
    elsewhere are kept when no rule of the event has one near the test, and always for findings
    in configuration files (pytest.ini, pyproject.toml): a CF rule's cause is never inside a test,
    and for findings in files that a near finding's related information points at.
    """
    for event in events:
        candidates = [d for d in diagnostics if d.code in event.codes]
        if not candidates:
            continue
        if event.test is None:
            event.findings = candidates
        else:
            places = [s for s in spans if s.name == event.test.name and (event.test.cls is None or s.cls == event.test.cls)
                      and (event.test.file is None or s.path.as_posix().endswith(event.test.file.replace("\\", "/")))]
            near: list[Diagnostic] = []
            far: list[list[Diagnostic]] = []
            for code in event.codes:
                mine = [d for d in candidates if d.code == code]
                inside = [d for d in mine if any(p.path == d.path and p.first <= d.range.line <= p.last for p in places)]
                same_file = [d for d in mine if any(p.path == d.path for p in places)]
                if inside or same_file:
                    near += inside or same_file
                elif mine:
                    far.append(mine)
            # A finding near the test may point at its cause elsewhere (UT001's related: the base class
            # that bridges): findings in the files it points at are kept too.
            pointed = {Path(r.path).absolute() for d in near for r in d.related}
            event.findings = near + [d for mine in far for d in mine
                                     if not near or all(f.path.suffix != ".py" for f in mine)
                                     or Path(d.path).absolute() in pointed]
        # rules with a finding first
        found = {d.code for d in event.findings}
        event.codes = sorted(event.codes, key=lambda code: code not in found)


def test_spans(path: Path, tree) -> list[TestSpan]:
    """The functions and methods of a parsed module, with their line spans (for `map_events`)."""
    import ast

    out = []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            out.append(TestSpan(path, None, node.name, _first(node), node.end_lineno or node.lineno))
        elif isinstance(node, ast.ClassDef):
            out.append(TestSpan(path, node.name, node.name, _first(node), node.end_lineno or node.lineno))
            for item in node.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    out.append(TestSpan(path, node.name, item.name, _first(item), item.end_lineno or item.lineno))
    return out


def _first(node) -> int:
    return min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", ()))])
