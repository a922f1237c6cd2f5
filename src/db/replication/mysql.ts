/**
 * MySQL/MariaDB replicas: lag from a heartbeat row the primary updates every `intervalMs` where that is allowed
 * (precise to the interval, and still meaningful while the SQL thread is stopped), else `Seconds_Behind_Master`
 * (whole seconds, overshoots on big transactions, NULL while the SQL thread is stopped — servers.md §A.3).
 */
import { quoteIdent } from '../../core/sql';
import type { TableRef } from '../../core/types';
import type { DatabaseClient } from '../client';
import type { LagReader, ReplicaLag, ReplicaTarget } from './types';

export const HEARTBEAT_TABLE = 'column_wizard_heartbeat';

export interface MysqlLagOptions {
  /**
   * A connection of its own to the primary for the heartbeat writer. Without it (or when the table cannot be created
   * or written: read-only primary, missing privilege) the reader falls back to `Seconds_Behind_Master`.
   */
  readonly primary?: DatabaseClient;
  /** Default true when `primary` is given. */
  readonly heartbeat?: boolean;
  /** Default: `column_wizard_heartbeat` in the primary connection's database. */
  readonly heartbeatTable?: TableRef;
  /** Default 250 ms. */
  readonly intervalMs?: number;
}

type Status = Record<string, unknown>;

function field(row: Status, ...names: string[]): unknown {
  for (const n of names) if (row[n] !== undefined) return row[n];
  return undefined;
}

/** `SHOW REPLICA STATUS` (MariaDB ≥ 10.5.1, MySQL ≥ 8.0.22), else `SHOW SLAVE STATUS`; the first (default) connection. */
export async function replicaStatus(client: DatabaseClient): Promise<Status | null> {
  let rows: Status[];
  try {
    rows = await client.query<Status>('SHOW REPLICA STATUS');
  } catch {
    rows = await client.query<Status>('SHOW SLAVE STATUS');
  }
  return rows[0] ?? null;
}

export function mysqlLagReader(replicas: readonly ReplicaTarget[], options: MysqlLagOptions = {}): LagReader {
  const intervalMs = options.intervalMs ?? 250;
  const useHeartbeat = options.primary !== undefined && options.heartbeat !== false;
  let heartbeat: { table: string; timer: NodeJS.Timeout | null; failed: string | null } | null = null;
  let starting: Promise<void> | null = null;

  const startHeartbeat = async (): Promise<void> => {
    const primary = options.primary!;
    const ref = options.heartbeatTable ?? { schema: primary.options.database, name: HEARTBEAT_TABLE };
    const table = `${quoteIdent('mysql', ref.schema)}.${quoteIdent('mysql', ref.name)}`;
    const state: NonNullable<typeof heartbeat> = { table, timer: null, failed: null };
    heartbeat = state;
    try {
      await primary.query(`CREATE TABLE IF NOT EXISTS ${table} (id INT NOT NULL PRIMARY KEY, ts DATETIME(6) NOT NULL) ENGINE=InnoDB`);
      await primary.query(`REPLACE INTO ${table} (id, ts) VALUES (1, NOW(6))`);
    } catch (err) {
      state.failed = `heartbeat not allowed (${(err as Error).message}); using Seconds_Behind_Master`;
      return;
    }
    let busy = false;
    state.timer = setInterval(() => {
      if (busy) return;
      busy = true;
      primary.query(`REPLACE INTO ${table} (id, ts) VALUES (1, NOW(6))`)
        .catch((err: Error) => {
          state.failed = `heartbeat writer stopped (${err.message})`;
          if (state.timer) clearInterval(state.timer);
          state.timer = null;
        })
        .finally(() => { busy = false; });
    }, intervalMs);
    state.timer.unref();
  };

  const heartbeatLag = async (replica: DatabaseClient): Promise<number | null> => {
    if (!heartbeat || heartbeat.failed) return null;
    try {
      const [r] = await replica.query<{ us: number | string | null }>(`SELECT TIMESTAMPDIFF(MICROSECOND, ts, NOW(6)) AS us FROM ${heartbeat.table} WHERE id = 1`);
      return r?.us === null || r?.us === undefined ? null : Math.max(0, Number(r.us) / 1e6);
    } catch {
      return null; // the table has not reached the replica yet
    }
  };

  const one = async (s: ReplicaTarget): Promise<ReplicaLag> => {
    let st: Status | null;
    try {
      st = await replicaStatus(s.client);
    } catch (err) {
      return { name: s.name, state: 'disconnected', seconds: null, method: `replica status unreadable (${(err as Error).message})` };
    }
    if (!st) return { name: s.name, state: 'disconnected', seconds: null, method: 'not a replica (no replica status)' };
    const io = String(field(st, 'Slave_IO_Running', 'Replica_IO_Running') ?? '') === 'Yes';
    const sql = String(field(st, 'Slave_SQL_Running', 'Replica_SQL_Running') ?? '') === 'Yes';
    const sbmRaw = field(st, 'Seconds_Behind_Master', 'Seconds_Behind_Source');
    const sbm = sbmRaw === null || sbmRaw === undefined ? null : Number(sbmRaw);
    const hb = await heartbeatLag(s.client);
    const seconds = hb ?? sbm;
    const method = hb !== null ? 'heartbeat' : heartbeat?.failed ? `Seconds_Behind_Master (${heartbeat.failed})` : 'Seconds_Behind_Master';
    if (!sql) return { name: s.name, state: 'stopped', seconds: hb, method: hb !== null ? 'heartbeat' : 'SQL thread stopped, no heartbeat to date it' };
    if (!io) return { name: s.name, state: 'disconnected', seconds: hb, method: hb !== null ? 'heartbeat' : 'IO thread not running, no heartbeat to date it' };
    const caughtUp = hb !== null ? hb <= (2 * intervalMs) / 1000 : sbm === 0;
    return { name: s.name, state: caughtUp ? 'caught-up' : 'behind', seconds, method };
  };

  return {
    async read() {
      if (useHeartbeat && !heartbeat) await (starting ??= startHeartbeat());
      return Promise.all(replicas.map(one));
    },
    async close() {
      const h = heartbeat as { timer: NodeJS.Timeout | null } | null;
      if (h?.timer) clearInterval(h.timer);
      if (h) h.timer = null;
    },
  };
}
