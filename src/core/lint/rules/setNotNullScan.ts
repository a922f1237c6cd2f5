import * as l10n from '@vscode/l10n';
import { actionsOf, tableName } from './shared';
import type { RuleFinding, RuleModule } from './types';

/** The safe way, in the language @vscode/l10n is configured with when called (the module's `help` is read at import: English, for docs and SARIF). */
const help = (): string =>
  l10n.t(
    'ADD CONSTRAINT … CHECK (c IS NOT NULL) NOT VALID, VALIDATE CONSTRAINT in its own transaction, then SET NOT NULL (PostgreSQL 12+ skips the scan) and drop the CHECK.',
  );

export const setNotNullScan = {
  id: 'set-not-null-scan',
  title: 'SET NOT NULL scans the table under ACCESS EXCLUSIVE',
  severity: 'error',
  help: help(),
  doc: 'ALTER COLUMN … SET NOT NULL reads every row while holding ACCESS EXCLUSIVE, unless a validated CHECK (c IS NOT NULL) already proves it (PostgreSQL 12+) — from this file, an earlier migration of the same run, or the live table.',
  examples: {
    bad: [{ sql: "SET lock_timeout = '2s'; ALTER TABLE t ALTER COLUMN c SET NOT NULL;" }],
    good: [
      {
        sql: "SET lock_timeout = '2s'; ALTER TABLE t ADD CONSTRAINT t_c_nn CHECK (c IS NOT NULL) NOT VALID;\nCOMMIT;\nALTER TABLE t VALIDATE CONSTRAINT t_c_nn;\nALTER TABLE t ALTER COLUMN c SET NOT NULL;",
      },
    ],
  },
  on: { actions: ['set-not-null'] },
  check: (s) => {
    const out: RuleFinding[] = [];
    for (const a of actionsOf(s, 'set-not-null')) {
      if (!a.impact.scan || !a.impact.blocks.writes) continue;
      const column = a.action.column;
      out.push({
        blocking: true,
        op: a,
        message: l10n.t('{0} on {1}: {2}.', 'SET NOT NULL', `${tableName(s.table)}.${column}`, a.impact.why),
        fix: s.caps.notNullNotValid
          ? l10n.t(
              '{0}, then VALIDATE CONSTRAINT in its own transaction.',
              `ADD CONSTRAINT ${column}_not_null NOT NULL ${column} NOT VALID`,
            )
          : help(),
      });
    }
    return out;
  },
} as const satisfies RuleModule;
