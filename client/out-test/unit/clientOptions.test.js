"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
const node_assert_1 = require("node:assert");
const node_test_1 = require("node:test");
const clientOptions_1 = require("../src/clientOptions");
const selector_1 = require("../src/selector");
const settings_1 = require("../src/settings");
(0, node_test_1.describe)('language client options', () => {
    (0, node_test_1.it)('start the resolved command in the workspace folder, adding to the environment', () => {
        const options = (0, clientOptions_1.serverOptionsFor)({ command: '/usr/bin/python3', args: ['-I', '/ext/bundled/tool/launch.py'], description: '' }, '/work/proj');
        node_assert_1.strict.deepEqual(options, {
            command: '/usr/bin/python3',
            args: ['-I', '/ext/bundled/tool/launch.py'],
            options: { cwd: '/work/proj', env: { PYTHONUNBUFFERED: '1' } },
        });
    });
    (0, node_test_1.it)('send the settings as initializationOptions and forward looplint.* changes', () => {
        const settings = (0, settings_1.readServerSettings)({ get: (k) => ({ select: ['UT'], unsafeFixes: true })[k], inspect: () => undefined });
        const options = (0, clientOptions_1.clientOptionsFor)(settings);
        node_assert_1.strict.deepEqual(options.initializationOptions, { settings });
        node_assert_1.strict.equal(options.initializationOptions.settings.unsafeFixes, true);
        node_assert_1.strict.deepEqual(options.synchronize, { configurationSection: 'looplint' });
        node_assert_1.strict.equal(clientOptions_1.CLIENT_ID, 'looplint');
    });
    (0, node_test_1.it)('cover Python files and the configuration files whatever their language', () => {
        const options = (0, clientOptions_1.clientOptionsFor)((0, settings_1.readServerSettings)({ get: () => undefined, inspect: () => undefined }));
        node_assert_1.strict.deepEqual(options.documentSelector, selector_1.DOCUMENT_SELECTOR);
        node_assert_1.strict.ok(selector_1.DOCUMENT_SELECTOR.some((f) => 'language' in f && f.language === 'python' && f.scheme === 'file'));
        const patterns = selector_1.DOCUMENT_SELECTOR.flatMap((f) => ('pattern' in f ? [f.pattern] : []));
        node_assert_1.strict.deepEqual(patterns, ['**/{pyproject.toml,pytest.ini,pytest.toml,setup.cfg,tox.ini}']);
        // A pattern filter must not also carry a language, or e.g. an untyped setup.cfg would be missed.
        node_assert_1.strict.ok(selector_1.DOCUMENT_SELECTOR.every((f) => !('pattern' in f) || !('language' in f)));
        node_assert_1.strict.deepEqual([...selector_1.CONFIG_FILES], ['pyproject.toml', 'pytest.ini', 'pytest.toml', 'setup.cfg', 'tox.ini']);
    });
});
