import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { parseProbeOutput, probePython } from '../src/probe';

const SCRATCH = fs.mkdtempSync(path.join(os.tmpdir(), 'looplint-unit-probe-'));
after(() => {
  fs.rmSync(SCRATCH, { recursive: true, force: true });
});

/** An executable shell script standing in for an interpreter. */
function fakeInterpreter(body: string): string {
  const dir = fs.mkdtempSync(path.join(SCRATCH, 'python-'));
  const file = path.join(dir, 'python');
  fs.writeFileSync(file, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  return file;
}

describe('probePython', () => {
  it('reads the version and real executable of the python3 on the PATH', async () => {
    const result = await probePython('python3');
    assert.ok(result.ok, result.ok ? '' : result.error);
    assert.equal(result.info.version[0], 3);
    assert.ok(path.isAbsolute(result.info.executable), result.info.executable);
    assert.equal(typeof result.info.hasLooplint, 'boolean');
  });

  it('tells whether looplint can be imported', async () => {
    const dir = fs.mkdtempSync(path.join(SCRATCH, 'path-'));
    fs.mkdirSync(path.join(dir, 'looplint'));
    fs.writeFileSync(path.join(dir, 'looplint', '__init__.py'), '');
    const withIt = await probePython('python3', { env: { ...process.env, PYTHONPATH: dir } });
    assert.ok(withIt.ok && withIt.info.hasLooplint);
    // A Python that cannot import it says so (a fake one here: the machine's python3 may have it).
    const without = await probePython(fakeInterpreter(`echo '{"executable": "/x", "version": [3, 12, 0], "hasLooplint": false}'`));
    assert.ok(without.ok && !without.info.hasLooplint);
  });

  it('reports an interpreter that does not exist', async () => {
    const result = await probePython('/nonexistent/python3.99');
    assert.deepEqual(result, { ok: false, error: '/nonexistent/python3.99: not found' });
  });

  it('reports a program that fails, with its stderr', async () => {
    const result = await probePython(fakeInterpreter('echo "broken install" >&2; exit 3'));
    assert.ok(!result.ok);
    assert.match(result.error, /broken install/);
  });

  it('reports a program that does not answer like Python', async () => {
    const result = await probePython(fakeInterpreter('echo hello'));
    assert.ok(!result.ok);
    assert.match(result.error, /does not answer like a Python interpreter/);
  });

  it('gives up on an interpreter that hangs', async () => {
    const started = Date.now();
    const result = await probePython(fakeInterpreter('sleep 30'), { timeoutMs: 300 });
    assert.ok(!result.ok);
    assert.ok(Date.now() - started < 10000);
  });
});

describe('parseProbeOutput', () => {
  it('takes the last line (site customisations may print before it)', () => {
    const out = 'some banner\n{"executable": "/usr/bin/python3.9", "version": [3, 9, 2], "hasLooplint": false, "externallyManaged": true}\n';
    assert.deepEqual(parseProbeOutput('python3', out), {
      ok: true,
      info: { executable: '/usr/bin/python3.9', version: [3, 9, 2], hasLooplint: false, inVenv: false, externallyManaged: true, hasPip: true },
    });
  });
  it('rejects JSON without a proper version', () => {
    assert.equal(parseProbeOutput('p', '{"version": "3.11"}').ok, false);
  });
});
