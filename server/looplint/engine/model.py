"""Diagnostics, fixes and positions: the engine's output, independent of any front end."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True, slots=True)
class Range:
    """Lines are 1-based, columns 0-based, counted in code points; end is exclusive."""

    line: int
    col: int
    end_line: int
    end_col: int

    def contains(self, line: int, col: int) -> bool:
        if (line, col) < (self.line, self.col):
            return False
        return (line, col) <= (self.end_line, self.end_col)

    def overlaps(self, other: "Range") -> bool:
        return not (
            (self.end_line, self.end_col) <= (other.line, other.col)
            or (other.end_line, other.end_col) <= (self.line, self.col)
        )

    def to_json(self) -> list[int]:
        return [self.line, self.col, self.end_line, self.end_col]

    @classmethod
    def from_json(cls, value) -> "Range":
        return cls(*map(int, value))


@dataclass(frozen=True, slots=True)
class Edit:
    range: Range
    content: str


class Applicability(str, Enum):
    """How far a fix can be trusted. SAFE: it cannot change what correct code does (applied by
    `--fix`, preferred in editors); UNSAFE: it may, so it needs review (`--unsafe-fixes`).
    A str enum: it reads, compares and serialises as "safe" / "unsafe"."""

    SAFE = "safe"
    UNSAFE = "unsafe"

    def __str__(self) -> str:  # "safe" in messages and f-strings, on every Python
        return self.value

    def __format__(self, spec: str) -> str:
        return format(self.value, spec)


def fix_applies(applicability: "Applicability | str | None", unsafe: bool) -> bool:
    """Is a fix of this applicability applied, with or without `--unsafe-fixes`?"""
    return applicability == Applicability.SAFE or (unsafe and applicability == Applicability.UNSAFE)


@dataclass(frozen=True, slots=True)
class FileEdits:
    """The edits one fix makes in another file than its diagnostic's (positions in that file's text)."""

    path: Path
    edits: tuple[Edit, ...]
    create: bool = False  # the file does not exist yet: it is created with the edits' text


@dataclass(frozen=True, slots=True)
class Fix:
    message: str
    applicability: Applicability
    edits: tuple[Edit, ...]  # in the diagnostic's file
    # A migration also edits other files (a base class in its module, a key in the config pytest
    # reads): applied together with `edits`, all or nothing.
    other_files: tuple[FileEdits, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "applicability", Applicability(self.applicability))


@dataclass(frozen=True, slots=True)
class Related:
    """A place in another (or the same) file that explains the diagnostic."""

    path: Path
    range: Range
    message: str


@dataclass
class Diagnostic:
    code: str
    name: str
    message: str
    severity: Severity
    path: Path
    range: Range
    # A fix is described here and built on demand (libcst is only loaded then).
    fix_message: str | None = None
    fix_applicability: Applicability | None = None  # None: no fix
    # JSON-safe facts the fix and the hover need; carried through LSP Diagnostic.data.
    data: dict = field(default_factory=dict)
    reason: str = ""  # markdown: why *this* code triggers the rule (class chain, config key, versions)
    related: tuple[Related, ...] = ()
    fix: Fix | None = None  # filled in when edits were requested
    fix_unavailable: str = ""  # when edits were requested and could not be built: why
    # The code this finding says never runs (a test body that is never awaited): what other
    # rules find inside it is told in this finding's related information instead (one story).
    never_runs: Range | None = None
    # The finding is about a deprecated (or removed) API: editors strike it through (DiagnosticTag.Deprecated).
    deprecated: bool = False

    def __post_init__(self) -> None:
        if self.fix_applicability is not None and self.fix_applicability.__class__ is not Applicability:
            self.fix_applicability = Applicability(self.fix_applicability)  # rules and caches may give a str

    @property
    def noqa_line(self) -> int:
        return self.range.line

    def sort_key(self):
        return (str(self.path), self.range.line, self.range.col, self.code)


@dataclass
class FileProblem:
    """A file that could not be analysed (syntax error, decoding, I/O): reported once, the run goes on."""

    path: Path
    message: str
    line: int = 1
    col: int = 0
    kind: str = "error"  # "syntax-error" | "read-error" | "skipped" | "internal-error"
