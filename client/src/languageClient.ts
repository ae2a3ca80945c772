// Building the vscode-languageclient client for a resolved server command.
import * as vscode from 'vscode';
import { LanguageClient, LanguageClientOptions, RevealOutputChannelOn, ServerOptions } from 'vscode-languageclient/node';
import { CLIENT_ID, clientOptionsFor, serverOptionsFor } from './clientOptions';
import { ServerCommand } from './resolve';
import { ServerSettings } from './settings';

export function createLanguageClient(
  server: ServerCommand,
  settings: ServerSettings,
  cwd: string | undefined,
  log: vscode.LogOutputChannel,
): LanguageClient {
  const serverOptions: ServerOptions = serverOptionsFor(server, cwd);
  const clientOptions: LanguageClientOptions = {
    ...clientOptionsFor(settings),
    outputChannel: log,
    traceOutputChannel: log,
    // Errors are in the status bar and in one notification of our own; no pop-up of the channel.
    revealOutputChannelOn: RevealOutputChannelOn.Never,
    middleware: {
      workspace: {
        // A launch setting change restarts the server; meanwhile the old client must not try to
        // forward that change (vscode-languageclient would try to start it again and log errors).
        didChangeConfiguration: (sections, next) => (client.isRunning() ? next(sections) : Promise.resolve()),
      },
    },
  };
  const client = new LanguageClient(CLIENT_ID, 'looplint', serverOptions, clientOptions);
  return client;
}
