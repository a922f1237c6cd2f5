/**
 * listTables() over many tables, against a `SELECT 1` round trip measured in the same run.
 * Creates a throwaway database with N tables (default 10,000) per engine, prints medians, drops it.
 *   npx tsx bench/introspect.ts [--tables N] [--engine postgres|mysql|both]
 * Env: PG_URL, MYSQL_URL (defaults as in test/db/helpers.ts).
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { connect, type DatabaseClient } from '../src/db/client';
import { parseConnectionUrl } from '../src/db/connection';

const PG_URL = process.env.PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const MYSQL_URL = process.env.MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';

const { values } = parseArgs({ options: { tables: { type: 'string', default: '10000' }, engine: { type: 'string', default: 'both' } } });
const N = Number(values.tables);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function time(fn: () => Promise<unknown>, runs: number): Promise<number> {
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const s = performance.now();
    await fn();
    out.push(performance.now() - s);
  }
  return median(out);
}

function withDb(url: string, db: string): string {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
}

async function bench(engine: 'postgres' | 'mysql'): Promise<void> {
  const adminUrl = engine === 'postgres' ? PG_URL : MYSQL_URL;
  const name = `cw_bench_${randomBytes(4).toString('hex')}`;
  // Dropping 10,000 tables takes longer than the default 30 s statement limit.
  const admin = await connect({ ...parseConnectionUrl(adminUrl), statementTimeoutMs: 1_800_000 });
  await admin.query(engine === 'postgres' ? `CREATE DATABASE "${name}"` : `CREATE DATABASE \`${name}\``);
  let client: DatabaseClient | undefined;
  try {
    client = await connect({ ...parseConnectionUrl(withDb(adminUrl, name)), statementTimeoutMs: 600_000 });
    const info = await client.serverInfo();
    const created = performance.now();
    if (engine === 'postgres') {
      for (let lo = 0; lo < N; lo += 1000) {
        await client.query(`DO $$ BEGIN FOR i IN ${lo}..${Math.min(N, lo + 1000) - 1} LOOP
          EXECUTE format('CREATE TABLE t_%s (id int PRIMARY KEY, name text, created timestamptz DEFAULT now())', i); END LOOP; END $$`);
      }
    } else {
      for (let i = 0; i < N; i++)
        await client.query(
          `CREATE TABLE t_${i} (id int PRIMARY KEY, name varchar(40), created datetime DEFAULT CURRENT_TIMESTAMP) ENGINE=InnoDB`,
        );
    }
    const createSeconds = (performance.now() - created) / 1000;
    const c = client;
    const baseline = await time(() => c.query('SELECT 1'), 50);
    let count = 0;
    const first = await time(async () => {
      count = (await c.listTables()).length;
    }, 1);
    const warm = await time(() => c.listTables(), 5);
    console.log(
      `${info.dialect} ${info.version}: ${N} tables created in ${createSeconds.toFixed(1)} s; listTables() returned ${count} rows`,
    );
    console.log(`  SELECT 1 round trip (median of 50): ${baseline.toFixed(2)} ms`);
    if (engine === 'mysql') {
      const naive = await time(
        () =>
          c.query(
            'SELECT TABLE_SCHEMA, TABLE_NAME, TABLE_ROWS, DATA_LENGTH FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()',
          ),
        3,
      );
      console.log(`  for comparison, information_schema.TABLES with TABLE_ROWS/DATA_LENGTH: ${naive.toFixed(1)} ms (median of 3)`);
    }
    console.log(
      `  listTables() first call: ${first.toFixed(1)} ms; median of 5 warm calls: ${warm.toFixed(1)} ms = ${(warm / baseline).toFixed(0)}x the round trip; ${((1000 * warm) / N).toFixed(1)} µs per table`,
    );
  } finally {
    await client?.close();
    await admin.query(engine === 'postgres' ? `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)` : `DROP DATABASE IF EXISTS \`${name}\``);
    await admin.close();
  }
}

async function main(): Promise<void> {
  if (!Number.isInteger(N) || N < 1) throw new Error(`--tables must be a positive integer, got ${values.tables}`);
  const engines = values.engine === 'both' ? (['postgres', 'mysql'] as const) : [values.engine as 'postgres' | 'mysql'];
  for (const e of engines) await bench(e);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
