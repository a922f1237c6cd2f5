/** Sequelize CLI: `YYYYMMDDHHMMSS-name.js` exporting up/down; the CLI opens no transaction, so nothing to opt out of. */
import { build, HEADER, result } from '../common';
import { calls } from '../code';
import type { Unit } from '../units';
import type { MigrationToolModule } from '../types';
import { createIfAbsent, insertAbsent } from '../history';
import type { Dialect } from '../../types';
import type { WrittenMigration } from '../types';

/** Sequelize CLI's `SequelizeMeta (name varchar(255) PRIMARY KEY)`, one row per file name, as `db:migrate` creates it. */
function recordSql(dialect: Dialect, table: string, written: readonly WrittenMigration[]): string[] {
  const create = createIfAbsent(
    dialect,
    table,
    dialect === 'postgres'
      ? '"name" VARCHAR(255) NOT NULL UNIQUE, PRIMARY KEY ("name")'
      : '`name` VARCHAR(255) NOT NULL UNIQUE, PRIMARY KEY (`name`)',
    dialect === 'postgres' ? '' : ' ENGINE=InnoDB',
  );
  return [
    create,
    insertAbsent(
      dialect,
      table,
      ['name'],
      written.map((w) => ({ name: w.file })),
    ),
  ];
}

export const sequelize: MigrationToolModule = {
  tool: 'sequelize',
  label: 'Sequelize CLI',
  transactions: {
    wrapsSqlFile: () => false,
    optOut: { how: 'none needed: the CLI opens no transaction; the writer opens one in each migration that should have it' },
  },
  history: { table: 'SequelizeMeta', nameOf: (m) => m.file, recordSql },
  detect(ctx) {
    const rc = ctx.files.includes('.sequelizerc');
    if (!ctx.hasDep('sequelize-cli') && !rc) return;
    const re = /^\d{14}-[^/]*\.(js|cjs|ts|cts)$/;
    ctx.addGlobal(rc ? 7 : 5, ctx.hasDep('sequelize-cli') ? 'sequelize-cli in package.json' : '.sequelizerc', re, 'migrations');
    for (const d of ctx.found()) d.options = { code: ctx.codeFlavour(ctx.filesUnder(d.dir), re, 'js') };
  },
  defaultDir: 'migrations',
  defaultScheme: { kind: 'timestamp', width: 14, format: 'datetime' },
  versionOf: (file) => /^(\d+)-[^/]*\.(js|cjs|ts|cts)$/.exec(file)?.[1],
  reads: () => [],
  write(plan, ctx) {
    const flavour = ctx.options.code ?? { ext: 'js', esm: false };
    // The CLI opens no transaction and queries go through a pool: a transaction pins the lock-timeout SET and the DDL
    // to one connection. A unit that must run outside a transaction runs without one (and says so).
    const body = (stmts: Unit['up'], pinned: boolean): string[] => {
      if (!stmts.length) return ['    // nothing to undo in this phase'];
      if (!pinned) return calls(stmts, (l) => `await queryInterface.sequelize.query(${l})`, '    ');
      return [
        '    await queryInterface.sequelize.transaction(async (transaction) => {',
        ...calls(stmts, (l) => `await queryInterface.sequelize.query(${l}, { transaction })`, '      '),
        '    });',
      ];
    };
    const { files, units } = build(this, plan, ctx, {
      order: 'text',
      render: (u, v) => {
        const up = body(u.up, !u.nonTransactional);
        const down = body(u.down, !u.nonTransactional);
        const head = flavour.esm
          ? ['export default {']
          : ["'use strict';", '', "/** @type {import('sequelize-cli').Migration} */", 'module.exports = {'];
        const lines = [
          `// ${HEADER}: ${u.title}`,
          ...head,
          '  async up(queryInterface) {',
          ...up,
          '  },',
          '',
          '  async down(queryInterface) {',
          ...down,
          '  },',
          '};',
          '',
        ];
        return { files: [{ name: `${v}-${u.slug.replace(/_/g, '-')}.${flavour.ext}`, content: lines.join('\n') }] };
      },
    });
    const notes = [
      'Apply with `sequelize db:migrate`; `sequelize db:migrate:undo` undoes one migration. Each migration runs its statements in a transaction of its own (one connection, so the lock timeout applies to the DDL).',
    ];
    if (units.some((u) => u.nonTransactional && u.up.some((s) => s.lockTimeout))) {
      notes.push(
        'Migrations that must run outside a transaction go through the connection pool statement by statement, so their `SET lock_timeout` may land on another connection: set the lock timeout for the migration user too (`ALTER ROLE … SET lock_timeout`).',
      );
    }
    return result('sequelize', { files, notes });
  },
};
