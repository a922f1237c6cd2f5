/**
 * Estimates: seconds of blocking and of work per step, from the table's size and the throughput of that kind of work
 * on the server (a calibration measured there, learned from runs, or rough offline defaults). Pure.
 *
 * One model per kind of work, each from the table's size when the step runs (rows, heap bytes, row width, the new
 * column's width, the indexes the work must maintain) and a measured rate of that work:
 *   backfill          the runner's batched UPDATEs: rows ÷ backfill rate, scaled for row width and index count
 *   index             heap scan + key sort/build (fixed-width or collated text keys)
 *   concurrent-index  PostgreSQL CREATE INDEX CONCURRENTLY: a build plus a validation scan of the heap
 *   validate          PostgreSQL VALIDATE CONSTRAINT (CHECK / NOT NULL): a heap scan evaluating the expression
 *   validate-fk       VALIDATE of a FOREIGN KEY: the scan plus a lookup in the referenced table per row
 *   rewrite           PostgreSQL table rewrite, MySQL/MariaDB ALGORITHM=INPLACE rebuild (MODIFY … NOT NULL)
 *   copy              MySQL/MariaDB ALGORITHM=COPY (a CHECK, a non-InnoDB engine): row-by-row copy
 *   online-copy       pt-online-schema-change's copy: its fixed cost (start, checks, triggers, swap) + rows × its chunked
 *                     copy's measured cost per row, scaled for row width and secondary indexes, + the value's functions
 *   scan              any other full scan
 */
import type { Impact } from './rules';
import type { Calibration, Dialect, Estimate, TableFacts } from './types';
import * as l10n from '@vscode/l10n';
import { formatSeconds } from './format';

/**
 * pt-online-schema-change when it was not measured on the server: measured here (MariaDB 10.11, pt-osc 3.2.1, load
 * 1.3–1.9, chunk time 150 ms, the calibration's sample shape: bigint key, int, varchar(32), datetime, one secondary index)
 * — 0.14–0.17 s from the tool's start to its copy (Perl's start, connection, checks, new table, triggers) and 0.01–0.02 s
 * after it (swap, drops); 100k rows copied in 0.29–0.30 s (~340k rows/s), without the secondary index 0.16–0.19 s.
 * Rounded to the slow side.
 */
export const DEFAULT_ONLINE_COPY: NonNullable<Calibration['onlineCopy']> = Object.freeze({
  fixedSeconds: 0.25,
  rowsPerSecond: 250_000,
  rowBytes: 90,
  indexes: 1,
});

/**
 * Column Wizard's own online copy (src/db/mysql/ownCopy.ts, OWN_COPIERS connections) when it was not timed on the server:
 * timed by the calibration on its 100k-row sample (MariaDB 10.11, 2 cores, load 1.2, three calibrations) — 0.06–0.08 s
 * before and after the copy (connections, the new table, triggers, swap, drops) and 299–305k rows/s (pt-online-schema-change
 * in the same calibrations: 0.18–0.19 s and 235–246k rows/s). Rounded to the slow side.
 */
export const DEFAULT_OWN_COPY: NonNullable<Calibration['ownCopy']> = Object.freeze({
  fixedSeconds: 0.1,
  rowsPerSecond: 250_000,
  rowBytes: 90,
  indexes: 1,
});

/**
 * What one secondary index adds to the online copy's cost per row, relative to the row itself (the new table's index is
 * filled row by row as the chunks are inserted). Measured with pt-online-schema-change on 100k rows of the sample's
 * shape: 0.29–0.30 s with the int index of 1000 keys, 0.16–0.19 s without: ~0.6×.
 */
const ONLINE_COPY_INDEX_COST = 0.6;

/**
 * MySQL/MariaDB: what a table copy, rebuild, index build or online copy pays on top for the share of the pages it reads
 * and writes that do not fit in InnoDB's buffer pool: its dirty pages are then written out while it runs, which the
 * calibration's sample (~10 MB) never does. bench/estimates, MariaDB 10.11, 128 MB buffer pool: pt-online-schema-change
 * on the bench's table, per row 1.9 / 3.7 µs on 200k rows (37 / 60 MB touched), 2.6–3.0 / 4.4 µs on 1M and 3M rows (two
 * thirds to five sixths beyond the pool): ×1.2–1.55, so 0.5 × the share that does not fit. The same term fits the
 * rebuilds, copies and index builds of run 4 (h18e-bench.txt), estimated from the sample at ×0.62–0.77 on 3M rows and
 * ×0.81–0.90 on 1M rows.
 */
const SPILL_COST = 0.5;

