import * as l10n from '@vscode/l10n';
import { actionsOf, hasDefault, tableName } from './shared';
import type { RuleFinding, RuleModule } from './types';

/** The safe way, in the language @vscode/l10n is configured with when called (`help` is read at import: English, for docs and SARIF). */
const help = (): string =>
  l10n.t(
    'Expand/contract: first deploy code that writes the column on every INSERT (ORMs: the model sets a value), then drop the default in a later migration.',
  );

export const dropDefault = {
  id: 'drop-default',
  title: 'DROP DEFAULT breaks inserts from code that leaves the column out',
  // Information by default: the lock is catalog-only and the peers' docs call it safe; a project that wants it gated sets
  // "drop-default": "warning" in its configuration.
  severity: 'info',
  help: help(),
  doc: "Dropping a column's default is catalog-only (so this is information by default), but every INSERT that omits the column — older application code, other services, ORMs that skip columns they do not map — then stores NULL instead of the default, or fails at once when the column is NOT NULL. With the table's definition (a connection, a snapshot, or the folder's earlier migrations) the finding says which; a column with no default to drop is not reported.",
  examples: {
    bad: [{ sql: "SET lock_timeout = '2s'; ALTER TABLE t ALTER COLUMN status DROP DEFAULT;" }],
    good: [
      { sql: "SET lock_timeout = '2s'; ALTER TABLE t ALTER COLUMN status SET DEFAULT 'new';" },
      { sql: "CREATE TABLE t (id int, status text DEFAULT 'new'); ALTER TABLE t ALTER COLUMN status DROP DEFAULT;" },
    ],
  },
  on: { actions: ['drop-default'] },
  check: (s) => {
    if (s.newTable) return [];
    const out: RuleFinding[] = [];
    for (const a of actionsOf(s, 'drop-default')) {
      const column = a.action.column;
      const now = s.facts?.columns?.find((c) => c.name.toLowerCase() === column.toLowerCase());
      if (now && !hasDefault(now)) continue; // nothing to drop
      out.push({
        message: !now
          ? l10n.t(
              'DROP DEFAULT on {0}.{1}: INSERTs that leave the column out store NULL from then on, or fail if it is NOT NULL.',
              tableName(s.table),
              column,
            )
          : now.nullable
            ? l10n.t(
                'DROP DEFAULT on {0}.{1}: INSERTs that leave the column out store NULL from then on instead of {2}.',
                tableName(s.table),
                column,
                now.default!,
              )
            : l10n.t(
                'DROP DEFAULT on {0}.{1}: the column is NOT NULL, so INSERTs that leave it out fail from then on.',
                tableName(s.table),
                column,
              ),
        fix: help(),
      });
    }
    return out;
  },
} as const satisfies RuleModule;
