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
const node_child_process_1 = require("node:child_process");
const fs = __importStar(require("node:fs"));
const os = __importStar(require("node:os"));
const path = __importStar(require("node:path"));
const node_test_1 = require("node:test");
const bundled_1 = require("../src/bundled");
const REPO = path.resolve(__dirname, '..', '..', '..');
const LAUNCHER_SOURCE = path.join(REPO, 'scripts', 'bundle_python_launcher.py');
function write(file, text = '') {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
}
/** A fake extension folder laid out like the .vsix, with the real launcher. */
function fakeExtension(versionDirs) {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'looplint-ext-'));
    fs.mkdirSync(path.join(root, 'bundled', 'tool'), { recursive: true });
    fs.copyFileSync(LAUNCHER_SOURCE, path.join(root, 'bundled', 'tool', 'launch.py'));
    // A stand-in server that reports how it was started.
    write(path.join(root, 'bundled', 'libs', 'common', 'looplint', '__init__.py'));
    write(path.join(root, 'bundled', 'libs', 'common', 'looplint', '__main__.py'), 'import json, sys, compiled_part\n' +
        'print(json.dumps({"argv": sys.argv[1:], "main": __file__, "compiled": compiled_part.__file__, "path": sys.path[:2]}))\n');
    for (const dir of versionDirs) {
        write(path.join(root, 'bundled', 'libs', dir, 'compiled_part.py'));
    }
    fs.mkdirSync(path.join(root, 'bundled', 'libs', 'cpython-notes'));
    return root;
}
function pythonTag() {
    return (0, node_child_process_1.execFileSync)('python3', ['-c', 'import sys; print("cp%d%d" % sys.version_info[:2])'], { encoding: 'utf8' }).trim();
}
(0, node_test_1.describe)('findBundledServer', () => {
    (0, node_test_1.it)('lists the CPython versions bundled, sorted', () => {
        const root = fakeExtension(['cp313', 'cp310', 'cp311']);
        const bundle = (0, bundled_1.findBundledServer)(root);
        node_assert_1.strict.ok(bundle);
        node_assert_1.strict.equal(bundle.launcher, path.join(root, 'bundled', 'tool', 'launch.py'));
        node_assert_1.strict.deepEqual(bundle.versions, [
            [3, 10],
            [3, 11],
            [3, 13],
        ]);
        node_assert_1.strict.equal((0, bundled_1.describeVersions)(bundle), '3.10, 3.11, 3.13');
        node_assert_1.strict.ok((0, bundled_1.supports)(bundle, [3, 11, 7]));
        node_assert_1.strict.ok(!(0, bundled_1.supports)(bundle, [3, 12, 0]));
    });
    (0, node_test_1.it)('finds nothing in a checkout that was never bundled', () => {
        node_assert_1.strict.equal((0, bundled_1.findBundledServer)(fs.mkdtempSync(path.join(os.tmpdir(), 'looplint-empty-'))), undefined);
    });
});
(0, node_test_1.describe)('the bundled launcher (scripts/bundle_python_launcher.py)', () => {
    (0, node_test_1.it)('runs `looplint server` from the bundle for this Python, ignoring the workspace and PYTHONPATH', () => {
        const tag = pythonTag();
        const root = fakeExtension([tag, 'cp39']);
        // A workspace and a PYTHONPATH that both hold a different "looplint": neither may win.
        const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'looplint-ws-'));
        write(path.join(workspace, 'looplint', '__init__.py'), 'raise SystemExit("workspace looplint imported")');
        write(path.join(workspace, 'looplint', '__main__.py'), 'raise SystemExit("workspace looplint imported")');
        const launcher = path.join(root, 'bundled', 'tool', 'launch.py');
        const out = (0, node_child_process_1.execFileSync)('python3', ['-I', launcher, '--extra'], {
            cwd: workspace,
            env: { ...process.env, PYTHONPATH: workspace },
            encoding: 'utf8',
        });
        const report = JSON.parse(out);
        node_assert_1.strict.deepEqual(report.argv, ['server', '--extra']);
        node_assert_1.strict.equal(report.main, path.join(root, 'bundled', 'libs', 'common', 'looplint', '__main__.py'));
        node_assert_1.strict.equal(report.compiled, path.join(root, 'bundled', 'libs', tag, 'compiled_part.py'));
        node_assert_1.strict.deepEqual(report.path, [path.join(root, 'bundled', 'libs', tag), path.join(root, 'bundled', 'libs', 'common')]);
    });
    (0, node_test_1.it)('refuses a Python it has no packages for, saying which it has', () => {
        const root = fakeExtension(['cp39']);
        const result = (0, node_child_process_1.spawnSync)('python3', ['-I', path.join(root, 'bundled', 'tool', 'launch.py')], { encoding: 'utf8' });
        node_assert_1.strict.equal(result.status, 2);
        node_assert_1.strict.match(result.stderr, /no packages for Python 3\.\d+ \(bundled: cp39\)/);
    });
});
