/**
 * The rollout baseline: what a table looked like right after a column was added (by `column-wizard run`, by any
 * migration tool through `column-wizard baseline`, or as planned by Write Migration Files), saved as a versioned
 * JSON file the team can commit, and what `column-wizard verify` observes days later to compare with it.
 * Documented in docs/rollout-baseline.md.
 */
import type { Dialect, TableRef } from '../types';

export const BASELINE_FORMAT = 'column-wizard/rollout-baseline';
export const BASELINE_VERSION = 1;

/** Who wrote the file. `plan` files carry predictions only (Write Migration Files); the others an observation. */
export type BaselineSource = 'run' | 'baseline' | 'plan';

/** Where per-index scan counts came from on this server, or why there are none. */
export type IndexStatsSource = 'pg_stat_user_indexes' | 'performance_schema' | 'information_schema.INDEX_STATISTICS' | 'none';

export interface ObservedIndex {
  readonly name: string;
  readonly columns: readonly string[];
  readonly unique: boolean;
  /** PostgreSQL `indisvalid`; true on MySQL/MariaDB. */
  readonly valid: boolean;
  readonly bytes: number | null;
  /** Scans counted by the server so far; null when the server does not count them (see `indexStatsSource`). */
  readonly scans: number | null;
}

/** EXPLAIN (no ANALYZE) of one query, reduced to what a comparison needs. */
export interface ObservedPlan {
  readonly query: string;
  /** The plan as the server printed it (text, or the JSON document). */
  readonly plan: string;
  /** Indexes the plan reads. */
  readonly indexes: readonly string[];
  /** Tables the plan reads in full (PostgreSQL Seq Scan, MySQL/MariaDB access_type ALL). */
  readonly fullScans: readonly string[];
  /** PostgreSQL total cost; MySQL query_cost; MariaDB (no cost in EXPLAIN) the rows examined estimate. */
  readonly cost: number | null;
  readonly costUnit: 'cost' | 'rows';
  /** Set when the server refused to explain it. */
  readonly error?: string;
}

/** Null share among the newest rows of the table (bounded sample, keyed by the primary key). */
export interface NullSample {
  /** The key column the sample walked, newest first. */
  readonly keyColumn: string;
  /** Only rows whose key is above this were sampled (the key's high-water mark at the baseline), or null for "newest rows". */
  readonly sinceKey: string | null;
  readonly sampled: number;
  readonly nulls: number;
  /** Rows equal to the placeholder default (when one is given). */
  readonly placeholders: number;
  /** The same counts for the older and the newer half of the sample, to see a trend. */
  readonly olderHalf: { readonly sampled: number; readonly missing: number };
  readonly newerHalf: { readonly sampled: number; readonly missing: number };
  readonly limit: number;
}

export interface ColumnDefinitionSeen {
  readonly type: string;
  readonly nullable: boolean;
  readonly default: string | null;
}

/** One look at the table: everything `verify` compares. */
export interface RolloutObservation {
  readonly takenAt: string;
  readonly server: { readonly dialect: Dialect; readonly version: string };
  readonly table: TableRef;
  readonly column: string;
  readonly columnDefinition: ColumnDefinitionSeen | null;
  readonly tableBytes: number;
  readonly indexBytes: number;
  readonly totalBytes: number;
  readonly rows: number;
  /** Indexes whose columns include the new column. */
  readonly indexes: readonly ObservedIndex[];
  readonly indexStatsSource: IndexStatsSource;
  /** What is missing for index statistics, in words (e.g. "performance_schema is OFF and userstat is OFF"). */
  readonly indexStatsNote?: string;
  /** When the server's statistics were last reset (PostgreSQL `pg_stat_database.stats_reset`), if known. */
  readonly statsResetAt: string | null;
  /** The primary key's single column and its current maximum, when the table has one. */
  readonly key: { readonly column: string; readonly max: string | null } | null;
  readonly plans: readonly ObservedPlan[];
  /** Statements the server's statement statistics list for the table, explained (pg_stat_statements, digests). */
  readonly topStatements?: {
    readonly source: string;
    readonly explained: readonly ObservedPlan[];
    readonly skipped: number;
    readonly note?: string;
  };
  readonly nulls: NullSample | null;
}

/** What the plan predicted, recorded by Write Migration Files or by `run` (from the plan's estimates). */
export interface RolloutPrediction {
  readonly totalBytesAfter?: number;
  readonly tableBytesAfter?: number;
  /** Estimated seconds per step, as the plan showed them. */
  readonly steps?: readonly { readonly title: string; readonly seconds: number | null; readonly basis?: string }[];
}

export interface RolloutBaseline {
  readonly format: typeof BASELINE_FORMAT;
  readonly version: typeof BASELINE_VERSION;
  readonly source: BaselineSource;
  readonly createdAt: string;
  readonly table: TableRef;
  readonly column: string;
  /** When the column was added (the expand step), when known: rows written after it are the app's. */
  readonly expandAt?: string;
  /** A default that only fills the column until the app writes it (counted like NULL by the in-sync check). */
  readonly placeholderDefault?: string | null;
  readonly observation?: RolloutObservation;
  readonly prediction?: RolloutPrediction;
  /** Queries to EXPLAIN at verify time (the user's list at baseline time). */
  readonly queries?: readonly string[];
}
