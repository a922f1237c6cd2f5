/**
 * The host side of the wizard protocol for tests: the built `dist/webview.js` runs in headless Debian Chromium
 * inside the same HTML (CSP included) the panel serves, and its messages reach the real `WizardSession` in node.
 * Only the database is replaced, by plain `TableFacts`-like data and a planner function the test chooses.
 */
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { Dialect, Finding, Plan, TableRef } from '../../src/core/types';
import type { ColumnDraft, WebviewMessage, WizardContext } from '../../src/protocol';
import { draftToSpec } from '../../src/extension/wizard/draft';
import { wizardHtml } from '../../src/extension/wizard/html';
import { WizardSession, type WizardBackend } from '../../src/extension/wizard/session';
import type { ColumnSpec } from '../../src/core/types';

/** Tests run from the repository root (npm test, scripts/test.mjs). */
export const ROOT = resolve('.');
export const RESULTS = join(ROOT, 'test-results');
const SCRIPT = join(ROOT, 'dist/webview.js');
const STYLE = join(ROOT, 'media/wizard.css');

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export async function launch(): Promise<Browser> {
  if (!existsSync('/usr/bin/chromium')) throw new Error('Debian chromium is missing at /usr/bin/chromium: apt-get install chromium (.ci/run does it)');
  if (!existsSync(SCRIPT)) throw new Error('dist/webview.js is missing: run `npm run build` first');
  return chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ARGS });
}

/** Plans a spec; the test decides whose planner that is. */
export type Planner = (spec: ColumnSpec, context: WizardContext) => { plan: Plan; findings: readonly Finding[] };

export interface Harness {
  readonly page: Page;
  readonly session: WizardSession;
  /** Every message the host received, in order, after validation by the session (raw JSON as posted). */
  readonly received: WebviewMessage[];
  /** Console errors of the page (CSP violations, rejected messages). */
  readonly consoleErrors: string[];
  /** Drafts passed to writeMigration. */
  readonly written: ColumnDraft[];
  /** The state the page saved with setState, as JSON. */
  savedState(): unknown;
  /** Wait until the host has received a message matching `pred`. */
  waitForMessage(pred: (m: WebviewMessage) => boolean, timeoutMs?: number): Promise<WebviewMessage>;
  /** Reload the page as VS Code does when a hidden panel is shown again, handing back the saved state. */
  reload(): Promise<void>;
}

export interface HarnessOptions {
  readonly context: WizardContext;
  readonly planner: Planner;
  readonly columnsOf?: (t: TableRef) => readonly string[];
  readonly viewport?: { width: number; height: number };
  /** Apply VS Code's dark theme variables (default true). */
  readonly theme?: boolean;
}

