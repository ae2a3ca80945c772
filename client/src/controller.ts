// Owns the one running language client: resolves what to start, starts it, restarts it when the
// interpreter or launch settings change, and stops it. Restarts are serialised (and coalesced) so
// that a burst of setting changes cannot leave two servers running.
import * as os from 'node:os';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { LanguageClient, State } from 'vscode-languageclient/node';
import { findBundledServer, findBundledWheel } from './bundled';
import { createLanguageClient } from './languageClient';
import { probePython } from './probe';
import { selectedInterpreter } from './pythonExtension';
import { resolveServer, versionedPythonNames } from './resolve';
import { SECTION, expandPath, readLaunchSettings, readServerSettings } from './settings';
import { StatusItem } from './status';

export class ServerController implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private queue: Promise<void> = Promise.resolve();
  private restartPending = false;
  private stopping = false;
  private readonly shown = new Set<string>();

  constructor(
    private readonly extensionPath: string,
    private readonly log: vscode.LogOutputChannel,
    private readonly status: StatusItem,
  ) {}

  restart(reason: string): Promise<void> {
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
      .catch((err: unknown) => {
        this.log.error(`Restart failed: ${String(err)}`);
      });
    return this.queue;
  }

  /** The running client, if any (commands that talk to the server use it). */
  get running(): LanguageClient | undefined {
    return this.client?.isRunning() ? this.client : undefined;
  }

  async stop(): Promise<void> {
    await this.queue;
    await this.stopClient();
  }

  dispose(): void {
    void this.stop();
  }

  private async start(): Promise<void> {
    this.status.set('starting');
    const folder = vscode.workspace.workspaceFolders?.[0];
    const config = vscode.workspace.getConfiguration(SECTION, folder?.uri);
    const trusted = vscode.workspace.isTrusted;
    const vars = { workspaceFolder: folder?.uri.fsPath, userHome: os.homedir() };
    const launch = readLaunchSettings(config, trusted);
    launch.path = launch.path.map((p) => expandPath(p, vars));
    launch.interpreter = launch.interpreter.map((p) => expandPath(p, vars));
    if (!trusted) {
      this.log.info('Untrusted workspace: using the bundled server and user-level settings only.');
    }

    const bundle = findBundledServer(this.extensionPath);
    const resolution = await resolveServer({
      trusted,
      launch,
      bundle,
      wheel: findBundledWheel(this.extensionPath),
      defaultPython: process.platform === 'win32' ? 'python' : 'python3',
      versionedPythons: versionedPythonNames(process.platform),
      probe: (python) => probePython(python, { cwd: os.tmpdir() }),
      pythonExtensionInterpreter: () => selectedInterpreter(folder?.uri, (m) => { this.log.warn(m); }),
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
    const client = createLanguageClient(server, readServerSettings(config), folder?.uri.fsPath, this.log, () => !this.restartPending);
    client.onDidChangeState((event) => {
      if (this.client !== client) {
        return;
      }
      if (event.newState === State.Running) {
        this.status.set('ready', server.description);
      } else if (event.newState === State.Starting) {
        this.status.set('starting');
      } else if (event.newState === State.Stopped && !this.stopping) {
        // vscode-languageclient gave up restarting a crashing server.
        this.status.set('failed', 'the server stopped');
      }
    });
    this.client = client;
    try {
      await client.start();
      this.status.set('ready', server.description);
    } catch (err) {
      const message = `The looplint server did not start (${server.description}): ${String(err)}`;
      this.status.set('failed', String(err));
      this.log.error(message);
      this.notifyOnce(message);
    }
  }

  private async stopClient(): Promise<void> {
    const client = this.client;
    if (!client) {
      return;
    }
    this.stopping = true;
    try {
      // Sends shutdown + exit and waits (up to 2 s) for the process to go before killing it.
      await client.dispose(2000);
    } catch (err) {
      this.log.warn(`Stopping the server: ${String(err)}`);
    } finally {
      this.client = undefined;
      this.stopping = false;
      this.status.set('stopped');
    }
  }

  /** One notification per distinct problem per window: restarts must not nag. */
  private notifyOnce(message: string): void {
    if (this.shown.has(message)) {
      return;
    }
    this.shown.add(message);
    const setting = /looplint\.(interpreter|importStrategy|path)/.exec(message)?.[0];
    const actions = setting ? ['Open Settings', 'Show Logs'] : ['Show Logs'];
    void vscode.window.showErrorMessage(message, ...actions).then((choice) => {
      if (choice === 'Open Settings' && setting) {
        void vscode.commands.executeCommand('workbench.action.openSettings', setting);
      } else if (choice === 'Show Logs') {
        this.log.show();
      }
    });
  }
}
