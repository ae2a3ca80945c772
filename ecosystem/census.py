"""Which files of a project are test files (what the ecosystem report counts).

A *test module* is a file that pytest or unittest collects by default:
``test*.py`` (unittest's discovery pattern, which covers pytest's
``test_*.py``) or ``*_test.py`` (pytest's other default). A *support module*
is any other non-empty ``.py`` file inside the project's test folders:
``conftest.py``, base classes, helpers, fixtures, test apps. Empty
``__init__.py`` files are not counted.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Census:
    test_modules: int
    support_modules: int

    @property
    def total(self) -> int:
        return self.test_modules + self.support_modules


def is_test_module(name: str) -> bool:
    return name.endswith(".py") and (name.startswith("test") or name.endswith("_test.py"))


def test_files(root: Path, folders: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """(test modules, support modules) under ``folders`` of ``root``, as paths relative to ``root``."""
    tests: set[str] = set()
    support: set[str] = set()
    for folder in _expand(root, folders):
        start = root / folder
        if start.is_file():
            candidates = [start]
        elif start.is_dir():
            candidates = []
            for dirpath, dirnames, filenames in os.walk(start):
                dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d != "__pycache__")
                candidates.extend(Path(dirpath) / f for f in sorted(filenames) if f.endswith(".py"))
        else:
            raise FileNotFoundError(f"{root.name}: test folder {folder!r} does not exist")
        for path in candidates:
            rel = path.relative_to(root).as_posix()
            if is_test_module(path.name):
                tests.add(rel)
            elif path.name != "__init__.py" or _has_code(path):
                support.add(rel)
    return sorted(tests), sorted(support)


def _expand(root: Path, folders: tuple[str, ...]) -> list[str]:
    """Folders with glob patterns (``src/pkg/**/test``) expanded; a pattern must match something."""
    expanded: list[str] = []
    for folder in folders:
        if any(ch in folder for ch in "*?["):
            matches = sorted(p.relative_to(root).as_posix() for p in root.glob(folder) if p.is_dir() or p.suffix == ".py")
            if not matches:
                raise FileNotFoundError(f"{root.name}: test folder pattern {folder!r} matches nothing")
            expanded.extend(matches)
        else:
            expanded.append(folder)
    return expanded


def _has_code(path: Path) -> bool:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return any(line.strip() and not line.lstrip().startswith("#") for line in text.splitlines())


def census(root: Path, folders: tuple[str, ...]) -> Census:
    tests, support = test_files(root, folders)
    return Census(len(tests), len(support))
