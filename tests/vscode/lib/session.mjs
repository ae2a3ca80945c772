// One end-to-end session: the demo project copied to a scratch folder, code-server with the .vsix
// installed, and Chromium showing it. Screenshots and logs are kept under .e2e/vscode/<name>/.
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CodeServer } from './codeServer.mjs';
import { Workbench } from './workbench.mjs';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const DEMO = join(ROOT, 'examples', 'golden-path');

/** Settings for a quiet, predictable workbench; tests add their own. */
export const BASE_SETTINGS = {
  'workbench.startupEditor': 'none',
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'workbench.tips.enabled': false,
  'editor.hover.delay': 150,
  'files.autoSave': 'off',
  'looplint.logLevel': 'debug',
};

export async function openSession({ name, overlays = [], workspaceSettings, userSettings, workspaceTrust = false }) {
  const codeServer = process.env.CODE_SERVER;
  const vsix = process.env.LOOPLINT_VSIX;
  if (!codeServer || !existsSync(codeServer)) throw new Error('CODE_SERVER must name the code-server launcher (run tests/vscode/run-e2e.sh)');
  if (!vsix || !existsSync(vsix)) throw new Error('LOOPLINT_VSIX must name the packaged extension');
  const artifacts = join(ROOT, '.e2e', 'vscode', name);
  rmSync(artifacts, { recursive: true, force: true });
  mkdirSync(artifacts, { recursive: true });

  const home = mkdtempSync(join(tmpdir(), `looplint-e2e-${name}-`));
  const project = join(home, 'project');
  cpSync(DEMO, project, { recursive: true });
  for (const overlay of overlays) cpSync(overlay, project, { recursive: true });
  if (workspaceSettings) {
    mkdirSync(join(project, '.vscode'), { recursive: true });
    writeFileSync(join(project, '.vscode', 'settings.json'), JSON.stringify(workspaceSettings, null, 2));
  }
  const server = new CodeServer({ binary: codeServer, home, userSettings: { ...BASE_SETTINGS, ...userSettings } });
  const installOutput = await server.installExtension(vsix);
  const url = await server.start(project, { workspaceTrust });
  const wb = await Workbench.open(url, { screenshots: artifacts });
  return { home, server, wb, project, artifacts, installOutput, read: (file) => readFileSync(join(project, file), 'utf8') };
}

/** Closes the browser and code-server; keeps code-server's and the extension's logs. */
export async function closeSession(session) {
  if (!session) return;
  const { wb, server, artifacts } = session;
  if (wb) {
    await wb.screenshot('final').catch(() => undefined);
    await wb.close();
  }
  await server.stop();
  copyFileSync(server.logFile, join(artifacts, 'code-server.log'));
  for (const log of findFiles(join(server.userData, 'logs'), (n) => /looplint/i.test(n))) {
    copyFileSync(log, join(artifacts, log.split('/').slice(-2).join('-')));
  }
}

/** Removes the session's scratch folder (after closeSession and any checks on its processes). */
export function removeSession(session) {
  if (session?.home) rmSync(session.home, { recursive: true, force: true });
}

/** PIDs of looplint servers started from the extension installed under `extensionsDir`. */
export function serverProcesses(extensionsDir) {
  const launcher = join(extensionsDir, 'looplint.looplint-0.1.0', 'bundled', 'tool', 'launch.py');
  return readdirSync('/proc')
    .filter((pid) => /^\d+$/.test(pid))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(launcher);
      } catch {
        return false; // gone meanwhile
      }
    });
}

function findFiles(dir, match, out = []) {
  if (!existsSync(dir)) return out;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) findFiles(full, match, out);
    else if (match(entry.name)) out.push(full);
  }
  return out;
}
