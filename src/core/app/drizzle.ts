/**
 * One column as Drizzle declares it, in both of Drizzle's forms: the builder call the model edit writes into the schema
 * (`uuid("ref").notNull().default(sql`gen_random_uuid()`)`) and the column entry drizzle-kit keeps in its snapshot
 * (`meta/NNNN_snapshot.json`) for that call. The two come from one mapping, so the snapshot the Drizzle writer leaves
 * next to its migrations is what drizzle-kit computes from the edited schema, and the next `drizzle-kit generate` finds
 * nothing to migrate. Pure.
 */
import { sha256Hex } from '../migrations/atlasSum';
import { joinPath } from '../migrations/common';
import type { ColumnSpec, Plan, Step } from '../types';
import { keptNotNullCheck } from '../plan';

export type DrizzleDialect = 'pg' | 'mysql';

export interface DrizzleColumn {
  /** The builder function (`uuid`, `varchar`, …), imported from `drizzle-orm/pg-core` or `drizzle-orm/mysql-core`. */
  readonly fn: string;
  /** Its arguments: the column name and options. */
  readonly args: string;
  /** The type drizzle-kit writes in the snapshot for this builder, or null when the mapping has no builder for the type. */
  readonly snapshotType: string | null;
}

/** The builder for the column's type, and the type name drizzle-kit's snapshot gives it. */
export function drizzleColumn(spec: ColumnSpec, dialect: DrizzleDialect): DrizzleColumn {
  const t = spec.type;
  const p = t.params;
  const name = JSON.stringify(spec.name);
  const col = (fn: string, snapshotType: string | null, opts = ''): DrizzleColumn => ({
    fn,
    args: `${name}${opts ? `, { ${opts} }` : ''}`,
    snapshotType,
  });
  if (t.array || t.values || t.unsigned) return col('customType', null);
  const pg = dialect === 'pg';
  switch (t.name) {
    case 'text':
      return col('text', 'text');
    case 'uuid':
      return pg ? col('uuid', 'uuid') : col('customType', null);
    case 'integer':
    case 'int':
    case 'int4':
      return pg ? col('integer', 'integer') : col('int', 'int');
    case 'bigint':
    case 'int8':
      return col('bigint', 'bigint', "mode: 'number'");
    case 'smallint':
    case 'int2':
      return col('smallint', 'smallint');
    case 'boolean':
    case 'bool':
      return col('boolean', 'boolean');
    case 'date':
      return col('date', 'date');
    case 'jsonb':
      return pg ? col('jsonb', 'jsonb') : col('customType', null);
    case 'json':
      return col('json', 'json');
    case 'double precision':
    case 'float8':
      return pg ? col('doublePrecision', 'double precision') : col('double', 'double');
    case 'double':
      return pg ? col('customType', null) : col('double', 'double');
    case 'real':
    case 'float4':
      return pg ? col('real', 'real') : col('customType', null);
    case 'varchar':
    case 'character varying':
      if (p[0] !== undefined) return col('varchar', `varchar(${p[0]})`, `length: ${p[0]}`);
      return pg ? col('varchar', 'varchar') : col('customType', null);
    case 'char':
    case 'character':
      return col('char', `char(${p[0] ?? 1})`, `length: ${p[0] ?? 1}`);
    case 'numeric':
    case 'decimal': {
      const fn = pg ? 'numeric' : 'decimal';
      if (p.length === 2)
        return col(fn, pg ? `numeric(${p[0]}, ${p[1]})` : `decimal(${p[0]},${p[1]})`, `precision: ${p[0]}, scale: ${p[1]}`);
      if (p.length === 1) return col(fn, `${fn}(${p[0]})`, `precision: ${p[0]}`);
      return col(fn, fn);
    }
    case 'timestamptz':
    case 'timestamp with time zone':
      if (!pg) return col('customType', null);
      return col(
        'timestamp',
        `timestamp${p[0] !== undefined ? ` (${p[0]})` : ''} with time zone`,
        `withTimezone: true${p[0] !== undefined ? `, precision: ${p[0]}` : ''}`,
      );
    case 'timestamp':
    case 'timestamp without time zone':
      if (pg) return col('timestamp', `timestamp${p[0] !== undefined ? ` (${p[0]})` : ''}`, p[0] !== undefined ? `precision: ${p[0]}` : '');
      return col('timestamp', `timestamp${p[0] !== undefined ? `(${p[0]})` : ''}`, p[0] !== undefined ? `fsp: ${p[0]}` : '');
    case 'datetime':
      return pg
        ? col('customType', null)
        : col('datetime', `datetime${p[0] !== undefined ? `(${p[0]})` : ''}`, p[0] !== undefined ? `fsp: ${p[0]}` : '');
    default:
      return col('customType', null);
  }
}

