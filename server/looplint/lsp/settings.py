"""The editor settings (`looplint.*`) and how they map onto the engine.

The keys are shared with the VS Code client (`client/src/settings.ts`) and
documented in docs/editors.md: keep them exactly. Nested keys (`lint.run`) may
come nested (`{"lint": {"run": ...}}`, as VS Code sends them) or dotted.

    enable                       bool               false: report nothing
    select                       list | null        replaces the project's `select`
    extendSelect                 list               added to the selection
    ignore                       list | null        replaces the project's `ignore`
    exclude                      list | null        replaces the project's `exclude` (globs)
    severity                     {code: level}      on top of the project's `severity`
    asyncTestBases               list               added to the project's `async-test-bases`
    asyncTestDecorators          list               added to the project's `async-test-decorators`
    configuration                path | null        a config file used instead of the project's [tool.looplint]
    configurationPreference      editorFirst|filesystemFirst|editorOnly
    logLevel                     error|warning|info|debug
    logFile                      path | null        also write the log to this file
    unsafeFixes                  bool               `source.fixAll.looplint` also applies unsafe fixes
    lint.run                     onType|onSave      when open files are checked
    codeAction.fixViolation.enable      bool        offer the rules' fixes as quick fixes
    codeAction.disableRuleComment.enable bool       offer "suppress on this line"
    diagnostics.scope            openFiles|workspace    which files get diagnostics
    codeLens.enable              bool               "N async tests never run" lenses on test classes
    hover.includeMessage         bool | null        repeat the message in the hover (null: unless the client shows it)
    target                       {name: version}    check as if installed (the upgrade view), on top of the project's `target`

Values of the wrong type are ignored (with a warning in the log), never fatal:
a typo in an editor's settings must not take the server down.
"""

from __future__ import annotations

import logging
import os
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..engine.settings import ConfigError, Settings, load_settings, parse_target

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib
from ..engine.workspace import Overrides

log = logging.getLogger("looplint.lsp")

SEVERITIES = ("error", "warning", "info")
LOG_LEVELS = ("error", "warning", "info", "debug")
PREFERENCES = ("editorFirst", "filesystemFirst", "editorOnly")
RUN_MODES = ("onType", "onSave")
SCOPES = ("openFiles", "workspace")

# Top-level keys of a `looplint` settings object: how `extract_section` recognises one.
KEYS = (
    "enable", "select", "extendSelect", "ignore", "exclude", "severity", "asyncTestBases", "asyncTestDecorators",
    "configuration", "configurationPreference", "logLevel", "logFile", "unsafeFixes", "lint", "codeAction",
    "diagnostics", "codeLens", "hover", "target",
)


@dataclass(frozen=True)
class ServerSettings:
    enable: bool = True
    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] | None = None
    exclude: tuple[str, ...] | None = None
    severity: dict[str, str] = field(default_factory=dict)
    async_test_bases: tuple[str, ...] = ()
    async_test_decorators: tuple[str, ...] = ()
    configuration: str | None = None
    configuration_preference: str = "editorFirst"
    log_level: str = "info"
    log_file: str | None = None
    unsafe_fixes: bool = False
    lint_run: str = "onType"
    fix_actions: bool = True
    suppress_actions: bool = True
    diagnostics_scope: str = "openFiles"
    code_lens: bool = True
    hover_include_message: bool | None = None
    target: tuple[tuple[str, str], ...] = ()

    @classmethod
    def from_dict(cls, raw: Any, base: "ServerSettings | None" = None) -> "ServerSettings":
        """Settings from a `looplint` settings object; missing keys keep `base`'s values."""
        base = base or cls()
        if not isinstance(raw, dict):
            return base
        values: dict[str, Any] = {}
        for spec in _SPECS:
            present, value = _lookup(raw, spec.key)
            if not present:
                continue
            parsed = spec.parse(value)
            if parsed is _KEPT:
                continue
            if parsed is _BAD:
                log.warning("setting looplint.%s: expected %s, got %r (ignored)", spec.key, spec.expected, value)
            else:
                values[spec.attr] = parsed
        return replace(base, **values)

    def overrides(self) -> "EditorOverrides":
        """The engine overrides: editor values on top of `[tool.looplint]`, as the preference says."""
        return EditorOverrides(
            select=self.select,
            extend_select=self.extend_select,
            ignore=self.ignore or (),
            replace_ignore=self.ignore is not None,
            severity=dict(self.severity),
            async_test_bases=self.async_test_bases,
            async_test_decorators=self.async_test_decorators,
            enabled=self.enable,
            exclude=self.exclude,
            configuration=expand_path(self.configuration) if self.configuration else None,
            preference=self.configuration_preference,
            target=self.target,
        )


    def in_folder(self, folder: Path | None) -> "ServerSettings":
        """`configuration` for a workspace folder: `${workspaceFolder}` expanded, a relative path
        taken from the folder."""
        if not self.configuration or folder is None:
            return self
        value = expand_path(self.configuration.replace("${workspaceFolder}", str(folder)))
        return replace(self, configuration=str(folder / value) if not os.path.isabs(value) else value)


