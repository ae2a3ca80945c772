"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
const node_assert_1 = require("node:assert");
const node_test_1 = require("node:test");
const settings_1 = require("../src/settings");
/** A configuration with separate effective (workspace-merged) and user-level values. */
function config(effective, user = {}) {
    return {
        get: (key) => effective[key],
        inspect: (key) => ({ globalValue: user[key] }),
    };
}
(0, node_test_1.describe)('readLaunchSettings', () => {
    (0, node_test_1.it)('takes the effective values in a trusted workspace', () => {
        const launch = (0, settings_1.readLaunchSettings)(config({ path: ' /opt/looplint ', interpreter: '/venv/bin/python', importStrategy: 'fromEnvironment' }), true);
        node_assert_1.strict.deepEqual(launch, { path: '/opt/looplint', interpreter: '/venv/bin/python', importStrategy: 'fromEnvironment' });
    });
    (0, node_test_1.it)('defaults to the bundled server and no explicit interpreter', () => {
        node_assert_1.strict.deepEqual((0, settings_1.readLaunchSettings)(config({}), true), { path: '', interpreter: '', importStrategy: 'useBundled' });
        node_assert_1.strict.equal((0, settings_1.readLaunchSettings)(config({ importStrategy: 'bogus' }), true).importStrategy, 'useBundled');
    });
    (0, node_test_1.it)('ignores workspace-chosen programs in an untrusted workspace', () => {
        // The workspace sets all three; the user set only an interpreter.
        const effective = { path: './evil', interpreter: './evil-python', importStrategy: 'fromEnvironment' };
        const launch = (0, settings_1.readLaunchSettings)(config(effective, { interpreter: '/usr/bin/python3.12' }), false);
        node_assert_1.strict.deepEqual(launch, { path: '', interpreter: '/usr/bin/python3.12', importStrategy: 'useBundled' });
    });
    (0, node_test_1.it)('ignores even a user-level looplint.path when untrusted (the bundled server is used)', () => {
        const launch = (0, settings_1.readLaunchSettings)(config({ path: '/usr/local/bin/looplint' }, { path: '/usr/local/bin/looplint' }), false);
        node_assert_1.strict.equal(launch.path, '');
        node_assert_1.strict.equal(launch.interpreter, '');
    });
});
(0, node_test_1.describe)('readServerSettings', () => {
    (0, node_test_1.it)('has defaults that defer to the project configuration', () => {
        node_assert_1.strict.deepEqual((0, settings_1.readServerSettings)(config({})), {
            enable: true,
            select: null,
            ignore: null,
            severity: {},
            asyncTestBases: [],
            asyncTestDecorators: [],
            logLevel: 'info',
            unsafeFixes: false,
        });
    });
    (0, node_test_1.it)('passes valid values through and drops malformed ones', () => {
        const settings = (0, settings_1.readServerSettings)(config({
            enable: false,
            select: ['UT', ' CO001 ', '', 7],
            ignore: [],
            severity: { UT001: 'warning', CO001: 'fatal', LP003: 3 },
            asyncTestBases: ['myproject.testing.AsyncCase'],
            asyncTestDecorators: 'not-a-list',
            logLevel: 'debug',
            unsafeFixes: true,
        }));
        node_assert_1.strict.deepEqual(settings, {
            enable: false,
            select: ['UT', 'CO001'],
            ignore: [],
            severity: { UT001: 'warning' },
            asyncTestBases: ['myproject.testing.AsyncCase'],
            asyncTestDecorators: [],
            logLevel: 'debug',
            unsafeFixes: true,
        });
        node_assert_1.strict.equal((0, settings_1.readServerSettings)(config({ logLevel: 'verbose' })).logLevel, 'info');
    });
    (0, node_test_1.it)('wraps them as initializationOptions.settings', () => {
        const settings = (0, settings_1.readServerSettings)(config({ select: ['UT001'] }));
        node_assert_1.strict.deepEqual((0, settings_1.initializationOptions)(settings), { settings });
    });
});
(0, node_test_1.describe)('expandPath', () => {
    const vars = { workspaceFolder: '/work/proj', userHome: '/home/me' };
    (0, node_test_1.it)('expands ~, ${userHome} and ${workspaceFolder}', () => {
        node_assert_1.strict.equal((0, settings_1.expandPath)('~/venvs/a/bin/python', vars), '/home/me/venvs/a/bin/python');
        node_assert_1.strict.equal((0, settings_1.expandPath)('${workspaceFolder}/.venv/bin/python', vars), '/work/proj/.venv/bin/python');
        node_assert_1.strict.equal((0, settings_1.expandPath)('${userHome}/x', vars), '/home/me/x');
        node_assert_1.strict.equal((0, settings_1.expandPath)('/abs/~/x', vars), '/abs/~/x');
    });
    (0, node_test_1.it)('leaves ${workspaceFolder} alone when there is no folder', () => {
        node_assert_1.strict.equal((0, settings_1.expandPath)('${workspaceFolder}/py', { userHome: '/h' }), '${workspaceFolder}/py');
    });
});
