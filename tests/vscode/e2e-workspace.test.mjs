// The whole suite in one view, in a real VS Code (code-server with the packaged .vsix, see e2e.test.mjs):
// with `looplint.diagnostics.scope: workspace` the Problems panel lists the problems of files never
// opened; back to open files they go; *looplint: Check Workspace* brings them back with a progress
// notification. The hover adds to the message VS Code shows (the message appears once; on a class's name
// without a diagnostic it says how the class runs its tests), the code lens fixes the class in one
// click, and the ruff-vscode settings change behaviour without a reload.
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ROOT, closeSession, openSession, removeSession } from './lib/session.mjs';

// Files of the project (examples/golden-path plus tests/vscode/fixture) that have UT001 problems.
const NEVER_OPENED = ['test_on_save.py', 'test_fix_command.py', 'test_after_restart.py'];
const MESSAGE = 'never runs: `TestAgent` derives from `unittest.TestCase`'; // a part of UT001's message

describe('looplint workspace diagnostics, hover, code lens and settings in VS Code', { timeout: 600_000 }, () => {
  let session;
  let server;
  let wb;

  before(async () => {
    session = await openSession({
      name: 'workspace',
      overlays: [join(ROOT, 'tests', 'vscode', 'fixture')],
      userSettings: { 'looplint.diagnostics.scope': 'workspace' },
    });
    ({ server, wb } = session);
  });

  after(async () => {
    await closeSession(session);
    removeSession(session);
  });

  async function changeSettings(changes) {
    const next = server.withChanges(changes);
    await wb.editUserSettings(next);
    server.settings = next;
  }

  // The Problems panel draws only the rows in view: filter it to the file to see whether it is listed.
  const listed = async (name) => (await wb.problems(`**/${name}`)).some((row) => row.includes(name));

  it('lists the problems of files never opened (diagnostics.scope: workspace)', async () => {
    await wb.page.evaluate(() => {
      globalThis.__looplintNoReload = true;
    });
    // No editor is open: the extension starts on the folder's pyproject.toml.
    for (const name of NEVER_OPENED) {
      await wb.waitFor(() => listed(name), { timeout: 120_000, what: `${name} in the Problems panel` });
    }
    const rows = await wb.problems('**/test_on_save.py');
    assert.ok(rows.some((r) => /Async test `test_saved` never runs/.test(r)), JSON.stringify(rows));
    assert.equal(await wb.page.locator('.tab').count(), 0, 'no file was opened');
    await wb.screenshot('workspace-problems');
  });

  it('drops them when the scope goes back to open files, without a reload', async () => {
    await changeSettings({ 'looplint.diagnostics.scope': 'openFiles' });
    await wb.waitFor(async () => !(await listed('test_on_save.py')), { what: 'the workspace entries to go' });
    assert.equal(await wb.page.evaluate(() => globalThis.__looplintNoReload), true, 'the window was not reloaded');
  });

  it('"looplint: Check Workspace" fills the panel again, with a progress notification', async () => {
    await wb.runCommand('looplint: Check Workspace');
    const done = wb.page.locator('.notification-toast', { hasText: /looplint: checked \d+ files/ });
    await done.waitFor({ timeout: 120_000 });
    await wb.screenshot('check-workspace');
    for (const name of NEVER_OPENED) {
      await wb.waitFor(() => listed(name), { what: `${name} in the Problems panel after Check Workspace` });
    }
    await wb.page.keyboard.press('Control+J');
  });

  it('the hover adds to the message VS Code shows: the message appears once, why-here first', async () => {
    await wb.openFile('tests/test_agent.py');
    await wb.waitFor(() => wb.squiggleUnder('test_reply'), { timeout: 60_000, what: 'a squiggle under test_reply' });
    let text = await wb.hover(wb.token('test_reply'));
    await wb.waitFor(async () => /Why here/.test((text = await wb.hoverText())), { timeout: 15_000, what: 'the server hover' });
    await wb.screenshot('hover-once');
    await wb.pressEscape();
    const times = text.split(MESSAGE).length - 1;
    assert.equal(times, 1, `the message is shown once, by VS Code: ${text}`);
    const ours = text.slice(text.indexOf('Why here'));
    assert.match(ours, /^Why here: Class chain: TestAgent → SSotAsyncTestCase → SSotBaseTestCase → unittest\.TestCase/);
    assert.ok(ours.indexOf('At runtime') > 0 && ours.indexOf('Fix (unsafe') > ours.indexOf('At runtime'), ours);
    assert.match(ours, /UT001 async-test-on-sync-testcase/); // the link to the rule's page

    // On the class's name, where there is no diagnostic: what the engine knows about how it runs its tests.
    await wb.hover(wb.token('TestAgent'));
    await wb.waitFor(async () => /How TestAgent runs its tests/.test((text = await wb.hoverText())), {
      timeout: 15_000, what: "the class's hover",
    });
    await wb.screenshot('hover-class');
    await wb.pressEscape();
    assert.match(text, /How TestAgent runs its tests \(unittest: async tests never run\)/);
    assert.match(text, /TestAgent → SSotAsyncTestCase → SSotBaseTestCase → unittest\.TestCase/);
  });

  it('"Suppress" is not offered with codeAction.disableRuleComment.enable false', async () => {
    await changeSettings({ 'looplint.codeAction.disableRuleComment.enable': false });
    await wb.waitFor(async () => {
      const offered = await quickFixTitles(wb, wb.token('test_reply'));
      return offered.length > 0 && !offered.some((t) => /Suppress/.test(t));
    }, { what: 'the quick fixes without Suppress' });
    await changeSettings({ 'looplint.codeAction.disableRuleComment.enable': undefined });
  });

  it('the code lens on the class makes it run its async tests, in one click', async () => {
    // TestAgent inherits the golden path's bridging base: the lens names the base's migration (one
    // change in test_framework/base.py fixes every class built on it) rather than a change of the class.
    const lens = wb.activeEditor().locator('.codelens-decoration a', { hasText: /async tests never run — / });
    await lens.first().waitFor({ timeout: 30_000 });
    assert.match(
      await lens.first().innerText(),
      /^3 async tests never run — make `SSotBaseTestCase` \(test_framework\/base\.py\) an IsolatedAsyncioTestCase/,
    );
    await wb.screenshot('code-lens');
    await lens.first().click();
    await wb.waitFor(async () => !(await wb.squiggleUnder('test_reply')), { what: 'the UT001 squiggles to go after the lens' });
    const line = wb.activeEditor().locator('.view-line', { hasText: 'class TestAgent(' });
    assert.doesNotMatch(await line.innerText(), /IsolatedAsyncioTestCase/, 'the class itself is left as it was');
  });

  it('looplint.lint.run onSave: edits are checked when saved', async () => {
    await changeSettings({ 'looplint.lint.run': 'onSave' });
    await wb.openFile('tests/test_on_save.py');
    await wb.waitFor(() => wb.squiggleUnder('test_saved'), { what: 'UT001 in test_on_save.py' });
    await wb.page.waitForTimeout(1000);
    // Make the test sync: it would be fine, but it is not saved yet, so the squiggle stays.
    await wb.token('async').click();
    await wb.page.keyboard.press('Home');
    await wb.page.keyboard.press('Control+Delete');
    await wb.page.keyboard.press('Delete');
    await wb.page.waitForTimeout(2000);
    assert.ok(await wb.squiggleUnder('test_saved'), 'not checked before saving');
    await wb.saveWithoutCodeActions();
    await wb.waitFor(async () => !(await wb.squiggleUnder('test_saved')), { what: 'the squiggle to go on save' });
    await changeSettings({ 'looplint.lint.run': undefined });
  });

  it('looplint.interpreter as a list: the first usable one runs the server', async () => {
    await changeSettings({ 'looplint.interpreter': ['/nonexistent/bin/python3', 'python3'] });
    await wb.statusItem('looplint server ready').waitFor({ timeout: 90_000 });
    await wb.openFile('tests/test_fix_command.py');
    await wb.waitFor(() => wb.squiggleUnder('test_fixed_by_command'), { timeout: 60_000, what: 'diagnostics from that server' });
  });
});

/** The titles of the quick fixes offered at `locator` (Ctrl+.), closing the menu again ([] if none showed). */
async function quickFixTitles(wb, locator) {
  await wb.pressEscape();
  await locator.click();
  await wb.page.keyboard.press('Control+.');
  const menu = wb.page.locator('.action-widget');
  if (!(await menu.waitFor({ timeout: 10_000 }).then(() => true, () => false))) return [];
  const rows = menu.locator('.monaco-list-row.action');
  await rows.first().waitFor();
  const titles = await rows.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
  await wb.pressEscape();
  await menu.waitFor({ state: 'hidden' });
  return titles;
}
