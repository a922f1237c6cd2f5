import type { LockRisk, Step, TableRef } from '../../core/types';
import type { ConnectionOptions } from '../connection';

/** Seconds a replica is behind, or null when there is nothing to measure (no replica, idle). */
export type LagSource = () => Promise<number | null>;

/** Pause the backfill while lag is above `maxSeconds`; resume once it is below `resumeBelowSeconds`. */
export interface LagThrottle {
  readonly source: LagSource;
  readonly maxSeconds: number;
  /** Defaults to half of `maxSeconds`, so the backfill does not flap at the threshold. */
  readonly resumeBelowSeconds?: number;
  /** How often lag is read while paused; default 250 ms. */
  readonly pollMs?: number;
}

/** Retry policy for lock timeouts (SQLSTATE 55P03, MySQL/MariaDB error 1205) and deadlocks. */
export interface RetryPolicy {
  /** Attempts in all, the first included; default 10. */
  readonly maxAttempts: number;
  /** First delay; doubled each attempt, with jitter of −50 %…0 %; default 100 ms. */
  readonly baseDelayMs: number;
  /** Cap on one delay; default 5,000 ms. */
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 10, baseDelayMs: 100, maxDelayMs: 5_000 };

export interface BackfillOptions {
  /** Target time per batch; the batch size adapts to it. Default 50 ms (DEFAULT_TARGET_BATCH_MS). */
  readonly targetBatchMs?: number;
  /** First batch size (rows); default 1,000. */
  readonly initialBatchSize?: number;
  /** Bounds for the adaptive size; default 10 … 100,000. */
  readonly minBatchSize?: number;
  readonly maxBatchSize?: number;
  /** Fixed batch size: no adaptation (the pgroll / gh-ost default style, 1,000). */
  readonly fixedBatchSize?: number;
  /** Sleep between batches; default 0. */
  readonly pauseMs?: number;
}

export interface RunProgress {
  readonly runId: string;
  /** 0-based phase and step the runner is in. */
  readonly phaseIndex: number;
  readonly stepIndex: number;
  readonly phaseTitle: string;
  readonly kind: 'step-start' | 'step-done' | 'batch' | 'throttled' | 'retry';
  /** Backfill figures (batch / throttled events). */
  readonly rowsDone?: number;
  readonly rowsEstimated?: number;
  /** Rows per second since this invocation started the backfill. */
  readonly rowsPerSecond?: number;
  readonly etaSeconds?: number | null;
  readonly batchSize?: number;
  readonly lastBatchMs?: number;
  readonly lagSeconds?: number | null;
  readonly message?: string;
  /** The runner's server session (PostgreSQL backend pid, MySQL connection id). */
  readonly sessionId: number;
}

export interface RunOptions {
  /** Lock timeout set before every DDL step and batch; overrides the plan's `lockTimeoutSql`. */
  readonly lockTimeoutMs?: number;
  /** Statement timeout per DDL step; default max(60 s, 10 × the step's estimate). */
  readonly statementTimeoutMs?: number;
  readonly retry?: Partial<RetryPolicy>;
  readonly backfill?: BackfillOptions;
  readonly lag?: LagThrottle;
  /**
   * The replica-lag throttle for an online copy step (pt-online-schema-change --max-lag, --check-slave-lag): the
   * replicas the run knows (--replica-url, --lag-url) and the lag the copy waits under.
   */
  readonly onlineCopyLag?: OnlineCopyLag;
  readonly onProgress?: (p: RunProgress) => void;
  /** Cancel between batches and between steps; the run is saved as `cancelled` and can be resumed. */
  readonly signal?: AbortSignal;
  /** Run against a host that is not local (the connection profile's `allowRun`). */
  readonly allowRemote?: boolean;
  /** Abandon an unfinished run of a different plan on the same column instead of refusing. */
  readonly abandonPrevious?: boolean;
  /** How long to wait for the table's migration lock held by another session; default 3,000 ms. */
  readonly migrationLockWaitMs?: number;
  /** Attempts to build a concurrent index that ends up INVALID; default 3. */
  readonly indexAttempts?: number;
  /**
   * Called before every statement step (not backfill batches), e.g. to check hot standbys for transactions a
   * replayed ACCESS EXCLUSIVE lock would wait for (src/db/replication). It may wait; throwing stops the run as failed.
   */
  readonly beforeStep?: (step: Step, where: { readonly phaseIndex: number; readonly stepIndex: number }) => Promise<void>;
}

