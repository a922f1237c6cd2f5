/**
 * Schema drift: compare one table's definition as several connections (a primary and its replicas, staging and
 * production…) report it, and list every difference against the first one, the reference. Pure: the definitions
 * come from `DatabaseClient.tableFacts()`; sizes, row counts, lock risks and replication figures are not compared.
 */
import type { ColumnFacts, ConstraintFacts, ForeignKeyFacts, IndexFacts, TableFacts, TableRef } from './types';

/** One connection's view of the table: its facts, or null when the table does not exist there. */
export interface DefinitionSnapshot {
  /** How the connection is named in the report: a profile name or a redacted URL. */
  readonly label: string;
  readonly facts: TableFacts | null;
}

export type DriftObjectKind = 'table' | 'column' | 'index' | 'constraint' | 'foreign-key';

export interface DriftDifference {
  readonly kind: DriftObjectKind;
  /** The column, index or constraint name; the table name for table-level differences. */
  readonly object: string;
  /** `exists`, `type`, `nullable`, `default`, `columns`, `definition`, `order`… */
  readonly property: string;
  /** The reference's value, as text; null when the object is missing there. */
  readonly expected: string | null;
  /** The other connection's value; null when the object is missing there. */
  readonly actual: string | null;
  /** The connection that differs from the reference. */
  readonly label: string;
  readonly message: string;
}

export interface DriftReport {
  readonly table: TableRef;
  readonly reference: string;
  readonly compared: readonly string[];
  readonly differences: readonly DriftDifference[];
}

export class DriftInputError extends Error {
  override readonly name = 'DriftInputError';
}

type Props = Record<string, string | null>;

function columnProps(c: ColumnFacts): Props {
  return {
    type: c.type,
    nullable: c.nullable ? 'NULL' : 'NOT NULL',
    default: c.default,
    generated: c.generated ?? null,
    'auto-increment': c.autoIncrement ? 'yes' : 'no',
  };
}

function indexProps(i: IndexFacts): Props {
  return {
    columns: i.columns.join(', '),
    unique: i.unique ? 'yes' : 'no',
    primary: i.primary ? 'yes' : 'no',
    method: i.method,
    expression: i.expression ? 'yes' : 'no',
    valid: i.valid === false ? 'no (INVALID)' : 'yes',
  };
}

function constraintProps(c: ConstraintFacts): Props {
  return { kind: c.kind, definition: c.definition, validated: c.validated ? 'yes' : 'no (NOT VALID)' };
}

function foreignKeyProps(f: ForeignKeyFacts): Props {
  return { columns: f.columns.join(', '), references: `${f.refTable.schema}.${f.refTable.name} (${f.refColumns.join(', ')})` };
}

function tableProps(f: TableFacts): Props {
  return {
    engine: f.engine ?? null,
    'row format': f.rowFormat ?? null,
    partitioned: f.partitioned ? 'yes' : 'no',
    'primary key': f.primaryKey ? f.primaryKey.join(', ') : null,
  };
}

const NOUN: Record<DriftObjectKind, string> = {
  table: 'table',
  column: 'column',
  index: 'index',
  constraint: 'constraint',
  'foreign-key': 'foreign key',
};

function show(v: string | null): string {
  return v === null ? 'none' : JSON.stringify(v);
}

function compareNamed<T extends { readonly name: string }>(
  kind: DriftObjectKind,
  ref: readonly T[],
  other: readonly T[],
  props: (x: T) => Props,
  label: string,
  reference: string,
  out: DriftDifference[],
): void {
  const theirs = new Map(other.map((x) => [x.name, x]));
  const ours = new Map(ref.map((x) => [x.name, x]));
  for (const r of ref) {
    const o = theirs.get(r.name);
    if (!o) {
      out.push({
        kind,
        object: r.name,
        property: 'exists',
        expected: 'yes',
        actual: null,
        label,
        message: `${NOUN[kind]} ${r.name} is missing on ${label} (present on ${reference})`,
      });
      continue;
    }
    const a = props(r);
    const b = props(o);
    for (const key of Object.keys(a)) {
      if (a[key] !== b[key]) {
        out.push({
          kind,
          object: r.name,
          property: key,
          expected: a[key] ?? null,
          actual: b[key] ?? null,
          label,
          message: `${NOUN[kind]} ${r.name}: ${key} is ${show(b[key] ?? null)} on ${label}, ${show(a[key] ?? null)} on ${reference}`,
        });
      }
    }
  }
  for (const o of other) {
    if (!ours.has(o.name)) {
      out.push({
        kind,
        object: o.name,
        property: 'exists',
        expected: null,
        actual: 'yes',
        label,
        message: `${NOUN[kind]} ${o.name} exists on ${label} but not on ${reference}`,
      });
    }
  }
}

/** Foreign keys that are not also listed as constraints (PostgreSQL lists them in both). */
function separateForeignKeys(f: TableFacts): readonly ForeignKeyFacts[] {
  const names = new Set((f.constraints ?? []).map((c) => c.name));
  return (f.foreignKeysOut ?? []).filter((k) => !names.has(k.name));
}

