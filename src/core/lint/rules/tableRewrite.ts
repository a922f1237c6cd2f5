import * as l10n from '@vscode/l10n';
import { tableName } from './shared';
import { statementOps } from './statementOps';
import type { RuleFinding, RuleModule } from './types';

export const tableRewrite = {
  id: 'table-rewrite',
  title: 'VACUUM FULL, CLUSTER, SET LOGGED/UNLOGGED, SET TABLESPACE or SET ACCESS METHOD rewrites the table under ACCESS EXCLUSIVE',
  severity: 'error',
  help: 'Use pg_repack (or pg_squeeze) to rebuild or move a live table online; run these commands only on tables nobody uses.',
  doc: 'These commands write a complete new copy of the table and its indexes while holding ACCESS EXCLUSIVE: every read and write waits until the copy is done.',
  examples: {
    bad: [
      { sql: "SET lock_timeout = '2s'; VACUUM FULL t;" },
      { sql: "SET lock_timeout = '2s'; CLUSTER t USING t_pkey;" },
      { sql: "SET lock_timeout = '2s'; ALTER TABLE t SET LOGGED;" },
    ],
    good: [{ sql: 'VACUUM t;' }, { sql: "SET lock_timeout = '2s'; CREATE TABLE t (id int); ALTER TABLE t SET TABLESPACE pg_default;" }],
  },
  on: { ops: ['vacuum-full', 'cluster', 'set-logged', 'set-tablespace', 'set-access-method'] },
  check: (s) => {
    const out: RuleFinding[] = [];
    for (const kind of ['vacuum-full', 'cluster', 'set-logged', 'set-tablespace', 'set-access-method'] as const) {
      for (const o of statementOps(s, kind))
        out.push({
          blocking: true,
          op: o,
          message: l10n.t('{0} on {1}: {2}.', s.parsed.label ?? 'ALTER TABLE', tableName(s.table), o.impact.why),
        });
    }
    return out;
  },
} as const satisfies RuleModule;
