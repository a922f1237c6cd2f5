import { actionsOf, isBlockingLock, tableName } from './shared';
import type { RuleFinding, RuleModule } from './types';

export const indexNotConcurrent = {
  id: 'index-not-concurrent',
  title: 'CREATE INDEX blocks writes',
  severity: 'error',
  help: 'CREATE INDEX CONCURRENTLY (outside a transaction block); on MySQL/MariaDB ALGORITHM=INPLACE, LOCK=NONE.',
  doc: 'A plain CREATE INDEX takes SHARE on PostgreSQL: reads continue, every write waits for the whole build. CONCURRENTLY builds without blocking writes. On MySQL/MariaDB an ADD INDEX that cannot run with LOCK=NONE blocks writes too.',
  examples: {
    bad: [{ sql: "SET lock_timeout = '2s'; CREATE INDEX i ON t (c);" }],
    good: [{ sql: 'CREATE INDEX CONCURRENTLY i ON t (c);' }, { sql: 'CREATE TABLE t (c int); CREATE INDEX i ON t (c);' }],
  },
  check: (s) => {
    const out: RuleFinding[] = [];
    if (s.engine === 'postgres' && s.parsed.kind === 'create-index') {
      const idx = s.parsed.index!;
      const o = s.operations[0];
      if (o && !idx.concurrent && o.impact.blocks.writes) {
        out.push({
          blocking: true, op: o,
          message: `CREATE INDEX on ${tableName(s.table)}: ${o.impact.why}.`,
          fix: `CREATE ${idx.unique ? 'UNIQUE ' : ''}INDEX CONCURRENTLY${idx.name ? ` ${idx.name}` : ''} ON … (outside a transaction block).`,
        });
      }
    }
    if (s.engine === 'mysql') {
      for (const a of actionsOf(s, 'add-index')) {
        if (a.impact.blocks.writes && !isBlockingLock(s.parsed.lock) && s.parsed.algorithm !== 'COPY') {
          out.push({ blocking: true, op: a, message: `ADD INDEX on ${tableName(s.table)}: ${a.impact.why}.` });
        }
      }
    }
    return out;
  },
} as const satisfies RuleModule;