/**
 * PostgreSQL: what a backfill pays on top, per share of the pages it dirties (the heap with the new row versions, the
 * indexes) beyond shared_buffers: the dirty pages are evicted and written out while it runs, and each evicted page's WAL
 * must be flushed first, which the calibration's sample (~10 MB, in shared buffers) never pays. A constant fitted on one
 * machine (PostgreSQL 15, 128 MB shared_buffers, 2 vCPU), not measured by the calibration: bench/estimates' quiet runs
 * (docs/notes/2026-12-06d/estimates-quiet.txt and estimates-quiet-2.txt), the runner's backfill of the bench's table
 * with the calibration measured in the same minute: 1M rows (~230–330 MB touched, ~45% beyond the buffers) actual ÷
 * estimate 1.22 / 1.17 / 1.23 and 1.15 / 1.41 / 0.91; 3M rows (~710–990 MB, ~80% beyond) 1.21 / 1.06 / 1.24 and 1.44 /
 * 1.07 / 1.22 — about ×1.2 at both sizes, the missing time ~7–8 ns per byte written. 0.3 gives ×1.13 at 1M rows, ×1.24
 * at 3M. The 100k-row tables (~20 MB, in the buffers) were estimated within ×0.90–1.02 without it (h18e-bench.txt, with the
 * backfill model of then).
 */
const PG_BACKFILL_SPILL_COST = 0.3;

/**
 * 1 + `cost` × the share of `touchedBytes` beyond the server's buffer pool (InnoDB's buffer pool, PostgreSQL's
 * shared_buffers); 1 when the pool's size is unknown.
 */
export function spillFactor(touchedBytes: number, bufferPoolBytes: number | undefined, cost = SPILL_COST): number {
  if (!bufferPoolBytes || !(touchedBytes > bufferPoolBytes)) return 1;
  return 1 + (cost * (touchedBytes - bufferPoolBytes)) / touchedBytes;
}

/**
 * Throughputs assumed when nothing was measured (basis `default`, shown as "rough"): what bench/estimates measured on a
 * small modern server (2 vCPU, SSD, PostgreSQL 15 / MariaDB 10.11 with default settings), rounded down.
 */
export const DEFAULT_CALIBRATION: Calibration = Object.freeze({
  basis: 'default',
  scanBytesPerSecond: 600 * 1024 * 1024,
  validateBytesPerSecond: 300 * 1024 * 1024,
  rewriteBytesPerSecond: 60 * 1024 * 1024,
  copyBytesPerSecond: 25 * 1024 * 1024,
  indexBuildBytesPerSecond: 40 * 1024 * 1024,
  indexRowsPerSecond: 1_500_000,
  textIndexRowsPerSecond: 500_000,
  backfillRowsPerSecond: 150_000,
  sample: { rowBytes: 90, indexes: 2, maintainedIndexes: 1 },
  onlineCopy: DEFAULT_ONLINE_COPY,
});

/** Time a catalog-only change holds its lock once granted (no I/O proportional to the table). */
export const METADATA_SECONDS = 0.01;

/**
 * What one more index costs a backfill per row, relative to writing the row itself. Measured with the runner on
 * PostgreSQL 15 (200k rows, 2 runs): primary key only 67–77k rows/s; plus an index on an int with 1000 values 30–31k,
 * on an md5 text 25k, on both 13–20k — each index about 1.3–1.8× the row's cost. (An index whose order follows the
 * table's, such as a creation timestamp, costs far less — 60–63k rows/s —, so the estimate is high for those.)
 */
const BACKFILL_INDEX_COST = 1.3;

/**
 * The same for an index whose new entries all have one key, in primary-key order (WorkContext.constantKey): appended at
 * the end of that key's range. bench/estimates, MariaDB 10.11, `owner_id bigint DEFAULT 1 REFERENCES …` (its index built
 * before the backfill): 100k / 1M / 3M rows 0.99 / 12.45 / 37.67 s, estimated 2.35 / 23.26 / 69.77 s at 1.3 per index.
 */
const BACKFILL_APPEND_INDEX_COST = 0.25;

/** Bytes of index key per row when the column's width is unknown. */
const DEFAULT_KEY_BYTES = 16;
/**
 * PostgreSQL: an index build's sort costs the same per row on a table of up to FLAT_SORT_ROWS rows as on the 100k-row
 * sample, so its key rates are not scaled by n log n up to there (and only from there on beyond it). Measured on
 * PostgreSQL 15 (C.UTF-8, maintenance_work_mem 64 MB), plain builds on 100k / 1M / 3M rows: an md5 text key 1.23 / 1.06
 * / 1.13 µs per row, a timestamptz key 0.27 / 0.30 / 0.30 µs (n log n from the sample would add 20% / 29%); with that
 * scaling, bench/estimates' CREATE INDEX CONCURRENTLY steps were all estimated high (×1.13–1.40 with a same-minute
 * calibration). InnoDB's builds (MySQL/MariaDB) keep the scaling from the sample: estimated low with it (×0.78–0.89).
 */
