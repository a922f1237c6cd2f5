/**
 * Throughput of this server, measured on a private sample table of ~100k rows (a few seconds), for the
 * planner's estimates. The sample lives in its own schema and is dropped afterwards; no user table is touched.
 */
import { randomBytes } from 'node:crypto';
import { quoteIdent } from '../../core/sql';
import type { Calibration } from '../../core/types';
import type { CalibrateOptions, DatabaseClient } from '../client';
import { FUNCTION_CALLS, measureSample } from '../calibrate';

/** Volatile built-ins a backfill's value often calls, each evaluated FUNCTION_CALLS times (none has side effects). */
const FUNCTIONS: Record<string, string> = {
  gen_random_uuid: 'gen_random_uuid()',
  clock_timestamp: 'clock_timestamp()',
  random: 'random()',
  md5: 'md5(g::text)',
};
const probe = (expr: string) => `SELECT count(${expr}) FROM generate_series(1, ${FUNCTION_CALLS}) g`;

export async function calibrate(db: DatabaseClient, options: CalibrateOptions = {}): Promise<Calibration> {
  const rows = Math.max(1000, Math.floor(options.rows ?? 100_000));
  const schemaName = `cw_calib_${randomBytes(4).toString('hex')}`;
  const schema = quoteIdent('postgres', schemaName);
  const t = `${schema}.sample`;
  try {
    await db.query(`CREATE SCHEMA ${schema}`);
    await db.query(`CREATE TABLE ${t} (id bigint PRIMARY KEY, a int NOT NULL, b text NOT NULL, c timestamptz NOT NULL)`);
    await db.query(`INSERT INTO ${t} SELECT g, g % 1000, md5(g::text), now() - g * interval '1 second' FROM generate_series(1, ${rows}) g`);
    await db.query(`CREATE INDEX sample_a ON ${t} (a)`);
    await db.query(`VACUUM ANALYZE ${t}`);
    return await measureSample(
      db,
      { schema: schemaName, name: 'sample' },
      rows,
      {
        scan: `SELECT count(*), sum(length(b)) FROM ${t}`,
        fixedIndex: `CREATE INDEX sample_c ON ${t} (c)`,
        textIndex: `CREATE INDEX sample_b ON ${t} (b)`,
        dropIndexes: [`DROP INDEX ${schema}.sample_c`, `DROP INDEX ${schema}.sample_b`],
        rewrite: `ALTER TABLE ${t} ALTER COLUMN a TYPE bigint`,
        addColumn: `ALTER TABLE ${t} ADD COLUMN d int`,
        prepareValidate: [`ALTER TABLE ${t} ADD CONSTRAINT sample_d CHECK (d IS NOT NULL) NOT VALID`],
        validate: `ALTER TABLE ${t} VALIDATE CONSTRAINT sample_d`,
        resetValidate: [`ALTER TABLE ${t} DROP CONSTRAINT sample_d`],
        functions: Object.fromEntries(Object.entries(FUNCTIONS).map(([k, v]) => [k, probe(v)])),
        functionBaseline: probe('g'),
        size: async () => {
          const [r] = await db.query<{ heap: string; idx: string }>(
            'SELECT pg_relation_size($1::regclass) AS heap, pg_indexes_size($1::regclass) AS idx',
            [t],
          );
          return { heap: Number(r?.heap ?? 0), index: Number(r?.idx ?? 0) };
        },
      },
      options.signal,
    );
  } finally {
    await db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
  }
}
