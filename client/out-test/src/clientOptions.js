"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.CLIENT_ID = void 0;
exports.serverOptionsFor = serverOptionsFor;
exports.clientOptionsFor = clientOptionsFor;
const selector_1 = require("./selector");
const settings_1 = require("./settings");
exports.CLIENT_ID = 'looplint'; // also makes vscode-languageclient honour `looplint.trace.server`
function serverOptionsFor(server, cwd) {
    // Added to (not replacing) the extension host's environment by vscode-languageclient.
    // Unbuffered: server log lines reach the output channel when they are written.
    return { command: server.command, args: server.args, options: { cwd, env: { PYTHONUNBUFFERED: '1' } } };
}
function clientOptionsFor(settings) {
    return {
        documentSelector: selector_1.DOCUMENT_SELECTOR,
        initializationOptions: (0, settings_1.initializationOptions)(settings),
        // Sends workspace/didChangeConfiguration {settings: {looplint: {...}}} when any looplint.*
        // setting changes, so select/ignore/severity edits apply without a restart. The server can
        // also ask with workspace/configuration (section "looplint"), which the client answers.
        synchronize: { configurationSection: settings_1.SECTION },
    };
}
