import * as l10n from '@vscode/l10n';
import { actionsOf, tableName } from './shared';
import type { RuleFinding, RuleModule } from './types';

export const blockingDdl = {
  id: 'blocking-ddl',
  title: 'Statement holds a lock that blocks reads or writes while it works',
  severity: 'warning',
  help: 'See the lock and the safe alternative in the message.',
  doc: 'A statement with no online form on this engine holds a lock that blocks writes (or reads) for as long as it works on the table. The message names the lock and the alternative. MySQL/MariaDB: ADD CHECK, ADD FOREIGN KEY with foreign_key_checks on (a `SET foreign_key_checks = 0` earlier in the file counts), CONVERT TO CHARACTER SET, DROP PRIMARY KEY without a new one, ENGINE= another engine.',
  examples: {
    bad: [
      { sql: 'SET SESSION lock_wait_timeout = 2; ALTER TABLE t ADD CONSTRAINT c CHECK (a > 0);', dialect: 'mysql' },
      { sql: 'SET SESSION lock_wait_timeout = 2; ALTER TABLE t CONVERT TO CHARACTER SET utf8mb4;', dialect: 'mariadb' },
      { sql: 'SET SESSION lock_wait_timeout = 2; ALTER TABLE t DROP PRIMARY KEY;', dialect: 'mariadb' },
    ],
    good: [
      { sql: 'SET SESSION lock_wait_timeout = 2; ALTER TABLE t ADD COLUMN c int;', dialect: 'mysql' },
      { sql: 'SET SESSION lock_wait_timeout = 2; ALTER TABLE t DROP PRIMARY KEY, ADD PRIMARY KEY (a, b);', dialect: 'mariadb' },
      { sql: 'SET SESSION lock_wait_timeout = 2; ALTER TABLE t FORCE;', dialect: 'mariadb' },
      {
        sql: 'SET SESSION foreign_key_checks = 0; SET SESSION lock_wait_timeout = 2; ALTER TABLE t ADD CONSTRAINT f FOREIGN KEY (a) REFERENCES o (id);',
        dialect: 'mariadb',
      },
    ],
  },
  on: { kinds: ['alter-table'] },
  check: (s) => {
    if (s.engine !== 'mysql') return [];
    const out: RuleFinding[] = [];
    for (const a of actionsOf(s, 'add-constraint')) {
      const c = a.action;
      if (c.notValid || !['check', 'foreign', 'not-null'].includes(c.constraint)) continue;
      if (!a.impact.blocks.writes || s.parsed.algorithm === 'COPY') continue;
      out.push({
        blocking: true,
        op: a,
        message: l10n.t('{0} on {1}: {2}.', c.constraint === 'foreign' ? 'ADD FOREIGN KEY' : 'ADD CHECK', tableName(s.table), a.impact.why),
        fix:
          c.constraint === 'foreign'
            ? l10n.t(
                'Only when every row is known to match: SET SESSION foreign_key_checks = 0 around the ALTER (INPLACE, no copy); otherwise an online schema change tool.',
              )
            : l10n.t('There is no online path for CHECK on MySQL/MariaDB; use an online schema change tool for large tables.'),
      });
    }
    // Clauses that copy the table whatever is written (probed on MariaDB 10.11).
    for (const a of s.actions) {
      if (
        (a.op.op !== 'convert-charset' && a.op.op !== 'drop-primary-key' && a.op.op !== 'rebuild') ||
        a.fails ||
        !a.impact.blocks.writes ||
        s.parsed.algorithm === 'COPY'
      )
        continue;
      const what =
        a.op.op === 'convert-charset' ? 'CONVERT TO CHARACTER SET' : a.op.op === 'drop-primary-key' ? 'DROP PRIMARY KEY' : 'ENGINE=';
      out.push({
        blocking: true,
        op: a,
        message: l10n.t('{0} on {1}: {2}.', what, tableName(s.table), a.impact.why),
        fix:
          a.op.op === 'drop-primary-key'
            ? l10n.t(
                'Drop and add the primary key in one statement (DROP PRIMARY KEY, ADD PRIMARY KEY (…) runs INPLACE, LOCK=NONE), or use an online schema change tool.',
              )
            : l10n.t(
                'Use an online schema change tool (pt-online-schema-change, gh-ost) on a large table; for new text only, change the column defaults instead (ALTER TABLE … DEFAULT CHARACTER SET … changes metadata only).',
              ),
      });
    }
    return out;
  },
} as const satisfies RuleModule;
