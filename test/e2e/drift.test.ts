/**
 * Check Schema Drift in code-server against a real PostgreSQL: two saved connections to databases whose `orders`
 * tables differ → the command picks both and the table → the differences show in a document; after the change
 * reaches the second database, the same check reports none.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import type { Page } from 'playwright-core';
import { ROOT } from '../../scripts/tools';
import { databaseUrl, PG_URL } from '../db/helpers';
import { E2E_DIR, pgUnreachable, shotOnFailure, startSession, withPgClient, type Session } from './harness';
import { runCommand, screenshot } from './workbench';

const SUFFIX = randomBytes(4).toString('hex');
const DBS = [`cw_e2e_drift_a_${SUFFIX}`, `cw_e2e_drift_b_${SUFFIX}`] as const;

/** Run Check Schema Drift over both connections and the orders table; the text of the document it opens. */
async function checkDrift(page: Page, expected: RegExp): Promise<string> {
  await runCommand(page, 'Column Wizard: Check Schema Drift');
  const rows = page.locator('.quick-input-list .monaco-list-row');
  for (const name of ['drift-a', 'drift-b']) {
    const row = rows.filter({ hasText: name }).first();
    await row.waitFor({ timeout: 30000 });
    await row.click(); // toggles its checkbox in a multi-select pick
  }
  await page.locator('.quick-input-widget').getByText('2 Selected').waitFor({ timeout: 10000 });
  await page.keyboard.press('Enter');
  const table = rows.filter({ hasText: 'public.orders' }).first();
  await table.waitFor({ timeout: 30000 });
  await table.click();
  // Monaco renders spaces as U+00A0; the newest document is the visible editor with the expected line.
  const doc = page.locator('.editor-instance .view-lines').filter({ hasText: expected }).last();
  await doc.waitFor({ timeout: 30000 });
  return (await doc.innerText()).replace(/\u00a0/g, ' ');
}

describe('e2e: Check Schema Drift in code-server against a real PostgreSQL', { timeout: 900000 }, () => {
  let s: Session | undefined;
  let skip: string | undefined;
  const workspace = join(E2E_DIR, 'drift-ws');
  const guard = (t: TestContext): boolean => {
    if (skip) t.skip(skip);
    return !skip;
  };

  before(
    async () => {
      skip = await pgUnreachable(PG_URL);
      if (skip) return;
      for (const db of DBS) {
        await withPgClient(PG_URL, (c) => c.query(`CREATE DATABASE "${db}"`));
        await withPgClient(databaseUrl(PG_URL, db), (c) =>
          c.query('CREATE TABLE public.orders (id bigint PRIMARY KEY, status text NOT NULL)'),
        );
      }
      await withPgClient(databaseUrl(PG_URL, DBS[0]), (c) => c.query(`ALTER TABLE public.orders ADD COLUMN note text DEFAULT 'n/a'`));
      rmSync(workspace, { recursive: true, force: true });
      cpSync(join(ROOT, 'test', 'e2e', 'fixtures', 'dbmate-ws'), workspace, { recursive: true });
      const u = new URL(PG_URL);
      const profile = (name: string, database: string) => ({
        name,
        dialect: 'postgres',
        host: u.hostname,
        port: Number(u.port || 5432),
        database,
        user: decodeURIComponent(u.username || 'postgres'),
      });
      // The connections are the user's own (user settings): ones defined by the workspace ask to be confirmed first (issue 15).
      s = await startSession({
        name: 'drift',
        workspace,
        settings: { 'columnWizard.connections': [profile('drift-a', DBS[0]), profile('drift-b', DBS[1])] },
      });
    },
    { timeout: 900000 },
  );

  after(
    async () => {
      await s?.close();
      if (!skip)
        for (const db of DBS) await withPgClient(PG_URL, (c) => c.query(`DROP DATABASE IF EXISTS "${db}" WITH (FORCE)`)).catch(() => {});
    },
    { timeout: 60000 },
  );

  it('shows the column missing on the second connection, then no differences once it has it', async (t) => {
    if (!guard(t)) return;
    const page = s!.page;
    await shotOnFailure(page, 'drift', async () => {
      const text = await checkDrift(page, /Drift.check.of.public\.orders(.|\n)*missing/);
      assert.match(text, /reference drift-a, compared with drift-b/);
      assert.match(text, /1 difference:/);
      assert.match(text, /column note is missing on drift-b \(present on drift-a\)/);
      await screenshot(page, 'drift-differences');
      await withPgClient(databaseUrl(PG_URL, DBS[1]), (c) => c.query(`ALTER TABLE public.orders ADD COLUMN note text DEFAULT 'n/a'`));
      const again = await checkDrift(page, /No.differences/);
      assert.match(again, /No differences: columns, types, defaults, nullability, indexes and constraints match on all 2 connections\./);
    });
  });
});
