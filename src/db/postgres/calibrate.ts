/**
 * Throughput of this server, measured on a private sample table of ~100k rows (a few seconds), for the
 * planner's estimates. The sample lives in its own schema and is dropped afterwards; no user table is touched.
 */
import { randomBytes } from 'node:crypto';
import { quoteIdent } from '../../core/sql';
import type { Calibration } from '../../core/types';
import type { CalibrateOptions, DatabaseClient } from '../client';
import { CalibrationCancelled, FUNCTION_CALLS, measureBackfill, measureSample, timeSpeedProbe } from '../calibrate';

/** Volatile built-ins a backfill's value often calls, each evaluated FUNCTION_CALLS times (none has side effects). */
const FUNCTIONS: Record<string, string> = {
  gen_random_uuid: 'gen_random_uuid()',
  clock_timestamp: 'clock_timestamp()',
  random: 'random()',
  md5: 'md5(g::text)',
};
const probe = (expr: string) => `SELECT count(${expr}) FROM generate_series(1, ${FUNCTION_CALLS}) g`;

/** How fast the server runs now: 60k MD5s of changing input, timed (timeSpeedProbe). */
export function speedProbe(db: DatabaseClient): Promise<number> {
  return timeSpeedProbe(db, "SELECT count(*) FROM generate_series(1, 60000) g WHERE md5(g::text) < '8'");
}

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
    const measured = await measureSample(
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
        firstScanSetsHintBits: true,
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
    return {
      ...measured,
      ...(await backfillIndexCosts(db, schemaName, rows, measured.backfillRowsPerSecond, options.signal)),
      ...(await osReadCost(db, schemaName)),
      ...(await fkCheckCost(db, schemaName, rows, options.signal)),
    };
  } finally {
    await db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
  }
}

/**
 * The third measured index: 316 keys, the geometric mean of the other two (1000 and 100), so keys² ÷ rows is the middle of
 * theirs on a log scale (1 on the 100k sample, between 10 and 0.1). The cost is not log-linear between them. The runner's
 * backfill on the bench's table (PostgreSQL 15, an int index, `clock_timestamp()`; the index's cost per row as a multiple of
 * the same table's cost without it): keys² ÷ rows 0.03–3.3 (30k rows / 30 and 300 keys, 100k / 100, 300k / 300 and 1000,
 * 1M / 1000, 3M / 1000) ×0.5–1.9; 10–100 (100k / 1000, 300k / 3000, 1M / 10000) ×2–3.9. The line through the two outer
 * points put 1M rows / 1000 keys (keys² ÷ rows 1) at 7.4 µs where the runner measured 3.5 µs (load 1.5); measuring the
 * middle lets the interpolation follow the bend this server has.
 */
const MIDDLE_KEYS = 316;

/**
 * What a secondary index costs the backfill per row, by its number of distinct keys: the sample's backfill (measured with
 * its index on `a`, 1000 keys) is repeated with the primary key only, with an index of 100 keys, and with one of
 * MIDDLE_KEYS (316). VACUUM FULL first each time, so every page is full again as in a settled
 * table (with room in the page, PostgreSQL would write the new row version there as a HOT update and skip the indexes).
 * About 2 s on 100k rows.
 */
