/**
 * Takes the README's wizard screenshot against a running `npm start` (its URL as the argument):
 * Add Column… on public.orders of the demo database, a NOT NULL column with a volatile default and an index, once the
 * wizard's estimates are measured on the demo server (not the rough defaults).
 *   npx tsx test/e2e/readmeScreenshot.ts 'http://127.0.0.1:8765/?folder=…' docs/wizard.png
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchBrowser, runCommand, webviewFrame } from './workbench';

async function main(): Promise<void> {
  const [url, out] = process.argv.slice(2);
  if (!url || !out) throw new Error('usage: tsx test/e2e/readmeScreenshot.ts <npm start URL> <out.png>');
  const browser = await launchBrowser(mkdtempSync(join(tmpdir(), 'cw-shot-')));
  try {
    const page = browser.pages()[0] ?? (await browser.newPage());
    await page.setViewportSize({ width: 1500, height: 1000 });
    await page.goto(url);
    await page.locator('.monaco-workbench').waitFor({ timeout: 60000 });
    // The demo connection is defined in the workspace's settings: the extension asks once before connecting to it.
    const consent = page.locator('.monaco-dialog-box .monaco-button', { hasText: /^Connect$/ }).first();
    await runCommand(page, 'Column Wizard: Add Column…');
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: 'public.orders' }).first();
    await row.or(consent).first().waitFor({ timeout: 30000 });
    if (await consent.isVisible()) {
      await consent.click();
      // Connecting ends the command before its table list: ask again, now on the open connection.
      await row.waitFor({ timeout: 15000 }).catch(() => runCommand(page, 'Column Wizard: Add Column…'));
    }
    await row.waitFor({ timeout: 30000 });
    await row.click();
    const f = webviewFrame(page);
    const type = async (id: string, text: string) => {
      await f.locator(`#${id} input`).fill('');
      await f.locator(`#${id} input`).pressSequentially(text, { delay: 10 });
    };
    await f.locator('#f-name input').waitFor({ timeout: 30000 });
    await type('f-name', 'last_seen_at');
    await type('f-type', 'timestamptz');
    await f.locator('#f-notnull').click();
    await f.locator('#f-default-expression').click();
    await type('f-default', 'clock_timestamp()');
    await f.locator('#f-index').click();
    // The picture shows a calibrated estimate: wait for the background measurement of the demo server (the wizard
    // re-plans in place when it arrives).
    await f.locator('#estimates-basis.estimates-measured').waitFor({ timeout: 180000 });
    await f.locator('#plan[aria-busy="false"]').waitFor({ timeout: 30000 });
    // … and the steps re-planned with it (their pills say "measured on this server", not "rough").
    // Measure the demo server again now, so the picture's estimates are of this server as it is, not a cached
    // measurement (the wizard re-plans in place when the new one arrives).
    await runCommand(page, 'Column Wizard: Recalibrate Estimates');
    await page.locator('.notifications-toasts', { hasText: 'measured on this server just now' }).waitFor({ timeout: 120000 });
    await f.locator('#plan', { hasText: 'measured on this server just now' }).waitFor({ timeout: 60000 });
    await f.locator('#plan[aria-busy="false"]').waitFor({ timeout: 30000 });
    await page.waitForTimeout(1500);
    await runCommand(page, 'Notifications: Clear All Notifications'); // toasts would cover the plan
    await page.keyboard.press('Control+B'); // hide the side bar: more room for the wizard
    await page.waitForTimeout(800);
    await page.screenshot({ path: out });
    console.log(`wrote ${out}`);
  } finally {
    await browser.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
