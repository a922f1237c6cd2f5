/** golang-migrate: `<version>_name.up.sql` + `.down.sql`; no transaction of its own, one Exec per file. */
import { build, nonTxNote, result, wrapsWhenSentAsOneQuery } from '../common';
import { sqlLines } from '../units';
import type { MigrationToolModule } from '../types';

export const golangMigrate: MigrationToolModule = {
  tool: 'golang-migrate',
  label: 'golang-migrate',
  transactions: {
    wrapsSqlFile: wrapsWhenSentAsOneQuery,
    optOut: { how: 'no switch: golang-migrate opens no transaction, so a file holding a single statement runs outside one' },
  },
  detect(ctx) {
    for (const d of ctx.sqlDirs) {
      if (ctx.filesUnder(d).some((f) => /^\d+_[^/]*\.up\.sql$/.test(f)))
        ctx.add(d, ctx.hasDep('node-pg-migrate') ? 3 : 6, `<version>_<name>.up.sql/.down.sql pairs in ${d || '.'}`);
    }
    if (/github\.com\/golang-migrate\/migrate/.test(ctx.samples['go.mod'] ?? '')) {
      const dirs = ctx.sqlDirs.filter((d) => ctx.filesUnder(d).some((f) => /^\d+_[^/]*\.up\.sql$/.test(f)));
      for (const d of dirs.length ? dirs : ['db/migrations']) ctx.add(d, 4, 'github.com/golang-migrate/migrate in go.mod');
    }
  },
  defaultDir: 'db/migrations',
  defaultScheme: { kind: 'timestamp', width: 14, format: 'datetime' },
  versionOf: (file) => /^(\d+)_[^/]*\.(up|down)\.sql$/.exec(file)?.[1],
  reads: () => [],
  write(plan, ctx) {
    const { files, units } = build(this, plan, ctx, {
      order: 'numeric',
      render: (u, v) => {
        const asComment = u.nonTransactional && plan.dialect === 'postgres';
        // PostgreSQL runs the file as one implicit transaction anyway; saying BEGIN/COMMIT makes it explicit (and visible to linters).
        const wrap = (lines: string[]) => (plan.dialect === 'postgres' && !u.nonTransactional ? ['BEGIN;', ...lines, 'COMMIT;'] : lines);
        const up = [...wrap(sqlLines(u.up, { lockTimeoutAsComment: asComment })), ''].join('\n');
        const down = [
          ...(u.down.length ? wrap(sqlLines(u.down, { lockTimeoutAsComment: asComment })) : ['-- nothing to undo in this phase']),
          '',
        ].join('\n');
        return {
          files: [
            { name: `${v}_${u.slug}.up.sql`, content: up },
            { name: `${v}_${u.slug}.down.sql`, content: down },
          ],
        };
      },
    });
    const notes = [
      'Apply with `migrate -path <dir> -database <url> up`; `down 1` undoes one migration.',
      ...nonTxNote(units, 'golang-migrate opens no transaction; PostgreSQL runs a multi-statement file as one implicit transaction'),
    ];
    if (plan.dialect !== 'postgres' && units.some((u) => u.up.length > 1)) {
      notes.push('Files hold several statements: the MySQL driver needs `multiStatements=true` in the database URL.');
    }
    return result('golang-migrate', { files, notes });
  },
};