/**
 * The column's default as SQL for `.default(sql`…`)` and the snapshot's `default`, or undefined without one. MySQL
 * needs an expression default in parentheses (`DEFAULT (UUID())`); drizzle-kit copies the text as it is.
 */
export function drizzleDefault(spec: ColumnSpec, dialect: DrizzleDialect): string | undefined {
  const d = spec.default;
  if (d.kind === 'literal') return d.value;
  if (d.kind !== 'expression') return undefined;
  const s = d.sql.trim();
  return dialect === 'mysql' && !/^\(.*\)$/s.test(s) && !/^current_timestamp(\(\d*\))?$/i.test(s) ? `(${s})` : s;
}

/** The chained calls after the builder: `.notNull()` and the default. */
export function drizzleChain(spec: ColumnSpec, dialect: DrizzleDialect, nullable: boolean): string {
  const def = drizzleDefault(spec, dialect);
  return `${nullable ? '' : '.notNull()'}${def !== undefined ? `.default(sql\`${def.replace(/[`\\]/g, '\\$&').replace(/\$\{/g, '\\${')}\`)` : ''}`;
}

/**
 * Why the column cannot be kept in a Drizzle snapshot by the writer (the model edit does not declare it the way the
 * migration creates it), or null when it can.
 */
export function drizzleSnapshotGap(spec: ColumnSpec, dialect: DrizzleDialect): string | null {
  if (!drizzleColumn(spec, dialect).snapshotType)
    return `Drizzle has no built-in column for ${spec.type.name}${spec.type.array ? '[]' : ''}`;
  if (spec.unique) return 'a UNIQUE column';
  if (spec.references) return 'a foreign key';
  if (spec.check) return 'a CHECK constraint';
  if (spec.generated) return 'a generated column';
  if (spec.autoIncrement || spec.identity) return 'an identity / auto-increment column';
  if (spec.collation) return 'a COLLATE clause';
  return null;
}

/** The entry drizzle-kit's snapshot has for the column (PostgreSQL v7 / MySQL v5 snapshot layouts). */
export function drizzleSnapshotColumn(spec: ColumnSpec, dialect: DrizzleDialect, notNull: boolean): Record<string, unknown> {
  const def = drizzleDefault(spec, dialect);
  return {
    name: spec.name,
    type: drizzleColumn(spec, dialect).snapshotType,
    primaryKey: false,
    notNull,
    ...(dialect === 'mysql' ? { autoincrement: false } : {}),
    ...(def !== undefined ? { default: def } : {}),
  };
}

/** The entry drizzle-kit's snapshot has for a plain one-column index. */
export function drizzleSnapshotIndex(name: string, column: string, dialect: DrizzleDialect): Record<string, unknown> {
  return dialect === 'pg'
    ? {
        name,
        columns: [{ expression: column, isExpression: false, asc: true, nulls: 'last' }],
        isUnique: false,
        concurrently: false,
        method: 'btree',
        with: {},
      }
    : { name, columns: [column], isUnique: false };
}

/** The snapshot drizzle-kit diffs the schema against: the last file of `meta/` in name order (it skips names starting with `_`). */
export function latestSnapshot(existing: readonly string[]): string | undefined {
  return existing
    .filter((f) => /^meta\/[^_/][^/]*\.json$/.test(f))
    .sort()
    .at(-1);
}

/** The parts of a written unit the snapshot needs. */
interface SnapshotUnit {
  readonly steps: readonly Step[];
}

type Json = Record<string, unknown>;

/** A UUID made from text, so the same plan writes the same snapshot ids (drizzle-kit only needs them unique and chained). */
function uuidFrom(text: string): string {
  const h = sha256Hex(text);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * drizzle-kit's snapshot after each written migration (`meta/<prefix>_snapshot.json`): the previous snapshot with the
 * column as the plan leaves it after that migration (and the plain SQL given to run after it), chained by `prevId`.
 * None (with the reason as a warning) when there is no earlier snapshot to extend, the table is not in it, or the
 * column has something the Drizzle model edit does not declare.
 */
export function drizzleSnapshots(
  plan: Plan,
  all: readonly SnapshotUnit[],
  written: readonly { readonly unit: SnapshotUnit; readonly tag: string }[],
  ctx: { readonly dir: string; readonly existing: readonly string[]; readonly contents: Readonly<Record<string, string>> },
  noPrefix: boolean,
): { files: { path: string; content: string }[]; warnings: string[] } {
  const d: DrizzleDialect = plan.dialect === 'postgres' ? 'pg' : 'mysql';
  const skip = (why: string) => ({
    files: [],
    warnings: [
      `meta/*_snapshot.json is not updated (${why}): add the column to your Drizzle schema; if the next \`drizzle-kit generate\` emits the same ADD COLUMN, delete that statement from the generated file.`,
    ],
  });
  if (!written.length) return { files: [], warnings: [] };
  if (noPrefix) return skip("the journal's tags have no prefix, which drizzle-kit names snapshots by");
  const gap = drizzleSnapshotGap(plan.column, d);
  if (gap) return skip(gap);
  const latest = latestSnapshot(ctx.existing);
  const raw = latest ? ctx.contents[joinPath(ctx.dir, latest)] : undefined;
  if (raw === undefined) return skip('there is no earlier snapshot in meta/ to extend');
  let prev: Json;
  try {
    prev = JSON.parse(raw) as Json;
  } catch (err) {
    return skip(`${latest} is not valid JSON: ${(err as Error).message}`);
  }
  const tables = prev.tables as Record<string, Json> | undefined;
  const key = d === 'pg' ? `${plan.table.schema || 'public'}.${plan.table.name}` : plan.table.name;
  if (!tables || typeof prev.id !== 'string' || !tables[key]) return skip(`${latest} has no table ${key}`);

  // The column's state as each unit leaves it, from the facts the plan's steps establish.
  const steps = all.flatMap((u) => u.steps);
  const setsNotNull = steps.some((s) => s.done?.kind === 'not-null');
  const kept = new Set(steps.filter((s) => s.done?.kind === 'constraint').map((s) => (s.done as { name: string }).name));
  for (const s of steps) if (s.done?.kind === 'no-constraint') kept.delete(s.done.name);
  // The CHECK that stands for NOT NULL before PostgreSQL 12 stays out of the snapshot, as it stays out of the model
  // (whose final edit keeps the field optional and notes it): the snapshot has the column nullable, as the catalog does.
  const notNullCheck = keptNotNullCheck(plan);
  if (notNullCheck) kept.delete(notNullCheck.name);
  if (kept.size) return skip(`the plan leaves the constraint ${[...kept].join(', ')}, which the Drizzle model edit does not declare`);
  const state = { column: false, notNull: false, index: undefined as string | undefined };
  const apply = (u: SnapshotUnit) => {
    for (const s of u.steps) {
      if (s.done?.kind === 'column') {
        state.column = true;
        state.notNull = !plan.column.nullable && !setsNotNull && !notNullCheck;
      } else if (s.done?.kind === 'not-null') state.notNull = true;
      else if (s.done?.kind === 'index') state.index = s.done.name;
    }
  };
  const files: { path: string; content: string }[] = [];
  let prevId = prev.id;
  let next = 0;
  const indent = /\n\t/.test(raw) ? '\t' : 2;
  for (const [i, w] of written.entries()) {
    // This unit and the plain SQL the writer gave to run after it (up to the next written unit).
    const until = i + 1 < written.length ? all.indexOf(written[i + 1]!.unit) : all.length;
    for (; next < until; next++) apply(all[next]!);
    const table = structuredClone(tables[key]!);
    const columns = { ...(table.columns as Json) };
    if (state.column) columns[plan.column.name] = drizzleSnapshotColumn(plan.column, d, state.notNull);
    table.columns = columns;
    if (state.index && plan.column.index)
      table.indexes = { ...(table.indexes as Json), [state.index]: drizzleSnapshotIndex(state.index, plan.column.name, d) };
    const id = uuidFrom(`${prevId}:${w.tag}`);
    const snapshot = { ...prev, id, prevId, tables: { ...tables, [key]: table } };
    // drizzle-kit writes `version`/`dialect` first on MySQL and `id`/`prevId` first on PostgreSQL; key order does not matter to it.
    files.push({ path: joinPath(ctx.dir, `meta/${w.tag.split('_')[0]}_snapshot.json`), content: JSON.stringify(snapshot, null, indent) });
    prevId = id;
  }
  const warnings =
    plan.column.nullable || notNullCheck
      ? []
      : [
          'The snapshot has the column NOT NULL, as the last migration leaves it: apply the final model edit (the field required) before the next `drizzle-kit generate`, or it emits DROP NOT NULL.',
        ];
  return { files, warnings };
}
