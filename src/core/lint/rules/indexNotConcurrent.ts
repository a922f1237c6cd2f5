import * as l10n from '@vscode/l10n';
import { actionsOf, isBlockingLock, tableName } from './shared';
import type { RuleFinding, RuleModule } from './types';

export const indexNotConcurrent = {
  id: 'index-not-concurrent',
  title: 'CREATE INDEX blocks writes',
  severity: 'error',
  help: 'CREATE INDEX CONCURRENTLY (outside a transaction block); on MySQL/MariaDB ALGORITHM=INPLACE, LOCK=NONE.',
  doc: 'A plain CREATE INDEX takes SHARE on PostgreSQL: reads continue, every write waits for the whole build. CONCURRENTLY builds without blocking writes. On MySQL/MariaDB an ADD INDEX that cannot run with LOCK=NONE blocks writes too: a FULLTEXT index always does (INPLACE, LOCK=SHARED; the first one of a table also rebuilds it).',
  examples: {
    bad: [
      { sql: "SET lock_timeout = '2s'; CREATE INDEX i ON t (c);" },
      { sql: 'SET SESSION lock_wait_timeout = 2; ALTER TABLE t ADD FULLTEXT INDEX ft (body);', dialect: 'mariadb' },
      { sql: 'SET SESSION lock_wait_timeout = 2; CREATE FULLTEXT INDEX ft ON t (body);', dialect: 'mysql' },
    ],
    good: [
      { sql: 'CREATE INDEX CONCURRENTLY i ON t (c);' },
      { sql: 'CREATE TABLE t (c int); CREATE INDEX i ON t (c);' },
      { sql: 'SET SESSION lock_wait_timeout = 2; CREATE INDEX i ON t (c);', dialect: 'mariadb' },
    ],
  },
  on: { kinds: ['create-index'], actions: ['add-index'] },
  check: (s) => {
    const out: RuleFinding[] = [];
    if (s.engine === 'postgres' && s.parsed.kind === 'create-index') {
      const idx = s.parsed.index!;
      const o = s.operations[0];
      if (o && !idx.concurrent && o.impact.blocks.writes) {
        out.push({
          blocking: true,
          op: o,
          message: l10n.t('{0} on {1}: {2}.', 'CREATE INDEX', tableName(s.table), o.impact.why),
          fix: l10n.t(
            '{0} ON … (outside a transaction block).',
            `CREATE ${idx.unique ? 'UNIQUE ' : ''}INDEX CONCURRENTLY${idx.name ? ` ${idx.name}` : ''}`,
          ),
        });
      }
    }
    if (s.engine === 'mysql' && !isBlockingLock(s.parsed.lock) && s.parsed.algorithm !== 'COPY') {
      const fix = (fulltext: boolean) =>
        fulltext
          ? l10n.t(
              'MySQL/MariaDB have no online FULLTEXT build: on a large table use an online schema change tool (pt-online-schema-change, gh-ost builds it on a copy), or run it in a quiet window.',
            )
          : l10n.t('ALGORITHM=INPLACE, LOCK=NONE, or an online schema change tool (pt-online-schema-change, gh-ost).');
      for (const a of actionsOf(s, 'add-index')) {
        if (a.impact.blocks.writes)
          out.push({
            blocking: true,
            op: a,
            message: l10n.t('{0} on {1}: {2}.', a.action.fulltext ? 'ADD FULLTEXT INDEX' : 'ADD INDEX', tableName(s.table), a.impact.why),
            fix: fix(a.action.fulltext),
          });
      }
      const o = s.parsed.kind === 'create-index' ? s.operations[0] : undefined;
      if (o && o.impact.blocks.writes && !o.impact.fails) {
        const fulltext = s.parsed.index?.fulltext === true;
        out.push({
          blocking: true,
          op: o,
          message: l10n.t('{0} on {1}: {2}.', fulltext ? 'CREATE FULLTEXT INDEX' : 'CREATE INDEX', tableName(s.table), o.impact.why),
          fix: fix(fulltext),
        });
      }
    }
    return out;
  },
} as const satisfies RuleModule;
