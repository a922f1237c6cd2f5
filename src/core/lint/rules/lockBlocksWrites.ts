import * as l10n from '@vscode/l10n';
import { isBlockingLock, tableName } from './shared';
import type { RuleModule } from './types';

export const lockBlocksWrites = {
  id: 'lock-blocks-writes',
  title: 'LOCK=SHARED / LOCK=EXCLUSIVE blocks concurrent writes',
  severity: 'error',
  help: 'Use LOCK=NONE (or omit LOCK with ALGORITHM=INSTANT).',
  doc: 'LOCK=SHARED blocks writes and LOCK=EXCLUSIVE blocks reads and writes for the whole ALTER, whatever the algorithm.',
  examples: {
    bad: [{ sql: 'SET SESSION lock_wait_timeout = 2; ALTER TABLE t ADD INDEX i (c), LOCK=SHARED;', dialect: 'mysql' }],
    good: [{ sql: 'SET SESSION lock_wait_timeout = 2; ALTER TABLE t ADD INDEX i (c), ALGORITHM=INPLACE, LOCK=NONE;', dialect: 'mysql' }],
  },
  on: { kinds: ['alter-table', 'create-index'] },
  check: (s) => {
    if (s.engine !== 'mysql' || (s.parsed.kind !== 'alter-table' && s.parsed.kind !== 'create-index') || !isBlockingLock(s.parsed.lock))
      return [];
    return [
      {
        blocking: true,
        message:
          s.parsed.lock === 'EXCLUSIVE'
            ? l10n.t('LOCK={0} blocks reads and writes on {1} for the whole operation.', s.parsed.lock, tableName(s.table))
            : l10n.t('LOCK={0} blocks writes on {1} for the whole operation.', String(s.parsed.lock), tableName(s.table)),
      },
    ];
  },
} as const satisfies RuleModule;