const FLAT_SORT_ROWS = 3_000_000;

export type WorkKind =
  | 'metadata'
  | 'scan'
  | 'validate'
  | 'validate-fk'
  | 'rewrite'
  | 'copy'
  | 'online-copy'
  | 'own-copy'
  | 'index'
  | 'concurrent-index'
  | 'backfill';
export const WORK_KINDS: readonly WorkKind[] = [
  'metadata',
  'scan',
  'validate',
  'validate-fk',
  'rewrite',
  'copy',
  'online-copy',
  'own-copy',
  'index',
  'concurrent-index',
  'backfill',
];

export interface WorkOptions {
  index?: boolean;
  concurrent?: boolean;
  backfill?: boolean;
  /** A VALIDATE CONSTRAINT (PostgreSQL) of this kind of constraint. */
  validate?: 'check' | 'not-null' | 'foreign';
  /** The step is done by an online schema-change tool's copy (pt-online-schema-change). */
  onlineCopy?: boolean;
  /** The step is done by Column Wizard's own online copy (src/db/mysql/ownCopy.ts). */
  ownCopy?: boolean;
}

/** What kind of work a step does, derived from its impact and what the step is. */
export function workKind(impact: Impact, opts: WorkOptions = {}): WorkKind {
  if (opts.backfill) return 'backfill';
  if (opts.ownCopy) return 'own-copy';
  if (opts.onlineCopy) return 'online-copy';
  if (opts.index) {
    if (impact.algorithm === 'COPY') return 'copy';
    return opts.concurrent ? 'concurrent-index' : 'index';
  }
  if (opts.validate) return opts.validate === 'foreign' ? 'validate-fk' : 'validate';
  if (impact.algorithm === 'COPY' && (impact.rewrite || impact.scan)) return 'copy';
  if (impact.rewrite) return 'rewrite';
  if (impact.scan) return 'scan';
  return 'metadata';
}

/** What the estimator knows about the table when the step runs, beyond its catalog size. */
export interface WorkContext {
  /** Heap bytes when the step runs (after earlier steps, e.g. a PostgreSQL backfill's new row versions). Default: facts.bytes. */
  readonly heapBytes?: number;
  /** Index bytes when the step runs. Default: facts.indexBytes. */
  readonly indexBytes?: number;
  /**
   * Indexes besides the primary key that a backfill must update per row: on PostgreSQL every index (an UPDATE that is not
   * HOT writes an entry into each), on MySQL/MariaDB only the indexes on the column being filled. Default: facts.indexes
   * without the primary key.
   */
  readonly indexes?: number;
  /** Bytes the new column adds to each row. */
  readonly newColumnBytes?: number;
  /** The index key is collated text (slower to sort than fixed-width keys). */
  readonly textKey?: boolean;
  /**
   * Every row holds the same key so far: the indexed column is still NULL (the index is built before the backfill) or
   * holds the constant default it was added with (PostgreSQL's catalog-only default).
   */
  readonly emptyKey?: boolean;
  /**
   * The SQL expression the backfill (or the online copy) evaluates per row: its volatile functions' measured cost is
   * added per row.
   */
  readonly valueSql?: string;
  /**
   * Distinct keys of the maintained indexes whose key statistics are known (`IndexFacts.rowsPerKey` → the table's rows ÷
   * rows per key); the others of `indexes` count as the costliest measured kind.
   */
  readonly indexKeys?: readonly number[];
  /**
   * MySQL/MariaDB: the backfill writes one value in every row of a batch (a constant such as a foreign key's 1, or a
   * per-statement function such as NOW()), so the indexes it maintains — those on that column — get their entries in
   * primary-key order at the end of one key's range, not scattered over the index.
   */
  readonly constantKey?: boolean;
  /**
   * MySQL/MariaDB: the indexed column is still NULL in every row (added instantly, the index built before the backfill).
   * No rate the calibration measures predicts that build on both machines measured, so it is charged at the geometric
   * mean of the text-key and the fixed-key rate, with no spill term. bench/estimates, MariaDB 10.11, the fk shape's
   * bigint index: on one machine 1M / 3M rows took 0.95 / 3.11 s, which the text-key rate fitted (an 8-byte key's:
   * 0.52 / 1.64 s); on a later one 0.77–0.82 / 2.56–3.47 s, where the text-key rate said 1.51 / 4.85 s and the fixed-key
   * rate fits (docs/notes/2026-12-07c). The mean keeps both within ×1.45; a direct measurement on the 100k-row sample
   * (0.07 s, faster than the fixed key) would have been ×0.45–0.65 short on the later machine.
   */
  readonly innodbEmptyKey?: boolean;
  /** The backfilled column is stored with a variable width (char/varchar/text/blob/json/varbinary types). */
  readonly variableWidth?: boolean;
  /** The server's dialect: where an engine's work differs from the other's (PostgreSQL's flat sort, FLAT_SORT_ROWS). */
  readonly dialect?: Dialect;
}

