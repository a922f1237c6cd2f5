/** Plain numbered SQL files for psql or a custom runner: `BEGIN; … COMMIT;` around transactional phases. */
import { build, HEADER, result } from '../common';
import { sqlLines } from '../units';
import type { MigrationToolModule } from '../types';

export const plainSql: MigrationToolModule = {
  tool: 'plain-sql',
  label: 'Plain SQL files',
  transactions: {
    wrapsSqlFile: () => false,
    optOut: { how: 'psql opens no transaction: the writer puts BEGIN/COMMIT around the transactional files only' },
  },
  detect(ctx) {
    // Numbered .sql folders no other tool claimed (a V… folder is Flyway's layout).
    const claimed = ctx.claimed();
    for (const d of ctx.sqlDirs)
      if (!claimed.has(d) && !/^V/.test(d.slice(d.lastIndexOf('/') + 1))) ctx.add(d, 2, `numbered .sql files in ${d || '.'}`);
  },
  defaultDir: 'migrations',
  defaultScheme: { kind: 'sequential', width: 3 },
  versionOf: (file) => /^(\d+)[_-][^/]*\.sql$/.exec(file)?.[1],
  reads: () => [],
  write(plan, ctx) {
    const pg = plan.dialect === 'postgres';
    const { files } = build(this, plan, ctx, {
      order: 'text',
      render: (u, v) => {
        const wrap = pg && !u.nonTransactional;
        const body = [
          `-- ${HEADER}: ${u.title}${u.nonTransactional ? ' (outside a transaction: run it on its own, not with psql --single-transaction)' : ''}`,
          ...(wrap ? ['BEGIN;'] : []),
          ...sqlLines(u.up, { delimiter: !pg }),
          ...(wrap ? ['COMMIT;'] : []),
        ];
        const down = u.down.length
          ? ['', '-- To undo:', ...sqlLines(u.down, { delimiter: !pg }).flatMap((l) => l.split('\n').map((x) => `--   ${x}`))]
          : [];
        return { files: [{ name: `${v}_${u.slug}.sql`, content: [...body, ...down, ''].join('\n') }] };
      },
    });
    return result('plain-sql', {
      files,
      notes: [
        pg
          ? 'Run each file with `psql -v ON_ERROR_STOP=1 -f <file>` in order.'
          : 'Run each file with `mariadb < <file>` (or `mysql`) in order; MySQL/MariaDB DDL commits implicitly, so the files have no BEGIN/COMMIT.',
      ],
    });
  },
};
