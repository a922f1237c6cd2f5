/**
 * Recording migrations `write` made as applied in the tool's own history table, after `column-wizard run` applied the
 * plan itself (`run --record-applied <tool>:<dir>`, the wizard's offer after Run). Pure: it picks the plan's files and
 * gives the SQL; each tool's module (`history`) knows its table, the caller executes the statements in order.
 */
import { isPostgres, qualifiedTable, quoteIdent, quoteLiteral } from '../sql';
import type { Dialect, Plan } from '../types';
import type { MigrationTool, MigrationToolModule, WrittenMigration } from './types';
import { defaultName, slugify } from './units';

const PHASES = 'expand|backfill|index|constrain|cutover|contract';

/** Lower case without `_` and `-`: `add_t_c_expand`, `add-t-c-expand` and `AddTCExpand` compare equal. */
const squash = (s: string) => s.toLowerCase().replace(/[-_]/g, '');

/**
 * The files among `fileNames` that `write` made for the plan in `tool`'s format (named after `name`,
 * `add_<table>_<column>` by default), by version then name: only the files the tool applies (no `.down.sql`, no side file).
 */
export function writtenFiles(
  tool: MigrationToolModule,
  plan: Plan,
  fileNames: readonly string[],
  name: string = defaultName(plan),
): string[] {
  const re = new RegExp(`^${squash(slugify(name)).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(${PHASES})\\d*$`);
  const inFolder = tool.history?.fileInFolder;
  const picked = fileNames.flatMap((file) => {
    // A tool whose migration is a folder (Prisma: `<version>_<name>/migration.sql`) is named by the folder.
    const nested = inFolder !== undefined && file.endsWith(`/${inFolder}`);
    if ((file.includes('/') && !nested) || /\.down\.sql$/.test(file)) return [];
    const version = tool.versionOf(file);
    if (version === undefined) return [];
    const stem = nested ? file.slice(0, -inFolder.length - 1) : file;
    if (stem.includes('/')) return [];
    const rest = stem.slice(stem.indexOf(version) + version.length).replace(/\..*$/, '');
    return re.test(squash(rest)) ? [{ file, version }] : [];
  });
  return picked
    .sort((a, b) =>
      a.version === b.version ? a.file.localeCompare(b.file) : a.version.length - b.version.length || a.version.localeCompare(b.version),
    )
    .map((p) => p.file);
}

/**
 * The names `writtenFiles` chooses from, for the entries of a migration folder: its files, and for a tool whose migration
 * is a folder (`history.fileInFolder`) each subfolder's `<folder>/<file>`.
 */
export function folderEntries(
  tool: MigrationToolModule,
  entries: readonly { readonly name: string; readonly folder: boolean }[],
): string[] {
  const inFolder = tool.history?.fileInFolder;
  return entries.flatMap((e) => (e.folder ? (inFolder ? [`${e.name}/${inFolder}`] : []) : [e.name]));
}

/** What recording does: the history table, the migrations recorded (as the tool names them) and the statements. */
export interface HistoryRecording {
  readonly tool: MigrationTool;
  readonly table: string;
  readonly migrations: readonly string[];
  readonly sql: readonly string[];
}

/**
 * The statements that record `files` (name and text, from `writtenFiles`) as applied in `tool`'s history table: the
 * table `table`, else the tool's default; the table is created as the tool creates it when it is missing, and a
 * migration already recorded is left as it is.
 */
export function historyRecording(
  tool: MigrationToolModule,
  dialect: Dialect,
  files: readonly { readonly name: string; readonly content: string }[],
  opts: { table?: string; now?: Date } = {},
): HistoryRecording {
  const history = tool.history;
  if (!history) throw new Error(`${tool.label}: column-wizard cannot record its history`);
  const written: WrittenMigration[] = files.map((f) => ({ file: f.name, version: tool.versionOf(f.name) ?? '', content: f.content }));
  const table = opts.table || history.table;
  return {
    tool: tool.tool,
    table,
    migrations: written.map((w) => history.nameOf(w)),
    sql: history.recordSql(dialect, table, written, opts.now ?? new Date()),
  };
}