async function backfillIndexCosts(
  db: DatabaseClient,
  schemaName: string,
  rows: number,
  withIndexRate: number,
  signal?: AbortSignal,
): Promise<Pick<Calibration, 'backfillBaseRowsPerSecond' | 'backfillIndexSeconds'>> {
  const schema = quoteIdent('postgres', schemaName);
  const t = `${schema}.sample`;
  const sample = { schema: schemaName, name: 'sample' };
  await db.query(`DROP INDEX ${schema}.sample_a`);
  await db.query(`VACUUM FULL ${t}`);
  await db.query(`ALTER TABLE ${t} ADD COLUMN e int`);
  const base = await measureBackfill(db, sample, 'e', rows, signal);
  await db.query(`VACUUM FULL ${t}`);
  await db.query(`CREATE INDEX sample_k ON ${t} ((a / 10))`);
  await db.query(`ALTER TABLE ${t} ADD COLUMN f int`);
  const fewKeys = await measureBackfill(db, sample, 'f', rows, signal);
  await db.query(`DROP INDEX ${schema}.sample_k`);
  await db.query(`VACUUM FULL ${t}`);
  await db.query(`CREATE INDEX sample_m ON ${t} ((id % ${MIDDLE_KEYS}))`);
  await db.query(`ALTER TABLE ${t} ADD COLUMN g int`);
  const middle = await measureBackfill(db, sample, 'g', rows, signal);
  const extra = (r: number) => Math.max(0, 1 / r - 1 / base);
  const [many, few] = [extra(withIndexRate), extra(fewKeys)];
  return {
    backfillBaseRowsPerSecond: base,
    backfillIndexSeconds: [
      { keys: 1000, seconds: many },
      // Between the outer two, as measured in every case above: one backfill of the sample during a spike of load can
      // land outside them (at load 4: 1.6–8.3 µs with the outer points at 2.4–4.2 and 10–15 µs).
      { keys: MIDDLE_KEYS, seconds: Math.min(Math.max(few, many), Math.max(Math.min(few, many), extra(middle))) },
      { keys: 100, seconds: few },
    ],
  };
}

/**
 * What a scan pays per heap byte for pages read from the OS's cache rather than shared buffers: the sample's rows copied
 * into a table (a quarter of shared_buffers or less: its pages stay in shared buffers) and into a temporary table larger
 * than temp_buffers (its pages pass through the session's few local buffers, so each scan reads them from the OS), the same
 * scan timed on both (alternating, median of seven, after one scan to settle). Nothing when the temporary copy would fit in
 * temp_buffers or cannot be made (no TEMP privilege): the estimates then leave that cost out.
 */
async function osReadCost(
  db: DatabaseClient,
  schemaName: string,
): Promise<Pick<Calibration, 'osReadSecondsPerByte' | 'osFirstScanSecondsPerByte' | 'sharedBuffersBytes'>> {
  const schema = quoteIdent('postgres', schemaName);
  const temp = `pg_temp.${quoteIdent('postgres', `${schemaName}_os`)}`;
  const copy = `${schema}.copy`;
  try {
    const [b] = await db.query<{ shared: string; temp: string }>(
      `SELECT (SELECT setting::bigint * 8192 FROM pg_settings WHERE name = 'shared_buffers') AS shared,
              (SELECT setting::bigint * 8192 FROM pg_settings WHERE name = 'temp_buffers') AS temp`,
    );
    const shared = Number(b?.shared ?? 0);
    await db.query(`CREATE TABLE ${copy} AS SELECT * FROM ${schema}.sample`);
    await db.query(`CREATE TEMP TABLE ${temp} AS SELECT * FROM ${schema}.sample`);
    const [r] = await db.query<{ copy: string; temp: string }>(
      'SELECT pg_relation_size($1::regclass) AS copy, pg_relation_size($2::regclass) AS temp',
      [copy, temp],
    );
    const bytes = Number(r?.copy ?? 0);
    if (!(shared > 0) || bytes > shared / 4 || Number(r?.temp ?? 0) < 1.25 * Number(b?.temp ?? Infinity)) return {};
    // Alternating, so a change of the machine's load weighs on both alike; the median of seven of each.
    const time = async (t: string) => {
      const s = performance.now();
      await db.query(`SELECT count(*) FROM ${t} WHERE a IS NULL OR a < 0`);
      return (performance.now() - s) / 1000;
    };
    await time(copy);
    await time(temp);
    const a: number[] = [];
    const c: number[] = [];
    for (let i = 0; i < 7; i++) {
      a.push(await time(copy));
      c.push(await time(temp));
    }
    const median = (x: number[]) => x.sort((p, q) => p - q)[Math.floor(x.length / 2)]!;
    const inShared = median(a) / bytes;
    const fromOs = median(c) / bytes;
    // The first scan after every row got a new version, through the few local buffers: it sets the hint bits of every
    // page and writes each dirtied page back through the OS as it leaves the buffers, which a table larger than a
    // quarter of shared_buffers pays the same way (its ring); the later scans find the bits set. Median of three rounds
    // (~0.3–0.4 s each on 100k rows).
    const firstScan: number[] = [];
    for (let i = 0; i < 3; i++) {
      await db.query(`UPDATE ${temp} SET a = a`);
      const [g] = await db.query<{ bytes: string }>('SELECT pg_relation_size($1::regclass) AS bytes', [temp]);
      const first = await time(temp);
      const later = Math.min(await time(temp), await time(temp));
      firstScan.push(Math.max(0, first - later) / Math.max(1, Number(g?.bytes ?? 0)));
      await db.query(`VACUUM ${temp}`);
    }
    return {
      osReadSecondsPerByte: Math.max(0, fromOs - inShared),
      osFirstScanSecondsPerByte: median(firstScan),
      sharedBuffersBytes: shared,
    };
  } catch {
    return {};
  } finally {
    await db.query(`DROP TABLE IF EXISTS ${temp}`).catch(() => undefined);
  }
}

