/**
 * Drizzle Kit: `<tag>.sql` statements split by `--> statement-breakpoint`, and an entry appended to `meta/_journal.json`
 * (drizzle-kit ≤ 0.x), or a `<YYYYMMDDHHMMSS>_name/migration.sql` folder (drizzle-kit 1.0). Drizzle's migrator runs every
 * pending migration in one transaction, so a statement that must run outside one is left out and given as plain SQL.
 */
import { build, dirname, joinPath, result } from '../common';
import { manualSql, planUnits, sqlLines, type Unit } from '../units';
import { nextVersions, orderProblem } from '../version';
import { WriterError, type ManualStep, type MigrationToolModule, type WriterContext } from '../types';
import type { Plan } from '../../types';
import { drizzleSnapshots, latestSnapshot } from '../../app/drizzle';

interface Journal {
  version?: string;
  dialect?: string;
  entries: { idx: number; version?: string; when: number; tag: string; breakpoints?: boolean }[];
}

const JOURNAL = 'meta/_journal.json';
const isV1 = (existing: readonly string[]) => existing.some((f) => /^\d{14}_[^/]+\/migration\.sql$/.test(f));

/** Statements separated the way drizzle-kit writes them; the migrator splits on the marker. */
function body(u: Unit): string {
  return `${u.up.map((s) => sqlLines([s]).join('\n')).join('\n--> statement-breakpoint\n')}\n`;
}

function prefixOf(tag: string | undefined): 'index' | 'timestamp' | 'unix' | 'none' {
  const digits = tag ? /^(\d+)_/.exec(tag)?.[1] : undefined;
  if (!tag) return 'index';
  if (!digits) return 'none';
  return digits.length === 14 ? 'timestamp' : digits.length === 10 ? 'unix' : 'index';
}

function drizzleWarnings(plan: Plan, units: Unit[], written: Unit[]): { manual: ManualStep[]; warnings: string[] } {
  const manual: ManualStep[] = [];
  const warnings: string[] = [];
  let lastWritten = '(before the first migration)';
  for (const u of units) {
    if (written.includes(u)) lastWritten = u.slug;
    else manual.push({ title: u.title, when: `after ${lastWritten} is applied`, sql: manualSql(u) });
  }
  if (manual.length) {
    warnings.push(
      `Drizzle's migrator runs all pending migrations inside one transaction and has no opt-out, so ${manual.length === 1 ? 'this statement' : 'these statements'} (CREATE INDEX CONCURRENTLY cannot run in a transaction) ${manual.length === 1 ? 'was' : 'were'} not written as a Drizzle migration: run the plain SQL given below with psql after \`drizzle-kit migrate\`.`,
    );
  }
  if (plan.dialect === 'postgres' && written.length > 1) {
    warnings.push(
      "Drizzle applies all pending migrations in one transaction: the expand step's lock is held until the last one commits. On a busy table apply them one deploy at a time.",
    );
  }
  return { manual, warnings };
}

