"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.createLanguageClient = createLanguageClient;
const node_1 = require("vscode-languageclient/node");
const clientOptions_1 = require("./clientOptions");
function createLanguageClient(server, settings, cwd, log) {
    const serverOptions = (0, clientOptions_1.serverOptionsFor)(server, cwd);
    const clientOptions = {
        ...(0, clientOptions_1.clientOptionsFor)(settings),
        outputChannel: log,
        traceOutputChannel: log,
        // Errors are in the status bar and in one notification of our own; no pop-up of the channel.
        revealOutputChannelOn: node_1.RevealOutputChannelOn.Never,
    };
    return new node_1.LanguageClient(clientOptions_1.CLIENT_ID, 'looplint', serverOptions, clientOptions);
}
