// Checks this machine's packaged extension (dist/looplint-<target>-<version>.vsix, from
// `make vscode-package`, which passes it as LOOPLINT_VSIX): it holds what runs and nothing else,
// and its bundled server really works, from the unpacked .vsix, with each CPython minor version it
// was built for that is installed here. scripts/dist_check.py (make dist) checks every platform's; tests/dist/test_bundle_platforms.py one other.
import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { StdioLspClient } from './lib/lsp.mjs';
import { extractZip, listZip } from './lib/zip.mjs';

const VSIX = process.env.LOOPLINT_VSIX;
const VERSIONS = ['3.10', '3.11', '3.12', '3.13', '3.14', '3.15'];
const MAX_BYTES = 25e6; // about 14 MB today: a jump means something unintended got in

/** The allowed shapes of entry names; anything else is a packaging mistake. */
const ALLOWED = [
  /^\[Content_Types\]\.xml$/,
  /^extension\.vsixmanifest$/,
  /^extension\/package\.json$/,
  /^extension\/LICENSE\.txt$/,
  /^extension\/readme\.md$/,
  /^extension\/changelog\.md$/,
  /^extension\/client\/images\/icon\.png$/,
  /^extension\/client\/out\/extension\.js$/,
  /^extension\/bundled\/tool\/launch\.py$/,
  /^extension\/bundled\/libs\/bundle\.json$/,
  /^extension\/bundled\/libs\/(common|cp3\d+)\/.+/,
];

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** CPython `version` on this machine: pyenv's, `make pythons`' (3.14 and 3.15 from Debian sid,
 * scripts/provision_python.py), else the PATH's. */
function interpreterFor(version) {
  const provisioned = join(process.env.LOOPLINT_PYTHONS_DIR ?? join(REPO, '.cache', 'pythons'), 'bin', `python${version}`);
  if (existsSync(provisioned)) return provisioned;
  const versions = join(process.env.PYENV_ROOT ?? join(homedir(), '.pyenv'), 'versions');
  if (existsSync(versions)) {
    for (const dir of readdirSync(versions).filter((d) => d.startsWith(`${version}.`)).sort().reverse()) {
      const exe = join(versions, dir, 'bin', `python${version}`);
      if (existsSync(exe)) return exe;
    }
  }
  for (const dir of (process.env.PATH ?? '').split(':')) {
    const exe = join(dir, `python${version}`);
    if (existsSync(exe) && !dir.includes('shims')) return exe;
  }
  return undefined;
}

