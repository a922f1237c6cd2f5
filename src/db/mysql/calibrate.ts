/**
 * Throughput of this server, measured on a private sample table (~100k rows, a few seconds) in the connection's
 * database, for the planner's estimates. The sample is dropped afterwards; no user table is touched.
 */
import { randomBytes } from 'node:crypto';
import { qualifiedTable } from '../../core/sql';
import type { Calibration } from '../../core/types';
import type { CalibrateOptions, DatabaseClient } from '../client';
import { CalibrationCancelled, FUNCTION_CALLS, measureBackfill, measureSample, timeSpeedProbe } from '../calibrate';
import { DEFAULT_LOCK_TIMEOUT_MS } from '../../core/dialects/index';
import { ONLINE_COPY_CHUNK_MS } from '../run/runner';
import { currentSchemaOrNull } from '../schema';
import { findPtOnlineSchemaChange, OnlineCopyError, runOnlineCopy } from './onlineCopy';
import { binlogOff } from './run';

/** Volatile built-ins a backfill's value often calls, each evaluated FUNCTION_CALLS times (none has side effects). */
const FUNCTIONS: Record<string, string> = {
  uuid: 'UUID()',
  sysdate: 'SYSDATE(6)',
  rand: 'RAND()',
  md5: 'MD5(RAND())',
};
const probe = (expr: string) => `SELECT BENCHMARK(${FUNCTION_CALLS}, ${expr})`;

/**
 * Each function's own cost per call: MD5's probe hashes RAND() (an argument that changes on every call), so RAND()'s
 * cost is taken off it, and a value such as MD5(RAND()) is charged for each function once.
 */
export function ownCosts(measured: Readonly<Record<string, number>>): Record<string, number> {
  const { md5, rand } = measured;
  return md5 !== undefined && rand !== undefined ? { ...measured, md5: Math.max(0, md5 - rand) } : { ...measured };
}

/** How fast the server runs now: 60k MD5s of changing input, timed (timeSpeedProbe). */
export function speedProbe(db: DatabaseClient): Promise<number> {
  return timeSpeedProbe(db, 'SELECT BENCHMARK(60000, MD5(RAND()))');
}

