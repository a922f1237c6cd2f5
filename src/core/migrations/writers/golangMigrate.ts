/** golang-migrate: `<version>_name.up.sql` + `.down.sql`; no transaction of its own, one Exec per file. */
import { build, nonTxNote, result } from '../common';
import { sqlLines } from '../units';
import type { MigrationWriter } from '../types';

export const golangMigrate: MigrationWriter = {
  tool: 'golang-migrate',
  label: 'golang-migrate',
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
        const down = [...(u.down.length ? wrap(sqlLines(u.down, { lockTimeoutAsComment: asComment })) : ['-- nothing to undo in this phase']), ''].join('\n');
        return { files: [{ name: `${v}_${u.slug}.up.sql`, content: up }, { name: `${v}_${u.slug}.down.sql`, content: down }] };
      },
    });
    const notes = ['Apply with `migrate -path <dir> -database <url> up`; `down 1` undoes one migration.', ...nonTxNote(units, 'golang-migrate opens no transaction; PostgreSQL runs a multi-statement file as one implicit transaction')];
    if (plan.dialect !== 'postgres' && units.some((u) => u.up.length > 1)) {
      notes.push('Files hold several statements: the MySQL driver needs `multiStatements=true` in the database URL.');
    }
    return result('golang-migrate', { files, notes });
  },
};