function compareOne(ref: TableFacts, other: TableFacts, label: string, reference: string, out: DriftDifference[]): void {
  const table = `${ref.table.schema}.${ref.table.name}`;
  const a = tableProps(ref);
  const b = tableProps(other);
  for (const key of Object.keys(a)) {
    if (a[key] !== b[key])
      out.push({
        kind: 'table',
        object: table,
        property: key,
        expected: a[key] ?? null,
        actual: b[key] ?? null,
        label,
        message: `table ${table}: ${key} is ${show(b[key] ?? null)} on ${label}, ${show(a[key] ?? null)} on ${reference}`,
      });
  }
  const refCols = ref.columns ?? [];
  const otherCols = other.columns ?? [];
  compareNamed('column', refCols, otherCols, columnProps, label, reference, out);
  // Column order matters to SELECT * and positional INSERTs; compared over the columns both sides have.
  const common = new Set(otherCols.map((c) => c.name));
  const refOrder = refCols.filter((c) => common.has(c.name)).map((c) => c.name);
  const refSet = new Set(refOrder);
  const otherOrder = otherCols.filter((c) => refSet.has(c.name)).map((c) => c.name);
  if (refOrder.join('\u0000') !== otherOrder.join('\u0000')) {
    out.push({
      kind: 'column',
      object: table,
      property: 'order',
      expected: refOrder.join(', '),
      actual: otherOrder.join(', '),
      label,
      message: `column order differs on ${label}: (${otherOrder.join(', ')}) versus (${refOrder.join(', ')}) on ${reference}`,
    });
  }
  compareNamed('index', ref.indexes ?? [], other.indexes ?? [], indexProps, label, reference, out);
  compareNamed('constraint', ref.constraints ?? [], other.constraints ?? [], constraintProps, label, reference, out);
  compareNamed('foreign-key', separateForeignKeys(ref), separateForeignKeys(other), foreignKeyProps, label, reference, out);
}

/** Compare every snapshot with the first. Throws DriftInputError for fewer than two snapshots or duplicate labels. */
export function compareDefinitions(snapshots: readonly DefinitionSnapshot[]): DriftReport {
  if (snapshots.length < 2) throw new DriftInputError(`Drift needs at least two connections to compare; got ${snapshots.length}.`);
  const labels = new Set<string>();
  for (const s of snapshots) {
    if (labels.has(s.label)) throw new DriftInputError(`Connection "${s.label}" is listed twice; each connection is compared once.`);
    labels.add(s.label);
  }
  const [first, ...rest] = snapshots as [DefinitionSnapshot, ...DefinitionSnapshot[]];
  const table = first.facts?.table ?? rest.find((s) => s.facts)?.facts?.table;
  if (!table)
    throw new DriftInputError(
      `The table exists on none of the ${snapshots.length} connections (${snapshots.map((s) => s.label).join(', ')}).`,
    );
  const name = `${table.schema}.${table.name}`;
  const out: DriftDifference[] = [];
  for (const s of rest) {
    if (!first.facts && !s.facts) continue;
    if (!first.facts || !s.facts) {
      out.push({
        kind: 'table',
        object: name,
        property: 'exists',
        expected: first.facts ? 'yes' : null,
        actual: s.facts ? 'yes' : null,
        label: s.label,
        message: first.facts
          ? `table ${name} is missing on ${s.label} (present on ${first.label})`
          : `table ${name} exists on ${s.label} but not on ${first.label}`,
      });
      continue;
    }
    compareOne(first.facts, s.facts, s.label, first.label, out);
  }
  return { table, reference: first.label, compared: rest.map((s) => s.label), differences: out };
}

/** The differences for one column only: whether `column` exists and is defined the same on every connection. */
export function columnDifferences(report: DriftReport, column: string): DriftDifference[] {
  return report.differences.filter((d) => d.kind === 'column' && d.object === column);
}

/** Plain-text report, one line per difference, grouped by connection. */
export function formatDrift(report: DriftReport): string {
  const name = `${report.table.schema}.${report.table.name}`;
  const n = report.differences.length;
  const lines = [`Drift check of ${name}: reference ${report.reference}, compared with ${report.compared.join(', ')}`];
  if (n === 0) {
    lines.push(
      `No differences: columns, types, defaults, nullability, indexes and constraints match on all ${report.compared.length + 1} connections.`,
    );
    return lines.join('\n');
  }
  lines.push(`${n} difference${n === 1 ? '' : 's'}:`);
  for (const label of report.compared) {
    const mine = report.differences.filter((d) => d.label === label);
    if (mine.length === 0) {
      lines.push(`  ${label}: same as ${report.reference}`);
      continue;
    }
    lines.push(`  ${label}:`);
    for (const d of mine) lines.push(`    - ${d.message}`);
  }
  return lines.join('\n');
}
