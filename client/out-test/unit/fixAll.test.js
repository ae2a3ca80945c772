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
const fixAll_1 = require("../src/fixAll");
const stub = __importStar(require("./support/vscode"));
const PROVIDER = 'vscode.executeCodeActionProvider';
(0, node_test_1.describe)('Fix All in File', () => {
    let log;
    (0, node_test_1.beforeEach)(() => {
        stub.reset();
        log = stub.fakeLog();
        stub.state.activeTextEditor = { document: { uri: stub.Uri.file('/p/tests/test_a.py'), lineCount: 12 } };
    });
    (0, node_test_1.it)('asks for source.fixAll.looplint on the whole document and applies its edit', async () => {
        const edit = { marker: 'workspace edit' };
        stub.state.commandResults[PROVIDER] = [
            { title: 'Other tool', kind: stub.CodeActionKind.SourceFixAll.append('other'), edit: { marker: 'wrong' } },
            { title: 'looplint: fix all', kind: fixAll_1.FIX_ALL_KIND, edit },
        ];
        node_assert_1.strict.equal(await (0, fixAll_1.fixAllInActiveEditor)(log), true);
        const call = stub.state.executed[0];
        node_assert_1.strict.equal(call.command, PROVIDER);
        const [uri, range, kind] = call.args;
        node_assert_1.strict.equal(uri.fsPath, '/p/tests/test_a.py');
        node_assert_1.strict.deepEqual([range.startLine, range.startCharacter, range.endLine, range.endCharacter], [0, 0, 12, 0]);
        node_assert_1.strict.equal(kind, 'source.fixAll.looplint');
        node_assert_1.strict.deepEqual(stub.state.appliedEdits, [edit]);
    });
    (0, node_test_1.it)('says so when there is nothing to fix, and applies nothing', async () => {
        stub.state.commandResults[PROVIDER] = [];
        node_assert_1.strict.equal(await (0, fixAll_1.fixAllInActiveEditor)(log), false);
        node_assert_1.strict.deepEqual(stub.state.appliedEdits, []);
        node_assert_1.strict.deepEqual(stub.state.messages, ['looplint: nothing to fix in this file.']);
    });
    (0, node_test_1.it)('runs the action command when the server answers with one', async () => {
        stub.state.commandResults[PROVIDER] = [{ title: 'fix', kind: fixAll_1.FIX_ALL_KIND, command: { command: 'looplint.applyFix', arguments: [1, 'a'] } }];
        node_assert_1.strict.equal(await (0, fixAll_1.fixAllInActiveEditor)(log), true);
        node_assert_1.strict.deepEqual(stub.state.executed[1], { command: 'looplint.applyFix', args: [1, 'a'] });
    });
    (0, node_test_1.it)('needs an editor', async () => {
        stub.state.activeTextEditor = undefined;
        node_assert_1.strict.equal(await (0, fixAll_1.fixAllInActiveEditor)(log), false);
        node_assert_1.strict.equal(stub.state.executed.length, 0);
    });
});
