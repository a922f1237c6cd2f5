/**
 * MySQL's and MariaDB's driver error codes (mysql2 code names and server error numbers) by what they mean: the one
 * table both the client's error messages (src/db/errors.ts `translateQueryError`) and the runner's decisions (retry,
 * resume) read. mysql2 names only MySQL's numbers, so a MariaDB-only error (1927, 1969) is matched by its number.
 */
import type { DriverErrorCodes } from '../errors';

export const driverErrors: DriverErrorCodes = {
  codes: {
    'auth-failed': ['ER_ACCESS_DENIED_ERROR', 1045],
    'unknown-database': ['ER_BAD_DB_ERROR', 1049],
    'connect-denied': ['ER_DBACCESS_DENIED_ERROR', 1044],
    privilege: [
      'ER_TABLEACCESS_DENIED_ERROR',
      1142,
      'ER_SPECIFIC_ACCESS_DENIED_ERROR',
      1227,
      'ER_DBACCESS_DENIED_ERROR',
      1044,
      'ER_COLUMNACCESS_DENIED_ERROR',
      1143,
    ],
    // 1205: lock_wait_timeout for metadata locks, innodb_lock_wait_timeout for rows.
    'lock-timeout': ['ER_LOCK_WAIT_TIMEOUT', 1205],
    deadlock: ['ER_LOCK_DEADLOCK', 1213],
    // MariaDB 1969 max_statement_time; MySQL 3024 max_execution_time.
    'statement-timeout': ['ER_STATEMENT_TIMEOUT', 1969, 'ER_QUERY_TIMEOUT', 3024],
    'no-such-table': ['ER_NO_SUCH_TABLE', 1146],
    'no-such-schema': ['ER_BAD_DB_ERROR', 1049],
    'duplicate-column': ['ER_DUP_FIELDNAME', 1060],
    syntax: ['ER_PARSE_ERROR', 1064],
    // 1927 connection killed (MariaDB), 2013 lost during query, 2006 server has gone away.
    'connection-lost': ['PROTOCOL_CONNECTION_LOST', 'ER_CONNECTION_KILLED', 1927, 2013, 2006],
    // 1060 duplicate column, 1061 duplicate key name, 1091 can't drop (absent), 1826 duplicate FK, 4028 duplicate constraint (MariaDB), 3822 (MySQL).
    'already-applied': [1060, 1061, 1091, 1826, 4028, 3822],
    // The server refusing the requested ALGORITHM (1845, 1846): the step's `fallbackSql` applies.
    'instant-refused': ['ER_ALTER_OPERATION_NOT_SUPPORTED', 1845, 'ER_ALTER_OPERATION_NOT_SUPPORTED_REASON', 1846],
  },
  // mysql2: errors of a connection that has ended, which carry no code.
  connectionLostMessages: /connection is in closed state|Connection lost/i,
  // mysql2 marks an error after which the connection cannot be used `fatal`.
  fatalMeansLost: true,
};
