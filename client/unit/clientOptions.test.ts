import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { CLIENT_ID, clientOptionsFor, serverOptionsFor } from '../src/clientOptions';
import { CONFIG_FILES, DOCUMENT_SELECTOR } from '../src/selector';
import { readServerSettings } from '../src/settings';

describe('language client options', () => {
  it('start the resolved command in the workspace folder, adding to the environment', () => {
    const options = serverOptionsFor({ command: '/usr/bin/python3', args: ['-I', '/ext/bundled/tool/launch.py'], description: '' }, '/work/proj');
    assert.deepEqual(options, {
      command: '/usr/bin/python3',
      args: ['-I', '/ext/bundled/tool/launch.py'],
      options: { cwd: '/work/proj', env: { PYTHONUNBUFFERED: '1' } },
    });
  });

  it('send the settings as initializationOptions and forward looplint.* changes', () => {
    const settings = readServerSettings({ get: (k) => ({ select: ['UT'], unsafeFixes: true })[k], inspect: () => undefined });
    const options = clientOptionsFor(settings);
    assert.deepEqual(options.initializationOptions, { settings });
    assert.equal(options.initializationOptions.settings.unsafeFixes, true);
    assert.deepEqual(options.synchronize, { configurationSection: 'looplint' });
    assert.equal(CLIENT_ID, 'looplint');
  });

  it('cover Python files and the configuration files whatever their language', () => {
    const options = clientOptionsFor(readServerSettings({ get: () => undefined, inspect: () => undefined }));
    assert.deepEqual(options.documentSelector, DOCUMENT_SELECTOR);
    assert.ok(DOCUMENT_SELECTOR.some((f) => 'language' in f && f.language === 'python' && f.scheme === 'file'));
    const patterns = DOCUMENT_SELECTOR.flatMap((f) => ('pattern' in f ? [f.pattern] : []));
    assert.deepEqual(patterns, ['**/{pyproject.toml,pytest.ini,pytest.toml,setup.cfg,tox.ini}']);
    // A pattern filter must not also carry a language, or e.g. an untyped setup.cfg would be missed.
    assert.ok(DOCUMENT_SELECTOR.every((f) => !('pattern' in f) || !('language' in f)));
    assert.deepEqual([...CONFIG_FILES], ['pyproject.toml', 'pytest.ini', 'pytest.toml', 'setup.cfg', 'tox.ini']);
  });
});
