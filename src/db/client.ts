import type { Dialect } from '../core/types';
import { parseConnectionUrl, type ConnectionOptions } from './connection';

export interface ServerInfo {
  readonly dialect: Dialect;
  /** `15.20`, `10.11.19`, `8.0.36`. */
  readonly version: string;
  /** The server's own banner, e.g. `PostgreSQL 15.20 (Debian …)`, `10.11.19-MariaDB-0+deb12u1`. */
  readonly banner: string;
}

/** One interface over PostgreSQL and MySQL/MariaDB. Implementations live in same-shaped files under postgres/ and mysql/. */
export interface DatabaseClient {
  readonly options: ConnectionOptions;
  serverInfo(): Promise<ServerInfo>;
  /** Run one statement with positional parameters (`$1` on PostgreSQL, `?` on MySQL/MariaDB). */
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

/** Connect from a URL or options. The driver module is loaded here, on first use, never at activation. */
export async function connect(target: string | ConnectionOptions): Promise<DatabaseClient> {
  const options = typeof target === 'string' ? parseConnectionUrl(target) : target;
  if (options.engine === 'postgres') {
    const { connectPostgres } = await import('./postgres/client');
    return connectPostgres(options);
  }
  const { connectMysql } = await import('./mysql/client');
  return connectMysql(options);
}