/**
 * Seconds per row one secondary index adds to a PostgreSQL backfill of a table of `rows` rows, for an index with `keys`
 * distinct keys (unknown: the costliest measured point): interpolated on a log scale of keys ÷ rows per key (= keys² ÷
 * rows) between the calibration's measured points, never beyond. undefined when the calibration did not measure it.
 *
 * Both grow the cost apart: more keys, more leaf pages per batch (the runner's batch walks the table in key order, and
 * each key's new entries go to the end of that key's range), and fewer rows per key, more keys sharing each leaf page
 * (more splits). Measured with the runner on PostgreSQL 15 (a = id % k, settled batches): 1M rows, k = 100 / 1000 /
 * 10000 → ~2.6 / 8.6 / 23 µs per row for the index (×3.2 and ×2.7 per ten times the keys, rows per key falling alike);
 * k = 1000 on 100k / 1M / 3M rows (100 / 1000 / 3000 rows per key) → ~11.5 / 5–9 / ~4 µs (bench/estimates): about
 * half of the ×3 per decade comes from each. The calibration's points (1000, 316 and 100 keys on its sample) differ
 * in both, so one scale, keys ÷ rows per key, takes both with equal weight: that weight is the assumption.
 * The cost is not log-linear between the 100- and 1000-key points (keys² ÷ rows 0.1 and 10 on the 100k sample): measured
 * on 30k–3M rows with 30–10000 keys, it stays near the cheap point up to ~3 and rises between 3 and 10 (see MIDDLE_KEYS
 * in src/db/postgres/calibrate.ts). Calibrations since 2026-12-06 (h18f) also measure the middle (316 keys, 1); with the
 * two outer points, 1000 keys on 1M rows came out halfway (7.4 µs) where the runner measured 3.5 µs.
 * Calibrations cached before 2026-12-06 stored each point by rows per key on their sample (keys = sample rows ÷ that).
 */
export function backfillIndexSecondsPerRow(
  keys: number | undefined,
  rows: number,
  cal: Pick<Calibration, 'backfillIndexSeconds' | 'sample'>,
): number | undefined {
  const sampleRows = cal.sample?.rows ?? 100_000;
  const spread = (k: number, n: number) => (k * k) / Math.max(1, n);
  const points = (cal.backfillIndexSeconds ?? [])
    .map((p) => ({ at: spread(p.keys ?? (p.rowsPerKey ? sampleRows / p.rowsPerKey : 0), sampleRows), seconds: p.seconds }))
    .filter((p) => p.at > 0)
    .sort((a, b) => a.at - b.at);
  if (!points.length) return undefined;
  if (keys === undefined) return Math.max(...points.map((p) => p.seconds));
  const at = spread(keys, rows);
  if (at <= points[0]!.at) return points[0]!.seconds;
  for (let i = 1; i < points.length; i++) {
    const [lo, hi] = [points[i - 1]!, points[i]!];
    if (at <= hi.at) {
      const f = Math.log(at / lo.at) / Math.log(hi.at / lo.at);
      return lo.seconds + f * (hi.seconds - lo.seconds);
    }
  }
  return points[points.length - 1]!.seconds;
}

/**
 * What the first scan of the heap after a PostgreSQL backfill costs on top of a scan of a settled table: it sets the hint
 * bits of every new row version and dirties every page (the calibration's first VALIDATE after its backfill against the
 * later ones). A heap larger than a quarter of shared_buffers is scanned through a small ring of buffers, so each dirtied
 * page is also written back as it leaves the ring: there the measured `osFirstScanSecondsPerByte` (never less than the
 * in-buffers term). 0 when the calibration measured neither.
 */
