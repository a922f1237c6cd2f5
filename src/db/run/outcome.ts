/**
 * What a run made, read back from the plan's SQL, and the check at the end of every run that it is all on the server:
 * the column (nullability and default as planned), the constraints (validated) and the indexes (valid). The same list
 * tells `--abandon-previous` what an unfinished run may have created.
 */
import type { Plan, TableRef } from '../../core/types';
import type { DatabaseClient } from '../client';
import { qualified, runnerDialect, type Engine, type ServerObjects } from './dialect';

const NAME = String.raw`("(?:[^"]|"")+"|\`(?:[^\`]|\`\`)+\`|[A-Za-z_][A-Za-z0-9_$]*)`;

/** An identifier as written in SQL, unquoted (PostgreSQL folds unquoted names to lower case). */
export function unquoteName(raw: string, engine: Engine): string {
  if (raw.startsWith('"')) return raw.slice(1, -1).replace(/""/g, '"');
  if (raw.startsWith('`')) return raw.slice(1, -1).replace(/``/g, '`');
  return runnerDialect(engine).foldUnquoted(raw);
}

export interface Made {
  /** The plan adds the column (its first step is ADD COLUMN). */
  readonly column: boolean;
  /** Constraints the steps add and do not drop again. */
  readonly constraints: readonly string[];
  /** Constraints added and dropped again by a later step (PostgreSQL's CHECK (c IS NOT NULL) before SET NOT NULL). */
  readonly temporary: readonly string[];
  readonly indexes: readonly string[];
}

/** What the plan's steps (those before `upTo` = { phaseIndex, stepIndex }, exclusive, or all) create. */
export function madeBy(
  plan: Plan,
  engine: Engine,
  upTo?: { readonly phaseIndex: number; readonly stepIndex: number; readonly inclusive?: boolean },
): Made {
  let column = false;
  const added: string[] = [];
  const dropped = new Set<string>();
  const indexes: string[] = [];
  const before = (p: number, s: number) =>
    !upTo || p < upTo.phaseIndex || (p === upTo.phaseIndex && (s < upTo.stepIndex || (upTo.inclusive === true && s === upTo.stepIndex)));
  plan.phases.forEach((ph, p) =>
    ph.steps.forEach((st, s) => {
      if (!before(p, s) || st.backfill) return;
      const sql = st.sql;
      if (/^\s*ALTER\s+TABLE\b[\s\S]*?\bADD\s+COLUMN\b/i.test(sql)) column = true;
      for (const m of sql.matchAll(new RegExp(String.raw`\bADD\s+CONSTRAINT\s+${NAME}`, 'gi'))) {
        const n = unquoteName(m[1]!, engine);
        // PostgreSQL `ADD CONSTRAINT x UNIQUE USING INDEX x` turns the index into the constraint: one object.
        if (!added.includes(n)) added.push(n);
      }
      for (const m of sql.matchAll(new RegExp(String.raw`\bDROP\s+CONSTRAINT\s+(?:IF\s+EXISTS\s+)?${NAME}`, 'gi')))
        dropped.add(unquoteName(m[1]!, engine));
      for (const raw of runnerDialect(engine).indexesCreated(sql)) indexes.push(unquoteName(raw, engine));
    }),
  );
  return {
    column,
    constraints: added.filter((n) => !dropped.has(n)),
    temporary: added.filter((n) => dropped.has(n)),
    indexes,
  };
}

export type { ServerObjects };

/** The column, the table's constraints and its indexes as the server has them now. */
export function serverObjects(client: DatabaseClient, table: TableRef, column: string): Promise<ServerObjects> {
  return runnerDialect(client).serverObjects(client, table, column);
}

/** The differences between what a completed plan should have made and what is on the server; empty when all is there. */
export async function checkOutcome(client: DatabaseClient, plan: Plan): Promise<{ checked: string[]; problems: string[] }> {
  const d = runnerDialect(client);
  const made = madeBy(plan, client.options.engine);
  const now = await d.serverObjects(client, plan.table, plan.column.name);
  const key = (n: string) => d.catalogName(n);
  const checked: string[] = [];
  const problems: string[] = [];
  const col = plan.column;
  if (!now.column) {
    problems.push(`column ${col.name} is not on ${plan.table.schema}.${plan.table.name}`);
  } else {
    checked.push(`column ${col.name}`);
    // PostgreSQL before 12 keeps a validated CHECK (c IS NOT NULL) instead of the attribute.
    const keptAsCheck = plan.warnings.some((w) => w.code === 'not-null-kept-as-check');
    if (!col.nullable && now.column.nullable && !keptAsCheck) problems.push(`column ${col.name} is nullable; the plan makes it NOT NULL`);
    const wantsDefault = col.default.kind !== 'none' && !(col.default.kind === 'literal' && col.default.value.toUpperCase() === 'NULL');
    if (wantsDefault) {
      checked.push('its default');
      if (!now.column.hasDefault) problems.push(`column ${col.name} has no default; the plan gives it one`);
    }
  }
  for (const n of made.constraints) {
    checked.push(`constraint ${n}`);
    const c = now.constraints.get(key(n));
    if (!c) problems.push(`constraint ${n} is missing`);
    else if (!c.validated) problems.push(`constraint ${n} is NOT VALID (existing rows were not checked)`);
  }
  for (const n of made.temporary) {
    if (now.constraints.has(key(n))) problems.push(`the temporary constraint ${n} is still there; the plan drops it`);
  }
  for (const n of made.indexes) {
    checked.push(`index ${n}`);
    const valid = now.indexes.get(key(n));
    if (valid === undefined) problems.push(`index ${n} is missing`);
    else if (!valid) problems.push(`index ${n} is INVALID`);
  }
  return { checked, problems };
}

/**
 * The statements that undo what an unfinished run made, for the objects that exist now: its constraints (foreign keys
 * first), its indexes, then its column. Positions: what ran before the saved step, and the saved step if it was started.
 */
export async function undoStatements(
  client: DatabaseClient,
  plan: Plan,
  position: { readonly phaseIndex: number; readonly stepIndex: number; readonly stepStarted: boolean },
): Promise<string[]> {
  const d = runnerDialect(client);
  const made = madeBy(plan, client.options.engine, {
    phaseIndex: position.phaseIndex,
    stepIndex: position.stepIndex,
    inclusive: position.stepStarted,
  });
  const now = await d.serverObjects(client, plan.table, plan.column.name);
  const key = (n: string) => d.catalogName(n);
  const t = qualified(d, plan.table);
  const out: string[] = [];
  const constraints = [...made.constraints, ...made.temporary].filter((n) => now.constraints.has(key(n)));
  const foreign = (n: string) => Number(d.isForeignKey(now.constraints.get(key(n))!.type));
  constraints.sort((a, b) => foreign(b) - foreign(a));
  for (const n of constraints) out.push(d.dropConstraintSql(t, n, now.constraints.get(key(n))!.type));
  for (const n of made.indexes) {
    if (!now.indexes.has(key(n)) || constraints.includes(n)) continue;
    out.push(d.dropIndexSql(plan.table, n));
  }
  if (made.column && now.column) out.push(d.dropColumnSql(t, plan.column.name));
  return out;
}
