import { tableName } from './shared';
import type { RuleModule } from './types';

export const missingLockTimeout = {
  id: 'missing-lock-timeout',
  title: 'DDL without a lock timeout',
  severity: 'warning',
  help: 'SET lock_timeout (PostgreSQL) / SET SESSION lock_wait_timeout (MySQL/MariaDB) before the DDL, so a long transaction cannot queue every query behind it.',
  doc: 'A DDL statement waiting for its lock behind a long transaction makes every later query on the table queue behind it. A lock timeout makes it give up (and retry) instead.',
  examples: {
    bad: [{ sql: 'ALTER TABLE t ADD COLUMN c text;' }],
    good: [{ sql: "SET lock_timeout = '2s'; ALTER TABLE t ADD COLUMN c text;" }, { sql: 'CREATE TABLE t (id int); ALTER TABLE t ADD COLUMN c text;' }],
  },
  check: (s) => {
    const { strongest, engine } = s;
    const needs = (!s.newTable && (s.unmapped || (strongest !== undefined && (engine === 'mysql' || strongest.blocks.reads || strongest.blocks.writes))))
      || (s.newTable && s.referenced !== undefined && engine === 'postgres');
    if (!needs || s.timeoutHere) return [];
    return [{
      severity: 'warning',
      message: `${engine === 'postgres' ? (strongest?.lock ?? 'ACCESS EXCLUSIVE') : 'The metadata lock'} on ${s.newTable && s.referenced ? tableName(s.referenced) : tableName(s.table)} is requested without a lock timeout: while it waits behind a long transaction, every query on the table queues behind it.`,
      fix: engine === 'postgres' ? "SET lock_timeout = '2s'; before the statement, and retry on failure." : 'SET SESSION lock_wait_timeout = 2; before the statement, and retry on failure.',
    }];
  },
} as const satisfies RuleModule;