export type RunStatus = 'running' | 'cancelled' | 'failed' | 'completed' | 'abandoned';

/** One row of `column_wizard_runs`. */
export interface RunState {
  readonly runId: string;
  readonly table: TableRef;
  readonly column: string;
  readonly planHash: string;
  readonly status: RunStatus;
  readonly phaseIndex: number;
  readonly stepIndex: number;
  /** The step at (phaseIndex, stepIndex) was started and may have taken effect. */
  readonly stepStarted: boolean;
  /** The key after which the backfill continues: text values of the key columns, or null at the start. */
  readonly backfillLastKey: readonly string[] | null;
  readonly backfillRows: number;
  readonly batchSize: number | null;
  readonly before: SizeSnapshot | null;
  readonly error: string | null;
  readonly startedAt: string;
  readonly updatedAt: string;
  readonly finishedAt: string | null;
  /** The identity of the table incarnation the run works on (`tableIdentity`); null for runs recorded before it was kept. */
  readonly tableId: string | null;
}

export interface IndexSize {
  readonly name: string;
  readonly bytes: number | null;
}

export interface SizeSnapshot {
  readonly tableBytes: number;
  readonly indexBytes: number;
  readonly totalBytes: number;
  readonly indexes: readonly IndexSize[];
}

export interface StepLog {
  readonly phaseIndex: number;
  readonly stepIndex: number;
  readonly sql: string;
  readonly attempts: number;
  readonly seconds: number;
  readonly skipped?: string;
  /** Something worth knowing about how it ran, e.g. the INSTANT fallback. */
  readonly note?: string;
  readonly rows?: number;
  readonly batches?: number;
}

export interface ReportIndex {
  readonly name: string;
  readonly columns: readonly string[];
  readonly unique: boolean;
  readonly valid: boolean;
  readonly bytes: number | null;
  /** pg_stat_user_indexes.idx_scan (or performance_schema's count) now: the baseline to compare later. */
  readonly idxScan: number | null;
}

export interface RunReport {
  readonly runId: string;
  readonly dialect: string;
  readonly table: TableRef;
  readonly column: string;
  readonly status: 'completed';
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly before: SizeSnapshot | null;
  readonly after: SizeSnapshot;
  readonly growthBytes: number | null;
  /** The new column as the server now defines it. */
  readonly columnDefinition: { readonly type: string; readonly nullable: boolean; readonly default: string | null } | null;
  readonly indexes: readonly ReportIndex[];
  readonly analyzed: boolean;
  readonly explain: { readonly query: string; readonly plan: string; readonly usesIndex: boolean } | null;
  readonly steps: readonly StepLog[];
  readonly resumed: boolean;
  /** What the end-of-run check compared with the plan (column, default, constraints, indexes). */
  readonly checked: readonly string[];
  /** Where the server differs from the plan; a run with problems did not do what it planned (the CLI exits 1). */
  readonly problems: readonly string[];
  /**
   * What the caller should know although the run did what it planned: a session setting of the connection's own that
   * could not be set back afterwards (`keepingSessionSettings`).
   */
  readonly warnings: readonly string[];
}

export type RunOutcome =
  | { readonly status: 'completed'; readonly runId: string; readonly report: RunReport }
  | {
      readonly status: 'cancelled';
      readonly runId: string;
      readonly phaseIndex: number;
      readonly stepIndex: number;
      readonly rowsDone: number;
      /** As RunReport.warnings. */
      readonly warnings: readonly string[];
    };

export type FailureKind = 'lock-timeout' | 'connection-lost' | 'cancelled' | 'refused' | 'locked' | 'statement' | 'invalid-index';

/** A run that stopped; the state row says where, so the same plan resumes from there. */
export class RunFailure extends Error {
  constructor(
    message: string,
    readonly kind: FailureKind,
    readonly runId: string | null,
    readonly blockers: readonly LockRisk[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'RunFailure';
  }

  /** Besides the error: a session setting that could not be set back afterwards (as RunReport.warnings). */
  readonly warnings: string[] = [];
}

/** The replicas an online copy waits for (their lag under `maxSeconds`) between its chunks. */
export interface OnlineCopyLag {
  readonly maxSeconds: number;
  readonly replicas: readonly ConnectionOptions[];
}
