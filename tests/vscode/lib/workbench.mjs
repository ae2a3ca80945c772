// Driving the VS Code workbench in Debian's Chromium with playwright-core, the way a person would:
// keyboard shortcuts, Quick Open, the command palette, hovering, the Problems panel.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

export const SQUIGGLES = '.squiggly-error, .squiggly-warning, .squiggly-info';

export class Workbench {
  static async open(url, { screenshots }) {
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      // The machine has no network but the registries: stop Chromium's own background traffic.
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
    });
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    const wb = new Workbench(browser, page, screenshots);
    page.on('console', (msg) => {
      if (msg.type() === 'error') wb.consoleErrors.push(msg.text());
    });
    await page.goto(url);
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await page.locator('.statusbar').waitFor({ timeout: 60_000 });
    return wb;
  }

  constructor(browser, page, screenshots) {
    this.browser = browser;
    this.page = page;
    this.screenshots = screenshots;
    this.consoleErrors = [];
    this.shot = 0;
    mkdirSync(screenshots, { recursive: true });
  }

  async screenshot(name) {
    await this.page.waitForTimeout(300); // let hovers and notifications finish fading in
    this.shot += 1;
    const file = join(this.screenshots, `${String(this.shot).padStart(2, '0')}-${name}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }

  async close() {
    await this.browser.close();
  }

  /** The status bar entry with this accessibility label (the looplint item sets one per state). */
  statusItem(label) {
    return this.page.locator(`.statusbar .statusbar-item[aria-label="${label}"]`);
  }

  async pressEscape() {
    await this.page.keyboard.press('Escape');
  }

  /** Runs a command from the palette by its full title, e.g. "looplint: Fix All in File". */
  async runCommand(title) {
    await this.page.keyboard.press('F1');
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor();
    await input.fill(`>${title}`);
    const row = this.page.locator('.quick-input-widget .monaco-list-row', { hasText: title }).first();
    await row.waitFor({ timeout: 15_000 });
    await input.press('Enter');
    await this.page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
  }

  /** Opens a workspace file with Quick Open (Ctrl+P) and waits for its editor. */
  async openFile(relativePath) {
    const name = relativePath.split('/').pop();
    await this.page.keyboard.press('Control+P');
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor();
    await input.fill(relativePath);
    const row = this.page.locator('.quick-input-widget .monaco-list-row', { hasText: name }).first();
    await row.waitFor({ timeout: 20_000 });
    await input.press('Enter');
    await this.page.locator(`.tab.active[data-resource-name="${name}"]`).waitFor({ timeout: 20_000 });
    await this.activeEditor().locator('.view-lines').waitFor();
  }

  activeEditor() {
    return this.page.locator('.editor-group-container.active .monaco-editor').first();
  }

  squiggles() {
    return this.activeEditor().locator(SQUIGGLES);
  }

  /** The rendered text token (span) in the active editor whose text is exactly `text`. */
  token(text) {
    return this.activeEditor().locator('.view-line span span', { hasText: new RegExp(`^${text}$`) }).first();
  }

  /**
   * Whether a squiggle is drawn under the token `text` in the active editor: their boxes overlap
   * on the same line. Measured in one pass in the page, since decorations re-render at any time.
   */
  async squiggleUnder(text) {
    return this.activeEditor().evaluate(
      (editor, { text, selector }) => {
        const tokens = [...editor.querySelectorAll('.view-line span span')].filter((s) => s.textContent === text);
        const squiggles = [...editor.querySelectorAll(selector)].map((e) => e.getBoundingClientRect());
        return tokens.some((token) => {
          const t = token.getBoundingClientRect();
          return squiggles.some(
            (s) => s.top < t.bottom && s.bottom > t.top && s.left < t.right - 1 && s.right > t.left + 1,
          );
        });
      },
      { text, selector: SQUIGGLES },
    );
  }

  async waitFor(predicate, { timeout = 30_000, what = 'condition' } = {}) {
    const deadline = Date.now() + timeout;
    for (;;) {
      if (await predicate()) return;
      if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  /**
   * Opens the Problems panel and returns the text of its rows. The panel draws only the rows in
   * view: `filter` (its filter box: text, or a glob like `**\/test_x.py`) narrows it first.
   */
  async problems(filter = '') {
    const panel = this.page.locator('.markers-panel');
    if (!(await panel.isVisible())) {
      await this.runCommand('View: Focus Problems (Errors, Warnings, Infos)');
      await panel.waitFor();
    }
    const box = this.page.locator('.viewpane-filter input, .markers-panel-action-filter input').first();
    if (filter && !(await box.count())) throw new Error('no filter box in the Problems panel');
    if ((await box.count()) && (await box.inputValue()) !== filter) {
      await box.fill(filter);
      await this.page.waitForTimeout(300); // the panel filters after a short delay
    }
    return panel.locator('.monaco-list-row').allInnerTexts();
  }

  /** Moves the mouse over `locator` and returns the hover widget's text. */
  async hover(locator) {
    const box = await locator.boundingBox();
    if (!box) throw new Error('nothing to hover');
    await this.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    const widget = this.page.locator('.monaco-hover:not(.hidden) .hover-contents').first();
    await widget.waitFor({ timeout: 15_000 });
    return this.hoverText();
  }

  /** The text of the hover widget showing now ('' if none). */
  async hoverText() {
    const hover = this.page.locator('.monaco-hover:not(.hidden)').first();
    return (await hover.isVisible()) ? hover.innerText() : '';
  }

  /**
   * Puts the cursor on `locator`, opens the quick fixes (Ctrl+.), moves to the one whose title
   * matches `title` with the arrow keys and applies it with Enter. Returns the titles offered.
   */
  async applyQuickFix(locator, title) {
    await locator.click();
    await this.page.keyboard.press('Control+.');
    const menu = this.page.locator('.action-widget');
    await menu.waitFor({ timeout: 15_000 });
    const rows = menu.locator('.monaco-list-row.action');
    await rows.first().waitFor();
    const offered = await rows.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
    if (!offered.some((t) => title.test(t))) {
      await this.pressEscape();
      throw new Error(`no quick fix matching ${title}; offered: ${JSON.stringify(offered)}`);
    }
    for (let i = 0; i <= offered.length; i++) {
      const focused = (await menu.locator('.monaco-list-row.focused').getAttribute('aria-label')) ?? '';
      if (title.test(focused)) break;
      await this.page.keyboard.press('ArrowDown');
    }
    await this.page.keyboard.press('Enter');
    await menu.waitFor({ state: 'hidden' });
    return offered;
  }

  /**
   * Replaces the user settings through VS Code's own settings.json editor, as a user would (VS
   * Code in code-server does not notice changes made to that file behind its back), then closes
   * that editor again.
   */
  async editUserSettings(settings) {
    await this.runCommand('Preferences: Open User Settings (JSON)');
    await this.page.locator('.tab.active[data-resource-name="settings.json"]').waitFor({ timeout: 20_000 });
    await this.activeEditor().locator('.view-lines').click();
    await this.page.keyboard.press('Control+A');
    // One line, inserted in one go: no auto-closing brackets or auto-indent get in the way.
    await this.page.keyboard.insertText(JSON.stringify(settings));
    await this.save();
    await this.page.locator('.tab.active.dirty').waitFor({ state: 'detached', timeout: 10_000 });
    await this.page.keyboard.press('Control+W');
    await this.page.locator('.tab.active[data-resource-name="settings.json"]').waitFor({ state: 'detached' });
  }

  /** Types at the end of the active document (so that it becomes dirty). */
  async typeAtEnd(text) {
    await this.activeEditor().locator('.view-lines').click();
    await this.page.keyboard.press('Control+End');
    await this.page.keyboard.type(text);
  }

  async save() {
    await this.page.keyboard.press('Control+S');
  }

  /** Saves without running formatters and code actions on save. */
  async saveWithoutCodeActions() {
    await this.runCommand('File: Save without Formatting');
  }
}
