import type { Connection } from 'mysql2/promise';
import type { DatabaseClient, ServerInfo } from '../client';
import { DEFAULT_LOCK_TIMEOUT_MS, DEFAULT_STATEMENT_TIMEOUT_MS, dialectOfMysqlVersion, parseVersion, type ConnectionOptions } from '../connection';
import { translateConnectError } from '../errors';

export async function connectMysql(options: ConnectionOptions): Promise<DatabaseClient> {
  const mysql = await import('mysql2/promise');
  let conn: Connection;
  try {
    conn = await mysql.createConnection({
      host: options.host,
      port: options.port,
      database: options.database || undefined,
      user: options.user,
      password: options.password,
      ssl: options.ssl === true ? {} : options.ssl || undefined,
      connectAttributes: { program_name: 'column-wizard' },
      connectTimeout: 10_000,
      multipleStatements: false,
    });
  } catch (err) {
    throw translateConnectError(err, options);
  }
  conn.on('error', () => undefined);
  const client = new MysqlClient(options, conn);
  await client.applySessionLimits();
  return client;
}

class MysqlClient implements DatabaseClient {
  private info: ServerInfo | undefined;
  constructor(readonly options: ConnectionOptions, private readonly conn: Connection) {}

  async serverInfo(): Promise<ServerInfo> {
    if (this.info) return this.info;
    const [row] = await this.query<{ v: string }>('SELECT VERSION() AS v');
    const banner = row!.v;
    const [major, minor, patch] = parseVersion(banner);
    this.info = { dialect: dialectOfMysqlVersion(banner), version: `${major}.${minor}.${patch}`, banner };
    return this.info;
  }

  /** lock_wait_timeout is in whole seconds; the statement limit is max_statement_time (MariaDB, s) or max_execution_time (MySQL, ms, SELECT only). */
  async applySessionLimits(): Promise<void> {
    const info = await this.serverInfo();
    const lockSeconds = Math.max(1, Math.ceil((this.options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS) / 1000));
    const stmtMs = this.options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS;
    await this.query(`SET SESSION lock_wait_timeout = ${lockSeconds}`);
    if (info.dialect === 'mariadb') await this.query(`SET SESSION max_statement_time = ${stmtMs / 1000}`);
    else await this.query(`SET SESSION max_execution_time = ${Math.round(stmtMs)}`);
  }

  async query<T = Record<string, unknown>>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    const [rows] = await this.conn.query(sql, params as unknown[]);
    return (Array.isArray(rows) ? rows : []) as T[];
  }

  async close(): Promise<void> {
    await this.conn.end().catch(() => undefined);
  }
}
