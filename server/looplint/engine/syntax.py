"""Small facts about `ast` node classes that several fast walkers share."""

from __future__ import annotations

# The fields of a statement that hold statements (or except handlers and match cases, which do).
STATEMENT_LISTS = ("body", "orelse", "finalbody", "handlers", "cases")

CHILD_FIELDS: dict[type, tuple[str, ...]] = {}


def child_fields(cls: type) -> tuple[str, ...]:
    """The fields of a node class that may hold child nodes (`ctx` and `type_comment` never do)."""
    fields = CHILD_FIELDS.get(cls)
    if fields is None:
        fields = CHILD_FIELDS[cls] = tuple(f for f in cls._fields if f not in ("ctx", "type_comment"))
    return fields
