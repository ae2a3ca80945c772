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
exports.activate = activate;
exports.deactivate = deactivate;
// Entry point of the looplint VS Code extension: a thin client that starts `looplint server`.
const vscode = __importStar(require("vscode"));
const controller_1 = require("./controller");
const fixAll_1 = require("./fixAll");
const pythonExtension_1 = require("./pythonExtension");
const settings_1 = require("./settings");
const status_1 = require("./status");
let controller;
async function activate(context) {
    const log = vscode.window.createOutputChannel('looplint', { log: true });
    const status = new status_1.StatusItem('looplint.showLogs');
    const ctl = new controller_1.ServerController(context.extensionPath, log, status);
    controller = ctl;
    context.subscriptions.push(log, status, vscode.commands.registerCommand('looplint.restart', () => ctl.restart('Restart Server command')), vscode.commands.registerCommand('looplint.showLogs', () => { log.show(); }), vscode.commands.registerCommand('looplint.fixAll', () => (0, fixAll_1.fixAllInActiveEditor)(log)), vscode.workspace.onDidChangeConfiguration((event) => {
        // Other looplint.* settings reach the running server through didChangeConfiguration.
        if (settings_1.RESTART_KEYS.some((key) => event.affectsConfiguration(`${settings_1.SECTION}.${key}`))) {
            void ctl.restart('launch settings changed');
        }
    }), vscode.workspace.onDidGrantWorkspaceTrust(() => void ctl.restart('workspace trusted')));
    const interpreterWatch = await (0, pythonExtension_1.onInterpreterChange)(() => void ctl.restart('Python extension interpreter changed'));
    if (interpreterWatch) {
        context.subscriptions.push(interpreterWatch);
    }
    await ctl.restart('activation');
}
async function deactivate() {
    await controller?.stop();
    controller = undefined;
}
