/**
 * Backfill benchmark: one UPDATE vs fixed 1,000-row batches vs adaptive batches, on a 1,000,000-row table, with a
 * concurrent writer updating random rows and recording its latencies. Both engines; figures printed, never asserted.
 *
 *   npx tsx bench/backfill.ts [--rows 1000000] [--target-ms 100] [--engine postgres|mysql|both] [--writer-pause-ms 2]
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { connect, type DatabaseClient } from '../src/db/client';
import { parseConnectionUrl } from '../src/db/connection';
import { DEFAULT_RETRY, DEFAULT_TARGET_BATCH_MS, findBatchKey, runBackfill, type BackfillOptions } from '../src/db/run';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    'target-ms': { type: 'string', default: String(DEFAULT_TARGET_BATCH_MS) },
    engine: { type: 'string', default: 'both' },
    'writer-pause-ms': { type: 'string', default: '2' },
  },
});
const ROWS = Number(values.rows);
const TARGET = Number(values['target-ms']);
const WRITER_PAUSE = Number(values['writer-pause-ms']);
const PG_URL = process.env.PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const MYSQL_URL = process.env.MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';
type Engine = 'postgres' | 'mysql';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const qi = (e: Engine, n: string) => (e === 'postgres' ? `"${n}"` : `\`${n}\``);

function withDb(url: string, db: string): string {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
}

function pct(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function load(c: DatabaseClient, e: Engine, schema: string): Promise<void> {
  const t = `${qi(e, schema)}.${qi(e, 'bench')}`;
  await c.query(`DROP TABLE IF EXISTS ${t}`);
  if (e === 'postgres') {
    await c.query(`CREATE TABLE ${t} (id bigint PRIMARY KEY, v integer NOT NULL, pad text NOT NULL)`);
    await c.query(`INSERT INTO ${t} SELECT g, g % 1000, md5(g::text) FROM generate_series(1, ${ROWS}) g`);
    await c.query(`ALTER TABLE ${t} ADD COLUMN c bigint`);
    await c.query(`VACUUM ANALYZE ${t}`);
    await c.query('CHECKPOINT');
  } else {
    await c.query(`CREATE TABLE ${t} (id bigint PRIMARY KEY, v int NOT NULL, pad char(32) NOT NULL) ENGINE=InnoDB`);
    await c.query(`INSERT INTO ${t} SELECT seq, seq MOD 1000, MD5(seq) FROM seq_1_to_${ROWS}`);
    await c.query(`ALTER TABLE ${t} ADD COLUMN c bigint NULL, ALGORITHM=INSTANT`);
    await c.query(`ANALYZE TABLE ${t}`);
  }
}

/** Updates random rows in a loop on its own connection; returns latencies (ms) recorded until stopped. */
function startWriter(c: DatabaseClient, e: Engine, schema: string): { stop(since: number): Promise<number[]> } {
  const t = `${qi(e, schema)}.${qi(e, 'bench')}`;
  const sql = `UPDATE ${t} SET v = v + 1 WHERE id = ${e === 'postgres' ? '$1' : '?'}`;
  const lat: { start: number; ms: number }[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const id = 1 + Math.floor(Math.random() * ROWS);
      const t0 = performance.now();
      await c.query(sql, [id]);
      lat.push({ start: t0, ms: performance.now() - t0 });
      if (WRITER_PAUSE) await sleep(WRITER_PAUSE);
    }
  })();
  // Only writes that ended after the measured operation began count (the one stalled across its start included).
  return {
    async stop(since) {
      running = false;
      await loop;
      return lat.filter((l) => l.start + l.ms >= since).map((l) => l.ms);
    },
  };
}

interface Result {
  mode: string;
  seconds: number;
  batches: number;
  writes: number;
  p50: number;
  p99: number;
  max: number;
}

