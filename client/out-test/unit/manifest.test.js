"use strict";
var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __setModuleDefault = (this && this.__setModuleDefault) || (Object.create ? (function(o, v) {
    Object.defineProperty(o, "default", { enumerable: true, value: v });
}) : function(o, v) {
    o["default"] = v;
});
var __importStar = (this && this.__importStar) || (function () {
    var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function (o) {
            var ar = [];
            for (var k in o) if (Object.prototype.hasOwnProperty.call(o, k)) ar[ar.length] = k;
            return ar;
        };
        return ownKeys(o);
    };
    return function (mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        __setModuleDefault(result, mod);
        return result;
    };
})();
Object.defineProperty(exports, "__esModule", { value: true });
// The contract in package.json: settings, commands, activation and trust declarations.
const node_assert_1 = require("node:assert");
const fs = __importStar(require("node:fs"));
const path = __importStar(require("node:path"));
const node_test_1 = require("node:test");
const manifest = JSON.parse(fs.readFileSync(path.resolve(__dirname, '..', '..', '..', 'package.json'), 'utf8'));
const properties = manifest.contributes.configuration.properties;
(0, node_test_1.describe)('package.json', () => {
    (0, node_test_1.it)('is the looplint extension, starting from the esbuild bundle', () => {
        node_assert_1.strict.equal(manifest.name, 'looplint');
        node_assert_1.strict.ok(manifest.publisher);
        node_assert_1.strict.equal(manifest.main, './client/out/extension.js');
    });
    (0, node_test_1.it)('does not depend on the Python extension (it cannot be installed offline)', () => {
        node_assert_1.strict.equal(manifest.extensionDependencies, undefined);
    });
    (0, node_test_1.it)('activates on Python and on every configuration file looplint reads', () => {
        node_assert_1.strict.ok(manifest.activationEvents.includes('onLanguage:python'));
        for (const file of ['pyproject.toml', 'pytest.ini', 'pytest.toml', 'setup.cfg', 'tox.ini']) {
            node_assert_1.strict.ok(manifest.activationEvents.includes(`workspaceContains:**/${file}`), file);
        }
    });
    (0, node_test_1.it)('contributes every setting, each described', () => {
        const expected = [
            'enable', 'select', 'ignore', 'severity', 'asyncTestBases', 'asyncTestDecorators',
            'interpreter', 'path', 'importStrategy', 'logLevel', 'unsafeFixes', 'trace.server',
        ].map((k) => `looplint.${k}`);
        node_assert_1.strict.deepEqual(Object.keys(properties).sort(), expected.sort());
        for (const [key, prop] of Object.entries(properties)) {
            node_assert_1.strict.ok((prop.description ?? prop.markdownDescription ?? '').length > 20, `${key} needs a description`);
        }
        node_assert_1.strict.equal(properties['looplint.importStrategy'].default, 'useBundled');
        node_assert_1.strict.deepEqual(properties['looplint.logLevel'].enum, ['error', 'warning', 'info', 'debug']);
    });
    (0, node_test_1.it)('contributes Restart Server, Show Logs and Fix All in File', () => {
        const titles = Object.fromEntries(manifest.contributes.commands.map((c) => [c.command, c.title]));
        node_assert_1.strict.deepEqual(titles, { 'looplint.restart': 'Restart Server', 'looplint.showLogs': 'Show Logs', 'looplint.fixAll': 'Fix All in File' });
    });
    (0, node_test_1.it)('limits untrusted workspaces and restricts the settings that choose a program', () => {
        const untrusted = manifest.capabilities.untrustedWorkspaces;
        node_assert_1.strict.equal(untrusted.supported, 'limited');
        node_assert_1.strict.deepEqual(untrusted.restrictedConfigurations, ['looplint.path', 'looplint.interpreter', 'looplint.importStrategy']);
    });
});
