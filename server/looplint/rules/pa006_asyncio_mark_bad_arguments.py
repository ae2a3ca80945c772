"""PA006: `@pytest.mark.asyncio(...)` with arguments pytest-asyncio refuses or deprecates."""

from __future__ import annotations

from ..engine.fixer import cst  # libcst, imported when a fix is built

from ..engine.checker import FileContext
from ..engine.fixer import FixContext, FixUnavailable
from ..engine.model import Diagnostic, Severity
from ..engine.pytest_model import SCOPES, is_nonliteral
from ._pytest import nearest, pytest_model, quoted, with_keyword, without_keyword
from ..engine.rule import Invalid, Rule, RuntimeExample, Symptom, Valid

_INI = "[pytest]\nasyncio_default_fixture_loop_scope = function\n"


class AsyncioMarkBadArguments(Rule):
    code = "PA006"
    name = "asyncio-mark-bad-arguments"
    severity = Severity.ERROR
    summary = "`@pytest.mark.asyncio` accepts only `loop_scope=` (and `loop_factories=`, 1.4+) with a valid scope."
    message = "`@pytest.mark.asyncio`: {problem}"
    fix_safety = "safe"
    fix_title = "Use loop_scope="
    tokens = ("asyncio(",)
    symptoms = (
        Symptom(
            when="positional arguments, pytest-asyncio ≥ 1.4 (1.5.0 run here): the module fails to collect",
            output="mark.asyncio accepts only keyword arguments 'loop_scope' and 'loop_factories'.",
            envs=("py311",),
        ),
        Symptom(
            when="positional arguments, pytest-asyncio 0.25–1.3 (0.25.3 and 0.26.0: the module fails to collect; 1.3.0: an error at setup)",
            output="ValueError: mark.asyncio accepts only a keyword argument 'loop_scope'.",
            envs=("py311-pa13", "py311-pytest83-pa025", "py311-pytest84-pa026"),
        ),
        Symptom(
            when="an unknown scope, pytest-asyncio 1.5.0: the module fails to collect",
            output="mark.asyncio got an unexpected loop scope value 'modul'. "
                   "Valid scopes are: function, class, module, package, session.",
            envs=("py311",),
        ),
        Symptom(
            when="`scope=` (deprecated since 0.24; 0.24.0, 0.25.3, 0.26.0 and 1.5.0 run here): a warning, the test runs",
            output="PytestDeprecationWarning: The \"scope\" keyword argument to the asyncio marker has been "
                   "deprecated. Please use the \"loop_scope\" argument instead.",
            envs=("py311", "py311-pytest83-pa024", "py311-pytest83-pa025", "py311-pytest84-pa026"),
        ),
        Symptom(
            when="positional arguments, pytest-asyncio 0.24 (0.24.0 run here): the module fails to collect",
            output="ValueError: mark.asyncio accepts only a keyword argument 'scope'.",
            envs=("py311-pytest83-pa024",),
        ),
        Symptom(
            when="an unknown scope, pytest-asyncio 0.24–0.26 (0.24.0, 0.25.3, 0.26.0 run here): the module fails to collect",
            output="AssertionError: assert 'modul' in {'class', 'function', 'module', 'package', 'session'}",
            envs=("py311-pytest83-pa024", "py311-pytest83-pa025", "py311-pytest84-pa026"),
        ),
    )
    explanation = """
    Since 0.24 the asyncio mark takes the loop scope as `loop_scope=` (1.4
    added `loop_factories=`, a list of factory names). pytest-asyncio checks
    the arguments when it collects the test:

    - a positional argument, an unknown keyword, or both `scope=` and
      `loop_scope=`: an error (1.4+: the whole module fails to collect);
    - a scope outside `function`, `class`, `module`, `package`, `session`:
      an error ("got an unexpected loop scope value");
    - `scope=`: still accepted, with a `PytestDeprecationWarning`.

    ### How to fix
    ```python
    @pytest.mark.asyncio(loop_scope="module")
    async def test_shared_connection(): ...
    ```

    Quick fixes: a positional scope becomes `loop_scope=` and `scope=` is
    renamed `loop_scope=` (safe); when both are given with the same value
    `scope=` is dropped (safe); a misspelt scope becomes the nearest valid
    one (unsafe: check it is the scope you meant).

    Not reported: projects on pytest-asyncio < 0.24 (there `scope=` is the
    argument), marks whose arguments are not literals, pytest-asyncio
    disabled (`-p no:asyncio`).
    """

    def end_file(self, ctx: FileContext) -> None:
        model = pytest_model(ctx)
        if not model.asyncio_enabled or model.at_least("pytest-asyncio", "0.24") is False:
            return
        factories = model.at_least("pytest-asyncio", "1.4") is not False
        allowed = ("loop_scope", "scope", "loop_factories") if factories else ("loop_scope", "scope")
        accepts = ("accepts only keyword arguments 'loop_scope' and 'loop_factories'" if factories
                   else "accepts only a keyword argument 'loop_scope'")
        seen: set[int] = set()
        for item in model.tests():
            for mark in item.marks:
                if mark.name != "asyncio" or mark.node is None or id(mark.node) in seen or not mark.known:
                    continue
                seen.add(id(mark.node))
                found = _problem(mark, allowed, accepts)
                if found is None:
                    continue
                problem, severity, fix, reason = found
                ctx.report(
                    self,
                    mark.node,
                    fields={"problem": problem},
                    reason=reason + "\n\n" + model.versions_reason("pytest-asyncio"),
                    severity=severity,
                    data=fix or {},
                    fixable=fix is not None,
                    fix_applicability="unsafe" if fix and fix.get("kind") == "value" else None,
                    fix_title=(fix or {}).get("title"),
                    # `scope=` still works, deprecated since 0.24: editors strike it through
                    deprecated=bool(fix) and fix.get("kind") in ("rename", "drop_scope"),
                )

    def fix(self, fixer: FixContext, diagnostic: Diagnostic) -> None:
        call = fixer.find(diagnostic.range, cst.Call)
        data = diagnostic.data
        kind = data.get("kind")
        if kind == "positional":
            def change(updated: cst.Call) -> cst.Call:
                if len(updated.args) != 1 or updated.args[0].keyword is not None:
                    raise FixUnavailable("unexpected arguments")
                arg = updated.args[0]
                return updated.with_changes(args=[arg.with_changes(
                    keyword=cst.Name("loop_scope"),
                    equal=cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""),
                                          whitespace_after=cst.SimpleWhitespace("")))])
            fixer.replace(call, change)
        elif kind == "rename":
            fixer.replace(call, lambda updated: _rename_scope(updated))
        elif kind == "drop_scope":
            fixer.replace(call, lambda updated: without_keyword(updated, "scope"))
        elif kind == "value":
            value = quoted(str(data["value"]))
            fixer.replace(call, lambda updated: with_keyword(fixer, updated, "loop_scope", value, replace=("scope",)))
        else:
            raise FixUnavailable("no fix")

    examples = (
        Invalid(
            source="import pytest\n\n@pytest.mark.asyncio(scope='module')\nasync def test_x():\n    pass\n",
            at=(3, 2),
            end=(3, 37),
            message_contains="deprecated",
            fixed="import pytest\n\n@pytest.mark.asyncio(loop_scope='module')\nasync def test_x():\n    pass\n",
        ),
        Invalid(
            source="import pytest\n\n@pytest.mark.asyncio('module')\nasync def test_x():\n    pass\n",
            at=(3, 2),
            fixed="import pytest\n\n@pytest.mark.asyncio(loop_scope='module')\nasync def test_x():\n    pass\n",
        ),
        Invalid(
            source="import pytest\n\n@pytest.mark.asyncio(loop_scope='modul')\nasync def test_x():\n    pass\n",
            at=(3, 2),
            message_contains="'modul'",
            fixed="import pytest\n\n@pytest.mark.asyncio(loop_scope=\"module\")\nasync def test_x():\n    pass\n",
            unsafe=True,
        ),
        Invalid(
            source=(
                "import pytest\n\n"
                "pytestmark = pytest.mark.asyncio(scope='session', loop_scope='session')\n\n"
                "async def test_x():\n    pass\n"
            ),
            at=(3, 14),
            message_contains="both",
            fixed=(
                "import pytest\n\n"
                "pytestmark = pytest.mark.asyncio(loop_scope='session')\n\n"
                "async def test_x():\n    pass\n"
            ),
        ),
        Invalid(
            source="import pytest\n\nclass TestA:\n    @pytest.mark.asyncio(timeout=3)\n    async def test_x(self):\n"
                   "        pass\n",
            at=(4, 6),
            message_contains="timeout",
        ),
        Invalid(
            files={"requirements.txt": "pytest-asyncio==1.3.0\n"},
            source="import pytest\n\n@pytest.mark.asyncio(loop_factories=['uvloop'])\nasync def test_x():\n    pass\n",
            at=(3, 2),
            message_contains="loop_factories",
        ),
        Valid(source="import pytest\n\n@pytest.mark.asyncio\nasync def test_x():\n    pass\n", why="no arguments"),
        Valid(
            source="import pytest\n\n@pytest.mark.asyncio(loop_scope='session')\nasync def test_x():\n    pass\n",
            why="a valid loop_scope",
        ),
        Valid(
            source="import pytest\n\n@pytest.mark.asyncio(loop_factories=['uvloop'])\nasync def test_x():\n    pass\n",
            why="loop_factories (pytest-asyncio 1.4+)",
        ),
        Valid(
            files={"requirements.txt": "pytest-asyncio==0.23.8\n"},
            source="import pytest\n\n@pytest.mark.asyncio(scope='module')\nasync def test_x():\n    pass\n",
            why="scope= is the argument before 0.24",
        ),
        Valid(
            source="import pytest\nSCOPE = 'module'\n\n@pytest.mark.asyncio(loop_scope=SCOPE)\nasync def test_x():\n    pass\n",
            why="a non-literal value cannot be checked",
        ),
    )

    runtime = (
        RuntimeExample(
            files={
                "pytest.ini": _INI,
                "test_example.py": "import pytest\n\n@pytest.mark.asyncio('module')\nasync def test_positional():\n"
                                   "    __SENTINEL__\n",
            },
            runner="pytest",
            outcome="collection-error",
            body_ran=False,
            symptoms=(symptoms[0], symptoms[1], symptoms[4]),
            envs=("py311", "py311-pa13", "py311-pytest83-pa024", "py311-pytest83-pa025", "py311-pytest84-pa026"),
            env_outcomes={"py311-pa13": "error"},
        ),
        RuntimeExample(
            files={
                "pytest.ini": _INI,
                "test_example.py": "import pytest\n\n@pytest.mark.asyncio(loop_scope='modul')\nasync def test_typo():\n"
                                   "    __SENTINEL__\n",
            },
            runner="pytest",
            outcome="collection-error",
            body_ran=False,
            symptoms=(symptoms[2], symptoms[5]),
            envs=("py311", "py311-pytest83-pa024", "py311-pytest83-pa025", "py311-pytest84-pa026"),
        ),
        RuntimeExample(
            files={
                "pytest.ini": _INI,
                "test_example.py": "import pytest\n\n@pytest.mark.asyncio(scope='module')\nasync def test_scope():\n"
                                   "    __SENTINEL__\n",
            },
            runner="pytest",
            outcome="passed",
            body_ran=True,
            symptoms=(symptoms[3],),
            envs=("py311", "py311-pytest83-pa024", "py311-pytest83-pa025", "py311-pytest84-pa026"),
        ),
    )


