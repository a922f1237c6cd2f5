import * as l10n from '@vscode/l10n';
import { actionsOf, tableName } from './shared';
import type { RuleFinding, RuleModule } from './types';

/** The safe way, in the language @vscode/l10n is configured with when called (the module's `help` is read at import: English, for docs and SARIF). */
const help = (): string =>
  l10n.t('Add the column nullable, backfill in batches, then enforce NOT NULL with a validated CHECK; or give it a constant default.');

export const addColumnRequired = {
  id: 'add-column-required',
  title: 'ADD COLUMN NOT NULL without a default',
  severity: 'error',
  help: help(),
  doc: "PostgreSQL refuses ADD COLUMN … NOT NULL without a DEFAULT as soon as the table has a row, and INSERTs that omit the column fail afterwards. MySQL/MariaDB in a non-strict mode fill existing rows with the type's zero value instead.",
  examples: {
    bad: [{ sql: "SET lock_timeout = '2s'; ALTER TABLE t ADD COLUMN c bigint NOT NULL;" }],
    good: [
      { sql: "SET lock_timeout = '2s'; ALTER TABLE t ADD COLUMN c bigint NOT NULL DEFAULT 0;" },
      { sql: 'CREATE TABLE t (id int); ALTER TABLE t ADD COLUMN c bigint NOT NULL;' },
    ],
  },
  on: { actions: ['add-column'] },
  check: (s) => {
    const out: RuleFinding[] = [];
    for (const a of actionsOf(s, 'add-column')) {
      const spec = a.action.spec;
      if (spec.nullable || spec.default.kind !== 'none' || spec.autoIncrement || s.newTable) continue;
      if (s.engine === 'postgres') {
        if (s.rows === 0) continue;
        out.push({
          severity: 'error',
          message: l10n.t(
            'ADD COLUMN {0} NOT NULL without a DEFAULT fails on {1} as soon as it has rows, and INSERTs that omit the column break.',
            spec.name,
            tableName(s.table),
          ),
          fix: help(),
        });
      } else if (s.caps.notNullFillsZeroValue) {
        out.push({
          severity: 'warning',
          message: l10n.t(
            "ADD COLUMN {0} NOT NULL without a DEFAULT gives existing rows of {1} the type's zero value, not an error.",
            spec.name,
            tableName(s.table),
          ),
          fix: l10n.t('Give an explicit DEFAULT, or add the column nullable, backfill, then MODIFY … NOT NULL.'),
        });
      }
    }
    return out;
  },
} as const satisfies RuleModule;
