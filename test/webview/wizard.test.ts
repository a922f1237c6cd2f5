import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { DEFAULT_CALIBRATION } from '../../src/core/impact';
import type { Calibration, Plan, TableFacts, Target } from '../../src/core/types';
import { planDraft } from '../../src/core/draft';
import { EMPTY_DRAFT, type ColumnDraft, type PendingMigrations, type WebviewMessage, type WizardContext } from '../../src/protocol';
import { runSummary } from '../../src/extension/wizard/runSummary';
import type { RunReport } from '../../src/db/run/types';
import { launch, openWizard, screenshotPath, type Harness, type HarnessOptions } from './harness';

/** What these tests read of a vscode-elements control, typed without the DOM library (this file runs in node). */
interface Control {
  value: string;
  checked: boolean;
  invalid: boolean;
  style: { width: string };
  dispatchEvent(e: unknown): boolean;
}

const context: WizardContext = {
  connection: { name: 'local pg', dialect: 'postgres', serverVersion: '15.4', allowRun: false },
  table: { schema: 'public', name: 'orders', rows: 2_400_000, bytes: 512 * 1024 * 1024 },
  columns: ['id', 'customer_id', 'total'],
  tables: [
    { schema: 'public', name: 'customers' },
    { schema: 'public', name: 'orders' },
  ],
  migrationsTool: 'dbmate',
};

/** The live table as `tableFacts()` reports it; the real planner plans from it. */
const facts: TableFacts = {
  table: { schema: 'public', name: 'orders' },
  rows: 2_400_000,
  bytes: 512 * 1024 * 1024,
  primaryKey: ['id'],
  columns: [
    { name: 'id', type: 'bigint', nullable: false, default: null },
    { name: 'customer_id', type: 'bigint', nullable: false, default: null },
    { name: 'total', type: 'numeric(12,2)', nullable: false, default: null },
  ],
};
const target: Target = { dialect: 'postgres', version: '15.4' };
const base: HarnessOptions = { context, facts, target };

let browser: Browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/** Type like a user: key by key into the shadow-DOM input of a vscode-textfield. */
async function typeInto(page: Page, id: string, text: string): Promise<void> {
  const input = page.locator(`#${id} input`);
  await input.fill('');
  await input.pressSequentially(text, { delay: 5 });
}

/** The bars of the lock-impact chart as [block class, …] in order. */
async function bars(page: Page): Promise<string[]> {
  return page.locator('.chart-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-blocks') ?? '?'));
}

/** Wait until the plan is settled (no refresh pending) and its summary matches. */
async function planSettled(page: Page, summary: RegExp): Promise<void> {
  await page.locator('#plan[aria-busy="false"]').waitFor();
  await page.locator('#plan-summary', { hasText: summary }).waitFor({ timeout: 5000 });
}

async function waitUntil(cond: () => boolean, timeoutMs = 5000): Promise<void> {
  for (const end = Date.now() + timeoutMs; !cond(); await new Promise((r) => setTimeout(r, 20))) {
    if (Date.now() > end) throw new Error('timed out');
  }
}

/** A completed run of `plan` on public.orders as the runner reports it: every step run, `seconds(phase)` long. */
function completedRun(plan: Plan, runId: string, totalBytes: number, seconds: (phaseIndex: number) => number): RunReport {
  return {
    runId,
    dialect: 'postgres',
    table: { schema: 'public', name: 'orders' },
    column: plan.column.name,
    status: 'completed',
    startedAt: '2026-12-05T07:00:00.000Z',
    finishedAt: '2026-12-05T07:00:02.000Z',
    before: null,
    after: { tableBytes: totalBytes, indexBytes: 0, totalBytes, indexes: [] },
    growthBytes: null,
    columnDefinition: null,
    indexes: [],
    analyzed: false,
    explain: null,
    steps: plan.phases.flatMap((p, phaseIndex) =>
      p.steps.map((st, stepIndex) => ({ phaseIndex, stepIndex, sql: st.sql, attempts: 1, seconds: seconds(phaseIndex) })),
    ),
    resumed: false,
    checked: [],
    problems: [],
    warnings: [],
  };
}

async function ready(h: Harness): Promise<void> {
  await h.waitForMessage((m) => m.type === 'ready');
  await h.page.locator('#f-name input').waitFor();
}

