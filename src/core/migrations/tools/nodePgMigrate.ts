/** node-pg-migrate (PostgreSQL only): `<Date.now()>_name.js|ts` with `pgm.sql(…)`; `pgm.noTransaction()` in up and down. */
import { build, HEADER, nonTxNote, result } from '../common';
import { calls, isTs, oneTransactionWarning } from '../code';
import { WriterError, type MigrationToolModule } from '../types';
import { createIfAbsent, insertAbsent, now, withoutExtension } from '../history';
import type { Dialect } from '../../types';
import type { WrittenMigration } from '../types';

const NO_TX = 'pgm.noTransaction()';

/** node-pg-migrate's `pgmigrations (id, name = the file name without extension, run_on)`, as `up` creates it. */
function recordSql(dialect: Dialect, table: string, written: readonly WrittenMigration[]): string[] {
  return [
    createIfAbsent(dialect, table, 'id SERIAL PRIMARY KEY, name varchar(255) NOT NULL, run_on timestamp NOT NULL'),
    insertAbsent(
      dialect,
      table,
      ['name'],
      written.map((w) => ({ name: withoutExtension(w.file), run_on: now(dialect) })),
    ),
  ];
}

export const nodePgMigrate: MigrationToolModule = {
  tool: 'node-pg-migrate',
  label: 'node-pg-migrate',
  transactions: {
    wrapsSqlFile: () => true,
    optOut: { marker: NO_TX, where: 'first in both up and down' },
  },
  history: { table: 'pgmigrations', nameOf: (m) => withoutExtension(m.file), recordSql },
  detect(ctx) {
    if (!ctx.hasDep('node-pg-migrate')) return;
    const re = /^\d{13}_[^/]*\.(js|ts|cjs|mjs|cts|mts|sql)$/;
    const dirs = ctx.foldersWith(re);
    for (const d of dirs.length ? dirs : ['migrations']) {
      ctx.add(d, 6, 'node-pg-migrate in package.json', {
        code: ctx.codeFlavour(ctx.filesUnder(d), /^\d+_[^/]*\.(js|ts|cjs|mjs|cts|mts)$/, 'js'),
      });
    }
  },
  defaultDir: 'migrations',
  defaultScheme: { kind: 'timestamp', width: 13, format: 'unix-ms' },
  versionOf: (file) => /^(\d+)[_-][^/]*\.(js|ts|cjs|mjs|cts|mts|sql)$/.exec(file)?.[1],
  reads: () => [],
  write(plan, ctx) {
    if (plan.dialect !== 'postgres') throw new WriterError('node-pg-migrate supports PostgreSQL only; pick another tool for MySQL/MariaDB');
    const flavour = ctx.options.code ?? { ext: 'js', esm: false };
    const ts = isTs(flavour);
    const { files, units } = build(this, plan, ctx, {
      order: 'numeric',
      render: (u, v) => {
        const noTx = u.nonTransactional ? [`  ${NO_TX};`] : [];
        const up = [...noTx, ...calls(u.up, (l) => `pgm.sql(${l})`, '  ')];
        const down = [...noTx, ...(u.down.length ? calls(u.down, (l) => `pgm.sql(${l})`, '  ') : ['  // nothing to undo in this phase'])];
        const sig = ts ? '(pgm: MigrationBuilder): Promise<void>' : '(pgm)';
        const lines = flavour.esm
          ? [
              `// ${HEADER}: ${u.title}`,
              ...(ts ? ["import type { MigrationBuilder } from 'node-pg-migrate';", ''] : []),
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
              `exports.up = async function up${sig} {`,
              ...up,
              '};',
              '',
              `exports.down = async function down${sig} {`,
              ...down,
              '};',
              '',
            ];
        return { files: [{ name: `${v}_${u.slug.replace(/_/g, '-')}.${flavour.ext}`, content: lines.join('\n') }] };
      },
    });
    return result('node-pg-migrate', {
      files,
      warnings:
        units.length > 1
          ? [
              oneTransactionWarning(
                'node-pg-migrate',
                'run `node-pg-migrate up --no-single-transaction` (each migration in its own transaction)',
              ),
            ]
          : [],
      notes: [
        'Apply with `node-pg-migrate up`; `node-pg-migrate down` undoes one migration.',
        ...nonTxNote(units, `\`${NO_TX}\` in up and down`),
      ],
    });
  },
};
