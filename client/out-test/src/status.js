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
exports.StatusItem = void 0;
exports.statusView = statusView;
// The status bar item: starting / ready / failed / stopped. Clicking it opens the logs.
const vscode = __importStar(require("vscode"));
/** Pure, so the wording is unit-tested without a status bar. */
function statusView(state, detail) {
    switch (state) {
        case 'starting':
            return { text: '$(sync~spin) looplint', tooltip: 'looplint: starting the server…', error: false };
        case 'ready':
            return { text: '$(check) looplint', tooltip: `looplint: server ready${detail ? `\n${detail}` : ''}`, error: false };
        case 'failed':
            return { text: '$(error) looplint', tooltip: `looplint: server failed${detail ? `: ${detail}` : ''}\nClick to show the logs.`, error: true };
        case 'stopped':
            return { text: '$(circle-slash) looplint', tooltip: 'looplint: server stopped', error: false };
    }
}
class StatusItem {
    item;
    state = 'stopped';
    constructor(showLogsCommand) {
        this.item = vscode.window.createStatusBarItem('looplint.status', vscode.StatusBarAlignment.Right, 100);
        this.item.name = 'looplint';
        this.item.command = showLogsCommand;
    }
    set(state, detail) {
        this.state = state;
        const view = statusView(state, detail);
        this.item.text = view.text;
        this.item.tooltip = view.tooltip;
        // The accessibility label doubles as a stable hook for the end-to-end test.
        this.item.accessibilityInformation = { label: `looplint server ${state}` };
        this.item.backgroundColor = view.error ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
        this.item.show();
    }
    dispose() {
        this.item.dispose();
    }
}
exports.StatusItem = StatusItem;
