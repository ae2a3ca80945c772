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
  /** False while a restart is on its way (the new server gets the settings at initialize). */
  forwardConfiguration: () => boolean,
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
        // A launch setting change restarts the server; the old client must not forward that
        // change (vscode-languageclient would try to start the stopping server again, logging
        // errors). Our listener runs first (registered at activation) and marks the restart.
        didChangeConfiguration: (sections, next) =>
          client.isRunning() && forwardConfiguration() ? next(sections) : Promise.resolve(),
      },
    },
  };
  const client = new LanguageClient(CLIENT_ID, 'looplint', serverOptions, clientOptions);
  return client;
}
