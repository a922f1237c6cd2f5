import * as l10n from '@vscode/l10n';
import { tableName } from './shared';
import { statementOps } from './statementOps';
import type { RuleModule } from './types';

export const exclusionConstraint = {
  id: 'exclusion-constraint',
  title: 'ADD CONSTRAINT … EXCLUDE builds its index under ACCESS EXCLUSIVE',
  severity: 'error',
  help: 'There is no NOT VALID or USING INDEX form for exclusion constraints: add it while the table is new or small, or in a maintenance window.',
  doc: 'An exclusion constraint builds its (GiST) index and checks every row while ALTER TABLE holds ACCESS EXCLUSIVE; unlike CHECK and FOREIGN KEY it cannot be added NOT VALID, and unlike UNIQUE it cannot adopt an index built CONCURRENTLY.',
  examples: {
    bad: [{ sql: "SET lock_timeout = '2s'; ALTER TABLE b ADD CONSTRAINT no_overlap EXCLUDE USING gist (room WITH =, during WITH &&);" }],
    good: [{ sql: 'CREATE TABLE b (room int, during tstzrange, EXCLUDE USING gist (room WITH =, during WITH &&));' }],
  },
  on: { ops: ['exclusion-constraint'] },
  check: (s) =>
    statementOps(s, 'exclusion-constraint').map((o) => ({
      blocking: true,
      op: o,
      message: l10n.t('{0} on {1}: {2}.', 'ADD CONSTRAINT … EXCLUDE', tableName(s.table), o.impact.why),
    })),
} as const satisfies RuleModule;
