// The option objects for vscode-languageclient, built by pure functions (no `vscode` or
// vscode-languageclient import) so the unit tests check exactly what the client is given.
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
