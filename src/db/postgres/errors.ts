/**
 * PostgreSQL's driver error codes (SQLSTATE, node-postgres messages) by what they mean: the one table both the
 * client's error messages (src/db/errors.ts `translateQueryError`) and the runner's decisions (retry, resume) read.
 */
import type { DriverErrorCodes } from '../errors';

export const driverErrors: DriverErrorCodes = {
  codes: {
    'auth-failed': ['28P01', '28000'],
    'unknown-database': ['3D000'],
    'connect-denied': ['42501'],
    privilege: ['42501'],
    // 55P03 lock_not_available: lock_timeout expired.
    'lock-timeout': ['55P03'],
    deadlock: ['40P01'],
    // 57014 query_canceled: statement_timeout (or a cancel request).
    'statement-timeout': ['57014'],
    'no-such-table': ['42P01'],
    'no-such-schema': ['3F000'],
    'duplicate-column': ['42701'],
    syntax: ['42601'],
    // 57P01 admin_shutdown (pg_terminate_backend, fast shutdown), 57P02 crash_shutdown, 57P03 cannot_connect_now.
    'connection-lost': ['57P01', '57P02', '57P03'],
    // 42701 duplicate_column, 42P07 duplicate_table (index), 42710 duplicate_object (constraint), 42704 undefined_object (drop).
    'already-applied': ['42701', '42P07', '42710', '42704'],
  },
  // node-postgres: errors of a client whose connection ended, which carry no code.
  connectionLostMessages: /Connection terminated|Client has encountered a connection error|not queryable/i,
};