export async function openWizard(browser: Browser, opts: HarnessOptions): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'cw-webview-'));
  const html = wizardHtml({
    cspSource: 'file:', nonce: 'a1b2c3d4e5f60718293a4b5c6d7e8f90', scriptUri: pathToFileURL(SCRIPT).href, styleUri: pathToFileURL(STYLE).href,
  });
  const htmlPath = join(dir, 'wizard.html');
  // The theme variables VS Code would set, from a file (the CSP allows no inline style).
  const theme = `<link rel="stylesheet" href="${pathToFileURL(join(ROOT, 'test/webview/vscode-dark.css')).href}">`;
  writeFileSync(htmlPath, opts.theme === false ? html : html.replace('<link rel="stylesheet"', `${theme}\n<link rel="stylesheet"`));

  const page = await browser.newPage({ viewport: opts.viewport ?? { width: 1280, height: 900 } });
  const received: WebviewMessage[] = [];
  const consoleErrors: string[] = [];
  const written: ColumnDraft[] = [];
  let state: unknown = undefined;
  const waiters: { pred: (m: WebviewMessage) => boolean; resolve: (m: WebviewMessage) => void }[] = [];
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));

  const backend: WizardBackend = {
    context: async () => opts.context,
    computePlan: async (draft) => {
      const { spec, findings } = draftToSpec(draft, opts.context.connection.dialect, opts.context.columns);
      if (!spec) return { findings, plan: null };
      const planned = opts.planner(spec, opts.context);
      return { findings: [...findings, ...planned.findings], plan: planned.plan };
    },
    listColumns: async (t) => opts.columnsOf?.(t) ?? [],
    writeMigration: async (draft) => {
      written.push(draft);
      return [`db/migrations/20260101000000_add_${draft.name}.sql`, `db/migrations/20260101000001_add_${draft.name}_enforce.sql`];
    },
    runMigration: async () => ({ started: false, message: 'not in tests' }),
    copySql: async () => 42,
  };
  const session = new WizardSession(
    backend,
    (msg) => page.evaluate((m) => (globalThis as unknown as { postMessage(m: unknown, o: string): void }).postMessage(m, '*'), JSON.parse(JSON.stringify(msg)) as unknown),
    { info: () => undefined, error: (_c, m) => consoleErrors.push(`host: ${m}`) },
  );

  await page.exposeFunction('__cwHostReceive', async (json: string) => {
    const msg = JSON.parse(json) as WebviewMessage;
    received.push(msg);
    for (const w of [...waiters]) if (w.pred(msg)) { waiters.splice(waiters.indexOf(w), 1); w.resolve(msg); }
    await session.receive(msg);
  });
  await page.exposeFunction('__cwSetState', (json: string) => { state = JSON.parse(json); });
  // A string, not a function: tsx's transform would add helpers the page does not have.
  const installApi = (saved: string | null): string => `(() => {
    let current = ${saved === null ? 'undefined' : `JSON.parse(${JSON.stringify(saved)})`};
    window.acquireVsCodeApi = () => ({
      postMessage: (m) => void window.__cwHostReceive(JSON.stringify(m)),
      getState: () => current,
      setState: (s) => { current = s; void window.__cwSetState(JSON.stringify(s)); },
    });
  })();`;
  await page.addInitScript(installApi(null));
  await page.goto(pathToFileURL(htmlPath).href);

  return {
    page, session, received, consoleErrors, written,
    savedState: () => state,
    waitForMessage: (pred, timeoutMs = 5000) => {
      const seen = received.find(pred);
      if (seen) return Promise.resolve(seen);
      return new Promise((res, rej) => {
        const t = setTimeout(() => rej(new Error('timed out waiting for a webview message')), timeoutMs);
        waiters.push({ pred, resolve: (m) => { clearTimeout(t); res(m); } });
      });
    },
    reload: async () => {
      session.reset();
      // A fresh page context gets the saved state back through getState(), as VS Code does.
      await page.addInitScript(installApi(state === undefined ? null : JSON.stringify(state)));
      await page.reload();
    },
  };
}

export function screenshotPath(name: string): string {
  mkdirSync(RESULTS, { recursive: true });
  return join(RESULTS, name);
}

// ───────────── a stand-in planner with the shapes the real one produces ─────────────

const VOLATILE = /\b(random|clock_timestamp|gen_random_uuid|uuid_generate_v4|timeofday|uuid|rand|sysdate)\s*\(/i;

const q = (d: Dialect, s: string): string => (d === 'postgres' ? `"${s.replace(/"/g, '""')}"` : `\`${s.replace(/`/g, '``')}\``);

/**
 * Phases by the rules the planner follows on PostgreSQL 11+: a nullable column or a constant default is a
 * catalog change (brief ACCESS EXCLUSIVE); a volatile default rewrites the table under ACCESS EXCLUSIVE unless it is
 * split into add + batched backfill; NOT NULL is enforced through a NOT VALID check validated under SHARE UPDATE EXCLUSIVE.
 */
