/**
 * Throughput of this server, measured on a private sample table of ~100k rows (a few seconds), for the
 * planner's estimates. The sample lives in its own schema and is dropped afterwards; no user table is touched.
 */
import { randomBytes } from 'node:crypto';
import { quoteIdent } from '../../core/sql';
import type { Calibration } from '../../core/types';
import type { CalibrateOptions } from '../client';
import { measureSample } from '../calibrate';
import type { Queryable } from './introspect';

export async function calibrate(db: Queryable, options: CalibrateOptions = {}): Promise<Calibration> {
  const rows = Math.max(1000, Math.floor(options.rows ?? 100_000));
  const schema = quoteIdent('postgres', `cw_calib_${randomBytes(4).toString('hex')}`);
  const t = `${schema}.sample`;
  try {
    await db.query(`CREATE SCHEMA ${schema}`);
    await db.query(`CREATE TABLE ${t} (id bigint PRIMARY KEY, a int NOT NULL, b text NOT NULL, c timestamptz NOT NULL)`);
    await db.query(`INSERT INTO ${t} SELECT g, g % 1000, md5(g::text) || md5((g * 7)::text), now() FROM generate_series(1, ${rows}) g`);
    await db.query(`ANALYZE ${t}`);
    const [{ b: heapBytes } = { b: '0' }] = await db.query<{ b: string }>('SELECT pg_relation_size($1::regclass)::bigint AS b', [t]);
    return await measureSample(db, t, rows, Number(heapBytes), {
      scan: `SELECT count(*), sum(length(b)) FROM ${t}`,
      index: `CREATE INDEX ON ${t} (b)`,
      rewrite: `ALTER TABLE ${t} ALTER COLUMN a TYPE bigint`,
      addColumn: `ALTER TABLE ${t} ADD COLUMN d int`,
    });
  } finally {
    await db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
  }
}
