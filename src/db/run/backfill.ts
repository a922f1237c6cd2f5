/**
 * Keyset-batched backfill: one autocommit transaction per batch over a key range, `WHERE <column> IS NULL` so a
 * batch re-run after a crash changes nothing, the batch size adapted to a target time, paused on replication lag.
 */
import type { BackfillSpec, TableRef } from '../../core/types';
import type { DatabaseClient } from '../client';
import { ident, qualified, setLockTimeout, setStatementTimeout, sleep, type Engine } from './dialect';
import type { BatchKey, KeyColumn } from './keys';
import { withLockRetry } from './retry';
import type { RunStore } from './state';
import type { BackfillOptions, LagThrottle, RetryPolicy } from './types';

/**
 * Target time per batch. A concurrent writer that touches a row of the batch waits up to about this long, so it bounds
 * the worst stall; shorter targets cost total time in per-batch overhead. bench/backfill (1M rows, a writer updating
 * random rows) measured 50 ms as the balance on PostgreSQL 15 and MariaDB 10.11: total ≤ 1.02× one UPDATE, writer
 * p99 ≤ 10 ms and max ≤ 47 ms; at 100 ms the max stall reached 102 ms, at 30 ms PostgreSQL took 1.22× the UPDATE.
 */
export const DEFAULT_TARGET_BATCH_MS = 50;

export interface BackfillProgress {
  readonly kind: 'batch' | 'throttled';
  readonly rowsDone: number;
  readonly rowsEstimated: number;
  readonly rowsPerSecond: number;
  readonly etaSeconds: number | null;
  readonly batchSize: number;
  readonly lastBatchMs?: number;
  readonly lagSeconds?: number | null;
  readonly message?: string;
}

export interface BackfillRun {
  readonly client: DatabaseClient;
  readonly engine: Engine;
  readonly spec: BackfillSpec;
  readonly key: BatchKey;
  /** Where to save progress after each batch; omit to run without state (the benchmark). */
  readonly store?: { readonly store: RunStore; readonly runId: string };
  readonly resumeFrom?: { readonly lastKey: readonly string[] | null; readonly rowsDone: number; readonly batchSize: number | null };
  readonly options?: BackfillOptions;
  readonly lag?: LagThrottle;
  readonly retry: RetryPolicy;
  readonly lockTimeoutMs: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: BackfillProgress) => void;
  readonly onRetry?: (attempt: number, delayMs: number, err: unknown) => void | Promise<void>;
  /** Rows the plan expected, used when the server has no estimate yet (a PostgreSQL table never analyzed). */
  readonly rowsHint?: number;
}

interface Batch {
  readonly upper: readonly string[] | null;
  readonly scanned: number;
  readonly updated: number;
  readonly final: boolean;
}

export interface BackfillResult {
  readonly status: 'done' | 'cancelled';
  readonly rowsDone: number;
  readonly rowsUpdated: number;
  readonly batches: number;
  readonly lastKey: readonly string[] | null;
  readonly batchSize: number;
}

const INT_TYPES = /^(tinyint|smallint|mediumint|int|integer|bigint)\b/i;
const BINARY_TYPES = /^(binary|varbinary|tinyblob|blob|mediumblob|longblob)\b/i;
const DECIMAL_TYPES = /^(decimal|numeric)\b/i;

/** The key's values as text, to store in the state row and bind back exactly (bigint beyond 2^53, binary keys). */
function selectKeyText(engine: Engine, cols: readonly KeyColumn[]): string {
  return cols
    .map((c, i) => {
      const id = ident(engine, c.name);
      if (engine === 'postgres') return `${id}::text AS k${i}`;
      return `${BINARY_TYPES.test(c.type) ? `HEX(${id})` : `CAST(${id} AS CHAR)`} AS k${i}`;
    })
    .join(', ');
}