def expand_path(value: str) -> str:
    """`~` and environment variables expanded, as ruff does for its path settings."""
    return os.path.expandvars(os.path.expanduser(value))


# -- reading the settings object ------------------------------------------------------------------

_BAD = object()
_KEPT = object()  # a bad value whose problem is already in the log: the previous value stays


@dataclass(frozen=True)
class _Spec:
    key: str  # as the editor spells it (dotted for nested keys)
    attr: str
    kind: str  # bool | codes | names | globs | severity | choice | path | target
    nullable: bool = False
    choices: tuple[str, ...] = ()

    @property
    def expected(self) -> str:
        return {
            "bool": "true or false",
            "severity": 'an object like {"UT001": "warning"}',
            "choice": " or ".join(self.choices),
            "path": "a path",
            "target": 'an object like {"python": "3.14", "pytest-asyncio": "1.3"}',
        }.get(self.kind, "a list of strings")

    def parse(self, value: Any) -> Any:
        if value is None and (self.nullable or self.kind in ("names", "codes", "severity")):
            return None if self.nullable else ({} if self.kind == "severity" else ())
        if self.kind == "bool":
            return value if isinstance(value, bool) else _BAD
        if self.kind == "choice":
            return value if value in self.choices else _BAD
        if self.kind == "path":
            return value.strip() or None if isinstance(value, str) else _BAD
        if self.kind == "severity":
            return _severity(value)
        if self.kind == "target":
            return _target(value)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return _BAD
        cleaned = tuple(v.strip() for v in value if v.strip())
        return tuple(c.upper() for c in cleaned) if self.kind == "codes" else cleaned


def _target(value: Any) -> Any:
    if value is None:
        return ()
    try:
        return parse_target(value)
    except ValueError as exc:
        log.warning("setting looplint.target: %s (ignored)", exc)
        return _KEPT


def _severity(value: Any) -> Any:
    if not isinstance(value, dict):
        return _BAD
    good = {}
    for code, level in value.items():
        if isinstance(code, str) and level in SEVERITIES:
            good[code.upper()] = level
        else:
            log.warning("setting looplint.severity: %r: %r is not one of %s (ignored)", code, level, SEVERITIES)
    return good


_SPECS = (
    _Spec("enable", "enable", "bool"),
    _Spec("select", "select", "codes", nullable=True),
    _Spec("extendSelect", "extend_select", "codes"),
    _Spec("ignore", "ignore", "codes", nullable=True),
    _Spec("exclude", "exclude", "globs", nullable=True),
    _Spec("severity", "severity", "severity"),
    _Spec("asyncTestBases", "async_test_bases", "names"),
    _Spec("asyncTestDecorators", "async_test_decorators", "names"),
    _Spec("configuration", "configuration", "path", nullable=True),
    _Spec("configurationPreference", "configuration_preference", "choice", choices=PREFERENCES),
    _Spec("logLevel", "log_level", "choice", choices=LOG_LEVELS),
    _Spec("logFile", "log_file", "path", nullable=True),
    _Spec("unsafeFixes", "unsafe_fixes", "bool"),
    _Spec("lint.run", "lint_run", "choice", choices=RUN_MODES),
    _Spec("codeAction.fixViolation.enable", "fix_actions", "bool"),
    _Spec("codeAction.disableRuleComment.enable", "suppress_actions", "bool"),
    _Spec("diagnostics.scope", "diagnostics_scope", "choice", choices=SCOPES),
    _Spec("codeLens.enable", "code_lens", "bool"),
    _Spec("hover.includeMessage", "hover_include_message", "bool", nullable=True),
    _Spec("target", "target", "target"),
)


