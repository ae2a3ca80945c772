import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { ConfigView, expandPath, initializationOptions, readLaunchSettings, readServerSettings } from '../src/settings';

/** A configuration with separate effective (workspace-merged) and user-level values. */
function config(effective: Record<string, unknown>, user: Record<string, unknown> = {}): ConfigView {
  return {
    get: (key) => effective[key],
    inspect: (key) => ({ globalValue: user[key] }),
  };
}

describe('readLaunchSettings', () => {
  it('takes the effective values in a trusted workspace', () => {
    const launch = readLaunchSettings(
      config({ path: ' /opt/looplint ', interpreter: '/venv/bin/python', importStrategy: 'fromEnvironment' }),
      true,
    );
    assert.deepEqual(launch, { path: ['/opt/looplint'], interpreter: ['/venv/bin/python'], importStrategy: 'fromEnvironment' });
  });

  it('defaults to the bundled server and no explicit interpreter', () => {
    assert.deepEqual(readLaunchSettings(config({}), true), { path: [], interpreter: [], importStrategy: 'useBundled' });
    assert.equal(readLaunchSettings(config({ importStrategy: 'bogus' }), true).importStrategy, 'useBundled');
  });

  it('ignores workspace-chosen programs in an untrusted workspace', () => {
    // The workspace sets all three; the user set only an interpreter.
    const effective = { path: './evil', interpreter: './evil-python', importStrategy: 'fromEnvironment' };
    const launch = readLaunchSettings(config(effective, { interpreter: '/usr/bin/python3.12' }), false);
    assert.deepEqual(launch, { path: [], interpreter: ['/usr/bin/python3.12'], importStrategy: 'useBundled' });
  });

  it('ignores even a user-level looplint.path when untrusted (the bundled server is used)', () => {
    const launch = readLaunchSettings(config({ path: '/usr/local/bin/looplint' }, { path: '/usr/local/bin/looplint' }), false);
    assert.deepEqual(launch.path, []);
    assert.deepEqual(launch.interpreter, []);
  });

  it('takes a list tried in order, or one string (the older form)', () => {
    const launch = readLaunchSettings(config({ path: ['/a/looplint', ' ', '/b/looplint'], interpreter: ['~/py', 3, '/usr/bin/python3'] }), true);
    assert.deepEqual(launch.path, ['/a/looplint', '/b/looplint']);
    assert.deepEqual(launch.interpreter, ['~/py', '/usr/bin/python3']);
    assert.deepEqual(readLaunchSettings(config({ interpreter: '' }), true).interpreter, []);
  });
});

const DEFAULTS = {
  enable: true,
  select: null,
  extendSelect: [],
  ignore: null,
  exclude: null,
  severity: {},
  asyncTestBases: [],
  asyncTestDecorators: [],
  configuration: null,
  configurationPreference: 'editorFirst',
  logLevel: 'info',
  logFile: null,
  unsafeFixes: false,
  lint: { run: 'onType' },
  codeAction: { fixViolation: { enable: true }, disableRuleComment: { enable: true } },
  diagnostics: { scope: 'openFiles' },
  codeLens: { enable: true },
  target: {},
};

describe('readServerSettings', () => {
  it('has defaults that defer to the project configuration', () => {
    assert.deepEqual(readServerSettings(config({})), DEFAULTS);
  });

  it('passes valid values through and drops malformed ones', () => {
    const settings = readServerSettings(
      config({
        enable: false,
        select: ['UT', ' CO001 ', '', 7],
        ignore: [],
        severity: { UT001: 'warning', CO001: 'fatal', LP003: 3 },
        asyncTestBases: ['myproject.testing.AsyncCase'],
        asyncTestDecorators: 'not-a-list',
        logLevel: 'debug',
        unsafeFixes: true,
      }),
    );
    assert.deepEqual(settings, {
      ...DEFAULTS,
      enable: false,
      select: ['UT', 'CO001'],
      ignore: [],
      severity: { UT001: 'warning' },
      asyncTestBases: ['myproject.testing.AsyncCase'],
      asyncTestDecorators: [],
      logLevel: 'debug',
      unsafeFixes: true,
    });
    assert.equal(readServerSettings(config({ logLevel: 'verbose' })).logLevel, 'info');
  });

  it('reads the ruff-vscode settings, nested the way the server reads them', () => {
    const settings = readServerSettings(
      config({
        extendSelect: ['LP'],
        exclude: ['tests/legacy/**'],
        configuration: ' ~/team/looplint.toml ',
        configurationPreference: 'filesystemFirst',
        logFile: '/tmp/looplint.log',
        'lint.run': 'onSave',
        'codeAction.fixViolation.enable': false,
        'codeAction.disableRuleComment.enable': false,
        'diagnostics.scope': 'workspace',
        'codeLens.enable': false,
      }),
    );
    assert.deepEqual(settings, {
      ...DEFAULTS,
      extendSelect: ['LP'],
      exclude: ['tests/legacy/**'],
      configuration: '~/team/looplint.toml',
      configurationPreference: 'filesystemFirst',
      logFile: '/tmp/looplint.log',
      lint: { run: 'onSave' },
      codeAction: { fixViolation: { enable: false }, disableRuleComment: { enable: false } },
      diagnostics: { scope: 'workspace' },
      codeLens: { enable: false },
    });
    const bad = readServerSettings(config({ configurationPreference: 'mine', 'lint.run': 'always', 'diagnostics.scope': 'all' }));
    assert.deepEqual([bad.configurationPreference, bad.lint.run, bad.diagnostics.scope], ['editorFirst', 'onType', 'openFiles']);
  });

  it('passes the upgrade target through, version strings only (the server checks names and versions)', () => {
    const settings = readServerSettings(config({ target: { python: ' 3.14 ', 'pytest-asyncio': '1.3', anyio: 4, pytest: '' } }));
    assert.deepEqual(settings.target, { python: '3.14', 'pytest-asyncio': '1.3' });
    assert.deepEqual(readServerSettings(config({ target: ['python=3.14'] })).target, {});
  });

  it('wraps them as initializationOptions.settings', () => {
    const settings = readServerSettings(config({ select: ['UT001'] }));
    assert.deepEqual(initializationOptions(settings), { settings });
  });
});

describe('expandPath', () => {
  const vars = { workspaceFolder: '/work/proj', userHome: '/home/me' };
  it('expands ~, ${userHome} and ${workspaceFolder}', () => {
    assert.equal(expandPath('~/venvs/a/bin/python', vars), '/home/me/venvs/a/bin/python');
    assert.equal(expandPath('${workspaceFolder}/.venv/bin/python', vars), '/work/proj/.venv/bin/python');
    assert.equal(expandPath('${userHome}/x', vars), '/home/me/x');
    assert.equal(expandPath('/abs/~/x', vars), '/abs/~/x');
  });
  it('leaves ${workspaceFolder} alone when there is no folder', () => {
    assert.equal(expandPath('${workspaceFolder}/py', { userHome: '/h' }), '${workspaceFolder}/py');
  });
});
