/**
 * The measuring both engines' calibrations share: given a filled sample table (`id` 1…n, an int column `a`, a text
 * column `b`), time a full scan, an index build, a rewrite and a batched backfill, and turn the times into rates.
 */
import type { Calibration } from '../core/types';

interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>;
}

const BACKFILL_BATCH = 1000;

/** The engine's own statements on the sample table `t` (already quoted). */
export interface CalibrationSql {
  readonly scan: string;
  readonly index: string;
  readonly rewrite: string;
  /** Adds the nullable int column `d` that the backfill fills. */
  readonly addColumn: string;
}

/** Time the steps on a sample of `rows` rows and `bytes` bytes; the backfill updates up to 20 batches of 1000 rows. */
export async function measureSample(db: Queryable, t: string, rows: number, bytes: number, sql: CalibrationSql): Promise<Calibration> {
  const timed = async (text: string) => { const s = performance.now(); await db.query(text); return (performance.now() - s) / 1000; };
  const scan = await timed(sql.scan);
  const index = await timed(sql.index);
  const rewrite = await timed(sql.rewrite);
  await db.query(sql.addColumn);
  const backfillRows = Math.min(rows, 20 * BACKFILL_BATCH);
  let backfill = 0;
  for (let lo = 1; lo <= backfillRows; lo += BACKFILL_BATCH) {
    backfill += await timed(`UPDATE ${t} SET d = a WHERE id BETWEEN ${lo} AND ${lo + BACKFILL_BATCH - 1}`);
  }
  return {
    basis: 'measured',
    scanBytesPerSecond: rate(bytes, scan),
    rewriteBytesPerSecond: rate(bytes, rewrite),
    indexBuildBytesPerSecond: rate(bytes, index),
    backfillRowsPerSecond: rate(backfillRows, backfill),
  };
}

export function rate(amount: number, seconds: number): number {
  return Math.round(amount / Math.max(seconds, 0.0005));
}
