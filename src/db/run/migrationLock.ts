import { createHash } from 'node:crypto';
import type { TableRef } from '../../core/types';
import type { DatabaseClient } from '../client';
import { runnerDialect, sleep } from './dialect';
import { RunFailure } from './types';

/** A session-level lock named after the table: a second run on the same table fails fast instead of interleaving. */
export function migrationLockName(table: TableRef): string {
  return `column_wizard:${createHash('sha1').update(`${table.schema}.${table.name}`).digest('hex').slice(0, 32)}`;
}

/**
 * Take the lock, waiting up to `waitMs` (a killed run's session can take a moment to end on the server),
 * or fail naming the session that holds it. Released by `releaseMigrationLock` or when the session ends.
 */
export async function acquireMigrationLock(client: DatabaseClient, table: TableRef, waitMs = 0): Promise<void> {
  const d = runnerDialect(client);
  const name = migrationLockName(table);
  const deadline = Date.now() + waitMs;
  for (;;) {
    if (await d.tryNamedLock(client, name)) return;
    if (Date.now() >= deadline) break;
    await sleep(Math.min(100, Math.max(1, deadline - Date.now())));
  }
  throw held(table, await d.namedLockHolders(client, name));
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
  await runnerDialect(client).releaseNamedLock(client, name);
}
