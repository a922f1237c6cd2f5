import * as l10n from '@vscode/l10n';
import { actionsOf, requiredOnEmptyTable, tableName } from './shared';
import type { RuleFinding, RuleModule } from './types';

export const uniqueConstraintBuildsIndex = {
  id: 'unique-constraint-builds-index',
  title: 'UNIQUE / PRIMARY KEY builds its index under a blocking lock',
  severity: 'error',
  help: 'CREATE UNIQUE INDEX CONCURRENTLY, then ADD CONSTRAINT … UNIQUE (or PRIMARY KEY) USING INDEX.',
  doc: 'ADD CONSTRAINT … UNIQUE / PRIMARY KEY (or an inline UNIQUE on ADD COLUMN) builds its index while holding ACCESS EXCLUSIVE. Build the index CONCURRENTLY first and attach it with USING INDEX, which is instant.',
  examples: {
    bad: [{ sql: "SET lock_timeout = '2s'; ALTER TABLE t ADD CONSTRAINT t_email_key UNIQUE (email);" }],
    good: [{ sql: "SET lock_timeout = '2s'; ALTER TABLE t ADD CONSTRAINT t_email_key UNIQUE USING INDEX t_email_idx;" }],
  },
  on: { actions: ['add-column', 'add-constraint'] },
  check: (s) => {
    if (s.engine !== 'postgres') return [];
    const out: RuleFinding[] = [];
    for (const a of actionsOf(s, 'add-column')) {
      if (requiredOnEmptyTable(s, a)) continue;
      const spec = a.action.spec;
      if (!a.impact.rewrite && a.impact.scan && !spec.references && spec.unique) {
        out.push({
          blocking: true,
          op: a,
          message: l10n.t('ADD COLUMN {0} … UNIQUE builds the index under {1}.', spec.name, a.impact.lock),
          fix: l10n.t('Add the column, CREATE UNIQUE INDEX CONCURRENTLY, then ADD CONSTRAINT … UNIQUE USING INDEX.'),
        });
      }
    }
    for (const a of actionsOf(s, 'add-constraint')) {
      const c = a.action;
      if (c.notValid || (c.constraint !== 'unique' && c.constraint !== 'primary') || c.usingIndex) continue;
      out.push({
        blocking: true,
        op: a,
        message: l10n.t('{0} on {1}: {2}.', c.constraint === 'unique' ? 'ADD UNIQUE' : 'ADD PRIMARY KEY', tableName(s.table), a.impact.why),
        fix:
          c.constraint === 'unique'
            ? l10n.t('CREATE UNIQUE INDEX CONCURRENTLY, then ADD CONSTRAINT … UNIQUE USING INDEX.')
            : l10n.t(
                'CREATE UNIQUE INDEX CONCURRENTLY on the key columns, then ADD CONSTRAINT … PRIMARY KEY USING INDEX (make the columns NOT NULL first, through a validated CHECK (c IS NOT NULL), or it scans for NULLs under ACCESS EXCLUSIVE).',
              ),
      });
    }
    return out;
  },
} as const satisfies RuleModule;
