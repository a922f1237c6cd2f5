/**
 * The shared shape every writer renders: a plan cut into migration units (one per phase, and one per statement for
 * non-transactional phases where the tool sends a whole file as one batch), each with its up and down statements.
 * Pure.
 */
import { requiresOutsideTransaction } from '../dialects/index';
import { isNoopSql, qualifiedTable, quoteIdent } from '../sql';
import type { PhaseKind, Plan, Step } from '../types';

export interface Statement {
  /** Without the trailing semicolon. */
  readonly sql: string;
  /** A lock-timeout line the plan put before a DDL step. */
  readonly lockTimeout?: boolean;
  /** A backfill, rendered to cover every row (see `backfillSql`). */
  readonly backfill?: boolean;
  /** MySQL/MariaDB: the same step without ALGORITHM=INSTANT, for a server that refuses it. */
  readonly fallback?: string;
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
}

export const BACKFILL_NOTE = 'Backfill in batches until no row is left; `column-wizard run` does the same with throttling and resume.';

/** Strip whitespace and one trailing semicolon. */
export function bare(sql: string): string {
  return sql.trim().replace(/;\s*$/, '').trim();
}

/** A folder- and file-name-safe slug: lower case letters, digits and `_`. */
export function slugify(text: string): string {
  const s = text.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
  return s.slice(0, 60).replace(/_+$/, '') || 'migration';
}

export function defaultName(plan: Plan): string {
  return slugify(`add_${plan.table.name}_${plan.column.name}`);
}

/**
 * The backfill as one statement a migration can run: the plan's `sql` updates one batch, so PostgreSQL repeats it in a
 * DO loop (committing each batch when the unit runs outside a transaction); MySQL/MariaDB run it without the LIMIT.
 */
export function backfillSql(plan: Plan, step: Step, commitEachBatch: boolean): string {
  const batch = bare(step.sql);
  if (plan.dialect !== 'postgres') return batch.replace(/\s+LIMIT\s+\d+\s*$/i, '');
  const spec = step.backfill;
  // A value that is NULL for some rows would make the batch select the same rows forever: stop after the number of
  // batches the rows still NULL at the start can need, and say so.
  const guard = spec
    ? [
      `  SELECT count(*) INTO todo FROM ${qualifiedTable('postgres', spec.table)} WHERE ${quoteIdent('postgres', spec.column)} IS NULL;`,
      '  LOOP',
      `    ${batch};`,
      '    GET DIAGNOSTICS n = ROW_COUNT;',
      '    EXIT WHEN n = 0;',
      '    done := done + 1;',
      `    IF done > todo / ${spec.batchSize ?? 1000} + 2 THEN`,
      "      RAISE EXCEPTION 'backfill did not finish after % batches: the new value is NULL for some rows', done;",
      '    END IF;',
    ]
    : ['  LOOP', `    ${batch};`, '    GET DIAGNOSTICS n = ROW_COUNT;', '    EXIT WHEN n = 0;'];
  return [
    'DO $cw$',
    `DECLARE n bigint;${spec ? ' todo bigint; done bigint := 0;' : ''}`,
    'BEGIN',
    ...guard,
    ...(commitEachBatch ? ['    COMMIT;'] : []),
    '  END LOOP;',
    'END',
    '$cw$',
  ].join('\n');
}

function statements(plan: Plan, steps: readonly Step[], outside: boolean): { up: Statement[]; down: Statement[] } {
  const up: Statement[] = [];
  const down: Statement[] = [];
  for (const step of steps) {
    if (step.lockTimeoutSql) up.push({ sql: bare(step.lockTimeoutSql), lockTimeout: true });
    for (const s of step.session?.before ?? []) up.push({ sql: bare(s) });
    if (step.backfill) up.push({ sql: backfillSql(plan, step, outside), backfill: true });
    else up.push({ sql: bare(step.sql), ...(step.fallbackSql ? { fallback: bare(step.fallbackSql) } : {}) });
    for (const s of step.session?.after ?? []) up.push({ sql: bare(s) });
  }
  for (const step of [...steps].reverse()) {
    if (!step.down || isNoopSql(step.down)) continue;
    if (step.lockTimeoutSql) down.push({ sql: bare(step.lockTimeoutSql), lockTimeout: true });
    down.push({ sql: bare(step.down) });
  }
  return { up, down };
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
      const outside = must || (pgSplit && opts.canRunOutside && steps.some((s) => !!s.backfill));
      const { up, down } = statements(plan, steps, outside);
      const title = parts.length > 1 ? `${phase.title} (${i + 1}/${parts.length})` : phase.title;
      units.push({ kind: phase.kind, slug: slugFor(phase.kind), title, nonTransactional: outside, up, down });
    });
  }
  return units;
}

/**
 * SQL file text for statements: each ends with `;` on its own line(s), a backfill gets a comment.
 * `lockTimeoutAsComment`: the file is sent as one batch outside a transaction, where a `SET` would turn the batch into
 * an implicit transaction and make `CREATE INDEX CONCURRENTLY` fail; the line is kept as a comment saying where to set it.
 */
export function sqlLines(stmts: readonly Statement[], opts: { lockTimeoutAsComment?: boolean } = {}): string[] {
  const out: string[] = [];
  for (const s of stmts) {
    if (s.lockTimeout && opts.lockTimeoutAsComment) {
      out.push(`-- ${s.sql};  -- set this on the connection instead (e.g. PGOPTIONS='-c lock_timeout=…'): this file must hold a single statement`);
      continue;
    }
    if (s.backfill) out.push(`-- ${BACKFILL_NOTE}`);
    if (s.fallback) out.push(`-- If the server refuses ALGORITHM=INSTANT, use instead: ${s.fallback.replace(/\n/g, ' ')};`);
    out.push(`${s.sql};`);
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
