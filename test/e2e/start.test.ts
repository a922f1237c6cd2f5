/**
 * `npm start` end to end, with its folders moved under test-results/ (CW_EMBEDDED_PG_DIR, CW_DEMO_DIR) and
 * free ports: the terminal flow adds the column to the embedded PostgreSQL and writes a dbmate file; the
 * browser flow serves the demo workspace and Ctrl-C (SIGINT) leaves no listener behind.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Client } from 'pg';
import { freePort } from '../../scripts/codeServer';
import { ensureTools, ROOT } from '../../scripts/tools';
import { E2E_DIR, log } from './harness';

const BASE = join(E2E_DIR, 'start');
const env = { ...process.env, CW_EMBEDDED_PG_DIR: join(BASE, 'embedded-pg'), CW_DEMO_DIR: join(BASE, 'demo') };

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

function startScript(args: string[]): { child: ChildProcess; output: () => string; exited: Promise<number> } {
  const chunks: string[] = [];
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', 'start.ts'), ...args], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d: Buffer) => chunks.push(d.toString()));
  child.stderr?.on('data', (d: Buffer) => chunks.push(d.toString()));
  const exited = new Promise<number>((r) => child.once('close', (code) => r(code ?? 1)));
  return { child, output: () => chunks.join(''), exited };
}

describe('e2e: npm start', { timeout: 900000 }, () => {
  let pgPort = 0;
  before(
    async () => {
      rmSync(BASE, { recursive: true, force: true });
      pgPort = await freePort();
      await ensureTools(log);
    },
    { timeout: 900000 },
  );
  after(() => rmSync(join(BASE, 'embedded-pg'), { recursive: true, force: true }));

  it('--cli: embedded PostgreSQL, dbmate workspace, plan → write → run adds the column and its index', async () => {
    const run = startScript(['--cli', '--rows', '20000', '--pg-port', String(pgPort)]);
    const code = await run.exited;
    const out = run.output();
    assert.equal(code, 0, out);
    assert.match(out, /dbmate: Applied: 20240101000000_create_customers_and_orders\.sql/);
    assert.match(out, /seeded 20,000 rows/);
    assert.match(out, /column-wizard plan +ok/);
    assert.match(out, /public\.orders\.discount_cents exists: integer, nullable NO, default 0/);
    // The write step's file is in dbmate's format, next to the workspace's first migration.
    const migrations = join(BASE, 'demo', 'workspace', 'db', 'migrations');
    const written = readdirSync(migrations).filter((f) => /_add_orders_discount_cents/.test(f));
    assert.match(out, /column-wizard write +ok/);
    assert.match(out, /column-wizard run +ok/);
    assert.ok(written.length >= 1, `written migrations in ${migrations}: ${readdirSync(migrations).join(', ')}`);
    for (const f of written) {
      const text = readFileSync(join(migrations, f), 'utf8');
      assert.match(text, /^-- migrate:up/m, f);
      assert.match(text, /^-- migrate:down/m, f);
    }
    const all = written.map((f) => readFileSync(join(migrations, f), 'utf8')).join('\n');
    assert.match(all, /ALTER TABLE "public"\."orders" ADD COLUMN "discount_cents"/);
    assert.match(all, /-- migrate:up transaction:false[\s\S]*CREATE INDEX CONCURRENTLY/);
    assert.match(out, /index \S+ on discount_cents: valid/);
    // Everything it started is stopped: nothing listens on the PostgreSQL port any more.
    assert.equal(await listening(pgPort), false, 'PostgreSQL still listening after --cli finished');
  });

  it('browser mode: prints the URL, serves the demo workspace, and Ctrl-C stops code-server and PostgreSQL', async () => {
    const csPort = await freePort();
    const run = startScript(['--rows', '20000', '--pg-port', String(pgPort), '--port', String(csPort)]);
    let url = '';
    for (let i = 0; i < 600 && !url; i++) {
      const m = /(http:\/\/127\.0\.0\.1:\d+\/\?folder=\S+)/.exec(run.output());
      if (m) url = m[1]!;
      else if (run.child.exitCode !== null) break;
      else await new Promise((r) => setTimeout(r, 500));
    }
    try {
      assert.ok(url, `no URL printed:\n${run.output()}`);
      assert.ok(url.startsWith(`http://127.0.0.1:${csPort}/`), url);
      const res = await fetch(url);
      assert.equal(res.status, 200);
      assert.match(await res.text(), /workbench/i);
      // The connection to the embedded server is preconfigured in the workspace settings.
      const settings = JSON.parse(readFileSync(join(BASE, 'demo', 'workspace', '.vscode', 'settings.json'), 'utf8')) as Record<
        string,
        unknown
      >;
      const conns = settings['columnWizard.connections'] as { port: number; dialect: string }[];
      assert.equal(conns[0]?.port, pgPort);
      assert.equal(conns[0]?.dialect, 'postgres');
      const c = new Client({ connectionString: `postgres://postgres@127.0.0.1:${pgPort}/demo` });
      await c.connect();
      const n = await c.query<{ n: string }>('SELECT count(*) AS n FROM public.orders');
      await c.end();
      assert.equal(Number(n.rows[0]?.n), 20000);
      assert.ok(
        existsSync(join(BASE, 'demo', 'code-server', 'extensions', 'extensions.json')),
        'the VSIX was installed into the demo code-server',
      );
    } finally {
      run.child.kill('SIGINT');
    }
    const code = await run.exited;
    assert.equal(code, 0, run.output());
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(await listening(csPort), false, 'code-server still listening after Ctrl-C');
    assert.equal(await listening(pgPort), false, 'PostgreSQL still listening after Ctrl-C');
  });
});
