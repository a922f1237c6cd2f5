/**
 * Driving code-server's workbench with playwright-core and Debian's chromium (never a downloaded browser).
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type BrowserContext, type FrameLocator, type Locator, type Page } from 'playwright-core';
import { CHROMIUM, ROOT } from '../../scripts/tools';

export const SHOT_DIR = join(ROOT, 'test-results', 'e2e');

export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export async function launchBrowser(profileParent: string): Promise<BrowserContext> {
  mkdirSync(profileParent, { recursive: true });
  // Playwright refuses --user-data-dir in args: the fresh profile goes to launchPersistentContext.
  const profile = mkdtempSync(join(profileParent, 'chromium-'));
  // Chromium writes "Crash Reports" under $XDG_CONFIG_HOME even with its own profile: keep that out of $HOME too.
  const env = { ...process.env, XDG_CONFIG_HOME: join(profile, 'xdg-config'), XDG_CACHE_HOME: join(profile, 'xdg-cache') };
  return chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: CHROMIUM_FLAGS,
    env,
  });
}

export async function openWorkbench(page: Page, baseUrl: string, folder: string): Promise<void> {
  await page.goto(`${baseUrl}/?folder=${encodeURIComponent(folder)}`);
  await page.locator('.monaco-workbench').waitFor({ timeout: 60000 });
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SHOT_DIR, { recursive: true });
  const path = join(SHOT_DIR, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

/**
 * Opens the command palette and types `>query`. The palette takes its command list when it opens, so right
 * after start-up an extension's commands may be missing: close and reopen until `rowText` shows (or give up).
 */
export async function paletteRows(page: Page, query: string, rowText: string, attempts = 20): Promise<void> {
  const input = page.locator('.quick-input-widget input');
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: rowText }).first();
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press('F1');
    await input.waitFor({ state: 'visible', timeout: 15000 });
    await input.fill(`>${query}`);
    try {
      await row.waitFor({ timeout: 3000 });
      return;
    } catch (err) {
      if (attempt >= attempts) throw err;
      await page.keyboard.press('Escape');
      await page.waitForTimeout(1000);
    }
  }
}

/** The labels of the palette's visible rows. */
export async function paletteLabels(page: Page): Promise<string[]> {
  const labels = await page.locator('.quick-input-list .monaco-list-row .label-name').allInnerTexts();
  return labels.map((l) => l.replace(/\s+/g, ' ').trim());
}

/** Runs a command by its palette title ("Column Wizard: Show Log"). */
export async function runCommand(page: Page, title: string): Promise<void> {
  await paletteRows(page, title, title);
  // A click can land while the list is still re-rendering its filtered rows and be lost (seen under load); wait
  // until the focused row is the command, accept it with Enter, and check the palette moved on.
  const focused = page.locator('.quick-input-list .monaco-list-row.focused .label-name');
  const focusedLabel = async () => (await focused.allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim())[0];
  for (let i = 0; i < 20 && (await focusedLabel()) !== title; i++) {
    await page.keyboard.press('ArrowDown');
    await page.waitForTimeout(100);
  }
  const label = await focusedLabel();
  if (label !== title) throw new Error(`the palette never focused "${title}" (focused: "${label ?? 'nothing'}")`);
  await page.keyboard.press('Enter');
  // The palette closes, or (for a command that asks something) shows the command's own quick pick instead.
  const input = page.locator('.quick-input-widget input');
  // Short timeouts: a command that reloads the page (Developer: Reload Window) removes the input between the two
  // calls, and a locator's default wait would then sit 30 s on an element the new page does not have yet.
  for (let i = 0; i < 150; i++) {
    const visible = await input.isVisible().catch(() => false);
    const value = visible ? await input.inputValue({ timeout: 1000 }).catch(() => '') : '';
    if (value !== `>${title}`) return;
    await page.waitForTimeout(100);
  }
  throw new Error(`the palette still shows ">${title}" 15 s after Enter`);
}

/** A webview's content: workbench <iframe class="webview ready"> → VS Code's pre/index.html → <iframe id="active-frame">. */
export function webviewFrame(page: Page, index = 0): FrameLocator {
  return page.locator('iframe.webview.ready').nth(index).contentFrame().frameLocator('#active-frame');
}

/** Opens a workspace file through Quick Open (Ctrl+P) and waits for its editor tab. */
export async function openFile(page: Page, fileName: string): Promise<void> {
  const input = page.locator('.quick-input-widget input');
  await page.keyboard.press('Control+P');
  await input.waitFor({ state: 'visible', timeout: 15000 });
  await input.fill(fileName);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: fileName }).first().waitFor({ timeout: 15000 });
  await page.keyboard.press('Enter');
  await page.locator('.tab', { hasText: fileName }).first().waitFor({ timeout: 15000 });
}

/** The language status hover of the active editor (the `{}` entry beside the language mode), opened by hovering it. */
export async function languageStatusHover(page: Page, itemText: string | RegExp): Promise<Locator> {
  const entry = page.locator('[id="status.languageStatus"]');
  await entry.waitFor({ timeout: 30000 });
  const item = page.locator('.hover-language-status', { hasText: itemText });
  for (let i = 0; i < 20; i++) {
    await page.mouse.move(0, 0);
    await entry.hover();
    try {
      await item.first().waitFor({ timeout: 1500 });
      return item.first();
    } catch {
      await page.waitForTimeout(500);
    }
  }
  throw new Error(`no language status item matching ${String(itemText)}`);
}
