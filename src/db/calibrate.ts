/**
 * The measuring both engines' calibrations share: on a private sample table (`id` primary key, an int column `a` with
 * an index, a text column `b`, a timestamp `c`), time each kind of work the planner estimates — a full scan, index
 * builds on a fixed-width and on a text key, a rebuild (and on MySQL/MariaDB a table copy), the runner's own batched
 * backfill (its batch sizing and commits, the code `run` uses), and a constraint validation — and turn the times into
 * the rates of `Calibration`. A few seconds on 100k rows; cancellable between measurements. The short measurements
 * (scan, validation) are repeated and their median kept. The index builds, and where the engine can repeat them the
 * rebuild and the copy, are timed twice and the faster kept: other work on the machine only slows them down, and one
 * timing of a few hundred milliseconds is often the slow one (MariaDB 10.11, the 100k-row sample's rebuild: 0.29 s the
 * first time, 0.24 s the next three; a calibration on the idle machine read it at 53 MB/s, about 0.38 s, and
 * bench/estimates then estimated the 1M/3M-row rebuilds ×1.5–2.1 and index builds ×1.2–1.9 too long;
 * docs/notes/2026-12-07c).
 */
import type { Calibration, TableRef } from '../core/types';
import { DEFAULT_LOCK_TIMEOUT_MS } from '../core/dialects/index';
import type { DatabaseClient } from './client';
import { DEFAULT_RETRY, findBatchKey, runBackfill, type BackfillProgress } from './run';

/** The engine's own statements on the sample table `t` (already quoted). */
export interface CalibrationSql {
  readonly scan: string;
  readonly fixedIndex: string;
  readonly textIndex: string;
  /** Drops the two indexes again, so the backfill maintains the primary key and `a`'s index only. */
  readonly dropIndexes: readonly string[];
  readonly rewrite: string;
  /**
   * `rewrite` can run again on its own result to the same effect (MySQL/MariaDB's `ALTER TABLE … FORCE`): timed twice,
   * the faster kept. Otherwise timed once (PostgreSQL's changes a column's type).
   */
  readonly rewriteRepeatable?: boolean;
  /** MySQL/MariaDB ALGORITHM=COPY rebuild (repeatable: timed twice, the faster kept). */
  readonly copy?: string;
  /** Adds the nullable int column `d` that the backfill fills. */
  readonly addColumn: string;
  /** Statements before the timed validation (e.g. ADD CONSTRAINT … NOT VALID), then the validation itself. */
  readonly prepareValidate: readonly string[];
  readonly validate: string;
  /** Statements that undo the validation so it can be timed again (none when it is a plain query). */
  readonly resetValidate?: readonly string[];
  /** Heap and index bytes of the sample now. */
  readonly size: () => Promise<{ heap: number; index: number }>;
  /**
   * The first scan after the backfill does more work than the later ones (PostgreSQL sets the new row versions' hint
   * bits): the first timed validation is kept as `firstScanBytesPerSecond`.
   */
  readonly firstScanSetsHintBits?: boolean;
  /**
   * Per-row cost of volatile functions a backfill's value often calls: for each function (lower-case name), a query that
   * evaluates it `FUNCTION_CALLS` times; `functionBaseline` is the same query evaluating a constant. Only side-effect-free
   * built-ins belong here (never a sequence).
   */
  readonly functions?: { readonly [name: string]: string };
  readonly functionBaseline?: string;
}

/** Calls per function probe: 20k calls of the costliest (gen_random_uuid(), ~10 µs) take ~0.2 s. */
export const FUNCTION_CALLS = 20_000;

export class CalibrationCancelled extends Error {
  constructor() {
    super('Calibration cancelled');
    this.name = 'CalibrationCancelled';
  }
}

