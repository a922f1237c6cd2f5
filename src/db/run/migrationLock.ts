import { createHash } from 'node:crypto';
import type { TableRef } from '../../core/types';
import type { DatabaseClient } from '../client';
import { engineOf, sleep } from './dialect';
import { RunFailure } from './types';

/** A session-level lock named after the table: a second run on the same table fails fast instead of interleaving. */
export function migrationLockName(table: TableRef): string {
  return `column_wizard:${createHash('sha1').update(`${table.schema}.${table.name}`).digest('hex').slice(0, 32)}`;
}

async function tryLock(client: DatabaseClient, name: string): Promise<boolean> {
  if (engineOf(client) === 'postgres') {
    const [row] = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS ok', [name]);
    return row?.ok === true;
  }
  const [row] = await client.query<{ ok: number | null }>('SELECT GET_LOCK(?, 0) AS ok', [name]);
  return Number(row?.ok) === 1;
}

/**
 * Take the lock, waiting up to `waitMs` (a killed run's session can take a moment to end on the server),
 * or fail naming the session that holds it. Released by `releaseMigrationLock` or when the session ends.
 */
export async function acquireMigrationLock(client: DatabaseClient, table: TableRef, waitMs = 0): Promise<void> {
  const name = migrationLockName(table);
  const deadline = Date.now() + waitMs;
  for (;;) {
    if (await tryLock(client, name)) return;
    if (Date.now() >= deadline) break;
    await sleep(Math.min(100, Math.max(1, deadline - Date.now())));
  }
  if (engineOf(client) === 'postgres') {
    const holders = await client.query<{ pid: number; query: string | null }>(
      `SELECT a.pid, left(a.query, 200) AS query FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
        WHERE l.locktype = 'advisory' AND l.granted AND l.objid = (hashtextextended($1, 0) & 4294967295)::bigint::oid`,
      [name],
    );
    throw held(table, holders.map((h) => h.pid));
  }
  const [holder] = await client.query<{ id: number | null }>('SELECT IS_USED_LOCK(?) AS id', [name]);
  throw held(table, holder?.id ? [Number(holder.id)] : []);
}

function held(table: TableRef, pids: number[]): RunFailure {
  return new RunFailure(
    `Another Column Wizard run holds the migration lock on ${table.schema}.${table.name}${pids.length ? ` (session ${pids.join(', ')})` : ''}. ` +
      'Wait for it to finish, or cancel it; two runs on one table must not interleave.',
    'locked',
    null,
  );
}

export async function releaseMigrationLock(client: DatabaseClient, table: TableRef): Promise<void> {
  const name = migrationLockName(table);
  if (engineOf(client) === 'postgres') await client.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [name]);
  else await client.query('SELECT RELEASE_LOCK(?)', [name]);
}
