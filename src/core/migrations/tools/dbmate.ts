/** dbmate: `YYYYMMDDHHMMSS_name.sql` with `-- migrate:up` / `-- migrate:down`; `transaction:false` on both markers. */
import { build, HEADER, nonTxNote, result } from '../common';
import { sqlLines } from '../units';
import { qualifiedTable, quoteLiteral } from '../../sql';
import type { Dialect, Plan } from '../../types';
import { defaultName } from '../units';
import type { MigrationToolModule } from '../types';

const NO_TX = ' transaction:false';
const NO_TX_RE = /transaction\s*:\s*false/i;

/** The versions of the files `write` made for the plan (named `<version>_<plan name>_<phase>[_n].sql`), in order. */
function versionsOf(plan: Plan, fileNames: readonly string[], name: string = defaultName(plan)): string[] {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`^(\\d+)_${escaped}_(expand|backfill|index|constrain|cutover|contract)(_\\d+)?\\.sql$`);
  return fileNames.flatMap((f) => re.exec(f)?.[1] ?? []).sort();
}

/**
 * dbmate's table is `schema_migrations (version varchar(128) PRIMARY KEY)` on PostgreSQL and MySQL/MariaDB; it creates
 * it the same way when it first runs.
 */
function recordSql(dialect: Dialect, table: string, versions: readonly string[]): string[] {
  const t = qualifiedTable(dialect, { schema: '', name: table });
  const create = `CREATE TABLE IF NOT EXISTS ${t} (version varchar(128) ${dialect === 'postgres' ? '' : 'NOT NULL '}PRIMARY KEY)`;
  const insert = versions.map((v) =>
    dialect === 'postgres'
      ? `INSERT INTO ${t} (version) VALUES (${quoteLiteral(dialect, v)}) ON CONFLICT DO NOTHING`
      : `INSERT IGNORE INTO ${t} (version) VALUES (${quoteLiteral(dialect, v)})`,
  );
  return [create, ...insert];
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
  history: { table: 'schema_migrations', tableEnv: 'DBMATE_MIGRATIONS_TABLE', versionsOf, recordSql },
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
          ...sqlLines(u.up, { lockTimeoutAsComment: single }),
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
