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

/** Settings that decide which process we start. Changing one of them means a restart. */
export interface LaunchSettings {
  /** A looplint executable (`looplint.path`), run as `<path> server`; '' when unset. */
  path: string;
  /** A Python interpreter (`looplint.interpreter`); '' when unset. */
  interpreter: string;
  importStrategy: ImportStrategy;
}

/** Settings the server itself understands; sent as `initializationOptions.settings`. */
export interface ServerSettings {
  enable: boolean;
  /** null: keep what the project's configuration selects. */
  select: string[] | null;
  ignore: string[] | null;
  severity: Record<string, Severity>;
  asyncTestBases: string[];
  asyncTestDecorators: string[];
  logLevel: LogLevel;
  unsafeFixes: boolean;
}

/** Keys whose change needs a new server process; the rest travel by didChangeConfiguration. */
export const RESTART_KEYS = ['path', 'interpreter', 'importStrategy'] as const;

const LOG_LEVELS: readonly LogLevel[] = ['error', 'warning', 'info', 'debug'];
const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];

function stringList(value: unknown): string[] | undefined {
  if (!Array.isArray(value)) {
    return undefined;
  }
  return value.filter((item): item is string => typeof item === 'string' && item.trim() !== '').map((s) => s.trim());
}

function nonEmptyString(value: unknown): string {
  return typeof value === 'string' ? value.trim() : '';
}

/**
 * The launch settings. In an untrusted workspace a workspace must not be able to make us run a
 * program of its choosing, so only user-level (global) values count there, `looplint.path` is
 * ignored entirely and the bundled server is always used.
 */
export function readLaunchSettings(config: ConfigView, trusted: boolean): LaunchSettings {
  if (!trusted) {
    return {
      path: '',
      interpreter: nonEmptyString(config.inspect('interpreter')?.globalValue),
      importStrategy: 'useBundled',
    };
  }
  const strategy = config.get('importStrategy');
  return {
    path: nonEmptyString(config.get('path')),
    interpreter: nonEmptyString(config.get('interpreter')),
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
  const logLevel = config.get('logLevel');
  return {
    enable: config.get('enable') !== false,
    select: stringList(config.get('select')) ?? null,
    ignore: stringList(config.get('ignore')) ?? null,
    severity,
    asyncTestBases: stringList(config.get('asyncTestBases')) ?? [],
    asyncTestDecorators: stringList(config.get('asyncTestDecorators')) ?? [],
    logLevel: typeof logLevel === 'string' && (LOG_LEVELS as readonly string[]).includes(logLevel) ? (logLevel as LogLevel) : 'info',
    unsafeFixes: config.get('unsafeFixes') === true,
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