export async function calibrate(db: DatabaseClient, options: CalibrateOptions = {}): Promise<Calibration> {
  const rows = Math.max(1000, Math.floor(options.rows ?? 100_000));
  const d = await currentSchemaOrNull(db, 'mysql');
  if (!d) throw new Error('Calibration needs a database in the connection URL (mysql://user@host/db).');
  const name = `_cw_calib_${randomBytes(4).toString('hex')}`;
  const t = qualifiedTable('mysql', { schema: d, name });
  try {
    await db.query(
      `CREATE TABLE ${t} (id bigint NOT NULL PRIMARY KEY, a int NOT NULL, b varchar(32) NOT NULL, c datetime NOT NULL, KEY sample_a (a)) ENGINE=InnoDB`,
    );
    // Rows in doubling INSERT … SELECT rounds: works without the sequence engine (MySQL) and is as fast.
    await db.query(`INSERT INTO ${t} (id, a, b, c) VALUES (1, 1, MD5('1'), NOW())`);
    for (let n = 1; n < rows; n *= 2) {
      await db.query(
        `INSERT INTO ${t} (id, a, b, c) SELECT id + ${n}, (id + ${n}) % 1000, MD5(id + ${n}), NOW() - INTERVAL (id + ${n}) SECOND FROM ${t} WHERE id <= ${Math.min(n, rows - n)}`,
      );
    }
    await db.query(`ANALYZE TABLE ${t}`);
    const size = async () => {
      await db.query(`ANALYZE TABLE ${t}`);
      const [r] = await db.query<{ h: number | string; i: number | string }>(
        'SELECT DATA_LENGTH AS h, INDEX_LENGTH AS i FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?',
        [d, name],
      );
      return { heap: Number(r?.h ?? 0), index: Number(r?.i ?? 0) };
    };
    // The online copies (pt-online-schema-change, Column Wizard's own) on the fresh sample, each replacing the table by its
    // copy with one more nullable int column; timed again at the end, the faster kept (copyTimings).
    const firstCopies = await copyTimings(db, { schema: d, name }, rows, size, options.signal);
    const measured = await measureSample(
      db,
      { schema: d, name },
      rows,
      {
        scan: `SELECT COUNT(*), SUM(LENGTH(b)) FROM ${t}`,
        fixedIndex: `ALTER TABLE ${t} ADD INDEX sample_c (c), ALGORITHM=INPLACE, LOCK=NONE`,
        textIndex: `ALTER TABLE ${t} ADD INDEX sample_b (b), ALGORITHM=INPLACE, LOCK=NONE`,
        dropIndexes: [`ALTER TABLE ${t} DROP INDEX sample_c, DROP INDEX sample_b`],
        rewrite: `ALTER TABLE ${t} FORCE, ALGORITHM=INPLACE, LOCK=NONE`,
        rewriteRepeatable: true,
        copy: `ALTER TABLE ${t} FORCE, ALGORITHM=COPY, LOCK=SHARED`,
        addColumn: `ALTER TABLE ${t} ADD COLUMN d int NULL`,
        prepareValidate: [],
        validate: `SELECT COUNT(*) FROM ${t} WHERE d IS NULL OR d < 0`,
        size,
        functions: Object.fromEntries(Object.entries(FUNCTIONS).map(([k, v]) => [k, probe(v)])),
        functionBaseline: probe('1'),
      },
      options.signal,
    );
    // InnoDB fills an instantly added variable-width column faster than a fixed-width one (MariaDB 10.11, first update of
    // each row of a 100k-row table: varchar(36) 10 µs, char(36) 12 µs per row against int 17.8 µs, datetime(6) 23 µs;
    // bench/estimates, 1M rows, load 1.2: char(36) UUID() 6.4 s, varchar(40) 7.0 s, datetime(6) 9.4 s). So the backfill
    // again, filling a varchar from `b`, on a rebuilt sample (every row in the current format, as before the first).
    await db.query(`ALTER TABLE ${t} FORCE, ALGORITHM=INPLACE, LOCK=NONE`);
    await db.query(`ALTER TABLE ${t} ADD COLUMN e varchar(40) NULL`);
    const variable = await measureBackfill(db, { schema: d, name }, 'e', rows, options.signal, 'b');
    const copies = await copyTimings(db, { schema: d, name }, rows, size, options.signal, firstCopies);
    const pool = await bufferPool(db);
    // 0: the size could not be read (no spill term), kept so that the cache does not measure again for it.
    const functionSeconds = measured.functionSeconds && ownCosts(measured.functionSeconds);
    return {
      ...measured,
      ...(functionSeconds ? { functionSeconds } : {}),
      variableBackfillRowsPerSecond: variable,
      ...copies,
      bufferPoolBytes: pool ?? 0,
    };
  } finally {
    await db.query(`DROP TABLE IF EXISTS ${t}`).catch(() => undefined);
  }
}

/**
 * A calibration cached before the calibration read the buffer pool's size (`bufferPoolBytes`), or measured without
 * pt-online-schema-change while the tool is installed now (cached before the calibration ran it, or before it was
 * installed), is not complete: the estimates would miss those terms, so it is measured again. It is complete when the
 * tool was tried and failed (`onlineCopyFailed`), and over TLS (no online copy then).
 */
export function calibrationComplete(db: DatabaseClient, c: Calibration): boolean {
  if (c.bufferPoolBytes === undefined || (c.ownCopy === undefined && c.ownCopyFailed === undefined)) return false;
  if (db.options.ssl || c.onlineCopy || c.onlineCopyFailed) return true;
  return findPtOnlineSchemaChange() === null;
}

async function bufferPool(db: DatabaseClient): Promise<number | undefined> {
  const [r] = await db.query<{ b: number | string }>('SELECT @@innodb_buffer_pool_size AS b').catch(() => []);
  const b = Number(r?.b);
  return b > 0 ? b : undefined;
}

