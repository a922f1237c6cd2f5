import * as l10n from '@vscode/l10n';
import { tableName } from './shared';
import type { RuleModule } from './types';

export const algorithmCopy = {
  id: 'algorithm-copy',
  title: 'ALGORITHM=COPY rebuilds the table and blocks writes',
  severity: 'error',
  help: 'Use ALGORITHM=INSTANT or INPLACE with LOCK=NONE, or an online schema change tool.',
  doc: 'ALGORITHM=COPY builds a new copy of the table row by row; writes wait for the whole copy.',
  examples: {
    bad: [{ sql: 'SET SESSION lock_wait_timeout = 2; ALTER TABLE t ADD COLUMN c int, ALGORITHM=COPY;', dialect: 'mysql' }],
    good: [{ sql: 'SET SESSION lock_wait_timeout = 2; ALTER TABLE t ADD COLUMN c int, ALGORITHM=INSTANT;', dialect: 'mysql' }],
  },
  on: { kinds: ['alter-table', 'create-index'] },
  check: (s) => {
    if (s.engine !== 'mysql' || (s.parsed.kind !== 'alter-table' && s.parsed.kind !== 'create-index') || s.parsed.algorithm !== 'COPY')
      return [];
    return [
      { blocking: true, message: l10n.t('ALGORITHM=COPY copies all of {0} and blocks writes until it finishes.', tableName(s.table)) },
    ];
  },
} as const satisfies RuleModule;