export const drizzle: MigrationToolModule = {
  tool: 'drizzle',
  label: 'Drizzle Kit',
  transactions: {
    wrapsSqlFile: () => true, // all pending migrations in one transaction, no opt-out
    optOut: {
      how: 'none: the migrator runs every pending migration in one transaction, so such statements are given as plain SQL to run by hand',
    },
  },
  detect(ctx) {
    const journals = ctx.has(/(^|\/)meta\/_journal\.json$/);
    for (const j of journals) ctx.add(dirname(dirname(j)), 10, `meta/_journal.json in ${dirname(dirname(j)) || '.'}`);
    if (!journals.length && (ctx.has(/(^|\/)drizzle\.config\.(ts|js|mjs|cjs|json)$/).length || ctx.hasDep('drizzle-kit'))) {
      const v1 = [...new Set(ctx.files.filter((f) => /(^|\/)\d{14}_[^/]+\/migration\.sql$/.test(f)).map((f) => dirname(dirname(f))))];
      // The same layout with a migration_lock.toml is Prisma's.
      if (v1.length && !ctx.has(/(^|\/)migration_lock\.toml$/).length)
        for (const d of v1) ctx.add(d, 8, `drizzle-kit 1.0 migration folders in ${d || '.'}`);
      else ctx.add('drizzle', 6, ctx.has(/(^|\/)drizzle\.config\./).length ? 'drizzle.config' : 'drizzle-kit in package.json');
    }
  },
  defaultDir: 'drizzle',
  defaultScheme: { kind: 'sequential', width: 4 },
  versionOf: (file) => /^(\d+)_[^/]*\.sql$/.exec(file)?.[1] ?? /^(\d{14})_[^/]+\/migration\.sql$/.exec(file)?.[1],
  reads: (ctx) => {
    if (isV1(ctx.existing)) return [];
    const snapshot = latestSnapshot(ctx.existing);
    return [joinPath(ctx.dir, JOURNAL), ...(snapshot ? [joinPath(ctx.dir, snapshot)] : [])];
  },
  write(plan, ctx: WriterContext) {
    const all = planUnits(plan, ctx.name, { canRunOutside: false });
    if (all.length === 0) throw new WriterError('the plan has no steps to write');
    const units = all.filter((u) => !u.nonTransactional);
    const { manual, warnings } = drizzleWarnings(plan, all, units);
    if (isV1(ctx.existing)) {
      const { files } = build(
        this,
        plan,
        { ...ctx, versionScheme: { kind: 'timestamp', width: 14, format: 'datetime' } },
        {
          order: 'text',
          canRunOutside: false,
          render: (u, v) => ({ files: [{ name: `${v}_${u.slug}/migration.sql`, content: body(u) }] }),
        },
      );
      warnings.push(
        'The folders get no snapshot.json (drizzle-kit 1.0 layout): add the column to your Drizzle schema; if the next `drizzle-kit generate` emits the same ADD COLUMN, delete that statement from the generated file.',
      );
      return result('drizzle', {
        files,
        manual,
        warnings,
        notes: ['Apply with `drizzle-kit migrate` (drizzle-kit 1.0 folder layout). Drizzle has no down migrations.'],
      });
    }
    const journalPath = joinPath(ctx.dir, JOURNAL);
    const before = ctx.contents[journalPath];
    let journal: Journal;
    try {
      journal =
        before === undefined
          ? { version: '7', dialect: plan.dialect === 'postgres' ? 'postgresql' : 'mysql', entries: [] }
          : (JSON.parse(before) as Journal);
    } catch (err) {
      throw new WriterError(`${journalPath} is not valid JSON: ${(err as Error).message}`);
    }
    if (!Array.isArray(journal.entries)) throw new WriterError(`${journalPath} has no "entries" list`);
    const dialect = journal.dialect ?? (plan.dialect === 'postgres' ? 'postgresql' : 'mysql');
    if ((dialect === 'postgresql') !== (plan.dialect === 'postgres'))
      throw new WriterError(`${journalPath} is for ${dialect} but the plan is for ${plan.dialect}`);
    const last = journal.entries.at(-1);
    const prefix = ctx.options.drizzlePrefix ?? prefixOf(last?.tag);
    const stamps =
      prefix === 'timestamp'
        ? nextVersions(
            { kind: 'timestamp', width: 14, format: 'datetime' },
            journal.entries.map((e) => /^(\d{14})_/.exec(e.tag)?.[1]).filter((x): x is string => !!x),
            ctx.now,
            units.length,
          )
        : prefix === 'unix'
          ? nextVersions(
              { kind: 'timestamp', width: 10, format: 'unix-s' },
              journal.entries.map((e) => /^(\d{10})_/.exec(e.tag)?.[1]).filter((x): x is string => !!x),
              ctx.now,
              units.length,
            )
          : [];
    const nextIdx = journal.entries.reduce((m, e) => Math.max(m, e.idx), -1) + 1;
    let when = Math.max(ctx.now.getTime(), (last?.when ?? 0) + 1);
    const files: { path: string; content: string }[] = [];
    const entries = units.map((u, i) => {
      const idx = nextIdx + i;
      const tag = prefix === 'index' ? `${String(idx).padStart(4, '0')}_${u.slug}` : prefix === 'none' ? u.slug : `${stamps[i]}_${u.slug}`;
      if (journal.entries.some((e) => e.tag === tag)) throw new WriterError(`${journalPath} already has an entry ${tag}`);
      files.push({ path: joinPath(ctx.dir, `${tag}.sql`), content: body(u) });
      return { idx, version: journal.version ?? '7', when: when++, tag, breakpoints: true };
    });
    const snap = drizzleSnapshots(
      plan,
      all,
      entries.map((e, i) => ({ unit: units[i]!, tag: e.tag })),
      ctx,
      prefix === 'none',
    );
    files.push(...snap.files);
    warnings.push(...snap.warnings);
    const problem = orderProblem(
      'numeric',
      journal.entries.map((e) => ({ name: e.tag, version: String(e.idx) })),
      entries.map((e) => ({ name: e.tag, version: String(e.idx) })),
    );
    if (problem) throw new WriterError(problem);
    const indent = before && /\n\t/.test(before) ? '\t' : 2;
    const after = `${JSON.stringify({ ...journal, dialect, entries: [...journal.entries, ...entries] }, null, indent)}${before === undefined || before.endsWith('\n') ? '\n' : ''}`;
    return result('drizzle', {
      files,
      edits: units.length ? [{ path: journalPath, before, after }] : [],
      manual,
      warnings,
      notes: ['Apply with `drizzle-kit migrate` (or `migrate()` from drizzle-orm). Drizzle has no down migrations.'],
    });
  },
};
