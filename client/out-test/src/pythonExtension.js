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
exports.PYTHON_EXTENSION_ID = void 0;
exports.selectedInterpreter = selectedInterpreter;
exports.onInterpreterChange = onInterpreterChange;
// The interpreter selected in Microsoft's Python extension, if that extension is installed.
// It is optional on purpose (no extensionDependencies): offline installs such as code-server
// cannot get it, and looplint must work without it. Its API is typed here structurally, only as
// far as we use it, and every step is checked, since we cannot pin its version.
const vscode = __importStar(require("vscode"));
exports.PYTHON_EXTENSION_ID = 'ms-python.python';
async function api() {
    const extension = vscode.extensions.getExtension(exports.PYTHON_EXTENSION_ID);
    if (!extension) {
        return undefined;
    }
    const exported = extension.isActive ? extension.exports : await extension.activate();
    return exported && typeof exported === 'object' ? exported : undefined;
}
/** The selected interpreter's executable, or undefined (no extension, nothing selected, API changed). */
async function selectedInterpreter(resource, log) {
    try {
        const python = await api();
        if (!python) {
            return undefined;
        }
        const environments = python.environments;
        if (environments && typeof environments.getActiveEnvironmentPath === 'function') {
            const active = environments.getActiveEnvironmentPath(resource);
            if (active?.path) {
                const resolved = await environments.resolveEnvironment(active);
                return resolved?.executable?.uri?.fsPath ?? active.path;
            }
        }
        const command = python.settings?.getExecutionDetails?.(resource).execCommand;
        if (command && command.length === 1 && command[0]) {
            return command[0];
        }
    }
    catch (err) {
        log(`Could not ask the Python extension for its interpreter: ${String(err)}`);
    }
    return undefined;
}
/** Calls `listener` when the Python extension's selected interpreter changes. */
async function onInterpreterChange(listener) {
    try {
        const python = await api();
        const event = python?.environments?.onDidChangeActiveEnvironmentPath ?? python?.settings?.onDidChangeExecutionDetails;
        return event ? event(() => { listener(); }) : undefined;
    }
    catch {
        return undefined;
    }
}
