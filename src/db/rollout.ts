/**
 * One look at a table for the rollout check (`column-wizard baseline` / `verify`, the runner's baseline file):
 * sizes, the new column's indexes with their use counters, EXPLAIN of listed queries, and the share of the
 * newest rows that have the column missing. Every query is bounded: catalogs, the primary key's maximum, and
 * at most `sampleLimit` rows read through the primary key — never a full scan. Per-engine SQL lives in
 * postgres/rollout.ts and mysql/rollout.ts.
 */
import { splitStatements } from '../core/lint/text';
import type { ObservedPlan, RolloutObservation } from '../core/rollout/types';
import type { TableRef } from '../core/types';
import type { DatabaseClient } from './client';

export interface ObserveOptions {
  /** Queries to EXPLAIN (no ANALYZE), each a single statement. */
  readonly queries?: readonly string[];
  /** Only rows whose primary key is above this are sampled (the baseline's high-water mark). */
  readonly sinceKey?: string | null;
  /** A default that stands for "not written by the app". */
  readonly placeholderDefault?: string | null;
  /** Rows sampled at most. Default 10,000. */
  readonly sampleLimit?: number;
  /** Also explain the top statements the server's statement statistics list for the table. Default true. */
  readonly topStatements?: boolean;
}

export class RolloutQueryError extends Error {
  override name = 'RolloutQueryError';
}

export const DEFAULT_SAMPLE_LIMIT = 10_000;

/** The per-engine half: same shape in postgres/rollout.ts and mysql/rollout.ts. */
export interface RolloutAdapter {
  observe(client: DatabaseClient, table: TableRef, column: string, options: ObserveOptions, takenAt: string): Promise<RolloutObservation>;
}

/** A listed query must be one statement: EXPLAIN runs it through a read-only transaction, never as a script. */
export function checkQuery(engine: 'postgres' | 'mysql', query: string): string {
  const { statements } = splitStatements(query, engine);
  if (statements.length !== 1)
    throw new RolloutQueryError(
      `a query to explain must be exactly one statement, got ${statements.length}: ${JSON.stringify(query.slice(0, 120))}`,
    );
  const text = statements[0]!.text.replace(/;\s*$/, '');
  if (/^\s*explain\b/i.test(text)) throw new RolloutQueryError(`give the query without EXPLAIN: ${JSON.stringify(text.slice(0, 120))}`);
  return text;
}

export async function observeRollout(
  client: DatabaseClient,
  table: TableRef,
  column: string,
  options: ObserveOptions = {},
): Promise<RolloutObservation> {
  const takenAt = new Date().toISOString();
  const adapter: RolloutAdapter =
    client.options.engine === 'postgres'
      ? (await import('./postgres/rollout')).postgresRollout
      : (await import('./mysql/rollout')).mysqlRollout;
  return adapter.observe(client, table, column, options, takenAt);
}

/** Walk a JSON plan (PostgreSQL `EXPLAIN (FORMAT JSON)` or MySQL/MariaDB `EXPLAIN FORMAT=JSON`) for the indexes and full scans it uses. */
export function planAccess(doc: unknown): { indexes: string[]; fullScans: string[] } {
  const indexes = new Set<string>();
  const fullScans = new Set<string>();
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(visit);
    if (typeof v !== 'object' || v === null) return;
    const o = v as Record<string, unknown>;
    // PostgreSQL nodes.
    const nodeType = o['Node Type'];
    if (typeof nodeType === 'string') {
      if (typeof o['Index Name'] === 'string') indexes.add(o['Index Name']);
      if (nodeType === 'Seq Scan' && typeof o['Relation Name'] === 'string') fullScans.add(o['Relation Name']);
    }
    // MySQL/MariaDB `table` objects.
    if (typeof o.table_name === 'string' && typeof o.access_type === 'string') {
      if (o.access_type === 'ALL') fullScans.add(o.table_name);
      else if (typeof o.key === 'string') indexes.add(o.key);
    }
    for (const child of Object.values(o)) visit(child);
  };
  visit(doc);
  return { indexes: [...indexes], fullScans: [...fullScans] };
}

export function failedPlan(query: string, err: unknown): ObservedPlan {
  return { query, plan: '', indexes: [], fullScans: [], cost: null, costUnit: 'cost', error: (err as Error).message };
}
