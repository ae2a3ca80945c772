// The contract in package.json: settings, commands, activation and trust declarations.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';

interface Manifest {
  name: string;
  publisher: string;
  main: string;
  activationEvents: string[];
  extensionDependencies?: string[];
  capabilities: { untrustedWorkspaces: { supported: string | boolean; restrictedConfigurations?: string[] } };
  contributes: {
    commands: Array<{ command: string; title: string; category?: string }>;
    configuration: { properties: Record<string, { description?: string; markdownDescription?: string; default?: unknown; enum?: string[] }> };
  };
}

const manifest = JSON.parse(fs.readFileSync(path.resolve(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as Manifest;
const properties = manifest.contributes.configuration.properties;

describe('package.json', () => {
  it('is the looplint extension, starting from the esbuild bundle', () => {
    assert.equal(manifest.name, 'looplint');
    assert.ok(manifest.publisher);
    assert.equal(manifest.main, './client/out/extension.js');
  });

  it('does not depend on the Python extension (it cannot be installed offline)', () => {
    assert.equal(manifest.extensionDependencies, undefined);
  });

  it('activates on Python and on every configuration file looplint reads', () => {
    assert.ok(manifest.activationEvents.includes('onLanguage:python'));
    for (const file of ['pyproject.toml', 'pytest.ini', 'pytest.toml', 'setup.cfg', 'tox.ini']) {
      assert.ok(manifest.activationEvents.includes(`workspaceContains:**/${file}`), file);
    }
  });

  it('contributes every setting, each described', () => {
    const expected = [
      'enable', 'select', 'extendSelect', 'ignore', 'exclude', 'severity', 'asyncTestBases', 'asyncTestDecorators',
      'configuration', 'configurationPreference', 'interpreter', 'path', 'importStrategy', 'logLevel', 'logFile',
      'unsafeFixes', 'lint.run', 'codeAction.fixViolation.enable', 'codeAction.disableRuleComment.enable',
      'diagnostics.scope', 'codeLens.enable', 'trace.server', 'target',
    ].map((k) => `looplint.${k}`);
    assert.deepEqual(Object.keys(properties).sort(), expected.sort());
    for (const [key, prop] of Object.entries(properties)) {
      assert.ok((prop.description ?? prop.markdownDescription ?? '').length > 20, `${key} needs a description`);
    }
    assert.equal(properties['looplint.importStrategy'].default, 'useBundled');
    assert.deepEqual(properties['looplint.logLevel'].enum, ['error', 'warning', 'info', 'debug']);
    assert.deepEqual(properties['looplint.configurationPreference'].enum, ['editorFirst', 'filesystemFirst', 'editorOnly']);
    assert.deepEqual(properties['looplint.lint.run'].enum, ['onType', 'onSave']);
    assert.deepEqual(properties['looplint.diagnostics.scope'].enum, ['openFiles', 'workspace']);
    assert.equal(properties['looplint.diagnostics.scope'].default, 'openFiles');
    // ruff-vscode's form: a list tried in order (one string still accepted).
    assert.deepEqual(properties['looplint.interpreter'].default, []);
    assert.deepEqual(properties['looplint.path'].default, []);
  });

  it('contributes Restart Server, Show Logs, Fix All in File and Check Workspace', () => {
    const titles = Object.fromEntries(manifest.contributes.commands.map((c) => [c.command, c.title]));
    assert.deepEqual(titles, {
      'looplint.restart': 'Restart Server',
      'looplint.showLogs': 'Show Logs',
      'looplint.fixAll': 'Fix All in File',
      'looplint.checkWorkspace': 'Check Workspace',
    });
  });

  it('limits untrusted workspaces and restricts the settings that choose a program', () => {
    const untrusted = manifest.capabilities.untrustedWorkspaces;
    assert.equal(untrusted.supported, 'limited');
    assert.deepEqual(untrusted.restrictedConfigurations, ['looplint.path', 'looplint.interpreter', 'looplint.importStrategy']);
  });
});
