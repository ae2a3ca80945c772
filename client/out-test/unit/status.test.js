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
const status_1 = require("../src/status");
const stub = __importStar(require("./support/vscode"));
(0, node_test_1.describe)('status bar', () => {
    (0, node_test_1.beforeEach)(() => {
        stub.reset();
    });
    (0, node_test_1.it)('words each state, and only failure is an error', () => {
        node_assert_1.strict.equal((0, status_1.statusView)('starting').text, '$(sync~spin) looplint');
        node_assert_1.strict.equal((0, status_1.statusView)('ready', 'Python 3.11.7').text, '$(check) looplint');
        node_assert_1.strict.match((0, status_1.statusView)('ready', 'Python 3.11.7').tooltip, /ready\nPython 3\.11\.7/);
        node_assert_1.strict.match((0, status_1.statusView)('failed', 'no Python').tooltip, /failed: no Python\nClick to show the logs/);
        node_assert_1.strict.deepEqual(['starting', 'ready', 'failed', 'stopped'].map((s) => (0, status_1.statusView)(s).error), [false, false, true, false]);
    });
    (0, node_test_1.it)('is one item that opens the logs and shows the current state', () => {
        const status = new status_1.StatusItem('looplint.showLogs');
        node_assert_1.strict.equal(stub.state.statusItems.length, 1);
        const item = stub.state.statusItems[0];
        node_assert_1.strict.equal(item.command, 'looplint.showLogs');
        node_assert_1.strict.equal(item.visible, false);
        status.set('starting');
        node_assert_1.strict.equal(item.visible, true);
        node_assert_1.strict.equal(item.accessibilityInformation?.label, 'looplint server starting');
        status.set('failed', 'boom');
        node_assert_1.strict.equal(item.backgroundColor?.id, 'statusBarItem.errorBackground');
        status.set('ready');
        node_assert_1.strict.equal(item.backgroundColor, undefined);
        node_assert_1.strict.equal(item.accessibilityInformation?.label, 'looplint server ready');
        node_assert_1.strict.equal(status.state, 'ready');
        status.dispose();
        node_assert_1.strict.equal(item.visible, false);
    });
});