/** Bind a key's text value back to the column's type. */
function bindValue(engine: Engine, c: KeyColumn, n: number): string {
  if (engine === 'postgres') return `$${n}::${c.type}`;
  if (INT_TYPES.test(c.type)) return /unsigned/i.test(c.type) ? 'CAST(? AS UNSIGNED)' : 'CAST(? AS SIGNED)';
  if (DECIMAL_TYPES.test(c.type)) return 'CAST(? AS DECIMAL(65,30))';
  if (BINARY_TYPES.test(c.type)) return 'UNHEX(?)';
  return '?';
}

/**
 * `key > values` (or `<=`) in lexicographic order. PostgreSQL compares row values directly; MySQL/MariaDB get the
 * expanded form with a leading-column range the optimizer can use.
 */
export function keyPredicate(engine: Engine, cols: readonly KeyColumn[], op: '>' | '<=', values: readonly string[], params: unknown[]): string {
  if (engine === 'postgres') {
    const lhs = cols.map((c) => ident(engine, c.name));
    const rhs = cols.map((c, i) => {
      params.push(values[i]);
      return bindValue(engine, c, params.length);
    });
    return cols.length === 1 ? `${lhs[0]} ${op} ${rhs[0]}` : `(${lhs.join(', ')}) ${op} (${rhs.join(', ')})`;
  }
  const bind = (i: number) => {
    params.push(values[i]);
    return bindValue(engine, cols[i]!, params.length);
  };
  const strict = op === '>' ? '>' : '<';
  const first = ident(engine, cols[0]!.name);
  if (cols.length === 1) return `${first} ${op} ${bind(0)}`;
  const lead = `${first} ${op === '>' ? '>=' : '<='} ${bind(0)}`;
  const alternatives: string[] = [];
  for (let i = 0; i < cols.length; i++) {
    const eqs: string[] = [];
    for (let j = 0; j < i; j++) eqs.push(`${ident(engine, cols[j]!.name)} = ${bind(j)}`);
    const last = i === cols.length - 1 ? op : strict;
    eqs.push(`${ident(engine, cols[i]!.name)} ${last} ${bind(i)}`);
    alternatives.push(`(${eqs.join(' AND ')})`);
  }
  return `(${lead} AND (${alternatives.join(' OR ')}))`;
}

async function estimateRows(client: DatabaseClient, engine: Engine, table: TableRef): Promise<number> {
  const rows = engine === 'postgres'
    ? await client.query<{ n: number | string | null }>(
      `SELECT GREATEST(c.reltuples, 0)::bigint AS n FROM pg_class c JOIN pg_namespace ns ON ns.oid = c.relnamespace WHERE ns.nspname = $1 AND c.relname = $2`,
      [table.schema, table.name])
    : await client.query<{ n: number | string | null }>(`SELECT TABLE_ROWS AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?`, [table.schema, table.name]);
  return Number(rows[0]?.n ?? 0);
}

