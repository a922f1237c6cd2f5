import * as l10n from '@vscode/l10n';
import { tableName } from './shared';
import { statementOps } from './statementOps';
import type { RuleFinding, RuleModule } from './types';

/** The safe way, in the language @vscode/l10n is configured with when called (the module's `help` is read at import: English, for docs and SARIF). */
const help = (): string =>
  l10n.t(
    'Expand/contract: add the new name beside the old (a new column written by both versions, a view or a synonym), deploy code that uses the new name, then drop the old name in a later migration.',
  );

export const renameBreaksClients = {
  id: 'rename',
  title: 'Renaming breaks the application code that still uses the old name',
  severity: 'warning',
  help: help(),
  doc: 'A rename of a column, table, schema, constraint, index, routine, type or enum value is instant, but every running query, prepared statement and ORM mapping that names the old one fails from that moment until the new code is deployed everywhere.',
  examples: {
    bad: [
      { sql: "SET lock_timeout = '2s'; ALTER TABLE t RENAME COLUMN a TO b;" },
      { sql: "ALTER TYPE mood RENAME VALUE 'sad' TO 'unhappy';" },
    ],
    good: [{ sql: 'CREATE TABLE t (a int); ALTER TABLE t RENAME COLUMN a TO b;' }],
  },
  on: { ops: ['rename'], actions: ['other'] },
  check: (s) => {
    if (s.newTable || s.newObject) return [];
    const out: RuleFinding[] = [];
    for (const o of statementOps(s, 'rename')) {
      if (o.op.object === 'index' || o.op.object === 'constraint') continue; // application code rarely names these
      out.push({
        severity: 'warning',
        message: renameMessage(o.op.object, s.table ? tableName(s.table) : undefined, o.impact.why),
        fix: help(),
      });
    }
    for (const a of s.parsed.actions) {
      if (a.kind === 'other' && /^RENAME\b(?!\s*(INDEX|KEY)\b)/i.test(a.description))
        out.push({
          severity: 'warning',
          message: l10n.t('{0} on {1}: queries still using the old name fail from then on.', a.description, tableName(s.table)),
          fix: help(),
        });
    }
    return out;
  },
} as const satisfies RuleModule;

/** "Renaming a column of users: …": one sentence per kind of object, for the translations. */
function renameMessage(object: string, table: string | undefined, why: string): string {
  if (object === 'schema') return l10n.t('Renaming a schema: {0}.', why);
  if (object === 'function') return l10n.t('Renaming a routine: {0}.', why);
  if (object === 'type') return l10n.t('Renaming a type: {0}.', why);
  if (object === 'enum value')
    return table ? l10n.t('Renaming an enum value of {0}: {1}.', table, why) : l10n.t('Renaming an enum value: {0}.', why);
  if (object === 'table') return table ? l10n.t('Renaming the table {0}: {1}.', table, why) : l10n.t('Renaming a table: {0}.', why);
  if (object === 'column') return table ? l10n.t('Renaming a column of {0}: {1}.', table, why) : l10n.t('Renaming a column: {0}.', why);
  return table ? l10n.t('Renaming an object of {0}: {1}.', table, why) : l10n.t('Renaming an object: {0}.', why);
}
