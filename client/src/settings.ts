// Reading the `looplint.*` settings. Pure: no `vscode` import, so the unit tests can feed it
// any configuration (trusted or not) through the small `ConfigView` interface below.

export const SECTION = 'looplint';

/** What `vscode.WorkspaceConfiguration` offers, reduced to what we use. */
export interface ConfigView {
  get(key: string): unknown;
  inspect(key: string): { defaultValue?: unknown; globalValue?: unknown } | undefined;
}

export type ImportStrategy = 'useBundled' | 'fromEnvironment';
export type Severity = 'error' | 'warning' | 'info';
export type LogLevel = 'error' | 'warning' | 'info' | 'debug';
export type ConfigurationPreference = 'editorFirst' | 'filesystemFirst' | 'editorOnly';
export type RunMode = 'onType' | 'onSave';
export type Scope = 'openFiles' | 'workspace';

/** Settings that decide which process we start. Changing one of them means a restart. */
export interface LaunchSettings {
  /** `looplint` executables (`looplint.path`), tried in order, run as `<path> server`; [] when unset. */
  path: string[];
  /** Python interpreters (`looplint.interpreter`), tried in order; [] when unset. */
  interpreter: string[];
  importStrategy: ImportStrategy;
}

/** Settings the server itself understands; sent as `initializationOptions.settings` (keys as the server reads them). */
export interface ServerSettings {
  enable: boolean;
  /** null: keep what the project's configuration selects. */
  select: string[] | null;
  extendSelect: string[];
  ignore: string[] | null;
  exclude: string[] | null;
  severity: Record<string, Severity>;
  asyncTestBases: string[];
  asyncTestDecorators: string[];
  /** A config file used instead of the project's `[tool.looplint]`; null: none. */
  configuration: string | null;
  configurationPreference: ConfigurationPreference;
  logLevel: LogLevel;
  logFile: string | null;
  unsafeFixes: boolean;
  lint: { run: RunMode };
  codeAction: { fixViolation: { enable: boolean }; disableRuleComment: { enable: boolean } };
  diagnostics: { scope: Scope };
  codeLens: { enable: boolean };
  /** Versions to check against (the upgrade view), e.g. `{python: '3.14'}`; the server validates them. */
  target: Record<string, string>;
}

/** Keys whose change needs a new server process; the rest travel by didChangeConfiguration. */
export const RESTART_KEYS = ['path', 'interpreter', 'importStrategy'] as const;

const LOG_LEVELS: readonly LogLevel[] = ['error', 'warning', 'info', 'debug'];
const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];
const PREFERENCES: readonly ConfigurationPreference[] = ['editorFirst', 'filesystemFirst', 'editorOnly'];
const RUN_MODES: readonly RunMode[] = ['onType', 'onSave'];
const SCOPES: readonly Scope[] = ['openFiles', 'workspace'];

function stringMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [name, version] of Object.entries(value as Record<string, unknown>)) {
      if (typeof version === 'string' && version.trim() !== '') {
        out[name] = version.trim();
      }
    }
  }
  return out;
}

function oneOf<T extends string>(value: unknown, choices: readonly T[], fallback: T): T {
  return typeof value === 'string' && (choices as readonly string[]).includes(value) ? (value as T) : fallback;
}

function stringList(value: unknown): string[] | undefined {
  if (!Array.isArray(value)) {
    return undefined;
  }
  return value.filter((item): item is string => typeof item === 'string' && item.trim() !== '').map((s) => s.trim());
}

/** A path setting that may be one string or a list tried in order (ruff-vscode's form): the non-empty entries. */
export function pathList(value: unknown): string[] {
  if (typeof value === 'string') {
    return value.trim() ? [value.trim()] : [];
  }
  return stringList(value) ?? [];
}

function optionalString(value: unknown): string | null {
  return typeof value === 'string' && value.trim() ? value.trim() : null;
}

function enabled(value: unknown): boolean {
  return value !== false;
}

/**
 * The launch settings. In an untrusted workspace a workspace must not be able to make us run a
 * program of its choosing, so only user-level (global) values count there, `looplint.path` is
 * ignored entirely and the bundled server is always used.
 */
export function readLaunchSettings(config: ConfigView, trusted: boolean): LaunchSettings {
  if (!trusted) {
    return {
      path: [],
      interpreter: pathList(config.inspect('interpreter')?.globalValue),
      importStrategy: 'useBundled',
    };
  }
  const strategy = config.get('importStrategy');
  return {
    path: pathList(config.get('path')),
    interpreter: pathList(config.get('interpreter')),
    importStrategy: strategy === 'fromEnvironment' ? 'fromEnvironment' : 'useBundled',
  };
}

export function readServerSettings(config: ConfigView): ServerSettings {
  const severity: Record<string, Severity> = {};
  const rawSeverity = config.get('severity');
  if (rawSeverity && typeof rawSeverity === 'object' && !Array.isArray(rawSeverity)) {
    for (const [code, level] of Object.entries(rawSeverity as Record<string, unknown>)) {
      if (typeof level === 'string' && (SEVERITIES as readonly string[]).includes(level)) {
        severity[code] = level as Severity;
      }
    }
  }
  return {
    enable: config.get('enable') !== false,
    select: stringList(config.get('select')) ?? null,
    extendSelect: stringList(config.get('extendSelect')) ?? [],
    ignore: stringList(config.get('ignore')) ?? null,
    exclude: stringList(config.get('exclude')) ?? null,
    severity,
    asyncTestBases: stringList(config.get('asyncTestBases')) ?? [],
    asyncTestDecorators: stringList(config.get('asyncTestDecorators')) ?? [],
    configuration: optionalString(config.get('configuration')),
    configurationPreference: oneOf(config.get('configurationPreference'), PREFERENCES, 'editorFirst'),
    logLevel: oneOf(config.get('logLevel'), LOG_LEVELS, 'info'),
    logFile: optionalString(config.get('logFile')),
    unsafeFixes: config.get('unsafeFixes') === true,
    lint: { run: oneOf(config.get('lint.run'), RUN_MODES, 'onType') },
    codeAction: {
      fixViolation: { enable: enabled(config.get('codeAction.fixViolation.enable')) },
      disableRuleComment: { enable: enabled(config.get('codeAction.disableRuleComment.enable')) },
    },
    diagnostics: { scope: oneOf(config.get('diagnostics.scope'), SCOPES, 'openFiles') },
    codeLens: { enable: enabled(config.get('codeLens.enable')) },
    target: stringMap(config.get('target')),
  };
}

export function initializationOptions(settings: ServerSettings): { settings: ServerSettings } {
  return { settings };
}

/** Expands `${workspaceFolder}`, `${userHome}` and a leading `~` in a path setting. */
export function expandPath(value: string, vars: { workspaceFolder?: string; userHome: string }): string {
  let out = value;
  if (out === '~' || out.startsWith('~/')) {
    out = vars.userHome + out.slice(1);
  }
  out = out.replace(/\$\{userHome\}/g, vars.userHome);
  if (vars.workspaceFolder !== undefined) {
    out = out.replace(/\$\{workspaceFolder\}/g, vars.workspaceFolder);
  }
  return out;
}
