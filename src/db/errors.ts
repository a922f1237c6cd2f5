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
