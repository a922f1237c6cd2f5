/**
 * The one current-schema lookup: the schema (PostgreSQL `current_schema()`) or database (MySQL/MariaDB `DATABASE()`)
 * an unqualified table name resolves to on a connection.
 */
import type { TableRef } from '../core/types';
import type { DatabaseClient } from './client';
import type { ConnectionOptions } from './connection';
import { DatabaseError } from './errors';

interface Queries {
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>;
}

/** Null when there is none: no schema on PostgreSQL's search_path exists, or no MySQL/MariaDB database is selected. */
export async function currentSchemaOrNull(db: Queries, engine: ConnectionOptions['engine']): Promise<string | null> {
  const [row] = await db.query<{ s: string | null }>(engine === 'postgres' ? 'SELECT current_schema() AS s' : 'SELECT DATABASE() AS s');
  return row?.s || null;
}

/** The current schema/database, or a DatabaseError saying to qualify the table name. */
export async function currentSchema(client: DatabaseClient): Promise<string> {
  const schema = await currentSchemaOrNull(client, client.options.engine);
  if (!schema)
    throw new DatabaseError(
      `The connection has no current ${client.options.engine === 'postgres' ? 'schema' : 'database'}; name the table as schema.name.`,
      undefined,
    );
  return schema;
}

/** An unqualified table (schema "") resolved to the connection's current schema/database. */
export async function resolveTable<T extends TableRef>(client: DatabaseClient, table: T): Promise<T> {
  return table.schema ? table : { ...table, schema: await currentSchema(client) };
}
