import * as l10n from '@vscode/l10n';
import { tableName } from './shared';
import { statementOps } from './statementOps';
import type { RuleModule } from './types';

export const dropTable = {
  id: 'drop-table',
  title: 'DROP TABLE removes data and breaks code that still reads it',
  severity: 'warning',
  help: 'Deploy code that no longer uses the table first; keep a backup (or rename it away and drop it in a later migration) so it can be brought back.',
  doc: 'DROP TABLE takes ACCESS EXCLUSIVE (and locks the tables its foreign keys reference), and running code that still reads or writes the table fails. A DROP followed by a re-create in the same migration loses every row.',
  examples: {
    bad: [{ sql: "SET lock_timeout = '2s'; DROP TABLE accounts;" }],
    good: [{ sql: 'CREATE TABLE scratch (id int); DROP TABLE scratch;' }],
  },
  on: { ops: ['drop-table'] },
  check: (s) =>
    s.newTable
      ? []
      : statementOps(s, 'drop-table').map(() => ({
          severity: 'warning' as const,
          message: l10n.t('DROP TABLE {0}: its rows are gone, and queries that still use it fail.', tableName(s.table)),
        })),
} as const satisfies RuleModule;
