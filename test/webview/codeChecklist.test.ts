/** The rollout checklist in the code, in the wizard: the real scan of a fixture project, rendered, linked and ticked. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import type { TableFacts, Target } from '../../src/core/types';
import type { WizardContext } from '../../src/protocol';
import { launch, openWizard, ROOT } from './harness';

const context: WizardContext = {
  connection: { name: 'local pg', dialect: 'postgres', serverVersion: '15.4', allowRun: false },
  table: { schema: 'public', name: 'orders', rows: 2_400_000, bytes: 512 * 1024 * 1024 },
  columns: ['id', 'amount'],
  tables: [{ schema: 'public', name: 'orders' }],
  migrationsTool: 'prisma',
};
const facts: TableFacts = {
  table: { schema: 'public', name: 'orders' },
  rows: 2_400_000,
  bytes: 512 * 1024 * 1024,
  primaryKey: ['id'],
  columns: [
    { name: 'id', type: 'integer', nullable: false, default: null },
    { name: 'amount', type: 'integer', nullable: false, default: null },
  ],
};
const target: Target = { dialect: 'postgres', version: '15.4' };

let browser: Browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

describe('wizard webview: the code checklist', () => {
  it('scans once the plan settles, shows each step with its places, opens a place and previews the model edit', async () => {
    const h = await openWizard(browser, { context, facts, target, codeProject: join(ROOT, 'test/fixtures/app/prisma') });
    await h.waitForMessage((m) => m.type === 'ready');
    await h.page.locator('#f-name input').fill('ref');
    await h.page.locator('#f-type input').fill('uuid');
    await h.page.locator('#f-type input').press('Tab');
    await h.page.locator('#code-checklist').waitFor({ timeout: 10_000 });
    const summary = await h.page.locator('#code-summary').textContent();
    assert.match(
      summary ?? '',
      /^prisma model Order in prisma\/schema\.prisma:16; 2 INSERTs, 1 SELECT \* in src\/orders\.ts; 1 SELECT \* in src\/reports\.ts \(\d+ files read\)$/,
    );
    const states = await h.page
      .locator('#code-checklist > li')
      .evaluateAll((ls) => ls.map((l) => `${l.getAttribute('data-kind')}:${l.getAttribute('data-state')}`));
    assert.deepEqual(states, ['tolerate:todo', 'expand:todo', 'write:todo', 'read:none-found', 'contract:database']);
    const places = await h.page.locator('[data-kind="write"] .place').allTextContents();
    assert.deepEqual(places, ['✗ src/orders.ts:6 prisma insert: does not set ref', '✓ src/orders.ts:12 prisma insert: sets ref']);
    assert.equal(
      await h.page.locator('[data-kind="tolerate"] .place').count(),
      1,
      'the typed $queryRaw is the only SELECT * into a fixed shape',
    );
    // The plan's own checklist is not shown twice.
    assert.equal(await h.page.locator('#plan .rollout').count(), 0);
    assert.equal(await h.page.locator('#preview-final').count(), 0, 'a nullable column has no final edit');

    await h.page.locator('[data-kind="write"] .place-link').first().click();
    await h.waitForMessage((m) => m.type === 'request' && m.method === 'openPlace');
    assert.deepEqual(h.opened, ['src/orders.ts:6']);
    await h.page.locator('#preview-expand').click();
    await h.page.locator('#status', { hasText: /Model edit offered in 1 file/ }).waitFor();
    assert.deepEqual(h.previews, ['expand']);
    assert.deepEqual(h.consoleErrors, []);
    await h.page.close();
  });
});
