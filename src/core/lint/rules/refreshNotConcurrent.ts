import * as l10n from '@vscode/l10n';
import { tableName } from './shared';
import { statementOps } from './statementOps';
import type { RuleModule } from './types';

export const refreshNotConcurrent = {
  id: 'refresh-not-concurrent',
  title: 'REFRESH MATERIALIZED VIEW without CONCURRENTLY blocks reads of the view',
  severity: 'warning',
  help: 'REFRESH MATERIALIZED VIEW CONCURRENTLY (needs a unique index on the view; reads continue, other refreshes and writes wait).',
  doc: 'A plain REFRESH takes ACCESS EXCLUSIVE on the materialized view: every SELECT of it waits until the query is re-run and stored.',
  examples: {
    bad: [{ sql: "SET lock_timeout = '2s'; REFRESH MATERIALIZED VIEW m;" }],
    good: [{ sql: "SET lock_timeout = '2s'; REFRESH MATERIALIZED VIEW CONCURRENTLY m;" }],
  },
  on: { ops: ['refresh-matview'] },
  check: (s) =>
    statementOps(s, 'refresh-matview')
      .filter((o) => !o.op.concurrent)
      .map((o) => ({ blocking: true, op: o, message: l10n.t('REFRESH of {0}: {1}.', tableName(s.table), o.impact.why) })),
} as const satisfies RuleModule;