export async function runBackfill(r: BackfillRun): Promise<BackfillResult> {
  const { client, engine, spec, key } = r;
  const o = r.options ?? {};
  const target = o.targetBatchMs ?? DEFAULT_TARGET_BATCH_MS;
  const minSize = o.minBatchSize ?? 10;
  const maxSize = o.maxBatchSize ?? 100_000;
  if (!(target > 0)) throw new Error(`targetBatchMs must be positive, got ${target}`);
  if (o.fixedBatchSize !== undefined && !(Number.isInteger(o.fixedBatchSize) && o.fixedBatchSize > 0)) throw new Error(`fixedBatchSize must be a positive integer, got ${o.fixedBatchSize}`);
  const table = qualified(engine, spec.table);
  const col = ident(engine, spec.column);
  const order = key.columns.map((c) => ident(engine, c.name)).join(', ');
  const keyText = selectKeyText(engine, key.columns);

  let lastKey = r.resumeFrom?.lastKey ?? null;
  let rowsDone = r.resumeFrom?.rowsDone ?? 0;
  let size = o.fixedBatchSize ?? Math.min(maxSize, Math.max(minSize, r.resumeFrom?.batchSize ?? o.initialBatchSize ?? 1_000));
  let rowsUpdated = 0;
  let batches = 0;
  const estimated = Math.max((await estimateRows(client, engine, spec.table)) || (r.rowsHint ?? 0), rowsDone);
  const t0 = performance.now();
  const rowsAtStart = rowsDone;

  await setLockTimeout(client, r.lockTimeoutMs);
  await setStatementTimeout(client, Math.max(30_000, target * 50));

  const progress = (kind: BackfillProgress['kind'], extra: Partial<BackfillProgress> = {}) => {
    const secs = (performance.now() - t0) / 1000;
    const rate = secs > 0 ? (rowsDone - rowsAtStart) / secs : 0;
    const est = Math.max(estimated, rowsDone);
    r.onProgress?.({ kind, rowsDone, rowsEstimated: est, rowsPerSecond: Math.round(rate), etaSeconds: rate > 0 ? Math.max(0, (est - rowsDone) / rate) : null, batchSize: size, ...extra });
  };

  /** The last batch: everything after the last key, so rows inserted meanwhile are not missed. */
  const sweep = async (last: readonly string[] | null): Promise<Batch> => {
    const params: unknown[] = [];
    const conds = last ? [keyPredicate(engine, key.columns, '>', last, params)] : [];
    conds.push(`${col} IS NULL`);
    const { rowCount } = await client.execute(`UPDATE ${table} SET ${col} = (${spec.valueSql}) WHERE ${conds.join(' AND ')}`, params);
    return { upper: null, scanned: rowCount, updated: rowCount, final: true };
  };

  /**
   * PostgreSQL: one statement per batch — the next `size` keys, the UPDATE up to the last of them, and the state
   * row's advance — so the batch and its saved position commit together.
   */
  const pgBatch = async (last: readonly string[] | null, n: number, doneBefore: number): Promise<Batch> => {
    const params: unknown[] = [];
    const after = last ? keyPredicate(engine, key.columns, '>', last, params) : 'true';
    const cols = key.columns.map((c) => ident(engine, c.name));
    const upTo = cols.length === 1 ? `${cols[0]} <= (SELECT ${cols[0]} FROM e)` : `(${cols.join(', ')}) <= (SELECT ${cols.join(', ')} FROM e)`;
    let stateCte = '';
    if (r.store) {
      params.push(doneBefore, n, r.store.runId);
      const [a, b, c] = [params.length - 2, params.length - 1, params.length];
      stateCte = `, s AS (UPDATE ${r.store.store.table} SET backfill_last_key = (SELECT json_build_array(${cols.map((x) => `${x}::text`).join(', ')})::text FROM e),
        backfill_rows = $${a}::bigint + (SELECT count(*) FROM b), batch_size = $${b}::int, updated_at = now() WHERE run_id = $${c} AND EXISTS (SELECT 1 FROM b) RETURNING 1)`;
    }
    const sql = `WITH b AS (SELECT ${cols.join(', ')} FROM ${table} WHERE ${after} ORDER BY ${order} LIMIT ${n}),
      e AS (SELECT ${cols.join(', ')} FROM b ORDER BY ${cols.map((x) => `${x} DESC`).join(', ')} LIMIT 1),
      u AS (UPDATE ${table} SET ${col} = (${spec.valueSql}) WHERE ${after} AND ${upTo} AND ${col} IS NULL RETURNING 1)${stateCte}
      SELECT (SELECT count(*) FROM b)::int AS scanned, (SELECT count(*) FROM u)::int AS updated, ${cols.map((x, i) => `(SELECT ${x}::text FROM e) AS k${i}`).join(', ')}`;
    const [row] = await client.query<Record<string, string | number | null>>(sql, params);
    const scanned = Number(row!.scanned);
    const updated = Number(row!.updated);
    if (scanned < n) {
      const tail = await sweep(scanned > 0 ? cols.map((_, i) => String(row![`k${i}`])) : last);
      return { upper: null, scanned: scanned + tail.scanned, updated: updated + tail.updated, final: true };
    }
    return { upper: cols.map((_, i) => String(row![`k${i}`])), scanned, updated, final: false };
  };

  /** MySQL/MariaDB: the upper key, then the UPDATE; the state is saved after the commit (a crash in between re-runs a no-op batch). */
  const mysqlBatch = async (last: readonly string[] | null, n: number, doneBefore: number): Promise<Batch> => {
    const params: unknown[] = [];
    const after = last ? `WHERE ${keyPredicate(engine, key.columns, '>', last, params)}` : '';
    const [upperRow] = await client.query<Record<string, string>>(`SELECT ${keyText} FROM ${table} ${after} ORDER BY ${order} LIMIT 1 OFFSET ${n - 1}`, params);
    if (!upperRow) return sweep(last);
    const upper = key.columns.map((_, i) => String(upperRow[`k${i}`]));
    const up: unknown[] = [];
    const conds: string[] = [];
    if (last) conds.push(keyPredicate(engine, key.columns, '>', last, up));
    conds.push(keyPredicate(engine, key.columns, '<=', upper, up));
    conds.push(`${col} IS NULL`);
    const { rowCount } = await client.execute(`UPDATE ${table} SET ${col} = (${spec.valueSql}) WHERE ${conds.join(' AND ')}`, up);
    if (r.store) await r.store.store.update(r.store.runId, { backfillLastKey: upper, backfillRows: doneBefore + n, batchSize: n });
    return { upper, scanned: n, updated: rowCount, final: false };
  };

  for (;;) {
    if (r.signal?.aborted) return { status: 'cancelled', rowsDone, rowsUpdated, batches, lastKey, batchSize: size };
    if (r.lag) await waitForLag(r.lag, r.signal, (lag, message) => progress('throttled', { lagSeconds: lag, ...(message ? { message } : {}) }));
    if (r.signal?.aborted) return { status: 'cancelled', rowsDone, rowsUpdated, batches, lastKey, batchSize: size };

    const started = performance.now();
    const { value: batch } = await withLockRetry(() => (engine === 'postgres' ? pgBatch(lastKey, size, rowsDone) : mysqlBatch(lastKey, size, rowsDone)), r.retry, r.onRetry, r.signal);
    const elapsed = performance.now() - started;
    batches++;
    rowsUpdated += batch.updated;
    rowsDone += batch.scanned;
    lastKey = batch.upper ?? lastKey;
    progress('batch', { lastBatchMs: Math.round(elapsed) });
    if (batch.final) return { status: 'done', rowsDone, rowsUpdated, batches, lastKey: null, batchSize: size };
    if (o.fixedBatchSize === undefined) {
      const ideal = size * (target / Math.max(elapsed, 1));
      size = Math.round(Math.min(maxSize, Math.max(minSize, Math.min(size * 2, Math.max(size / 2, ideal)))));
    }
    if (o.pauseMs) await sleep(o.pauseMs, r.signal);
  }
}

/** A lag reading; a reader that fails counts as "too far behind" (fail safe: no replica state, no writes). */
async function readLag(lag: LagThrottle): Promise<{ value: number | null; failed?: string }> {
  try {
    return { value: await lag.source() };
  } catch (err) {
    return { value: null, failed: err instanceof Error ? err.message : String(err) };
  }
}

async function waitForLag(lag: LagThrottle, signal: AbortSignal | undefined, report: (lag: number | null, message?: string) => void): Promise<void> {
  let current = await readLag(lag);
  if (!current.failed && (current.value === null || current.value <= lag.maxSeconds)) return;
  const resumeBelow = lag.resumeBelowSeconds ?? lag.maxSeconds / 2;
  while (!signal?.aborted) {
    report(current.value, current.failed ? `cannot read replication lag (${current.failed}); paused until it can` : undefined);
    await sleep(lag.pollMs ?? 250, signal);
    current = await readLag(lag);
    if (!current.failed && (current.value === null || current.value < resumeBelow)) return;
  }
}
