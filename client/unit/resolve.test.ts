import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { BundledServer } from '../src/bundled';
import { ProbeResult, PythonInfo } from '../src/probe';
import { ResolveDeps, Resolution, installSuggestion, resolveServer, versionedPythonNames } from '../src/resolve';
import { LaunchSettings } from '../src/settings';

const BUNDLE: BundledServer = {
  launcher: '/ext/bundled/tool/launch.py',
  versions: [
    [3, 10],
    [3, 11],
    [3, 12],
    [3, 13],
  ],
};

type Interpreters = Record<string, [number, number, number] | { looplint: [number, number, number] }>;

/** Deps where `interpreters` maps a name to what probing it reports; anything else is "not found". */
function deps(opts: {
  launch?: Partial<LaunchSettings>;
  trusted?: boolean;
  interpreters?: Interpreters;
  pythonExtension?: string;
  bundle?: BundledServer | undefined;
  files?: string[];
  versioned?: string[];
  wheel?: string;
  extra?: Partial<PythonInfo>;
}): ResolveDeps & { probed: string[]; logs: string[]; askedExtension: boolean } {
  const probed: string[] = [];
  const logs: string[] = [];
  const result = {
    trusted: opts.trusted ?? true,
    launch: { path: [] as string[], interpreter: [] as string[], importStrategy: 'useBundled' as const, ...opts.launch },
    bundle: 'bundle' in opts ? opts.bundle : BUNDLE,
    defaultPython: 'python3',
    versionedPythons: opts.versioned,
    wheel: opts.wheel,
    probed,
    logs,
    askedExtension: false,
    probe(python: string): Promise<ProbeResult> {
      probed.push(python);
      const found = opts.interpreters?.[python];
      if (!found) {
        return Promise.resolve({ ok: false, error: `${python}: not found` });
      }
      const hasLooplint = !Array.isArray(found);
      const version = Array.isArray(found) ? found : found.looplint;
      return Promise.resolve({ ok: true, info: { executable: `/real/${python}`, version, hasLooplint, ...opts.extra } });
    },
    pythonExtensionInterpreter(): Promise<string | undefined> {
      result.askedExtension = true;
      return Promise.resolve(opts.pythonExtension);
    },
    fileExists: (file: string) => (opts.files ?? []).includes(file),
    log: (m: string) => logs.push(m),
  };
  return result;
}

function command(r: Resolution): string[] {
  assert.ok(r.ok, r.ok ? '' : r.message);
  return [r.server.command, ...r.server.args];
}

function failure(r: Resolution): string {
  assert.ok(!r.ok, 'expected a failure');
  return r.message;
}

describe('resolveServer: order', () => {
  it('runs looplint.path as `<path> server` before anything else', async () => {
    const d = deps({ launch: { path: ['/opt/bin/looplint'], interpreter: ['py'] }, interpreters: { py: [3, 12, 0] }, files: ['/opt/bin/looplint'] });
    assert.deepEqual(command(await resolveServer(d)), ['/opt/bin/looplint', 'server']);
    assert.deepEqual(d.probed, []);
  });

  it('reports a looplint.path that does not exist, naming the setting', async () => {
    const message = failure(await resolveServer(deps({ launch: { path: ['/nope/looplint'] } })));
    assert.match(message, /looplint\.path/);
    assert.match(message, /\/nope\/looplint/);
  });

  it('prefers looplint.interpreter over the Python extension and python3', async () => {
    const d = deps({ launch: { interpreter: ['mine'] }, pythonExtension: 'ext', interpreters: { mine: [3, 11, 4], ext: [3, 12, 0], python3: [3, 13, 0] } });
    assert.deepEqual(command(await resolveServer(d)), ['/real/mine', '-I', BUNDLE.launcher]);
    assert.equal(d.askedExtension, false);
  });

  it('uses the Python extension interpreter when there is no setting', async () => {
    const d = deps({ pythonExtension: 'ext', interpreters: { ext: [3, 12, 0], python3: [3, 13, 0] } });
    assert.deepEqual(command(await resolveServer(d)), ['/real/ext', '-I', BUNDLE.launcher]);
  });

  it('falls back to python3 on the PATH without the Python extension', async () => {
    const d = deps({ interpreters: { python3: [3, 11, 7] } });
    const r = await resolveServer(d);
    assert.deepEqual(command(r), ['/real/python3', '-I', BUNDLE.launcher]);
    assert.ok(r.ok && r.server.description.includes('python3 on the PATH'));
    assert.equal(d.askedExtension, true);
  });

  it('falls back to python3 when the Python extension selected a Python older than 3.10', async () => {
    const d = deps({ pythonExtension: 'old', interpreters: { old: [3, 9, 18], python3: [3, 11, 7] } });
    assert.deepEqual(command(await resolveServer(d)), ['/real/python3', '-I', BUNDLE.launcher]);
    assert.deepEqual(d.probed, ['old', 'python3']);
    assert.ok(d.logs.some((l) => l.includes('3.9.18')));
  });
});

