/** Atlas (versioned): `YYYYMMDDHHMMSS_name.sql`, `-- atlas:txmode none` directive, and `atlas.sum` recomputed. */
import { atlasSum } from '../atlasSum';
import { build, dirname, joinPath, nonTxNote, result } from '../common';
import { sqlLines } from '../units';
import type { MigrationToolModule } from '../types';

const NO_TX = '-- atlas:txmode none';

const isTopSql = (f: string) => f.endsWith('.sql') && !f.includes('/');

export const atlas: MigrationToolModule = {
  tool: 'atlas',
  label: 'Atlas',
  transactions: {
    wrapsSqlFile: () => true, // txmode file
    optOut: { marker: NO_TX, where: 'a directive at the top of the file' },
    sqlComment: (t) => (/^atlas:txmode\s+none\b/i.test(t) ? false : undefined),
  },
  detect(ctx) {
    // atlas.sum is definitive for its folder.
    const sums = ctx.has(/(^|\/)atlas\.sum$/);
    for (const sum of sums) ctx.add(dirname(sum), 10, `atlas.sum in ${dirname(sum) || '.'}`);
    if (ctx.has(/(^|\/)atlas\.hcl$/).length && !sums.length) ctx.add('migrations', 6, 'atlas.hcl');
    for (const d of ctx.sqlDirs) if (ctx.sampleIn(d, /^--\s*atlas:/im)) ctx.add(d, 5, `-- atlas: directive in ${d || '.'}`);
  },
  defaultDir: 'migrations',
  defaultScheme: { kind: 'timestamp', width: 14, format: 'datetime' },
  versionOf: (file) => (isTopSql(file) ? /^(\d+)(?:_|\.sql$)/.exec(file)?.[1] : undefined),
  reads: (ctx) => [joinPath(ctx.dir, 'atlas.sum'), ...ctx.existing.filter(isTopSql).map((f) => joinPath(ctx.dir, f))],
  write(plan, ctx) {
    const { files, units } = build(this, plan, ctx, {
      order: 'text',
      render: (u, v) => {
        // Directives sit at the top, separated from the statements by a blank line (Atlas's LocalFile.Directive).
        const content = [
          ...(u.nonTransactional ? [NO_TX, ''] : []),
          `-- ${u.title}`,
          ...sqlLines(u.up, { delimiter: plan.dialect !== 'postgres' }),
          '',
        ].join('\n');
        return { files: [{ name: `${v}_${u.slug}.sql`, content }] };
      },
    });
    const sumPath = joinPath(ctx.dir, 'atlas.sum');
    const before = ctx.contents[sumPath];
    const warnings: string[] = [];
    const old: Record<string, string> = {};
    for (const f of ctx.existing.filter(isTopSql)) {
      const text = ctx.contents[joinPath(ctx.dir, f)];
      if (text !== undefined) old[f] = text;
    }
    if (before !== undefined && before !== atlasSum(old)) {
      warnings.push(
        `${sumPath} did not match the existing files before this change (an edited migration?); it was recomputed over all files — check with \`atlas migrate validate\`.`,
      );
    }
    const all = { ...old };
    for (const f of files) all[f.path.slice(ctx.dir ? ctx.dir.length + 1 : 0)] = f.content;
    const notes = [
      'Atlas files have no down part; revert with a new migration (`atlas migrate down` computes one against a dev database).',
      ...nonTxNote(units, `\`${NO_TX}\`; not allowed when the project sets \`--tx-mode all\``),
    ];
    return result('atlas', { files, edits: [{ path: sumPath, before, after: atlasSum(all) }], notes, warnings });
  },
};
