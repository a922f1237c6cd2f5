import { describeTarget, type ConnectionOptions } from './connection';

/** A database error translated into what the user should check. `cause` keeps the driver's error. */
export class DatabaseError extends Error {
  constructor(message: string, readonly code: string | undefined, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DatabaseError';
  }
}

interface DriverError { code?: string; errno?: number; message?: string; sqlState?: string }

/** Translate a connection-time error from either driver into a message that says what to check. */
export function translateConnectError(err: unknown, o: ConnectionOptions): DatabaseError {
  const e = (err ?? {}) as DriverError;
  const target = describeTarget(o);
  const code = e.code ?? (e.errno !== undefined ? String(e.errno) : undefined);
  let msg: string;
  switch (code) {
    case 'ECONNREFUSED': msg = `Cannot reach ${target}: connection refused. Is the server running and listening on ${o.host}:${o.port}?`; break;
    case 'ENOTFOUND': case 'EAI_AGAIN': msg = `Cannot resolve host "${o.host}" for ${target}. Check the host name.`; break;
    case 'ETIMEDOUT': msg = `Timed out connecting to ${target}. Check the host, port and any firewall.`; break;
    case '28P01': case '28000': case 'ER_ACCESS_DENIED_ERROR': case '1045':
      msg = `Authentication failed for user "${o.user}" on ${target}. Check the user name and password.`; break;
    case '3D000': case 'ER_BAD_DB_ERROR': case '1049':
      msg = `Database "${o.database}" does not exist on ${target}. Check the database name.`; break;
    case '42501': case 'ER_DBACCESS_DENIED_ERROR': case '1044':
      msg = `User "${o.user}" lacks the privilege to connect to "${o.database}" on ${target}. Grant access or use another user.`; break;
    default: msg = `Could not connect to ${target}: ${e.message ?? String(err)}`;
  }
  return new DatabaseError(msg, code, { cause: err });
}

/** Translate an error from a statement into a message that names what to check; keeps the server's own text. */
export function translateQueryError(err: unknown, sql?: string): DatabaseError {
  if (err instanceof DatabaseError) return err;
  const e = (err ?? {}) as DriverError;
  const code = e.code ?? (e.errno !== undefined ? String(e.errno) : undefined);
  const server = e.message ?? String(err);
  const stmt = sql ? ` (statement: ${sql.length > 120 ? `${sql.slice(0, 117)}...` : sql})` : '';
  let hint = '';
  switch (code) {
    case '42501': case 'ER_TABLEACCESS_DENIED_ERROR': case 'ER_SPECIFIC_ACCESS_DENIED_ERROR': case 'ER_DBACCESS_DENIED_ERROR': case 'ER_COLUMNACCESS_DENIED_ERROR':
      hint = 'Missing privilege: grant it to this user or connect as the table owner. '; break;
    case '55P03': case 'ER_LOCK_WAIT_TIMEOUT':
      hint = 'Lock timeout: another session holds a conflicting lock on the table; retry later or find the blocking session. '; break;
    case '57014': case 'ER_STATEMENT_TIMEOUT': case 'ER_QUERY_TIMEOUT':
      hint = 'Statement timeout: the statement ran longer than the session limit. '; break;
    case '42P01': case 'ER_NO_SUCH_TABLE':
      hint = 'No such table: check the schema and table name. '; break;
    case '3F000': case 'ER_BAD_DB_ERROR':
      hint = 'No such schema/database: check its name. '; break;
    case '42701': case 'ER_DUP_FIELDNAME':
      hint = 'The column already exists. '; break;
    case '42601': case 'ER_PARSE_ERROR':
      hint = 'Syntax error: '; break;
    case '57P01': case 'ECONNRESET': case 'PROTOCOL_CONNECTION_LOST':
      hint = 'The connection was closed by the server. '; break;
  }
  return new DatabaseError(`${hint}${server}${stmt}`, code, { cause: err });
}
