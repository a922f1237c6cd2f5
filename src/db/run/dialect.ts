/**
 * The runner's dialect adapter: everything the runner does differently per engine, declared once here and implemented
 * in same-shaped files, src/db/<engine>/run.ts (Kysely's per-dialect adapter layout), listed in src/db/engines.ts.
 * `runnerDialect` is the runner's one way to an engine; nothing else in src/db/run names an engine. Adding an engine
 * is a folder with a `run.ts` exporting a `RunnerDialect`, and its entry in ENGINES.
 */
import type { Dialect, LockRisk, OnlineCopy, TableRef } from '../../core/types';
import type { DatabaseClient } from '../client';
import { ENGINES, type Engine } from '../engines';
import type { BatchKey, KeyCandidate, KeyColumn } from './keys';
import type { RunStore } from './state';
import type { LagThrottle, OnlineCopyLag, RunReport, SizeSnapshot } from './types';

export type { Engine };

/** What the backfill hands an engine's batch: the table, column and key already quoted, and the generic last batch. */
export interface BackfillBatchContext {
  readonly client: DatabaseClient;
  readonly key: BatchKey;
  /** Schema-qualified, quoted table; quoted column; the key's columns quoted, comma-separated (the ORDER BY). */
  readonly table: string;
  readonly column: string;
  readonly order: string;
  readonly valueSql: string;
  /** Where to save progress after each batch; absent when running without state (the benchmark). */
  readonly store?: { readonly store: RunStore; readonly runId: string };
  /** The last batch: everything after `last`, so rows inserted meanwhile are not missed. */
  sweep(last: readonly string[] | null): Promise<BackfillBatch>;
}

export interface OnlineCopyOptions {
  /** Each chunk of the copy aims at this time. */
  readonly chunkTimeMs: number;
  readonly lockTimeoutMs: number;
  /** The replicas the copy waits for between chunks; without it the tool's own replica discovery applies. */
  readonly lag?: OnlineCopyLag;
  /** The run's own lag throttle, which Column Wizard's own copy waits on between its chunks. */
  readonly lagThrottle?: LagThrottle;
  readonly signal?: AbortSignal;
  readonly onLine?: (line: string) => void;
}

export interface BackfillBatch {
  readonly upper: readonly string[] | null;
  readonly scanned: number;
  readonly updated: number;
  readonly final: boolean;
}

/** The column, the table's constraints and its indexes as the server has them now (keys as `catalogName` folds them). */
export interface ServerObjects {
  readonly column: { readonly nullable: boolean; readonly hasDefault: boolean } | null;
  /** Constraint name → validated (MySQL/MariaDB: always true), and its type as the catalog spells it. */
  readonly constraints: ReadonlyMap<string, { readonly validated: boolean; readonly type: string }>;
  /** Index name → valid. */
  readonly indexes: ReadonlyMap<string, boolean>;
}

/** Setting name → value as the server shows it (PostgreSQL `current_setting`, MySQL/MariaDB `SHOW SESSION VARIABLES`). */
export type SessionSettings = ReadonlyMap<string, string>;

/** The slice of a client reading and restoring session settings needs. */
export type SessionQuery = Pick<DatabaseClient, 'query'>;

/** A session setting that could not be set back, and the server's (or the connection's) error. */
export interface RestoreFailure {
  readonly name: string;
  readonly value: string;
  readonly error: string;
}

export interface RunnerDialect {
  /** The plan dialects this engine runs (Plan.dialect). */
  readonly planDialects: readonly Dialect[];
  /** The engine as messages name it. */
  readonly displayName: string;

  /* --- SQL text */
  /** Quote an identifier by the engine's rules (src/core/sql.ts: the one place names become SQL text). */
  ident(name: string): string;
  /** The n-th positional parameter. */
  placeholder(n: number): string;

  /* --- the session */
  /** Selects the server session id of the connection, as `id`. */
  readonly sessionIdSql: string;
  /** Per-session lock timeout; `local`: for the current transaction only (engines with transactional DDL). */
  setLockTimeout(client: DatabaseClient, ms: number, local?: boolean): Promise<void>;
  /** Per-statement time limit (0 = none); `local` as for the lock timeout. */
  setStatementTimeout(client: DatabaseClient, ms: number, local?: boolean): Promise<void>;
  /**
   * The session settings the runner changes (its lock and statement timeouts, and what steps set around their statement),
   * as they are now, by name, in the server's own spelling (see `keepingSessionSettings`).
   */
  sessionSettings(client: SessionQuery): Promise<SessionSettings>;
  /**
   * Set the session's settings back to values `sessionSettings` read, each with a statement of its own, every one tried:
   * one the server refuses does not keep the others from being set back. Resolves with those that were not (never rejects).
   */
  restoreSessionSettings(client: SessionQuery, saved: SessionSettings): Promise<RestoreFailure[]>;

