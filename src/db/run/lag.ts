import type { DatabaseClient } from '../client';
import type { LagSource } from './types';

/**
 * Lag of the slowest streaming standby, read on the PostgreSQL primary: `replay_lag`, which is NULL when idle
 * (then 0 if nothing is unreplayed) and stale while replay is stuck — so a standby with unreplayed WAL older than
 * the reported lag counts as at least `write_lag`.
 */
export function postgresReplicationLag(primary: DatabaseClient): LagSource {
  return async () => {
    const rows = await primary.query<{ lag: number | null; behind: string | number | null }>(
      `SELECT EXTRACT(EPOCH FROM COALESCE(replay_lag, write_lag, interval '0'))::float8 AS lag,
              pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn) AS behind
         FROM pg_stat_replication`,
    );
    if (rows.length === 0) return null;
    return Math.max(...rows.map((r) => Number(r.lag ?? 0)));
  };
}

/** `Seconds_Behind_Master` read on a MariaDB/MySQL replica (`SHOW SLAVE STATUS`); null when it is not replicating. */
export function mysqlReplicaLag(replica: DatabaseClient): LagSource {
  return async () => {
    const rows = await replica.query<Record<string, unknown>>('SHOW SLAVE STATUS');
    const values = rows.map((r) => r.Seconds_Behind_Master ?? r.Seconds_Behind_Source).filter((v) => v !== null && v !== undefined);
    if (values.length === 0) return null;
    return Math.max(...values.map(Number));
  };
}

/** The worst of several sources (several replicas). */
export function worstLag(sources: readonly LagSource[]): LagSource {
  return async () => {
    const values = (await Promise.all(sources.map((s) => s()))).filter((v): v is number => v !== null);
    return values.length ? Math.max(...values) : null;
  };
}
