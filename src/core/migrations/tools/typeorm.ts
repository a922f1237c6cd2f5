/**
 * TypeORM: `<Date.now()>-Name.ts`, a class named `Name<13-digit timestamp>`. `transaction = false` is only allowed when
 * the project runs migrations with `migrationsTransactionMode: 'each'` (or `--transaction each`); in the default mode
 * 'all' it throws, so those statements are given as plain SQL instead.
 */
import { build, HEADER, pascal, result } from '../common';
import { calls, isTs, oneTransactionWarning } from '../code';
import type { MigrationToolModule } from '../types';
import { createIfAbsent, insertAbsent } from '../history';
import type { Dialect } from '../../types';
import type { WrittenMigration } from '../types';

const NO_TX = 'transaction = false';

/** The migration's name as TypeORM records it: the class's `name` property the writer sets (`<Pascal slug><timestamp>`). */
function className(m: WrittenMigration): string {
  return /^\s*name = '([A-Za-z0-9_]+)';$/m.exec(m.content)?.[1] ?? `${pascal(m.file.replace(/^\d+-|\.[^.]*$/g, ''))}${m.version}`;
}

/** TypeORM's `migrations (id, timestamp bigint, name)`, as `migration:run` creates it; a row per class name. */
function recordSql(dialect: Dialect, table: string, written: readonly WrittenMigration[]): string[] {
  const create = createIfAbsent(
    dialect,
    table,
    dialect === 'postgres'
      ? '"id" SERIAL NOT NULL PRIMARY KEY, "timestamp" bigint NOT NULL, "name" character varying NOT NULL'
      : '`id` int NOT NULL AUTO_INCREMENT, `timestamp` bigint NOT NULL, `name` varchar(255) NOT NULL, PRIMARY KEY (`id`)',
    dialect === 'postgres' ? '' : ' ENGINE=InnoDB',
  );
  return [
    create,
    insertAbsent(
      dialect,
      table,
      ['name'],
      written.map((w) => ({ timestamp: Number(w.version), name: className(w) })),
    ),
  ];
}

export const typeorm: MigrationToolModule = {
  tool: 'typeorm',
  label: 'TypeORM',
  transactions: {
    wrapsSqlFile: () => true,
    optOut: {
      marker: NO_TX,
      where: "a class property; TypeORM honours it only under `migrationsTransactionMode: 'each'` (the `nonTransactionalRunner` option)",
    },
  },
  history: { table: 'migrations', nameOf: className, recordSql },
  detect(ctx) {
    if (!ctx.hasDep('typeorm')) return;
    const re = /^\d{13}-[^/]*\.(ts|js|cjs|mjs|cts|mts)$/;
    ctx.addGlobal(4, 'typeorm in package.json', re, 'src/migrations', { code: { ext: 'ts', esm: true } });
    for (const d of ctx.found()) d.options = { code: ctx.codeFlavour(ctx.filesUnder(d.dir), re, 'ts') };
  },
  defaultDir: 'src/migrations',
  defaultScheme: { kind: 'timestamp', width: 13, format: 'unix-ms' },
  versionOf: (file) => /^(\d{13})-[^/]*\.(ts|js|cjs|mjs|cts|mts)$/.exec(file)?.[1],
  reads: () => [],
  write(plan, ctx) {
    const flavour = ctx.options.code ?? { ext: 'ts', esm: true };
    const ts = isTs(flavour);
    const eachMode = !!ctx.options.nonTransactionalRunner;
    // TypeORM reads the timestamp from the last 13 characters of the class name, so the scheme is always Date.now().
    const {
      files,
      units: written,
      manual,
    } = build(
      this,
      plan,
      { ...ctx, versionScheme: { kind: 'timestamp', width: 13, format: 'unix-ms' } },
      {
        order: 'numeric',
        canRunOutside: eachMode,
        render: (u, v) => {
          const cls = `${pascal(u.slug)}${v}`;
          const q = (l: string) => `await queryRunner.query(${l})`;
          const up = calls(u.up, q, '    ');
          const down = u.down.length ? calls(u.down, q, '    ') : ['    // nothing to undo in this phase'];
          const sig = ts ? '(queryRunner: QueryRunner): Promise<void>' : '(queryRunner)';
          const body = [
            `  name = '${cls}';`,
            ...(u.nonTransactional ? [`  ${NO_TX};`] : []),
            '',
            `  public async up${sig} {`,
            ...up,
            '  }',
            '',
            `  public async down${sig} {`,
            ...down,
            '  }',
          ].map((l) => (ts ? l : l.replace('public ', '')));
          const lines =
            ts || flavour.esm
              ? [
                  `// ${HEADER}: ${u.title}`,
                  ...(ts ? ["import type { MigrationInterface, QueryRunner } from 'typeorm';", ''] : []),
                  `export class ${cls}${ts ? ' implements MigrationInterface' : ''} {`,
                  ...body,
                  '}',
                  '',
                ]
              : [`// ${HEADER}: ${u.title}`, `exports.${cls} = class ${cls} {`, ...body, '};', ''];
          return { files: [{ name: `${v}-${pascal(u.slug)}.${flavour.ext}`, content: lines.join('\n') }] };
        },
      },
    );
    const warnings: string[] = [];
    if (manual.length) {
      warnings.push(
        "TypeORM's default migrationsTransactionMode 'all' runs every migration in one transaction and throws if one sets `" +
          NO_TX +
          "`, so the concurrent index build was not written as a TypeORM migration: run the plain SQL below with psql after `typeorm migration:run`, or switch the project to `migrationsTransactionMode: 'each'` and write again with that option.",
      );
    }
    if (plan.dialect === 'postgres' && written.length > 1 && !eachMode)
      warnings.push(oneTransactionWarning('TypeORM', 'run `typeorm migration:run --transaction each`'));
    const notes = [
      'Apply with `typeorm migration:run -d <data-source>`; `typeorm migration:revert` undoes one migration. If the DataSource lists migration classes explicitly, add the new ones.',
    ];
    if (eachMode && written.some((u) => u.nonTransactional)) {
      notes.push(
        'Non-transactional migrations set `' +
          NO_TX +
          "`; run with `migrationsTransactionMode: 'each'` (`--transaction each`). `typeorm migration:revert` ignores `" +
          NO_TX +
          '`: revert those with `--transaction none`.',
      );
    }
    return result('typeorm', { files, manual, warnings, notes });
  },
};