/** Time each kind of work on a filled sample of `rows` rows; `sample` is the table `sql` names. */
export async function measureSample(
  db: DatabaseClient,
  sample: TableRef,
  rows: number,
  sql: CalibrationSql,
  signal?: AbortSignal,
): Promise<Calibration> {
  const check = () => {
    if (signal?.aborted) throw new CalibrationCancelled();
  };
  const timed = async (text: string) => {
    check();
    const s = performance.now();
    await db.query(text);
    return (performance.now() - s) / 1000;
  };
  /**
   * The median of a few timings: a scan or a validation of the sample takes milliseconds, so one timing on a busy
   * machine can be off by ×3 (measured: 442–1326 MB/s in one minute at load 9); the median of three is not.
   */
  const median = async (n: number, once: () => Promise<number>) => {
    const times: number[] = [];
    for (let i = 0; i < n; i++) times.push(await once());
    return times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
  };
  const fresh = await sql.size();
  const scan = await median(3, () => timed(sql.scan));
  const scanRate = rate(fresh.heap, scan);
  // An index build is the heap scan plus the sort and write of one key per row. Each built twice (dropped in between),
  // the faster kept; the two indexes are there for the rewrite.
  const fixed1 = await timed(sql.fixedIndex);
  const text1 = await timed(sql.textIndex);
  for (const d of sql.dropIndexes) await db.query(d);
  const fixed = Math.min(fixed1, await timed(sql.fixedIndex));
  const text = Math.min(text1, await timed(sql.textIndex));
  const indexRate = (s: number) => rate(rows, Math.max(s - fresh.heap / scanRate, s * 0.3));
  const beforeRewrite = await sql.size();
  const twice = async (statement: string) => Math.min(await timed(statement), await timed(statement));
  const rewrite = sql.rewriteRepeatable ? await twice(sql.rewrite) : await timed(sql.rewrite);
  const copy = sql.copy ? await twice(sql.copy) : undefined;
  for (const d of sql.dropIndexes) await db.query(d);
  const clean = await sql.size();
  await db.query(sql.addColumn);
  check();
  const backfillRate = await measureBackfill(db, sample, 'd', rows, signal);
  for (const p of sql.prepareValidate) await db.query(p);
  const grown = await sql.size();
  let round = 0;
  const validations: number[] = [];
  const validate = await median(3, async () => {
    if (round++ > 0) for (const p of [...(sql.resetValidate ?? []), ...(sql.resetValidate ? sql.prepareValidate : [])]) await db.query(p);
    const s = await timed(sql.validate);
    validations.push(s);
    return s;
  });
  // The first validation is the first scan after the backfill wrote every row: where it sets the new row versions' hint
  // bits (PostgreSQL: 2.5–3× the later scans, measured on the 100k sample). Never faster than the later ones.
  const firstScan = Math.max(validations[0]!, validate);
  const functionSeconds: Record<string, number> = {};
  if (sql.functions && sql.functionBaseline) {
    const base = await timed(sql.functionBaseline);
    for (const [name, probe] of Object.entries(sql.functions)) {
      check();
      try {
        functionSeconds[name] = Math.max(0, (await timed(probe)) - base) / FUNCTION_CALLS;
      } catch {
        // The function is missing on this server (an older version, an extension not installed): no cost known.
      }
    }
  }
  return {
    basis: 'measured',
    scanBytesPerSecond: scanRate,
    validateBytesPerSecond: rate(grown.heap, validate),
    ...(sql.firstScanSetsHintBits ? { firstScanBytesPerSecond: rate(grown.heap, firstScan) } : {}),
    ...(Object.keys(functionSeconds).length ? { functionSeconds } : {}),
    rewriteBytesPerSecond: rate(beforeRewrite.heap + beforeRewrite.index, rewrite),
    ...(copy !== undefined ? { copyBytesPerSecond: rate(beforeRewrite.heap + beforeRewrite.index, copy) } : {}),
    indexBuildBytesPerSecond: rate(rows * 8, Math.max(fixed - fresh.heap / scanRate, fixed * 0.3)),
    indexRowsPerSecond: indexRate(fixed),
    textIndexRowsPerSecond: indexRate(text),
    backfillRowsPerSecond: backfillRate,
    sample: {
      rowBytes: Math.max(1, Math.round(clean.heap / rows)),
      indexes: 2,
      maintainedIndexes: db.options.engine === 'postgres' ? 1 : 0,
      rows,
    },
    measuredAt: new Date().toISOString(),
  };
}

/**
 * The runner's own batched backfill of the empty column `column` of the sample (value: `valueSql`, the int column `a`), its rate in
 * rows per second: the median batch once the batch size has settled. Each batch's own rate, because the sample's few
 * seconds can catch a spike of load on a shared machine, and its first small batches (the runner's batch size is still
 * growing) weigh more than they do on a table of millions of rows.
 */
export async function measureBackfill(
  db: DatabaseClient,
  sample: TableRef,
  column: string,
  rows: number,
  signal?: AbortSignal,
  valueSql = 'a',
): Promise<number> {
  if (signal?.aborted) throw new CalibrationCancelled();
  const key = await findBatchKey(db, sample, column);
  const batchRates: number[] = [];
  let before = 0;
  const onProgress = (p: BackfillProgress) => {
    const n = p.rowsDone - before;
    before = p.rowsDone;
    if (p.kind === 'batch' && p.lastBatchMs !== undefined && n > 0) batchRates.push((n * 1000) / Math.max(1, p.lastBatchMs));
  };
  const t0 = performance.now();
  const result = await runBackfill({
    client: db,
    engine: db.options.engine,
    spec: { table: sample, column, valueSql },
    key,
    retry: DEFAULT_RETRY,
    lockTimeoutMs: DEFAULT_LOCK_TIMEOUT_MS,
    ...(signal ? { signal } : {}),
    rowsHint: rows,
    onProgress,
  });
  if (result.status === 'cancelled') throw new CalibrationCancelled();
  // result.warnings (a session setting not set back after the backfill) do not change the rate and are not passed on:
  // on the CLI the run that follows on this connection sets its settings back itself and says which it could not; the
  // extension measures on a connection of its own.
  const seconds = (performance.now() - t0) / 1000;
  // The first three batches ramp up; the last sweeps the rest.
  const settled = batchRates.slice(3, -1).sort((a, b) => a - b);
  return settled.length >= 5 ? Math.round(settled[Math.floor(settled.length / 2)]!) : rate(rows, seconds);
}

/**
 * Seconds of a short CPU-bound query of fixed work (each engine's speedProbe in db/<engine>/calibrate.ts), for how fast the server runs at one
 * moment: the calibration is timed between two of them (calibrationCache.ts). The fastest of three runs (~0.045 s each
 * at load 3 on 2 cores, PostgreSQL 15 and MariaDB 10.11; eight probes in a row within ×1.2 of each other).
 */
export async function timeSpeedProbe(db: DatabaseClient, sql: string): Promise<number> {
  let best = Infinity;
  for (let i = 0; i < 3; i++) {
    const s = performance.now();
    await db.query(sql);
    best = Math.min(best, (performance.now() - s) / 1000);
  }
  return best;
}

export function rate(amount: number, seconds: number): number {
  return Math.round(amount / Math.max(seconds, 0.0005));
}
