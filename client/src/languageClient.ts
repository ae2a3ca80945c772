// Building the vscode-languageclient client for a resolved server command. The option objects are
// built by pure functions so the tests can check them without starting anything.
import * as vscode from 'vscode';
import { LanguageClient, LanguageClientOptions, RevealOutputChannelOn, ServerOptions } from 'vscode-languageclient/node';
import { ServerCommand } from './resolve';
import { DOCUMENT_SELECTOR, Filter } from './selector';
import { SECTION, ServerSettings, initializationOptions } from './settings';

export const CLIENT_ID = 'looplint'; // also makes vscode-languageclient honour `looplint.trace.server`

export interface ExecutableOptions {
  command: string;
  args: string[];
  options: { cwd?: string; env: Record<string, string> };
}

export function serverOptionsFor(server: ServerCommand, cwd: string | undefined): ExecutableOptions {
  // Added to (not replacing) the extension host's environment by vscode-languageclient.
  // Unbuffered: server log lines reach the output channel when they are written.
  return { command: server.command, args: server.args, options: { cwd, env: { PYTHONUNBUFFERED: '1' } } };
}

export interface PlainClientOptions {
  documentSelector: Filter[];
  initializationOptions: { settings: ServerSettings };
  synchronize: { configurationSection: string };
}

export function clientOptionsFor(settings: ServerSettings): PlainClientOptions {
  return {
    documentSelector: DOCUMENT_SELECTOR,
    initializationOptions: initializationOptions(settings),
    // Sends workspace/didChangeConfiguration {settings: {looplint: {...}}} when any looplint.*
    // setting changes, so select/ignore/severity edits apply without a restart. The server can
    // also ask with workspace/configuration (section "looplint"), which the client answers.
    synchronize: { configurationSection: SECTION },
  };
}

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
  };
  return new LanguageClient(CLIENT_ID, 'looplint', serverOptions, clientOptions);
}
