/**
 * User text must mean the same on every server setting: an expression that a scanner reading standard strings takes
 * as one string can end the statement on a server with `standard_conforming_strings = off` (PostgreSQL) or with
 * NO_BACKSLASH_ESCAPES / ANSI_QUOTES in sql_mode (MySQL/MariaDB). Nothing the user typed may run another statement.
 * Three layers, each tested on its own: the expression scanner refuses text whose end depends on the setting, every
 * session pins the setting, and every query is one statement.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { connect } from '../../src/db/client';
import { dbTest, databaseUrl, throwawayDatabase } from './helpers';
import { PRIVATE_MARIADB_PORT, privateMariadb } from './privateMariadb';
import { runCli as cli } from '../helpers/cli';

/** Expressions a standard-strings scanner reads as string literals, but a backslash-escaping server reads as `'…'; DROP …`. */
const PG_ATTACKS = [
  `c text DEFAULT '\\' || ';DROP TABLE other;--'`,
  `c text CHECK (c <> '\\' || ');DROP TABLE other;--')`,
  `c text DEFAULT E'x' || '\\' || ';DROP TABLE other;--'`,
];

describe('PostgreSQL with standard_conforming_strings = off', () => {
  const db = throwawayDatabase('postgres');

  async function freshTables(t: Parameters<typeof db.get>[0]) {
    const { client, name } = db.get(t);
    await client.query(`ALTER DATABASE "${name}" SET standard_conforming_strings = off`);
    await client.query('DROP TABLE IF EXISTS t, other');
    await client.query('CREATE TABLE t (id int PRIMARY KEY)');
    await client.query('CREATE TABLE other (id int)');
    return async () => (await client.query<{ present: boolean }>(`SELECT to_regclass('public.other') IS NOT NULL AS present`))[0]!.present;
  }

  for (const column of PG_ATTACKS) {
    it(
      `plan --url and run refuse the expression and execute nothing else: ${column}`,
      dbTest(async (t) => {
        const { url } = db.get(t);
        const otherExists = await freshTables(t);
        const plan = await cli(['plan', '--url', url, '--table', 't', '--column', column]);
        assert.ok(await otherExists(), `plan --url dropped the other table\n${plan.out}\n${plan.err}`);
        assert.equal(plan.code, 1, plan.out + plan.err);
        assert.match(
          plan.out,
          /\[error\] expression-invalid: The (DEFAULT|CHECK) expression cannot be used: .* when the server reads a backslash in '…' as an escape \(standard_conforming_strings = off\)/,
        );
        const run = await cli(['run', '--url', url, '--table', 't', '--column', column, '--yes']);
        assert.ok(await otherExists(), `run dropped the other table\n${run.out}\n${run.err}`);
        assert.notEqual(run.code, 0, run.out + run.err);
      }),
    );
  }

  it(
    'every session pins standard_conforming_strings = on, whether the database, the role or PGOPTIONS turned it off',
    dbTest(async (t) => {
      const { client, url, name } = db.get(t);
      await client.query(`ALTER DATABASE "${name}" SET standard_conforming_strings = off`);
      const role = `${name}_role`;
      await client.query(`CREATE ROLE "${role}" LOGIN SUPERUSER`);
      t.after(async () => {
        await client.query(`DROP ROLE IF EXISTS "${role}"`);
      });
      await client.query(`ALTER ROLE "${role}" SET standard_conforming_strings = off`);
      const roleUrl = new URL(url);
      roleUrl.username = role;
      const saved = process.env.PGOPTIONS;
      for (const [how, target, pgoptions] of [
        ['database', url, undefined],
        ['role', roleUrl.toString(), undefined],
        ['PGOPTIONS', url, '-c standard_conforming_strings=off'],
      ] as const) {
        if (pgoptions === undefined) delete process.env.PGOPTIONS;
        else process.env.PGOPTIONS = pgoptions;
        const c = await connect(target);
        try {
          const [row] = await c.query<{ scs: string; len: number }>(
            `SELECT current_setting('standard_conforming_strings') AS scs, length('a\\b') AS len`,
          );
          assert.deepEqual(row, { scs: 'on', len: 3 }, how);
        } finally {
          await c.close();
        }
      }
      if (saved === undefined) delete process.env.PGOPTIONS;
      else process.env.PGOPTIONS = saved;
      // The same database seen by a plain session: the setting really is off there.
      const pg = await import('pg');
      const raw = new pg.default.Client({ connectionString: databaseUrl(url, name) });
      await raw.connect();
      try {
        assert.equal((await raw.query('SHOW standard_conforming_strings')).rows[0].standard_conforming_strings, 'off');
      } finally {
        await raw.end();
      }
    }),
  );

  it(
    'a query is one statement: text with a second statement is refused, not run',
    dbTest(async (t) => {
      const { client } = db.get(t);
      const otherExists = await freshTables(t);
      await assert.rejects(client.query('SELECT 1; DROP TABLE other'), /cannot insert multiple commands into a prepared statement/);
      assert.ok(await otherExists());
    }),
  );

  it(
    'the probe runs a statement that bypassed the scanner without executing the text after the misread quote',
    dbTest(async (t) => {
      const otherExists = await freshTables(t);
      const client = await db.get(t).connect(); // a session opened after the database turned the setting off
      const r = await client.probe(
        { schema: 'public', name: 't' },
        `ALTER TABLE t ADD COLUMN c text DEFAULT '\\' || ';DROP TABLE other;--'`,
      );
      assert.ok(await otherExists(), JSON.stringify(r));
      assert.equal(r.error, undefined, 'read as the standard string the scanner saw, the statement is valid');
      // Earlier steps given as the probe's setup go through the same session.
      const s = await client.probe({ schema: 'public', name: 't' }, `ALTER TABLE t ADD COLUMN d int`, {
        setup: [`ALTER TABLE t ADD COLUMN c text DEFAULT '\\' || ';DROP TABLE other;--'`],
      });
      assert.ok(await otherExists(), JSON.stringify(s));
      assert.equal(s.error, undefined);
    }),
  );
});