type CopyTimings = Pick<Calibration, 'onlineCopy' | 'onlineCopyFailed' | 'ownCopy' | 'ownCopyFailed'>;

/**
 * The online copies timed on the sample, adding a nullable int each: pt-online-schema-change where it is installed (and
 * the connection is not over TLS, which the tool is not given; `copyOnce`) and Column Wizard's own (`ownCopyOnce`). The
 * calibration times each twice — at its start (`earlier` absent; columns g and i) and at its end (`earlier` the first
 * timings; columns h and j) — and keeps the faster (fasterCopy): a slowdown of a few seconds (other work on the machine)
 * that the speed probes around the calibration do not see then slows only one of the two. Measured: a CPU hog during the
 * first 15 s of a calibration left both back-to-back timings of the own copy slow (201k rows/s and 0.35 s fixed, against
 * 299–305k and 0.06–0.08 s), and the 1M-row copies estimated ×1.7–1.8 too long. A copy that failed the first time is
 * not tried again: its error is kept (`onlineCopyFailed`, `ownCopyFailed`).
 */
async function copyTimings(
  db: DatabaseClient,
  table: { schema: string; name: string },
  rows: number,
  size: () => Promise<{ heap: number; index: number }>,
  signal: AbortSignal | undefined,
  earlier?: CopyTimings,
): Promise<CopyTimings> {
  const out: { -readonly [K in keyof CopyTimings]: CopyTimings[K] } = {};
  if (!db.options.ssl && findPtOnlineSchemaChange()) {
    if (!earlier) Object.assign(out, await copyOnce(db, table, rows, size, 'g', signal));
    else if (earlier.onlineCopy)
      out.onlineCopy = fasterCopy(earlier.onlineCopy, (await copyOnce(db, table, rows, size, 'h', signal)).onlineCopy);
    else if (earlier.onlineCopyFailed) out.onlineCopyFailed = earlier.onlineCopyFailed;
  }
  if (!earlier) {
    const first = await ownCopyOnce(db, table, rows, size, 'i', signal);
    if (typeof first === 'string') out.ownCopyFailed = first;
    else out.ownCopy = first;
  } else if (earlier.ownCopy) {
    const second = await ownCopyOnce(db, table, rows, size, 'j', signal);
    out.ownCopy = fasterCopy(earlier.ownCopy, typeof second === 'string' ? undefined : second);
  } else if (earlier.ownCopyFailed) out.ownCopyFailed = earlier.ownCopyFailed;
  return out;
}

/**
 * Of two timings of the tool's copy of the sample, the faster (its own fixed cost with it); a second that failed leaves
 * the first. The copy of the 100k-row sample lasts 0.3–0.6 s, and one such window varied ×1.6 with the machine's other
 * work (233–316k rows/s in three quiet copies by hand, 195k rows/s in the calibration of a bench/estimates run, whose 1M
 * and 3M copies came out ×1.65–1.96 too long); other work only slows a copy down.
 */
export function fasterCopy(first: OnlineCopyFigures, second: OnlineCopyFigures | undefined): OnlineCopyFigures {
  return second && second.rowsPerSecond > first.rowsPerSecond ? second : first;
}

type OnlineCopyFigures = NonNullable<Calibration['onlineCopy']>;

/**
 * One timing of Column Wizard's own online copy (ownCopy.ts) on the sample, as a run's copy runs it (OWN_COPIERS
 * connections, the runner's chunk time), adding the nullable int `column`: its time before its first chunk and after its
 * last (`onCopy`) is its fixed cost, the time between them its copy of the sample's rows; its error when it fails (it
 * drops what it made).
 */