export function firstScanExtraSeconds(
  heapBytes: number,
  cal: Pick<
    Calibration,
    'firstScanBytesPerSecond' | 'validateBytesPerSecond' | 'scanBytesPerSecond' | 'osFirstScanSecondsPerByte' | 'sharedBuffersBytes'
  >,
): number {
  if (heapBytes <= 0) return 0;
  const first = cal.firstScanBytesPerSecond;
  const settled = cal.validateBytesPerSecond ?? cal.scanBytesPerSecond / 2;
  const inBuffers = first ? Math.max(0, heapBytes / first - heapBytes / settled) : 0;
  const throughRing = !!cal.sharedBuffersBytes && heapBytes > cal.sharedBuffersBytes / 4;
  return throughRing && cal.osFirstScanSecondsPerByte ? Math.max(inBuffers, heapBytes * cal.osFirstScanSecondsPerByte) : inBuffers;
}

/**
 * What a sequential scan of `heapBytes` pays for reading its pages from the OS instead of shared buffers: PostgreSQL reads
 * a table larger than a quarter of shared_buffers through a small ring of buffers. 0 when not measured or a smaller table.
 */
export function osReadSeconds(heapBytes: number, cal: Pick<Calibration, 'osReadSecondsPerByte' | 'sharedBuffersBytes'>): number {
  if (!cal.osReadSecondsPerByte || !cal.sharedBuffersBytes || heapBytes <= cal.sharedBuffersBytes / 4) return 0;
  return heapBytes * cal.osReadSecondsPerByte;
}

/** An estimate with `extra` seconds of work more (its lock too when the step blocks, its range scaled alike). */
export function addSeconds(e: Estimate, extra: number, blocking: boolean): Estimate {
  if (!(extra > 0)) return e;
  const total = round(e.totalSeconds + extra);
  const k = total / Math.max(e.totalSeconds, 0.001);
  return {
    ...e,
    totalSeconds: total,
    ...(blocking ? { lockSeconds: round(e.lockSeconds + extra) } : {}),
    ...(e.range ? { range: [round(e.range[0] * k), round(e.range[1] * k)] as const } : {}),
  };
}

/**
 * Seconds per row of evaluating a backfill's value: the sum of the measured per-call costs of the functions it calls
 * (`calibration.functionSeconds`); functions that were not measured count as free.
 */
export function expressionSecondsPerRow(valueSql: string | undefined, cal: Pick<Calibration, 'functionSeconds'>): number {
  const costs = cal.functionSeconds;
  if (!valueSql || !costs) return 0;
  let sum = 0;
  // Calls outside string literals: a quoted 'uuid()' is text, not a call.
  const code = valueSql.replace(/'(?:[^']|'')*'/g, "''");
  for (const m of code.matchAll(/([A-Za-z_][A-Za-z0-9_]*)\s*\(/g)) sum += costs[m[1]!.toLowerCase()] ?? 0;
  return sum;
}

function round(n: number): number {
  if (n < 0.001) return 0.001;
  return Math.round(n * 1000) / 1000;
}

/** The relative uncertainty of each kind of work under each basis: the range is [estimate ÷ f, estimate × f]. */
function spread(kind: WorkKind, basis: Calibration['basis'], learnedRuns: number): number {
  if (kind === 'metadata') return 1;
  if (basis === 'default') return 3;
  const base = kind === 'concurrent-index' ? 1.6 : kind === 'validate-fk' ? 1.5 : 1.4;
  return learnedRuns >= 2 ? Math.min(base, 1.25) : base;
}