def _problem(mark, allowed: tuple[str, ...], accepts: str):
    """(message, severity, fix data or None, reason) for the first problem of a mark's arguments."""
    args, kwargs = mark.args, mark.kwargs
    if args:
        fix = None
        if len(args) == 1 and not kwargs and isinstance(args[0], str) and args[0] in SCOPES:
            fix = {"kind": "positional", "title": "Pass the scope as loop_scope="}
        return (f"positional arguments are refused (it {accepts})", None, fix,
                "pytest-asyncio raises an error for the test when it reads the mark.")
    if "scope" in kwargs and "loop_scope" in kwargs:
        same = kwargs["scope"] == kwargs["loop_scope"] and not is_nonliteral(kwargs["scope"])
        return ("both `scope=` and `loop_scope=` are given; pytest-asyncio refuses that", None,
                {"kind": "drop_scope", "title": "Remove scope="} if same else None,
                "pytest-asyncio raises a UsageError: \"An asyncio pytest marker defines both \\\"scope\\\" and "
                "\\\"loop_scope\\\", but it should only use \\\"loop_scope\\\"\".")
    unknown = [k for k in kwargs if k not in allowed]
    if unknown:
        return (f"unknown keyword `{unknown[0]}` (it {accepts})", None, None,
                "pytest-asyncio raises an error for the test when it reads the mark.")
    if "loop_factories" in kwargs:
        value = kwargs["loop_factories"]
        if not is_nonliteral(value) and (
            not isinstance(value, (list, tuple)) or not value or not all(isinstance(v, str) for v in value)
        ):
            return ("`loop_factories` must be a non-empty sequence of factory names (strings)", None, None,
                    "pytest-asyncio 1.5 fails the module's collection: \"mark.asyncio 'loop_factories' must be a "
                    "non-empty sequence of strings\".")
    key = "loop_scope" if "loop_scope" in kwargs else ("scope" if "scope" in kwargs else None)
    if key is None:
        return None
    value = kwargs[key]
    if is_nonliteral(value):
        return None
    if not isinstance(value, str) or value not in SCOPES:
        guess = nearest(value, SCOPES) if isinstance(value, str) else None
        fix = {"kind": "value", "value": guess, "title": f"Use loop_scope=\"{guess}\""} if guess else None
        return (f"{value!r} is not a loop scope (valid: {', '.join(SCOPES)})", None, fix,
                f"pytest-asyncio refuses the mark: \"mark.asyncio got an unexpected loop scope value {value!r}\".")
    if key == "scope":
        return ("the `scope=` argument is deprecated, use `loop_scope=`", Severity.WARNING,
                {"kind": "rename", "title": "Rename scope= to loop_scope="},
                "pytest-asyncio 0.24 renamed the argument; the old name still works with a PytestDeprecationWarning.")
    return None


def _rename_scope(call: cst.Call) -> cst.Call:
    args = list(call.args)
    for index, arg in enumerate(args):
        if arg.keyword is not None and arg.keyword.value == "scope":
            args[index] = arg.with_changes(keyword=cst.Name("loop_scope"))
            return call.with_changes(args=args)
    raise FixUnavailable("no scope= argument")
