/** Knex: `YYYYMMDDHHMMSS_name.js|ts` exporting up/down; `config = { transaction: false }` for non-transactional phases. */
import { build, HEADER, nonTxNote, result } from '../common';
import { calls, isTs, oneTransactionWarning } from '../code';
import type { MigrationWriter } from '../types';

export const knex: MigrationWriter = {
  tool: 'knex',
  label: 'Knex',
  defaultDir: 'migrations',
  defaultScheme: { kind: 'timestamp', width: 14, format: 'datetime' },
  versionOf: (file) => /^(\d+)_[^/]*\.(js|ts|cjs|mjs|cts|mts)$/.exec(file)?.[1],
  reads: () => [],
  write(plan, ctx) {
    const flavour = ctx.options.code ?? { ext: 'js', esm: false };
    const ts = isTs(flavour);
    const { files, units } = build(this, plan, ctx, {
      order: 'text',
      render: (u, v) => {
        const up = calls(u.up, (l) => `await knex.raw(${l})`, '  ');
        const down = u.down.length ? calls(u.down, (l) => `await knex.raw(${l})`, '  ') : ['  // nothing to undo in this phase'];
        const sig = ts ? '(knex: Knex): Promise<void>' : '(knex)';
        const lines = flavour.esm
          ? [
            `// ${HEADER}: ${u.title}`,
            ...(ts ? ["import type { Knex } from 'knex';", ''] : []),
            ...(u.nonTransactional ? ['export const config = { transaction: false };', ''] : []),
            `export async function up${sig} {`, ...up, '}', '',
            `export async function down${sig} {`, ...down, '}', '',
          ]
          : [
            `// ${HEADER}: ${u.title}`,
            ...(u.nonTransactional ? ['exports.config = { transaction: false };', ''] : []),
            `exports.up = async function up${sig} {`, ...up, '};', '',
            `exports.down = async function down${sig} {`, ...down, '};', '',
          ];
        return { files: [{ name: `${v}_${u.slug}.${flavour.ext}`, content: lines.join('\n') }] };
      },
    });
    const warnings = plan.dialect === 'postgres' && units.length > 1 && !units.some((u) => u.nonTransactional)
      ? [oneTransactionWarning('Knex', 'apply them one at a time with `knex migrate:up`')]
      : [];
    const notes = ['Apply with `knex migrate:latest`; `knex migrate:down` undoes one migration.', ...nonTxNote(units, '`config = { transaction: false }`')];
    if (units.some((u) => u.nonTransactional && u.up.some((s) => s.lockTimeout))) {
      notes.push('Migrations with `transaction: false` run their statements through the connection pool, so their `SET lock_timeout` may land on another connection: set the lock timeout for the migration user too (`ALTER ROLE … SET lock_timeout`).');
    }
    return result('knex', {
      files,
      warnings,
      notes,
    });
  },
};
