/** goose: `<version>_name.sql` with `-- +goose Up` / `-- +goose Down`; `-- +goose NO TRANSACTION` for the whole file. */
import { build, HEADER, nonTxNote, result } from '../common';
import { commentLines, type Statement } from '../units';
import type { MigrationToolModule } from '../types';

const NO_TX = '-- +goose NO TRANSACTION';

/** goose splits on `;` at line ends; dollar-quoted bodies and multi-line statements need StatementBegin/End. */
function gooseLines(stmts: readonly Statement[]): string[] {
  return stmts.flatMap((s) => {
    const lines = commentLines(s).map((l) => `-- ${l}`);
    if (/\$|;/.test(s.sql) || s.sql.includes('\n')) return [...lines, '-- +goose StatementBegin', `${s.sql};`, '-- +goose StatementEnd'];
    return [...lines, `${s.sql};`];
  });
}

export const goose: MigrationToolModule = {
  tool: 'goose',
  label: 'goose',
  transactions: {
    wrapsSqlFile: () => true,
    optOut: { marker: NO_TX, where: 'a line at the top of the file' },
    sqlComment: (t) => (/^\+goose\s+NO\s+TRANSACTION\b/i.test(t) ? false : /^\+goose\s+Up\b/i.test(t) ? true : undefined),
    sqlSection: (t) => (/^\+goose\s+(Up|Down)\b/i.test(t) ? {} : undefined),
  },
  detect(ctx) {
    for (const d of ctx.sqlDirs) if (ctx.sampleIn(d, /^--\s*\+goose\s+Up/im)) ctx.add(d, 9, `-- +goose Up in ${d || '.'}`);
    // Go projects: the module requirement names the tool; its folder is the one with matching files, else the usual one.
    if (/github\.com\/pressly\/goose/.test(ctx.samples['go.mod'] ?? '')) {
      const dirs = ctx.sqlDirs.filter((d) => !ctx.filesUnder(d).some((f) => /\.(up|down)\.sql$/.test(f)));
      for (const d of dirs.length ? dirs : ['migrations']) ctx.add(d, 6, 'github.com/pressly/goose in go.mod');
    }
  },
  defaultDir: 'migrations',
  defaultScheme: { kind: 'timestamp', width: 14, format: 'datetime' },
  versionOf: (file) => /^(\d+)_[^/]*\.(sql|go)$/.exec(file)?.[1],
  reads: () => [],
  write(plan, ctx) {
    const { files, units } = build(this, plan, ctx, {
      order: 'numeric',

      render: (u, v) => {
        const content = [
          ...(u.nonTransactional ? [NO_TX] : []),
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
    return result('goose', {
      files,
      notes: ['Apply with `goose up`; `goose down` undoes one migration.', ...nonTxNote(units, `\`${NO_TX}\``)],
    });
  },
};
