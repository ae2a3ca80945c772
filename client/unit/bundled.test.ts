import { strict as assert } from 'node:assert';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { describeVersions, findBundledServer, supports } from '../src/bundled';

const REPO = path.resolve(__dirname, '..', '..', '..');
// Every scratch folder of this file lives under one root, removed at the end.
const SCRATCH = fs.mkdtempSync(path.join(os.tmpdir(), 'looplint-unit-bundled-'));
after(() => {
  fs.rmSync(SCRATCH, { recursive: true, force: true });
});
const scratch = (prefix: string): string => fs.mkdtempSync(path.join(SCRATCH, prefix));
const LAUNCHER_SOURCE = path.join(REPO, 'scripts', 'bundle_python_launcher.py');

function write(file: string, text = ''): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

/** A fake extension folder laid out like the .vsix, with the real launcher. */
function fakeExtension(versionDirs: string[]): string {
  const root = scratch('ext-');
  fs.mkdirSync(path.join(root, 'bundled', 'tool'), { recursive: true });
  fs.copyFileSync(LAUNCHER_SOURCE, path.join(root, 'bundled', 'tool', 'launch.py'));
  // A stand-in server that reports how it was started.
  write(path.join(root, 'bundled', 'libs', 'common', 'looplint', '__init__.py'));
  write(
    path.join(root, 'bundled', 'libs', 'common', 'looplint', '__main__.py'),
    'import json, sys, compiled_part\n' +
      'print(json.dumps({"argv": sys.argv[1:], "main": __file__, "compiled": compiled_part.__file__, "path": sys.path[:2]}))\n',
  );
  for (const dir of versionDirs) {
    write(path.join(root, 'bundled', 'libs', dir, 'compiled_part.py'));
  }
  fs.mkdirSync(path.join(root, 'bundled', 'libs', 'cpython-notes'));
  return root;
}

function pythonTag(): string {
  return execFileSync('python3', ['-c', 'import sys; print("cp%d%d" % sys.version_info[:2])'], { encoding: 'utf8' }).trim();
}

describe('findBundledServer', () => {
  it('lists the CPython versions bundled, sorted', () => {
    const root = fakeExtension(['cp313', 'cp310', 'cp311']);
    const bundle = findBundledServer(root);
    assert.ok(bundle);
    assert.equal(bundle.launcher, path.join(root, 'bundled', 'tool', 'launch.py'));
    assert.deepEqual(bundle.versions, [
      [3, 10],
      [3, 11],
      [3, 13],
    ]);
    assert.equal(describeVersions(bundle), '3.10, 3.11, 3.13');
    assert.ok(supports(bundle, [3, 11, 7]));
    assert.ok(!supports(bundle, [3, 12, 0]));
  });

  it('finds nothing in a checkout that was never bundled', () => {
    assert.equal(findBundledServer(scratch('empty-')), undefined);
  });
});

describe('the bundled launcher (scripts/bundle_python_launcher.py)', () => {
  it('runs `looplint server` from the bundle for this Python, ignoring the workspace and PYTHONPATH', () => {
    const tag = pythonTag();
    const root = fakeExtension([tag, 'cp39']);
    // A workspace and a PYTHONPATH that both hold a different "looplint": neither may win.
    const workspace = scratch('ws-');
    write(path.join(workspace, 'looplint', '__init__.py'), 'raise SystemExit("workspace looplint imported")');
    write(path.join(workspace, 'looplint', '__main__.py'), 'raise SystemExit("workspace looplint imported")');
    const launcher = path.join(root, 'bundled', 'tool', 'launch.py');
    const out = execFileSync('python3', ['-I', launcher, '--extra'], {
      cwd: workspace,
      env: { ...process.env, PYTHONPATH: workspace },
      encoding: 'utf8',
    });
    const report = JSON.parse(out) as { argv: string[]; main: string; compiled: string; path: string[] };
    assert.deepEqual(report.argv, ['server', '--extra']);
    assert.equal(report.main, path.join(root, 'bundled', 'libs', 'common', 'looplint', '__main__.py'));
    assert.equal(report.compiled, path.join(root, 'bundled', 'libs', tag, 'compiled_part.py'));
    assert.deepEqual(report.path, [path.join(root, 'bundled', 'libs', tag), path.join(root, 'bundled', 'libs', 'common')]);
  });

  it('refuses a Python it has no packages for, saying which it has', () => {
    const root = fakeExtension(['cp39']);
    const result = spawnSync('python3', ['-I', path.join(root, 'bundled', 'tool', 'launch.py')], { encoding: 'utf8' });
    assert.equal(result.status, 2);
    assert.match(result.stderr, /no packages for Python 3\.\d+ \(bundled: cp39\)/);
  });
});
