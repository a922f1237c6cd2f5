import * as l10n from '@vscode/l10n';
import type { RuleModule } from './types';

/** The safe way, in the language @vscode/l10n is configured with when called (the module's `help` is read at import: English, for docs and SARIF). */
const help = (): string => l10n.t('MySQL rejects LOCK= other than DEFAULT with ALGORITHM=INSTANT (error 1221); drop the LOCK clause.');

export const instantWithLockClause = {
  id: 'instant-with-lock-clause',
  title: 'ALGORITHM=INSTANT with a LOCK clause',
  severity: 'error',
  help: help(),
  doc: 'MySQL refuses ALGORITHM=INSTANT together with LOCK=NONE/SHARED/EXCLUSIVE (error 1221). MariaDB accepts it.',
  examples: {
    bad: [{ sql: 'SET SESSION lock_wait_timeout = 2; ALTER TABLE t ADD COLUMN c int, ALGORITHM=INSTANT, LOCK=NONE;', dialect: 'mysql' }],
    good: [{ sql: 'SET SESSION lock_wait_timeout = 2; ALTER TABLE t ADD COLUMN c int, ALGORITHM=INSTANT;', dialect: 'mysql' }],
  },
  on: { kinds: ['alter-table', 'create-index'] },
  check: (s) => {
    const p = s.parsed;
    if (s.target.dialect !== 'mysql' || (p.kind !== 'alter-table' && p.kind !== 'create-index')) return [];
    if (p.algorithm !== 'INSTANT' || !p.lock || p.lock === 'DEFAULT') return [];
    return [
      {
        severity: 'error',
        message: l10n.t(
          'ALGORITHM=INSTANT with LOCK={0}: MySQL refuses the statement (error 1221, incorrect usage of ALGORITHM=INSTANT and LOCK).',
          p.lock,
        ),
        fix: help(),
      },
    ];
  },
} as const satisfies RuleModule;
