// The packaged extension in a real VS Code: code-server 4.100.3 (VS Code 1.100.3) with the .vsix
// installed by `code-server --install-extension`, no Python extension, the server from the
// bundled packages (importStrategy useBundled) run by python3 on the PATH; the workbench is
// driven in Debian's Chromium by playwright-core, with keyboard and mouse like a person would.
//
// Run through tests/vscode/run-e2e.sh (make vscode-e2e), which provides CODE_SERVER and
// LOOPLINT_VSIX. Screenshots and logs go to .e2e/vscode/.
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ROOT, closeSession, openSession, removeSession, serverProcesses } from './lib/session.mjs';

// The project: the golden-path demo (examples/golden-path), copied to a scratch folder since we
// change it, with the modules of tests/vscode/fixture/ laid over it for the fix-all checks.
const MAIN_FILE = 'tests/test_agent.py';
const ASYNC_TEST = 'test_reply'; // one of the async tests on a TestCase-derived base there
const OTHER_ASYNC_TEST = 'test_ready';
const CLASS_NAME = 'TestAgent';

describe('looplint in VS Code (code-server)', { timeout: 600_000 }, () => {
  let session;
  let server;
  let wb;
  const read = (file) => session.read(file);

  before(async () => {
    session = await openSession({
      name: 'trusted',
      overlays: [join(ROOT, 'tests', 'vscode', 'fixture')],
      userSettings: { 'editor.codeActionsOnSave': { 'source.fixAll.looplint': 'explicit' } },
    });
    ({ server, wb } = session);
  });

  after(async () => {
    await closeSession(session);
    if (server) {
      // Stopping VS Code must not leave a language server behind. The server exits on its own once
      // its client is gone; give it a bounded time (a loaded machine is slow to reap it).
      const deadline = Date.now() + 20_000;
      while (serverProcesses(server.extensions).length && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 500));
      }
      assert.deepEqual(serverProcesses(server.extensions), [], 'no server process left 20 s after code-server stopped');
    }
    removeSession(session);
  });

  /** Changes user settings in the running window, through its settings.json editor. */
  async function changeSettings(changes) {
    const next = server.withChanges(changes);
    await wb.editUserSettings(next);
    server.settings = next;
  }

  it('installs from the .vsix the way a user does, without the Python extension', async () => {
    assert.match(session.installOutput, /Extension '[^']+\.vsix' was successfully installed/);
    const installed = await server.listExtensions();
    assert.deepEqual(installed, ['looplint.looplint@0.1.0']);
  });

  it('starts the bundled server: the status bar shows it ready', async () => {
    await wb.openFile(MAIN_FILE); // a Python file activates the extension
    await wb.statusItem('looplint server ready').waitFor({ timeout: 90_000 });
    await wb.screenshot('server-ready');
  });

  it('draws the squiggle under the name of the async test', async () => {
    await wb.waitFor(() => wb.squiggleUnder(ASYNC_TEST), { timeout: 60_000, what: `a squiggle under ${ASYNC_TEST}` });
    assert.ok(await wb.squiggleUnder(OTHER_ASYNC_TEST), `the other async test, ${OTHER_ASYNC_TEST}, is marked too`);
    assert.equal(await wb.squiggleUnder(CLASS_NAME), false, 'the def names are marked, not the class');
    assert.equal(await wb.squiggleUnder('test_sync_still_runs'), false, 'the sync test is fine');
    assert.ok(await wb.activeEditor().locator('.squiggly-error').count(), 'UT001 is an error');
    await wb.screenshot('squiggle');
  });

  it('lists the problem with its code in the Problems panel', async () => {
    let rows = [];
    await wb.waitFor(async () => (rows = await wb.problems()).some((r) => r.includes('UT001')), { what: 'UT001 in Problems' });
    const row = rows.find((r) => r.includes('UT001'));
    assert.match(row, /Async test `test_reply` never runs/);
    assert.match(row, /looplint/);
    await wb.screenshot('problems');
    await wb.page.keyboard.press('Control+J'); // hide the panel again
  });

  it('explains the rule when hovering the squiggle', async () => {
    let text = await wb.hover(wb.token(ASYNC_TEST));
    // The hover fills in from two sources (the diagnostic, then the server's hover): wait for both.
    await wb.waitFor(
      async () => /async-test-on-sync-testcase/.test((text = await wb.hoverText())),
      { timeout: 10_000, what: 'the rule explanation in the hover' },
    ).catch(() => undefined);
    await wb.screenshot('hover');
    await wb.pressEscape();
    assert.match(text, /UT001/);
    // Not only the diagnostic's message: the server's explanation of the rule, under its name.
    assert.match(text, /async-test-on-sync-testcase/);
  });

  it('changing looplint.select changes the diagnostics without a reload', async () => {
    await wb.page.evaluate(() => {
      globalThis.__looplintNoReload = true;
    });
    await changeSettings({ 'looplint.select': ['LP'] });
    await wb.waitFor(async () => !(await wb.squiggleUnder(ASYNC_TEST)), { what: 'UT001 to disappear with select=["LP"]' });
    assert.ok(!(await wb.squiggleUnder(OTHER_ASYNC_TEST)));
    assert.ok(!(await wb.problems()).some((r) => r.includes('UT001')));
    await wb.screenshot('select-LP');
    await wb.page.keyboard.press('Control+J');
    await changeSettings({ 'looplint.select': ['UT001'] });
    await wb.waitFor(() => wb.squiggleUnder(ASYNC_TEST), { what: 'UT001 to come back with select=["UT001"]' });
    assert.equal(await wb.page.evaluate(() => globalThis.__looplintNoReload), true, 'the window was not reloaded');
    await changeSettings({ 'looplint.select': undefined });
  });

  it('the quick fix (Ctrl+.) changes the base class, on disk after saving', async () => {
    // TestAgent inherits the golden path's bridging base: the quick fix is its migration, one change in
    // test_framework/base.py (the base becomes an IsolatedAsyncioTestCase, the bridge goes) that fixes
    // every class built on it; the test module itself is left as it is.
    const BASE_FILE = 'test_framework/base.py';
    const before = read(MAIN_FILE);
    const offered = await wb.applyQuickFix(wb.token(ASYNC_TEST), /SSotBaseTestCase.*IsolatedAsyncioTestCase/);
    await wb.screenshot('quick-fix-applied');
    assert.ok(offered.length >= 1);
    // The migration's file is open in the background, unsaved: save it the way a user would, from its
    // editor (without this session's fix-all on save, which is tested below).
    await wb.openFile(BASE_FILE);
    await wb.saveWithoutCodeActions();
    // The editor truncates a file before it writes the new text: a read in between sees an empty
    // file, so wait for the migrated class line itself rather than for any change.
    const migrated = /^class SSotBaseTestCase\(unittest\.IsolatedAsyncioTestCase\):$/m;
    await wb.waitFor(() => migrated.test(read(BASE_FILE)), { what: `${BASE_FILE} to change on disk` });
    assert.doesNotMatch(read(BASE_FILE), /ThreadPoolExecutor/, 'the bridge is gone');
    assert.equal(read(MAIN_FILE), before);
    // The squiggles going once the base is migrated is checked by the code lens test (e2e-workspace).
  });

  it('fix-all on save (editor.codeActionsOnSave) applies unsafe fixes only with looplint.unsafeFixes', async () => {
    const file = 'tests/test_on_save.py';
    await wb.openFile(file);
    await wb.waitFor(() => wb.squiggleUnder('test_saved'), { what: 'UT001 in test_on_save.py' });

    await wb.typeAtEnd('# saved once');
    await wb.save();
    await wb.waitFor(() => read(file).includes('# saved once'), { what: 'the first save' });
    assert.match(read(file), /class TestOnSave\(unittest\.TestCase\):/, 'UT001 fix is unsafe: not applied on save by default');

    await changeSettings({ 'looplint.unsafeFixes': true });
    // The setting reaches the server by didChangeConfiguration; save until the fix shows (it has no
    // other visible effect to wait for), a few times at most.
    for (let attempt = 1; attempt <= 5; attempt++) {
      await wb.page.waitForTimeout(1000);
      await wb.typeAtEnd(`\n# saved again ${attempt}`);
      await wb.save();
      await wb.waitFor(() => read(file).includes(`# saved again ${attempt}`), { what: `save ${attempt}` });
      if (read(file).includes('IsolatedAsyncioTestCase')) break;
    }
    await wb.screenshot('fix-all-on-save');
    assert.match(read(file), /class TestOnSave\(unittest\.IsolatedAsyncioTestCase\):/);
  });

  it('"looplint: Fix All in File" fixes the active file', async () => {
    const file = 'tests/test_fix_command.py';
    await wb.openFile(file);
    await wb.waitFor(() => wb.squiggleUnder('test_fixed_by_command'), { what: 'UT001 in test_fix_command.py' });
    await wb.runCommand('looplint: Fix All in File');
    await wb.waitFor(async () => !(await wb.squiggleUnder('test_fixed_by_command')), { what: 'the fix to apply' });
    await wb.saveWithoutCodeActions();
    await wb.waitFor(() => read(file).includes('IsolatedAsyncioTestCase'), { what: `${file} to change on disk` });
    assert.match(read(file), /class TestFixCommand\(unittest\.IsolatedAsyncioTestCase\):/);
    await wb.screenshot('fix-all-command');
  });

  it('reports configuration errors inside pyproject.toml, which is no Python file', async () => {
    await wb.openFile('pyproject.toml');
    await wb.page.waitForTimeout(1000);
    const before = await wb.squiggles().count();
    await wb.typeAtEnd('bogus-key = 1'); // the file ends inside [tool.looplint]
    await wb.waitFor(async () => (await wb.squiggles().count()) > before, { what: 'a squiggle in pyproject.toml' });
    let rows = [];
    await wb.waitFor(async () => (rows = await wb.problems()).some((r) => r.includes('bogus-key')), { what: 'the error in Problems' });
    assert.match(rows.find((r) => r.includes('bogus-key')), /\[tool\.looplint\] bogus-key: unknown key/);
    await wb.screenshot('pyproject-error');
    await wb.page.keyboard.press('Control+J');
    await wb.runCommand('File: Revert File');
    await wb.waitFor(async () => (await wb.squiggles().count()) === before, { what: 'the squiggle to go with the edit' });
  });

  it('Restart Server replaces the server process, leaving no other behind', async () => {
    const before = serverProcesses(server.extensions);
    assert.equal(before.length, 1, `one server before: ${JSON.stringify(before)}`);
    await wb.runCommand('looplint: Restart Server');
    await wb.waitFor(
      async () => {
        const now = serverProcesses(server.extensions);
        return now.length === 1 && now[0] !== before[0] && (await wb.statusItem('looplint server ready').isVisible());
      },
      { what: 'a single new server process, ready' },
    );
  });

  it('says which setting to fix when the interpreter is unusable, and recovers once it is fixed', async () => {
    await changeSettings({ 'looplint.interpreter': '/nonexistent/bin/python3' });
    await wb.statusItem('looplint server failed').waitFor({ timeout: 30_000 });
    const toast = wb.page.locator('.notification-toast', { hasText: '/nonexistent/bin/python3' });
    await toast.waitFor({ timeout: 15_000 });
    const message = await toast.innerText();
    assert.match(message, /looplint\.interpreter is set to "\/nonexistent\/bin\/python3"/);
    assert.match(message, /Open Settings/);
    await wb.screenshot('bad-interpreter');
    await wb.waitFor(() => serverProcesses(server.extensions).length === 0, { what: 'the old server process to end', timeout: 10_000 });

    await changeSettings({ 'looplint.interpreter': undefined });
    await wb.statusItem('looplint server ready').waitFor({ timeout: 60_000 });
    await wb.openFile('tests/test_after_restart.py');
    await wb.waitFor(() => wb.squiggleUnder('test_seen_by_the_new_server'), { what: 'diagnostics from the restarted server' });
  });

  it('kept the server up throughout; its status bar item opens the logs', async () => {
    const item = wb.statusItem('looplint server ready');
    assert.ok(await item.isVisible());
    await item.click();
    const output = wb.page.locator('.panel .output-view, .panel [id="workbench.panel.output"]').first();
    await output.waitFor({ timeout: 15_000 });
    // The Output panel shows the channel named looplint (its picker), with our log lines in it.
    const picker = wb.page.locator('.panel select.monaco-select-box').first();
    const channel = async () => ((await picker.count()) ? picker.evaluate((s) => s.options[s.selectedIndex]?.text ?? '') : '');
    await wb.waitFor(async () => (await channel()) === 'looplint', { what: 'the looplint channel in the Output panel' });
    const logLine = /\d{4}-\d\d-\d\d\s+\d\d:\d\d:\d\d\.\d+\s+\[(info|debug|warning|error)\]/;
    await wb.waitFor(async () => logLine.test(await output.innerText()), { what: 'log lines in the Output panel' });
    await wb.screenshot('logs');
  });
});
