"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
const node_assert_1 = require("node:assert");
const node_test_1 = require("node:test");
const resolve_1 = require("../src/resolve");
const BUNDLE = {
    launcher: '/ext/bundled/tool/launch.py',
    versions: [
        [3, 10],
        [3, 11],
        [3, 12],
        [3, 13],
    ],
};
/** Deps where `interpreters` maps a name to what probing it reports; anything else is "not found". */
function deps(opts) {
    const probed = [];
    const logs = [];
    const result = {
        trusted: opts.trusted ?? true,
        launch: { path: '', interpreter: '', importStrategy: 'useBundled', ...opts.launch },
        bundle: 'bundle' in opts ? opts.bundle : BUNDLE,
        defaultPython: 'python3',
        probed,
        logs,
        askedExtension: false,
        probe(python) {
            probed.push(python);
            const found = opts.interpreters?.[python];
            if (!found) {
                return Promise.resolve({ ok: false, error: `${python}: not found` });
            }
            const hasLooplint = !Array.isArray(found);
            const version = Array.isArray(found) ? found : found.looplint;
            return Promise.resolve({ ok: true, info: { executable: `/real/${python}`, version, hasLooplint } });
        },
        pythonExtensionInterpreter() {
            result.askedExtension = true;
            return Promise.resolve(opts.pythonExtension);
        },
        fileExists: (file) => (opts.files ?? []).includes(file),
        log: (m) => logs.push(m),
    };
    return result;
}
function command(r) {
    node_assert_1.strict.ok(r.ok, r.ok ? '' : r.message);
    return [r.server.command, ...r.server.args];
}
function failure(r) {
    node_assert_1.strict.ok(!r.ok, 'expected a failure');
    return r.message;
}
(0, node_test_1.describe)('resolveServer: order', () => {
    (0, node_test_1.it)('runs looplint.path as `<path> server` before anything else', async () => {
        const d = deps({ launch: { path: '/opt/bin/looplint', interpreter: 'py' }, interpreters: { py: [3, 12, 0] }, files: ['/opt/bin/looplint'] });
        node_assert_1.strict.deepEqual(command(await (0, resolve_1.resolveServer)(d)), ['/opt/bin/looplint', 'server']);
        node_assert_1.strict.deepEqual(d.probed, []);
    });
    (0, node_test_1.it)('reports a looplint.path that does not exist, naming the setting', async () => {
        const message = failure(await (0, resolve_1.resolveServer)(deps({ launch: { path: '/nope/looplint' } })));
        node_assert_1.strict.match(message, /looplint\.path/);
        node_assert_1.strict.match(message, /\/nope\/looplint/);
    });
    (0, node_test_1.it)('prefers looplint.interpreter over the Python extension and python3', async () => {
        const d = deps({ launch: { interpreter: 'mine' }, pythonExtension: 'ext', interpreters: { mine: [3, 11, 4], ext: [3, 12, 0], python3: [3, 13, 0] } });
        node_assert_1.strict.deepEqual(command(await (0, resolve_1.resolveServer)(d)), ['/real/mine', '-I', BUNDLE.launcher]);
        node_assert_1.strict.equal(d.askedExtension, false);
    });
    (0, node_test_1.it)('uses the Python extension interpreter when there is no setting', async () => {
        const d = deps({ pythonExtension: 'ext', interpreters: { ext: [3, 12, 0], python3: [3, 13, 0] } });
        node_assert_1.strict.deepEqual(command(await (0, resolve_1.resolveServer)(d)), ['/real/ext', '-I', BUNDLE.launcher]);
    });
    (0, node_test_1.it)('falls back to python3 on the PATH without the Python extension', async () => {
        const d = deps({ interpreters: { python3: [3, 11, 7] } });
        const r = await (0, resolve_1.resolveServer)(d);
        node_assert_1.strict.deepEqual(command(r), ['/real/python3', '-I', BUNDLE.launcher]);
        node_assert_1.strict.ok(r.ok && r.server.description.includes('python3 on the PATH'));
        node_assert_1.strict.equal(d.askedExtension, true);
    });
    (0, node_test_1.it)('falls back to python3 when the Python extension selected a Python older than 3.10', async () => {
        const d = deps({ pythonExtension: 'old', interpreters: { old: [3, 9, 18], python3: [3, 11, 7] } });
        node_assert_1.strict.deepEqual(command(await (0, resolve_1.resolveServer)(d)), ['/real/python3', '-I', BUNDLE.launcher]);
        node_assert_1.strict.deepEqual(d.probed, ['old', 'python3']);
        node_assert_1.strict.ok(d.logs.some((l) => l.includes('3.9.18')));
    });
});
(0, node_test_1.describe)('resolveServer: trust', () => {
    (0, node_test_1.it)('in an untrusted workspace never runs looplint.path nor asks the Python extension', async () => {
        const d = deps({
            trusted: false,
            launch: { path: '/ws/evil' },
            pythonExtension: '/ws/.venv/bin/python',
            interpreters: { '/ws/.venv/bin/python': [3, 12, 0], python3: [3, 11, 7] },
            files: ['/ws/evil'],
        });
        node_assert_1.strict.deepEqual(command(await (0, resolve_1.resolveServer)(d)), ['/real/python3', '-I', BUNDLE.launcher]);
        node_assert_1.strict.equal(d.askedExtension, false);
        node_assert_1.strict.deepEqual(d.probed, ['python3']);
    });
    (0, node_test_1.it)('tells an untrusted workspace to use user settings', async () => {
        const message = failure(await (0, resolve_1.resolveServer)(deps({ trusted: false, interpreters: {} })));
        node_assert_1.strict.match(message, /looplint\.interpreter/);
        node_assert_1.strict.match(message, /user settings/);
    });
});
(0, node_test_1.describe)('resolveServer: unusable interpreters', () => {
    (0, node_test_1.it)('does not quietly replace an explicit looplint.interpreter that is too old', async () => {
        const d = deps({ launch: { interpreter: 'py39' }, interpreters: { py39: [3, 9, 18], python3: [3, 11, 7] } });
        const message = failure(await (0, resolve_1.resolveServer)(d));
        node_assert_1.strict.match(message, /looplint\.interpreter is set to "py39"/);
        node_assert_1.strict.match(message, /Python 3\.9\.18/);
        node_assert_1.strict.deepEqual(d.probed, ['py39']);
    });
    (0, node_test_1.it)('says once what it tried and which setting fixes it when no Python is found', async () => {
        const message = failure(await (0, resolve_1.resolveServer)(deps({ interpreters: {} })));
        node_assert_1.strict.match(message, /needs Python 3\.10 or newer/);
        node_assert_1.strict.match(message, /python3 on the PATH: python3: not found/);
        node_assert_1.strict.match(message, /Set looplint\.interpreter/);
    });
});
(0, node_test_1.describe)('resolveServer: import strategy', () => {
    (0, node_test_1.it)('fromEnvironment runs `-m looplint server` with the environment\'s looplint', async () => {
        const d = deps({ launch: { importStrategy: 'fromEnvironment' }, interpreters: { python3: { looplint: [3, 12, 1] } } });
        node_assert_1.strict.deepEqual(command(await (0, resolve_1.resolveServer)(d)), ['/real/python3', '-m', 'looplint', 'server']);
    });
    (0, node_test_1.it)('fromEnvironment without looplint installed says how to fix it', async () => {
        const message = failure(await (0, resolve_1.resolveServer)(deps({ launch: { importStrategy: 'fromEnvironment' }, interpreters: { python3: [3, 12, 1] } })));
        node_assert_1.strict.match(message, /looplint is not installed/);
        node_assert_1.strict.match(message, /-m pip install looplint/);
        node_assert_1.strict.match(message, /looplint\.importStrategy/);
    });
    (0, node_test_1.it)('useBundled with a Python the bundle was not built for names the versions it has', async () => {
        const message = failure(await (0, resolve_1.resolveServer)(deps({ interpreters: { python3: [3, 14, 0] } })));
        node_assert_1.strict.match(message, /supports Python 3\.10, 3\.11, 3\.12, 3\.13/);
        node_assert_1.strict.match(message, /Python 3\.14\.0/);
    });
    (0, node_test_1.it)('useBundled in a checkout without bundled/ says how to build it', async () => {
        const message = failure(await (0, resolve_1.resolveServer)(deps({ bundle: undefined, interpreters: { python3: [3, 11, 7] } })));
        node_assert_1.strict.match(message, /no bundled server/);
        node_assert_1.strict.match(message, /fromEnvironment/);
    });
});
