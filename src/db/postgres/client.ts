import type { Client } from 'pg';
import type { DatabaseClient, ServerInfo } from '../client';
import { DEFAULT_LOCK_TIMEOUT_MS, DEFAULT_STATEMENT_TIMEOUT_MS, parseVersion, type ConnectionOptions } from '../connection';
import { translateConnectError } from '../errors';

export async function connectPostgres(options: ConnectionOptions): Promise<DatabaseClient> {
  const pg = await import('pg');
  const client: Client = new pg.default.Client({
    host: options.host,
    port: options.port,
    database: options.database,
    user: options.user,
    password: options.password,
    ssl: options.ssl === true ? {} : options.ssl || undefined,
    application_name: 'column-wizard',
    statement_timeout: options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS,
    lock_timeout: options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS,
    connectionTimeoutMillis: 10_000,
  });
  // An idle connection that the server kills must not crash the process.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (err) {
    throw translateConnectError(err, options);
  }
  return new PostgresClient(options, client);
}

class PostgresClient implements DatabaseClient {
  constructor(readonly options: ConnectionOptions, private readonly client: Client) {}

  async serverInfo(): Promise<ServerInfo> {
    const [row] = await this.query<{ banner: string; version: string }>(`SELECT version() AS banner, current_setting('server_version') AS version`);
    const [major, minor] = parseVersion(row!.version);
    return { dialect: 'postgres', version: `${major}.${minor}`, banner: row!.banner };
  }

  async query<T = Record<string, unknown>>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    const r = await this.client.query(sql, params as unknown[]);
    return r.rows as T[];
  }

  async close(): Promise<void> {
    await this.client.end().catch(() => undefined);
  }
}
