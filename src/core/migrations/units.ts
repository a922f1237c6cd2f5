/**
 * The shared shape every writer renders: a plan cut into migration units (one per phase, and one per statement for
 * non-transactional phases where the tool sends a whole file as one batch), each with its up and down statements.
 * Pure.
 */
import { requiresOutsideTransaction } from '../dialects/index';
import { describeBasis, formatEstimate } from '../impact';
import { isNoopSql, quoteIdent, quoteLiteral } from '../sql';
import type { PhaseKind, Plan, Step, StepDone } from '../types';
import { backfillProgram, retryProgram, type Program } from './programs';

export interface Statement {
  /** Without the trailing semicolon. */
  readonly sql: string;
  /** A lock-timeout line the plan put before a DDL step. */
  readonly lockTimeout?: boolean;
  /**
   * Drops an INVALID index a failed concurrent build left under the name the next statement builds (the qualified index
   * name). A file sent as one batch (which must hold a single statement) says how to drop it by hand instead.
   */
  readonly dropsInvalidIndex?: string;
  /** Part of the backfill program (see `backfillProgram`). */
  readonly backfill?: boolean;
  /** MySQL/MariaDB: the same step without ALGORITHM=INSTANT, for a server that refuses it. */
  readonly fallback?: string;
  /** Comment lines to put above the statement: what it does (batch size, key, retries). */
  readonly comment?: readonly string[];
  /**
   * A compound statement (semicolons inside: a PostgreSQL `DO` block, a MariaDB `BEGIN NOT ATOMIC`, a MySQL
   * `CREATE PROCEDURE`). Tools that split a file on `;` must send it whole (DELIMITER, StatementBegin, splitStatements).
   */
  readonly compound?: boolean;
}

export interface Unit {
  readonly kind: PhaseKind;
  /** `add_users_nickname_expand`, `add_users_nickname_index_2`… */
  readonly slug: string;
  readonly title: string;
  /** Must run outside a transaction (PostgreSQL `CREATE INDEX CONCURRENTLY` and friends). */
  readonly nonTransactional: boolean;
  readonly up: readonly Statement[];
  /** In the order to run them (reverse of up); empty when nothing can be undone. */
  readonly down: readonly Statement[];
  /** The plan's steps the unit holds. */
  readonly steps: readonly Step[];
}

/** Strip whitespace and one trailing semicolon. */
export function bare(sql: string): string {
  return sql.trim().replace(/;\s*$/, '').trim();
}

/** A folder- and file-name-safe slug: lower case letters, digits and `_`. */
export function slugify(text: string): string {
  const s = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return s.slice(0, 60).replace(/_+$/, '') || 'migration';
}

export function defaultName(plan: Plan): string {
  return slugify(`add_${plan.table.name}_${plan.column.name}`);
}

/** The comment on a statement that must run alone (a concurrent index build), so no retry can wrap it. */
const NO_RETRY =
  'No retry in this file (the statement must run alone, outside a transaction): if it fails on the lock timeout, apply the migration again.';

interface Draft {
  readonly up: Statement[];
  readonly down: Statement[];
}

/** The statements of a program, the first carrying its comment, compound ones marked. */
function fromProgram(p: Program, extra: Partial<Statement> = {}): Statement[] {
  return p.statements.map((sql, i) => ({
    sql,
    ...extra,
    ...(i === 0 ? { comment: p.comment } : {}),
    ...(p.compound.includes(i) ? { compound: true } : {}),
  }));
}

/**
 * The up and down statements of steps. A backfill becomes its batched program (`programs.ts`). DDL steps that take a
 * lock (they have a lock-timeout line) get the retry program unless the unit must be a single statement (a PostgreSQL
 * concurrent index build), where the file says how to retry instead.
 */
