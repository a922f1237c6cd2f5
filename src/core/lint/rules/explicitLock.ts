import * as l10n from '@vscode/l10n';
import { tableName } from './shared';
import { statementOps } from './statementOps';
import type { RuleModule } from './types';

export const explicitLock = {
  id: 'explicit-lock',
  title: 'LOCK TABLE / LOCK TABLES holds a lock that blocks other sessions until the transaction (or UNLOCK TABLES) ends',
  severity: 'warning',
  help: 'Take no explicit lock in a migration: the statements that need one take it themselves, for as long as they run. If one is needed, keep the transaction that holds it to that one statement and set a lock timeout first.',
  doc: 'PostgreSQL `LOCK TABLE` (ACCESS EXCLUSIVE when no mode is written) holds its mode until the transaction commits: from SHARE up it blocks writes, and ACCESS EXCLUSIVE blocks reads too, for every statement that follows in the transaction. MySQL/MariaDB `LOCK TABLES … WRITE` blocks every other session’s reads and writes, `… READ` their writes, until `UNLOCK TABLES`. Modes that block neither (ACCESS SHARE … SHARE UPDATE EXCLUSIVE) are not reported.',
  examples: {
    bad: [
      { sql: "SET lock_timeout = '2s'; BEGIN; LOCK TABLE t IN ACCESS EXCLUSIVE MODE; COMMIT;" },
      { sql: "SET lock_timeout = '2s'; BEGIN; LOCK TABLE t IN SHARE MODE; COMMIT;" },
      { sql: 'SET SESSION lock_wait_timeout = 2; LOCK TABLES t WRITE;', dialect: 'mariadb' },
    ],
    good: [{ sql: "SET lock_timeout = '2s'; BEGIN; LOCK TABLE t IN ROW EXCLUSIVE MODE; COMMIT;" }],
  },
  on: { ops: ['lock-table'] },
  check: (s) =>
    statementOps(s, 'lock-table')
      .filter((o) => o.impact.blocks.writes || o.impact.blocks.reads)
      .map((o) => ({
        blocking: true,
        op: o,
        message: l10n.t('{0} {1} ({2}): {3}.', s.parsed.label ?? 'LOCK TABLE', tableName(s.table), o.op.mode, o.impact.why),
      })),
} as const satisfies RuleModule;
