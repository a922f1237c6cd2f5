/**
 * MySQL/MariaDB replicas: lag from a heartbeat row the primary updates every `intervalMs` where that is allowed
 * (precise to the interval, and still meaningful while the SQL thread is stopped), else `Seconds_Behind_Master`
 * (whole seconds, overshoots on big transactions, NULL while the SQL thread is stopped — servers.md §A.3).
 */
import { quoteIdent } from '../../core/sql';
import type { TableRef } from '../../core/types';
import type { DatabaseClient } from '../client';
import type { LagReader, ReplicaLag, ReplicaLockHolder, ReplicaTarget } from './types';

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
  let heartbeat: { table: string; timer: NodeJS.Timeout | null; failed: string | null; startedAt: string } | null = null;
  let starting: Promise<void> | null = null;

  const startHeartbeat = async (): Promise<void> => {
    const primary = options.primary!;
    const ref = options.heartbeatTable ?? { schema: primary.options.database, name: HEARTBEAT_TABLE };
    const table = `${quoteIdent('mysql', ref.schema)}.${quoteIdent('mysql', ref.name)}`;
    const state: NonNullable<typeof heartbeat> = { table, timer: null, failed: null, startedAt: '' };
    heartbeat = state;
    try {
      await primary.query(`CREATE TABLE IF NOT EXISTS ${table} (id INT NOT NULL PRIMARY KEY, ts DATETIME(6) NOT NULL) ENGINE=InnoDB`);
      // A row left by an earlier writer may be old: until this writer's first beat arrives, the replica is
      // behind by at least the time since that beat (GREATEST below), not by the age of the old row.
      const [row] = await primary.query<{ ts: string }>(`SELECT DATE_FORMAT(NOW(6), '%Y-%m-%d %H:%i:%s.%f') AS ts`);
      state.startedAt = row!.ts;
      await primary.query(`REPLACE INTO ${table} (id, ts) VALUES (1, ?)`, [state.startedAt]);
    } catch (err) {
      state.failed = `heartbeat not allowed (${(err as Error).message}); using Seconds_Behind_Master`;
      return;
    }
    let busy = false;
    state.timer = setInterval(() => {
      if (busy) return;
      busy = true;
      primary
        .query(`REPLACE INTO ${table} (id, ts) VALUES (1, NOW(6))`)
        .catch((err: Error) => {
          state.failed = `heartbeat writer stopped (${err.message})`;
          if (state.timer) clearInterval(state.timer);
          state.timer = null;
        })
        .finally(() => {
          busy = false;
        });
    }, intervalMs);
    state.timer.unref();
  };

  const heartbeatLag = async (replica: DatabaseClient): Promise<number | null> => {
    if (!heartbeat || heartbeat.failed) return null;
    try {
      const [r] = await replica.query<{ us: number | string | null }>(
        `SELECT TIMESTAMPDIFF(MICROSECOND, GREATEST(ts, CAST(? AS DATETIME(6))), NOW(6)) AS us FROM ${heartbeat.table} WHERE id = 1`,
        [heartbeat.startedAt],
      );
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
    if (!sql)
      return {
        name: s.name,
        state: 'stopped',
        seconds: hb,
        method: hb !== null ? 'heartbeat' : 'SQL thread stopped, no heartbeat to date it',
      };
    if (!io)
      return {
        name: s.name,
        state: 'disconnected',
        seconds: hb,
        method: hb !== null ? 'heartbeat' : 'IO thread not running, no heartbeat to date it',
      };
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

function isUnknownTable(err: unknown): boolean {
  const e = err as { errno?: number; code?: string; cause?: { errno?: number } };
  return (
    e.errno === 1109 || e.cause?.errno === 1109 || e.code === 'ER_UNKNOWN_TABLE' || /Unknown table/i.test(String((err as Error).message))
  );
}

/**
 * Sessions on MySQL/MariaDB replicas that a replicated ALTER of `table` would wait for: the replica's SQL thread
 * needs an exclusive metadata lock and waits for every transaction holding one on the table, with no timeout, while
 * new readers of the table queue behind it (servers.md §A.3). Precise with MariaDB's `METADATA_LOCK_INFO` plugin
 * (`INSTALL SONAME 'metadata_lock_info'`); without it, any transaction older than `minAgeSeconds` counts.
 */
export async function replicaLockHolders(
  replicas: readonly ReplicaTarget[],
  table: TableRef,
  minAgeSeconds = 0,
): Promise<ReplicaLockHolder[]> {
  const all = await Promise.all(
    replicas.map(async (r) => {
      type Row = { id: number | string; age: number | string | null; state: string | null; query: string | null; mode: string | null };
      let rows: Row[];
      try {
        rows = await r.client.query<Row>(
          `SELECT p.ID AS id, COALESCE(TIMESTAMPDIFF(SECOND, t.trx_started, NOW()), p.TIME) AS age, p.STATE AS state, LEFT(p.INFO, 200) AS query,
                MAX(m.LOCK_MODE) AS mode
           FROM information_schema.METADATA_LOCK_INFO m
           JOIN information_schema.PROCESSLIST p ON p.ID = m.THREAD_ID
           LEFT JOIN information_schema.INNODB_TRX t ON t.trx_mysql_thread_id = p.ID
          WHERE m.TABLE_SCHEMA = ? AND m.TABLE_NAME = ? AND p.ID <> CONNECTION_ID() AND p.USER <> 'system user'
          GROUP BY p.ID, t.trx_started, p.TIME, p.STATE, p.INFO
         HAVING age >= ?`,
          [table.schema, table.name, minAgeSeconds],
        );
      } catch (err) {
        if (!isUnknownTable(err)) throw err;
        rows = await r.client.query<Row>(
          `SELECT t.trx_mysql_thread_id AS id, TIMESTAMPDIFF(SECOND, t.trx_started, NOW()) AS age, p.STATE AS state, LEFT(p.INFO, 200) AS query, NULL AS mode
           FROM information_schema.INNODB_TRX t LEFT JOIN information_schema.PROCESSLIST p ON p.ID = t.trx_mysql_thread_id
          WHERE t.trx_mysql_thread_id <> CONNECTION_ID() AND COALESCE(p.USER, '') <> 'system user'
            AND TIMESTAMPDIFF(SECOND, t.trx_started, NOW()) >= ?
          ORDER BY t.trx_started`,
          [minAgeSeconds],
        );
      }
      return rows.map((x): ReplicaLockHolder => ({
        standby: r.name,
        pid: Number(x.id),
        ageSeconds: Number(x.age ?? 0),
        state: x.state ?? '',
        query: x.query ?? '',
        lockMode: x.mode,
      }));
    }),
  );
  return all.flat();
}
