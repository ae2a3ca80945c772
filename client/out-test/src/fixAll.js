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
exports.FIX_ALL_KIND = void 0;
exports.fixAllInActiveEditor = fixAllInActiveEditor;
// "looplint: Fix All in File": asks the server for its source.fixAll.looplint action on the whole
// active document and applies it, exactly what `editor.codeActionsOnSave` would do.
const vscode = __importStar(require("vscode"));
exports.FIX_ALL_KIND = vscode.CodeActionKind.SourceFixAll.append('looplint');
async function fixAllInActiveEditor(log) {
    const editor = vscode.window.activeTextEditor;
    if (!editor) {
        void vscode.window.showInformationMessage('looplint: open a file to fix first.');
        return false;
    }
    const document = editor.document;
    const whole = new vscode.Range(0, 0, document.lineCount, 0);
    // The last argument asks VS Code to resolve the action's edit if the server defers it.
    const actions = (await vscode.commands.executeCommand('vscode.executeCodeActionProvider', document.uri, whole, exports.FIX_ALL_KIND.value, 1)) ?? [];
    const action = actions.find((a) => a.kind !== undefined && exports.FIX_ALL_KIND.contains(a.kind));
    if (!action || (!action.edit && !action.command)) {
        log.info(`Fix all: nothing to fix in ${document.uri.fsPath}`);
        void vscode.window.showInformationMessage('looplint: nothing to fix in this file.');
        return false;
    }
    if (action.edit && !(await vscode.workspace.applyEdit(action.edit))) {
        log.warn(`Fix all: VS Code refused the edit for ${document.uri.fsPath}`);
        return false;
    }
    if (action.command) {
        const args = action.command.arguments ?? [];
        await vscode.commands.executeCommand(action.command.command, ...args);
    }
    log.info(`Fix all: applied "${action.title}" to ${document.uri.fsPath}`);
    return true;
}
