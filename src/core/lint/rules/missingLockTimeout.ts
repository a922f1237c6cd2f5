import * as l10n from '@vscode/l10n';
import type { ObjectRef } from '../model';
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
    // A MySQL/MariaDB lock on a routine or event only (no table) that no open transaction holds: nothing queues behind it.
    const objectOnly = engine === 'mysql' && !s.table && strongest !== undefined && !strongest.blocks.reads && !strongest.blocks.writes;
    if (!needs || s.timeoutHere || s.newObject || objectOnly) return [];
    const object = !s.table ? s.parsed.objects?.[0] : undefined;
    return [
      {
        severity: 'warning',
        message:
          engine === 'postgres' && object
            ? objectMessage(
                strongest?.lock ?? 'ACCESS EXCLUSIVE',
                object,
                s.operations.some((o) => o.op.op === 'drop-object' && o.op.cascade),
              )
            : object
              ? l10n.t(
                  'The metadata lock on {0} is requested without a lock timeout: while it waits behind a long transaction, every statement that needs it queues behind it.',
                  objectName(object),
                )
              : engine === 'postgres'
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

/** The object a statement on a schema, routine, type, extension or event locks (it names no table), for messages. */
function objectName(object: ObjectRef): string {
  switch (object.kind) {
    case 'schema':
      return l10n.t('the schema {0}', object.name);
    case 'function':
      return l10n.t('the routine {0}', object.name);
    case 'type':
      return l10n.t('the type {0}', object.name);
    case 'extension':
      return l10n.t('the extension {0}', object.name);
    case 'event':
      return l10n.t('the event {0}', object.name);
  }
}

/** The lock named on the object itself. */
function objectMessage(lock: string, object: ObjectRef, cascade: boolean): string {
  const name = objectName(object);
  return cascade
    ? l10n.t(
        '{0} on {1} and on every table dropped with it is requested without a lock timeout: while it waits behind a long transaction, every query on those tables queues behind it.',
        lock,
        name,
      )
    : l10n.t(
        '{0} on {1} is requested without a lock timeout: while it waits behind a long transaction, every statement that needs it queues behind it.',
        lock,
        name,
      );
}