export const fixturePlanner: Planner = (spec, ctx) => {
  const d = ctx.connection.dialect;
  const t = `${q(d, ctx.table.schema)}.${q(d, ctx.table.name)}`;
  const c = q(d, spec.name);
  const typeText = `${spec.type.name}${spec.type.params.length ? `(${spec.type.params.join(',')})` : ''}`;
  const rows = ctx.table.rows;
  const volatile = spec.default.kind === 'expression' && VOLATILE.test(spec.default.sql);
  const defaultSql = spec.default.kind === 'literal' ? spec.default.value : spec.default.kind === 'expression' ? spec.default.sql : null;
  const phases: Plan['phases'][number][] = [];
  const warnings: Finding[] = [];
  const lockTimeoutSql = "SET lock_timeout = '2s'";
  if (volatile) {
    phases.push({
      kind: 'expand', title: 'Add the column (rewrites the table)', transactional: true,
      steps: [{
        sql: `ALTER TABLE ${t} ADD COLUMN ${c} ${typeText} DEFAULT ${defaultSql}${spec.nullable ? '' : ' NOT NULL'}`,
        lock: 'ACCESS EXCLUSIVE', blocks: { reads: true, writes: true }, rewrite: true, lockTimeoutSql,
        estimate: { lockSeconds: rows / 40_000, totalSeconds: rows / 40_000, basis: 'default' },
        why: 'A volatile default is evaluated for every existing row, so the table is rewritten while locked.',
      }],
    });
    warnings.push({ code: 'volatile-default', severity: 'warning', message: `DEFAULT ${defaultSql} is volatile: adding it rewrites ${ctx.table.name} under ACCESS EXCLUSIVE.`, fix: 'Add the column without the default, set the default, then backfill in batches.' });
  } else {
    phases.push({
      kind: 'expand', title: 'Add the column', transactional: true,
      steps: [{
        sql: `ALTER TABLE ${t} ADD COLUMN ${c} ${typeText}${defaultSql ? ` DEFAULT ${defaultSql}` : ''}`,
        lock: 'ACCESS EXCLUSIVE', blocks: { reads: true, writes: true }, rewrite: false, lockTimeoutSql,
        estimate: { lockSeconds: 0.01, totalSeconds: 0.01, basis: 'default' },
        verified: { lock: 'ACCESS EXCLUSIVE', rewrite: false, agrees: true, detail: 'probe on a shadow table' },
        why: 'Catalog-only change: no rewrite.',
      }],
    });
    if (!spec.nullable) {
      if (!defaultSql) {
        phases.push({
          kind: 'backfill', title: 'Backfill existing rows in batches', transactional: false,
          steps: [{
            sql: `UPDATE ${t} SET ${c} = <value> WHERE ${c} IS NULL AND id BETWEEN $1 AND $2`,
            lock: 'ROW EXCLUSIVE', blocks: { reads: false, writes: false }, rewrite: false,
            estimate: { lockSeconds: 0, totalSeconds: rows / 20_000, basis: 'default' },
            backfill: { table: ctx.table, column: spec.name, valueSql: '<value>' },
            why: 'Batches keep each row lock short.',
          }],
        });
        warnings.push({ code: 'not-null-without-default', severity: 'warning', message: 'NOT NULL without a default needs every existing row filled first.', fix: 'Backfill in batches, then enforce with a NOT VALID check.' });
      }
      phases.push({
        kind: 'constrain', title: 'Enforce NOT NULL without a long lock', transactional: false,
        steps: [
          { sql: `ALTER TABLE ${t} ADD CONSTRAINT ${q(d, `${spec.name}_not_null`)} CHECK (${c} IS NOT NULL) NOT VALID`, lock: 'ACCESS EXCLUSIVE', blocks: { reads: true, writes: true }, rewrite: false, lockTimeoutSql, estimate: { lockSeconds: 0.01, totalSeconds: 0.01, basis: 'default' }, why: 'NOT VALID skips the scan.' },
          { sql: `ALTER TABLE ${t} VALIDATE CONSTRAINT ${q(d, `${spec.name}_not_null`)}`, lock: 'SHARE UPDATE EXCLUSIVE', blocks: { reads: false, writes: false }, rewrite: false, estimate: { lockSeconds: 0, totalSeconds: rows / 200_000, basis: 'default' }, why: 'Validation scans without blocking writes.' },
          { sql: `ALTER TABLE ${t} ALTER COLUMN ${c} SET NOT NULL`, lock: 'ACCESS EXCLUSIVE', blocks: { reads: true, writes: true }, rewrite: false, lockTimeoutSql, estimate: { lockSeconds: 0.01, totalSeconds: 0.01, basis: 'default' }, why: 'The validated check lets SET NOT NULL skip its scan (PostgreSQL 12+).' },
        ],
      });
    }
  }
  if (spec.index || spec.unique) {
    phases.push({
      kind: 'index', title: 'Build the index online', transactional: false,
      steps: [{ sql: `CREATE ${spec.unique ? 'UNIQUE ' : ''}INDEX CONCURRENTLY ${q(d, `${ctx.table.name}_${spec.name}_idx`)} ON ${t} (${c})`, lock: 'SHARE UPDATE EXCLUSIVE', blocks: { reads: false, writes: false }, rewrite: false, estimate: { lockSeconds: 0, totalSeconds: ctx.table.bytes / 50_000_000, basis: 'default' }, why: 'CONCURRENTLY builds without blocking writes.' }],
    });
  }
  return {
    findings: [],
    plan: {
      dialect: d, serverVersion: ctx.connection.serverVersion,
      table: { schema: ctx.table.schema, name: ctx.table.name, rows, bytes: ctx.table.bytes },
      column: spec, phases, warnings,
      rollout: ['Deploy code that tolerates the new column being absent.', 'Run the migration.', 'Deploy code that writes the column.'],
    },
  };
};
