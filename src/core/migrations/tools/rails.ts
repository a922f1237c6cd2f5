/**
 * Rails / ActiveRecord: `db/migrate/YYYYMMDDHHMMSS_name.rb`, one class per file named after the file. A phase that
 * must run outside a transaction gets `disable_ddl_transaction!`; every statement is sent with `execute` from a
 * heredoc that interpolates nothing. With strong_migrations in the Gemfile, statements the plan proves safe are
 * wrapped in `safety_assured` (its checks cannot read raw SQL); nothing else is.
 */
import { build, HEADER, nonTxNote, pascal, result } from '../common';
import { commentLines, type Statement } from '../units';
import type { MigrationToolModule } from '../types';

const TERMINATOR = 'COLUMN_WIZARD_SQL';
const NO_TX = 'disable_ddl_transaction!';

function executes(stmts: readonly Statement[], indent: string, assured: boolean): string[] {
  if (!stmts.length) return [`${indent}# nothing to undo in this phase`];
  const out: string[] = [];
  for (const s of stmts) {
    if (s.sql.split('\n').some((l) => l.trim() === TERMINATOR)) throw new Error(`a statement holds the heredoc terminator ${TERMINATOR}`);
    out.push(...commentLines(s).map((l) => `${indent}# ${l}`));
    const body = [`execute(<<~'${TERMINATOR}')`, ...s.sql.split('\n').map((l) => `  ${l}`), TERMINATOR];
    if (assured) out.push(`${indent}safety_assured do`, ...body.map((l) => `${indent}  ${l}`), `${indent}end`);
    else out.push(...body.map((l) => `${indent}${l}`));
  }
  return out;
}

export const rails: MigrationToolModule = {
  tool: 'rails',
  label: 'Rails (ActiveRecord)',
  transactions: {
    wrapsSqlFile: () => true, // a migration runs in a transaction unless it says so
    optOut: { marker: NO_TX, where: 'in the migration class' },
  },
  detect(ctx) {
    // db/migrate with YYYYMMDDHHMMSS_name.rb files, or a Gemfile with a config/application.rb.
    const gemfile = ctx.has(/(^|\/)Gemfile$/).length > 0;
    const dirs = ctx.foldersWith(/^\d{14}_[^/]*\.rb$/).filter((d) => /(^|\/)db\/migrate$/.test(d));
    for (const d of dirs) ctx.add(d, gemfile ? 9 : 7, `ActiveRecord migrations in ${d}`);
    if (!dirs.length && ctx.has(/(^|\/)config\/application\.rb$/).length && gemfile)
      ctx.add('db/migrate', 6, 'config/application.rb and a Gemfile');
  },
  defaultDir: 'db/migrate',
  defaultScheme: { kind: 'timestamp', width: 14, format: 'datetime' },
  versionOf: (file) => /^(\d+)_[^/]*\.rb$/.exec(file)?.[1],
  reads: () => ['Gemfile', 'Gemfile.lock'],
  write(plan, ctx) {
    const gems = `${ctx.contents.Gemfile ?? ''}\n${ctx.contents['Gemfile.lock'] ?? ''}`;
    const strong = /strong_migrations/.test(gems);
    const versionLine = /^\s{4}activerecord \((\d+\.\d+)/m.exec(ctx.contents['Gemfile.lock'] ?? '')?.[1] ?? '6.1';
    const { files, units } = build(this, plan, ctx, {
      order: 'numeric',
      render: (u, v) => ({
        files: [
          {
            name: `${v}_${u.slug}.rb`,
            content: [
              `# ${HEADER}: ${u.title}`,
              `class ${pascal(u.slug)} < ActiveRecord::Migration[${versionLine}]`,
              ...(u.nonTransactional
                ? ['  # CREATE INDEX CONCURRENTLY and batched backfills commit on their own: no surrounding transaction.', `  ${NO_TX}`, '']
                : []),
              '  def up',
              ...executes(u.up, '    ', strong),
              '  end',
              '',
              '  def down',
              ...executes(u.down, '    ', strong),
              '  end',
              'end',
              '',
            ].join('\n'),
          },
        ],
      }),
    });
    return result('rails', {
      files,
      notes: [
        'Apply with `bin/rails db:migrate`; `bin/rails db:rollback` undoes one migration. Each phase is its own migration: deploy the application change that goes with each step between them.',
        ...(strong
          ? [
              'strong_migrations is in the Gemfile: the statements are wrapped in `safety_assured`, because its checks cannot read raw SQL and this plan already makes each step safe (lock timeout, CONCURRENTLY, NOT VALID + VALIDATE, batched backfill).',
            ]
          : []),
        ...nonTxNote(units, `\`${NO_TX}\``),
      ],
    });
  },
};
