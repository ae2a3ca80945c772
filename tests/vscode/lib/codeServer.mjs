// Runs code-server (the real VS Code workbench, served over HTTP) in throwaway folders, with an
// extension installed from a .vsix the way a user installs it.
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A free TCP port on the loopback interface. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

export class CodeServer {
  /**
   * @param {object} opts
   * @param {string} opts.binary   the code-server launcher
   * @param {string} opts.home     a scratch folder for its user data, extensions and config
   * @param {Record<string, unknown>} opts.userSettings  initial User/settings.json
   */
  constructor({ binary, home, userSettings }) {
    this.binary = binary;
    this.userData = join(home, 'user-data');
    this.extensions = join(home, 'extensions');
    this.logFile = join(home, 'code-server.log');
    // Keep code-server away from ~/.config and ~/.local (it writes config.yaml there otherwise).
    this.env = { ...process.env, XDG_CONFIG_HOME: join(home, 'xdg-config'), XDG_DATA_HOME: join(home, 'xdg-data') };
    mkdirSync(join(this.userData, 'User'), { recursive: true });
    mkdirSync(this.extensions, { recursive: true });
    this.writeUserSettings(userSettings);
    this.process = undefined;
    this.output = '';
  }

  get settingsFile() {
    return join(this.userData, 'User', 'settings.json');
  }

  /** The settings a new window starts with (a running one does not see later writes). */
  writeUserSettings(settings) {
    this.settings = settings;
    writeFileSync(this.settingsFile, JSON.stringify(settings, null, 2));
  }

  /** `settings` with `changes` applied (an undefined value removes the key). */
  withChanges(changes) {
    const next = { ...this.settings };
    for (const [key, value] of Object.entries(changes)) {
      if (value === undefined) delete next[key];
      else next[key] = value;
    }
    return next;
  }

  cli(args) {
    return run(this.binary, ['--extensions-dir', this.extensions, '--user-data-dir', this.userData, ...args], {
      env: this.env,
      timeout: 120_000,
    });
  }

  async installExtension(vsix) {
    const { stdout, stderr } = await this.cli(['--install-extension', vsix]);
    return stdout + stderr;
  }

  async listExtensions() {
    const { stdout } = await this.cli(['--list-extensions', '--show-versions']);
    return stdout.split('\n').filter(Boolean);
  }

  /**
   * Starts serving `folder`; resolves with the URL that opens it once the server answers.
   * Workspace trust is off unless `workspaceTrust` (then folders open in Restricted Mode).
   */
  async start(folder, { workspaceTrust = false } = {}) {
    const port = await freePort();
    const args = [
      '--auth', 'none',
      '--bind-addr', `127.0.0.1:${port}`,
      '--disable-telemetry',
      '--disable-update-check',
      ...(workspaceTrust ? [] : ['--disable-workspace-trust']),
      '--disable-getting-started-override',
      '--extensions-dir', this.extensions,
      '--user-data-dir', this.userData,
      folder,
    ];
    this.process = spawn(this.binary, args, { env: this.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const collect = (chunk) => {
      this.output += chunk.toString();
    };
    this.process.stdout.on('data', collect);
    this.process.stderr.on('data', collect);
    const base = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (this.process.exitCode !== null) {
        throw new Error(`code-server exited (${this.process.exitCode}):\n${this.output}`);
      }
      try {
        const response = await fetch(`${base}/healthz`);
        if (response.ok) {
          return `${base}/?folder=${encodeURIComponent(folder)}`;
        }
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`code-server did not answer within 60 s:\n${this.output}`);
  }

  async stop() {
    const child = this.process;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
    writeFileSync(this.logFile, this.output);
  }
}
