import * as l10n from '@vscode/l10n';
import { actionsOf, tableName } from './shared';
import type { RuleModule } from './types';

export const dropColumn = {
  id: 'drop-column',
  title: 'DROP COLUMN breaks code (and ORM caches) that still use the column',
  severity: 'warning',
  help: 'Contract last: deploy code that no longer reads or writes the column (Rails: ignored_columns; Django: remove the field first), then drop it in a later migration.',
  doc: 'Dropping a column is catalog-only on PostgreSQL, but running code that selects or inserts it fails at once, and ORMs that cache the column list (ActiveRecord, Hibernate) fail until restarted.',
  examples: {
    bad: [{ sql: "SET lock_timeout = '2s'; ALTER TABLE t DROP COLUMN legacy;" }],
    good: [{ sql: 'CREATE TABLE t (id int, legacy int); ALTER TABLE t DROP COLUMN legacy;' }],
  },
  on: { actions: ['drop-column'] },
  check: (s) =>
    s.newTable
      ? []
      : actionsOf(s, 'drop-column').map((a) => ({
          severity: 'warning' as const,
          message: l10n.t(
            'DROP COLUMN {0} on {1}: queries and ORM mappings that still name the column fail from then on.',
            a.action.column,
            tableName(s.table),
          ),
        })),
} as const satisfies RuleModule;
