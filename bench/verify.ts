/**
 * `verify` on a large table: the whole observation (sizes, index counters, EXPLAIN of one query, the primary
 * key's high-water mark and the bounded null-share sample) plus the comparison, against a full
 * `SELECT count(*)` of the same table measured in the same run (what an unbounded check would cost).
 *   npx tsx bench/verify.ts [--rows N] [--engine postgres|mysql|both]      (default 1,000,000 rows)
 * Env: PG_URL, MYSQL_URL (defaults as in test/db/helpers.ts). Creates and drops a throwaway database.
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { makeBaseline } from '../src/core/rollout/baseline';
import { compareRollout } from '../src/core/rollout/compare';
import { connect, type DatabaseClient } from '../src/db/client';
import { observeRollout } from '../src/db/rollout';

const PG_URL = process.env.PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const MYSQL_URL = process.env.MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';
const { values } = parseArgs({ options: { rows: { type: 'string', default: '1000000' }, engine: { type: 'string', default: 'both' } } });
const N = Number(values.rows);

function withDb(url: string, db: string): string {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const s = performance.now();
  const r = await fn();
  return [r, performance.now() - s];
}

async function bench(engine: 'postgres' | 'mysql'): Promise<void> {
  const admin = await connect(engine === 'postgres' ? PG_URL : MYSQL_URL);
  const name = `cw_bench_${randomBytes(3).toString('hex')}`;
  await admin.execute(engine === 'postgres' ? `CREATE DATABASE "${name}"` : `CREATE DATABASE \`${name}\``);
  let c: DatabaseClient | undefined;
  try {
    c = await connect(withDb(engine === 'postgres' ? PG_URL : MYSQL_URL, name));
    const pg = engine === 'postgres';
    const schema = pg ? 'public' : name;
    process.stderr.write(`${engine}: loading ${N} rows…\n`);
    if (pg) {
      await c.execute('CREATE TABLE t (id bigserial PRIMARY KEY, amount int, ref text)');
      await c.execute(`INSERT INTO t (amount, ref) SELECT g, 'r' || g FROM generate_series(1, ${N}) g`);
      await c.execute('CREATE INDEX t_ref ON t (ref)');
      await c.execute('ANALYZE t');
    } else {
      await c.execute('CREATE TABLE t (id bigint AUTO_INCREMENT PRIMARY KEY, amount int, ref varchar(20)) ENGINE=InnoDB');
      await c.execute(`INSERT INTO t (amount, ref) SELECT seq, CONCAT('r', seq) FROM seq_1_to_${N}`);
      await c.execute('ALTER TABLE t ADD INDEX t_ref (ref)');
      await c.execute('ANALYZE TABLE t');
    }
    const table = { schema, name: 't' };
    const queries = [`SELECT id FROM t WHERE ref = 'r42'`];
    const first = await observeRollout(c, table, 'ref', { queries, topStatements: false });
    const baseline = makeBaseline({ source: 'baseline', table, column: 'ref', observation: first, queries });
    // App writes after the baseline: 20,000 rows, every tenth without ref.
    await c.execute(
      pg
        ? `INSERT INTO t (amount, ref) SELECT g, CASE WHEN g % 10 = 0 THEN NULL ELSE 'n' || g END FROM generate_series(1, 20000) g`
        : `INSERT INTO t (amount, ref) SELECT seq, IF(seq % 10 = 0, NULL, CONCAT('n', seq)) FROM seq_1_to_20000`,
    );
    const runs: number[] = [];
    let report;
    for (let i = 0; i < 5; i++) {
      const [r, ms] = await timed(async () =>
        compareRollout(baseline, await observeRollout(c!, table, 'ref', { queries, sinceKey: first.key?.max ?? null })),
      );
      runs.push(ms);
      report = r;
    }
    const [, scanMs] = await timed(() => c!.query('SELECT count(*) AS n FROM t'));
    runs.sort((a, b) => a - b);
    const med = runs[2]!;
    console.log(
      `${engine} (${N + 20000} rows): verify median ${med.toFixed(0)} ms (min ${runs[0]!.toFixed(0)}, max ${runs[4]!.toFixed(0)}); ` +
        `full SELECT count(*) ${scanMs.toFixed(0)} ms; ratio verify/count ${(med / scanMs).toFixed(2)}; ` +
        `sampled ${report!.nullShare?.sampled} rows, missing share ${((report!.nullShare?.share ?? 0) * 100).toFixed(1)}%`,
    );
  } finally {
    await c?.close();
    await admin.execute(engine === 'postgres' ? `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)` : `DROP DATABASE IF EXISTS \`${name}\``);
    await admin.close();
  }
}

void (async () => {
  for (const e of values.engine === 'both' ? (['postgres', 'mysql'] as const) : [values.engine as 'postgres' | 'mysql']) await bench(e);
})().catch((err) => {
  console.error(err);
  process.exit(1);
});
