import * as l10n from '@vscode/l10n';
import { tableName } from './shared';
import type { RuleModule } from './types';

export const backfillInLockingTransaction = {
  id: 'backfill-in-locking-transaction',
  title: 'UPDATE in the same transaction as the ALTER that locked the table',
  severity: 'error',
  help: 'Commit the ALTER first, then backfill in batches, each in its own short transaction (column-wizard run does this).',
  doc: 'The lock an ALTER TABLE takes is held until COMMIT. An UPDATE of the whole table later in the same transaction keeps that lock (often ACCESS EXCLUSIVE) for the whole backfill.',
  examples: {
    bad: [{ sql: "BEGIN; SET LOCAL lock_timeout = '2s'; ALTER TABLE t ADD COLUMN c int; UPDATE t SET c = 0; COMMIT;" }],
    good: [{ sql: "SET lock_timeout = '2s'; ALTER TABLE t ADD COLUMN c int; UPDATE t SET c = 0;" }],
  },
  on: { kinds: ['other'] },
  check: (s) => {
    const held = s.lockedEarlierInTransaction;
    if (s.parsed.label !== 'UPDATE' || !held || s.newTable) return [];
    return [
      {
        blocking: true,
        message: held.blocks.reads
          ? l10n.t(
              'UPDATE {0} runs in the transaction that already holds {1} on it: reads and writes stay blocked until the whole UPDATE commits.',
              tableName(s.table),
              held.lock,
            )
          : l10n.t(
              'UPDATE {0} runs in the transaction that already holds {1} on it: writes stay blocked until the whole UPDATE commits.',
              tableName(s.table),
              held.lock,
            ),
      },
    ];
  },
} as const satisfies RuleModule;
