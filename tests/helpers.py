"""Helpers shared by the test modules: building small projects on disk."""

from __future__ import annotations

import textwrap
from pathlib import Path

try:
    import tomllib  # type: ignore[import-not-found]
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]


def toml_value(value) -> str:
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f'"{k}" = {toml_value(v)}' for k, v in value.items()) + "}"
    return str(value)


def write_project(root: Path, files: dict[str, str], settings: dict | None = None) -> Path:
    """Write files under root; a pyproject.toml marks the root (with [tool.looplint] settings)."""
    root.mkdir(parents=True, exist_ok=True)
    for rel, content in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8")
    pyproject = root / "pyproject.toml"
    if settings:
        table = "\n".join(f"{key} = {toml_value(value)}" for key, value in settings.items())
        existing = pyproject.read_text() if pyproject.exists() else ""
        pyproject.write_text(existing + "\n[tool.looplint]\n" + table + "\n")
        tomllib.loads(pyproject.read_text())  # the test's own config must be valid TOML
    elif not pyproject.exists():
        pyproject.write_text("")
    return root


def dedent(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")
