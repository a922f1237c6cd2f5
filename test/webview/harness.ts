/**
 * The host side of the wizard protocol for tests: the built `dist/webview.js` runs in headless Debian Chromium
 * inside the same HTML (CSP included) the panel serves, and its messages reach the real `WizardSession` in node.
 * Only the database is replaced: the real planner plans from plain `TableFacts` the test gives.
 */
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { Calibration, TableFacts, TableRef, Target } from '../../src/core/types';
import type { ColumnDraft, Requests, WebviewMessage, WizardContext } from '../../src/protocol';
import { planDraft } from '../../src/core/draft';
import { scanDirectory } from '../../src/cli/appScan';
import { codeChecklist } from '../../src/core/app/checklist';
import { mergeScans } from '../../src/core/app/scan';
import { wizardHtml } from '../../src/extension/wizard/html';
import { WizardSession, type WizardBackend } from '../../src/extension/wizard/session';

/** Tests run from the repository root (npm test, scripts/test.mjs). */
export const ROOT = resolve('.');
export const RESULTS = join(ROOT, 'test-results');
const SCRIPT = join(ROOT, 'dist/webview.js');
const STYLE = join(ROOT, 'media/wizard.css');

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export async function launch(): Promise<Browser> {
  if (!existsSync('/usr/bin/chromium'))
    throw new Error('Debian chromium is missing at /usr/bin/chromium: apt-get install chromium (.ci/run does it)');
  if (!existsSync(SCRIPT)) throw new Error('dist/webview.js is missing: run `npm run build` first');
  return chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ARGS });
}

export interface Harness {
  readonly page: Page;
  readonly session: WizardSession;
  /** Every message the host received, in order, after validation by the session (raw JSON as posted). */
  readonly received: WebviewMessage[];
  /** Console errors of the page (CSP violations, rejected messages). */
  readonly consoleErrors: string[];
  /** Drafts passed to writeMigration. */
  readonly written: ColumnDraft[];
  /** Phases of the model edits the page asked to preview. */
  readonly previews: string[];
  /** `file:line` of the places the page asked to open. */
  readonly opened: string[];
  /** Run ids whose report the page asked to open. */
  readonly reportsOpened: string[];
  /** The state the page saved with setState, as JSON. */
  savedState(): unknown;
  /** Wait until the host has received a message matching `pred`. */
  waitForMessage(pred: (m: WebviewMessage) => boolean, timeoutMs?: number): Promise<WebviewMessage>;
  /** Reload the page as VS Code does when a hidden panel is shown again, handing back the saved state. */
  reload(): Promise<void>;
}

export interface HarnessOptions {
  readonly context: WizardContext;
  /** The live table as the db layer would report it. */
  readonly facts: TableFacts;
  readonly target: Target;
  readonly columnsOf?: (t: TableRef) => readonly string[];
  /** What Refresh facts reads (default: the same context). */
  readonly refreshedContext?: WizardContext;
  readonly viewport?: { width: number; height: number };
  /** The VS Code theme whose variables the page gets (default dark). */
  readonly theme?: 'dark' | 'light' | 'hc';
  /** The calibration plans are computed with at the time (the host's, once it measured the server). */
  readonly calibration?: () => Calibration | undefined;
  /** A project folder the code scan reads (default: none; the scan then finds nothing). */
  readonly codeProject?: string;
  /** What Run answers (default: not started). */
  readonly run?: (draft: ColumnDraft) => Promise<Requests['runMigration']['result']>;
  /** What Record as Applied answers (default: an error, as for a run the host does not know). */
  readonly recordApplied?: (runId: string) => Promise<Requests['recordApplied']['result']>;
}

