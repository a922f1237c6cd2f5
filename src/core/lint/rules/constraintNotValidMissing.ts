import { actionsOf, requiredOnEmptyTable, tableName } from './shared';
import type { RuleFinding, RuleModule } from './types';

export const constraintNotValidMissing = {
  id: 'constraint-not-valid-missing',
  title: 'New constraint validated while holding a blocking lock',
  severity: 'error',
  help: 'Add the CHECK / FOREIGN KEY with NOT VALID, then VALIDATE CONSTRAINT in a separate transaction.',
  doc: 'ADD CONSTRAINT … CHECK / FOREIGN KEY (or an inline REFERENCES / CHECK on ADD COLUMN) checks every existing row while holding the ALTER\'s lock. With NOT VALID the ADD is instant, and VALIDATE CONSTRAINT later scans under SHARE UPDATE EXCLUSIVE, which blocks neither reads nor writes.',
  examples: {
    bad: [{ sql: "SET lock_timeout = '2s'; ALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (user_id) REFERENCES users (id);" }],
    good: [{ sql: "SET lock_timeout = '2s'; ALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;" }],
  },
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
        out.push({ blocking: true, op: a, message: `ADD COLUMN ${spec.name} … REFERENCES checks every row under ${impact.lock} on ${tname}, and takes ${impact.referencedLock ?? 'SHARE ROW EXCLUSIVE'} on ${spec.references.table} (writes to it wait) meanwhile.`, fix: 'Add the column without REFERENCES, then ADD CONSTRAINT … FOREIGN KEY … NOT VALID and VALIDATE CONSTRAINT in a separate transaction.' });
      } else if (!spec.unique && spec.check) {
        out.push({ blocking: true, op: a, message: `ADD COLUMN ${spec.name} … CHECK verifies every row under ${impact.lock}.`, fix: 'Add the column, then ADD CONSTRAINT … CHECK (…) NOT VALID and VALIDATE CONSTRAINT separately.' });
      }
    }
    for (const a of actionsOf(s, 'add-constraint')) {
      const c = a.action;
      if (c.notValid || !['check', 'foreign', 'not-null'].includes(c.constraint)) continue;
      if (!a.impact.scan || !(a.impact.blocks.writes || a.impact.blocks.reads)) continue;
      out.push({
        blocking: true, op: a,
        message: `ADD CONSTRAINT${c.name ? ` ${c.name}` : ''} on ${tname}: ${a.impact.why}.`,
        fix: `Add it with NOT VALID, commit, then ALTER TABLE … VALIDATE CONSTRAINT ${c.name ?? '<name>'} (SHARE UPDATE EXCLUSIVE: reads and writes continue).`,
      });
    }
    return out;
  },
} as const satisfies RuleModule;
