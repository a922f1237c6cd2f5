/**
 * Sqitch: `deploy/`, `revert/`, `verify/` scripts per change and a line per change appended to `sqitch.plan`.
 * Sqitch runs scripts with psql and opens no transaction of its own; the scripts say BEGIN/COMMIT.
 */
import { qualifiedTable, quoteIdent } from '../../sql';
import { dirname, joinPath, result } from '../common';
import { planUnits, sqlLines, type Unit } from '../units';
import { WriterError, type MigrationToolModule } from '../types';

const pad = (n: number) => String(n).padStart(2, '0');
const isoSeconds = (d: Date) =>
  `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}Z`;

/** Change names in a plan: the first word of every line that is not a pragma, tag, comment or blank. */
function planChanges(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !/^[%@#]/.test(l))
    .map((l) => l.split(/\s+/, 1)[0]!);
}

export const sqitch: MigrationToolModule = {
  tool: 'sqitch',
  label: 'Sqitch',
  transactions: {
    wrapsSqlFile: () => false, // deploy scripts carry their own BEGIN/COMMIT
    optOut: {
      how: 'Sqitch runs each script with psql and opens no transaction: transactional scripts say BEGIN/COMMIT, the others do not',
    },
  },
  detect(ctx) {
    for (const p of ctx.has(/(^|\/)sqitch\.plan$/)) ctx.add(dirname(p), 10, `sqitch.plan in ${dirname(p) || '.'}`);
    for (const p of ctx.has(/(^|\/)sqitch\.conf$/))
      if (!ctx.files.includes(joinPath(dirname(p), 'sqitch.plan'))) ctx.add(dirname(p), 6, 'sqitch.conf');
  },
  defaultDir: '',
  defaultScheme: { kind: 'timestamp', width: 14, format: 'datetime' },
  versionOf: () => undefined,
  reads: (ctx) => [joinPath(ctx.dir, 'sqitch.plan')],
  write(plan, ctx) {
    const planPath = joinPath(ctx.dir, 'sqitch.plan');
    const before = ctx.contents[planPath];
    if (before === undefined)
      throw new WriterError(
        `${planPath} not found: run \`sqitch init <project> --engine ${plan.dialect === 'postgres' ? 'pg' : 'mysql'}\` first`,
      );
    const project = /^%project=(\S+)/m.exec(before)?.[1] ?? 'project';
    const engine = plan.dialect === 'postgres' ? 'pg' : 'mysql';
    const taken = new Set(planChanges(before));
    const units = planUnits(plan, ctx.name);
    if (units.length === 0) throw new WriterError('the plan has no steps to write');
    const names = units.map((u) => {
      let n = u.slug;
      for (let i = 2; taken.has(n); i++) n = `${u.slug}_${i}`;
      taken.add(n);
      return n;
    });
    const author = ctx.options.author ?? { name: 'Column Wizard', email: 'column-wizard@localhost' };
    const lines: string[] = [];
    const files: { path: string; content: string }[] = [];
    const t = plan.table;
    units.forEach((u: Unit, i) => {
      const name = names[i]!;
      const prev = i > 0 ? names[i - 1] : undefined;
      const wrap = !u.nonTransactional;
      const when = new Date(Math.floor(ctx.now.getTime() / 1000) * 1000 + i * 1000);
      lines.push(
        `${name}${prev ? ` [${prev}]` : ''} ${isoSeconds(when)} ${author.name} <${author.email}> # ${u.title.replace(/\s+/g, ' ')}`,
      );
      files.push({
        path: joinPath(ctx.dir, `deploy/${name}.sql`),
        content: [
          `-- Deploy ${project}:${name} to ${engine}`,
          ...(prev ? [`-- requires: ${prev}`] : []),
          '',
          ...(wrap ? ['BEGIN;', ''] : []),
          ...sqlLines(u.up, { delimiter: engine === 'mysql' }),
          ...(wrap ? ['', 'COMMIT;'] : []),
          '',
        ].join('\n'),
      });
      files.push({
        path: joinPath(ctx.dir, `revert/${name}.sql`),
        content: [
          `-- Revert ${project}:${name} from ${engine}`,
          '',
          ...(u.down.length
            ? [...(wrap ? ['BEGIN;', ''] : []), ...sqlLines(u.down, { delimiter: engine === 'mysql' }), ...(wrap ? ['', 'COMMIT;'] : [])]
            : ['-- nothing to undo in this phase']),
          '',
        ].join('\n'),
      });
      const verify =
        u.kind === 'expand'
          ? `SELECT ${quoteIdent(plan.dialect, plan.column.name)} FROM ${qualifiedTable(plan.dialect, t)} WHERE ${engine === 'pg' ? 'FALSE' : '0'};`
          : '-- nothing to verify beyond the deploy script succeeding';
      files.push({
        path: joinPath(ctx.dir, `verify/${name}.sql`),
        content: [`-- Verify ${project}:${name} on ${engine}`, '', verify, ''].join('\n'),
      });
    });
    const after = `${before.endsWith('\n') || before === '' ? before : `${before}\n`}${lines.join('\n')}\n`;
    return result('sqitch', {
      files,
      edits: [{ path: planPath, before, after }],
      notes: [
        'Apply with `sqitch deploy`; `sqitch revert --to <change>` undoes changes.',
        ...(units.some((u) => u.nonTransactional)
          ? [
              'Scripts that must run outside a transaction (a concurrent index build, a backfill committing batch by batch) have no BEGIN/COMMIT.',
            ]
          : []),
      ],
    });
  },
};
