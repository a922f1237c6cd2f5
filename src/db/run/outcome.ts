/**
 * What a run made, read back from the plan's SQL, and the check at the end of every run that it is all on the server:
 * the column (nullability and default as planned), the constraints (validated) and the indexes (valid). The same list
 * tells `--abandon-previous` what an unfinished run may have created.
 */
import type { Plan, TableRef } from '../../core/types';
import type { DatabaseClient } from '../client';
import { engineOf, ident, qualified, type Engine } from './dialect';

const NAME = String.raw`("(?:[^"]|"")+"|\`(?:[^\`]|\`\`)+\`|[A-Za-z_][A-Za-z0-9_$]*)`;

/** An identifier as written in SQL, unquoted (PostgreSQL folds unquoted names to lower case). */
export function unquoteName(raw: string, engine: Engine): string {
  if (raw.startsWith('"')) return raw.slice(1, -1).replace(/""/g, '"');
  if (raw.startsWith('`')) return raw.slice(1, -1).replace(/``/g, '`');
  return engine === 'postgres' ? raw.toLowerCase() : raw;
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
export function madeBy(plan: Plan, engine: Engine, upTo?: { readonly phaseIndex: number; readonly stepIndex: number; readonly inclusive?: boolean }): Made {
  let column = false;
  const added: string[] = [];
  const dropped = new Set<string>();
  const indexes: string[] = [];
  const before = (p: number, s: number) => !upTo || p < upTo.phaseIndex || (p === upTo.phaseIndex && (s < upTo.stepIndex || (upTo.inclusive === true && s === upTo.stepIndex)));
  plan.phases.forEach((ph, p) => ph.steps.forEach((st, s) => {
    if (!before(p, s) || st.backfill) return;
    const sql = st.sql;
    if (/^\s*ALTER\s+TABLE\b[\s\S]*?\bADD\s+COLUMN\b/i.test(sql)) column = true;
    for (const m of sql.matchAll(new RegExp(String.raw`\bADD\s+CONSTRAINT\s+${NAME}`, 'gi'))) {
      const n = unquoteName(m[1]!, engine);
      // PostgreSQL `ADD CONSTRAINT x UNIQUE USING INDEX x` turns the index into the constraint: one object.
      if (!added.includes(n)) added.push(n);
    }
    for (const m of sql.matchAll(new RegExp(String.raw`\bDROP\s+CONSTRAINT\s+(?:IF\s+EXISTS\s+)?${NAME}`, 'gi'))) dropped.add(unquoteName(m[1]!, engine));
    const index = engine === 'postgres'
      ? new RegExp(String.raw`^\s*CREATE\s+(?:UNIQUE\s+)?INDEX\s+(?:CONCURRENTLY\s+)?(?:IF\s+NOT\s+EXISTS\s+)?${NAME}\s+ON\s`, 'i').exec(sql)
      : null;
    if (index) indexes.push(unquoteName(index[1]!, engine));
    if (engine === 'mysql') {
      for (const m of sql.matchAll(new RegExp(String.raw`\bADD\s+(?:UNIQUE\s+)?(?:INDEX|KEY)\s+${NAME}`, 'gi'))) indexes.push(unquoteName(m[1]!, engine));
    }
  }));
  return {
    column,
    constraints: added.filter((n) => !dropped.has(n)),
    temporary: added.filter((n) => dropped.has(n)),
    indexes,
  };
}

export interface ServerObjects {
  readonly column: { readonly nullable: boolean; readonly hasDefault: boolean } | null;
  /** Constraint name → validated (MySQL/MariaDB: always true). */
  readonly constraints: ReadonlyMap<string, { readonly validated: boolean; readonly type: string }>;
  /** Index name → valid. */
  readonly indexes: ReadonlyMap<string, boolean>;
}

/** The column, the table's constraints and its indexes as the server has them now. */
export async function serverObjects(client: DatabaseClient, table: TableRef, column: string): Promise<ServerObjects> {
  if (engineOf(client) === 'postgres') {
    const [c] = await client.query<{ notnull: boolean; def: boolean }>(
      `SELECT a.attnotnull AS notnull, a.atthasdef AS def FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND c.relname = $2 AND a.attname = $3 AND a.attnum > 0 AND NOT a.attisdropped`,
      [table.schema, table.name, column],
    );
    const cons = await client.query<{ name: string; validated: boolean; type: string }>(
      `SELECT k.conname AS name, k.convalidated AS validated, k.contype::text AS type FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND c.relname = $2`,
      [table.schema, table.name],
    );
    const idx = await client.query<{ name: string; valid: boolean }>(
      `SELECT ic.relname AS name, i.indisvalid AS valid FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND c.relname = $2`,
      [table.schema, table.name],
    );
    return {
      column: c ? { nullable: !c.notnull, hasDefault: c.def } : null,
      constraints: new Map(cons.map((r) => [r.name, { validated: r.validated, type: r.type }])),
      indexes: new Map(idx.map((r) => [r.name, r.valid])),
    };
  }
  const [c] = await client.query<{ nullable: string; def: string | null; extra: string | null }>(
    'SELECT IS_NULLABLE AS nullable, COLUMN_DEFAULT AS def, EXTRA AS extra FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND COLUMN_NAME = ?',
    [table.schema, table.name, column],
  );
  const cons = await client.query<{ name: string; type: string }>(
    'SELECT CONSTRAINT_NAME AS name, CONSTRAINT_TYPE AS type FROM information_schema.TABLE_CONSTRAINTS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?',
    [table.schema, table.name],
  );
  const idx = await client.query<{ name: string }>(
    'SELECT DISTINCT INDEX_NAME AS name FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?',
    [table.schema, table.name],
  );
  // MariaDB reports no default as NULL and a NULL default as the string 'NULL'.
  const hasDefault = c ? (c.def !== null && c.def !== 'NULL') || /auto_increment|GENERATED/i.test(c.extra ?? '') : false;
  return {
    column: c ? { nullable: c.nullable === 'YES', hasDefault } : null,
    constraints: new Map(cons.map((r) => [r.name.toLowerCase(), { validated: true, type: r.type }])),
    indexes: new Map(idx.map((r) => [r.name.toLowerCase(), true])),
  };
}

/** The differences between what a completed plan should have made and what is on the server; empty when all is there. */
export async function checkOutcome(client: DatabaseClient, plan: Plan): Promise<{ checked: string[]; problems: string[] }> {
  const engine = engineOf(client);
  const made = madeBy(plan, engine);
  const now = await serverObjects(client, plan.table, plan.column.name);
  const key = (n: string) => (engine === 'postgres' ? n : n.toLowerCase());
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
export async function undoStatements(client: DatabaseClient, plan: Plan, position: { readonly phaseIndex: number; readonly stepIndex: number; readonly stepStarted: boolean }): Promise<string[]> {
  const engine = engineOf(client);
  const made = madeBy(plan, engine, { phaseIndex: position.phaseIndex, stepIndex: position.stepIndex, inclusive: position.stepStarted });
  const now = await serverObjects(client, plan.table, plan.column.name);
  const key = (n: string) => (engine === 'postgres' ? n : n.toLowerCase());
  const t = qualified(engine, plan.table);
  const out: string[] = [];
  const constraints = [...made.constraints, ...made.temporary].filter((n) => now.constraints.has(key(n)));
  constraints.sort((a, b) => Number(now.constraints.get(key(b))!.type === 'FOREIGN KEY' || now.constraints.get(key(b))!.type === 'f') - Number(now.constraints.get(key(a))!.type === 'FOREIGN KEY' || now.constraints.get(key(a))!.type === 'f'));
  for (const n of constraints) {
    const type = now.constraints.get(key(n))!.type;
    if (engine === 'postgres') out.push(`ALTER TABLE ${t} DROP CONSTRAINT IF EXISTS ${ident(engine, n)}`);
    else if (type === 'FOREIGN KEY') out.push(`ALTER TABLE ${t} DROP FOREIGN KEY ${ident(engine, n)}`);
    else if (type === 'UNIQUE') out.push(`ALTER TABLE ${t} DROP INDEX ${ident(engine, n)}`);
    else out.push(`ALTER TABLE ${t} DROP CONSTRAINT ${ident(engine, n)}`);
  }
  for (const n of made.indexes) {
    if (!now.indexes.has(key(n)) || constraints.includes(n)) continue;
    out.push(engine === 'postgres' ? `DROP INDEX CONCURRENTLY IF EXISTS ${ident(engine, plan.table.schema)}.${ident(engine, n)}` : `ALTER TABLE ${t} DROP INDEX ${ident(engine, n)}`);
  }
  if (made.column && now.column) out.push(`ALTER TABLE ${t} DROP COLUMN ${engine === 'postgres' ? 'IF EXISTS ' : ''}${ident(engine, plan.column.name)}`);
  return out;
}