describe('resolveServer: trust', () => {
  it('in an untrusted workspace never runs looplint.path nor asks the Python extension', async () => {
    const d = deps({
      trusted: false,
      launch: { path: ['/ws/evil'] },
      pythonExtension: '/ws/.venv/bin/python',
      interpreters: { '/ws/.venv/bin/python': [3, 12, 0], python3: [3, 11, 7] },
      files: ['/ws/evil'],
    });
    assert.deepEqual(command(await resolveServer(d)), ['/real/python3', '-I', BUNDLE.launcher]);
    assert.equal(d.askedExtension, false);
    assert.deepEqual(d.probed, ['python3']);
  });

  it('tells an untrusted workspace to use user settings', async () => {
    const message = failure(await resolveServer(deps({ trusted: false, interpreters: {} })));
    assert.match(message, /looplint\.interpreter/);
    assert.match(message, /user settings/);
  });
});

describe('resolveServer: ordered lists (ruff-vscode\'s path and interpreter)', () => {
  it('runs the first looplint.path entry that exists', async () => {
    const d = deps({ launch: { path: ['/nope/looplint', '/opt/bin/looplint', '/also/looplint'] }, files: ['/opt/bin/looplint', '/also/looplint'] });
    const resolution = await resolveServer(d);
    assert.ok(resolution.ok);
    assert.equal(resolution.server.command, '/opt/bin/looplint');
  });

  it('names every looplint.path entry when none exists', async () => {
    const message = failure(await resolveServer(deps({ launch: { path: ['/a/looplint', '/b/looplint'] } })));
    assert.match(message, /looplint\.path is set to "\/a\/looplint", "\/b\/looplint", which do not exist/);
  });

  it('tries looplint.interpreter entries in order, skipping unusable ones, never python3 behind them', async () => {
    const d = deps({ launch: { interpreter: ['/old/python', '/missing/python', '/good/python'] }, interpreters: { '/old/python': [3, 9, 1], '/good/python': [3, 12, 3], python3: [3, 13, 0] } });
    const resolution = await resolveServer(d);
    assert.ok(resolution.ok);
    assert.equal(resolution.server.python?.executable, '/real//good/python');
    assert.deepEqual(d.probed, ['/old/python', '/missing/python', '/good/python']);
    const none = deps({ launch: { interpreter: ['/old/python', '/missing/python'] }, interpreters: { '/old/python': [3, 9, 1], python3: [3, 13, 0] } });
    const message = failure(await resolveServer(none));
    assert.match(message, /looplint\.interpreter is set to "\/old\/python" \(.*3\.9.*\), "\/missing\/python" \(.*not found\)/);
    assert.ok(!none.probed.includes('python3'));
  });
});

describe('resolveServer: unusable interpreters', () => {
  it('does not quietly replace an explicit looplint.interpreter that is too old', async () => {
    const d = deps({ launch: { interpreter: ['py39'] }, interpreters: { py39: [3, 9, 18], python3: [3, 11, 7] } });
    const message = failure(await resolveServer(d));
    assert.match(message, /looplint\.interpreter is set to "py39"/);
    assert.match(message, /Python 3\.9\.18/);
    assert.deepEqual(d.probed, ['py39']);
  });

  it('says once what it tried and which setting fixes it when no Python is found', async () => {
    const message = failure(await resolveServer(deps({ interpreters: {} })));
    assert.match(message, /needs Python 3\.10 or newer/);
    assert.match(message, /python3 on the PATH: python3: not found/);
    assert.match(message, /Set looplint\.interpreter/);
  });
});

