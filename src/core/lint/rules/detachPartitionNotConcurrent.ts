import * as l10n from '@vscode/l10n';
import { tableName } from './shared';
import { statementOps } from './statementOps';
import type { RuleModule } from './types';

export const detachPartitionNotConcurrent = {
  id: 'detach-partition-not-concurrent',
  title: 'DETACH PARTITION without CONCURRENTLY takes ACCESS EXCLUSIVE on the parent',
  severity: 'warning',
  help: 'ALTER TABLE … DETACH PARTITION … CONCURRENTLY (PostgreSQL 14+, outside a transaction block).',
  doc: 'DETACH PARTITION takes ACCESS EXCLUSIVE on the partitioned table: queries on every partition wait. PostgreSQL 14 added CONCURRENTLY, which takes SHARE UPDATE EXCLUSIVE.',
  examples: {
    bad: [{ sql: "SET lock_timeout = '2s'; ALTER TABLE events DETACH PARTITION events_2020;" }],
    good: [{ sql: 'ALTER TABLE events DETACH PARTITION events_2020 CONCURRENTLY;' }],
  },
  on: { ops: ['detach-partition'] },
  check: (s) =>
    statementOps(s, 'detach-partition')
      .filter((o) => !o.op.concurrent)
      .map((o) => ({ blocking: true, op: o, message: l10n.t('{0} on {1}: {2}.', 'DETACH PARTITION', tableName(s.table), o.impact.why) })),
} as const satisfies RuleModule;
