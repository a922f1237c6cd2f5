/**
 * Throughput of this server, measured on a private sample table of ~100k rows (a few seconds), for the
 * planner's estimates. The sample lives in its own schema and is dropped afterwards; no user table is touched.
 */
import { randomBytes } from 'node:crypto';
import type { Calibration } from '../../core/types';
import type { CalibrateOptions } from '../client';
import { quoteIdent } from '../../core/sql';
import type { Queryable } from './introspect';

const BACKFILL_BATCH = 1000;

export async function calibrate(db: Queryable, options: CalibrateOptions = {}): Promise<Calibration> {
  const rows = Math.max(1000, Math.floor(options.rows ?? 100_000));
  const schema = quoteIdent('postgres', `cw_calib_${randomBytes(4).toString('hex')}`);
  const t = `${schema}.sample`;
  const timed = async (sql: string) => { const s = performance.now(); await db.query(sql); return (performance.now() - s) / 1000; };
  try {
    await db.query(`CREATE SCHEMA ${schema}`);
    await db.query(`CREATE TABLE ${t} (id bigint PRIMARY KEY, a int NOT NULL, b text NOT NULL, c timestamptz NOT NULL)`);
    await db.query(`INSERT INTO ${t} SELECT g, g % 1000, md5(g::text) || md5((g * 7)::text), now() FROM generate_series(1, ${rows}) g`);
    await db.query(`ANALYZE ${t}`);
    const heap = async () => Number((await db.query<{ b: string }>(`SELECT pg_relation_size('${t.replace(/'/g, "''")}')::bigint AS b`))[0]!.b);
    const heapBytes = await heap();

    const scan = await timed(`SELECT count(*), sum(length(b)) FROM ${t}`);
    const index = await timed(`CREATE INDEX ON ${t} (b)`);
    const rewrite = await timed(`ALTER TABLE ${t} ALTER COLUMN a TYPE bigint`);
    await db.query(`ALTER TABLE ${t} ADD COLUMN d int`);
    const backfillRows = Math.min(rows, 20 * BACKFILL_BATCH);
    let backfill = 0;
    for (let lo = 1; lo <= backfillRows; lo += BACKFILL_BATCH) {
      backfill += await timed(`UPDATE ${t} SET d = a WHERE id BETWEEN ${lo} AND ${lo + BACKFILL_BATCH - 1}`);
    }
    return {
      basis: 'measured',
      scanBytesPerSecond: rate(heapBytes, scan),
      rewriteBytesPerSecond: rate(heapBytes, rewrite),
      indexBuildBytesPerSecond: rate(heapBytes, index),
      backfillRowsPerSecond: rate(backfillRows, backfill),
    };
  } finally {
    await db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
  }
}

export function rate(amount: number, seconds: number): number {
  return Math.round(amount / Math.max(seconds, 0.0005));
}
