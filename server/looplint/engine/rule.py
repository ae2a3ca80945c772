"""The rule framework: what one rule module declares.

A rule is a class with:
- identity: `code`, `name`, default `severity`, a one-line `summary`, a `message`;
- documentation: `explanation` (markdown: why it fails, how to fix), plus
  `symptoms`, the runtime behaviour per version as data, rendered into the
  hover/docs and checked against real runs by the runtime-truth harness;
- examples: `examples` (Invalid with the expected position and fixed source,
  Valid) become tests; `runtime` examples become runtime-truth tests;
- detection: `visit_<AstNodeType>(self, node, ctx)` handlers, called during the
  checker's single walk of the file (`ctx` knows the enclosing scopes and can
  resolve names across the project);
- a fix: `fix_safety` ("safe" | "unsafe" | None), `fix_title`, and
  `fix(self, fixer, diagnostic)` which edits a libcst tree through `fixer`.

Rule objects are shared; keep per-file state in `ctx.state`, never on self.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

from .model import Severity

if TYPE_CHECKING:  # pragma: no cover
    from .fixer import FixContext
    from .model import Diagnostic

DOCS_URL = "https://github.com/looplint/looplint/blob/main/docs/rules/{code}.md"


@dataclass(frozen=True)
class Invalid:
    """Source that must trigger the rule.

    `at` lists the expected diagnostic starts as (line, column), both 1-based,
    as the CLI prints them. `fixed` is the expected source after applying this
    rule's fix (None: the rule offers no fix for this case). `files` are extra
    project files (relative path -> content): base classes, conftest.py,
    pytest.ini, pyproject.toml. `path` is where `source` lives in the project.
    """

    source: str
    at: tuple[tuple[int, int], ...] | tuple[int, int]
    fixed: str | None = None
    files: dict[str, str] = field(default_factory=dict)
    path: str = "tests/test_example.py"
    message_contains: str | None = None
    end: tuple[int, int] | None = None  # expected end (line, column 1-based) of the first diagnostic
    unsafe: bool = False  # the fix is expected to be marked unsafe
    settings: dict = field(default_factory=dict)  # [tool.looplint] values for this example
    severity: str | None = None  # the expected severity of the first diagnostic ("error", "warning", "info")
    # A fix that edits other files too (a migration): their expected content after it (relative path ->
    # text; "" for a file the fix deletes nothing from but must leave unchanged is not needed).
    fixed_files: dict[str, str] = field(default_factory=dict)

    def positions(self) -> list[tuple[int, int]]:
        at = self.at
        if at and isinstance(at[0], int):
            return [at]  # type: ignore[list-item]
        return list(at)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Valid:
    """Source that must not trigger the rule (the false positives we promise not to make)."""

    source: str
    files: dict[str, str] = field(default_factory=dict)
    path: str = "tests/test_example.py"
    settings: dict = field(default_factory=dict)
    why: str = ""  # what real-world pattern this protects


@dataclass(frozen=True)
class Symptom:
    """What a real run prints, in which environments.

    `envs` name runtime-truth environments (see tests/runtime/envs.py,
    e.g. "py311", "py313", "py311-pytest83-pa023"). `when` is the human wording of
    that version range for the docs. `output` is a line the runner prints;
    `...` inside it matches anything. The harness requires it in those runs.
    """

    when: str
    output: str
    envs: tuple[str, ...] = ("py311",)


@dataclass(frozen=True)
class RuntimeExample:
    """A complete small project whose real run shows the rule's symptom.

    `files` maps relative paths to contents and must contain the test module
    (`path`). A line `__SENTINEL__` (indentation kept) is replaced by a
    statement that records that the body ran. `runner` is "unittest" or
    "pytest". Before the fix the run must show every symptom whose envs include
    the env being run, report `outcome` for the test module ("passed",
    "failed", "error", "skipped", "xfailed", "collection-error"), and the
    sentinel must show `body_ran`. After the rule's fix (unsafe included) the
    run must report `fixed_outcome` with the body run, none of the symptoms
    remaining.

    Outcomes are read from the runner's own report: unittest is run as
    `python -W default -m unittest -v` ("passed" = OK, "failed" = failures
    only, "error" = any error); pytest as `python -m pytest -p no:cacheprovider
    -rA -q -W default` (the summary line: errors during collection give
    "collection-error", then any error "error", any failure "failed", only
    xfailed "xfailed", only skipped "skipped", else "passed"). A symptom's
    `output` must match within one line of the combined stdout and stderr,
    `...` matching any run of characters.
    """

    files: dict[str, str]
    runner: str
    outcome: str
    body_ran: bool
    symptoms: tuple[Symptom, ...]
    path: str = "test_example.py"
    envs: tuple[str, ...] = ("py311",)
    env_outcomes: dict[str, str] = field(default_factory=dict)  # per-env override of `outcome`
    fixed_outcome: str = "passed"
    note: str = ""
    # False: the rule has a fix, but not for this project (a fix that needs another version, a
    # project that chose otherwise); the harness checks that looplint offers none here.
    fixable: bool = True

    def outcome_in(self, env: str) -> str:
        return self.env_outcomes.get(env, self.outcome)


class Rule:
    code: ClassVar[str]
    name: ClassVar[str]
    severity: ClassVar[Severity] = Severity.ERROR
    summary: ClassVar[str]  # one line for `looplint rules`
    message: ClassVar[str]  # default message (str.format(**fields) at report time)
    explanation: ClassVar[str]  # markdown: why, how to fix, examples
    symptoms: ClassVar[tuple[Symptom, ...]] = ()
    no_runtime_symptom: ClassVar[str] = ""  # set only when the rule has no runtime symptom (with the reason)
    fix_safety: ClassVar[str | None] = None  # "safe" | "unsafe" | None
    fix_title: ClassVar[str | None] = None
    examples: ClassVar[tuple[Invalid | Valid, ...]] = ()
    runtime: ClassVar[tuple[RuntimeExample, ...]] = ()
    # Substrings at least one of which must occur in a file for the rule to
    # possibly fire; files without any skip the rule entirely (speed).
    tokens: ClassVar[tuple[str, ...]] = ()
    # The last names of the callees this rule's `visit_Call` looks at (`sleep` for
    # `time.sleep`): other calls are not dispatched to it. Imports under another
    # name (`from time import sleep as nap`, `nap = time.sleep`) are followed.
    # None: every call. Declare it only when visit_Call returns at once for any
    # other last name.
    call_names: ClassVar[frozenset[str] | None] = None
    # A second group of words, one of which must also occur (both groups must match).
    also_tokens: ClassVar[tuple[str, ...]] = ()
    # Rules that look at pytest configuration files rather than Python files
    # implement `check_config(self, ctx)` and set this.
    config_rule: ClassVar[bool] = False
    # Statement-local: what the rule reports while the checker walks one top-level
    # statement depends only on that statement's own subtree and on module-wide
    # facts the editor re-check validates itself (the module summary, the project,
    # settings, which words the text mentions through `ctx.source.mentions_any`).
    # The language server then reuses, for statements an edit did not touch, what
    # the rule reported in them last time (moved by the lines inserted above).
    # Not local: anything that reads other statements (`ctx.tree`; looking a top-level
    # definition up with `ctx.module_definition` is fine: it is tracked), collects across
    # statements (`end_file`, `ctx.state` other than caches of module facts), or
    # tests the raw text (`in ctx.source.text`). Checked by tests/engine/test_reuse.py.
    local: ClassVar[bool] = False
    # Keys of `Diagnostic.data` that hold positions in the checked file, so that a
    # reused diagnostic can be moved: "line" (an int), "range" (Range.to_json()),
    # "ranges" (a list of those).
    position_data: ClassVar[dict[str, str]] = {}
    # Codes other linters give the same problem (ruff, flake8-async; mypy's and pyright's error
    # codes): a `# noqa: <code>` or `# type: ignore[<code>]` / `# pyright: ignore[<rule>]` the
    # user already wrote for one of them suppresses this rule on that line too.
    same_as: ClassVar[tuple[str, ...]] = ()
    # The fix edits only the method (or top-level statement) its diagnostic is in, the header of
    # the class around it and the module's imports; set when it edits other statements too
    # (building edits then reads the whole module).
    fix_edits_elsewhere: ClassVar[bool] = False

    @property
    def url(self) -> str:
        return DOCS_URL.format(code=self.code)

    def fix(self, fixer: "FixContext", diagnostic: "Diagnostic") -> None:
        """Apply this rule's fix to `fixer` (a libcst-backed editor of the file)."""
        raise NotImplementedError

    # -- documentation ------------------------------------------------------
    def symptoms_markdown(self) -> str:
        if not self.symptoms:
            return self.no_runtime_symptom and f"_No runtime symptom:_ {self.no_runtime_symptom}"
        lines = []
        for symptom in self.symptoms:
            lines.append(f"- **{symptom.when}:** `{symptom.output}`")
        return "\n".join(lines)

    def full_explanation(self) -> str:
        """Markdown shown on hover and in docs/rules/CODE.md."""
        parts = [
            f"## {self.code} {self.name}",
            f"*{self.severity.value}* · fix: {self.fix_safety or 'none'}",
            "",
            self.summary,
            "",
            "### What happens at runtime",
            self.symptoms_markdown(),
            "",
            textwrap.dedent(self.explanation).strip(),
        ]
        if self.same_as:
            codes = ", ".join(f"`{code}`" for code in self.same_as)
            parts += ["", f"A `# noqa:` comment (or a type checker's `# type: ignore[...]` / `# pyright: ignore[...]`) "
                          f"with another tool's code for the same problem ({codes}) also suppresses this rule on its line."]
        return "\n".join(parts).strip() + "\n"
