import type { DatabaseClient } from '../client';

/** A replica or standby the tool can reach, with the name reports use for it. */
export interface ReplicaTarget {
  readonly name: string;
  readonly client: DatabaseClient;
}

export type ReplicaState =
  /** Applying changes as they arrive and nothing is outstanding. */
  | 'caught-up'
  /** Connected, applying, but behind. */
  | 'behind'
  /** Connected but not applying (PostgreSQL replay paused, MySQL/MariaDB SQL thread stopped). */
  | 'stopped'
  /** Not receiving: no walsender / IO thread not running / an inactive replication slot. */
  | 'disconnected';

/** One replica's lag as measured now. */
export interface ReplicaLag {
  readonly name: string;
  readonly state: ReplicaState;
  /** Seconds behind; null when it cannot be known (replication stopped and no heartbeat to date it). */
  readonly seconds: number | null;
  /** PostgreSQL: WAL bytes not yet replayed (primary's current LSN − the standby's replay LSN). */
  readonly bytes?: number | null;
  /** How the figure was measured, for logs: `wal-timeline`, `replay_lag`, `heartbeat`, `Seconds_Behind_Master`… */
  readonly method: string;
}

/** Reads every replica's lag; `close()` stops any heartbeat writer it started and closes the connections it opened. */
export interface LagReader {
  read(): Promise<ReplicaLag[]>;
  close(): Promise<void>;
}

/**
 * A session on a replica or standby that replayed DDL on the table would wait for: on PostgreSQL a transaction holding
 * a lock on it (a replayed ACCESS EXCLUSIVE queues behind it, up to max_standby_streaming_delay); on MySQL/MariaDB a
 * session holding its metadata lock (the replica SQL thread waits, with no automatic cancel).
 */
export interface ReplicaLockHolder {
  readonly standby: string;
  readonly pid: number;
  readonly ageSeconds: number;
  readonly state: string;
  readonly query: string;
  /** The lock it holds (`AccessShareLock`, `MDL_SHARED_READ`…); null when it could only be seen as a long transaction. */
  readonly lockMode: string | null;
}
