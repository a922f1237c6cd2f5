/**
 * Running a plan with replicas in view: the backfill pauses while any replica is too far behind, each ACCESS
 * EXCLUSIVE step first checks the hot standbys for transactions its replayed lock would stall, and after the run the
 * new column is confirmed on every replica with the primary's definition.
 */
import type { Plan, Step, TableRef } from '../../core/types';
import { connect, type DatabaseClient } from '../client';
import { runPlan } from '../run/runner';
import { RunFailure, type LagSource, type RunOptions, type RunOutcome } from '../run/types';
import { confirmColumnOnReplicas, resolveTable, type ColumnConfirmation } from './definitions';
import { mysqlLagReader, replicaLockHolders } from './mysql';
import { postgresLagReader, standbyLockHolders } from './postgres';
import type { LagReader, ReplicaLag, ReplicaLockHolder, ReplicaTarget } from './types';

export interface LagSourceOptions {
  /**
   * A replica whose lag cannot be known (replay paused or SQL thread stopped with no heartbeat, disconnected):
   * `pause` counts it as infinitely behind, `ignore` leaves it out. Default `pause`.
   */
  readonly unknownLag?: 'pause' | 'ignore';
  /** Every reading, for logs and tests. */
  readonly onRead?: (lags: readonly ReplicaLag[]) => void;
}

/** The runner's LagSource over a reader: the worst replica's seconds behind, null when there are no replicas. */
export function lagSource(reader: LagReader, options: LagSourceOptions = {}): LagSource {
  return async () => {
    const lags = await reader.read();
    options.onRead?.(lags);
    const values = lags
      .map((l) => (l.seconds !== null ? l.seconds : options.unknownLag === 'ignore' ? null : Number.POSITIVE_INFINITY))
      .filter((v): v is number => v !== null);
    return values.length ? Math.max(...values) : null;
  };
}

/** The lag reader for the primary's engine; `primary` must be a connection of its own (the heartbeat writes on it). */
export function lagReaderFor(
  primary: DatabaseClient,
  replicas: readonly ReplicaTarget[],
  options: { heartbeat?: boolean; heartbeatIntervalMs?: number } = {},
): LagReader {
  if (primary.options.engine === 'postgres') return postgresLagReader(primary, { standbys: replicas });
  return mysqlLagReader(replicas, {
    primary,
    ...(options.heartbeat !== undefined ? { heartbeat: options.heartbeat } : {}),
    ...(options.heartbeatIntervalMs ? { intervalMs: options.heartbeatIntervalMs } : {}),
  });
}

export interface StandbyGuardOptions {
  /** A standby transaction older than this that holds a lock on the table counts; default 1 s. */
  readonly minAgeSeconds?: number;
  /** `wait` for those transactions to end (up to `maxWaitMs`), or `stop` the run at once. Default `wait`. */
  readonly action?: 'wait' | 'stop';
  /** Default 60,000 ms; then the run stops as failed (resumable). */
  readonly maxWaitMs?: number;
  readonly pollMs?: number;
  /** Called on each check that found sessions, e.g. to log them. */
  readonly onBlocked?: (sessions: readonly ReplicaLockHolder[]) => void;
}

function describeSessions(sessions: readonly ReplicaLockHolder[]): string {
  return sessions
    .map(
      (s) =>
        `${s.standby} pid ${s.pid} (${s.state || 'idle'}, transaction ${s.ageSeconds} s, ${s.lockMode ? `holds ${s.lockMode}` : 'an open transaction'}: ${s.query.replace(/\s+/g, ' ').slice(0, 80)})`,
    )
    .join('; ');
}

/**
 * The runner's `beforeStep` for replicas. PostgreSQL hot standbys: before an ACCESS EXCLUSIVE step, look for standby
 * transactions holding a lock on the table; its replay would wait for them up to max_standby_streaming_delay, stalling
 * every standby reader of the table meanwhile, then cancel them. MySQL/MariaDB replicas: before every DDL step, look
 * for replica transactions holding a metadata lock on the table; the replicated ALTER would wait for them with no
 * timeout, holding up replication. Waits for them to end, or stops the run (resumable).
 */
