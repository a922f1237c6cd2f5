import * as l10n from '@vscode/l10n';
import { tableName } from './shared';
import { statementOps } from './statementOps';
import type { RuleModule } from './types';

export const truncateTable = {
  id: 'truncate-table',
  title: 'TRUNCATE empties the table under the strongest lock',
  severity: 'warning',
  help: 'Delete in batches (DELETE … WHERE id IN (SELECT … LIMIT n), repeated) while the table is in use, or swap in a new empty table; keep TRUNCATE for tables nobody reads.',
  doc: 'PostgreSQL TRUNCATE takes ACCESS EXCLUSIVE on the table (and with CASCADE on every table whose foreign keys reference it) and replaces it with an empty one: every read and write waits, and the rows are gone. On MySQL/MariaDB TRUNCATE TABLE drops and re-creates the table under an exclusive metadata lock.',
  examples: {
    bad: [
      { sql: "SET lock_timeout = '2s'; TRUNCATE t;" },
      { sql: 'SET SESSION lock_wait_timeout = 2; TRUNCATE TABLE t;', dialect: 'mysql' },
    ],
    good: [{ sql: 'CREATE TABLE staging (id int); TRUNCATE staging;' }],
  },
  on: { ops: ['truncate'] },
  check: (s) =>
    statementOps(s, 'truncate').map((o) => ({
      blocking: true,
      op: o,
      message: l10n.t('TRUNCATE {0}: {1}; every row is gone.', tableName(s.table), o.impact.why),
    })),
} as const satisfies RuleModule;