  /* --- catalogs */
  /** The identity of this incarnation of the table (changes when it is dropped and re-created); null when it does not exist. */
  tableIdentity(client: DatabaseClient, table: TableRef): Promise<string | null>;
  /** An ALTER that rebuilds the table gives it a new identity (InnoDB), so a record whose step was in flight still matches. */
  readonly identityChangesOnRebuild: boolean;
  /** Selects a row when the table (parameters: schema, name) exists. */
  readonly tableExistsSql: string;
  /** Selects a row when the column (parameters: schema, table name, column) exists. */
  readonly columnExistsSql: string;
  /** Selects the catalog's row estimate of the table (parameters: schema, name) as `n`. */
  readonly estimateRowsSql: string;
  /** Unique indexes usable as a keyset (no predicate, no expression), with their columns in order. */
  batchKeyCandidates(client: DatabaseClient, table: TableRef): Promise<KeyCandidate[]>;
  /** Sessions that hold a lock on the table (or, where locks are not visible, an open transaction): what a lock timeout waited for. */
  findBlockers(client: DatabaseClient, table: TableRef): Promise<LockRisk[]>;

  /* --- the migration lock: a session-level named lock */
  tryNamedLock(client: DatabaseClient, name: string): Promise<boolean>;
  /** The sessions holding the named lock (for the message). */
  namedLockHolders(client: DatabaseClient, name: string): Promise<number[]>;
  releaseNamedLock(client: DatabaseClient, name: string): Promise<void>;

  /* --- the run-state table */
  /** CREATE TABLE IF NOT EXISTS of the state table (src/db/run/state.ts), named `table` (already quoted). */
  stateTableDdl(table: string): string;
  /** The type of the `table_id` column, for state tables made before it existed. */
  readonly stateTableIdType: string;
  /** A boolean as a parameter of the state table's boolean column. */
  boolParam(value: boolean): unknown;
  /** The current time, for `updated_at` / `finished_at`. */
  readonly nowSql: string;

  /* --- steps */
  /** Run this DDL step inside a transaction together with the state's advance (false: it commits on its own). */
  runsInTransaction(sql: string, serverVersion: string | undefined): boolean;
  /** An index built online that can end up INVALID (PostgreSQL CREATE INDEX CONCURRENTLY): checked, dropped and rebuilt. */
  readonly onlineIndex?: {
    /** The index the statement builds online, unquoted; null for any other statement. */
    name(sql: string): string | null;
    /** true/false: the index exists and is (in)valid; null: it does not exist. */
    validity(client: DatabaseClient, schema: string, name: string): Promise<boolean | null>;
    dropSql(schema: string, name: string): string;
  };
  /** A step with `onlineCopy` (MySQL/MariaDB): the tool run to the end on the table; rejects when it fails or is stopped. */
  readonly onlineCopy?: (client: DatabaseClient, table: TableRef, copy: OnlineCopy, o: OnlineCopyOptions) => Promise<void>;
  /** Constraints added NOT VALID and validated by a later step: dropped again when a run fails in between. */
  readonly notValidConstraints?: {
    /** The constraint an `ADD CONSTRAINT … NOT VALID` adds, unquoted; null for any other statement. */
    added(sql: string): string | null;
    /** The constraint a `VALIDATE CONSTRAINT` validates, unquoted. */
    validated(sql: string): string | null;
    dropSql(table: TableRef, name: string): string;
  };

  /* --- the backfill */
  /** `key > values` (or `<=`) in lexicographic order, binding `values` (text) back to the key's types into `params`. */
  keyPredicate(cols: readonly KeyColumn[], op: '>' | '<=', values: readonly string[], params: unknown[]): string;
  /** One batch of at most `n` key values after `last`, with the state saved (together with it, where the engine can). */
  backfillBatch(ctx: BackfillBatchContext, last: readonly string[] | null, n: number, doneBefore: number): Promise<BackfillBatch>;

