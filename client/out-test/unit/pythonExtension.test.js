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
require("./support/register");
const node_assert_1 = require("node:assert");
const node_test_1 = require("node:test");
const pythonExtension_1 = require("../src/pythonExtension");
const stub = __importStar(require("./support/vscode"));
function install(exports, isActive = false) {
    const counter = { activated: 0 };
    stub.state.extensions[pythonExtension_1.PYTHON_EXTENSION_ID] = {
        isActive,
        exports: isActive ? exports : undefined,
        activate: () => {
            counter.activated++;
            return Promise.resolve(exports);
        },
    };
    return counter;
}
(0, node_test_1.describe)('selectedInterpreter (the optional Python extension)', () => {
    (0, node_test_1.beforeEach)(() => {
        stub.reset();
    });
    const logs = [];
    const log = (m) => {
        logs.push(m);
    };
    (0, node_test_1.it)('is undefined when the Python extension is not installed', async () => {
        node_assert_1.strict.equal(await (0, pythonExtension_1.selectedInterpreter)(undefined, log), undefined);
    });
    (0, node_test_1.it)('activates the extension and resolves the active environment to its executable', async () => {
        const asked = [];
        const counter = install({
            environments: {
                getActiveEnvironmentPath: (resource) => {
                    asked.push(resource);
                    return { id: 'x', path: '/proj/.venv' };
                },
                resolveEnvironment: (env) => Promise.resolve({ executable: { uri: stub.Uri.file(`${env.path}/bin/python`) } }),
            },
        });
        const folder = stub.Uri.file('/proj');
        node_assert_1.strict.equal(await (0, pythonExtension_1.selectedInterpreter)(folder, log), '/proj/.venv/bin/python');
        node_assert_1.strict.equal(counter.activated, 1);
        node_assert_1.strict.deepEqual(asked, [folder]);
    });
    (0, node_test_1.it)('falls back to the active path when it cannot be resolved', async () => {
        install({ environments: { getActiveEnvironmentPath: () => ({ path: '/usr/bin/python3.12' }), resolveEnvironment: () => Promise.resolve(undefined) } }, true);
        node_assert_1.strict.equal(await (0, pythonExtension_1.selectedInterpreter)(undefined, log), '/usr/bin/python3.12');
    });
    (0, node_test_1.it)('understands the older settings.getExecutionDetails API', async () => {
        install({ settings: { getExecutionDetails: () => ({ execCommand: ['/opt/py/bin/python'] }) } });
        node_assert_1.strict.equal(await (0, pythonExtension_1.selectedInterpreter)(undefined, log), '/opt/py/bin/python');
    });
    (0, node_test_1.it)('ignores a multi-word exec command (conda run ...), which is no interpreter path', async () => {
        install({ settings: { getExecutionDetails: () => ({ execCommand: ['conda', 'run', '-n', 'x', 'python'] }) } });
        node_assert_1.strict.equal(await (0, pythonExtension_1.selectedInterpreter)(undefined, log), undefined);
    });
    (0, node_test_1.it)('survives an API that throws, and logs why', async () => {
        install({
            environments: {
                getActiveEnvironmentPath: () => {
                    throw new Error('API changed');
                },
                resolveEnvironment: () => Promise.resolve(undefined),
            },
        });
        logs.length = 0;
        node_assert_1.strict.equal(await (0, pythonExtension_1.selectedInterpreter)(undefined, log), undefined);
        node_assert_1.strict.ok(logs.some((l) => l.includes('API changed')));
    });
});
(0, node_test_1.describe)('onInterpreterChange', () => {
    (0, node_test_1.beforeEach)(() => {
        stub.reset();
    });
    (0, node_test_1.it)('subscribes to the active-environment event', async () => {
        const emitter = new stub.EventEmitter();
        install({ environments: { onDidChangeActiveEnvironmentPath: emitter.event } });
        let calls = 0;
        const subscription = await (0, pythonExtension_1.onInterpreterChange)(() => calls++);
        node_assert_1.strict.ok(subscription);
        emitter.fire({ path: '/new' });
        node_assert_1.strict.equal(calls, 1);
        subscription.dispose();
        emitter.fire({ path: '/newer' });
        node_assert_1.strict.equal(calls, 1);
    });
    (0, node_test_1.it)('is a no-op without the Python extension', async () => {
        node_assert_1.strict.equal(await (0, pythonExtension_1.onInterpreterChange)(() => undefined), undefined);
    });
});
