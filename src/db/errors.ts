import { errorCodes } from '../core/format';
import { describeTarget, type ConnectionOptions } from './connection';
import { ENGINES } from './engines';

/** A database error translated into what the user should check. `cause` keeps the driver's error. */
export class DatabaseError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DatabaseError';
  }
}

/** What a driver error means, as far as messages and the runner's decisions go. */
export type DriverErrorKind =
  // connecting
  | 'connection-refused'
  | 'unknown-host'
  | 'connect-timeout'
  | 'auth-failed'
  | 'unknown-database'
  | 'connect-denied'
  // statements
  | 'privilege'
  | 'lock-timeout'
  | 'deadlock'
  | 'statement-timeout'
  | 'no-such-table'
  | 'no-such-schema'
  | 'duplicate-column'
  | 'syntax'
  // the session is gone: killed (pg_terminate_backend, KILL), server restarted, network cut
  | 'connection-lost'
  // a DDL statement whose effect is already there (re-run after a crash between the statement and the state write)
  | 'already-applied'
  // MySQL/MariaDB refusing the requested ALGORITHM
  | 'instant-refused';

/**
 * One engine's driver error codes, in that engine's folder (src/db/<engine>/errors.ts): per kind, the code strings
 * (SQLSTATE, driver code names) and server error numbers that mean it.
 */
export interface DriverErrorCodes {
  readonly codes: { readonly [K in DriverErrorKind]?: readonly (string | number)[] };
  /** Driver messages that mean the connection is gone, for errors that carry no code. */
  readonly connectionLostMessages?: RegExp;
  /** The driver sets `fatal` on an error after which the connection cannot be used. */
  readonly fatalMeansLost?: boolean;
}

/** Node's socket errors, the same under every driver. */
const SOCKET_ERRORS: DriverErrorCodes = {
  codes: {
    'connection-refused': ['ECONNREFUSED'],
    'unknown-host': ['ENOTFOUND', 'EAI_AGAIN'],
    'connect-timeout': ['ETIMEDOUT'],
    'connection-lost': ['ECONNRESET', 'EPIPE'],
  },
};

/** Every engine's table. Error codes of the engines do not overlap, so an error is read without knowing its engine. */
const TABLES: readonly DriverErrorCodes[] = [SOCKET_ERRORS, ...Object.values(ENGINES).map((e) => e.driverErrors)];

/** Whether a driver error (or a DatabaseError wrapping one as `cause`) means `kind`, by any engine's table. */
export function driverErrorIs(err: unknown, kind: DriverErrorKind): boolean {
  const { code, errno } = errorCodes(err);
  if (TABLES.some((t) => t.codes[kind]?.some((c) => (typeof c === 'number' ? c === errno : c === code)))) return true;
  if (kind !== 'connection-lost') return false;
  const e = (err ?? {}) as { fatal?: unknown; cause?: { fatal?: unknown } | null; message?: unknown };
  if ((e.fatal === true || e.cause?.fatal === true) && TABLES.some((t) => t.fatalMeansLost)) return true;
  const message = String(e.message ?? err);
  return TABLES.some((t) => t.connectionLostMessages?.test(message) === true);
}

/** Which of `kinds` the error means first, in the order given. */
function firstKind<K extends DriverErrorKind>(err: unknown, kinds: readonly K[]): K | undefined {
  return kinds.find((k) => driverErrorIs(err, k));
}

/** PostgreSQL 55P03 lock_not_available; MySQL/MariaDB 1205 (lock_wait_timeout for metadata locks, innodb_lock_wait_timeout for rows). */
export const isLockTimeout = (err: unknown): boolean => driverErrorIs(err, 'lock-timeout');
/** Deadlocks are retried like lock timeouts: the server rolled the victim back. */
export const isDeadlock = (err: unknown): boolean => driverErrorIs(err, 'deadlock');
export const isStatementTimeout = (err: unknown): boolean => driverErrorIs(err, 'statement-timeout');
/** The session is gone: killed (pg_terminate_backend, KILL), server restarted, network cut. */
export const isConnectionLost = (err: unknown): boolean => driverErrorIs(err, 'connection-lost');
/** A DDL statement whose effect is already there (re-run after a crash between the statement and the state write). */
export const isAlreadyApplied = (err: unknown): boolean => driverErrorIs(err, 'already-applied');
/** MySQL/MariaDB refusing the requested ALGORITHM: the step's `fallbackSql` applies. */
export const isInstantRefused = (err: unknown): boolean => driverErrorIs(err, 'instant-refused');

const codeOf = (err: unknown): string | undefined => {
  const e = (err ?? {}) as { code?: string; errno?: number };
  return e.code ?? (e.errno !== undefined ? String(e.errno) : undefined);
};

/** Translate a connection-time error from either driver into a message that says what to check. */
export function translateConnectError(err: unknown, o: ConnectionOptions): DatabaseError {
  const target = describeTarget(o);
  const kind = firstKind(err, [
    'connection-refused',
    'unknown-host',
    'connect-timeout',
    'auth-failed',
    'unknown-database',
    'connect-denied',
  ] as const);
  let msg: string;
  switch (kind) {
    case 'connection-refused':
      msg = `Cannot reach ${target}: connection refused. Is the server running and listening on ${o.host}:${o.port}?`;
      break;
    case 'unknown-host':
      msg = `Cannot resolve host "${o.host}" for ${target}. Check the host name.`;
      break;
    case 'connect-timeout':
      msg = `Timed out connecting to ${target}. Check the host, port and any firewall.`;
      break;
    case 'auth-failed':
      msg = `Authentication failed for user "${o.user}" on ${target}. Check the user name and password.`;
      break;
    case 'unknown-database':
      msg = `Database "${o.database}" does not exist on ${target}. Check the database name.`;
      break;
    case 'connect-denied':
      msg = `User "${o.user}" lacks the privilege to connect to "${o.database}" on ${target}. Grant access or use another user.`;
      break;
    default:
      msg = `Could not connect to ${target}: ${(err as { message?: string } | null)?.message ?? String(err)}`;
  }
  return new DatabaseError(msg, codeOf(err), { cause: err });
}

const QUERY_HINTS: Partial<Record<DriverErrorKind, string>> = {
  privilege: 'Missing privilege: grant it to this user or connect as the table owner. ',
  'lock-timeout': 'Lock timeout: another session holds a conflicting lock on the table; retry later or find the blocking session. ',
  'statement-timeout': 'Statement timeout: the statement ran longer than the session limit. ',
  'no-such-table': 'No such table: check the schema and table name. ',
  'no-such-schema': 'No such schema/database: check its name. ',
  'duplicate-column': 'The column already exists. ',
  syntax: 'Syntax error: ',
  'connection-lost': 'The connection was closed by the server. ',
};

/** Translate an error from a statement into a message that names what to check; keeps the server's own text. */
export function translateQueryError(err: unknown, sql?: string): DatabaseError {
  if (err instanceof DatabaseError) return err;
  const server = (err as { message?: string } | null)?.message ?? String(err);
  const stmt = sql ? ` (statement: ${sql.length > 120 ? `${sql.slice(0, 117)}...` : sql})` : '';
  const kind = firstKind(err, Object.keys(QUERY_HINTS) as DriverErrorKind[]);
  return new DatabaseError(`${kind ? QUERY_HINTS[kind] : ''}${server}${stmt}`, codeOf(err), { cause: err });
}
