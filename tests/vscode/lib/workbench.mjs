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
    return this.page.locator(`.statusbar [aria-label="${label}"]`);
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

  /** Whether a squiggle is drawn under `text` (the boxes overlap horizontally on the same line). */
  async squiggleUnder(text) {
    const box = await this.token(text).boundingBox();
    if (!box) return false;
    for (const squiggle of await this.squiggles().all()) {
      const s = await squiggle.boundingBox();
      if (!s) continue;
      const sameLine = s.y < box.y + box.height && s.y + s.height > box.y;
      const overlaps = s.x < box.x + box.width - 1 && s.x + s.width > box.x + 1;
      if (sameLine && overlaps) return true;
    }
    return false;
  }

  async waitFor(predicate, { timeout = 30_000, what = 'condition' } = {}) {
    const deadline = Date.now() + timeout;
    for (;;) {
      if (await predicate()) return;
      if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  /** Opens the Problems panel and returns the text of its rows. */
  async problems() {
    const panel = this.page.locator('.markers-panel');
    if (!(await panel.isVisible())) {
      await this.runCommand('View: Focus Problems (Errors, Warnings, Infos)');
      await panel.waitFor();
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
    // The widget fills in in parts (diagnostic, then the server's hover): let it settle.
    await this.page.waitForTimeout(800);
    return this.page.locator('.monaco-hover:not(.hidden)').first().innerText();
  }

  /** Puts the cursor on `locator`, opens the quick fixes (Ctrl+.) and picks the one matching `title`. */
  async applyQuickFix(locator, title) {
    await locator.click();
    await this.page.mouse.move(0, 0);
    await this.page.keyboard.press('Control+.');
    const menu = this.page.locator('.action-widget');
    await menu.waitFor({ timeout: 15_000 });
    const items = await menu.locator('.monaco-list-row').allInnerTexts();
    const item = menu.locator('.monaco-list-row', { hasText: title }).first();
    await item.waitFor({ timeout: 5_000 }).catch(() => {
      throw new Error(`no quick fix matching ${title}; offered: ${JSON.stringify(items)}`);
    });
    await item.click();
    await menu.waitFor({ state: 'hidden' });
    return items;
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
