import { statementOps } from './statementOps';
import type { RuleModule } from './types';

export const dropIndexNotConcurrent = {
  id: 'drop-index-not-concurrent',
  title: 'DROP INDEX without CONCURRENTLY takes ACCESS EXCLUSIVE on the table',
  severity: 'warning',
  help: 'DROP INDEX CONCURRENTLY (outside a transaction block).',
  doc: "DROP INDEX takes ACCESS EXCLUSIVE on the index's table: it waits for every open transaction on the table, and every query queues behind it meanwhile. CONCURRENTLY takes SHARE UPDATE EXCLUSIVE and waits without blocking.",
  examples: { bad: [{ sql: "SET lock_timeout = '2s'; DROP INDEX i;" }], good: [{ sql: 'DROP INDEX CONCURRENTLY i;' }] },
  on: { ops: ['drop-index'] },
  check: (s) =>
    statementOps(s, 'drop-index')
      .filter((o) => !o.op.concurrent)
      .map((o) => ({ blocking: true, op: o, message: `${o.impact.why}.` })),
} as const satisfies RuleModule;
