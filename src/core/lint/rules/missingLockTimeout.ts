import * as l10n from '@vscode/l10n';
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
    good: [
      { sql: "SET lock_timeout = '2s'; ALTER TABLE t ADD COLUMN c text;" },
      { sql: 'CREATE TABLE t (id int); ALTER TABLE t ADD COLUMN c text;' },
    ],
  },
  check: (s) => {
    const { strongest, engine } = s;
    const needs =
      (!s.newTable &&
        (s.unmapped || (strongest !== undefined && (engine === 'mysql' || strongest.blocks.reads || strongest.blocks.writes)))) ||
      (s.newTable && s.referenced !== undefined && engine === 'postgres');
    if (!needs || s.timeoutHere) return [];
    return [
      {
        severity: 'warning',
        message:
          engine === 'postgres'
            ? l10n.t(
                '{0} on {1} is requested without a lock timeout: while it waits behind a long transaction, every query on the table queues behind it.',
                strongest?.lock ?? 'ACCESS EXCLUSIVE',
                s.newTable && s.referenced ? tableName(s.referenced) : tableName(s.table),
              )
            : l10n.t(
                'The metadata lock on {0} is requested without a lock timeout: while it waits behind a long transaction, every query on the table queues behind it.',
                s.newTable && s.referenced ? tableName(s.referenced) : tableName(s.table),
              ),
        fix: l10n.t(
          '{0} before the statement, and retry on failure.',
          engine === 'postgres' ? "SET lock_timeout = '2s';" : 'SET SESSION lock_wait_timeout = 2;',
        ),
      },
    ];
  },
} as const satisfies RuleModule;
