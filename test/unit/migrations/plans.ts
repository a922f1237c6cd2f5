/** Plans for the writer tests, made by the real planner (so golden files show real plans). */
import { parseColumnDefinition } from '../../../src/core/columnSpec';
import { planColumn } from '../../../src/core/plan';
import type { Dialect, Plan } from '../../../src/core/types';

export function planFor(
  dialect: Dialect,
  version: string,
  definition: string,
  opts: { index?: boolean; unique?: boolean; schema?: string; table?: string; rows?: number } = {},
): Plan {
  const spec = parseColumnDefinition(definition, dialect);
  return planColumn(
    { ...spec, ...(opts.index ? { index: true } : {}), ...(opts.unique ? { unique: true } : {}) },
    {
      table: { schema: opts.schema ?? (dialect === 'postgres' ? 'public' : 'app'), name: opts.table ?? 'users' },
      rows: opts.rows ?? 1_000_000,
      bytes: 100_000_000,
      primaryKey: ['id'],
    },
    { dialect, version },
  );
}

/** PostgreSQL 10: expand, batched backfill, concurrent index, NOT NULL via CHECK NOT VALID + VALIDATE. */
export const pgFull = () => planFor('postgres', '10.23', "nickname text NOT NULL DEFAULT 'x'", { index: true });
/** PostgreSQL 15: a nullable column with a concurrent index. */
export const pgIndexed = () => planFor('postgres', '15.4', 'nickname text', { index: true });
/** MariaDB 10.11: instant add, backfill of a volatile default, online index, NOT NULL. */
export const mariaFull = () => planFor('mariadb', '10.11.6-MariaDB', 'nickname varchar(40) NOT NULL DEFAULT (UUID())', { index: true });

export const NOW = new Date(Date.UTC(2026, 8, 1, 12, 0, 0));
