/**
 * One e2e session: package the VSIX, install it into code-server with throwaway user-data and extensions
 * dirs, start the server on a free port, open chromium on the workspace. `close()` ends all of it.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import type { BrowserContext, Page } from 'playwright-core';
import {
  installVsix,
  packageVsix,
  startCodeServer,
  stateDirs,
  writeLanguagePacks,
  writeUserSettings,
  type RunningServer,
  type StateDirs,
} from '../../scripts/codeServer';
import { ensureTools, ROOT, type Tools } from '../../scripts/tools';
import { launchBrowser, openWorkbench, screenshot } from './workbench';

export const E2E_DIR = join(ROOT, 'test-results', 'e2e');

/** Files under `dir` whose name matches, searched recursively. */
export function findFiles(dir: string, re: RegExp): string[] {
  let out: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return out;
  }
  for (const n of names) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) out = out.concat(findFiles(p, re));
    else if (re.test(n)) out.push(p);
  }
  return out;
}

export function log(message: string): void {
  process.stdout.write(`# [e2e ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

export interface Session {
  readonly tools: Tools;
  readonly dirs: StateDirs;
  readonly server: RunningServer;
  readonly browser: BrowserContext;
  readonly page: Page;
  readonly workspace: string;
  close(): Promise<void>;
}

export interface SessionOptions {
  /** Folder name under test-results/e2e/ for this session's state (wiped at start). */
  readonly name: string;
  readonly workspace: string;
  readonly settings?: Record<string, unknown>;
  readonly smokeTestDriver?: boolean;
  /** Open the workbench on the workspace (default true). */
  readonly open?: boolean;
  readonly env?: NodeJS.ProcessEnv;
  /** Package and install the VSIX (default). When false, only build dist/ (for extensionDevelopmentPath). */
  readonly vsix?: boolean;
  /** Keep workspace trust on (code-server without --disable-workspace-trust); pair with settings enabling it. */
  readonly workspaceTrust?: boolean;
  /** VS Code's display language (code-server `--locale`); needs a language pack for it in `extraVsix`. */
  readonly locale?: string;
  /** More VSIX files to install before the server starts (e.g. a language pack fixture). */
  readonly extraVsix?: readonly string[];
}

export async function startSession(opts: SessionOptions): Promise<Session> {
  const t0 = Date.now();
  const tools = await ensureTools(log);
  const dirs = stateDirs(join(E2E_DIR, opts.name));
  rmSync(dirs.root, { recursive: true, force: true });
  mkdirSync(dirs.root, { recursive: true });
  writeUserSettings(dirs, opts.settings ?? {});
  if (opts.vsix === false) {
    execFileSync(process.execPath, [join(ROOT, 'esbuild.mjs')], { cwd: ROOT, stdio: 'pipe' });
    log(`built dist/ (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  } else {
    const vsix = packageVsix(join(dirs.root, 'column-wizard.vsix'));
    installVsix(tools, dirs, vsix);
    log(`packaged and installed the VSIX (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  }
  for (const extra of opts.extraVsix ?? []) installVsix(tools, dirs, extra);
  if (opts.locale) writeLanguagePacks(dirs);
  const server = await startCodeServer(tools, {
    dirs,
    workspace: opts.workspace,
    smokeTestDriver: opts.smokeTestDriver,
    env: opts.env,
    workspaceTrust: opts.workspaceTrust,
    locale: opts.locale,
  });
  log(`code-server listening on ${server.url}`);
  let browser: BrowserContext | undefined;
  try {
    browser = await launchBrowser(join(dirs.xdg, 'tmp'));
    const page = browser.pages()[0] ?? (await browser.newPage());
    if (opts.open !== false) {
      await openWorkbench(page, server.url, opts.workspace);
      log(`workbench visible (${((Date.now() - t0) / 1000).toFixed(1)} s since start)`);
    }
    const b = browser;
    return {
      tools,
      dirs,
      server,
      browser: b,
      page,
      workspace: opts.workspace,
      close: async () => {
        await b.close().catch(() => {});
        await server.stop();
      },
    };
  } catch (err) {
    await browser?.close().catch(() => {});
    await server.stop();
    throw err;
  }
}

/** On failure, keep a screenshot named after the test. */
export async function shotOnFailure(page: Page | undefined, name: string, fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    if (page) await screenshot(page, `FAILED-${name}`).catch(() => {});
    throw err;
  }
}

/** Run `fn` with a plain pg connection to `url`, closed afterwards (test set-up and checks beside the UI). */
export async function withPgClient<T>(url: string, fn: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** Why tests against the PostgreSQL at `url` cannot run (undefined when it answers); under CI=true an unreachable server is an error. */
export async function pgUnreachable(url: string): Promise<string | undefined> {
  try {
    await withPgClient(url, (c) => c.query('SELECT 1'));
    return undefined;
  } catch (err) {
    if (process.env.CI === 'true')
      throw new Error(`PostgreSQL at ${url} is unreachable under CI: ${err instanceof Error ? err.message : String(err)}`);
    return `PostgreSQL at ${url} is unreachable`;
  }
}
