import * as l10n from '@vscode/l10n';
import { actionsOf, requiredOnEmptyTable, tableName } from './shared';
import type { RuleFinding, RuleModule } from './types';

export const constraintNotValidMissing = {
  id: 'constraint-not-valid-missing',
  title: 'New constraint validated while holding a blocking lock',
  severity: 'error',
  help: 'Add the CHECK / FOREIGN KEY with NOT VALID, then VALIDATE CONSTRAINT in a separate transaction.',
  doc: "ADD CONSTRAINT … CHECK / FOREIGN KEY (or an inline REFERENCES / CHECK on ADD COLUMN) checks every existing row while holding the ALTER's lock. With NOT VALID the ADD is instant, and VALIDATE CONSTRAINT later scans under SHARE UPDATE EXCLUSIVE, which blocks neither reads nor writes.",
  examples: {
    bad: [{ sql: "SET lock_timeout = '2s'; ALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (user_id) REFERENCES users (id);" }],
    good: [{ sql: "SET lock_timeout = '2s'; ALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;" }],
  },
  on: { actions: ['add-column', 'add-constraint'] },
  check: (s) => {
    if (s.engine !== 'postgres') return [];
    const out: RuleFinding[] = [];
    const tname = tableName(s.table);
    for (const a of actionsOf(s, 'add-column')) {
      if (requiredOnEmptyTable(s, a)) continue;
      const { impact } = a;
      const spec = a.action.spec;
      if (impact.rewrite || !impact.scan) continue;
      if (spec.references) {
        out.push({
          blocking: true,
          op: a,
          message: l10n.t(
            'ADD COLUMN {0} … REFERENCES checks every row under {1} on {2}, and takes {3} on {4} (writes to it wait) meanwhile.',
            spec.name,
            impact.lock,
            tname,
            impact.referencedLock ?? 'SHARE ROW EXCLUSIVE',
            spec.references.table,
          ),
          fix: l10n.t(
            'Add the column without REFERENCES, then ADD CONSTRAINT … FOREIGN KEY … NOT VALID and VALIDATE CONSTRAINT in a separate transaction.',
          ),
        });
      } else if (!spec.unique && spec.check) {
        out.push({
          blocking: true,
          op: a,
          message: l10n.t('ADD COLUMN {0} … CHECK verifies every row under {1}.', spec.name, impact.lock),
          fix: l10n.t('Add the column, then ADD CONSTRAINT … CHECK (…) NOT VALID and VALIDATE CONSTRAINT separately.'),
        });
      }
    }
    for (const a of actionsOf(s, 'add-constraint')) {
      const c = a.action;
      if (c.notValid || !['check', 'foreign', 'not-null'].includes(c.constraint)) continue;
      if (!a.impact.scan || !(a.impact.blocks.writes || a.impact.blocks.reads)) continue;
      out.push({
        blocking: true,
        op: a,
        message: l10n.t('{0} on {1}: {2}.', c.name ? `ADD CONSTRAINT ${c.name}` : 'ADD CONSTRAINT', tname, a.impact.why),
        fix: l10n.t(
          'Add it with NOT VALID, commit, then ALTER TABLE … VALIDATE CONSTRAINT {0} (SHARE UPDATE EXCLUSIVE: reads and writes continue).',
          c.name ?? '<name>',
        ),
      });
    }
    return out;
  },
} as const satisfies RuleModule;
