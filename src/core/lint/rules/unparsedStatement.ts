import * as l10n from '@vscode/l10n';
import { errorRange } from './syntaxError';
import type { RuleModule } from './types';

export const unparsedStatement = {
  id: 'unparsed-statement',
  title: 'Statement not understood by the MySQL/MariaDB parser',
  severity: 'warning',
  help: 'The statement may be valid, but the linter could not read it, so its locks are not checked. Split it or check it by hand.',
  doc: "node-sql-parser's MySQL grammar could not read the statement. It may well be valid on the server; the linter says so instead of passing it over silently.",
  examples: {
    bad: [{ sql: 'ALTER TABLE t FROBNICATE c;', dialect: 'mysql' }],
    good: [{ sql: 'SET SESSION lock_wait_timeout = 2; ALTER TABLE t ADD COLUMN c int, ALGORITHM=INSTANT;', dialect: 'mysql' }],
  },
  on: { kinds: ['unparsed'] },
  check: (s) => {
    if (s.parsed.kind !== 'unparsed' || s.engine !== 'mysql') return [];
    return [
      {
        severity: 'warning',
        message: l10n.t(
          'The MySQL/MariaDB parser could not read this statement ({0}), so its locks are not checked.',
          s.parsed.error?.message ?? l10n.t('unknown error'),
        ),
        range: errorRange(s),
      },
    ];
  },
} as const satisfies RuleModule;
