import { describeError } from '../../core/format';
import type { LockRisk, TableRef } from '../../core/types';
import type { DatabaseClient } from '../client';
import { engineOf } from './dialect';

// The driver error codes live per engine (src/db/<engine>/errors.ts), read through src/db/errors.ts.
export { isAlreadyApplied, isConnectionLost, isDeadlock, isInstantRefused, isLockTimeout, isStatementTimeout } from '../errors';

export { describeError };

/**
 * Sessions that hold a lock on the table (PostgreSQL) or an open transaction (MySQL/MariaDB, where metadata
 * locks are not visible without performance_schema): what a lock timeout was waiting for.
 */
export async function findBlockers(client: DatabaseClient, table: TableRef): Promise<LockRisk[]> {
  if (engineOf(client) === 'postgres') {
    const rows = await client.query<{ pid: number; age: number | null; state: string | null; query: string | null; mode: string; usr: string | null; app: string | null }>(
      `SELECT a.pid, EXTRACT(EPOCH FROM now() - COALESCE(a.xact_start, a.query_start))::float8 AS age, a.state, left(a.query, 300) AS query,
              a.usename::text AS usr, a.application_name AS app, string_agg(DISTINCT l.mode, ',') AS mode
         FROM pg_locks l
         JOIN pg_class c ON c.oid = l.relation
         JOIN pg_namespace n ON n.oid = c.relnamespace
         JOIN pg_stat_activity a ON a.pid = l.pid
        WHERE l.locktype = 'relation' AND l.granted AND n.nspname = $1 AND c.relname = $2 AND a.pid <> pg_backend_pid()
        GROUP BY a.pid, a.xact_start, a.query_start, a.state, a.query, a.usename, a.application_name
        ORDER BY age DESC NULLS LAST`,
      [table.schema, table.name],
    );
    if (rows.length) return rows.map((r) => ({ pid: r.pid, ageSeconds: Math.round((r.age ?? 0) * 10) / 10, state: r.state ?? '', query: r.query ?? '', lockMode: r.mode, ...who(r) }));
    // CREATE INDEX CONCURRENTLY waits for every older transaction, not only those touching the table.
    const old = await client.query<{ pid: number; age: number | null; state: string | null; query: string | null; usr: string | null; app: string | null }>(
      `SELECT pid, EXTRACT(EPOCH FROM now() - xact_start)::float8 AS age, state, left(query, 300) AS query, usename::text AS usr, application_name AS app FROM pg_stat_activity
        WHERE xact_start IS NOT NULL AND backend_type = 'client backend' AND pid <> pg_backend_pid() AND now() - xact_start > interval '1 second'
        ORDER BY xact_start LIMIT 10`,
    );
    return old.map((r) => ({ pid: r.pid, ageSeconds: Math.round((r.age ?? 0) * 10) / 10, state: r.state ?? '', query: r.query ?? '', ...who(r) }));
  }
  const rows = await client.query<{ id: number; age: number | null; state: string | null; query: string | null; cmd: string | null; usr: string | null }>(
    `SELECT p.ID AS id, TIMESTAMPDIFF(SECOND, t.trx_started, NOW()) AS age, p.STATE AS state, p.COMMAND AS cmd, p.USER AS usr,
            LEFT(COALESCE(t.trx_query, p.INFO, ''), 300) AS query
       FROM information_schema.INNODB_TRX t
       JOIN information_schema.PROCESSLIST p ON p.ID = t.trx_mysql_thread_id
      WHERE p.ID <> CONNECTION_ID()
      ORDER BY t.trx_started`,
  );
  return rows.map((r) => ({ pid: Number(r.id), ageSeconds: Number(r.age ?? 0), state: r.state || r.cmd || '', query: r.query ?? '', ...who({ usr: r.usr, app: null }) }));
}

function who(r: { usr: string | null; app: string | null }): { user?: string; application?: string } {
  return { ...(r.usr ? { user: r.usr } : {}), ...(r.app ? { application: r.app } : {}) };
}

export function describeBlockers(blockers: readonly LockRisk[]): string {
  if (blockers.length === 0) return 'No blocking session is visible now (it may have ended).';
  return `Blocking sessions: ${blockers
    .map((b) => `pid ${b.pid} (${b.user ? `user ${b.user}, ` : ''}${b.application ? `application ${JSON.stringify(b.application)}, ` : ''}${b.ageSeconds} s old${b.lockMode ? `, ${b.lockMode}` : ''}${b.state ? `, ${b.state}` : ''}): ${b.query ? JSON.stringify(b.query.slice(0, 120)) : '(no query text)'}`)
    .join('; ')}.`;
}