async function measure(
  mode: string,
  e: Engine,
  url: string,
  schema: string,
  body: (c: DatabaseClient) => Promise<number>,
): Promise<Result> {
  const admin = await connect({ ...parseConnectionUrl(url), statementTimeoutMs: 0 });
  await load(admin, e, schema);
  await admin.close();
  const runner = await connect({ ...parseConnectionUrl(url), statementTimeoutMs: 0 });
  const writerConn = await connect({ ...parseConnectionUrl(url), statementTimeoutMs: 0 });
  // The writer waits as long as it takes: its latency is what is measured.
  if (e === 'postgres') await writerConn.query('SET lock_timeout = 0');
  else await writerConn.query('SET SESSION innodb_lock_wait_timeout = 3600');
  const writer = startWriter(writerConn, e, schema);
  await sleep(300);
  const t0 = performance.now();
  const batches = await body(runner);
  const seconds = (performance.now() - t0) / 1000;
  const lat = (await writer.stop(t0)).sort((a, b) => a - b);
  // Check the work was done: no NULL left.
  const [row] = await runner.query<{ n: number | string }>(`SELECT count(*) AS n FROM ${qi(e, schema)}.${qi(e, 'bench')} WHERE c IS NULL`);
  if (Number(row!.n) !== 0) throw new Error(`${mode}: ${row!.n} rows left NULL`);
  await runner.close();
  await writerConn.close();
  return { mode, seconds, batches, writes: lat.length, p50: pct(lat, 50), p99: pct(lat, 99), max: lat.at(-1) ?? NaN };
}

async function benchEngine(e: Engine): Promise<void> {
  const adminUrl = e === 'postgres' ? PG_URL : MYSQL_URL;
  const name = `cw_bench_${randomBytes(3).toString('hex')}`;
  const admin = await connect({ ...parseConnectionUrl(adminUrl), statementTimeoutMs: 0 });
  await admin.query(`CREATE DATABASE ${qi(e, name)}`);
  const url = withDb(adminUrl, name);
  const schema = e === 'postgres' ? 'public' : name;
  const info = await admin.serverInfo();
  const results: Result[] = [];
  try {
    const table = { schema, name: 'bench' };
    const batched = (opts: BackfillOptions) => async (c: DatabaseClient) => {
      const key = await findBatchKey(c, table, 'c');
      const r = await runBackfill({
        client: c,
        engine: e,
        spec: { table, column: 'c', valueSql: 'id * 2' },
        key,
        options: opts,
        retry: DEFAULT_RETRY,
        lockTimeoutMs: 2000,
      });
      return r.batches;
    };
    results.push(
      await measure('single UPDATE', e, url, schema, async (c) => {
        await c.query(`UPDATE ${qi(e, schema)}.${qi(e, 'bench')} SET c = id * 2 WHERE c IS NULL`);
        return 1;
      }),
    );
    results.push(await measure('fixed 1,000-row batches', e, url, schema, batched({ fixedBatchSize: 1000 })));
    results.push(await measure(`adaptive (target ${TARGET} ms)`, e, url, schema, batched({ targetBatchMs: TARGET })));
  } finally {
    await admin.query(e === 'postgres' ? `DROP DATABASE IF EXISTS ${qi(e, name)} WITH (FORCE)` : `DROP DATABASE IF EXISTS ${qi(e, name)}`);
    await admin.close();
  }
  const floor = results[0]!.seconds;
  console.log(`\n${info.banner.split(' on ')[0]} — ${ROWS.toLocaleString('en')} rows, writer pause ${WRITER_PAUSE} ms`);
  console.log('mode                          total s  ×single  batches   writes  writer p50 ms  p99 ms  max ms');
  for (const r of results) {
    console.log(
      `${r.mode.padEnd(29)} ${r.seconds.toFixed(2).padStart(7)}  ${(r.seconds / floor).toFixed(2).padStart(7)}  ${String(r.batches).padStart(7)}  ${String(r.writes).padStart(7)}  ${r.p50.toFixed(2).padStart(13)}  ${r.p99.toFixed(1).padStart(6)}  ${r.max.toFixed(0).padStart(6)}`,
    );
  }
}

async function main() {
  const engines: Engine[] = values.engine === 'both' ? ['postgres', 'mysql'] : [values.engine as Engine];
  for (const e of engines) await benchEngine(e);
}
main().catch((err) => {
  console.error(err);
  process.exit(1);
});