describe('wizard webview (built dist/webview.js in headless Chromium)', () => {
  it('says ready first, then renders the table from init — escaped — with no CSP violation', async () => {
    const evil: WizardContext = { ...context, table: { ...context.table, name: '<img src=x onerror="window.__pwned=1">' } };
    const h = await openWizard(browser, { ...base, context: evil });
    await ready(h);
    assert.equal(h.received[0]?.type, 'ready', 'the first message is the handshake');
    const title = await h.page.locator('#title').textContent();
    assert.equal(title, 'Add a column to public.<img src=x onerror="window.__pwned=1">');
    assert.equal(await h.page.locator('#title img').count(), 0, 'the table name was rendered as text, not markup');
    assert.equal(await h.page.evaluate('window.__pwned'), undefined);
    assert.match(
      (await h.page.locator('.facts').textContent()) ?? '',
      /local pg · postgres 15\.4 · ≈ 2,400,000 rows · 512 MB · migrations: dbmate/,
    );
    // vscode-elements rendered (their shadow roots exist), i.e. the CSP let the bundle and its styles run.
    assert.equal(await h.page.locator('#f-name').evaluate((e) => e.shadowRoot !== null), true);
    assert.deepEqual(
      h.consoleErrors.filter((e) => /Content Security Policy|Refused/i.test(e)),
      [],
    );
    assert.equal(await h.page.locator('#run').isHidden(), true, 'Run is hidden when the profile does not allow running');
    await h.page.close();
  });

  it('shows no error on the empty form before the user has typed, and the first edit brings the messages', async () => {
    const h = await openWizard(browser, base);
    await ready(h);
    await h.waitForMessage((m) => m.type === 'request' && m.method === 'computePlan');
    await h.page.locator('#plan[aria-busy="false"]').waitFor();
    assert.equal(await h.page.locator('.msg-line.error').count(), 0);
    assert.equal(await h.page.locator('#general-findings li').count(), 0);
    assert.equal(await h.page.locator('#f-name').evaluate((e) => (e as unknown as Control).invalid), false);
    assert.match((await h.page.locator('#plan .placeholder').textContent()) ?? '', /Type a column name and a type/);
    await typeInto(h.page, 'f-type', 'text');
    await typeInto(h.page, 'f-name', 'total');
    await h.page.locator('#msg-name .msg-line.error', { hasText: 'already has a column "total"' }).waitFor();
    await h.page.close();
  });

  it('shows a validation message next to its field as you type, and removes it when fixed', async () => {
    const h = await openWizard(browser, base);
    await ready(h);
    await typeInto(h.page, 'f-type', 'text');
    await typeInto(h.page, 'f-name', 'total');
    const nameMsg = h.page.locator('.field[data-field="name"] #msg-name');
    await nameMsg.locator('.msg-line.error', { hasText: 'already has a column "total"' }).waitFor();
    assert.equal(await h.page.locator('#f-name').evaluate((e) => (e as unknown as Control).invalid), true);
    assert.equal(await h.page.locator('#write').getAttribute('disabled'), '', 'Write is disabled while a field has an error');
    await typeInto(h.page, 'f-name', 'total_with_tax');
    await nameMsg.locator('.msg-line').waitFor({ state: 'detached' });
    assert.equal(await nameMsg.textContent(), '');
    assert.equal(await h.page.locator('#f-name').evaluate((e) => (e as unknown as Control).invalid), false);

    await typeInto(h.page, 'f-type', 'numeric(12,x)');
    await h.page.locator('#msg-type .msg-line.error', { hasText: 'Type parameters must be whole numbers' }).waitFor();
    await typeInto(h.page, 'f-type', 'numeric(12,2)');
    await h.page.locator('#msg-type .msg-line').waitFor({ state: 'detached' });
    await planSettled(h.page, /^1 phase · 1 step/);
    await h.page.close();
  });

  it('re-plans as NOT NULL and a volatile default are chosen: the bars change with what each step blocks', async () => {
    const h = await openWizard(browser, base);
    await ready(h);
    await typeInto(h.page, 'f-name', 'archived_at');
    await typeInto(h.page, 'f-type', 'timestamptz');
    await planSettled(h.page, /^1 phase · 1 step/);
    assert.deepEqual(await bars(h.page), ['blocks-rw']);
    assert.equal(
      await h.page
        .locator('.bar')
        .first()
        .evaluate((b) => (b as unknown as Control).style.width),
      '100%',
      'the only step fills the axis',
    );

    // NOT NULL without a default: add, then a NOT VALID check validated without blocking, then SET NOT NULL.
    await h.page.locator('#f-notnull').click();
    await planSettled(h.page, /^2 phases · 5 steps/);
    assert.deepEqual(await bars(h.page), ['blocks-rw', 'blocks-rw', 'blocks-none', 'blocks-rw', 'blocks-rw']);
    await h.page.locator('#msg-default .msg-line.warning', { hasText: 'NOT NULL without a DEFAULT' }).waitFor();
    assert.match(
      (await h.page.locator('.step .sql:not(.lock-timeout)').nth(2).textContent()) ?? '',
      /VALIDATE CONSTRAINT "orders_archived_at_not_null"/,
    );

    // A volatile default: no table rewrite under lock — the value is backfilled in batches that block nothing.
    await h.page.locator('#f-default-expression').click();
    await typeInto(h.page, 'f-default', 'clock_timestamp()');
    await planSettled(h.page, /^3 phases · 7 steps/);
    assert.deepEqual(await bars(h.page), ['blocks-rw', 'blocks-rw', 'blocks-none', 'blocks-rw', 'blocks-none', 'blocks-rw', 'blocks-rw']);
    await h.page.locator('#msg-default .msg-line').waitFor({ state: 'detached' });
    const backfill = h.page.locator('.step[data-blocks="blocks-none"] .sql').first();
    assert.match(
      (await backfill.textContent()) ?? '',
      /^-- in batches:\nUPDATE "public"\."orders" SET "archived_at" = clock_timestamp\(\)/,
    );
    // On the time axis the backfill dwarfs the catalog-only steps (the VALIDATE after it scans the grown table).
    const widths = await h.page.locator('.bar').evaluateAll((bs) => bs.map((b) => parseFloat((b as unknown as Control).style.width)));
    assert.ok(widths[2]! > 70 && widths[2]! > widths[4]! * 3, `backfill bar ${widths[2]}%, validate ${widths[4]}%`);
    assert.ok(
      widths.filter((_, i) => i !== 2 && i !== 4).every((w) => w < 2),
      widths.join(', '),
    );

    await h.page.screenshot({ path: screenshotPath('wizard-volatile-default.png'), fullPage: true });
    await h.page.close();
  });

  it('marks steps verified when the host reports probes for the plan on screen, and ignores a stale report', async () => {
    const h = await openWizard(browser, base);
    await ready(h);
    await typeInto(h.page, 'f-name', 'note');
    await typeInto(h.page, 'f-type', 'text');
    await planSettled(h.page, /^1 phase · 1 step/);
    const requests = h.received.filter((m) => m.type === 'request' && m.method === 'computePlan');
    const last = requests.at(-1);
    assert.ok(last?.type === 'request' && last.method === 'computePlan');
    const { plan } = planDraft(last.params.draft as ColumnDraft, facts, target);
    assert.ok(plan);
    const mark = (agrees: boolean) => ({
      ...plan,
      phases: plan.phases.map((p) => ({
        ...p,
        steps: p.steps.map((st) => ({ ...st, verified: { lock: st.lock, rewrite: false, agrees, detail: 'probe' } })),
      })),
    });
    h.session.notify({ type: 'didVerifyPlan', revision: last.params.revision, plan: mark(true) });
    await h.page.locator('.chart-label .verified', { hasText: '✓ verified' }).waitFor();
    // A report for an older revision arrives late: it must not replace the plan on screen.
    h.session.notify({ type: 'didVerifyPlan', revision: last.params.revision - 1, plan: mark(false) });
    h.session.status('info', 'marker');
    await h.page.locator('#status', { hasText: 'marker' }).waitFor();
    assert.equal(await h.page.locator('.disagrees').count(), 0, 'the stale report was dropped');
    assert.match((await h.page.locator('.step .pill.verified').textContent()) ?? '', /verified on the server/);
    await h.page.close();
  });

  it('presses Write and sends writeMigration with the draft as shown', async () => {
    const h = await openWizard(browser, base);
    await ready(h);
    await typeInto(h.page, 'f-name', 'status');
    await typeInto(h.page, 'f-type', 'text');
    await h.page.locator('#f-notnull').click();
    await h.page.locator('#f-default-literal').click();
    await typeInto(h.page, 'f-default', "it's new");
    await h.page.locator('#f-index').click();
    await planSettled(h.page, /^2 phases · 2 steps/);
    await h.page.locator('#write:not([disabled])').click();
    const req = await h.waitForMessage((m) => m.type === 'request' && m.method === 'writeMigration');
    assert.ok(req.type === 'request' && req.method === 'writeMigration');
    assert.deepEqual(req.params.draft, {
      name: 'status',
      type: 'text',
      nullable: false,
      defaultKind: 'literal',
      defaultText: "it's new",
      unique: false,
      index: true,
      references: null,
      check: '',
      position: { kind: 'last' },
    });
    assert.equal(h.written.length, 1);
    await h.page.locator('#status', { hasText: 'Wrote 2 files: db/migrations/20260101000000_add_status.sql' }).waitFor();
    // The quoted literal reached the plan's SQL through the host, doubled quote and all, as text.
    assert.match((await h.page.locator('.step .sql:not(.lock-timeout)').first().textContent()) ?? '', /DEFAULT 'it''s new'/);
    await h.page.screenshot({ path: screenshotPath('wizard.png'), fullPage: true });
    await h.page.close();
  });

  it('keeps the draft across a reload through setState/getState, and restores it into the form', async () => {
    const h = await openWizard(browser, base);
    await ready(h);
    await typeInto(h.page, 'f-name', 'kept');
    await typeInto(h.page, 'f-type', 'bigint');
    await h.page.locator('#f-unique').click();
    await planSettled(h.page, /^\d+ phases? · \d+ steps?/);
    const shown = await h.page.locator('#plan-summary').textContent();
    assert.deepEqual((h.savedState() as { draft: { name: string } }).draft.name, 'kept');
    assert.deepEqual(
      (h.savedState() as { target: unknown }).target,
      { connection: 'local pg', schema: 'public', table: 'orders' },
      'what the serializer reopens after a window reload',
    );
    const before = h.received.length;
    await h.reload();
    await h.waitForMessage((m) => m.type === 'ready' && h.received.indexOf(m) >= before);
    await h.page.locator('#f-name input').waitFor();
    await planSettled(h.page, /^\d+ phases? · \d+ steps?/);
    assert.equal(await h.page.locator('#plan-summary').textContent(), shown, 'the restored draft plans the same');
    assert.equal(await h.page.locator('#f-name').evaluate((e) => (e as unknown as Control).value), 'kept');
    assert.equal(await h.page.locator('#f-unique').evaluate((e) => (e as unknown as Control).checked), true);
    await h.page.close();
  });

  it('takes a draft the host hands over (Add Column (Quick) on the open table) into the form, plans it and saves it', async () => {
    const h = await openWizard(browser, base);
    await ready(h);
    await typeInto(h.page, 'f-name', 'typed');
    const quick: ColumnDraft = {
      ...EMPTY_DRAFT,
      name: 'loyalty_points',
      type: 'integer',
      nullable: false,
      defaultKind: 'literal',
      defaultText: '0',
      index: true,
    };
    h.session.useDraft(quick);
    await h.waitForMessage((m) => m.type === 'didChangeDraft' && m.draft.name === 'loyalty_points');
    assert.equal(await h.page.locator('#f-name').evaluate((e) => (e as unknown as Control).value), 'loyalty_points');
    assert.equal(await h.page.locator('#f-type').evaluate((e) => (e as unknown as Control).value), 'integer');
    assert.equal(await h.page.locator('#f-index').evaluate((e) => (e as unknown as Control).checked), true);
    await planSettled(h.page, /^\d+ phases? · \d+ steps?/);
    assert.match((await h.page.locator('#plan').textContent()) ?? '', /"loyalty_points" integer DEFAULT 0 NOT NULL/);
    assert.deepEqual((h.savedState() as { draft: ColumnDraft }).draft, quick, 'kept for a reload');
    assert.equal(h.session.currentDraft?.name, 'loyalty_points');
    await h.page.close();
  });

  it("lists a foreign-key table's columns from the host and puts the choice in the draft", async () => {
    const h = await openWizard(browser, { ...base, columnsOf: (t) => (t.name === 'customers' ? ['id', 'email'] : []) });
    await ready(h);
    await typeInto(h.page, 'f-name', 'referrer_id');
    await typeInto(h.page, 'f-type', 'bigint');
    await h.page.locator('#f-ref-table').evaluate((e) => {
      const s = e as unknown as Control;
      s.value = '0';
      s.dispatchEvent(new Event('change', { bubbles: true }));
    });
    const list = await h.waitForMessage((m) => m.type === 'request' && m.method === 'listColumns');
    assert.ok(list.type === 'request' && list.method === 'listColumns');
    assert.deepEqual(list.params.table, { schema: 'public', name: 'customers' });
    const draft = await h.waitForMessage((m: WebviewMessage) => m.type === 'didChangeDraft' && m.draft.references?.column === 'id');
    assert.ok(draft.type === 'didChangeDraft');
    assert.deepEqual(draft.draft.references, { schema: 'public', table: 'customers', column: 'id' });
    await h.page.close();
  });

  it('rejects a host message that does not fit the protocol and keeps working', async () => {
    const h = await openWizard(browser, base);
    await ready(h);
    await h.page.evaluate(`window.postMessage({ type: 'status', level: 'shout', message: 'x' }, '*')`);
    await h.page.evaluate(`window.postMessage({ type: 'response', id: 999, method: 'copySql', ok: true, result: { characters: 1 } }, '*')`);
    await h.page.waitForFunction(() => true);
    await typeInto(h.page, 'f-name', 'still_works');
    await typeInto(h.page, 'f-type', 'int');
    await planSettled(h.page, /^1 phase/);
    assert.ok(
      h.consoleErrors.some((e) => /rejected host message: status\.level must be one of/.test(e)),
      h.consoleErrors.join('\n'),
    );
    assert.ok(
      h.consoleErrors.some((e) => /response 999 \(copySql\) answers no pending request/.test(e)),
      h.consoleErrors.join('\n'),
    );
    assert.equal(await h.page.locator('#status').textContent(), '');
    await h.page.close();
  });

  it('is usable by keyboard alone: every control is a Tab stop, Space toggles NOT NULL, Ctrl+Enter writes', async () => {
    const h = await openWizard(browser, base);
    await ready(h);
    const seen: string[] = [];
    await h.page.locator('#f-name input').focus();
    await h.page.keyboard.type('by_keyboard');
    for (let i = 0; i < 40; i++) {
      await h.page.keyboard.press('Tab');
      const id = (await h.page.evaluate(
        'document.activeElement && (document.activeElement.id || document.activeElement.textContent)',
      )) as string;
      seen.push(id);
      if (id === 'f-type') await h.page.keyboard.type('integer');
    }
    // The radio group is one Tab stop (arrows move inside it); the default's field is disabled while "No default" is on.
    for (const id of ['f-type', 'timestamptz', 'f-notnull', 'f-default-none', 'f-unique', 'f-index', 'f-ref-table', 'f-check', 'refresh']) {
      assert.ok(
        seen.some((s) => s === id || s.includes(id)),
        `${id} is not reachable with Tab (saw ${seen.join(', ')})`,
      );
    }
    await planSettled(h.page, /^1 phase · 1 step/);
    // Once there is a plan, the actions follow the form in Tab order.
    await h.page.locator('#f-check input').focus();
    await h.page.keyboard.press('Tab');
    assert.equal(await h.page.evaluate('document.activeElement.id'), 'write');
    // Back through check, foreign key, index, unique, default kind to NOT NULL.
    for (let i = 0; i < 6; i++) await h.page.keyboard.press('Shift+Tab');
    assert.equal(await h.page.evaluate('document.activeElement.id'), 'f-notnull');
    // NOT NULL without a default on a table with rows is an error finding now (nothing to write): Space turns it on
    // and off again, and Ctrl+Enter writes the nullable column.
    await h.page.keyboard.press('Space');
    assert.equal(await h.page.evaluate("document.querySelector('#f-notnull').checked"), true);
    await h.page.keyboard.press('Space');
    assert.equal(await h.page.evaluate("document.querySelector('#f-notnull').checked"), false);
    await planSettled(h.page, /^1 phase · 1 step/);
    await h.page.keyboard.press('Control+Enter');
    const req = await h.waitForMessage((m) => m.type === 'request' && m.method === 'writeMigration');
    assert.ok(req.type === 'request' && req.method === 'writeMigration');
    assert.deepEqual([req.params.draft.name, req.params.draft.type, req.params.draft.nullable], ['by_keyboard', 'integer', true]);
    await h.page.close();
  });

  it('offers the column position on MariaDB and sends AFTER <column> in the draft', async () => {
    const maria: HarnessOptions = {
      context: { ...context, connection: { name: 'maria', dialect: 'mariadb', serverVersion: '10.11.6', allowRun: true } },
      facts: { ...facts, table: { schema: 'shop', name: 'orders' } },
      target: { dialect: 'mariadb', version: '10.11.6-MariaDB' },
    };
    const h = await openWizard(browser, maria);
    await ready(h);
    assert.equal(await h.page.locator('#run').isVisible(), true, 'Run is offered when the profile allows it');
    await typeInto(h.page, 'f-name', 'note');
    await typeInto(h.page, 'f-type', 'varchar(40)');
    await h.page.locator('#f-position').evaluate((e) => {
      const s = e as unknown as Control;
      s.value = 'after:2';
      s.dispatchEvent(new Event('change', { bubbles: true }));
    });
    const d = await h.waitForMessage((m) => m.type === 'didChangeDraft' && m.draft.position.kind === 'after');
    assert.ok(d.type === 'didChangeDraft');
    assert.deepEqual(d.draft.position, { kind: 'after', column: 'total' });
    await planSettled(h.page, /^1 phase · 1 step/);
    assert.match(
      (await h.page.locator('.step .sql:not(.lock-timeout)').first().textContent()) ?? '',
      /ALTER TABLE `shop`\.`orders` ADD COLUMN `note` varchar\(40\).* AFTER `total`/,
    );
    assert.match(
      (await h.page.locator('.step .pill', { hasText: 'ALGORITHM=' }).first().textContent()) ?? '',
      /ALGORITHM=(INSTANT|INPLACE)/,
    );
    await h.page.close();
  });

  it('renders names and SQL from the plan as text, never as markup', async () => {
    const h = await openWizard(browser, base);
    await ready(h);
    await typeInto(h.page, 'f-name', '<b id="injected">x</b>');
    await typeInto(h.page, 'f-type', 'text');
    await planSettled(h.page, /^1 phase · 1 step/);
    assert.match(
      (await h.page.locator('.step .sql:not(.lock-timeout)').first().textContent()) ?? '',
      /ADD COLUMN "<b id=""injected"">x<\/b>" text/,
    );
    assert.equal(await h.page.locator('#injected').count(), 0);
    await h.page.close();
  });

  it('Refresh facts re-reads the table and keeps the draft on screen', async () => {
    const refreshed: WizardContext = {
      ...context,
      table: { ...context.table, rows: 3_000_000 },
      tables: [...context.tables, { schema: 'billing', name: 'invoices' }],
    };
    const h = await openWizard(browser, { ...base, refreshedContext: refreshed });
    await ready(h);
    await typeInto(h.page, 'f-name', 'survives');
    await typeInto(h.page, 'f-type', 'date');
    await planSettled(h.page, /^1 phase/);
    assert.equal(await h.page.locator('#f-ref-table vscode-option').count(), 3);
    await h.page.locator('#refresh').click();
    await h.waitForMessage((m) => m.type === 'refreshFacts');
    await h.page.locator('.facts', { hasText: '3,000,000 rows' }).waitFor();
    await h.page.locator('#status', { hasText: 'Table facts refreshed.' }).waitFor();
    assert.equal(await h.page.locator('#f-ref-table vscode-option').count(), 4, 'the new table is offered for a foreign key');
    assert.equal(await h.page.locator('#f-ref-table vscode-option').last().textContent(), 'billing.invoices');
    assert.equal(await h.page.locator('#f-name').evaluate((e) => (e as unknown as Control).value), 'survives');
    assert.equal(await h.page.locator('#f-type').evaluate((e) => (e as unknown as Control).value), 'date');
    await h.page.close();
  });

  it('says "rough estimate — measuring this server…" until the calibration arrives, then updates the estimates in place with their basis', async () => {
    const host: { calibration?: Calibration } = {};
    const measuring: WizardContext = { ...context, estimates: { state: 'measuring', text: 'rough estimate — measuring this server…' } };
    const h = await openWizard(browser, { ...base, context: measuring, calibration: () => host.calibration });
    await ready(h);
    await typeInto(h.page, 'f-name', 'seen_at');
    await typeInto(h.page, 'f-type', 'timestamptz');
    await h.page.locator('#f-default-expression').click();
    await typeInto(h.page, 'f-default', 'clock_timestamp()');
    await planSettled(h.page, /^2 phases/);
    const header = h.page.locator('#estimates-basis');
    assert.equal(await header.textContent(), 'rough estimate — measuring this server…');
    const backfillPill = h.page.locator('.step', { hasText: 'in batches' }).locator('.pill.estimate');
    const rough = (await backfillPill.textContent()) ?? '';
    assert.match(rough, /^≈ [\d.]+ s \([\d.]+ s–[\d.]+ (s|min)\) · rough$/);
    // The host measured the server: twice the default backfill rate; it re-sends the context and the page re-plans.
    host.calibration = {
      ...DEFAULT_CALIBRATION,
      basis: 'measured',
      backfillRowsPerSecond: DEFAULT_CALIBRATION.backfillRowsPerSecond * 2,
      measuredAt: new Date().toISOString(),
    };
    await h.session.notify({
      type: 'didChangeContext',
      context: { ...context, estimates: { state: 'measured', text: 'estimates measured on this server just now' } },
    });
    await h.page.locator('#estimates-basis', { hasText: 'estimates measured on this server just now' }).waitFor();
    await h.page.locator('.step .pill.estimate', { hasText: 'measured on this server just now' }).first().waitFor();
    const measured = (await backfillPill.textContent()) ?? '';
    assert.match(measured, / · measured on this server just now$/);
    const secs = (t: string) => Number(/^≈ ([\d.]+) s/.exec(t)![1]);
    assert.ok(Math.abs(secs(measured) * 2 - secs(rough)) / secs(rough) < 0.05, `${rough} → ${measured}`);
    assert.equal(await h.page.locator('#f-name').evaluate((e) => (e as unknown as Control).value), 'seen_at', 'the draft stays on screen');
    assert.deepEqual(h.consoleErrors, []);
    await h.page.close();
  });

  it('keeps the old plan in place, dimmed, while the next one is computed (no layout jump)', async () => {
    const h = await openWizard(browser, base);
    await ready(h);
    await typeInto(h.page, 'f-name', 'steady');
    await typeInto(h.page, 'f-type', 'text');
    await planSettled(h.page, /^1 phase · 1 step/);
    const before = await h.page.locator('#plan').boundingBox();
    const formBefore = await h.page.locator('#f-check').boundingBox();
    // One keystroke starts a refresh; until the answer arrives the plan stays, marked busy. Typed and measured in the
    // same turn of the page's event loop, so the answer cannot have arrived in between.
    const during = (await h.page.evaluate(`(() => {
      const input = document.querySelector('#f-name').shadowRoot.querySelector('input');
      input.value += 's';
      input.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true, data: 's', inputType: 'insertText' }));
      const plan = document.getElementById('plan');
      const r = plan.getBoundingClientRect();
      return { busy: plan.getAttribute('aria-busy'), kept: document.querySelectorAll('#plan.refreshing #plan-summary').length, x: r.x, y: r.y, width: r.width, height: r.height };
    })()`)) as { busy: string; kept: number; x: number; y: number; width: number; height: number };
    assert.equal(during.busy, 'true');
    assert.equal(during.kept, 1, 'the previous plan is still on screen');
    assert.deepEqual({ x: during.x, y: during.y, width: during.width, height: during.height }, before);
    await planSettled(h.page, /^1 phase · 1 step/);
    assert.match((await h.page.locator('.step .sql:not(.lock-timeout)').first().textContent()) ?? '', /"steadys"/);
    assert.deepEqual(await h.page.locator('#f-check').boundingBox(), formBefore, 'the form did not move');
    await h.page.close();
  });

  for (const theme of ['light', 'hc'] as const) {
    it(`follows the ${theme === 'hc' ? 'high-contrast' : 'light'} theme's colours`, async () => {
      const h = await openWizard(browser, { ...base, theme });
      await ready(h);
      await typeInto(h.page, 'f-name', 'themed');
      await typeInto(h.page, 'f-type', 'text');
      await h.page.locator('#f-notnull').click();
      await planSettled(h.page, /^2 phases/);
      const look = (await h.page.evaluate(`(() => {
        const s = (q) => getComputedStyle(document.querySelector(q));
        return { body: s('body').backgroundColor, text: s('body').color, rw: s('.bar.blocks-rw').backgroundColor,
          none: s('.bar.blocks-none').backgroundColor, outline: s('.bar').outlineStyle };
      })()`)) as { body: string; text: string; rw: string; none: string; outline: string };
      if (theme === 'light') {
        assert.deepEqual(
          [look.body, look.text, look.rw, look.none],
          ['rgb(255, 255, 255)', 'rgb(59, 59, 59)', 'rgb(229, 20, 0)', 'rgb(56, 138, 52)'],
        );
        assert.equal(look.outline, 'none');
      } else {
        assert.deepEqual(
          [look.body, look.text, look.rw, look.none],
          ['rgb(0, 0, 0)', 'rgb(255, 255, 255)', 'rgb(241, 76, 76)', 'rgb(137, 209, 133)'],
        );
        assert.equal(look.outline, 'solid', 'bars get a contrast border in high contrast');
      }
      await h.page.screenshot({ path: screenshotPath(`wizard-${theme}.png`), fullPage: true });
      await h.page.close();
    });
  }

  it('restores a foreign key and an AFTER position from the saved draft', async () => {
    const maria: HarnessOptions = {
      context: { ...context, connection: { name: 'maria', dialect: 'mariadb', serverVersion: '10.11.6', allowRun: false } },
      facts: { ...facts, table: { schema: 'shop', name: 'orders' } },
      target: { dialect: 'mariadb', version: '10.11.6-MariaDB' },
      columnsOf: (t) => (t.name === 'customers' ? ['id', 'email'] : []),
    };
    const h = await openWizard(browser, maria);
    await ready(h);
    await typeInto(h.page, 'f-name', 'buyer_id');
    await typeInto(h.page, 'f-type', 'bigint');
    for (const [id, value] of [
      ['f-ref-table', '0'],
      ['f-position', 'after:1'],
    ]) {
      await h.page.locator(`#${id}`).evaluate((e, v) => {
        const sel = e as unknown as Control;
        sel.value = v;
        sel.dispatchEvent(new Event('change', { bubbles: true }));
      }, value);
    }
    await h.waitForMessage((m) => m.type === 'didChangeDraft' && m.draft.references?.column === 'id' && m.draft.position.kind === 'after');
    const before = h.received.length;
    await h.reload();
    await h.waitForMessage((m) => m.type === 'ready' && h.received.indexOf(m) >= before);
    const restored = await h.waitForMessage((m) => h.received.indexOf(m) >= before && m.type === 'request' && m.method === 'computePlan');
    assert.ok(restored.type === 'request' && restored.method === 'computePlan');
    assert.deepEqual(restored.params.draft.references, { schema: 'public', table: 'customers', column: 'id' });
    assert.deepEqual(restored.params.draft.position, { kind: 'after', column: 'customer_id' });
    assert.equal(await h.page.locator('#f-ref-table').evaluate((e) => (e as unknown as Control).value), '0');
    assert.equal(await h.page.locator('#f-position').evaluate((e) => (e as unknown as Control).value), 'after:1');
    await h.page.close();
  });

  it('after a completed run shows the run (steps, times next to the estimates, size, Open Report), not a "column exists" error beside a stale plan; kept across a reload; Add Another Column starts over', async () => {
    // The table as the database reports it: the run adds the column, so planning the same draft again finds it taken.
    const columns = [...facts.columns!];
    const live: TableFacts = { ...facts, columns };
    const draft: ColumnDraft = {
      ...EMPTY_DRAFT,
      name: 'status',
      type: 'text',
      nullable: false,
      defaultKind: 'literal',
      defaultText: 'new',
    };
    const plan = planDraft(draft, facts, target).plan!;
    const report = completedRun(plan, 'r-42', 600 * 1024 * 1024, (phaseIndex) => 0.5 + phaseIndex);
    const steps = report.steps;
    const withColumn: WizardContext = {
      ...context,
      connection: { ...context.connection, allowRun: true },
      columns: [...context.columns, 'status'],
    };
    const session: { current?: Harness['session'] } = {};
    const h = await openWizard(browser, {
      ...base,
      facts: live,
      context: { ...context, connection: { ...context.connection, allowRun: true } },
      refreshedContext: withColumn,
      run: async () => {
        columns.push({ name: 'status', type: 'text', nullable: false, default: "'new'::text" });
        // As the panel does: the table changed, the webview hears it before the run's answer.
        session.current!.notify({ type: 'didChangeContext', context: withColumn });
        return { started: true, message: 'Run r-42 completed.', run: runSummary(plan, report) };
      },
    });
    session.current = h.session;
    await ready(h);
    await typeInto(h.page, 'f-name', 'status');
    await typeInto(h.page, 'f-type', 'text');
    await h.page.locator('#f-notnull').click();
    await h.page.locator('#f-default-literal').click();
    await typeInto(h.page, 'f-default', 'new');
    await planSettled(h.page, /^\d+ phases? · \d+ steps?/);
    await h.page.locator('#run:not([disabled])').click();
    await h.page.locator('#run-title', { hasText: 'public.orders.status' }).waitFor();
    // The same draft now plans with an error (the column exists): the page must not show it.
    assert.ok(
      planDraft(draft, live, target).findings.some((f) => f.severity === 'error'),
      'the test needs the re-plan to fail',
    );
    await h.page.waitForTimeout(800);
    assert.equal(await h.page.locator('#plan-summary').count(), 0, 'the plan is gone');
    assert.equal(await h.page.locator('.msg-line.error, #general-findings li').count(), 0, 'no field or general error');
    const rows = await h.page
      .locator('#run-steps tbody tr')
      .evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')));
    assert.equal(rows.length, steps.length);
    assert.equal(rows[0]![0], '1.1');
    assert.match(rows[0]![1]!, /ALTER TABLE/);
    assert.match(rows[0]![2]!, /^0[.,]5 s$/, 'the time it took');
    assert.match(rows[0]![3]!, /^≈ /, 'the estimate beside it');
    assert.match((await h.page.locator('#run-summary').textContent()) ?? '', new RegExp(`run r-42 · ${steps.length} steps? in`));
    assert.match((await h.page.locator('#run-size').textContent()) ?? '', /600 MB|600 MiB/);
    assert.equal(await h.page.locator('#write').getAttribute('disabled'), '', 'nothing to write or run any more');
    await h.page.locator('#open-report').click();
    await h.waitForMessage((m) => m.type === 'request' && m.method === 'openRunReport');
    await waitUntil(() => h.reportsOpened.length === 1);
    assert.deepEqual(h.reportsOpened, ['r-42']);
    assert.equal((h.savedState() as { run?: { runId: string } }).run?.runId, 'r-42');
    assert.equal((h.savedState() as { draft?: unknown }).draft, undefined, 'the added column is no draft any more');
    await h.page.screenshot({ path: screenshotPath('wizard-run.png'), fullPage: true });
    // A reload (hidden panel, window reload) shows the run again.
    const before = h.received.length;
    await h.reload();
    await h.waitForMessage((m) => m.type === 'ready' && h.received.indexOf(m) >= before);
    await h.page.locator('#run-title', { hasText: 'public.orders.status' }).waitFor();
    // Add Another Column: an empty form and no run.
    await h.page.locator('#add-another').click();
    await h.page.locator('#run-title').waitFor({ state: 'detached' });
    assert.equal(await h.page.locator('#f-name').evaluate((e) => (e as unknown as Control).value), '');
    await typeInto(h.page, 'f-name', 'archived_at');
    await typeInto(h.page, 'f-type', 'timestamptz');
    await planSettled(h.page, /^\d+ phases? · \d+ steps?/);
    // Run again; a draft handed over while that run is on screen (Add Column (Quick)) starts a new column with it.
    await h.page.locator('#run:not([disabled])').click();
    await h.page.locator('#run-title').waitFor();
    h.session.useDraft({ ...EMPTY_DRAFT, name: 'handed_over', type: 'text' });
    await h.page.locator('#run-title').waitFor({ state: 'detached' });
    assert.equal(await h.page.locator('#f-name').evaluate((e) => (e as unknown as Control).value), 'handed_over');
    await planSettled(h.page, /^\d+ phases? · \d+ steps?/);
    const reloaded = h.received.length;
    await h.reload();
    await h.waitForMessage((m) => m.type === 'ready' && h.received.indexOf(m) >= reloaded);
    await h.page.locator('#f-name input').waitFor();
    assert.equal(await h.page.locator('#f-name').evaluate((e) => (e as unknown as Control).value), 'handed_over', 'the draft, not the run');
    await h.page.close();
  });

  it('after a run, lists the written migration files the tool still has pending and records them as applied on request (kept across a reload); says so where it cannot record them', async () => {
    const draft: ColumnDraft = { ...EMPTY_DRAFT, name: 'note', type: 'text' };
    const plan = planDraft(draft, facts, target).plan!;
    const report = completedRun(plan, 'r-7', 8192, () => 0.2);
    const files = ['20261207070000_add_note.sql', '20261207070001_add_note_enforce.sql'];
    const withRun = { ...context, connection: { ...context.connection, allowRun: true } };
    /** The wizard whose Run answers with these pending migrations: the column typed, planned and run. */
    const runWith = async (migrations: PendingMigrations, recordApplied?: HarnessOptions['recordApplied']): Promise<Harness> => {
      const w = await openWizard(browser, {
        ...base,
        context: withRun,
        run: async () => ({ started: true, message: 'Run r-7 completed.', run: { ...runSummary(plan, report), migrations } }),
        ...(recordApplied ? { recordApplied } : {}),
      });
      await ready(w);
      await typeInto(w.page, 'f-name', 'note');
      await typeInto(w.page, 'f-type', 'text');
      await planSettled(w.page, /^\d+ phases? · \d+ steps?/);
      await w.page.locator('#run:not([disabled])').click();
      await w.page.locator('#run-migrations').waitFor();
      return w;
    };
    let failFirst = true;
    const recorded: string[] = [];
    const h = await runWith({ tool: 'dbmate', folder: 'db/migrations', files, history: 'schema_migrations' }, async (runId) => {
      if (failFirst) {
        failFirst = false;
        throw new Error('connection refused');
      }
      recorded.push(runId);
      return { recorded: 2, table: 'schema_migrations' };
    });
    const section = h.page.locator('#run-migrations');
    const text = (await section.textContent()) ?? '';
    assert.match(text, /dbmate/);
    assert.match(text, /db\/migrations/);
    for (const f of files) assert.ok(text.includes(f), `${f} is listed`);
    assert.match(text, /schema_migrations/, 'names the history table it would write to');
    assert.match(text, /its next run would apply them again/);
    // A failure says why and leaves the offer there.
    await h.page.locator('#record-applied').click();
    await h.waitForMessage((m) => m.type === 'request' && m.method === 'recordApplied');
    await h.page.locator('#status', { hasText: 'connection refused' }).waitFor();
    await h.page.locator('#record-applied:not([disabled])').waitFor();
    assert.deepEqual(recorded, []);
    // Then it records, and the view says so in place of the button.
    await h.page.locator('#record-applied').click();
    await h.page.locator('#recorded', { hasText: /Recorded 2 migration\(s\) as applied in schema_migrations/ }).waitFor();
    assert.deepEqual(recorded, ['r-7']);
    assert.equal(await h.page.locator('#record-applied').count(), 0);
    assert.doesNotMatch((await section.textContent()) ?? '', /would apply them again/, 'recorded: no longer pending');
    assert.equal((h.savedState() as { run?: { migrations?: { recorded?: number } } }).run?.migrations?.recorded, 2);
    await h.page.screenshot({ path: screenshotPath('wizard-run-migrations.png'), fullPage: true });
    const before = h.received.length;
    await h.reload();
    await h.waitForMessage((m) => m.type === 'ready' && h.received.indexOf(m) >= before);
    await h.page.locator('#recorded').waitFor();
    assert.equal(await h.page.locator('#record-applied').count(), 0, 'no second offer after a reload');
    await h.page.close();

    // A tool whose history Column Wizard cannot write: the view says what to do, and offers no button.
    const g = await runWith({ tool: 'Atlas', folder: '', files: files.slice(0, 1) });
    const said = (await g.page.locator('#run-migrations').textContent()) ?? '';
    assert.match(said, /\(workspace root\)/);
    assert.match(said, /mark them as applied with Atlas itself/);
    assert.equal(await g.page.locator('#record-applied').count(), 0);
    await g.page.close();
  });
});
