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
exports.ServerController = void 0;
// Owns the one running language client: resolves what to start, starts it, restarts it when the
// interpreter or launch settings change, and stops it. Restarts are serialised (and coalesced) so
// that a burst of setting changes cannot leave two servers running.
const os = __importStar(require("node:os"));
const fs = __importStar(require("node:fs"));
const vscode = __importStar(require("vscode"));
const node_1 = require("vscode-languageclient/node");
const bundled_1 = require("./bundled");
const languageClient_1 = require("./languageClient");
const probe_1 = require("./probe");
const pythonExtension_1 = require("./pythonExtension");
const resolve_1 = require("./resolve");
const settings_1 = require("./settings");
class ServerController {
    extensionPath;
    log;
    status;
    client;
    queue = Promise.resolve();
    restartPending = false;
    stopping = false;
    shown = new Set();
    constructor(extensionPath, log, status) {
        this.extensionPath = extensionPath;
        this.log = log;
        this.status = status;
    }
    restart(reason) {
        if (this.restartPending) {
            return this.queue; // the queued restart will read the newest settings anyway
        }
        this.restartPending = true;
        this.queue = this.queue
            .then(async () => {
            this.restartPending = false;
            this.log.info(`(Re)starting the server: ${reason}`);
            await this.stopClient();
            await this.start();
        })
            .catch((err) => {
            this.log.error(`Restart failed: ${String(err)}`);
        });
        return this.queue;
    }
    async stop() {
        await this.queue;
        await this.stopClient();
    }
    dispose() {
        void this.stop();
    }
    async start() {
        this.status.set('starting');
        const folder = vscode.workspace.workspaceFolders?.[0];
        const config = vscode.workspace.getConfiguration(settings_1.SECTION, folder?.uri);
        const trusted = vscode.workspace.isTrusted;
        const vars = { workspaceFolder: folder?.uri.fsPath, userHome: os.homedir() };
        const launch = (0, settings_1.readLaunchSettings)(config, trusted);
        launch.path = launch.path && (0, settings_1.expandPath)(launch.path, vars);
        launch.interpreter = launch.interpreter && (0, settings_1.expandPath)(launch.interpreter, vars);
        if (!trusted) {
            this.log.info('Untrusted workspace: using the bundled server and user-level settings only.');
        }
        const bundle = (0, bundled_1.findBundledServer)(this.extensionPath);
        const resolution = await (0, resolve_1.resolveServer)({
            trusted,
            launch,
            bundle,
            defaultPython: process.platform === 'win32' ? 'python' : 'python3',
            probe: (python) => (0, probe_1.probePython)(python, { cwd: os.tmpdir() }),
            pythonExtensionInterpreter: () => (0, pythonExtension_1.selectedInterpreter)(folder?.uri, (m) => { this.log.warn(m); }),
            fileExists: (file) => fs.existsSync(file),
            log: (m) => { this.log.info(m); },
        });
        if (!resolution.ok) {
            this.status.set('failed', resolution.message);
            this.log.error(resolution.message);
            this.notifyOnce(resolution.message);
            return;
        }
        const server = resolution.server;
        this.log.info(`Server: ${server.command} ${server.args.join(' ')}`);
        this.log.info(`Using ${server.description}`);
        const client = (0, languageClient_1.createLanguageClient)(server, (0, settings_1.readServerSettings)(config), folder?.uri.fsPath, this.log);
        client.onDidChangeState((event) => {
            if (this.client !== client) {
                return;
            }
            if (event.newState === node_1.State.Running) {
                this.status.set('ready', server.description);
            }
            else if (event.newState === node_1.State.Starting) {
                this.status.set('starting');
            }
            else if (event.newState === node_1.State.Stopped && !this.stopping) {
                // vscode-languageclient gave up restarting a crashing server.
                this.status.set('failed', 'the server stopped');
            }
        });
        this.client = client;
        try {
            await client.start();
            this.status.set('ready', server.description);
        }
        catch (err) {
            const message = `The looplint server did not start (${server.description}): ${String(err)}`;
            this.status.set('failed', String(err));
            this.log.error(message);
            this.notifyOnce(message);
        }
    }
    async stopClient() {
        const client = this.client;
        if (!client) {
            return;
        }
        this.stopping = true;
        try {
            // Sends shutdown + exit and waits (up to 2 s) for the process to go before killing it.
            await client.dispose(2000);
        }
        catch (err) {
            this.log.warn(`Stopping the server: ${String(err)}`);
        }
        finally {
            this.client = undefined;
            this.stopping = false;
            this.status.set('stopped');
        }
    }
    /** One notification per distinct problem per window: restarts must not nag. */
    notifyOnce(message) {
        if (this.shown.has(message)) {
            return;
        }
        this.shown.add(message);
        const setting = /looplint\.(interpreter|importStrategy|path)/.exec(message)?.[0];
        const actions = setting ? ['Open Settings', 'Show Logs'] : ['Show Logs'];
        void vscode.window.showErrorMessage(message, ...actions).then((choice) => {
            if (choice === 'Open Settings' && setting) {
                void vscode.commands.executeCommand('workbench.action.openSettings', setting);
            }
            else if (choice === 'Show Logs') {
                this.log.show();
            }
        });
    }
}
exports.ServerController = ServerController;
