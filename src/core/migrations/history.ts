/**
 * Recording written migrations as applied in a tool's own history table, after `column-wizard run` applied the plan
 * itself, so the tool does not apply them again. Pure: which files belong to the plan, and the SQL.
 * dbmate only for now: its table is `schema_migrations (version varchar(128) PRIMARY KEY)` on PostgreSQL and
 * MySQL/MariaDB (dbmate creates it the same way when it first runs).
 */
import { qualifiedTable, quoteLiteral } from '../sql';
import type { Dialect, Plan } from '../types';
import { defaultName } from './units';

export const DBMATE_HISTORY_TABLE = 'schema_migrations';

/** The versions of the files `write` made for the plan (named `<version>_<plan name>_<phase>[_n].sql`), in order. */
export function dbmateVersionsOf(plan: Plan, fileNames: readonly string[], name: string = defaultName(plan)): string[] {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`^(\\d+)_${escaped}_(expand|backfill|index|constrain|cutover|contract)(_\\d+)?\\.sql$`);
  return fileNames.flatMap((f) => re.exec(f)?.[1] ?? []).sort();
}

/** The statements that record `versions` as applied in dbmate's history table (created as dbmate creates it when absent). */
export function dbmateRecordSql(dialect: Dialect, table: string, versions: readonly string[]): string[] {
  const t = qualifiedTable(dialect, { schema: '', name: table });
  const create = `CREATE TABLE IF NOT EXISTS ${t} (version varchar(128) ${dialect === 'postgres' ? '' : 'NOT NULL '}PRIMARY KEY)`;
  const insert = versions.map((v) => dialect === 'postgres'
    ? `INSERT INTO ${t} (version) VALUES (${quoteLiteral(dialect, v)}) ON CONFLICT DO NOTHING`
    : `INSERT IGNORE INTO ${t} (version) VALUES (${quoteLiteral(dialect, v)})`);
  return [create, ...insert];
}
