/**
 * Kysely (kysely-ctl layout): `<Date.now()>_name.ts` exporting up/down with `sql.raw(…)`. On PostgreSQL the Migrator runs
 * the whole run in one transaction unless `disableTransactions` / `--no-transaction`; without it, statements that must
 * run outside a transaction are given as plain SQL instead.
 */
import { build, HEADER, result } from '../common';
import { calls, isTs, oneTransactionWarning } from '../code';
import type { Unit } from '../units';
import type { MigrationToolModule } from '../types';
import { createIfAbsent, insertAbsent, insertIfEmpty, withoutExtension } from '../history';
import type { Dialect } from '../../types';
import type { WrittenMigration } from '../types';

/**
 * Kysely's `kysely_migration (name, timestamp)` (name = the file name without extension, timestamp an ISO string) and
 * `kysely_migration_lock` with its `migration_lock` row, as the Migrator creates them.
 */
function recordSql(dialect: Dialect, table: string, written: readonly WrittenMigration[], at: Date): string[] {
  const lock = `${table}_lock`;
  return [
    createIfAbsent(dialect, table, 'name varchar(255) NOT NULL PRIMARY KEY, timestamp varchar(255) NOT NULL'),
    createIfAbsent(dialect, lock, 'id varchar(255) NOT NULL PRIMARY KEY, is_locked integer NOT NULL DEFAULT 0'),
    insertIfEmpty(dialect, lock, { id: 'migration_lock', is_locked: 0 }),
    insertAbsent(
      dialect,
      table,
      ['name'],
      written.map((w) => ({ name: withoutExtension(w.file), timestamp: at.toISOString() })),
    ),
  ];
}

export const kysely: MigrationToolModule = {
  tool: 'kysely',
  label: 'Kysely',
  transactions: {
    wrapsSqlFile: () => true,
    optOut: {
      how: 'no per-migration switch: the project sets `disableTransactions` (kysely-ctl `--no-transaction`), passed as the `nonTransactionalRunner` option; without it such statements are given as plain SQL',
    },
  },
  history: { table: 'kysely_migration', nameOf: (m) => withoutExtension(m.file), recordSql },
  detect(ctx) {
    // kysely-ctl layout
    const conf = ctx.has(/^(\.config\/)?kysely\.config\.(ts|js|mts|mjs|cts|cjs)$/).length > 0;
    if (!conf && !ctx.hasDep('kysely-ctl') && !ctx.hasDep('kysely')) return;
    const re = /^\d{13}_[^/]*\.(ts|js|mts|mjs|cts|cjs)$/;
    const score = conf || ctx.hasDep('kysely-ctl') ? 6 : 2;
    ctx.addGlobal(
      score,
      conf ? 'kysely.config' : ctx.hasDep('kysely-ctl') ? 'kysely-ctl in package.json' : 'kysely in package.json',
      re,
      'migrations',
    );
    for (const d of ctx.found()) d.options = { code: ctx.codeFlavour(ctx.filesUnder(d.dir), re, 'ts') };
  },
  defaultDir: 'migrations',
  defaultScheme: { kind: 'timestamp', width: 13, format: 'unix-ms' },
  versionOf: (file) => /^(\d+)[_-][^/]*\.(ts|js|mts|mjs|cts|cjs)$/.exec(file)?.[1],
  reads: () => [],
  write(plan, ctx) {
    const flavour = ctx.options.code ?? { ext: 'ts', esm: true };
    const ts = isTs(flavour);
    const noTxRun = !!ctx.options.nonTransactionalRunner;
    const q = (l: string) => `await sql.raw(${l}).execute(db)`;
    const {
      files,
      units: written,
      manual,
    } = build(this, plan, ctx, {
      order: 'text',
      canRunOutside: noTxRun,
      render: (u, v) => {
        // Without the Migrator's transaction, statements go through the pool: pin one connection for the lock timeout.
        const pin = (stmts: Unit['up']) =>
          u.nonTransactional
            ? [
                '  await db.connection().execute(async (conn) => {',
                ...calls(stmts, (l) => `await sql.raw(${l}).execute(conn)`, '    '),
                '  });',
              ]
            : calls(stmts, q, '  ');
        const up = pin(u.up);
        const down = u.down.length ? pin(u.down) : ['  // nothing to undo in this phase'];
        const sig = ts ? '(db: Kysely<any>): Promise<void>' : '(db)';
        const any = ts ? ['// eslint-disable-next-line @typescript-eslint/no-explicit-any'] : [];
        const lines = [
          `// ${HEADER}: ${u.title}`,
          ts
            ? "import { sql, type Kysely } from 'kysely';"
            : flavour.esm
              ? "import { sql } from 'kysely';"
              : "const { sql } = require('kysely');",
          '',
          ...any,
          `${flavour.esm ? 'export ' : ''}async function up${sig} {`,
          ...up,
          '}',
          '',
          ...any,
          `${flavour.esm ? 'export ' : ''}async function down${sig} {`,
          ...down,
          '}',
          '',
          ...(flavour.esm ? [] : ['module.exports = { up, down };', '']),
        ];
        return { files: [{ name: `${v}_${u.slug}.${flavour.ext}`, content: lines.join('\n') }] };
      },
    });
    const warnings: string[] = [];
    if (manual.length) {
      warnings.push(
        "Kysely's Migrator runs the whole migration run in one transaction on PostgreSQL unless `disableTransactions` is set, so the concurrent index build was not written as a Kysely migration: run the plain SQL below with psql after migrating, or set `disableTransactions: true` (kysely-ctl `--no-transaction`) and write again with that option.",
      );
    }
    if (plan.dialect === 'postgres' && written.length > 1 && !noTxRun)
      warnings.push(oneTransactionWarning('Kysely', 'apply them one at a time (`kysely migrate up`)'));
    const notes = [
      'Apply with `kysely migrate latest` (kysely-ctl) or `migrator.migrateToLatest()`; `kysely migrate down` undoes one migration.',
    ];
    if (noTxRun && written.some((u) => u.nonTransactional))
      notes.push(
        'Run with `disableTransactions: true` (kysely-ctl `--no-transaction`): a concurrent index build cannot run in a transaction.',
      );
    return result('kysely', { files, manual, warnings, notes });
  },
};
