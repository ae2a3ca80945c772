// Restricted Mode (an untrusted folder) in a real VS Code: the workspace's own .vscode/settings.json
// names a looplint executable and an interpreter that do not exist and asks for fromEnvironment.
// Untrusted, the extension must ignore all three and run its bundled server with python3 from
// the PATH; once the user trusts the folder, those settings apply (and here, fail loudly).
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { closeSession, openSession, removeSession } from './lib/session.mjs';

const WORKSPACE_SETTINGS = {
  'looplint.path': '/nonexistent/bin/looplint',
  'looplint.interpreter': '/nonexistent/bin/python3',
  'looplint.importStrategy': 'fromEnvironment',
};

describe('looplint in an untrusted workspace', { timeout: 300_000 }, () => {
  let session;
  let wb;

  before(async () => {
    session = await openSession({
      name: 'untrusted',
      workspaceSettings: WORKSPACE_SETTINGS,
      workspaceTrust: true,
      // Open straight into Restricted Mode, without the modal trust prompt.
      userSettings: { 'security.workspace.trust.startupPrompt': 'never', 'security.workspace.trust.banner': 'always' },
    });
    wb = session.wb;
  });

  after(async () => {
    await closeSession(session);
    removeSession(session);
  });

  it('opens the folder in Restricted Mode', async () => {
    await wb.page.locator('.statusbar-item', { hasText: 'Restricted Mode' }).waitFor({ timeout: 30_000 });
  });

  it('ignores the workspace\'s path, interpreter and import strategy, and lints with the bundled server', async () => {
    await wb.openFile('tests/test_agent.py');
    await wb.statusItem('looplint server ready').waitFor({ timeout: 90_000 });
    await wb.waitFor(() => wb.squiggleUnder('test_reply'), { timeout: 60_000, what: 'UT001 from the bundled server' });
    await wb.screenshot('restricted-mode-linting');
  });

  it('applies the workspace settings once the folder is trusted', async () => {
    await wb.runCommand('Workspaces: Manage Workspace Trust');
    await wb.page.locator('.workspace-trust-editor').waitFor();
    await wb.page.locator('.workspace-trust-editor .monaco-button', { hasText: /^Trust$/ }).click();
    // looplint.path comes first, and it does not exist: the restarted client must say so.
    await wb.statusItem('looplint server failed').waitFor({ timeout: 60_000 });
    const toast = wb.page.locator('.notification-toast', { hasText: 'looplint.path' });
    await toast.waitFor({ timeout: 15_000 });
    assert.match(await toast.innerText(), /\/nonexistent\/bin\/looplint/);
    await wb.screenshot('trusted-uses-workspace-settings');
  });
});