/**
 * What a foreign key's VALIDATE pays per row on top of a CHECK's (Calibration.fkCheckSecondsPerRow): the sample's `a`
 * (1000 values) referencing a 1000-row table, its VALIDATE timed against a CHECK's on the same column, alternating, the
 * median of three differences (~0.1 s on 100k rows). An eighth of the index build's time per row stood in for it before;
 * that rate came out 1.7–3.3M rows/s in calibrations of one server a day apart, and at 3.3M put bench/estimates' 3M-row
 * foreign-key VALIDATE at half its 0.75 s.
 * Nothing when it cannot be measured or comes out as nothing: the estimate then falls back on the index rate.
 */
async function fkCheckCost(
  db: DatabaseClient,
  schemaName: string,
  rows: number,
  signal?: AbortSignal,
): Promise<Pick<Calibration, 'fkCheckSecondsPerRow'>> {
  const schema = quoteIdent('postgres', schemaName);
  const t = `${schema}.sample`;
  const timed = async (add: string, name: string) => {
    if (signal?.aborted) throw new CalibrationCancelled();
    await db.query(`ALTER TABLE ${t} ADD CONSTRAINT ${name} ${add} NOT VALID`);
    const s = performance.now();
    await db.query(`ALTER TABLE ${t} VALIDATE CONSTRAINT ${name}`);
    const seconds = (performance.now() - s) / 1000;
    await db.query(`ALTER TABLE ${t} DROP CONSTRAINT ${name}`);
    return seconds;
  };
  try {
    await db.query(`CREATE TABLE ${schema}.parent (id int PRIMARY KEY)`);
    await db.query(`INSERT INTO ${schema}.parent SELECT g FROM generate_series(0, 999) g`);
    // The backfills before left a dead version of every row: both scans read settled pages.
    await db.query(`VACUUM ANALYZE ${t}`);
    await db.query(`VACUUM ANALYZE ${schema}.parent`);
    await timed('CHECK (a >= 0)', 'sample_ck');
    const diffs: number[] = [];
    for (let i = 0; i < 3; i++) {
      const check = await timed('CHECK (a >= 0)', 'sample_ck');
      const fk = await timed(`FOREIGN KEY (a) REFERENCES ${schema}.parent (id)`, 'sample_fk');
      diffs.push(Math.max(0, fk - check));
    }
    const median = diffs.sort((p, q) => p - q)[1]!;
    // None measured (the VALIDATE of the key no slower than the CHECK's): noise, not a free probe.
    return median > 0 ? { fkCheckSecondsPerRow: median / rows } : {};
  } catch (e) {
    if (e instanceof CalibrationCancelled) throw e;
    return {};
  }
}

/** A cached PostgreSQL calibration is complete as it is: the estimates derive a figure it lacks from the others or a default. */
export function calibrationComplete(_db: DatabaseClient, _c: Calibration): boolean {
  return true;
}