/** A value in a history row: text (quoted), a number, a boolean, or SQL as given (`{ sql }`, never user text). */
export type HistoryValue = string | number | boolean | { readonly sql: string };

/**
 * `INSERT INTO table (columns) SELECT … FROM (rows) v WHERE NOT EXISTS (a row with the same key)`, in the rows' order.
 * A `{ sql }` value may name `v.o`, the row's position from 1 (for a rank after the table's highest). `alsoWhere` (SQL
 * on the history row `h`, never user text) narrows which existing rows count.
 */
export function insertAbsent(
  dialect: Dialect,
  table: string,
  key: readonly string[],
  rows: readonly Readonly<Record<string, HistoryValue>>[],
  alsoWhere = '',
): string {
  const t = qualifiedTable(dialect, { schema: '', name: table });
  const q = (c: string) => quoteIdent(dialect, c);
  const columns = Object.keys(rows[0]!);
  // Literal values come from the derived table (one SELECT per row); `{ sql }` values are computed once per row from the first row's.
  const literal = columns.filter((c) => typeof rows[0]![c] !== 'object');
  const source = rows
    .map((r, i) => `SELECT ${i + 1} AS o${literal.map((c) => `, ${valueSql(dialect, r[c]!)} AS ${q(c)}`).join('')}`)
    .join(' UNION ALL ');
  const values = columns.map((c) => (literal.includes(c) ? `v.${q(c)}` : valueSql(dialect, rows[0]![c]!)));
  const match = key.map((k) => `h.${q(k)} = v.${q(k)}`).join(' AND ') + (alsoWhere ? ` AND ${alsoWhere}` : '');
  return `INSERT INTO ${t} (${columns.map(q).join(', ')}) SELECT ${values.join(', ')} FROM (${source}) v WHERE NOT EXISTS (SELECT 1 FROM ${t} h WHERE ${match}) ORDER BY v.o`;
}

function valueSql(dialect: Dialect, v: HistoryValue): string {
  return typeof v === 'string'
    ? quoteLiteral(dialect, v)
    : typeof v === 'number'
      ? String(v)
      : typeof v === 'boolean'
        ? v
          ? 'TRUE'
          : 'FALSE'
        : v.sql;
}

/** `INSERT INTO table (columns) SELECT values WHERE the table is empty` (a tool's first row: a lock row, goose's version 0). */
export function insertIfEmpty(dialect: Dialect, table: string, row: Readonly<Record<string, HistoryValue>>): string {
  const t = qualifiedTable(dialect, { schema: '', name: table });
  const columns = Object.keys(row);
  const values = columns.map((c) => valueSql(dialect, row[c]!));
  return `INSERT INTO ${t} (${columns.map((c) => quoteIdent(dialect, c)).join(', ')}) SELECT ${values.join(', ')}${isPostgres(dialect) ? '' : ' FROM DUAL'} WHERE NOT EXISTS (SELECT 1 FROM ${t})`;
}

/** `CREATE TABLE IF NOT EXISTS table (columns…)` with the dialect's quoting of the table. */
export function createIfAbsent(dialect: Dialect, table: string, body: string, suffix = ''): string {
  return `CREATE TABLE IF NOT EXISTS ${qualifiedTable(dialect, { schema: '', name: table })} (${body})${suffix}`;
}

/** The file name without its extension (`.js`, `.ts`, …): how Kysely and node-pg-migrate name a migration. */
export const withoutExtension = (file: string): string => file.replace(/\.[^.]*$/, '');

/** The current time as the history column wants it. */
export const now = (dialect: Dialect): { sql: string } => ({ sql: isPostgres(dialect) ? 'now()' : 'CURRENT_TIMESTAMP' });
