import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { connect } from '../../src/db/client';
import { DatabaseError } from '../../src/db/errors';
import { isConnectionLost, isStatementTimeout } from '../../src/db/run/errors';
import { dbTest, throwawayDatabase } from './helpers';

const withUser = (url: string, user: string, password?: string) => {
  const u = new URL(url);
  u.username = user;
  u.password = password ?? '';
  return u.toString();
};

describe('PostgreSQL errors say what to check', () => {
  const db = throwawayDatabase('postgres');

  it(
    'names a missing privilege and keeps the server text and the driver code',
    dbTest(async (t) => {
      const { client, url } = db.get(t);
      const role = `cw_nopriv_${randomBytes(3).toString('hex')}`;
      await client.query('CREATE TABLE secret (id int)');
      await client.query(`CREATE ROLE ${role} LOGIN`);
      try {
        const other = await connect(withUser(url, role));
        try {
          await assert.rejects(
            other.query('SELECT * FROM secret'),
            (e: unknown) =>
              e instanceof DatabaseError &&
              e.code === '42501' &&
              /^Missing privilege: grant it/.test(e.message) &&
              /permission denied for table secret/.test(e.message),
          );
          await assert.rejects(other.tableFacts({ schema: 'public', name: 'nope' }), /Table public\.nope does not exist/);
        } finally {
          await other.close();
        }
      } finally {
        await client.query(`DROP ROLE ${role}`);
      }
    }),
  );

  it(
    'names a lock timeout and the statement it stopped',
    dbTest(async (t) => {
      const { client, connect: more } = db.get(t);
      await client.query('CREATE TABLE busy (id int)');
      const holder = await more();
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE busy IN ACCESS EXCLUSIVE MODE');
      try {
        await assert.rejects(
          client.execute('ALTER TABLE busy ADD COLUMN c int'),
          (e: unknown) =>
            e instanceof DatabaseError &&
            e.code === '55P03' &&
            /^Lock timeout: another session holds a conflicting lock/.test(e.message) &&
            /statement: ALTER TABLE busy/.test(e.message),
        );
      } finally {
        await holder.query('ROLLBACK');
      }
      assert.deepEqual(await client.execute('ALTER TABLE busy ADD COLUMN c int'), { rowCount: 0 });
    }),
  );

  it(
    'says a terminated session was closed by the server, as the runner reads it',
    dbTest(async (t) => {
      const { connect: more } = db.get(t);
      const victim = await more();
      const killer = await more();
      const [row] = await victim.query<{ id: number }>('SELECT pg_backend_pid() AS id');
      await killer.query('SELECT pg_terminate_backend($1)', [row!.id]);
      await new Promise((r) => setTimeout(r, 200));
      const err = await victim.query('SELECT 1').then(
        () => null,
        (e: unknown) => e,
      );
      assert.ok(err instanceof DatabaseError && /^The connection was closed by the server\. /.test(err.message), String(err));
      assert.equal(isConnectionLost(err), true);
    }),
  );
});

describe('MySQL/MariaDB errors say what to check', () => {
  const db = throwawayDatabase('mysql');

  it(
    'names a user without access to the database, and a wrong password',
    dbTest(async (t) => {
      const { client, url, name } = db.get(t);
      const user = `cw_np_${randomBytes(3).toString('hex')}`;
      await client.query(`CREATE USER '${user}'@'127.0.0.1' IDENTIFIED BY 'right'`);
      try {
        await assert.rejects(
          connect(withUser(url, user, 'right')),
          (e: unknown) =>
            e instanceof DatabaseError && new RegExp(`User "${user}" lacks the privilege to connect to "${name}"`).test(e.message),
        );
        await assert.rejects(
          connect(withUser(url, user, 'wrong')),
          (e: unknown) =>
            e instanceof DatabaseError &&
            new RegExp(`Authentication failed for user "${user}".*Check the user name and password`).test(e.message),
        );
      } finally {
        await client.query(`DROP USER '${user}'@'127.0.0.1'`);
      }
    }),
  );

  it(
    'names a duplicate column with the server text',
    dbTest(async (t) => {
      const { client } = db.get(t);
      await client.query('CREATE TABLE d (id int)');
      await assert.rejects(
        client.execute('ALTER TABLE d ADD COLUMN id int'),
        (e: unknown) => e instanceof DatabaseError && /^The column already exists\. Duplicate column name 'id'/.test(e.message),
      );
    }),
  );
  it(
    'names a statement timeout by its server error number (MariaDB 1969), as the runner reads it',
    dbTest(async (t) => {
      const { connect: more } = db.get(t);
      const c = await more();
      if ((await c.serverInfo()).dialect !== 'mariadb') return t.skip('MariaDB error 1969');
      await c.query('SET SESSION max_statement_time = 0.05');
      const err = await c.query('SELECT SLEEP(2)').then(
        () => null,
        (e: unknown) => e,
      );
      assert.ok(
        err instanceof DatabaseError && err.code === '1969' && /^Statement timeout: the statement ran longer/.test(err.message),
        String(err),
      );
      assert.equal(isStatementTimeout(err), true);
    }),
  );

  it(
    'says a killed session was closed by the server, as the runner reads it',
    dbTest(async (t) => {
      const { connect: more } = db.get(t);
      const victim = await more();
      const killer = await more();
      const [row] = await victim.query<{ id: number }>('SELECT CONNECTION_ID() AS id');
      await killer.query(`KILL ${Number(row!.id)}`);
      await new Promise((r) => setTimeout(r, 200));
      const err = await victim.query('SELECT 1').then(
        () => null,
        (e: unknown) => e,
      );
      assert.ok(err instanceof DatabaseError && /^The connection was closed by the server\. /.test(err.message), String(err));
      assert.equal(isConnectionLost(err), true);
    }),
  );
});
