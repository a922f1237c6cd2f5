/**
 * PostgreSQL streaming standbys: lag in bytes and seconds, robust on an idle primary, and the standby-side check
 * for transactions that a replayed ACCESS EXCLUSIVE lock would wait for (and then cancel).
 *
 * `pg_stat_replication.replay_lag` is NULL once the primary has been idle for a while and goes stale while replay
 * is stuck (servers.md §A.3), and `now() - pg_last_xact_replay_timestamp()` grows on an idle primary. So the time
 * behind is dated from WAL positions instead: every read samples the primary's current LSN with its clock; a standby
 * whose replay LSN is at or past a sample's LSN has everything written up to that sample's time, so it is behind by
 * at most `now - that time`; a standby with nothing unreplayed is 0 s behind however long the primary has been idle.
 */
import type { TableRef } from '../../core/types';
import type { DatabaseClient } from '../client';
import type { LagReader, ReplicaLag, ReplicaLockHolder, ReplicaTarget } from './types';

/**
 * A `pg_stat_replication` row is a streaming standby, not the walsender of a logical subscription (or of its table
 * sync): logical walsenders hold an active logical slot. Without this, a logical subscriber passed for a hot standby.
 */
export const PHYSICAL_WALSENDER = `pid NOT IN (SELECT active_pid FROM pg_replication_slots WHERE slot_type = 'logical' AND active_pid IS NOT NULL)`;

interface Sample {
  t: number;
  readonly pos: number;
}

const MAX_SAMPLES = 20_000;

/** The WAL-position timeline of one primary: when the primary's current LSN passed which position. */
export class WalTimeline {
  private readonly samples: Sample[] = [];

  add(t: number, pos: number): void {
    const last = this.samples[this.samples.length - 1];
    if (last && last.pos === pos) {
      // Idle: the position was still the end of WAL at `t`, so a standby at it was caught up until then.
      last.t = Math.max(last.t, t);
      return;
    }
    this.samples.push({ t, pos });
    if (this.samples.length > MAX_SAMPLES) this.samples.splice(0, this.samples.length - MAX_SAMPLES);
  }

  /**
   * Seconds a standby whose replay position is `replayPos` is behind at `now`, when the primary is at `currentPos`:
   * `exact` when a sample dates the position, otherwise a lower bound (the standby was already behind at the first sample).
   */
  behind(now: number, currentPos: number, replayPos: number): { seconds: number; exact: boolean } {
    if (replayPos >= currentPos) return { seconds: 0, exact: true };
    for (let i = this.samples.length - 1; i >= 0; i--) {
      const s = this.samples[i]!;
      if (s.pos <= replayPos) return { seconds: Math.max(0, now - s.t), exact: true };
    }
    const first = this.samples[0];
    return { seconds: first ? Math.max(0, now - first.t) : 0, exact: false };
  }
}

interface PrimaryNow {
  now: number;
  pos: number;
}

async function primaryNow(primary: DatabaseClient): Promise<PrimaryNow> {
  const [r] = await primary.query<{ now: number; pos: number | string }>(
    `SELECT extract(epoch FROM clock_timestamp())::float8 AS now, pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::float8 AS pos`,
  );
  return { now: Number(r!.now), pos: Number(r!.pos) };
}

export interface PostgresLagOptions {
  /**
   * Standbys to measure from their own side (replay LSN, replay paused or not), matched by connection rather than
   * by `application_name`. Without them, every walsender in `pg_stat_replication` is measured from the primary.
   */
  readonly standbys?: readonly ReplicaTarget[];
  /** Also report inactive physical replication slots (a standby that stopped streaming). Default false. */
  readonly inactiveSlots?: boolean;
}

/**
 * Lag of PostgreSQL standbys. `primary` must be a connection of its own (not the runner's): reads happen between
 * batches, and the timeline needs the primary's clock and LSN.
 */