function statements(plan: Plan, steps: readonly Step[], outside: boolean, single: boolean): Draft {
  const up: Statement[] = [];
  const down: Statement[] = [];
  const pg = plan.dialect === 'postgres';
  const ddl = steps.filter((s) => !s.backfill && s.lockTimeoutSql);
  const retry = !single && ddl.length > 0;
  if (retry) {
    const fallbacks = ddl.flatMap((s) => (s.fallbackSql ? [bare(s.fallbackSql)] : []));
    const inner: { sql: string; ddl: boolean; done?: StepDone }[] = [];
    for (const step of steps) {
      if (step.backfill) continue;
      if (!pg && step.lockTimeoutSql) inner.push({ sql: bare(step.lockTimeoutSql), ddl: false });
      for (const s of step.session?.before ?? []) inner.push({ sql: bare(s), ddl: false });
      inner.push({ sql: bare(step.sql), ddl: !!step.lockTimeoutSql, ...(step.done ? { done: step.done } : {}) });
      for (const s of step.session?.after ?? []) inner.push({ sql: bare(s), ddl: false });
    }
    if (pg) up.push({ sql: bare(ddl[0]!.lockTimeoutSql!), lockTimeout: true });
    const program = retryProgram(plan, { table: plan.table, column: plan.column.name }, inner);
    const stmts = fromProgram(program);
    if (fallbacks.length) stmts[0] = { ...stmts[0]!, fallback: fallbacks.join(';\n') };
    up.push(...stmts);
  }
  for (const step of steps) {
    if (step.backfill) {
      up.push(...fromProgram(backfillProgram(plan, step.backfill, outside), { backfill: true }));
      continue;
    }
    if (retry) continue;
    if (step.lockTimeoutSql) up.push({ sql: bare(step.lockTimeoutSql), lockTimeout: true });
    for (const s of step.session?.before ?? []) up.push({ sql: bare(s) });
    // A statement that must run alone outside a transaction cannot be wrapped in a retry: say how to retry by hand.
    const howToRetry =
      single && step.lockTimeoutSql
        ? {
            comment: [NO_RETRY],
          }
        : {};
    if (single && pg && step.done?.kind === 'index' && /^\s*CREATE\b[^;]*\bCONCURRENTLY\b/i.test(step.sql))
      up.push(dropInvalidIndex(plan, step.done.name));
    up.push({ sql: bare(step.sql), ...howToRetry, ...(step.fallbackSql ? { fallback: bare(step.fallbackSql) } : {}) });
    for (const s of step.session?.after ?? []) up.push({ sql: bare(s) });
  }
  const undo = [...steps].reverse().filter((step) => step.down && !isNoopSql(step.down));
  const firstTimeout = undo.find((step) => step.lockTimeoutSql)?.lockTimeoutSql;
  if (firstTimeout && !(pg && undo.some((step) => requiresOutsideTransaction(step.down!, plan.serverVersion)))) {
    // The downs as one retry program, each run only while the catalog shows what its up step made (a step with no
    // catalog fact of its own changes the plan's column: it runs while the column exists), so applying the down again
    // after a partial failure goes on instead of failing on something already undone. Not for a PostgreSQL down that
    // must run outside a transaction (DROP INDEX CONCURRENTLY, already IF EXISTS).
    const inner: { sql: string; ddl: boolean; undoes?: StepDone }[] = [];
    for (const step of undo) {
      if (!pg && step.lockTimeoutSql) inner.push({ sql: bare(step.lockTimeoutSql), ddl: false });
      inner.push({ sql: bare(step.down!), ddl: true, undoes: step.done ?? { kind: 'column', column: plan.column.name } });
    }
    if (pg) down.push({ sql: bare(firstTimeout), lockTimeout: true });
    down.push(...fromProgram(retryProgram(plan, { table: plan.table, column: plan.column.name }, inner)));
    return { up, down };
  }
  for (const step of undo) {
    if (step.lockTimeoutSql) down.push({ sql: bare(step.lockTimeoutSql), lockTimeout: true });
    down.push({ sql: bare(step.down!) });
  }
  return { up, down };
}

