/** golang-migrate: `<version>_name.up.sql` + `.down.sql`; no transaction of its own, one Exec per file. */
import { build, nonTxNote, result, wrapsWhenSentAsOneQuery } from '../common';
import { sqlLines } from '../units';
import type { MigrationToolModule } from '../types';
import { createIfAbsent } from '../history';
import { qualifiedTable } from '../../sql';
import type { Dialect } from '../../types';
import type { WrittenMigration } from '../types';

/**
 * golang-migrate keeps one row, `schema_migrations (version bigint, dirty boolean)`: the version applied last. Recording
 * sets it to the newest written version, clean, unless a newer version is already there. Not run with the real
 * golang-migrate here (it is not installed on this machine).
 */
function recordSql(dialect: Dialect, table: string, written: readonly WrittenMigration[]): string[] {
  const t = qualifiedTable(dialect, { schema: '', name: table });
  const last = Math.max(...written.map((w) => Number(w.version)));
  return [
    createIfAbsent(dialect, table, 'version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL'),
    `DELETE FROM ${t} WHERE version < ${last}`,
    `INSERT INTO ${t} (version, dirty) SELECT ${last}, FALSE${dialect === 'postgres' ? '' : ' FROM DUAL'} WHERE NOT EXISTS (SELECT 1 FROM ${t} WHERE version >= ${last})`,
  ];
}

export const golangMigrate: MigrationToolModule = {
  tool: 'golang-migrate',
  label: 'golang-migrate',
  transactions: {
    wrapsSqlFile: wrapsWhenSentAsOneQuery,
    optOut: { how: 'no switch: golang-migrate opens no transaction, so a file holding a single statement runs outside one' },
  },
  history: { table: 'schema_migrations', nameOf: (m) => m.version, recordSql },
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
        const again = `clear the dirty flag the failure left with \`migrate force\` to the version before ${v}, and run \`migrate up\``;
        const up = [...wrap(sqlLines(u.up, { lockTimeoutAsComment: asComment, again })), ''].join('\n');
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
