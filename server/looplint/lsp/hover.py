"""Hover texts: a diagnostic's explanation, or a rule code in a suppression comment.

A diagnostic's hover adds to what the editor already shows. Editors that show
the diagnostic's message next to the hover (VS Code above it, Neovim in its
diagnostic float, Emacs in ElDoc, Helix inline) get no copy of it: the hover
starts with *why here* (the class chain, the config key, the fixture's loop
scope, the versions, the call chain), then what happens at runtime on the
project's versions, then the fix and its safety, and a link to the rule's page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..engine.model import Diagnostic
from ..engine.suppression import comment_of

# The codes of `# looplint: ignore[A, B]` and `# noqa: A, B` (as the engine reads them).
_IGNORE = re.compile(r"#\s*looplint\s*:\s*ignore(?!-file)\s*\[([^\]]*)\]", re.IGNORECASE)
_NOQA = re.compile(r"#\s*noqa\s*:\s*([A-Z]+[0-9]+(?:[\s,]+[A-Z]+[0-9]+)*)", re.IGNORECASE)
_CODE = re.compile(r"[A-Z]+[0-9]+", re.IGNORECASE)

# Clients (`clientInfo.name`, lower case) that show a diagnostic's message themselves where the
# hover appears, so the hover need not repeat it.
SHOWS_DIAGNOSTICS = ("visual studio code", "code-server", "vscodium", "code - oss", "neovim", "nvim", "eglot",
                     "emacs", "helix", "zed")


def client_shows_diagnostics(client_name: str | None) -> bool:
    name = (client_name or "").lower()
    return any(known in name for known in SHOWS_DIAGNOSTICS)


def code_in_suppression(line: str, col: int) -> tuple[str, int, int, bool] | None:
    """(code, start col, end col, is a looplint comment) of the rule code under `col`, if any."""
    comment = comment_of(line)
    if comment is None:
        return None
    base = len(line) - len(comment)
    for pattern, ours in ((_IGNORE, True), (_NOQA, False)):
        for match in pattern.finditer(comment):
            group_start = match.start(1)
            for code in _CODE.finditer(match.group(1)):
                start = base + group_start + code.start()
                end = base + group_start + code.end()
                if start <= col <= end:
                    return code.group(0).upper(), start, end, ours
    return None


_DEFINITION = re.compile(r"^\s*(?:async\s+def|def|class)\s+([A-Za-z_]\w*)")


def definition_name_at(line: str, col: int) -> tuple[int, int] | None:
    """(start col, end col) of the class's or def's name on `line` when `col` is on it."""
    match = _DEFINITION.match(line)
    if match is None or not match.start(1) <= col <= match.end(1):
        return None
    return match.start(1), match.end(1)


def diagnostic_markdown(diagnostic: Diagnostic, rule, *, include_message: bool, versions=None) -> str:
    """Why here, what happens at runtime (on the project's versions), the fix, the rule's page."""
    if not diagnostic.code:  # no rule: a settings error, a file not checked; the message is all there is
        return f"`{diagnostic.name}`: {diagnostic.message}"
    parts = []
    if include_message:
        parts.append(f"**{diagnostic.code}** `{diagnostic.name}`: {diagnostic.message}")
    if diagnostic.reason:
        parts.append(f"**Why here:** {diagnostic.reason}")
    if rule is not None:
        runtime = runtime_markdown(rule, versions)
        if runtime:
            parts.append(runtime)
    if diagnostic.fix_applicability == "safe":
        parts.append(f"**Fix** (safe: it cannot change what correct code does): {diagnostic.fix_message}")
    elif diagnostic.fix_applicability == "unsafe":
        parts.append(f"**Fix** (unsafe: review it, it changes how the code runs): {diagnostic.fix_message}")
    else:
        parts.append("**Fix:** none automatic; the rule's page says what to change.")
    if rule is not None:
        parts.append(f"[{rule.code} {rule.name}]({rule.url}): the rule's page, with examples")
    return "\n\n".join(parts)


def rule_markdown(rule) -> str:
    return rule.full_explanation()


# -- what happens at runtime, on the project's versions ------------------------------------------------

# Runtime-truth environment names (the rules' `Symptom.envs`, defined in tests/runtime/envs.py) say
# which versions a symptom was seen on: py<3><minor>[-pytest<major><minor>][-pa<version>]. An
# environment without a pytest or pytest-asyncio part runs the newest releases.
_ENV = re.compile(r"^py(\d)(\d+)(?:-pytest(\d)(\d+))?(?:-pa(\d+))?$")
NEWEST = {"pytest": "9", "pytest-asyncio": "1.5"}
_SHOWN = (("python", "Python"), ("pytest", "pytest"), ("pytest-asyncio", "pytest-asyncio"))


@dataclass(frozen=True)
class EnvVersions:
    python: str
    pytest: str
    pytest_asyncio: str

    def get(self, dist: str) -> str:
        return {"python": self.python, "pytest": self.pytest, "pytest-asyncio": self.pytest_asyncio}[dist]


def env_versions(name: str) -> EnvVersions | None:
    """The versions a runtime-truth environment runs (None for a name of another form)."""
    match = _ENV.match(name)
    if match is None:
        return None
    py_major, py_minor, pt_major, pt_minor, pa = match.groups()
    pytest = f"{pt_major}.{pt_minor}" if pt_major else NEWEST["pytest"]
    if pa is None:
        asyncio_version = NEWEST["pytest-asyncio"]
    elif pa.startswith("0"):
        asyncio_version = f"0.{pa[1:]}"
    else:
        asyncio_version = f"{pa[0]}.{pa[1:]}"
    return EnvVersions(f"{py_major}.{py_minor}", pytest, asyncio_version)


def _may_run(versions, env: EnvVersions) -> bool:
    """Can the project run on the environment's versions (as far as looplint knows them)?"""
    for dist, _ in _SHOWN:
        info = versions.get(dist)
        if info is not None and info.satisfies(f"=={env.get(dist)}.*") is False:
            return False
    return True


def runtime_markdown(rule, versions) -> str:
    """The rule's symptoms seen on versions the project may run on (all when none or unknown)."""
    symptoms = list(rule.symptoms)
    if not symptoms:
        return f"**At runtime:** {rule.no_runtime_symptom}" if rule.no_runtime_symptom else ""
    here = _describe(versions)
    if versions is not None:
        matching = [
            s for s in symptoms
            if any(env is not None and _may_run(versions, env) for env in map(env_versions, s.envs))
        ]
    else:
        matching = []
    if matching:
        title = f"**At runtime** ({here}):" if here else "**At runtime:**"
        shown = matching
    else:
        title = "**At runtime** (seen on these versions):" if not here else (
            f"**At runtime** (seen on these versions; the project has {here}):"
        )
        shown = symptoms
    lines = [title] + [f"- {s.when}: `{s.output}`" for s in shown]
    return "\n".join(lines)


def _describe(versions) -> str:
    if versions is None:
        return ""
    described = []
    for dist, label in _SHOWN:
        info = versions.get(dist)
        if info is None:
            continue
        value = info.exact or info.spec
        if value:
            described.append(f"{label} {value}")
    return " · ".join(described)
