/** Helpers every writer shares: paths, version allocation with the order check, result assembly. Pure. */
import type { Plan } from '../types';
import { planUnits, type Unit } from './units';
import { nextVersions, orderProblem } from './version';
import { splitRunnable } from './code';
import { WriterError, type ManualStep, type MigrationWriter, type NewFile, type WriteResult, type WriterContext } from './types';

export function joinPath(dir: string, rel: string): string {
  return dir ? `${dir.replace(/\/+$/, '')}/${rel}` : rel;
}

/** A workspace-relative folder without a leading `./` or trailing `/`; `.` is the workspace itself (''). Dot-folders such as `.demo` keep their dot. */
export function normalizeDir(dir: string): string {
  return dir
    .replace(/^(\.\/)+/, '')
    .replace(/^\.$/, '')
    .replace(/\/+$/, '');
}

export function dirname(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}

/** `path` relative to folder `from` (both workspace-relative). */
export function relativePath(from: string, path: string): string {
  const a = from ? from.split('/') : [];
  const b = path.split('/');
  let i = 0;
  while (i < a.length && i < b.length - 1 && a[i] === b[i]) i++;
  return [...a.slice(i).map(() => '..'), ...b.slice(i)].join('/');
}

export interface Rendered {
  /** File name relative to the migrations folder; the first is the one ordered by the tool. */
  readonly files: readonly { readonly name: string; readonly content: string }[];
}

export interface BuildSpec {
  /** How the tool orders migrations. */
  readonly order: 'numeric' | 'text';
  /** The tool can run a migration outside a transaction (default true); if not, those units become manual steps. */
  readonly canRunOutside?: boolean;
  readonly render: (unit: Unit, version: string, index: number) => Rendered;
}

/** Units → versioned files, checked to sort after every existing migration. */
export function build(
  w: MigrationWriter,
  plan: Plan,
  ctx: WriterContext,
  spec: BuildSpec,
): { units: Unit[]; all: Unit[]; manual: ManualStep[]; versions: string[]; files: NewFile[] } {
  const canRunOutside = spec.canRunOutside ?? true;
  const all = planUnits(plan, ctx.name, { canRunOutside });
  if (all.length === 0) throw new WriterError('the plan has no steps to write');
  const { written: units, manual } = splitRunnable(all, (u) => canRunOutside || !u.nonTransactional);
  const existing = ctx.existing.flatMap((name) => {
    const version = w.versionOf(name);
    return version === undefined ? [] : [{ name, version }];
  });
  const versions = nextVersions(
    ctx.versionScheme,
    existing.map((e) => e.version),
    ctx.now,
    units.length,
  );
  const rendered = units.map((u, i) => spec.render(u, versions[i]!, i));
  const problem = orderProblem(
    spec.order,
    existing,
    rendered.map((r, i) => ({ name: r.files[0]!.name, version: versions[i]! })),
  );
  if (problem) throw new WriterError(problem);
  const files = rendered.flatMap((r) => r.files.map((f) => ({ path: joinPath(ctx.dir, f.name), content: f.content })));
  return { units, all, manual, versions, files };
}

export function result(tool: WriteResult['tool'], parts: Partial<Omit<WriteResult, 'tool'>>): WriteResult {
  return {
    tool,
    files: parts.files ?? [],
    edits: parts.edits ?? [],
    manual: parts.manual ?? [],
    notes: parts.notes ?? [],
    warnings: parts.warnings ?? [],
  };
}

/** The note every PostgreSQL plan with a concurrent index gets. */
export function nonTxNote(units: readonly Unit[], how: string): string[] {
  const n = units.filter((u) => u.nonTransactional).length;
  return n
    ? [`${n} migration${n > 1 ? 's' : ''} run${n > 1 ? '' : 's'} outside a transaction (${how}); each holds a single step of the plan.`]
    : [];
}

/** `add_users_nickname_expand` → `AddUsersNicknameExpand`. */
export function pascal(slug: string): string {
  return (
    slug
      .split(/[^a-zA-Z0-9]+/)
      .filter(Boolean)
      .map((p) => p[0]!.toUpperCase() + p.slice(1))
      .join('') || 'Migration'
  );
}

export const HEADER = 'Column Wizard';

/**
 * `transactions.wrapsSqlFile` of a tool that sends a file to PostgreSQL as one query and opens no transaction itself
 * (golang-migrate, Prisma): PostgreSQL runs several statements as one implicit transaction, a single one in none.
 */
export const wrapsWhenSentAsOneQuery = (statements: number): boolean => statements > 1;
