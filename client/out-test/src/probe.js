"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.probePython = probePython;
exports.parseProbeOutput = parseProbeOutput;
// Asks a Python interpreter what it is, before we try to start a server with it. Node-only (no
// `vscode`), so the unit tests run it against real interpreters and fake ones.
const node_child_process_1 = require("node:child_process");
// One line of JSON; find_spec does not import looplint, so a broken install cannot hang the probe.
const PROBE = [
    'import importlib.util, json, sys',
    'print(json.dumps({"executable": sys.executable, "version": list(sys.version_info[:3]),',
    ' "hasLooplint": importlib.util.find_spec("looplint") is not None}))',
].join('\n');
function probePython(python, opts = {}) {
    const { env = process.env, cwd, timeoutMs = 15000 } = opts;
    return new Promise((resolve) => {
        (0, node_child_process_1.execFile)(python, ['-c', PROBE], { env, cwd, timeout: timeoutMs, windowsHide: true }, (err, stdout, stderr) => {
            if (err) {
                const why = err.code === 'ENOENT' ? 'not found' : (stderr.trim() || err.message);
                resolve({ ok: false, error: `${python}: ${why}` });
                return;
            }
            resolve(parseProbeOutput(python, stdout));
        });
    });
}
function parseProbeOutput(python, stdout) {
    const line = stdout.trim().split('\n').pop() ?? '';
    try {
        const data = JSON.parse(line);
        const v = data.version;
        if (Array.isArray(v) && v.length === 3 && v.every((n) => Number.isInteger(n))) {
            return {
                ok: true,
                info: {
                    executable: typeof data.executable === 'string' && data.executable ? data.executable : python,
                    version: v,
                    hasLooplint: data.hasLooplint === true,
                },
            };
        }
    }
    catch {
        // fall through: not JSON, so not a Python we can talk to
    }
    return { ok: false, error: `${python}: does not answer like a Python interpreter` };
}
