import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { translateQueryError } from '../../src/db/errors';
import { isConnectionLost, isLockTimeout, isStatementTimeout } from '../../src/db/run/errors';

// Errors shaped as the drivers raise them (node-postgres: SQLSTATE in `code`; mysql2: `errno`, and `code` only for
// the numbers it knows; Node sockets: `code`), including codes no test server can be made to send on demand.
const lost = [
  { code: '57P01', message: 'terminating connection due to administrator command' },
  { code: '57P02', message: 'terminating connection because of crash of another server process' },
  { code: '57P03', message: 'the database system is starting up' },
  { code: 'EPIPE', message: 'write EPIPE' },
  { code: 'ECONNRESET', message: 'read ECONNRESET' },
  { errno: 1927, message: 'Connection was killed' },
  { errno: 2013, message: 'Lost connection to server during query' },
  { errno: 2006, message: 'Server has gone away' },
  { code: 'PROTOCOL_CONNECTION_LOST', message: 'Connection lost: The server closed the connection.' },
];
const timeouts = [
  { code: '57014', message: 'canceling statement due to statement timeout' },
  { errno: 1969, message: 'Query execution was interrupted (max_statement_time exceeded)' },
  { errno: 3024, code: 'ER_QUERY_TIMEOUT', message: 'Query execution was interrupted, maximum statement execution time exceeded' },
];

describe('one table of driver error codes: the messages and the runner read errors alike', () => {
  it('every error the runner counts as a lost connection is told to the user as one', () => {
    for (const e of lost) {
      assert.equal(isConnectionLost(e), true, e.message);
      assert.match(translateQueryError(e, 'SELECT 1').message, /^The connection was closed by the server\. /, e.message);
    }
  });

  it('every error the runner counts as a statement timeout is told to the user as one', () => {
    for (const e of timeouts) {
      assert.equal(isStatementTimeout(e), true, e.message);
      assert.match(translateQueryError(e).message, /^Statement timeout: /, e.message);
    }
  });

  it('a lock timeout is neither, and other errors get no hint', () => {
    const lock = { errno: 1205, code: 'ER_LOCK_WAIT_TIMEOUT', message: 'Lock wait timeout exceeded' };
    assert.equal(isLockTimeout(lock), true);
    assert.equal(isConnectionLost(lock), false);
    assert.match(translateQueryError(lock).message, /^Lock timeout: /);
    const other = { code: '22012', message: 'division by zero' };
    assert.equal(isConnectionLost(other) || isStatementTimeout(other) || isLockTimeout(other), false);
    assert.equal(translateQueryError(other).message, 'division by zero');
  });
});
