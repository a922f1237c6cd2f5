import { quoteIdent } from '../../core/sql';
import type { TableRef } from '../../core/types';
import type { DatabaseClient } from '../client';

export type Engine = 'postgres' | 'mysql';

export function engineOf(client: DatabaseClient): Engine {
  return client.options.engine;
}

/** Quote an identifier by the engine's rules (src/core/sql.ts: the one place names become SQL text). */
export function ident(engine: Engine, name: string): string {
  return quoteIdent(engine === 'postgres' ? 'postgres' : 'mysql', name);
}

/** Schema-qualified; the runner resolves an empty schema to the connection's current one first. */
export function qualified(engine: Engine, t: TableRef): string {
  return `${ident(engine, t.schema)}.${ident(engine, t.name)}`;
}

/** `$1` on PostgreSQL, `?` on MySQL/MariaDB. */
export function placeholder(engine: Engine, n: number): string {
  return engine === 'postgres' ? `$${n}` : '?';
}

/** The server session id of a connection (PostgreSQL backend pid, MySQL/MariaDB connection id). */
export async function sessionId(client: DatabaseClient): Promise<number> {
  const sql = engineOf(client) === 'postgres' ? 'SELECT pg_backend_pid() AS id' : 'SELECT CONNECTION_ID() AS id';
  const [row] = await client.query<{ id: number | string }>(sql);
  return Number(row!.id);
}

/** Set the per-session lock timeout. MySQL/MariaDB count in whole seconds (≥ 1); InnoDB row locks get the same bound. */
export async function setLockTimeout(client: DatabaseClient, ms: number): Promise<void> {
  if (engineOf(client) === 'postgres') {
    await client.query(`SET lock_timeout = ${Math.max(1, Math.round(ms))}`);
  } else {
    const s = Math.max(1, Math.ceil(ms / 1000));
    await client.query(`SET SESSION lock_wait_timeout = ${s}`);
    await client.query(`SET SESSION innodb_lock_wait_timeout = ${s}`);
  }
}

/** Set the per-statement time limit (0 = none). MySQL's max_execution_time covers SELECT only, so DDL there is unbounded. */
export async function setStatementTimeout(client: DatabaseClient, ms: number): Promise<void> {
  if (engineOf(client) === 'postgres') {
    await client.query(`SET statement_timeout = ${Math.max(0, Math.round(ms))}`);
    return;
  }
  const info = await client.serverInfo();
  if (info.dialect === 'mariadb') await client.query(`SET SESSION max_statement_time = ${Math.max(0, ms) / 1000}`);
  else await client.query(`SET SESSION max_execution_time = ${Math.max(0, Math.round(ms))}`);
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

export { currentSchema } from '../schema';

/** MySQL's file-name encoding of a schema or table name in InnoDB's catalog (`my-t` → `my@002dt`), for plain names and most others. */
function innodbName(name: string): string {
  return [...name].map((ch) => (/^[A-Za-z0-9_]$/.test(ch) ? ch : ch.length === 1 ? `@${ch.charCodeAt(0).toString(16).padStart(4, '0')}` : ch)).join('');
}

/**
 * The identity of this incarnation of the table: PostgreSQL's pg_class OID; InnoDB's table id (MariaDB
 * INNODB_SYS_TABLES, MySQL 8 INNODB_TABLES), else the table's CREATE_TIME. A table dropped and re-created gets
 * another one. InnoDB also gives a table a new id when an ALTER rebuilds it; the runner re-reads it after its own
 * steps. Null when the table does not exist.
 */
export async function tableIdentity(client: DatabaseClient, table: TableRef): Promise<string | null> {
  if (engineOf(client) === 'postgres') {
    const [row] = await client.query<{ id: string }>(
      'SELECT c.oid::text AS id FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = $2',
      [table.schema, table.name],
    );
    return row ? `oid:${row.id}` : null;
  }
  const [exists] = await client.query<{ ct: Date | string | null }>('SELECT CREATE_TIME AS ct FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?', [table.schema, table.name]);
  if (!exists) return null;
  const name = `${innodbName(table.schema)}/${innodbName(table.name)}`;
  for (const catalog of ['INNODB_SYS_TABLES', 'INNODB_TABLES']) {
    const rows = await client.query<{ id: number | string }>(`SELECT TABLE_ID AS id FROM information_schema.${catalog} WHERE NAME = ?`, [name]).catch(() => null);
    if (rows?.[0]) return `innodb:${rows[0].id}`;
  }
  const ct = exists.ct instanceof Date ? exists.ct.toISOString() : exists.ct;
  return ct ? `created:${ct}` : null;
}
