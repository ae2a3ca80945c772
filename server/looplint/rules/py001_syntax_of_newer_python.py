"""PY001: syntax that the project's Python (or the Python running looplint) cannot read."""

from __future__ import annotations

from ..engine.checker import FileContext
from ..engine.model import Range, Severity
from ..engine.parse import NewerSyntaxError, newer_syntax
from ..engine.rule import Invalid, Rule, Valid


class SyntaxOfNewerPython(Rule):
    code = "PY001"
    name = "syntax-of-newer-python"
    severity = Severity.ERROR
    summary = "The file uses syntax of a newer Python than the one the project targets (or than looplint runs on)."
    message = "{what} needs Python {needs}, but the project targets Python {target} (`python-version`)"
    # The engine reports files it cannot read at all through this rule (see `unreadable_message`).
    reports_newer_syntax = True
    no_runtime_symptom = (
        "not an event-loop problem at run time: on the Python it names, the module fails to import "
        "(`SyntaxError`), so every test in it is lost at collection."
    )
    explanation = """
    looplint reads every Python syntax from 3.10 to 3.15 whatever Python it runs
    on: PEP 695 generics and `type` aliases, PEP 696 defaults, PEP 701
    f-strings, PEP 758 `except A, B:`, PEP 750 t-strings, PEP 810 lazy imports
    and PEP 798 unpacking in comprehensions are checked like any other code
    (they are rewritten, position for position, into text the running `ast`
    accepts). This rule reports two things:

    - with `python-version` set (in `[tool.looplint]` or `--python-version`), a
      construct newer than that Python: the module would not even import there,
      and pytest or unittest would report a collection error instead of running
      its tests;
    - a file that looplint could not read on the Python it runs on (a construct
      it cannot rewrite), naming the Python the file needs, so that the file is
      not silently left unchecked. Running looplint on that Python checks it.

    ### How to fix
    Raise `python-version` (and `requires-python`) to the Python the code is
    written for, or write the construct the older way (`except (A, B):`,
    `TypeVar` instead of `[T]`, a `TypeAlias` annotation instead of `type`).
    """
    examples = (
        Invalid(
            source="type Callback = object\n",
            at=(1, 1),
            settings={"python-version": "3.11"},
            message_contains="needs Python 3.12",
        ),
        Invalid(
            source="try:\n    pass\nexcept ValueError, TypeError:\n    pass\n",
            at=(3, 1),
            settings={"python-version": "3.13"},
            message_contains="needs Python 3.14",
        ),
        Valid(source="type Callback = object\n", settings={"python-version": "3.12"},
              why="the project's Python reads it"),
        Valid(source="try:\n    pass\nexcept ValueError, TypeError:\n    pass\n",
              why="no `python-version`: the project's Python is not known, nothing to compare with"),
        Valid(source="def first(items: list) -> object:\n    return f\"{items[0]!r:>10}\"\n",
              settings={"python-version": "3.10"}, why="an f-string Python 3.10 reads"),
    )

    def unreadable_message(self, error: NewerSyntaxError) -> str:
        return f"This file cannot be checked here: {error.msg}"

    def end_file(self, ctx: FileContext) -> None:
        target = ctx.project.settings.python_version
        if not target:
            return
        try:
            version = tuple(int(part) for part in target.split(".")[:2])
        except ValueError:
            return
        if len(version) != 2:
            return
        reported: list[tuple[int, int, int, int]] = []
        for site in newer_syntax(ctx.source.text, version):  # type: ignore[arg-type]
            span = (site.line, site.col, site.end_line, site.end_col)
            if any(r[:2] <= span[:2] and span[2:] <= r[2:] for r in reported):
                continue  # inside one already reported (a nested f-string)
            reported.append(span)
            ctx.report(
                self,
                range=Range(site.line, _chars(ctx, site.line, site.col), site.end_line,
                            _chars(ctx, site.end_line, site.end_col)),
                fields={"what": site.what[0].upper() + site.what[1:], "needs": "%d.%d" % site.needs, "target": target},
                data={"needs": "%d.%d" % site.needs},
            )


def _chars(ctx: FileContext, line: int, byte_col: int) -> int:
    """A UTF-8 byte column as a character column."""
    lines = ctx.source.lines
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    return len(text.encode("utf-8", "surrogatepass")[:byte_col].decode("utf-8", "replace"))
