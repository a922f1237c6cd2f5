import * as l10n from '@vscode/l10n';
import { defaultVolatility } from '../../dialects/index';
import { actionsOf, tableName } from './shared';
import type { RuleFinding, RuleModule } from './types';

/** The safe way, in the language @vscode/l10n is configured with when called (the module's `help` is read at import: English, for docs and SARIF). */
const help = (): string =>
  l10n.t('Every existing row gets the one value computed at ALTER time. Add the column without the default and backfill per row.');

export const instantDefaultEvaluatedOnce = {
  id: 'instant-default-evaluated-once',
  title: 'MariaDB instant ADD COLUMN evaluates a non-constant default once',
  severity: 'warning',
  help: help(),
  doc: 'MariaDB adds a column with a non-constant DEFAULT (e.g. UUID(), NOW(6)) instantly by evaluating the expression once: every existing row shares that one value, unlike rows inserted later.',
  examples: {
    bad: [
      {
        sql: 'SET SESSION lock_wait_timeout = 2; ALTER TABLE t ADD COLUMN c datetime DEFAULT (NOW());',
        dialect: 'mariadb',
        version: '10.11',
      },
    ],
    good: [
      {
        sql: "SET SESSION lock_wait_timeout = 2; ALTER TABLE t ADD COLUMN c varchar(36) DEFAULT 'x';",
        dialect: 'mariadb',
        version: '10.11',
      },
    ],
  },
  on: { actions: ['add-column'] },
  check: (s) => {
    if (s.target.dialect !== 'mariadb' || !s.caps.instantDefaultEvaluatedOnce) return [];
    const out: RuleFinding[] = [];
    for (const a of actionsOf(s, 'add-column')) {
      const spec = a.action.spec;
      if (spec.default.kind !== 'expression' || a.impact.algorithm !== 'INSTANT') continue;
      if (defaultVolatility(spec.default.sql, s.target.dialect) === 'immutable') continue;
      out.push({
        severity: 'warning',
        message: l10n.t(
          'MariaDB adds {0} instantly and evaluates DEFAULT {1} once: every existing row of {2} gets that same value.',
          spec.name,
          spec.default.sql,
          tableName(s.table),
        ),
        fix: help(),
      });
    }
    return out;
  },
} as const satisfies RuleModule;
