import { statementOps } from './statementOps';
import type { RuleModule } from './types';

export const reindexNotConcurrent = {
  id: 'reindex-not-concurrent',
  title: 'REINDEX without CONCURRENTLY blocks writes for the whole rebuild',
  severity: 'error',
  help: 'REINDEX … CONCURRENTLY (PostgreSQL 12+, outside a transaction block).',
  doc: 'REINDEX takes SHARE on the table (writes wait) and ACCESS EXCLUSIVE on the index being rebuilt (queries planning to use it wait) for the whole rebuild. REINDEX CONCURRENTLY (PostgreSQL 12+) builds a new index beside the old one.',
  examples: { bad: [{ sql: "SET lock_timeout = '2s'; REINDEX TABLE t;" }], good: [{ sql: 'REINDEX TABLE CONCURRENTLY t;' }] },
  on: { ops: ['reindex'] },
  check: (s) =>
    statementOps(s, 'reindex')
      .filter((o) => !o.op.concurrent)
      .map((o) => ({ blocking: true, op: o, message: `${o.impact.why}.` })),
} as const satisfies RuleModule;
