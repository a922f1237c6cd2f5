import type { DatabaseClient } from '../client';
import { mysqlLagReader } from '../replication/mysql';
import { postgresLagReader } from '../replication/postgres';
import type { ReplicaLag } from '../replication/types';
import type { LagSource } from './types';

/** The worst replica's seconds behind; one whose lag cannot be known (replay stopped, no heartbeat) counts as infinitely behind. */
function worstOf(lags: readonly ReplicaLag[]): number | null {
  if (lags.length === 0) return null;
  return Math.max(...lags.map((l) => l.seconds ?? Number.POSITIVE_INFINITY));
}

/**
 * Lag of the slowest streaming standby, read on the PostgreSQL primary (src/db/replication/postgres.ts): bytes not
 * yet replayed dated by a WAL timeline, because `replay_lag` is NULL when the primary is idle and stale while replay
 * is stuck. 0 when nothing is unreplayed; null when no standby streams.
 */
export function postgresReplicationLag(primary: DatabaseClient): LagSource {
  const reader = postgresLagReader(primary);
  return async () => worstOf(await reader.read());
}

/**
 * `Seconds_Behind_Master` read on a MariaDB/MySQL replica (src/db/replication/mysql.ts); a replica whose SQL or IO
 * thread is stopped counts as infinitely behind (its Seconds_Behind_Master is NULL then). Null when it is not a replica.
 */
export function mysqlReplicaLag(replica: DatabaseClient): LagSource {
  const reader = mysqlLagReader([{ name: 'replica', client: replica }]);
  return async () => {
    const lags = (await reader.read()).filter((l) => l.method !== 'not a replica (no replica status)');
    return worstOf(lags);
  };
}

/** The worst of several sources (several replicas). */
export function worstLag(sources: readonly LagSource[]): LagSource {
  return async () => {
    const values = (await Promise.all(sources.map((s) => s()))).filter((v): v is number => v !== null);
    return values.length ? Math.max(...values) : null;
  };
}