/** The seconds of work of one kind, on a table of this size, at these rates (no learned correction). */
export function modelSeconds(
  kind: WorkKind,
  facts: Pick<TableFacts, 'rows' | 'bytes' | 'indexBytes' | 'indexes'>,
  cal: Calibration,
  keyBytes = DEFAULT_KEY_BYTES,
  ctx: WorkContext = {},
): number {
  const rows = Math.max(0, facts.rows);
  const heap = Math.max(0, ctx.heapBytes ?? facts.bytes);
  const indexBytes = Math.max(0, ctx.indexBytes ?? facts.indexBytes ?? 0);
  const d = DEFAULT_CALIBRATION;
  const scanRate = cal.scanBytesPerSecond;
  const validateRate = cal.validateBytesPerSecond ?? cal.scanBytesPerSecond / 2;
  // Sorting is n log n: the rates were measured on the sample's rows, so larger tables sort a little slower per row
  // (InnoDB; PostgreSQL's index builds only beyond FLAT_SORT_ROWS).
  const sampleRows = cal.sample?.rows ?? 100_000;
  const sortScale = rows > 2 ? Math.max(1, Math.log2(rows) / Math.log2(sampleRows)) : 1;
  const keyScale = ctx.dialect === 'postgres' ? (rows > FLAT_SORT_ROWS ? Math.log2(rows) / Math.log2(FLAT_SORT_ROWS) : 1) : sortScale;
  const indexRowsPerSecond = cal.indexRowsPerSecond ?? d.indexRowsPerSecond!;
  const fixedKeyRate = indexRowsPerSecond / keyScale;
  const textKeyRate = (cal.textIndexRowsPerSecond ?? d.textIndexRowsPerSecond!) / keyScale;
  const keyRate = ctx.innodbEmptyKey
    ? Math.sqrt(textKeyRate * fixedKeyRate)
    : ctx.emptyKey
      ? // Every key NULL (an index built before the backfill): nothing to compare, only entries to write. PostgreSQL only
        // (FLAT_SORT_ROWS): the rate as it is up to 3M rows, scaled beyond like the other keys.
        fixedKeyRate * 3
      : ctx.textKey
        ? // Wider text keys cost more to compare and write; the text rate was measured on 32-character keys.
          textKeyRate * Math.min(2, Math.max(0.4, Math.sqrt(33 / Math.max(1, keyBytes))))
        : fixedKeyRate;
  // Each pass over a heap larger than a quarter of shared_buffers reads its pages from the OS (PostgreSQL).
  const osRead = osReadSeconds(heap, cal);
  // InnoDB's buffer pool (MySQL/MariaDB): work whose pages do not fit writes them out as it goes.
  const pool = cal.bufferPoolBytes;
  switch (kind) {
    case 'metadata':
      return METADATA_SECONDS;
    case 'scan':
      return METADATA_SECONDS + heap / scanRate + osRead;
    case 'validate':
      return METADATA_SECONDS + heap / validateRate + osRead;
    case 'validate-fk':
      // A hash anti-join: the table's scan with the check, and the probe per row as measured (fkCheckSecondsPerRow); a
      // calibration without it: about one eighth of a fixed-key index row's cost.
      return METADATA_SECONDS + heap / validateRate + rows * (cal.fkCheckSecondsPerRow ?? sortScale / (indexRowsPerSecond * 8)) + osRead;
    case 'rewrite':
      return METADATA_SECONDS + ((heap + indexBytes) / cal.rewriteBytesPerSecond) * spillFactor(2 * (heap + indexBytes), pool);
    case 'copy':
      return (
        METADATA_SECONDS +
        ((heap + indexBytes) / (cal.copyBytesPerSecond ?? cal.rewriteBytesPerSecond / 2.5)) * spillFactor(2 * (heap + indexBytes), pool)
      );
    case 'online-copy':
      return onlineCopySeconds(rows, heap, cal, ctx, facts);
    case 'own-copy':
      return onlineCopySeconds(rows, heap, { ...cal, onlineCopy: cal.ownCopy ?? DEFAULT_OWN_COPY }, ctx, facts);
    case 'index':
      // InnoDB (pool known): the heap read and the new index written; PostgreSQL: osRead. An empty key (innodbEmptyKey) has
      // no spill term: it writes a NULL and the primary key per row, and both machines' builds fit without one.
      return (
        METADATA_SECONDS +
        (heap / scanRate + rows / keyRate) * (ctx.innodbEmptyKey ? 1 : spillFactor(heap + (rows * (keyBytes + 14)) / 0.9, pool)) +
        osRead
      );
    case 'concurrent-index':
      // The build's scan and sort, then a second pass (validate_index) that collects the index's row pointers, sorts them
      // and reads the heap for rows the build missed: about 0.4× a plain build with a fixed-width key on an idle server
      // (bench/estimates: 1.4× in all), whatever the key, since it sorts row pointers, not keys (measured: text-key CICs
      // at 1.4× their build were estimated ×1.6–2.2 too high). Plus a wait for older transactions that no estimate can
      // know. Both passes read the heap.
      return METADATA_SECONDS + 1.4 * (heap / scanRate) + rows / keyRate + 0.4 * (rows / fixedKeyRate) + 2 * osRead;
    case 'backfill': {
      const sample = cal.sample ?? d.sample!;
      const width = rows > 0 ? heap / rows + (ctx.newColumnBytes ?? 8) : sample.rowBytes;
      const indexes = ctx.indexes ?? Math.max(0, (facts.indexes?.length ?? 1) - 1);
      // Calibrations from before `maintainedIndexes` counted the primary key in `indexes`.
      const sampleIndexes = sample.maintainedIndexes ?? Math.max(0, sample.indexes - 1);
      // Per-row cost: the row's new version (a fixed part and a part per byte), plus an entry per maintained index, each
      // about BACKFILL_INDEX_COST times the row's own cost (a leaf page anywhere in the index, its WAL).
      const rowCost = 0.6 + 0.4 * (width / sample.rowBytes);
      const functions = rows * expressionSecondsPerRow(ctx.valueSql, cal);
      if (cal.backfillBaseRowsPerSecond && cal.backfillIndexSeconds?.length) {
        // Measured per index kind: the row with the primary key, plus each index's cost by its keys and rows per key.
        const known = (ctx.indexKeys ?? []).slice(0, indexes);
        let perIndex = (indexes - known.length) * backfillIndexSecondsPerRow(undefined, rows, cal)!;
        for (const k of known) perIndex += backfillIndexSecondsPerRow(k, rows, cal)!;
        // PostgreSQL: the pages it dirties, the heap with a new version of every row and the grown indexes (as the plan
        // predicts them: about +80%), beyond shared_buffers.
        const touched = heap + rows * width + 1.8 * indexBytes;
        const spill = spillFactor(touched, cal.sharedBuffersBytes, PG_BACKFILL_SPILL_COST);
        return rows * (rowCost / cal.backfillBaseRowsPerSecond + perIndex) * spill + functions;
      }
      const perIndex = ctx.constantKey ? BACKFILL_APPEND_INDEX_COST : BACKFILL_INDEX_COST;
      const scale = (rowCost + perIndex * indexes) / (1 + BACKFILL_INDEX_COST * sampleIndexes);
      const rate = (ctx.variableWidth && cal.variableBackfillRowsPerSecond) || cal.backfillRowsPerSecond;
      // The value's volatile functions (gen_random_uuid(), md5(…)) are evaluated once per row; the sample's value was a
      // plain column, so its rate has none of that cost.
      return (rows * scale) / rate + functions;
    }
  }
}