describe('the .vsix', () => {
  let names = [];
  let unpacked;

  before(() => {
    assert.ok(VSIX && existsSync(VSIX), `LOOPLINT_VSIX=${VSIX} is missing: run "make vscode-package"`);
    names = listZip(VSIX).entries.map((e) => e.name);
    unpacked = mkdtempSync(join(tmpdir(), 'looplint-vsix-'));
    extractZip(VSIX, unpacked);
  });

  after(() => {
    if (unpacked) rmSync(unpacked, { recursive: true, force: true });
  });

  it(`is smaller than ${MAX_BYTES / 1e6} MB`, () => {
    const bytes = statSync(VSIX).size;
    console.log(`# ${VSIX}: ${(bytes / 1e6).toFixed(1)} MB, ${names.length} files`);
    assert.ok(bytes < MAX_BYTES, `${bytes} bytes`);
  });

  it('holds only the manifest, the bundled client, the license, the readme and bundled/', () => {
    const unexpected = names.filter((n) => !ALLOWED.some((re) => re.test(n)));
    assert.deepEqual(unexpected, []);
    for (const forbidden of [/node_modules\//, /\.ts$/, /\.map$/, /__pycache__/, /\/tests?\//, /\/bin\//, /\.pyc$/]) {
      assert.deepEqual(names.filter((n) => forbidden.test(n)), [], `nothing may match ${forbidden}`);
    }
  });

  it('has the client bundle its manifest names, with vscode-languageclient inside', () => {
    const packaged = JSON.parse(readFileSync(join(unpacked, 'extension', 'package.json'), 'utf8'));
    const main = join(unpacked, 'extension', packaged.main);
    assert.ok(existsSync(main), packaged.main);
    const code = readFileSync(main, 'utf8');
    assert.match(code, /textDocument\/codeAction/, 'vscode-languageclient should be bundled');
    assert.doesNotMatch(code, /require\(["']vscode-languageclient/);
  });

  it('bundles looplint and its dependencies from pyproject.toml, compiled ones per CPython version', () => {
    const common = readdirSync(join(unpacked, 'extension', 'bundled', 'libs', 'common'));
    for (const pkg of ['looplint', 'pygls', 'lsprotocol']) {
      assert.ok(common.includes(pkg), `${pkg} in common/: ${common.join(', ')}`);
    }
    for (const version of VERSIONS) {
      const tag = `cp${version.replace('.', '')}`;
      const dir = join(unpacked, 'extension', 'bundled', 'libs', tag, 'libcst');
      const native = readdirSync(dir).filter((f) => f.startsWith('native.') && f.endsWith('.so'));
      assert.equal(native.length, 1, `${tag}: ${native.join(', ')}`);
      assert.match(native[0], new RegExp(`cpython-${tag.slice(2)}`));
    }
  });

  for (const version of VERSIONS) {
    const python = interpreterFor(version);
    it(`starts its bundled server with Python ${version}, lints and offers the quick fix`, async () => {
      assert.ok(python, `no Python ${version} here (3.14 and 3.15: make pythons)`);
      // A project with the UT001 example; also a decoy "looplint" in the working directory that
      // must not be imported instead of the bundled one.
      const project = mkdtempSync(join(tmpdir(), `looplint-vsix-${version}-`));
      mkdirSync(join(project, 'looplint'));
      writeFileSync(join(project, 'looplint', '__init__.py'), 'raise SystemExit("decoy looplint imported")\n');
      const source = 'import unittest\n\n\nclass T(unittest.TestCase):\n    async def test_x(self):\n        self.fail()\n';
      const file = join(project, 'test_x.py');
      writeFileSync(file, source);
      const uri = pathToFileURL(file).href;

      const client = new StdioLspClient(python, ['-I', join(unpacked, 'extension', 'bundled', 'tool', 'launch.py')], { cwd: project });
      try {
        const init = await client.request('initialize', {
          processId: process.pid,
          rootUri: pathToFileURL(project).href,
          workspaceFolders: [{ uri: pathToFileURL(project).href, name: 'p' }],
          capabilities: { textDocument: { diagnostic: { dynamicRegistration: false }, codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'source.fixAll'] } } } } },
          initializationOptions: { settings: {} },
        });
        assert.ok(init.capabilities.codeActionProvider, JSON.stringify(init.capabilities));
        client.notify('initialized', {});
        client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'python', version: 1, text: source } });
        const report = await client.request('textDocument/diagnostic', { textDocument: { uri } });
        const ut001 = report.items.filter((d) => d.code === 'UT001');
        assert.equal(ut001.length, 1, JSON.stringify(report.items));
        assert.deepEqual(ut001[0].range, { start: { line: 4, character: 14 }, end: { line: 4, character: 20 } });
        const actions = await client.request('textDocument/codeAction', {
          textDocument: { uri },
          range: ut001[0].range,
          context: { diagnostics: ut001, only: ['quickfix'] },
        });
        const titles = actions.map((a) => a.title);
        assert.ok(titles.some((t) => /IsolatedAsyncioTestCase/.test(t)), JSON.stringify(titles));
        const exit = await client.shutdown();
        assert.equal(exit.code, 0, client.stderr);
      } finally {
        client.child.kill();
        rmSync(project, { recursive: true, force: true });
      }
      assert.doesNotMatch(client.stderr, /decoy looplint imported/);
    });
  }
});