/**
 * PostgreSQL: drop the index `name` when it is INVALID (what a failed `CREATE INDEX CONCURRENTLY` leaves, and what
 * `IF NOT EXISTS` would then skip). Plain `DROP INDEX` in a `DO` block: it runs only after such a failure, and takes the
 * table's ACCESS EXCLUSIVE lock for the moment of the drop, under the session's lock timeout.
 */
function dropInvalidIndex(plan: Plan, name: string): Statement {
  const index = plan.table.schema
    ? `${quoteIdent('postgres', plan.table.schema)}.${quoteIdent('postgres', name)}`
    : quoteIdent('postgres', name);
  const sql = [
    'DO $cw$',
    'BEGIN',
    `  IF EXISTS (SELECT 1 FROM pg_catalog.pg_index WHERE indexrelid = to_regclass(${quoteLiteral('postgres', index)}) AND NOT indisvalid) THEN`,
    `    DROP INDEX ${index};`,
    '  END IF;',
    'END',
    '$cw$',
  ].join('\n');
  return {
    sql,
    compound: true,
    dropsInvalidIndex: index,
    comment: [
      'Drops the index if a failed concurrent build left it INVALID (IF NOT EXISTS below would skip it): a brief ACCESS EXCLUSIVE lock, taken only after such a failure.',
    ],
  };
}

/**
 * The unit's estimate (its steps' times added up) and what it is based on, as the first comment line of its first
 * statement that is not a lock-timeout line.
 */
function withEstimate(plan: Plan, steps: readonly Step[], draft: Draft): Draft {
  const at = draft.up.findIndex((s) => !s.lockTimeout && !s.dropsInvalidIndex);
  if (at < 0) return draft;
  const total = steps.reduce((n, s) => n + s.estimate.totalSeconds, 0);
  const ranged = steps.every((s) => s.estimate.range);
  const range: [number, number] | undefined = ranged
    ? [steps.reduce((n, s) => n + s.estimate.range![0], 0), steps.reduce((n, s) => n + s.estimate.range![1], 0)]
    : undefined;
  // The basis of the step that takes the longest: the one the estimate mostly rests on.
  const main = steps.reduce((a, s) => (s.estimate.totalSeconds > a.estimate.totalSeconds ? s : a));
  const rows = plan.table.rows > 0 ? ` for about ${plan.table.rows} rows` : '';
  const line = `Estimated time ${formatEstimate({ totalSeconds: total, ...(range ? { range } : {}) })}${rows} (${describeBasis(main.estimate, 'dated')}).`;
  const up = draft.up.map((s, i) => (i === at ? { ...s, comment: [line, ...(s.comment ?? [])] } : s));
  return { up, down: draft.down };
}

/**
 * The plan as migration units. A transactional phase is one unit. On PostgreSQL a non-transactional phase is meant to
 * commit step by step, so each of its steps is a unit: run outside a transaction when it must (a concurrent index
 * build) or, when the tool can, for a backfill that commits batch by batch; otherwise in a transaction of its own.
 * `canRunOutside: false` (tools that always open a transaction): only units that must run outside are marked so, and
 * the writer gives them as plain SQL.
 */
export function planUnits(plan: Plan, name: string, opts: { canRunOutside: boolean } = { canRunOutside: true }): Unit[] {
  const units: Unit[] = [];
  const used = new Map<string, number>();
  const slugFor = (kind: PhaseKind) => {
    const n = (used.get(kind) ?? 0) + 1;
    used.set(kind, n);
    return n === 1 ? `${name}_${kind}` : `${name}_${kind}_${n}`;
  };
  for (const phase of plan.phases) {
    if (phase.steps.length === 0) continue;
    const pgSplit = plan.dialect === 'postgres' && !phase.transactional;
    const parts: (readonly Step[])[] = pgSplit ? phase.steps.map((s) => [s]) : [phase.steps];
    parts.forEach((steps, i) => {
      const must = pgSplit && steps.some((s) => requiresOutsideTransaction(s.sql, plan.serverVersion));
      const hasBackfill = steps.some((s) => !!s.backfill);
      // PostgreSQL: a backfill commits batch by batch only outside a transaction. MySQL/MariaDB: the batches commit
      // anyway (their DDL ends any transaction), so the unit opts out of the tool's transaction where the tool can.
      const outside = must || (opts.canRunOutside && hasBackfill && (pgSplit || plan.dialect !== 'postgres'));
      const { up, down } = withEstimate(plan, steps, statements(plan, steps, outside, must));
      const title = parts.length > 1 ? `${phase.title} (${i + 1}/${parts.length})` : phase.title;
      units.push({ kind: phase.kind, slug: slugFor(phase.kind), title, nonTransactional: outside, up, down, steps });
    });
  }
  return units;
}

