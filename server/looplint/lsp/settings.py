"""The editor settings (`looplint.*`) and how they map onto the engine.

The keys are shared with the VS Code client (`client/src/settings.ts`) and
documented in docs/editors.md: keep them exactly.

    enable               bool                   false: report nothing
    select               list | null            replaces the project's `select`
    ignore               list | null            replaces the project's `ignore`
    severity             {code: level}          on top of the project's `severity`
    asyncTestBases       list                   added to the project's `async-test-bases`
    asyncTestDecorators  list                   added to the project's `async-test-decorators`
    logLevel             error|warning|info|debug
    unsafeFixes          bool                   `source.fixAll.looplint` also applies unsafe fixes
    target               {name: version}        check as if installed, on top of the project's `target`

Values of the wrong type are ignored (with a warning in the log), never fatal:
a typo in an editor's settings must not take the server down.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from ..engine.settings import parse_target
from ..engine.workspace import Overrides

log = logging.getLogger("looplint.lsp")

SEVERITIES = ("error", "warning", "info")
LOG_LEVELS = ("error", "warning", "info", "debug")
KEYS = ("enable", "select", "ignore", "severity", "asyncTestBases", "asyncTestDecorators", "logLevel", "unsafeFixes",
        "target")


@dataclass(frozen=True)
class ServerSettings:
    enable: bool = True
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] | None = None
    severity: dict[str, str] = field(default_factory=dict)
    async_test_bases: tuple[str, ...] = ()
    async_test_decorators: tuple[str, ...] = ()
    log_level: str = "info"
    unsafe_fixes: bool = False
    target: tuple[tuple[str, str], ...] = ()

    @classmethod
    def from_dict(cls, raw: Any, base: "ServerSettings | None" = None) -> "ServerSettings":
        """Settings from a `looplint` settings object; missing keys keep `base`'s values."""
        base = base or cls()
        if not isinstance(raw, dict):
            return base
        values: dict[str, Any] = {}

        def warn(key: str, expected: str) -> None:
            log.warning("setting looplint.%s: expected %s, got %r (ignored)", key, expected, raw[key])

        if "enable" in raw:
            if isinstance(raw["enable"], bool):
                values["enable"] = raw["enable"]
            else:
                warn("enable", "true or false")
        for key, attr, nullable in (
            ("select", "select", True),
            ("ignore", "ignore", True),
            ("asyncTestBases", "async_test_bases", False),
            ("asyncTestDecorators", "async_test_decorators", False),
        ):
            if key not in raw:
                continue
            value = raw[key]
            if value is None:
                values[attr] = None if nullable else ()
            elif isinstance(value, list) and all(isinstance(v, str) for v in value):
                cleaned = tuple(v.strip() for v in value if v.strip())
                values[attr] = tuple(c.upper() for c in cleaned) if key in ("select", "ignore") else cleaned
            else:
                warn(key, "a list of strings")
        if "severity" in raw:
            value = raw["severity"]
            if isinstance(value, dict):
                good = {}
                for code, level in value.items():
                    if isinstance(code, str) and level in SEVERITIES:
                        good[code.upper()] = level
                    else:
                        log.warning("setting looplint.severity: %r: %r is not one of %s (ignored)", code, level, SEVERITIES)
                values["severity"] = good
            elif value is not None:
                warn("severity", 'an object like {"UT001": "warning"}')
        if "logLevel" in raw:
            if raw["logLevel"] in LOG_LEVELS:
                values["log_level"] = raw["logLevel"]
            else:
                warn("logLevel", " or ".join(LOG_LEVELS))
        if "unsafeFixes" in raw:
            if isinstance(raw["unsafeFixes"], bool):
                values["unsafe_fixes"] = raw["unsafeFixes"]
            else:
                warn("unsafeFixes", "true or false")
        if "target" in raw:
            try:
                values["target"] = parse_target(raw["target"] or {})
            except ValueError as exc:
                log.warning("setting looplint.target: %s (ignored)", exc)
        return ServerSettings(**{**base.__dict__, **values})

    def overrides(self) -> Overrides:
        """The engine overrides: editor values win over `[tool.looplint]` when they are given."""
        return Overrides(
            select=self.select,
            ignore=self.ignore or (),
            replace_ignore=self.ignore is not None,
            severity=dict(self.severity),
            async_test_bases=self.async_test_bases,
            async_test_decorators=self.async_test_decorators,
            target=self.target,
            enabled=self.enable,
        )


def extract_section(payload: Any) -> Any:
    """The `looplint` settings inside what clients send.

    `initializationOptions` is `{"settings": {...}}` (the VS Code client) or the
    settings themselves; `didChangeConfiguration` sends `{"looplint": {...}}`
    (VS Code) or sometimes the settings themselves (other clients).
    """
    if not isinstance(payload, dict):
        return None
    if isinstance(payload.get("settings"), dict):
        payload = payload["settings"]
    if isinstance(payload.get("looplint"), dict):
        return payload["looplint"]
    if any(key in payload for key in KEYS):
        return payload
    return None
