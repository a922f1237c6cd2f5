import * as l10n from '@vscode/l10n';
import { actionsOf, tableName } from './shared';
import type { RuleFinding, RuleModule } from './types';

export const jsonColumn = {
  id: 'json-column',
  title: 'A json column has no equality operator: SELECT DISTINCT, UNION and GROUP BY over it fail',
  severity: 'warning',
  help: 'Use jsonb: it has equality (and GIN indexes), so existing DISTINCT / UNION / GROUP BY queries keep working.',
  doc: "PostgreSQL's `json` type has no equality operator. Once an existing table has a `json` column, application queries that run `SELECT DISTINCT` over the table's columns (ORMs do for `.distinct`), `UNION` or `GROUP BY` them fail with `could not identify an equality operator for type json`. `jsonb` has none of these problems.",
  examples: {
    bad: [{ sql: "SET lock_timeout = '2s'; ALTER TABLE t ADD COLUMN properties json;" }],
    good: [
      { sql: "SET lock_timeout = '2s'; ALTER TABLE t ADD COLUMN properties jsonb;" },
      { sql: 'CREATE TABLE t (id int); ALTER TABLE t ADD COLUMN properties json;' },
    ],
  },
  on: { actions: ['add-column', 'alter-type'] },
  check: (s) => {
    if (s.engine !== 'postgres' || s.newTable) return [];
    const out: RuleFinding[] = [];
    const message = (column: string) =>
      l10n.t(
        'Column {0} of {1} becomes json: queries that run SELECT DISTINCT, UNION or GROUP BY over it fail (json has no equality operator).',
        column,
        tableName(s.table),
      );
    for (const a of actionsOf(s, 'add-column'))
      if (a.action.spec.type.name.toLowerCase() === 'json' && !a.action.spec.type.array)
        out.push({ severity: 'warning', message: message(a.action.spec.name) });
    for (const a of actionsOf(s, 'alter-type'))
      if (/^json$/i.test(a.action.type)) out.push({ severity: 'warning', message: message(a.action.column) });
    return out;
  },
} as const satisfies RuleModule;
