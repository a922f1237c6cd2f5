import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import { connect } from '../../src/db/client';
import { DatabaseError } from '../../src/db/errors';
import { dbTest, throwawayDatabase } from './helpers';

describe('PostgreSQL connection', () => {
  const db = throwawayDatabase('postgres');

  it(
    'reads the server version and flavor',
    dbTest(async (t) => {
      const info = await db.get(t).client.serverInfo();
      assert.equal(info.dialect, 'postgres');
      assert.match(info.version, /^\d+\.\d+$/);
      assert.match(info.banner, /^PostgreSQL /);
    }),
  );

  it(
    'creates a table, inserts and reads back a row',
    dbTest(async (t) => {
      const { client } = db.get(t);
      await client.query('CREATE TABLE greeting (id int PRIMARY KEY, txt text NOT NULL)');
      await client.query('INSERT INTO greeting VALUES ($1, $2)', [1, 'hello']);
      assert.deepEqual(await client.query('SELECT id, txt FROM greeting'), [{ id: 1, txt: 'hello' }]);
    }),
  );

  it(
    'sets application_name and the session timeouts',
    dbTest(async (t) => {
      const { client } = db.get(t);
      const [row] = await client.query<{ app: string; lt: string; st: string }>(
        `SELECT current_setting('application_name') AS app, current_setting('lock_timeout') AS lt, current_setting('statement_timeout') AS st`,
      );
      assert.deepEqual(row, { app: 'column-wizard', lt: '2s', st: '30s' });
    }),
  );

  it(
    'reaches the server through its Unix-socket directory (postgres://user@/db?host=/dir)',
    dbTest(async (t) => {
      const dir = process.env.PG_SOCKET_DIR ?? '/var/run/postgresql';
      if (!existsSync(dir)) return t.skip(`no socket directory ${dir} (set PG_SOCKET_DIR)`);
      const { name } = db.get(t);
      const client = await connect(`postgres://postgres@/${name}?host=${encodeURIComponent(dir)}`);
      try {
        const [row] = await client.query<{ addr: string | null; db: string }>(
          'SELECT inet_server_addr()::text AS addr, current_database() AS db',
        );
        assert.deepEqual(row, { addr: null, db: name }, 'a socket connection has no server address');
      } finally {
        await client.close();
      }
    }),
  );

  it(
    'names an unknown database plainly',
    dbTest(async (t) => {
      const { url } = db.get(t);
      const bad = url.replace(/\/[^/]*$/, '/cw_no_such_db');
      await assert.rejects(
        connect(bad),
        (e: unknown) => e instanceof DatabaseError && /Database "cw_no_such_db" does not exist/.test(e.message),
      );
    }),
  );
});

describe('MySQL/MariaDB connection', () => {
  const db = throwawayDatabase('mysql');

  it(
    'reads the server version and flavor',
    dbTest(async (t) => {
      const info = await db.get(t).client.serverInfo();
      assert.ok(info.dialect === 'mariadb' || info.dialect === 'mysql');
      assert.equal(info.dialect === 'mariadb', /mariadb/i.test(info.banner));
      assert.match(info.version, /^\d+\.\d+\.\d+$/);
    }),
  );

  it(
    'creates a table, inserts and reads back a row',
    dbTest(async (t) => {
      const { client } = db.get(t);
      await client.query('CREATE TABLE greeting (id int PRIMARY KEY, txt varchar(20) NOT NULL) ENGINE=InnoDB');
      await client.query('INSERT INTO greeting VALUES (?, ?)', [1, 'hello']);
      assert.deepEqual(await client.query('SELECT id, txt FROM greeting'), [{ id: 1, txt: 'hello' }]);
    }),
  );

  it(
    'sets the session lock wait timeout',
    dbTest(async (t) => {
      const [row] = await db.get(t).client.query<{ lwt: number }>('SELECT @@SESSION.lock_wait_timeout AS lwt');
      assert.equal(Number(row!.lwt), 2);
    }),
  );
});

describe('unreachable server', () => {
  it('says which host and port refused', async () => {
    await assert.rejects(
      connect('postgres://postgres@127.0.0.1:1/postgres'),
      (e: unknown) => e instanceof DatabaseError && /connection refused/.test(e.message) && /127\.0\.0\.1:1/.test(e.message),
    );
  });
});
