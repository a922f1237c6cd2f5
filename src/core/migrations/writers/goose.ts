/** goose: `<version>_name.sql` with `-- +goose Up` / `-- +goose Down`; `-- +goose NO TRANSACTION` for the whole file. */
import { build, HEADER, nonTxNote, result } from '../common';
import { commentLines, type Statement } from '../units';
import type { MigrationWriter } from '../types';

/** goose splits on `;` at line ends; dollar-quoted bodies and multi-line statements need StatementBegin/End. */
function gooseLines(stmts: readonly Statement[]): string[] {
  return stmts.flatMap((s) => {
    const lines = commentLines(s).map((l) => `-- ${l}`);
    if (/\$|;/.test(s.sql) || s.sql.includes('\n')) return [...lines, '-- +goose StatementBegin', `${s.sql};`, '-- +goose StatementEnd'];
    return [...lines, `${s.sql};`];
  });
}

export const goose: MigrationWriter = {
  tool: 'goose',
  label: 'goose',
  defaultDir: 'migrations',
  defaultScheme: { kind: 'timestamp', width: 14, format: 'datetime' },
  versionOf: (file) => /^(\d+)_[^/]*\.(sql|go)$/.exec(file)?.[1],
  reads: () => [],
  write(plan, ctx) {
    const { files, units } = build(this, plan, ctx, {
      order: 'numeric',
      
      render: (u, v) => {
        const content = [
          ...(u.nonTransactional ? ['-- +goose NO TRANSACTION'] : []),
          '-- +goose Up',
          `-- ${HEADER}: ${u.title}`,
          ...gooseLines(u.up),
          '',
          '-- +goose Down',
          ...(u.down.length ? gooseLines(u.down) : ['-- nothing to undo in this phase']),
          '',
        ].join('\n');
        return { files: [{ name: `${v}_${u.slug}.sql`, content }] };
      },
    });
    return result('goose', { files, notes: ['Apply with `goose up`; `goose down` undoes one migration.', ...nonTxNote(units, '`-- +goose NO TRANSACTION`')] });
  },
};
