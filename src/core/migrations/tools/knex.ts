/** Knex: `YYYYMMDDHHMMSS_name.js|ts` exporting up/down; `config = { transaction: false }` for non-transactional phases. */
import { build, HEADER, nonTxNote, result } from '../common';
import { calls, isTs, oneTransactionWarning } from '../code';
import type { MigrationToolModule } from '../types';
import { createIfAbsent, insertAbsent, insertIfEmpty, now } from '../history';
import { qualifiedTable } from '../../sql';
import type { Dialect } from '../../types';
import type { WrittenMigration } from '../types';

const NO_TX = 'config = { transaction: false }';

/**
 * Knex's `knex_migrations` (id, name = the file name, batch, migration_time) and its lock table `<table>_lock` (index,
 * is_locked) with its one row, as `migrate:latest` creates them; the recorded files are one new batch.
 */
function recordSql(dialect: Dialect, table: string, written: readonly WrittenMigration[]): string[] {
  const pg = dialect === 'postgres';
  const lock = `${table}_lock`;
  const t = qualifiedTable(dialect, { schema: '', name: table });
  return [
    createIfAbsent(
      dialect,
      table,
      pg
        ? '"id" serial primary key, "name" varchar(255), "batch" integer, "migration_time" timestamptz'
        : '`id` int unsigned not null auto_increment primary key, `name` varchar(255), `batch` int, `migration_time` timestamp NULL',
    ),
    createIfAbsent(
      dialect,
      lock,
      pg ? '"index" serial primary key, "is_locked" integer' : '`index` int unsigned not null auto_increment primary key, `is_locked` int',
    ),
    insertIfEmpty(dialect, lock, { is_locked: 0 }),
    insertAbsent(
      dialect,
      table,
      ['name'],
      written.map((w) => ({
        name: w.file,
        batch: { sql: `(SELECT COALESCE(MAX(batch), 0) + 1 FROM ${t})` },
        migration_time: now(dialect),
      })),
    ),
  ];
}

export const knex: MigrationToolModule = {
  tool: 'knex',
  label: 'Knex',
  transactions: {
    wrapsSqlFile: () => true,
    optOut: { marker: NO_TX, where: 'exported from the migration module' },
  },
  history: { table: 'knex_migrations', nameOf: (m) => m.file, recordSql },
  detect(ctx) {
    const knexfile = ctx.has(/(^|\/)knexfile\.(js|ts|cjs|mjs|cts|mts)$/)[0];
    if (!knexfile && !ctx.hasDep('knex')) return;
    const re = /^\d{14}_[^/]*\.(js|ts|cjs|mjs|cts|mts)$/;
    const fallback = knexfile && /\.ts$/.test(knexfile) ? 'ts' : 'js';
    const dirs = ctx.foldersWith(re);
    for (const d of dirs.length ? dirs : ['migrations']) {
      ctx.add(d, knexfile ? 7 : 4, knexfile ? `${knexfile}` : 'knex in package.json', {
        code: ctx.codeFlavour(ctx.filesUnder(d), re, fallback),
      });
    }
  },
  defaultDir: 'migrations',
  defaultScheme: { kind: 'timestamp', width: 14, format: 'datetime' },
  versionOf: (file) => /^(\d+)_[^/]*\.(js|ts|cjs|mjs|cts|mts)$/.exec(file)?.[1],
  reads: () => [],
  write(plan, ctx) {
    const flavour = ctx.options.code ?? { ext: 'js', esm: false };
    const ts = isTs(flavour);
    const { files, units } = build(this, plan, ctx, {
      order: 'text',
      render: (u, v) => {
        const up = calls(u.up, (l) => `await knex.raw(${l})`, '  ');
        const down = u.down.length ? calls(u.down, (l) => `await knex.raw(${l})`, '  ') : ['  // nothing to undo in this phase'];
        const sig = ts ? '(knex: Knex): Promise<void>' : '(knex)';
        const lines = flavour.esm
          ? [
              `// ${HEADER}: ${u.title}`,
              ...(ts ? ["import type { Knex } from 'knex';", ''] : []),
              ...(u.nonTransactional ? [`export const ${NO_TX};`, ''] : []),
              `export async function up${sig} {`,
              ...up,
              '}',
              '',
              `export async function down${sig} {`,
              ...down,
              '}',
              '',
            ]
          : [
              `// ${HEADER}: ${u.title}`,
              ...(u.nonTransactional ? [`exports.${NO_TX};`, ''] : []),
              `exports.up = async function up${sig} {`,
              ...up,
              '};',
              '',
              `exports.down = async function down${sig} {`,
              ...down,
              '};',
              '',
            ];
        return { files: [{ name: `${v}_${u.slug}.${flavour.ext}`, content: lines.join('\n') }] };
      },
    });
    const warnings =
      plan.dialect === 'postgres' && units.length > 1 && !units.some((u) => u.nonTransactional)
        ? [oneTransactionWarning('Knex', 'apply them one at a time with `knex migrate:up`')]
        : [];
    const notes = ['Apply with `knex migrate:latest`; `knex migrate:down` undoes one migration.', ...nonTxNote(units, `\`${NO_TX}\``)];
    if (units.some((u) => u.nonTransactional && u.up.some((s) => s.lockTimeout))) {
      notes.push(
        'Migrations with `transaction: false` run their statements through the connection pool, so their `SET lock_timeout` may land on another connection: set the lock timeout for the migration user too (`ALTER ROLE … SET lock_timeout`).',
      );
    }
    return result('knex', {
      files,
      warnings,
      notes,
    });
  },
};
