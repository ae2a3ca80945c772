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
const node_assert_1 = require("node:assert");
const fs = __importStar(require("node:fs"));
const os = __importStar(require("node:os"));
const path = __importStar(require("node:path"));
const node_test_1 = require("node:test");
const probe_1 = require("../src/probe");
/** An executable shell script standing in for an interpreter. */
function fakeInterpreter(body) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'looplint-probe-'));
    const file = path.join(dir, 'python');
    fs.writeFileSync(file, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
    return file;
}
(0, node_test_1.describe)('probePython', () => {
    (0, node_test_1.it)('reads the version and real executable of the python3 on the PATH', async () => {
        const result = await (0, probe_1.probePython)('python3');
        node_assert_1.strict.ok(result.ok, result.ok ? '' : result.error);
        node_assert_1.strict.equal(result.info.version[0], 3);
        node_assert_1.strict.ok(path.isAbsolute(result.info.executable), result.info.executable);
        node_assert_1.strict.equal(typeof result.info.hasLooplint, 'boolean');
    });
    (0, node_test_1.it)('tells whether looplint can be imported', async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'looplint-path-'));
        fs.mkdirSync(path.join(dir, 'looplint'));
        fs.writeFileSync(path.join(dir, 'looplint', '__init__.py'), '');
        const withIt = await (0, probe_1.probePython)('python3', { env: { ...process.env, PYTHONPATH: dir } });
        node_assert_1.strict.ok(withIt.ok && withIt.info.hasLooplint);
        // A Python that cannot import it says so (a fake one here: the machine's python3 may have it).
        const without = await (0, probe_1.probePython)(fakeInterpreter(`echo '{"executable": "/x", "version": [3, 12, 0], "hasLooplint": false}'`));
        node_assert_1.strict.ok(without.ok && !without.info.hasLooplint);
    });
    (0, node_test_1.it)('reports an interpreter that does not exist', async () => {
        const result = await (0, probe_1.probePython)('/nonexistent/python3.99');
        node_assert_1.strict.deepEqual(result, { ok: false, error: '/nonexistent/python3.99: not found' });
    });
    (0, node_test_1.it)('reports a program that fails, with its stderr', async () => {
        const result = await (0, probe_1.probePython)(fakeInterpreter('echo "broken install" >&2; exit 3'));
        node_assert_1.strict.ok(!result.ok);
        node_assert_1.strict.match(result.error, /broken install/);
    });
    (0, node_test_1.it)('reports a program that does not answer like Python', async () => {
        const result = await (0, probe_1.probePython)(fakeInterpreter('echo hello'));
        node_assert_1.strict.ok(!result.ok);
        node_assert_1.strict.match(result.error, /does not answer like a Python interpreter/);
    });
    (0, node_test_1.it)('gives up on an interpreter that hangs', async () => {
        const started = Date.now();
        const result = await (0, probe_1.probePython)(fakeInterpreter('sleep 30'), { timeoutMs: 300 });
        node_assert_1.strict.ok(!result.ok);
        node_assert_1.strict.ok(Date.now() - started < 10000);
    });
});
(0, node_test_1.describe)('parseProbeOutput', () => {
    (0, node_test_1.it)('takes the last line (site customisations may print before it)', () => {
        const out = 'some banner\n{"executable": "/usr/bin/python3.9", "version": [3, 9, 2], "hasLooplint": false}\n';
        node_assert_1.strict.deepEqual((0, probe_1.parseProbeOutput)('python3', out), {
            ok: true,
            info: { executable: '/usr/bin/python3.9', version: [3, 9, 2], hasLooplint: false },
        });
    });
    (0, node_test_1.it)('rejects JSON without a proper version', () => {
        node_assert_1.strict.equal((0, probe_1.parseProbeOutput)('p', '{"version": "3.11"}').ok, false);
    });
});