describe('MariaDB whose sql_mode has NO_BACKSLASH_ESCAPES and ANSI_QUOTES', () => {
  const server = privateMariadb(['sql_mode = NO_BACKSLASH_ESCAPES,ANSI_QUOTES,STRICT_TRANS_TABLES']);

  async function freshTables(url: string) {
    const c = await connect(url);
    await c.query('DROP TABLE IF EXISTS t, other');
    await c.query('CREATE TABLE t (id int PRIMARY KEY)');
    await c.query('CREATE TABLE other (id int)');
    return {
      c,
      otherExists: async () =>
        (await c.query(`SELECT COUNT(*) AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'other'`))[0]!
          .n === 1,
    };
  }

  it(
    'every session drops the quoting flags from sql_mode and keeps the others',
    dbTest(async (t) => {
      const url = server.get(t);
      const c = await connect(url);
      try {
        const [row] = await c.query<{ mode: string }>('SELECT @@SESSION.sql_mode AS mode');
        // (mysql2 asks for IGNORE_SPACE when it connects.)
        assert.deepEqual(row!.mode.split(',').sort(), ['IGNORE_SPACE', 'STRICT_TRANS_TABLES']);
        // A parameter with a quote and a backslash: the driver escapes them with backslashes, which only this mode reads.
        assert.deepEqual(await c.query('SELECT ? AS v', ["it's C:\\dir"]), [{ v: "it's C:\\dir" }]);
      } finally {
        await c.close();
      }
      // The server's own default really has them: a plain session sees them.
      const mysql = await import('mysql2/promise');
      const raw = await mysql.createConnection({ host: '127.0.0.1', port: PRIVATE_MARIADB_PORT, user: 'root' });
      try {
        const [rows] = await raw.query('SELECT @@SESSION.sql_mode AS mode');
        assert.deepEqual((rows as Array<{ mode: string }>)[0]!.mode.split(',').sort(), [
          'ANSI_QUOTES',
          'IGNORE_SPACE',
          'NO_BACKSLASH_ESCAPES',
          'STRICT_TRANS_TABLES',
        ]);
      } finally {
        await raw.end();
      }
    }),
  );

  it(
    'run writes a "…" default and a backslash comment as the user typed them',
    dbTest(async (t) => {
      const url = server.get(t);
      const { c } = await freshTables(url);
      try {
        await c.query('INSERT INTO t VALUES (1)');
        const r = await cli([
          'run',
          '--url',
          url,
          '--table',
          't',
          '--column',
          `note varchar(30) DEFAULT "dq" COMMENT 'C:\\\\dir it''s'`,
          '--yes',
        ]);
        assert.equal(r.code, 0, r.out + r.err);
        const [col] = await c.query<{ d: string; cm: string }>(
          `SELECT COLUMN_DEFAULT AS d, COLUMN_COMMENT AS cm FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 't' AND COLUMN_NAME = 'note'`,
        );
        assert.deepEqual(col, { d: `'dq'`, cm: `C:\\dir it's` });
        assert.deepEqual(await c.query('SELECT note FROM t'), [{ note: 'dq' }]);
      } finally {
        await c.close();
      }
    }),
  );

  for (const column of [
    `c varchar(40) DEFAULT concat('a\\', ';DROP TABLE other;#')`,
    `c varchar(40) DEFAULT "\\" || ";DROP TABLE other;#"`,
  ]) {
    it(
      `plan --url and run refuse the expression and execute nothing else: ${column}`,
      dbTest(async (t) => {
        const url = server.get(t);
        const { c, otherExists } = await freshTables(url);
        try {
          const plan = await cli(['plan', '--url', url, '--table', 't', '--column', column]);
          assert.ok(await otherExists(), plan.out + plan.err);
          assert.notEqual(plan.code, 0, plan.out + plan.err);
          assert.match(
            plan.out + plan.err,
            /\[error\] expression-invalid: The DEFAULT expression cannot be used: |--column: ';' at character \d+ .*: a column definition is a single clause, not a statement/,
          );
          const run = await cli(['run', '--url', url, '--table', 't', '--column', column, '--yes']);
          assert.ok(await otherExists(), run.out + run.err);
          assert.notEqual(run.code, 0);
        } finally {
          await c.close();
        }
      }),
    );
  }
});
