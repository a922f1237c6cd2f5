import * as l10n from '@vscode/l10n';
import { optOutHint } from '../../migrations/tools/index';
import { versionAtLeast } from '../../version';
import { statementOps } from './statementOps';
import type { RuleFinding, RuleModule } from './types';

/** The tools' no-transaction switches, for the fix. */
const noTransaction = (): string => (['dbmate', 'goose', 'flyway'] as const).map(optOutHint).join(', ');

export const enumValueInTransaction = {
  id: 'enum-value-in-transaction',
  title: 'ALTER TYPE … ADD VALUE inside a transaction (before PostgreSQL 12), or its new value used before it commits',
  severity: 'error',
  help: "Add the value in a migration of its own, outside a transaction (the tool's no-transaction switch), and use it from a later migration.",
  doc: "Before PostgreSQL 12, ALTER TYPE … ADD VALUE cannot run inside a transaction block — including the one a migration tool wraps the file in — unless the type was created in the same transaction. From PostgreSQL 12 it can, but the new value cannot be used (inserted, compared, cast to) until that transaction commits — even when the type was created in the same transaction: the statement fails with 'unsafe use of new value'.",
  examples: {
    bad: [
      { sql: "BEGIN; ALTER TYPE mood ADD VALUE 'happy'; COMMIT;", version: '11' },
      { sql: "BEGIN; ALTER TYPE mood ADD VALUE 'happy'; UPDATE people SET mood = 'happy' WHERE id = 1; COMMIT;" },
    ],
    good: [
      { sql: "ALTER TYPE mood ADD VALUE 'happy';", version: '11' },
      { sql: "BEGIN; ALTER TYPE mood ADD VALUE 'happy'; COMMIT; UPDATE people SET mood = 'happy' WHERE id = 1;" },
    ],
  },
  check: (s) => {
    if (s.engine !== 'postgres') return [];
    const out: RuleFinding[] = [];
    if (s.inTransaction && !s.objectsFromThisTransaction && !versionAtLeast(s.target.version, '12'))
      for (const _ of statementOps(s, 'enum-add-value'))
        out.push({
          severity: 'error',
          message: s.wraps
            ? l10n.t(
                'PostgreSQL {0}: ALTER TYPE … ADD VALUE cannot run inside a transaction block (PostgreSQL 12 and later can): the migration tool runs this file in one transaction.',
                s.target.version,
              )
            : l10n.t(
                'PostgreSQL {0}: ALTER TYPE … ADD VALUE cannot run inside a transaction block (PostgreSQL 12 and later can).',
                s.target.version,
              ),
          fix: l10n.t("Put it alone in a migration with the tool's no-transaction switch ({0}).", noTransaction()),
        });
    // Before 12 the ADD VALUE itself failed (above), or ran in the transaction that created the type, whose values may be used.
    if (versionAtLeast(s.target.version, '12'))
      for (const value of s.uncommittedEnumValues ?? [])
        out.push({
          severity: 'error',
          message: l10n.t(
            "The enum value '{0}' was added by ALTER TYPE … ADD VALUE earlier in this transaction: it cannot be used before that transaction commits, so this statement fails.",
            value,
          ),
          fix: l10n.t('Commit after ALTER TYPE … ADD VALUE (or move the statements that use the new value to a later migration).'),
        });
    return out;
  },
} as const satisfies RuleModule;
