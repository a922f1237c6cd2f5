/** dbmate: `YYYYMMDDHHMMSS_name.sql` with `-- migrate:up` / `-- migrate:down`; `transaction:false` on both markers. */
import { build, HEADER, nonTxNote, result } from '../common';
import { sqlLines } from '../units';
import { createIfAbsent, insertAbsent } from '../history';
import type { Dialect } from '../../types';
import type { MigrationToolModule, WrittenMigration } from '../types';

const NO_TX = ' transaction:false';
const NO_TX_RE = /transaction\s*:\s*false/i;

/**
 * dbmate's table is `schema_migrations (version varchar(128) PRIMARY KEY)` on PostgreSQL and MySQL/MariaDB; it creates
 * it the same way when it first runs.
 */
function recordSql(dialect: Dialect, table: string, written: readonly WrittenMigration[]): string[] {
  const create = createIfAbsent(dialect, table, `version varchar(128) ${dialect === 'postgres' ? '' : 'NOT NULL '}PRIMARY KEY`);
  return [
    create,
    insertAbsent(
      dialect,
      table,
      ['version'],
      written.map((w) => ({ version: w.version })),
    ),
  ];
}

export const dbmate: MigrationToolModule = {
  tool: 'dbmate',
  label: 'dbmate',
  transactions: {
    wrapsSqlFile: () => true,
    optOut: { marker: `-- migrate:up${NO_TX}`, where: `\`${NO_TX.trim()}\` on the \`-- migrate:up\` and \`-- migrate:down\` lines` },
    sqlComment: (t) => (/^migrate:up\b/i.test(t) ? !NO_TX_RE.test(t) : undefined),
    sqlSection: (t) => (/^migrate:(up|down)\b/i.test(t) ? { mode: !NO_TX_RE.test(t) } : undefined),
  },
  history: { table: 'schema_migrations', tableEnv: 'DBMATE_MIGRATIONS_TABLE', nameOf: (m) => m.version, recordSql },
  detect(ctx) {
    for (const d of ctx.sqlDirs) if (ctx.sampleIn(d, /^--\s*migrate:up/im)) ctx.add(d, 9, `-- migrate:up in ${d || '.'}`);
    if (ctx.hasDep('dbmate')) {
      const dirs = ctx.sqlDirs.filter((d) => /(^|\/)db\/migrations$/.test(d));
      for (const d of dirs.length ? dirs : ['db/migrations']) ctx.add(d, 6, 'dbmate in package.json');
    }
  },
  defaultDir: 'db/migrations',
  defaultScheme: { kind: 'timestamp', width: 14, format: 'datetime' },
  versionOf: (file) => /^(\d+)[^/]*\.sql$/.exec(file)?.[1],
  reads: () => [],
  write(plan, ctx) {
    const { files, units } = build(this, plan, ctx, {
      order: 'numeric',

      render: (u, v) => {
        const opt = u.nonTransactional ? NO_TX : '';
        // PostgreSQL runs a multi-statement file as one implicit transaction: a non-transactional file holds one statement.
        const single = u.nonTransactional && plan.dialect === 'postgres';
        const down = u.down.length ? sqlLines(u.down, { lockTimeoutAsComment: single }) : ['-- nothing to undo in this phase'];
        const content = [
          `-- migrate:up${opt}`,
          `-- ${HEADER}: ${u.title}`,
          ...sqlLines(u.up, { lockTimeoutAsComment: single, again: 'run `dbmate up` (it did not record the failed migration)' }),
          '',
          `-- migrate:down${opt}`,
          ...down,
          '',
        ].join('\n');
        return { files: [{ name: `${v}_${u.slug}.sql`, content }] };
      },
    });
    return result('dbmate', {
      files,
      notes: ['Apply with `dbmate up`; `dbmate rollback` undoes one migration at a time.', ...nonTxNote(units, `\`${NO_TX.trim()}\``)],
    });
  },
};