export async function openWizard(browser: Browser, opts: HarnessOptions): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'cw-webview-'));
  const html = wizardHtml({
    cspSource: 'file:',
    nonce: 'a1b2c3d4e5f60718293a4b5c6d7e8f90',
    scriptUri: pathToFileURL(SCRIPT).href,
    styleUri: pathToFileURL(STYLE).href,
  });
  const htmlPath = join(dir, 'wizard.html');
  // The theme variables VS Code would set, from a file (the CSP allows no inline style).
  const themeName = opts.theme ?? 'dark';
  const theme = `<link rel="stylesheet" href="${pathToFileURL(join(ROOT, `test/webview/vscode-${themeName}.css`)).href}">`;
  // VS Code marks the body with the theme kind; the high-contrast rules key on it.
  const body = `<body class="${{ dark: 'vscode-dark', light: 'vscode-light', hc: 'vscode-high-contrast' }[themeName]}">`;
  writeFileSync(htmlPath, html.replace('<link rel="stylesheet"', `${theme}\n<link rel="stylesheet"`).replace('<body>', body));

  const page = await browser.newPage({ viewport: opts.viewport ?? { width: 1280, height: 900 } });
  const received: WebviewMessage[] = [];
  const consoleErrors: string[] = [];
  const written: ColumnDraft[] = [];
  const previews: string[] = [];
  const opened: string[] = [];
  const reportsOpened: string[] = [];
  let state: unknown = undefined;
  const waiters: { pred: (m: WebviewMessage) => boolean; resolve: (m: WebviewMessage) => void }[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));

  const backend: WizardBackend = {
    context: async (refresh) => (refresh && opts.refreshedContext ? opts.refreshedContext : opts.context),
    computePlan: async (draft) => {
      const calibration = opts.calibration?.();
      return planDraft(draft, opts.facts, opts.target, calibration ? { calibration } : {});
    },
    listColumns: async (t) => opts.columnsOf?.(t) ?? [],
    writeMigration: async (draft) => {
      written.push(draft);
      return [`db/migrations/20260101000000_add_${draft.name}.sql`, `db/migrations/20260101000001_add_${draft.name}_enforce.sql`];
    },
    runMigration: async (draft) => (opts.run ? opts.run(draft) : { started: false, message: 'not in tests' }),
    openRunReport: async (runId) => {
      reportsOpened.push(runId);
      return true;
    },
    recordApplied: async (runId) => {
      if (!opts.recordApplied) throw new Error(`no migration files of run ${runId} to record`);
      return opts.recordApplied(runId);
    },
    copySql: async () => 42,
    // The real scan and checklist over a fixture project on disk (test/fixtures/app/*).
    scanCode: async (draft) => {
      const { plan } = planDraft(draft, opts.facts, opts.target);
      if (!plan) throw new Error('no plan in this test');
      const target = { table: plan.table.name, column: plan.column.name };
      // Without a project, what the real host answers for a workspace with nothing to scan (the page asks 1 s after a
      // plan settles, so a slow test would otherwise log a failed request).
      return codeChecklist(plan, opts.codeProject ? await scanDirectory(opts.codeProject, target) : mergeScans(target, [], 0, 0));
    },
    previewModelEdit: async (_draft, phase) => {
      previews.push(phase);
      return 1;
    },
    openPlace: async (file, line) => {
      opened.push(`${file}:${line}`);
      return true;
    },
  };
  const session = new WizardSession(
    backend,
    (msg) =>
      page.evaluate(
        (m) => (globalThis as unknown as { postMessage(m: unknown, o: string): void }).postMessage(m, '*'),
        JSON.parse(JSON.stringify(msg)) as unknown,
      ),
    { info: () => undefined, error: (_c, m) => consoleErrors.push(`host: ${m}`) },
  );

  await page.exposeFunction('__cwHostReceive', async (json: string) => {
    const msg = JSON.parse(json) as WebviewMessage;
    received.push(msg);
    for (const w of [...waiters])
      if (w.pred(msg)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(msg);
      }
    await session.receive(msg);
  });
  await page.exposeFunction('__cwSetState', (json: string) => {
    state = JSON.parse(json);
  });
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
    page,
    session,
    received,
    consoleErrors,
    written,
    previews,
    opened,
    reportsOpened,
    savedState: () => state,
    waitForMessage: (pred, timeoutMs = 5000) => {
      const seen = received.find(pred);
      if (seen) return Promise.resolve(seen);
      return new Promise((res, rej) => {
        const t = setTimeout(() => rej(new Error('timed out waiting for a webview message')), timeoutMs);
        waiters.push({
          pred,
          resolve: (m) => {
            clearTimeout(t);
            res(m);
          },
        });
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