async function ownCopyOnce(
  db: DatabaseClient,
  table: { schema: string; name: string },
  rows: number,
  size: () => Promise<{ heap: number; index: number }>,
  column: string,
  signal?: AbortSignal,
): Promise<OnlineCopyFigures | string> {
  try {
    // Loaded here, as in run.ts: ownCopy.ts uses the runner's helpers, whose error table needs db/engines.ts loaded.
    const { runOwnCopy } = await import('./ownCopy');
    const figures = await timedCopy(rows, size, signal, (mark) =>
      runOwnCopy({
        client: db,
        table,
        alter: `ADD COLUMN ${column} int NULL`,
        chunkTimeMs: ONLINE_COPY_CHUNK_MS,
        lockTimeoutMs: DEFAULT_LOCK_TIMEOUT_MS,
        ...(signal ? { signal } : {}),
        onCopy: mark,
      }),
    );
    return figures ?? 'its copy was not timed (no start or end)';
  } catch (err) {
    if (signal?.aborted) throw new CalibrationCancelled();
    return err instanceof Error ? err.message.slice(0, 300) : String(err);
  }
}

/** One timing of the tool's copy of the sample, adding the nullable int `column`. */
async function copyOnce(
  db: DatabaseClient,
  table: { schema: string; name: string },
  rows: number,
  size: () => Promise<{ heap: number; index: number }>,
  column: string,
  signal?: AbortSignal,
): Promise<Pick<Calibration, 'onlineCopy' | 'onlineCopyFailed'>> {
  let figures: OnlineCopyFigures | undefined;
  try {
    figures = await timedCopy(rows, size, signal, async (mark) =>
      runOnlineCopy({
        connection: db.options,
        table,
        copy: { tool: { name: 'pt-online-schema-change', version: '' }, alter: `ADD COLUMN ${column} int NULL` },
        chunkTimeMs: ONLINE_COPY_CHUNK_MS,
        lockTimeoutMs: DEFAULT_LOCK_TIMEOUT_MS,
        noBinlog: await binlogOff(db),
        useHeld: false,
        ...(signal ? { signal } : {}),
        onLine: (line) => {
          if (/ Copying approximately \d+ rows/.test(line)) mark('start');
          else if (line.endsWith(' Copied rows OK.')) mark('end');
        },
      }),
    );
  } catch (err) {
    if (signal?.aborted) throw new CalibrationCancelled();
    if (err instanceof OnlineCopyError)
      for (const sql of err.leftovers) if (sql.startsWith('DROP TABLE')) await db.query(sql).catch(() => undefined);
    return { onlineCopyFailed: err instanceof Error ? err.message.slice(0, 300) : String(err) };
  }
  return figures
    ? { onlineCopy: figures }
    : { onlineCopyFailed: 'its output had no "Copying approximately" / "Copied rows OK." lines to time the copy by' };
}

/**
 * One timed copy of the sample (`rows` rows, its heap read first): `copy` runs it and calls `mark` when its rows start
 * and when they end (the first of each counts); its figures (copyFigures), or undefined when it marked neither.
 */
async function timedCopy(
  rows: number,
  size: () => Promise<{ heap: number; index: number }>,
  signal: AbortSignal | undefined,
  copy: (mark: (event: 'start' | 'end') => void) => Promise<void>,
): Promise<OnlineCopyFigures | undefined> {
  if (signal?.aborted) throw new CalibrationCancelled();
  const { heap } = await size();
  const at: { start?: number; end?: number } = {};
  const t0 = performance.now();
  await copy((event) => (at[event] ??= performance.now()));
  return copyFigures(t0, at.start, at.end, rows, heap);
}

/**
 * The figures of one copy of the sample started at `t0` and ended now: the time between `copyStart` and `copyEnd` is its
 * copy of `rows` rows, the rest its fixed cost; undefined when the copy was not timed.
 */
function copyFigures(
  t0: number,
  copyStart: number | undefined,
  copyEnd: number | undefined,
  rows: number,
  heap: number,
): OnlineCopyFigures | undefined {
  if (copyStart === undefined || copyEnd === undefined || copyEnd <= copyStart) return undefined;
  const total = (performance.now() - t0) / 1000;
  const copy = (copyEnd - copyStart) / 1000;
  return {
    fixedSeconds: Math.round(Math.max(0, total - copy) * 1000) / 1000,
    rowsPerSecond: Math.round(rows / copy),
    // The estimate adds the new column's bytes to the table's row: here the int the copy added.
    rowBytes: Math.max(1, Math.round(heap / rows) + 4),
    indexes: 1,
  };
}
