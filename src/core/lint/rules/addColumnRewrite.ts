import { actionsOf, isBlockingLock, requiredOnEmptyTable } from './shared';
import type { RuleFinding, RuleModule } from './types';

export const addColumnRewrite = {
  id: 'add-column-rewrite',
  title: 'ADD COLUMN rewrites the table',
  severity: 'error',
  help: 'Add the column without the default (or as a plain column), set the default separately, then backfill in batches.',
  doc: 'PostgreSQL rewrites the table under ACCESS EXCLUSIVE for a volatile default, a stored generated column, identity or serial; MySQL/MariaDB copy it (ALGORITHM=COPY) when the column cannot be added INSTANT or INPLACE. Reads and writes wait for the whole copy.',
  examples: {
    bad: [{ sql: "SET lock_timeout = '2s'; ALTER TABLE t ADD COLUMN c uuid DEFAULT gen_random_uuid();" }],
    good: [{ sql: "SET lock_timeout = '2s'; ALTER TABLE t ADD COLUMN c timestamptz DEFAULT now();" }],
  },
  check: (s) => {
    const out: RuleFinding[] = [];
    for (const a of actionsOf(s, 'add-column')) {
      if (requiredOnEmptyTable(s, a)) continue;
      const { impact } = a;
      const name = a.action.spec.name;
      if (s.engine === 'postgres') {
        if (impact.rewrite) out.push({ blocking: true, op: a, message: `ADD COLUMN ${name}: ${impact.why}.` });
      } else {
        const explicitCopy = s.parsed.algorithm === 'COPY';
        if ((!explicitCopy && impact.algorithm === 'COPY') || (impact.blocks.writes && !explicitCopy && !isBlockingLock(s.parsed.lock))) {
          out.push({ blocking: true, op: a, message: `ADD COLUMN ${name}: ${impact.why}.` });
        }
      }
    }
    return out;
  },
} as const satisfies RuleModule;
