import type { TableRef } from '../../core/types';
import type { DatabaseClient } from '../client';
import { runnerDialect, tableExists } from './dialect';
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

/** A unique index as the engine's catalog lists it (src/db/<engine>/run.ts `batchKeyCandidates`). */
export interface KeyCandidate {
  name: string;
  primary: boolean;
  columns: { name: string; type: string; notnull: boolean }[];
}

function choose(table: TableRef, candidates: KeyCandidate[], exclude: string): BatchKey {
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
  return {
    columns: best.columns.map(({ name, type }) => ({ name, type })),
    source: best.primary ? 'primary key' : `unique index "${best.name}"`,
  };
}

/** The key a keyset backfill walks: the primary key, else the narrowest unique index whose columns are all NOT NULL. */
export async function findBatchKey(client: DatabaseClient, table: TableRef, newColumn: string): Promise<BatchKey> {
  const d = runnerDialect(client);
  const candidates = await d.batchKeyCandidates(client, table);
  if (candidates.length === 0 && !(await tableExists(d, client, table)))
    throw new RunFailure(`Table ${table.schema}.${table.name} does not exist on this server.`, 'refused', null);
  return choose(table, candidates, newColumn);
}