  /* --- what a run made (src/db/run/outcome.ts) */
  /** An unquoted name as the server stores it (PostgreSQL folds to lower case). */
  foldUnquoted(name: string): string;
  /** A name as the catalog maps in `serverObjects` are keyed. */
  catalogName(name: string): string;
  /** The indexes a statement creates, as written (quoted or not). */
  indexesCreated(sql: string): string[];
  serverObjects(client: DatabaseClient, table: TableRef, column: string): Promise<ServerObjects>;
  /** The statement that drops a constraint of the catalog's `type`; `table` is quoted. */
  dropConstraintSql(table: string, name: string, type: string): string;
  dropIndexSql(table: TableRef, name: string): string;
  dropColumnSql(table: string, column: string): string;
  /** Whether a constraint of the catalog's `type` is a foreign key (undone first). */
  isForeignKey(type: string): boolean;

  /* --- the report */
  sizeSnapshot(client: DatabaseClient, table: TableRef): Promise<SizeSnapshot>;
  columnDefinition(client: DatabaseClient, table: TableRef, column: string): Promise<RunReport['columnDefinition']>;
  /** Indexes whose columns include `column`, with validity and the scan counter now; `sizeOf` from the snapshot. */
  columnIndexes(
    client: DatabaseClient,
    table: TableRef,
    column: string,
    sizeOf: (name: string) => number | null,
  ): Promise<RunReport['indexes']>;
  /** A query selecting one non-NULL value of `column` as text, as `v`; both quoted. */
  sampleValueSql(table: string, column: string): string;
  /** The server's plan of `query`, as text. */
  explain(client: DatabaseClient, query: string, params: readonly unknown[]): Promise<string>;
  analyzeSql(table: string): string;
}

/** The runner's adapter for an engine or a client's engine. */
export function runnerDialect(of: Engine | DatabaseClient): RunnerDialect {
  return ENGINES[typeof of === 'string' ? of : of.options.engine].runner;
}

/**
 * Run `fn`, then set the session's lock and statement timeouts (and the other settings the runner changes) back to
 * what they were before it, whether it succeeded, failed or was cancelled. The runner sets its own on the connection
 * it is given, which may be the caller's (the extension's connection, the CLI's, a benchmark's): later statements
 * there must not run under them. A setting that could not be set back (the connection dropped, the server refused
 * one) does not turn `fn`'s outcome into an error: what `fn` did is done. It goes to `warn`, one message per setting,
 * and `fn`'s result (or error) stands.
 */
export async function keepingSessionSettings<T>(
  d: RunnerDialect,
  client: SessionQuery,
  fn: () => Promise<T>,
  warn: (message: string) => void,
): Promise<T> {
  const saved = await d.sessionSettings(client);
  const restore = async () => {
    for (const f of await d.restoreSessionSettings(client, saved)) warn(restoreWarning(f));
  };
  let result: T;
  try {
    result = await fn();
  } catch (err) {
    await restore();
    throw err;
  }
  await restore();
  return result;
}

/** The warning for a setting not set back; later statements on the connection may still run under the runner's value. */
export function restoreWarning(f: RestoreFailure): string {
  return `the session's ${f.name} could not be set back to ${f.value} (${f.error}); on this connection it may still have the run's value`;
}

export async function sessionId(d: RunnerDialect, client: DatabaseClient): Promise<number> {
  const [row] = await client.query<{ id: number | string }>(d.sessionIdSql);
  return Number(row!.id);
}

export async function tableExists(d: RunnerDialect, client: DatabaseClient, table: TableRef): Promise<boolean> {
  return (await client.query(d.tableExistsSql, [table.schema, table.name])).length > 0;
}

export async function columnExists(d: RunnerDialect, client: DatabaseClient, table: TableRef, column: string): Promise<boolean> {
  return (await client.query(d.columnExistsSql, [table.schema, table.name, column])).length > 0;
}

/** The catalog's row estimate (0 when there is none). */
export async function estimateRows(d: RunnerDialect, client: DatabaseClient, table: TableRef): Promise<number> {
  const rows = await client.query<{ n: number | string | null }>(d.estimateRowsSql, [table.schema, table.name]);
  return Number(rows[0]?.n ?? 0);
}

/** Schema-qualified; the runner resolves an empty schema to the connection's current one first. */
export function qualified(d: RunnerDialect, t: TableRef): string {
  return `${d.ident(t.schema)}.${d.ident(t.name)}`;
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

export { currentSchema } from '../schema';
