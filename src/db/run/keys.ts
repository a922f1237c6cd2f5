import type { TableRef } from '../../core/types';
import type { DatabaseClient } from '../client';
import { engineOf } from './dialect';
import { RunFailure } from './types';

export interface KeyColumn {
  readonly name: string;
  /** PostgreSQL: format_type(); MySQL/MariaDB: COLUMN_TYPE, e.g. `bigint(20) unsigned`. */
  readonly type: string;
}

export interface BatchKey {
  readonly columns: readonly KeyColumn[];
  /** `primary key` or `unique index "x"`: what the keyset walks, for messages. */
  readonly source: string;
}

interface Candidate { name: string; primary: boolean; columns: { name: string; type: string; notnull: boolean }[] }

function choose(table: TableRef, candidates: Candidate[], exclude: string): BatchKey {
  const usable = candidates.filter((c) => c.columns.length > 0 && c.columns.every((k) => k.notnull && k.name !== exclude));
  usable.sort((a, b) => Number(b.primary) - Number(a.primary) || a.columns.length - b.columns.length);
  const best = usable[0];
  if (!best) {
    throw new RunFailure(
      `Table ${table.schema}.${table.name} has no primary key and no unique index on NOT NULL columns, so a batched backfill cannot walk it ` +
        'without scanning the whole table for every batch or skipping rows. Add a primary key (or a unique index on NOT NULL columns) first.',
      'refused',
      null,
    );
  }
  return { columns: best.columns.map(({ name, type }) => ({ name, type })), source: best.primary ? 'primary key' : `unique index "${best.name}"` };
}

/** The key a keyset backfill walks: the primary key, else the narrowest unique index whose columns are all NOT NULL. */
export async function findBatchKey(client: DatabaseClient, table: TableRef, newColumn: string): Promise<BatchKey> {
  if (engineOf(client) === 'postgres') {
    const rows = await client.query<{ name: string; primary: boolean; columns: Candidate['columns'] }>(
      `SELECT ic.relname AS name, i.indisprimary AS primary,
              json_agg(json_build_object('name', a.attname, 'type', format_type(a.atttypid, a.atttypmod), 'notnull', a.attnotnull) ORDER BY k.ord) AS columns
         FROM pg_index i
         JOIN pg_class c ON c.oid = i.indrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace
         JOIN pg_class ic ON ic.oid = i.indexrelid
         CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
         JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
        WHERE n.nspname = $1 AND c.relname = $2 AND i.indisunique AND i.indisvalid AND i.indpred IS NULL AND i.indexprs IS NULL
        GROUP BY ic.relname, i.indisprimary`,
      [table.schema, table.name],
    );
    if (rows.length === 0) await assertTableExists(client, table);
    return choose(table, rows, newColumn);
  }
  const rows = await client.query<{ idx: string; col: string; type: string; nullable: string; seq: number }>(
    `SELECT s.INDEX_NAME AS idx, s.COLUMN_NAME AS col, c.COLUMN_TYPE AS type, c.IS_NULLABLE AS nullable, s.SEQ_IN_INDEX AS seq
       FROM information_schema.STATISTICS s
       JOIN information_schema.COLUMNS c ON c.TABLE_SCHEMA = s.TABLE_SCHEMA AND c.TABLE_NAME = s.TABLE_NAME AND c.COLUMN_NAME = s.COLUMN_NAME
      WHERE s.TABLE_SCHEMA = ? AND s.TABLE_NAME = ? AND c.TABLE_SCHEMA = ? AND c.TABLE_NAME = ? AND s.NON_UNIQUE = 0
      ORDER BY s.INDEX_NAME, s.SEQ_IN_INDEX`,
    // Constants on both information_schema tables: MariaDB then opens one table instead of every database's.
    [table.schema, table.name, table.schema, table.name],
  );
  const byIndex = new Map<string, Candidate>();
  for (const r of rows) {
    const c = byIndex.get(r.idx) ?? { name: r.idx, primary: r.idx === 'PRIMARY', columns: [] };
    c.columns.push({ name: r.col, type: r.type, notnull: r.nullable === 'NO' });
    byIndex.set(r.idx, c);
  }
  if (byIndex.size === 0) await assertTableExists(client, table);
  return choose(table, [...byIndex.values()], newColumn);
}

async function assertTableExists(client: DatabaseClient, table: TableRef): Promise<void> {
  const sql = engineOf(client) === 'postgres'
    ? `SELECT 1 AS x FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = $2`
    : `SELECT 1 AS x FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?`;
  const rows = await client.query(sql, [table.schema, table.name]);
  if (rows.length === 0) throw new RunFailure(`Table ${table.schema}.${table.name} does not exist on this server.`, 'refused', null);
}