describe('resolveServer: import strategy', () => {
  it('fromEnvironment runs `-m looplint server` with the environment\'s looplint', async () => {
    const d = deps({ launch: { importStrategy: 'fromEnvironment' }, interpreters: { python3: { looplint: [3, 12, 1] } } });
    assert.deepEqual(command(await resolveServer(d)), ['/real/python3', '-m', 'looplint', 'server']);
  });

  it('fromEnvironment without looplint installed says how to fix it', async () => {
    const message = failure(await resolveServer(deps({ launch: { importStrategy: 'fromEnvironment' }, interpreters: { python3: [3, 12, 1] } })));
    assert.match(message, /looplint is not installed/);
    assert.match(message, /-m pip install looplint/);
    assert.match(message, /looplint\.importStrategy/);
  });

  it('useBundled with a Python the bundle was not built for names the versions it has', async () => {
    const message = failure(await resolveServer(deps({ interpreters: { python3: [3, 14, 0] } })));
    assert.match(message, /supports Python 3\.10, 3\.11, 3\.12, 3\.13/);
    assert.match(message, /Python 3\.14\.0/);
  });

  it('without a bundled server (the universal package) runs the looplint of the environment', async () => {
    const d = deps({ bundle: undefined, interpreters: { python3: { looplint: [3, 12, 1] } } });
    assert.deepEqual(command(await resolveServer(d)), ['/real/python3', '-m', 'looplint', 'server']);
  });

  it('without a bundled server and without looplint, suggests installing the shipped wheel with that interpreter', async () => {
    const wheel = '/ext/bundled/wheel/looplint-0.1.0-py3-none-any.whl';
    const message = failure(await resolveServer(deps({ bundle: undefined, wheel, interpreters: { python3: [3, 11, 7] } })));
    assert.match(message, /no bundled server/);
    assert.ok(message.includes(`Install it there: /real/python3 -m pip install ${wheel}`), message);
    assert.match(message, /extension built for your platform/);
  });

  it('an externally managed system Python gets a virtualenv (or pipx) suggestion, not a pip install that fails', async () => {
    const d = deps({ launch: { importStrategy: 'fromEnvironment' }, interpreters: { python3: [3, 13, 1] }, extra: { externallyManaged: true } });
    const message = failure(await resolveServer(d));
    assert.doesNotMatch(message, /Install it there/);
    assert.match(message, /PEP 668/);
    assert.ok(message.includes('/real/python3 -m venv .venv && .venv/bin/python -m pip install looplint'), message);
    assert.match(message, /pipx install looplint/);
  });

  it('the suggestion quotes paths with spaces and uses pip in a virtualenv', () => {
    const info: PythonInfo = { executable: '/my env/bin/python', version: [3, 12, 0], hasLooplint: false, inVenv: true };
    assert.equal(installSuggestion(info, '/ext dir/looplint.whl'), 'Install it there: "/my env/bin/python" -m pip install "/ext dir/looplint.whl"');
    assert.match(installSuggestion({ ...info, inVenv: false, hasPip: false }), /it has no pip/);
  });

  it('an untrusted workspace never runs the environment\'s looplint', async () => {
    const message = failure(await resolveServer(deps({ bundle: undefined, trusted: false, interpreters: { python3: { looplint: [3, 12, 1] } } })));
    assert.match(message, /not trusted/);
  });
});

describe('resolveServer: the newest supported interpreter', () => {
  it('is tried newest first, before python3, and absent ones are not reported', async () => {
    const versioned = versionedPythonNames('linux');
    assert.deepEqual(versioned, ['python3.15', 'python3.14', 'python3.13', 'python3.12', 'python3.11', 'python3.10']);
    const bundle: BundledServer = { launcher: '/ext/bundled/tool/launch.py', versions: [[3, 10], [3, 11], [3, 12], [3, 13], [3, 14], [3, 15]] };
    const d = deps({ bundle, versioned, interpreters: { 'python3.14': [3, 14, 2], 'python3.12': [3, 12, 1], python3: [3, 11, 7] } });
    assert.deepEqual(command(await resolveServer(d)), ['/real/python3.14', '-I', '/ext/bundled/tool/launch.py']);
    assert.deepEqual(d.probed, ['python3.15', 'python3.14']);
    assert.deepEqual(d.logs, []);
    assert.deepEqual(versionedPythonNames('win32'), []);
  });

  it('comes after the Python extension\'s interpreter', async () => {
    const d = deps({ versioned: versionedPythonNames('linux'), pythonExtension: '/venv/bin/python', interpreters: { '/venv/bin/python': [3, 12, 1], 'python3.13': [3, 13, 0] } });
    assert.deepEqual(command(await resolveServer(d)), ['/real//venv/bin/python', '-I', '/ext/bundled/tool/launch.py']);
  });
});
