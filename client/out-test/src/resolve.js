"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.MIN_PYTHON = void 0;
exports.resolveServer = resolveServer;
// Deciding which process to start as the looplint server. Pure logic: everything that touches the
// outside world (running Python, the Python extension, the file system) comes in through
// `ResolveDeps`, so the order and the error messages are unit-tested.
const bundled_1 = require("./bundled");
exports.MIN_PYTHON = [3, 10];
const versionText = (v) => v.join('.');
const atLeast = (v, min) => v[0] > min[0] || (v[0] === min[0] && v[1] >= min[1]);
/**
 * Order: `looplint.path` (trusted workspaces only); `looplint.interpreter`; the Python extension's
 * interpreter (trusted workspaces only: a workspace can choose it); `python3` on the PATH.
 */
async function resolveServer(deps) {
    const { launch } = deps;
    if (deps.trusted && launch.path) {
        if (!deps.fileExists(launch.path)) {
            return { ok: false, message: `looplint.path is set to "${launch.path}", which does not exist. Fix or clear the looplint.path setting.` };
        }
        return { ok: true, server: { command: launch.path, args: ['server'], description: `${launch.path} server (looplint.path)` } };
    }
    const candidates = [];
    if (launch.interpreter) {
        candidates.push({ python: launch.interpreter, source: 'looplint.interpreter', strict: true });
    }
    else {
        if (deps.trusted) {
            const fromExtension = await deps.pythonExtensionInterpreter();
            if (fromExtension) {
                candidates.push({ python: fromExtension, source: 'the Python extension', strict: false });
            }
        }
        candidates.push({ python: deps.defaultPython, source: `${deps.defaultPython} on the PATH`, strict: false });
    }
    const rejected = [];
    for (const candidate of candidates) {
        const result = await deps.probe(candidate.python);
        let problem;
        if (!result.ok) {
            problem = result.error;
        }
        else if (!atLeast(result.info.version, exports.MIN_PYTHON)) {
            problem = `${result.info.executable} is Python ${versionText(result.info.version)}`;
        }
        if (problem === undefined && result.ok) {
            return commandFor(result.info, candidate, deps);
        }
        if (candidate.strict) {
            return {
                ok: false,
                message: `looplint.interpreter is set to "${candidate.python}", which cannot run the looplint server (${problem}). ` +
                    `Set looplint.interpreter to a Python ${versionText(exports.MIN_PYTHON)} or newer.`,
            };
        }
        deps.log(`Not using ${candidate.python} from ${candidate.source}: ${problem}`);
        rejected.push(`${candidate.source}: ${problem}`);
    }
    return {
        ok: false,
        message: `looplint needs Python ${versionText(exports.MIN_PYTHON)} or newer to run its server and found none (${rejected.join('; ')}). ` +
            'Set looplint.interpreter to the path of a Python 3.10+ interpreter' +
            (deps.trusted ? ' (or select one in the Python extension).' : ' in your user settings.'),
    };
}
function commandFor(info, candidate, deps) {
    const who = `Python ${versionText(info.version)} (${info.executable}, from ${candidate.source})`;
    if (deps.launch.importStrategy === 'fromEnvironment') {
        if (!info.hasLooplint) {
            return {
                ok: false,
                message: `looplint is not installed for ${who}, and looplint.importStrategy is "fromEnvironment". ` +
                    `Install it there ("${info.executable} -m pip install looplint") or set looplint.importStrategy to "useBundled".`,
            };
        }
        return {
            ok: true,
            server: { command: info.executable, args: ['-m', 'looplint', 'server'], description: `${who}, looplint from its environment`, python: info },
        };
    }
    const bundle = deps.bundle;
    if (!bundle) {
        return {
            ok: false,
            message: 'This copy of the looplint extension has no bundled server (no bundled/ folder; "npm run bundle-python" builds it). ' +
                'Set looplint.importStrategy to "fromEnvironment" to use a looplint installed with your interpreter.',
        };
    }
    if (!(0, bundled_1.supports)(bundle, info.version)) {
        return {
            ok: false,
            message: `The bundled looplint server supports Python ${(0, bundled_1.describeVersions)(bundle)}, but ${who} is not one of them. ` +
                'Set looplint.interpreter to one of those, or set looplint.importStrategy to "fromEnvironment" and install looplint for that interpreter.',
        };
    }
    // -I: ignore PYTHONPATH, user site-packages and the working directory, so nothing from the
    // user's environment or workspace can shadow the bundled packages.
    return {
        ok: true,
        server: { command: info.executable, args: ['-I', bundle.launcher], description: `${who}, bundled looplint`, python: info },
    };
}