export function postgresLagReader(primary: DatabaseClient, options: PostgresLagOptions = {}): LagReader {
  const timeline = new WalTimeline();
  const fromStandby = async (s: ReplicaTarget, p: PrimaryNow): Promise<ReplicaLag> => {
    let row: { recovery: boolean; paused: boolean; replay: number | string | null; receive: number | string | null } | undefined;
    try {
      [row] = await s.client.query(
        `SELECT pg_is_in_recovery() AS recovery, pg_is_in_recovery() AND pg_is_wal_replay_paused() AS paused,
                pg_wal_lsn_diff(pg_last_wal_replay_lsn(), '0/0')::float8 AS replay,
                pg_wal_lsn_diff(pg_last_wal_receive_lsn(), '0/0')::float8 AS receive`,
      );
    } catch {
      return { name: s.name, state: 'disconnected', seconds: null, bytes: null, method: 'standby unreachable' };
    }
    if (!row?.recovery || row.replay === null)
      return { name: s.name, state: 'disconnected', seconds: null, bytes: null, method: 'not a standby (not in recovery)' };
    const replay = Number(row.replay);
    const bytes = Math.max(0, p.pos - replay);
    const b = timeline.behind(p.now, p.pos, replay);
    const receiving = row.receive !== null && Number(row.receive) > 0;
    return {
      name: s.name,
      state: row.paused ? 'stopped' : !receiving ? 'disconnected' : bytes === 0 ? 'caught-up' : 'behind',
      seconds: b.seconds,
      bytes,
      method: b.exact ? 'wal-timeline' : 'wal-timeline (at least)',
    };
  };
  return {
    async read() {
      const p = await primaryNow(primary);
      timeline.add(p.now, p.pos);
      if (options.standbys) return Promise.all(options.standbys.map((s) => fromStandby(s, p)));
      const rows = await primary.query<{ name: string; replay: number | string | null; lag: number | null }>(
        `SELECT coalesce(nullif(application_name, ''), client_addr::text, 'standby ' || pid) AS name,
                pg_wal_lsn_diff(replay_lsn, '0/0')::float8 AS replay, extract(epoch FROM replay_lag)::float8 AS lag
           FROM pg_stat_replication WHERE ${PHYSICAL_WALSENDER} ORDER BY 1`,
      );
      const out: ReplicaLag[] = rows.map((r) => {
        if (r.replay === null) return { name: r.name, state: 'disconnected', seconds: null, bytes: null, method: 'no replay position yet' };
        const replay = Number(r.replay);
        const bytes = Math.max(0, p.pos - replay);
        const b = timeline.behind(p.now, p.pos, replay);
        // Before the timeline can date the position, the server's (possibly stale) replay_lag is the better lower bound.
        const seconds = b.exact ? b.seconds : Math.max(b.seconds, Number(r.lag ?? 0));
        return {
          name: r.name,
          state: bytes === 0 ? 'caught-up' : 'behind',
          seconds,
          bytes,
          method: b.exact ? 'wal-timeline' : 'wal-timeline (at least) / replay_lag',
        };
      });
      if (options.inactiveSlots) {
        const slots = await primary.query<{ name: string; retained: number | string | null }>(
          `SELECT slot_name AS name, pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)::float8 AS retained
             FROM pg_replication_slots WHERE slot_type = 'physical' AND NOT active ORDER BY 1`,
        );
        for (const s of slots)
          out.push({
            name: `slot ${s.name}`,
            state: 'disconnected',
            seconds: null,
            bytes: s.retained === null ? null : Number(s.retained),
            method: 'inactive replication slot',
          });
      }
      return out;
    },
    async close() {
      // The reader owns no connection; the caller closes `primary` and the standbys.
    },
  };
}

/**
 * Transactions on the standbys that hold a lock on `table` and are older than `minAgeSeconds`: a replayed ACCESS
 * EXCLUSIVE lock waits for them up to `max_standby_streaming_delay`, queues every new reader of the table behind
 * it meanwhile, and then cancels them.
 */
export async function standbyLockHolders(
  standbys: readonly ReplicaTarget[],
  table: TableRef,
  minAgeSeconds = 0,
): Promise<ReplicaLockHolder[]> {
  const all = await Promise.all(
    standbys.map(async (s) => {
      const rows = await s.client.query<{
        pid: number;
        age: number | null;
        state: string | null;
        query: string | null;
        mode: string | null;
      }>(
        `SELECT a.pid, extract(epoch FROM clock_timestamp() - a.xact_start)::float8 AS age, a.state, left(a.query, 200) AS query, max(l.mode) AS mode
         FROM pg_stat_activity a
         JOIN pg_locks l ON l.pid = a.pid AND l.locktype = 'relation' AND l.granted
         JOIN pg_class c ON c.oid = l.relation JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND c.relname = $2 AND a.pid <> pg_backend_pid() AND a.xact_start IS NOT NULL
          AND clock_timestamp() - a.xact_start >= make_interval(secs => $3)
        GROUP BY a.pid, a.xact_start, a.state, a.query ORDER BY a.xact_start`,
        [table.schema, table.name, minAgeSeconds],
      );
      return rows.map((r): ReplicaLockHolder => ({
        standby: s.name,
        pid: Number(r.pid),
        ageSeconds: Math.round(Number(r.age ?? 0) * 10) / 10,
        state: r.state ?? '',
        query: r.query ?? '',
        lockMode: r.mode,
      }));
    }),
  );
  return all.flat();
}
