import { actionsOf, tableName } from './shared';
import type { RuleFinding, RuleModule } from './types';

export const blockingDdl = {
  id: 'blocking-ddl',
  title: 'Statement holds a lock that blocks reads or writes while it works',
  severity: 'warning',
  help: 'See the lock and the safe alternative in the message.',
  doc: 'A statement with no online form on this engine holds a lock that blocks writes (or reads) for as long as it works on the table. The message names the lock and the alternative.',
  examples: {
    bad: [{ sql: 'SET SESSION lock_wait_timeout = 2; ALTER TABLE t ADD CONSTRAINT c CHECK (a > 0);', dialect: 'mysql' }],
    good: [{ sql: 'SET SESSION lock_wait_timeout = 2; ALTER TABLE t ADD COLUMN c int;', dialect: 'mysql' }],
  },
  check: (s) => {
    if (s.engine !== 'mysql') return [];
    const out: RuleFinding[] = [];
    for (const a of actionsOf(s, 'add-constraint')) {
      const c = a.action;
      if (c.notValid || !['check', 'foreign', 'not-null'].includes(c.constraint)) continue;
      if (!a.impact.blocks.writes || s.parsed.algorithm === 'COPY') continue;
      out.push({
        blocking: true, op: a,
        message: `ADD ${c.constraint === 'foreign' ? 'FOREIGN KEY' : 'CHECK'} on ${tableName(s.table)}: ${a.impact.why}.`,
        fix: c.constraint === 'foreign' ? 'Only when every row is known to match: SET SESSION foreign_key_checks = 0 around the ALTER (INPLACE, no copy); otherwise an online schema change tool.' : 'There is no online path for CHECK on MySQL/MariaDB; use an online schema change tool for large tables.',
      });
    }
    return out;
  },
} as const satisfies RuleModule;
