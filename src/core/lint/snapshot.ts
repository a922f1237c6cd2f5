/**
 * The schema/statistics snapshot `column-wizard snapshot --url` writes and `column-wizard lint --schema` reads: each
 * table's columns (type, nullability, charset, default), indexes, constraints (with whether a CHECK is validated),
 * foreign keys, row count and bytes, and the server's engine and version. No connection details and no table data:
 * a CI job lints with production's sizes and types from a committed file, without production credentials. Pure.
 *
 * The file is JSON with its keys in sorted order (tables by schema and name), so a refreshed snapshot diffs cleanly.
 */
import { DIALECTS, type Dialect, type TableFacts } from '../types';
import { isDialect } from '../dialects';
import type { NameRef } from './model';

export const SNAPSHOT_FORMAT = 1;
/** The key that marks a file as a Column Wizard snapshot, holding the format number. */
export const SNAPSHOT_KEY = 'columnWizardSnapshot';

export interface SchemaSnapshot {
  readonly server: { readonly dialect: Dialect; readonly version: string };
  /** Where unqualified names resolve: `public`, or the MySQL/MariaDB database the snapshot was taken in. */
  readonly defaultSchema: string;
  readonly tables: readonly TableFacts[];
}

/**
 * The parts of TableFacts a snapshot keeps. Left out: lock risks (they hold other sessions' query text), replication
 * and write rates (moment-to-moment figures, not schema).
 */
const KEPT: readonly (keyof TableFacts)[] = [
  'table',
  'rows',
  'bytes',
  'indexBytes',
  'columns',
  'primaryKey',
  'indexes',
  'constraints',
  'foreignKeysOut',
  'foreignKeysIn',
  'engine',
  'rowFormat',
  'partitioned',
  'instantRowVersions',
];

export function makeSnapshot(server: SchemaSnapshot['server'], defaultSchema: string, tables: readonly TableFacts[]): SchemaSnapshot {
  const kept = tables.map((t) => {
    const out: Record<string, unknown> = {};
    for (const k of KEPT) if (t[k] !== undefined) out[k] = t[k];
    return out as unknown as TableFacts;
  });
  kept.sort((a, b) => cmp(a.table.schema, b.table.schema) || cmp(a.table.name, b.table.name));
  return { server: { dialect: server.dialect, version: server.version }, defaultSchema, tables: kept };
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The file's text: sorted keys, two-space indent, a final newline. */
export function renderSnapshot(s: SchemaSnapshot): string {
  return JSON.stringify(sortKeys({ [SNAPSHOT_KEY]: SNAPSHOT_FORMAT, ...s }), null, 2) + '\n';
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v === null || typeof v !== 'object') return v;
  const o = v as Record<string, unknown>;
  return Object.fromEntries(
    Object.keys(o)
      .sort()
      .map((k) => [k, sortKeys(o[k])]),
  );
}

/** Check a parsed snapshot file; `problems` says what is wrong (a snapshot with problems must not be used). */
export function parseSnapshot(value: unknown): { snapshot?: SchemaSnapshot; problems: string[] } {
  const problems: string[] = [];
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { problems: ['the snapshot must be a JSON object'] };
  const o = value as Record<string, unknown>;
  if (o[SNAPSHOT_KEY] !== SNAPSHOT_FORMAT)
    return {
      problems: [
        o[SNAPSHOT_KEY] === undefined
          ? `not a Column Wizard snapshot (no "${SNAPSHOT_KEY}" key); write one with column-wizard snapshot --url`
          : `snapshot format ${JSON.stringify(o[SNAPSHOT_KEY])} is not known (this version reads format ${SNAPSHOT_FORMAT})`,
      ],
    };
  const server = o.server as Record<string, unknown> | undefined;
  if (!server || typeof server !== 'object' || !isDialect(server.dialect))
    problems.push(`"server"."dialect" must be one of ${DIALECTS.join(', ')}`);
  if (!server || typeof server.version !== 'string' || !/^\d+(\.\d+){0,2}/.test(server.version))
    problems.push('"server"."version" must look like "15.4" or "10.11.19"');
  if (typeof o.defaultSchema !== 'string') problems.push('"defaultSchema" must be a string');
  if (!Array.isArray(o.tables)) problems.push('"tables" must be an array');
  else
    o.tables.forEach((t: unknown, i) => {
      const x = t as Record<string, unknown> | null;
      const ref = x?.table as Record<string, unknown> | undefined;
      if (!x || typeof x !== 'object' || !ref || typeof ref.schema !== 'string' || typeof ref.name !== 'string')
        problems.push(`"tables"[${i}] has no "table": { "schema", "name" }`);
      else if (typeof x.rows !== 'number' || typeof x.bytes !== 'number')
        problems.push(`"tables"[${i}] (${ref.name}) needs numbers "rows" and "bytes"`);
      else if (x.columns !== undefined && !Array.isArray(x.columns))
        problems.push(`"tables"[${i}] (${ref.name}): "columns" must be an array`);
    });
  if (problems.length) return { problems };
  return {
    snapshot: {
      server: { dialect: server!.dialect as Dialect, version: server!.version as string },
      defaultSchema: o.defaultSchema as string,
      tables: o.tables as TableFacts[],
    },
    problems,
  };
}

/**
 * The linter's facts lookup over a snapshot. A qualified name matches its schema; an unqualified one the default
 * schema, or else the only table of that name (a CI database may be named differently from production's).
 */
export function snapshotFacts(s: SchemaSnapshot): (ref: NameRef) => TableFacts | undefined {
  const lower = (x: string) => x.toLowerCase();
  return (ref) => {
    const named = s.tables.filter((t) => lower(t.table.name) === lower(ref.name));
    if (ref.schema !== undefined) return named.find((t) => lower(t.table.schema) === lower(ref.schema!));
    return named.find((t) => lower(t.table.schema) === lower(s.defaultSchema)) ?? (named.length === 1 ? named[0] : undefined);
  };
}

/** A snapshot file's text checked (the CLI and the editor read it alike). */
export function snapshotFromText(text: string): { snapshot?: SchemaSnapshot; problems: string[] } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { problems: [`not JSON: ${(err as Error).message}`] };
  }
  return parseSnapshot(value);
}
