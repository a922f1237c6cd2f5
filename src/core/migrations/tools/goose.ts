/** goose: `<version>_name.sql` with `-- +goose Up` / `-- +goose Down`; `-- +goose NO TRANSACTION` for the whole file. */
import { build, HEADER, nonTxNote, result } from '../common';
import { commentLines, type Statement } from '../units';
import type { MigrationToolModule } from '../types';
import { createIfAbsent, insertAbsent, insertIfEmpty, now } from '../history';
import type { Dialect } from '../../types';
import type { WrittenMigration } from '../types';

const NO_TX = '-- +goose NO TRANSACTION';

/** goose splits on `;` at line ends; dollar-quoted bodies and multi-line statements need StatementBegin/End. */
function gooseLines(stmts: readonly Statement[]): string[] {
  return stmts.flatMap((s) => {
    const lines = commentLines(s).map((l) => `-- ${l}`);
    if (/\$|;/.test(s.sql) || s.sql.includes('\n')) return [...lines, '-- +goose StatementBegin', `${s.sql};`, '-- +goose StatementEnd'];
    return [...lines, `${s.sql};`];
  });
}

/**
 * goose's `goose_db_version (id, version_id, is_applied, tstamp)` with its version-0 row, as `goose up` creates it; a
 * row `(version, true)` per file. Not run with the real goose here (it is not installed on this machine).
 */
function recordSql(dialect: Dialect, table: string, written: readonly WrittenMigration[]): string[] {
  return [
    createIfAbsent(
      dialect,
      table,
      dialect === 'postgres'
        ? 'id serial PRIMARY KEY, version_id bigint NOT NULL, is_applied boolean NOT NULL, tstamp timestamp NULL DEFAULT now()'
        : 'id serial NOT NULL, version_id bigint NOT NULL, is_applied boolean NOT NULL, tstamp timestamp NULL DEFAULT now(), PRIMARY KEY (id)',
    ),
    insertIfEmpty(dialect, table, { version_id: 0, is_applied: true, tstamp: now(dialect) }),
    insertAbsent(
      dialect,
      table,
      ['version_id'],
      written.map((w) => ({ version_id: Number(w.version), is_applied: true, tstamp: now(dialect) })),
    ),
  ];
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
  history: { table: 'goose_db_version', tableEnv: 'GOOSE_TABLE', nameOf: (m) => m.version, recordSql },
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