/** The comment lines above a statement (what it does, the ALGORITHM=INSTANT alternative), without the comment marker. */
export function commentLines(s: Statement): string[] {
  const out = [...(s.comment ?? [])];
  for (const f of s.fallback?.split(';\n') ?? [])
    out.push(`If the server refuses ALGORITHM=INSTANT, use instead: ${f.replace(/\n/g, ' ')};`);
  return out;
}

/**
 * SQL file text for statements: each ends with `;` on its own line(s), with its comment lines above it.
 * `lockTimeoutAsComment`: the file is sent as one batch outside a transaction, where a `SET` would turn the batch into
 * an implicit transaction and make `CREATE INDEX CONCURRENTLY` fail; the line is kept as a comment saying where to set it.
 * `delimiter`: the file is read by a client that splits on `;` unless told otherwise (the mysql client, Flyway,
 * Sqitch): a compound statement is wrapped in `DELIMITER $$` … `DELIMITER ;`.
 * `again`: how this tool applies a migration again after it failed (in the INVALID-index note of one-batch files).
 */
export function sqlLines(
  stmts: readonly Statement[],
  opts: { lockTimeoutAsComment?: boolean; delimiter?: boolean; again?: string } = {},
): string[] {
  const out: string[] = [];
  let invalidNoted = false;
  for (const s of stmts) {
    if (s.lockTimeout && opts.lockTimeoutAsComment) {
      out.push(
        `-- ${s.sql};  -- set this on the connection instead (e.g. PGOPTIONS='-c lock_timeout=…'): this file must hold a single statement`,
      );
      continue;
    }
    if (s.dropsInvalidIndex && opts.lockTimeoutAsComment) {
      // The tool sends the file as one batch, where the guarded DROP cannot run before the build (PostgreSQL runs a
      // batch as one implicit transaction, which CREATE INDEX CONCURRENTLY refuses): the file says what to do instead.
      out.push(
        '-- A concurrent build that fails part-way (lock timeout, cancel, duplicate values) leaves the index behind, marked INVALID,',
        '-- and IF NOT EXISTS below would then skip it. Before applying this migration again, drop it:',
        `--   DROP INDEX CONCURRENTLY IF EXISTS ${s.dropsInvalidIndex};`,
        ...(opts.again ? [`-- then ${opts.again}.`] : []),
      );
      invalidNoted = true;
      continue;
    }
    out.push(
      ...commentLines(s).map((l) =>
        invalidNoted && l === NO_RETRY
          ? '-- No retry in this file (the statement must run alone, outside a transaction): if it fails, drop the INVALID index as said above, then apply the migration again.'
          : `-- ${l}`,
      ),
    );
    if (s.compound && opts.delimiter) out.push('DELIMITER $$', `${s.sql}$$`, 'DELIMITER ;');
    else out.push(`${s.sql};`);
  }
  return out;
}

/** A JavaScript string literal for SQL text. */
export function jsString(sql: string): string {
  return JSON.stringify(sql);
}

/** The SQL of statements that a tool cannot run, for `ManualStep.sql`. */
export function manualSql(unit: Unit): string {
  return sqlLines(unit.up).join('\n');
}
