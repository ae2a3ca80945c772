"""Reading the client's capabilities and lsprotocol values."""

from __future__ import annotations

from typing import Any


def capability(obj: Any, dotted: str) -> Any:
    """A nested client capability, None when any part is missing."""
    for part in dotted.split("."):
        obj = getattr(obj, part, None)
        if obj is None:
            return None
    return obj


def enum_value(item: Any) -> str:
    """The string of an lsprotocol string enum (str() of one gives its name) or of a plain string."""
    return str(getattr(item, "value", item))
