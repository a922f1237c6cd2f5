import type { LockLevel } from '../core/types';

/** PostgreSQL lock modes from weakest to strongest, as pg_locks names them and as the documentation does. */
export const PG_MODES: readonly (readonly [string, LockLevel])[] = [
  ['AccessShareLock', 'ACCESS SHARE'],
  ['RowShareLock', 'ROW SHARE'],
  ['RowExclusiveLock', 'ROW EXCLUSIVE'],
  ['ShareUpdateExclusiveLock', 'SHARE UPDATE EXCLUSIVE'],
  ['ShareLock', 'SHARE'],
  ['ShareRowExclusiveLock', 'SHARE ROW EXCLUSIVE'],
  ['ExclusiveLock', 'EXCLUSIVE'],
  ['AccessExclusiveLock', 'ACCESS EXCLUSIVE'],
];

export function pgLockLevel(mode: string): LockLevel | undefined {
  return PG_MODES.find(([m]) => m === mode)?.[1];
}

/** What ordinary traffic a held lock blocks. PostgreSQL: SELECT takes ACCESS SHARE, DML takes ROW EXCLUSIVE. */
export function blocksOf(level: LockLevel, engine: 'postgres' | 'mysql'): { reads: boolean; writes: boolean } {
  // MySQL/MariaDB LOCK=EXCLUSIVE blocks reads too; PostgreSQL EXCLUSIVE still admits SELECT.
  if (engine === 'mysql' && level === 'EXCLUSIVE') return { reads: true, writes: true };
  switch (level) {
    case 'ACCESS EXCLUSIVE':
      return { reads: true, writes: true };
    case 'EXCLUSIVE':
    case 'SHARE ROW EXCLUSIVE':
    case 'SHARE':
      return { reads: false, writes: true };
    // MySQL/MariaDB levels: what concurrent DML gets.
    case 'SHARED':
      return { reads: false, writes: true };
    default:
      return { reads: false, writes: false };
  }
}
