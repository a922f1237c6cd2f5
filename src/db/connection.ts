import { redactSecrets } from '../core/redact';
import type { Dialect } from '../core/types';

/** Where to connect. Built from a URL or from a saved profile plus its secret. */
export interface ConnectionOptions {
  /** `postgres`, or `mysql` for both MySQL and MariaDB until the server says which it is. */
  readonly engine: 'postgres' | 'mysql';
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly user: string;
  readonly password?: string;
  readonly ssl?: boolean | { readonly rejectUnauthorized?: boolean; readonly ca?: string };
  /** Per-session limits every connection sets; milliseconds. */
  readonly statementTimeoutMs?: number;
  readonly lockTimeoutMs?: number;
}

export const DEFAULT_STATEMENT_TIMEOUT_MS = 30_000;
export { DEFAULT_LOCK_TIMEOUT_MS } from '../core/dialects/index';

export class ConnectionUrlError extends Error {}

/** Parse `postgres://user:pass@host:port/db?sslmode=require` or `mysql://…` / `mariadb://…`. */
export function parseConnectionUrl(url: string): ConnectionOptions {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new ConnectionUrlError(`Not a connection URL: "${redactUrl(url)}". Expected postgres://user@host:5432/db or mysql://user@host:3306/db.`);
  }
  const scheme = u.protocol.replace(/:$/, '');
  const engine = scheme === 'postgres' || scheme === 'postgresql' ? 'postgres' : scheme === 'mysql' || scheme === 'mariadb' ? 'mysql' : undefined;
  if (!engine) throw new ConnectionUrlError(`Unsupported scheme "${scheme}:" in "${redactUrl(url)}". Use postgres://, mysql:// or mariadb://.`);
  const database = decodeURIComponent(u.pathname.replace(/^\//, ''));
  const sslmode = u.searchParams.get('sslmode') ?? u.searchParams.get('ssl');
  const ssl = sslmode === null || sslmode === 'disable' || sslmode === 'false' ? false
    : sslmode === 'no-verify' ? { rejectUnauthorized: false } : true;
  return {
    engine,
    host: u.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1',
    port: u.port ? Number(u.port) : engine === 'postgres' ? 5432 : 3306,
    database: database || (engine === 'postgres' ? 'postgres' : ''),
    user: decodeURIComponent(u.username) || (engine === 'postgres' ? 'postgres' : 'root'),
    // libpq and pg-connection-string also take the password as a `password=` query parameter.
    ...(u.password ? { password: decodeURIComponent(u.password) } : u.searchParams.get('password') ? { password: u.searchParams.get('password') as string } : {}),
    ssl,
  };
}

/** The URL with its credentials replaced, safe for logs and error messages (the one rule: core/redact.ts). */
export const redactUrl = (url: string): string => redactSecrets(url);

export function describeTarget(o: ConnectionOptions): string {
  return `${o.engine === 'postgres' ? 'postgres' : 'mysql'}://${o.user}@${o.host}:${o.port}/${o.database}`;
}

export { parseVersion } from '../core/version';

export function dialectOfMysqlVersion(versionText: string): Dialect {
  return /mariadb/i.test(versionText) ? 'mariadb' : 'mysql';
}