/**
 * pt-online-schema-change's copy (a run's `onlineCopy` step): the tool's fixed cost — Perl's start, its checks, the new
 * table and its triggers before the copy, the swap and drops after — plus its chunked INSERT … SELECT per row, measured
 * on the calibration's sample (`Calibration.onlineCopy`; DEFAULT_ONLINE_COPY when not measured) and scaled like the
 * backfill: a fixed part and a part per byte of the row (with the new column), plus ONLINE_COPY_INDEX_COST per secondary
 * index the new table fills, plus the new value's volatile functions per row (the tool's INSERT … SELECT evaluates the
 * column's DEFAULT for each row). Measured on MariaDB 10.11, 200k rows (id, v int), `token char(36) NOT NULL DEFAULT
 * (UUID())`: 0.15–0.17 s before the copy, 0.40–0.46 s copying, 0.01–0.02 s after; `run` 0.5 s with the tool held early.
 */
export function onlineCopySeconds(
  rows: number,
  heapBytes: number,
  cal: Pick<Calibration, 'onlineCopy' | 'functionSeconds' | 'bufferPoolBytes'>,
  ctx: Pick<WorkContext, 'newColumnBytes' | 'valueSql' | 'indexBytes'>,
  facts: Pick<TableFacts, 'indexes' | 'indexBytes'>,
): number {
  const m = cal.onlineCopy ?? DEFAULT_ONLINE_COPY;
  const width = rows > 0 ? heapBytes / rows + (ctx.newColumnBytes ?? 8) : m.rowBytes;
  const secondary = (facts.indexes ?? []).filter((i) => !i.primary).length;
  const perRow = (0.6 + 0.4 * (width / m.rowBytes) + ONLINE_COPY_INDEX_COST * secondary) / (1 + ONLINE_COPY_INDEX_COST * m.indexes);
  // The pages it reads and writes (the table and the copy with the new column) beyond the buffer pool.
  const index = Math.max(0, ctx.indexBytes ?? facts.indexBytes ?? 0);
  const touched = 2 * (heapBytes + index) + rows * (ctx.newColumnBytes ?? 8);
  const copy = ((rows * perRow) / m.rowsPerSecond) * spillFactor(touched, cal.bufferPoolBytes);
  return m.fixedSeconds + copy + rows * expressionSecondsPerRow(ctx.valueSql, cal);
}

/**
 * The estimate of one step. `totalSeconds` is the work; `lockSeconds` is how long the step blocks other sessions' reads or
 * writes (what `blocks` says), so a step that blocks nothing has the brief catalog moment only.
 */
