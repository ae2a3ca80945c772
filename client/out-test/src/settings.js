"use strict";
// Reading the `looplint.*` settings. Pure: no `vscode` import, so the unit tests can feed it
// any configuration (trusted or not) through the small `ConfigView` interface below.
Object.defineProperty(exports, "__esModule", { value: true });
exports.RESTART_KEYS = exports.SECTION = void 0;
exports.readLaunchSettings = readLaunchSettings;
exports.readServerSettings = readServerSettings;
exports.initializationOptions = initializationOptions;
exports.expandPath = expandPath;
exports.SECTION = 'looplint';
/** Keys whose change needs a new server process; the rest travel by didChangeConfiguration. */
exports.RESTART_KEYS = ['path', 'interpreter', 'importStrategy'];
const LOG_LEVELS = ['error', 'warning', 'info', 'debug'];
const SEVERITIES = ['error', 'warning', 'info'];
function stringList(value) {
    if (!Array.isArray(value)) {
        return undefined;
    }
    return value.filter((item) => typeof item === 'string' && item.trim() !== '').map((s) => s.trim());
}
function nonEmptyString(value) {
    return typeof value === 'string' ? value.trim() : '';
}
/**
 * The launch settings. In an untrusted workspace a workspace must not be able to make us run a
 * program of its choosing, so only user-level (global) values count there, `looplint.path` is
 * ignored entirely and the bundled server is always used.
 */
function readLaunchSettings(config, trusted) {
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
function readServerSettings(config) {
    const severity = {};
    const rawSeverity = config.get('severity');
    if (rawSeverity && typeof rawSeverity === 'object' && !Array.isArray(rawSeverity)) {
        for (const [code, level] of Object.entries(rawSeverity)) {
            if (typeof level === 'string' && SEVERITIES.includes(level)) {
                severity[code] = level;
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
        logLevel: typeof logLevel === 'string' && LOG_LEVELS.includes(logLevel) ? logLevel : 'info',
        unsafeFixes: config.get('unsafeFixes') === true,
    };
}
function initializationOptions(settings) {
    return { settings };
}
/** Expands `${workspaceFolder}`, `${userHome}` and a leading `~` in a path setting. */
function expandPath(value, vars) {
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
