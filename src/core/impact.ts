/**
 * Estimates: seconds of blocking and of work per step, from the table's size and a throughput calibration. Pure.
 * The defaults are deliberately modest figures for a small cloud server; the database layer measures real ones.
 */
import type { Impact } from './rules';
import type { Calibration, Estimate, TableFacts } from './types';

/** Throughputs assumed when nothing was measured (basis `default`). */
export const DEFAULT_CALIBRATION: Calibration = Object.freeze({
  basis: 'default',
  scanBytesPerSecond: 200 * 1024 * 1024,
  rewriteBytesPerSecond: 50 * 1024 * 1024,
  indexBuildBytesPerSecond: 40 * 1024 * 1024,
  backfillRowsPerSecond: 5000,
});

/** Time a catalog-only change holds its lock once granted (no I/O proportional to the table). */
export const METADATA_SECONDS = 0.01;

/** Bytes of index key per row when the column's width is unknown. */
const DEFAULT_KEY_BYTES = 16;

export type WorkKind = 'metadata' | 'scan' | 'rewrite' | 'index' | 'concurrent-index' | 'backfill';

/** What kind of work a step does, derived from its impact and whether it builds an index. */
export function workKind(impact: Impact, opts: { index?: boolean; concurrent?: boolean; backfill?: boolean } = {}): WorkKind {
  if (opts.backfill) return 'backfill';
  if (opts.index) return opts.concurrent ? 'concurrent-index' : 'index';
  if (impact.rewrite) return 'rewrite';
  if (impact.scan) return 'scan';
  return 'metadata';
}

function round(n: number): number {
  if (n < 0.001) return 0.001;
  return Math.round(n * 1000) / 1000;
}

/**
 * The estimate of one step. `totalSeconds` is the work; `lockSeconds` is how long the step blocks other sessions' reads or
 * writes (what `blocks` says), so a step that blocks nothing has the brief catalog moment only.
 */
export function estimateStep(impact: Impact, kind: WorkKind, facts: Pick<TableFacts, 'rows' | 'bytes' | 'indexBytes'>, calibration: Calibration, keyBytes = DEFAULT_KEY_BYTES): Estimate {
  const bytes = Math.max(0, facts.bytes);
  const rows = Math.max(0, facts.rows);
  const indexBytes = Math.max(0, facts.indexBytes ?? 0);
  let total: number;
  switch (kind) {
    case 'metadata':
      total = METADATA_SECONDS;
      break;
    case 'scan':
      total = METADATA_SECONDS + bytes / calibration.scanBytesPerSecond;
      break;
    case 'rewrite':
      total = METADATA_SECONDS + (bytes + indexBytes) / calibration.rewriteBytesPerSecond;
      break;
    case 'index':
      total = METADATA_SECONDS + bytes / calibration.scanBytesPerSecond + (rows * keyBytes) / calibration.indexBuildBytesPerSecond;
      break;
    case 'concurrent-index':
      // Two table scans plus the sort/build, and a wait for older transactions that the estimate cannot know.
      total = METADATA_SECONDS + (2 * bytes) / calibration.scanBytesPerSecond + (rows * keyBytes) / calibration.indexBuildBytesPerSecond;
      break;
    case 'backfill':
      total = rows / calibration.backfillRowsPerSecond;
      break;
  }
  const blocking = impact.blocks.reads || impact.blocks.writes;
  const lock = blocking ? (kind === 'metadata' ? METADATA_SECONDS : total) : METADATA_SECONDS;
  return { lockSeconds: kind === 'backfill' ? 0.001 : round(lock), totalSeconds: round(total), basis: calibration.basis };
}

/** Approximate key width in bytes of a column type, for index-build estimates. */
export function keyBytesOf(typeName: string, params: readonly number[]): number {
  const n = typeName.toLowerCase();
  if (/^(bool|boolean|tinyint)$/.test(n)) return 1;
  if (/^(smallint|int2|smallserial)$/.test(n)) return 2;
  if (/^(int|integer|int4|serial|mediumint|real|float4|date)$/.test(n)) return 4;
  if (/^(bigint|int8|bigserial|double precision|float8|double|timestamp.*|datetime|time.*)$/.test(n)) return 8;
  if (n === 'uuid') return 16;
  if (/char|binary/.test(n)) return Math.min(params[0] ?? 32, 256);
  return DEFAULT_KEY_BYTES * 2;
}

/** "0.01 s", "4.2 s", "3 min 20 s", "1 h 5 min". */
export function formatSeconds(s: number): string {
  if (s < 10) return `${Math.round(s * 100) / 100} s`;
  if (s < 60) return `${Math.round(s)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
  return `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`;
}