export function estimateStep(
  impact: Impact,
  kind: WorkKind,
  facts: Pick<TableFacts, 'rows' | 'bytes' | 'indexBytes' | 'indexes'>,
  calibration: Calibration,
  keyBytes = DEFAULT_KEY_BYTES,
  ctx: WorkContext = {},
): Estimate {
  const learned = calibration.learned?.[kind];
  const factor = learned && learned.runs > 0 ? learned.factor : 1;
  const total = kind === 'metadata' ? METADATA_SECONDS : modelSeconds(kind, facts, calibration, keyBytes, ctx) * factor;
  const blocking = impact.blocks.reads || impact.blocks.writes;
  const lock = blocking ? (kind === 'metadata' ? METADATA_SECONDS : total) : METADATA_SECONDS;
  // A calibration measured where pt-online-schema-change was not run (not installed then, cached from before) has no
  // figures of the tool, and one cached before the calibration timed Column Wizard's own copy none of that: such a copy
  // is estimated with the rough defaults, and said so.
  const rates: Calibration['basis'] =
    (kind === 'online-copy' && !calibration.onlineCopy) || (kind === 'own-copy' && !calibration.ownCopy) ? 'default' : calibration.basis;
  const basis: Estimate['basis'] = learned && learned.runs > 0 && kind !== 'metadata' ? 'learned' : rates;
  const f = spread(kind, rates, learned?.runs ?? 0);
  return {
    lockSeconds: kind === 'backfill' ? 0.001 : round(lock),
    totalSeconds: round(total),
    basis,
    kind,
    ...(f > 1 && total >= 0.05 ? { range: [round(total / f), round(total * f)] as const } : {}),
    ...(calibration.measuredAt && rates === 'measured' ? { measuredAt: calibration.measuredAt } : {}),
    ...(basis === 'learned' ? { runs: learned!.runs } : {}),
  };
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

/**
 * Types stored with a variable width (InnoDB stores CHAR in a multi-byte character set as variable-width too); BINARY(n)
 * is fixed-width bytes, VARBINARY is not.
 */
export function isVariableWidth(typeName: string): boolean {
  return /char|text|blob|json|varbinary/i.test(typeName);
}

/** Keys compared by collation (text) rather than bytes: slower to sort. */
export function isTextKey(typeName: string): boolean {
  return /char|text|enum|set/i.test(typeName) && !/binary/i.test(typeName);
}

/** Bytes a value of this type adds to a row (roughly), for backfill and storage estimates. */
export function valueBytesOf(typeName: string, params: readonly number[]): number {
  const n = typeName.toLowerCase();
  if (/text|blob|json/.test(n)) return 64;
  if (/char/.test(n)) return Math.min(params[0] ?? 32, 256) + 1;
  return keyBytesOf(typeName, params);
}

/** "just now", "3 min ago", "2 h ago", "4 days ago". */
export function formatAge(ms: number): string {
  const s = Math.max(0, ms / 1000);
  if (s < 60) return l10n.t('just now');
  if (s < 3600) return l10n.t('{0} min ago', Math.round(s / 60));
  if (s < 86400 * 2) return l10n.t('{0} h ago', Math.round(s / 3600));
  return l10n.t('{0} days ago', Math.round(s / 86400));
}

/**
 * Where an estimate comes from, in words: "measured on this server 3 min ago", "learned from 2 runs", "rough: no server".
 * `now: 'dated'` says the day of the measurement instead of its age, for text that is kept: a migration file's header,
 * whose other words are English, so that text is never translated.
 */
export function describeBasis(e: Pick<Estimate, 'basis' | 'measuredAt' | 'runs'>, now: number | 'dated' = Date.now()): string {
  const kept = now === 'dated';
  if (e.basis === 'learned') {
    const runs = e.runs ?? 1;
    if (kept) return `learned from ${runs} run${runs === 1 ? '' : 's'} on this server`;
    return runs === 1 ? l10n.t('learned from 1 run on this server') : l10n.t('learned from {0} runs on this server', runs);
  }
  if (e.basis === 'measured') {
    const at = e.measuredAt ? Date.parse(e.measuredAt) : NaN;
    if (!Number.isFinite(at)) return kept ? 'measured on this server' : l10n.t('measured on this server');
    return kept
      ? `measured on this server on ${new Date(at).toISOString().slice(0, 10)}`
      : l10n.t('measured on this server {0}', formatAge(now - at));
  }
  return kept ? 'rough: no measurement of this server' : l10n.t('rough: no measurement of this server');
}

/** "≈ 4.2 s (3–6 s)" — the estimate with its range when there is one. */
export function formatEstimate(e: Pick<Estimate, 'totalSeconds' | 'range'>): string {
  const r = e.range;
  return `≈ ${formatSeconds(e.totalSeconds)}${r ? ` (${formatSeconds(r[0])}–${formatSeconds(r[1])})` : ''}`;
}
