import { describeError } from '../../core/format';
import type { LockRisk, TableRef } from '../../core/types';
import type { DatabaseClient } from '../client';
import { runnerDialect } from './dialect';

// The driver error codes live per engine (src/db/<engine>/errors.ts), read through src/db/errors.ts.
export { isAlreadyApplied, isConnectionLost, isDeadlock, isInstantRefused, isLockTimeout, isStatementTimeout } from '../errors';

export { describeError };

/**
 * Sessions that hold a lock on the table (PostgreSQL) or an open transaction (MySQL/MariaDB, where metadata
 * locks are not visible without performance_schema): what a lock timeout was waiting for.
 */
export function findBlockers(client: DatabaseClient, table: TableRef): Promise<LockRisk[]> {
  return runnerDialect(client).findBlockers(client, table);
}

export function describeBlockers(blockers: readonly LockRisk[]): string {
  if (blockers.length === 0) return 'No blocking session is visible now (it may have ended).';
  return `Blocking sessions: ${blockers
    .map(
      (b) =>
        `pid ${b.pid} (${b.user ? `user ${b.user}, ` : ''}${b.application ? `application ${JSON.stringify(b.application)}, ` : ''}${b.ageSeconds} s old${b.lockMode ? `, ${b.lockMode}` : ''}${b.state ? `, ${b.state}` : ''}): ${b.query ? JSON.stringify(b.query.slice(0, 120)) : '(no query text)'}`,
    )
    .join('; ')}.`;
}