def _lookup(raw: dict, dotted: str) -> tuple[bool, Any]:
    """(present, value) of a key given nested (`{"lint": {"run": ...}}`) or dotted (`"lint.run"`)."""
    if dotted in raw:
        return True, raw[dotted]
    node: Any = raw
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            return False, None
        node = node[part]
    return True, node


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
    if any(key.split(".")[0] in KEYS for key in payload):
        return payload
    return None


# -- layering the editor's settings over the project's configuration --------------------------------


@dataclass
class EditorOverrides(Overrides):
    """The editor's settings as engine overrides, layered like ruff's server does.

    Three sources, per key: the specific editor settings (`select`, `ignore`, ...),
    the file named by `configuration`, and the project's own `[tool.looplint]`.
    `editorFirst`: specific settings, then the `configuration` file, then the
    project's file. `filesystemFirst`: the project's file first. `editorOnly`:
    the project's file is not read. Lists that add (`extendSelect`, the async
    bases and decorators) and `severity` (merged per code) combine all sources.
    """

    exclude: tuple[str, ...] | None = None
    configuration: str | None = None
    preference: str = "editorFirst"

    def apply(self, settings: Settings) -> Settings:
        project = Settings() if self.preference == "editorOnly" else settings
        project_keys = set() if self.preference == "editorOnly" else given_fields(settings)
        editor = self._configuration_layer()
        configured_severity = editor.pop("severity", {})
        editor.update(self._specific_layer())
        editor_severity = {**configured_severity, **self.severity}  # merged per code
        if self.preference == "filesystemFirst":
            chosen = {name: value for name, value in editor.items() if name not in project_keys}
            severity = {**editor_severity, **project.severity}
        else:
            chosen = editor
            severity = {**project.severity, **editor_severity}
        result = replace(project, **chosen)
        return replace(
            result,
            select=tuple(result.select) + tuple(self.extend_select),
            severity=severity,
            async_test_bases=tuple(result.async_test_bases) + tuple(self.async_test_bases),
            async_test_decorators=tuple(result.async_test_decorators) + tuple(self.async_test_decorators),
            enabled=self.enabled and project.enabled,
            config_path=settings.config_path,
            target=tuple({**dict(result.target), **dict(self.target)}.items()),  # name by name
        )

    def _specific_layer(self) -> dict[str, Any]:
        layer: dict[str, Any] = {}
        if self.select is not None:
            layer["select"] = tuple(self.select)
        if self.replace_ignore:
            layer["ignore"] = tuple(self.ignore)
        if self.exclude is not None:
            layer["exclude"] = tuple(self.exclude)
        return layer

    def _configuration_layer(self) -> dict[str, Any]:
        """The keys the `configuration` file sets (nothing when unset or unusable)."""
        if not self.configuration:
            return {}
        path = Path(self.configuration)
        try:
            from ..rules import all_rules

            loaded = load_settings(path, [rule.code for rule in all_rules()]) if path.is_file() else None
        except ConfigError as exc:
            log.warning("looplint.configuration: %s (file ignored)", exc)
            return {}
        if loaded is None:
            log.warning("looplint.configuration: %s is not a file (ignored)", path)
            return {}
        return {name: getattr(loaded, name) for name in given_fields(loaded)}


# The `[tool.looplint]` keys and the Settings fields they set.
_KEY_FIELDS = {
    "select": "select",
    "extend-select": "select",
    "ignore": "ignore",
    "per-file-ignores": "per_file_ignores",
    "severity": "severity",
    "exclude": "exclude",
    "extend-exclude": "exclude",
    "async-test-bases": "async_test_bases",
    "async-test-decorators": "async_test_decorators",
    "python-version": "python_version",
}


def given_fields(settings: Settings) -> set[str]:
    """The Settings fields that the file `settings` came from sets (not the defaults it leaves)."""
    path = settings.config_path
    if path is None:
        return set()
    try:
        data = tomllib.loads(path.read_bytes().decode("utf-8-sig"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return set()
    table = data.get("tool", {}).get("looplint") if isinstance(data.get("tool"), dict) else None
    if table is None and path.name != "pyproject.toml":
        table = data
    if not isinstance(table, dict):
        return set()
    return {_KEY_FIELDS[key] for key in table if key in _KEY_FIELDS}
