"""What a name can resolve to, across the project and beyond it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True, slots=True)
class External:
    """A name outside the project (stdlib or third-party), by canonical qualified name."""

    qualname: str


@dataclass(frozen=True, slots=True)
class ProjectModule:
    path: Path  # the module file (`__init__.py` for a package)


@dataclass(frozen=True, slots=True)
class ProjectNamespace:
    """A directory package without `__init__.py`."""

    path: Path


@dataclass(frozen=True, slots=True)
class ProjectClass:
    path: Path
    name: str


@dataclass(frozen=True, slots=True)
class ProjectFunction:
    path: Path
    name: str
    class_name: str | None = None  # set for methods


@dataclass(frozen=True, slots=True)
class Instance:
    """A module-level or attribute value created by calling `of` (a class or factory).

    `bare` is set only when the creating call was seen and has no argument
    that changes the types of the instance's members (a mock's `spec`,
    `spec_set`, `wraps`): only then are an AsyncMock's children AsyncMocks.
    """

    of: "Symbol"
    bare: bool = field(default=False, compare=False)


@dataclass(frozen=True, slots=True)
class Ambiguous:
    """A name bound differently on different paths (try/except imports, if/else)."""

    options: tuple["Symbol", ...]


Symbol = External | ProjectModule | ProjectNamespace | ProjectClass | ProjectFunction | Instance | Ambiguous | None


def options_of(symbol: Symbol) -> tuple[Symbol, ...]:
    return symbol.options if isinstance(symbol, Ambiguous) else (symbol,)