export function standbyGuard(
  standbys: readonly ReplicaTarget[],
  table: TableRef,
  options: StandbyGuardOptions = {},
): NonNullable<RunOptions['beforeStep']> {
  const minAge = options.minAgeSeconds ?? 1;
  const maxWaitMs = options.maxWaitMs ?? 60_000;
  const pollMs = options.pollMs ?? 250;
  const pg = standbys[0]?.client.options.engine === 'postgres';
  return async (step: Step, where) => {
    if (standbys.length === 0 || step.backfill || (pg && step.lock !== 'ACCESS EXCLUSIVE')) return;
    const t0 = performance.now();
    for (;;) {
      const sessions = pg ? await standbyLockHolders(standbys, table, minAge) : await replicaLockHolders(standbys, table, minAge);
      if (sessions.length === 0) return;
      options.onBlocked?.(sessions);
      const waited = performance.now() - t0;
      if (options.action === 'stop' || waited >= maxWaitMs) {
        const effect = pg
          ? `takes ACCESS EXCLUSIVE on ${table.schema}.${table.name}; its replay on the standbys would wait for ${describeSessions(sessions)}, stall every standby reader of the table up to max_standby_streaming_delay and then cancel them.`
          : `alters ${table.schema}.${table.name}; the replicas' SQL thread would wait for the metadata lock of ${describeSessions(sessions)} with no timeout, holding up replication and queueing replica readers of the table.`;
        throw new RunFailure(
          `Phase ${where.phaseIndex + 1} step ${where.stepIndex + 1} ${effect} ` +
            `${options.action === 'stop' ? 'Stopped' : `Waited ${Math.round(waited / 1000)} s`}; end those ${pg ? 'standby' : 'replica'} transactions, then run the same plan again to resume.`,
          'locked',
          null,
        );
      }
      await new Promise((r) => setTimeout(r, pollMs));
    }
  };
}

export interface ReplicaRunOptions extends RunOptions {
  readonly replicas: readonly ReplicaTarget[];
  /** Pause the backfill while the worst replica is more than this many seconds behind; no throttle when absent. */
  readonly maxLagSeconds?: number;
  readonly resumeBelowSeconds?: number;
  readonly lagPollMs?: number;
  readonly unknownLag?: 'pause' | 'ignore';
  /** MySQL/MariaDB heartbeat table on the primary (default on; off falls back to Seconds_Behind_Master). */
  readonly heartbeat?: boolean;
  readonly heartbeatIntervalMs?: number;
  /** Replica transaction check before DDL steps (PostgreSQL: ACCESS EXCLUSIVE ones); false turns it off. */
  readonly standbyTransactions?: StandbyGuardOptions | false;
  /** How long to wait for the new column to reach every replica after the run; default 30,000 ms. */
  readonly confirmTimeoutMs?: number;
  readonly onLag?: (lags: readonly ReplicaLag[]) => void;
}

export interface ReplicaRunResult {
  readonly outcome: RunOutcome;
  /** Null when the run did not complete (cancelled). */
  readonly confirmations: readonly ColumnConfirmation[] | null;
  /** Every replica has the new column with the primary's definition. */
  readonly confirmed: boolean;
}

/**
 * `runPlan` with replicas: lag throttle (a second connection to the primary reads lag and, on MySQL/MariaDB, writes
 * the heartbeat), standby transaction guard, and the post-run confirmation. Rejects like `runPlan`.
 */
export async function runPlanWithReplicas(client: DatabaseClient, plan: Plan, options: ReplicaRunOptions): Promise<ReplicaRunResult> {
  const {
    replicas,
    maxLagSeconds,
    resumeBelowSeconds,
    lagPollMs,
    unknownLag,
    heartbeat,
    heartbeatIntervalMs,
    standbyTransactions,
    confirmTimeoutMs,
    onLag,
    ...runOptions
  } = options;
  const table = await resolveTable(client, plan.table);
  let monitor: DatabaseClient | null = null;
  let reader: LagReader | null = null;
  try {
    let run: RunOptions = runOptions;
    if (maxLagSeconds !== undefined && replicas.length > 0) {
      monitor = await connect(client.options);
      reader = lagReaderFor(monitor, replicas, {
        ...(heartbeat !== undefined ? { heartbeat } : {}),
        ...(heartbeatIntervalMs ? { heartbeatIntervalMs } : {}),
      });
      run = {
        ...run,
        lag: {
          source: lagSource(reader, { ...(unknownLag ? { unknownLag } : {}), ...(onLag ? { onRead: onLag } : {}) }),
          maxSeconds: maxLagSeconds,
          ...(resumeBelowSeconds !== undefined ? { resumeBelowSeconds } : {}),
          ...(lagPollMs !== undefined ? { pollMs: lagPollMs } : {}),
        },
      };
    }
    if (standbyTransactions !== false && replicas.length > 0) {
      const guard = standbyGuard(replicas, table, standbyTransactions ?? {});
      const outer = run.beforeStep;
      run = {
        ...run,
        beforeStep: async (step, where) => {
          await outer?.(step, where);
          await guard(step, where);
        },
      };
    }
    const outcome = await runPlan(client, plan, run);
    if (outcome.status !== 'completed') return { outcome, confirmations: null, confirmed: false };
    const confirmations = await confirmColumnOnReplicas(client, replicas, table, plan.column.name, {
      ...(confirmTimeoutMs !== undefined ? { timeoutMs: confirmTimeoutMs } : {}),
      ...(runOptions.signal ? { signal: runOptions.signal } : {}),
    });
    return { outcome, confirmations, confirmed: confirmations.every((c) => c.confirmed) };
  } finally {
    await reader?.close();
    await monitor?.close();
  }
}
