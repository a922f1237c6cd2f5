/** Flyway: `V<version>__<description>.sql`; a non-transactional script gets `<script>.conf` with `executeInTransaction=false`. */
import { build, HEADER, nonTxNote, result } from '../common';
import { sqlLines } from '../units';
import type { MigrationToolModule } from '../types';

const NO_TX = 'executeInTransaction=false';

export const flyway: MigrationToolModule = {
  tool: 'flyway',
  label: 'Flyway',
  transactions: {
    wrapsSqlFile: () => true, // executeInTransaction defaults to true
    optOut: { marker: NO_TX, where: 'in `<script>.sql.conf` beside the script' },
    sqlSidecar: {
      path: (sqlFile) => `${sqlFile}.conf`,
      says: (text) => {
        const v = /^\s*executeInTransaction\s*=\s*(true|false)\s*$/im.exec(text)?.[1]?.toLowerCase();
        return v === undefined ? undefined : v === 'true';
      },
    },
  },
  detect(ctx) {
    const conf = ctx.has(/(^|\/)(flyway\.toml|flyway\.user\.toml|flyway\.conf)$/).length > 0;
    const dirs = ctx.foldersWith(/^V\d+(?:[._]\d+)*__[^/]*\.sql$/);
    for (const d of dirs) ctx.add(d, conf ? 9 : 6, `V<version>__<name>.sql files in ${d || '.'}${conf ? ' and a Flyway config file' : ''}`);
    if (conf && !dirs.length) ctx.add('db/migration', 6, 'Flyway config file');
  },
  defaultDir: 'db/migration',
  defaultScheme: { kind: 'timestamp', width: 14, format: 'datetime' },
  // Dotted versions (V1.2__) are ordered by their first number here; ours is a single number above it.
  versionOf: (file) => /^V(\d+)(?:[._]\d+)*__[^/]*\.sql$/.exec(file)?.[1],
  reads: () => [],
  write(plan, ctx) {
    const { files, units } = build(this, plan, ctx, {
      order: 'numeric',
      render: (u, v) => {
        const name = `V${v}__${u.slug}.sql`;
        const undo = u.down.length
          ? ['', '-- Undo (Flyway Teams: save as U' + v + '__' + u.slug + '.sql):', ...sqlLines(u.down).map((l) => `--   ${l}`)]
          : [];
        // Flyway's MySQL parser honours DELIMITER, which a compound statement needs.
        const content = [`-- ${HEADER}: ${u.title}`, ...sqlLines(u.up, { delimiter: plan.dialect !== 'postgres' }), ...undo, ''].join('\n');
        const conf = u.nonTransactional ? [{ name: `${name}.conf`, content: `${NO_TX}\n` }] : [];
        return { files: [{ name, content }, ...conf] };
      },
    });
    return result('flyway', {
      files,
      notes: [
        'Apply with `flyway migrate`. Flyway has no down in its free editions: the undo SQL is in a comment at the end of each file.',
        ...nonTxNote(units, `a \`.sql.conf\` beside the script with \`${NO_TX}\``),
      ],
    });
  },
};
