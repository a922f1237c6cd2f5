import { parse as parsePgUrl, type ConnectionOptions as PgUrlOptions } from 'pg-connection-string';
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
  /** `true`: TLS with the system's CAs and the host name checked. An object: node's TLS options as libpq's sslmode/sslrootcert/sslcert/sslkey ask. */
  readonly ssl?:
    | boolean
    | {
        readonly rejectUnauthorized?: boolean;
        readonly ca?: string;
        readonly cert?: string;
        readonly key?: string;
        /** verify-ca: the chain is checked, the host name is not. */
        readonly checkServerIdentity?: () => undefined;
      };
  /** Per-session limits every connection sets; milliseconds. */
  readonly statementTimeoutMs?: number;
  readonly lockTimeoutMs?: number;
}

export const DEFAULT_STATEMENT_TIMEOUT_MS = 30_000;
export { DEFAULT_LOCK_TIMEOUT_MS } from '../core/dialects/index';

export class ConnectionUrlError extends Error {
  override readonly name = 'ConnectionUrlError';
}

/**
 * The one reader of connection URLs, for the extension (.env import, profiles) and the CLI (`--url`).
 * PostgreSQL URLs go through `pg-connection-string` with libpq's semantics: `postgres:///db?host=/var/run/postgresql`
 * and `socket:/dir?db=…` reach a Unix socket; `sslmode` disable | prefer | require (TLS, certificate not checked,
 * unless `sslrootcert` is given) | verify-ca (chain checked) | verify-full (chain and host name); `sslrootcert`,
 * `sslcert`, `sslkey` are read from disk; node-postgres's `sslmode=no-verify` and `ssl=true` are kept.
 * `mysql://…` / `mariadb://…` are read here with the URL parser (`ssl`/`sslmode` switches TLS on).
 */
export function parseConnectionUrl(url: string): ConnectionOptions {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url.trim())?.[1]?.toLowerCase();
  if (scheme === undefined)
    throw new ConnectionUrlError(
      `Not a connection URL: "${redactUrl(url)}". Expected postgres://user@host:5432/db or mysql://user@host:3306/db.`,
    );
  if (scheme === 'postgres' || scheme === 'postgresql' || scheme === 'socket') return postgresOptions(url.trim());
  if (scheme !== 'mysql' && scheme !== 'mariadb')
    throw new ConnectionUrlError(`Unsupported scheme "${scheme}:" in "${redactUrl(url)}". Use postgres://, mysql:// or mariadb://.`);
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new ConnectionUrlError(`Not a connection URL: "${redactUrl(url)}". Expected mysql://user@host:3306/db.`);
  }
  const database = decodeURIComponent(u.pathname.replace(/^\//, ''));
  const sslmode = u.searchParams.get('sslmode') ?? u.searchParams.get('ssl');
  const ssl =
    sslmode === null || sslmode === 'disable' || sslmode === 'false'
      ? false
      : sslmode === 'no-verify'
        ? { rejectUnauthorized: false }
        : true;
  return {
    engine: 'mysql',
    host: u.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1',
    port: u.port ? Number(u.port) : 3306,
    database,
    user: decodeURIComponent(u.username) || 'root',
    ...(u.password
      ? { password: decodeURIComponent(u.password) }
      : u.searchParams.get('password')
        ? { password: u.searchParams.get('password') as string }
        : {}),
    ssl,
  };
}

function postgresOptions(url: string): ConnectionOptions {
  let c: PgUrlOptions;
  try {
    c = parsePgUrl(url, { useLibpqCompat: true });
  } catch (err) {
    // Its own messages name no credentials (a URL error's input is redacted by the library); a file error names the file.
    const e = err as NodeJS.ErrnoException;
    const detail = e.code && 'path' in e ? `cannot read ${String(e.path)} (${e.code})` : e.message;
    throw new ConnectionUrlError(`Cannot read the connection URL "${redactUrl(url)}": ${detail}`);
  }
  const port = c.port ? Number(c.port) : 5432;
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new ConnectionUrlError(`"${String(c.port)}" is not a port in "${redactUrl(url)}".`);
  const sslmode = typeof c.sslmode === 'string' ? c.sslmode : undefined;
  let ssl: ConnectionOptions['ssl'] = false;
  if (c.ssl === true) ssl = true;
  else if (typeof c.ssl === 'object' && c.ssl !== null) {
    const { ca, cert, key, rejectUnauthorized } = c.ssl as {
      ca?: string;
      cert?: string | null;
      key?: string;
      rejectUnauthorized?: boolean;
    };
    const identityUnchecked = 'checkServerIdentity' in c.ssl || sslmode === 'verify-ca';
    ssl = {
      ...(ca ? { ca } : {}),
      ...(cert ? { cert } : {}),
      ...(key ? { key } : {}),
      ...(rejectUnauthorized === false || sslmode === 'no-verify' ? { rejectUnauthorized: false } : {}),
      ...(identityUnchecked ? { checkServerIdentity: () => undefined } : {}),
    };
  }
  return {
    engine: 'postgres',
    host: c.host || '127.0.0.1',
    port,
    database: c.database || 'postgres',
    user: c.user || 'postgres',
    ...(c.password ? { password: c.password } : {}),
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
