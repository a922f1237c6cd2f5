import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ExplainResult } from '../../src/cli/explain';
import type { Plan } from '../../src/core/types';
import { dbTest, throwawayDatabase } from './helpers';
import { runCli as cli } from '../helpers/cli';

describe('explain --url (PostgreSQL)', () => {
  const db = throwawayDatabase('postgres');

  it(
    'reports each statement with its lock, verified on the server, as JSON',
    dbTest(async (t) => {
      const { client, url } = db.get(t);
      await client.query('CREATE TABLE users (id int PRIMARY KEY, email text)');
      await client.query("INSERT INTO users SELECT g, g || '@x' FROM generate_series(1, 2000) g");
      await client.query('ANALYZE users');
      const sql = `SET lock_timeout = '1s';
      ALTER TABLE users ADD COLUMN created timestamptz DEFAULT clock_timestamp();
      ALTER TABLE users ALTER COLUMN created SET NOT NULL;
      CREATE INDEX CONCURRENTLY users_email ON users (email);
      CREATE INDEX users_created ON users (created);
      ALTER TABLE users ADD CONSTRAINT email_chk CHECK (email <> '') NOT VALID;
      ALTER TABLE users VALIDATE CONSTRAINT email_chk;
      CREATE TABLE later (a int)`;
      const r = await cli(['explain', '--url', url, '--sql', sql, '--format', 'json']);
      assert.equal(r.code, 0, r.err);
      const result = JSON.parse(r.out) as ExplainResult;
      assert.deepEqual(
        result.statements.map((s) => [s.lock, s.rewrite, s.blocks.reads, s.blocks.writes, s.verified?.agrees]),
        [
          ['ACCESS EXCLUSIVE', true, true, true, true],
          ['ACCESS EXCLUSIVE', false, true, true, true],
          ['SHARE UPDATE EXCLUSIVE', false, false, false, true],
          ['SHARE', false, false, true, true],
          ['ACCESS EXCLUSIVE', false, true, true, true],
          ['SHARE UPDATE EXCLUSIVE', false, false, false, true],
        ],
      );
      for (const s of result.statements) {
        assert.deepEqual(s.table, { schema: 'public', name: 'users' });
        // Calibrated by default: measured on this server (once, then cached).
        assert.equal(s.estimate.basis, 'measured');
        assert.ok(s.estimate.totalSeconds > 0);
      }
      assert.deepEqual(
        result.skipped.map((s) => s.sql),
        ['CREATE TABLE later (a int)'],
      );
      assert.deepEqual(result.rulesDefects, []);
      // Nothing ran on the real table.
      assert.deepEqual(
        await client.query(`SELECT attname FROM pg_attribute WHERE attrelid = 'users'::regclass AND attname = 'created'`),
        [],
      );
      assert.deepEqual(await client.query(`SELECT indexname FROM pg_indexes WHERE tablename = 'users' AND indexname <> 'users_pkey'`), []);
    }),
  );

  it(
    'prints text, and says plainly when the table does not exist',
    dbTest(async (t) => {
      const { url } = db.get(t);
      const r = await cli(['explain', '--url', url, '--sql', 'ALTER TABLE users ADD COLUMN n int; ALTER TABLE ghosts ADD COLUMN n int']);
      assert.equal(r.code, 0, r.err);
      assert.match(
        r.out,
        /1\. ALTER TABLE users ADD COLUMN n int\n {3}lock: ACCESS EXCLUSIVE; blocks reads and writes; no rewrite\n {3}verified on the server: agrees with the rules/,
      );
      assert.match(r.out, /skipped: ALTER TABLE ghosts ADD COLUMN n int — public\.ghosts does not exist on the server yet/);
    }),
  );

  it(
    'measures throughput by default (--calibrate is still accepted); --no-calibrate keeps the rough offline rates',
    dbTest(async (t) => {
      const { url } = db.get(t);
      for (const flags of [[], ['--calibrate'], ['--recalibrate']]) {
        const r = await cli(['explain', '--url', url, '--sql', 'CREATE INDEX i ON users (id)', '--format', 'json', ...flags]);
        assert.equal(r.code, 0, r.err);
        assert.equal((JSON.parse(r.out) as ExplainResult).statements[0]!.estimate.basis, 'measured');
        assert.match(r.err, /^Estimates: measured on postgres [\d.]+ at 127\.0\.0\.1:\d+ /m);
      }
      const off = await cli(['explain', '--url', url, '--sql', 'CREATE INDEX i ON users (id)', '--format', 'json', '--no-calibrate']);
      assert.equal(off.code, 0, off.err);
      assert.equal((JSON.parse(off.out) as ExplainResult).statements[0]!.estimate.basis, 'default');
      assert.match(off.err, /Estimates: rough offline rates \(calibration turned off\)/);
      const both = await cli(['explain', '--url', url, '--sql', 'CREATE INDEX i ON users (id)', '--no-calibrate', '--recalibrate']);
      assert.equal(both.code, 2);
    }),
  );

  it('requires --sql', async () => {
    const r = await cli(['explain', '--url', 'postgres://x@127.0.0.1:1/x']);
    assert.equal(r.code, 2);
    assert.match(r.err, /--sql is required/);
  });
});

describe('explain --url (MySQL/MariaDB)', () => {
  const db = throwawayDatabase('mysql');

  it(
    'reports the algorithm the server accepts; where the rules disagree the server wins and a defect is printed',
    dbTest(async (t) => {
      const { client, url } = db.get(t);
      await client.query('CREATE TABLE items (id int PRIMARY KEY, name varchar(20)) ENGINE=InnoDB');
      await client.query('CREATE TABLE old_items (id int PRIMARY KEY, name varchar(20)) ENGINE=Aria');
      const sql = `ALTER TABLE items ADD COLUMN a int;
      ALTER TABLE items ADD COLUMN u char(36) DEFAULT (UUID());
      CREATE INDEX items_name ON items (name);
      ALTER TABLE old_items ADD COLUMN a int;
      ALTER TABLE items ADD COLUMN r double DEFAULT (RAND())`;
      const r = await cli(['explain', '--url', url, '--sql', sql, '--format', 'json']);
      assert.equal(r.code, 0, r.err);
      const result = JSON.parse(r.out) as ExplainResult;
      assert.deepEqual(
        result.statements.map((s) => [s.algorithm, s.lock, s.rewrite]),
        [
          ['INSTANT', 'NONE', false],
          ['COPY', 'SHARED', true],
          ['INPLACE', 'NONE', false],
          ['COPY', 'SHARED', true],
          ['INSTANT', 'NONE', false],
        ],
      );
      // Each verdict says whether the rule predicted what the server did; every disagreement is printed as a defect.
      for (const s of result.statements) {
        assert.equal(s.verified!.agrees, s.rule.lock === s.lock && s.rule.rewrite === s.rewrite && s.rule.algorithm === s.algorithm, s.sql);
      }
      assert.equal(result.rulesDefects.length, result.statements.filter((s) => !s.verified!.agrees).length);
      assert.equal((r.err.match(/rules defect/g) ?? []).length, result.rulesDefects.length);
      // DEFAULT (RAND()) is INSTANT on MariaDB, as the rule says; the trap (one value for every existing row) is a warning.
      assert.deepEqual(result.rulesDefects, []);
      assert.deepEqual(result.statements[4]!.rule, { ...result.statements[4]!.rule, lock: 'NONE', algorithm: 'INSTANT', rewrite: false });
      assert.deepEqual(
        result.warnings?.map((w) => [w.code, w.severity]),
        [['instant-default-evaluated-once', 'warning']],
      );
      assert.match(result.warnings![0]!.message, /evaluates DEFAULT \(RAND\(\)\) once: every existing row of items gets that same value/);
      const text = await cli(['explain', '--url', url, '--sql', 'ALTER TABLE items ADD COLUMN r double DEFAULT (RAND())']);
      assert.match(
        text.out,
        /lock: NONE \(ALGORITHM=INSTANT\); blocks neither reads nor writes; no rewrite\n {3}verified on the server: agrees with the rules/,
      );
      assert.match(text.out, /\nwarning instant-default-evaluated-once: MariaDB adds r instantly and evaluates DEFAULT \(RAND\(\)\) once/);
      // UUID() is the other side: the server copies the table and gives each row its own value, so no trap warning.
      const uuid = JSON.parse(
        (await cli(['explain', '--url', url, '--sql', 'ALTER TABLE items ADD COLUMN u char(36) DEFAULT (UUID())', '--format', 'json'])).out,
      ) as ExplainResult;
      assert.deepEqual(
        [uuid.statements[0]!.rule.algorithm, uuid.statements[0]!.verified!.agrees, uuid.warnings],
        ['COPY', true, undefined],
      );
    }),
  );
});

describe('explain: the rules agree with the server on hand-written statements', () => {
  const pg = throwawayDatabase('postgres');
  const my = throwawayDatabase('mysql');

  it(
    'PostgreSQL',
    dbTest(async (t) => {
      const { client, url } = pg.get(t);
      await client.query('CREATE TABLE parent (id int PRIMARY KEY)');
      await client.query('CREATE TABLE users (id int PRIMARY KEY, email text)');
      await client.query(`ALTER TABLE users ADD CONSTRAINT users_email_chk CHECK (email <> '') NOT VALID`);
      const sql = `ALTER TABLE users ADD COLUMN a int UNIQUE; ALTER TABLE users ADD COLUMN b int REFERENCES parent (id);
      ALTER TABLE users ADD COLUMN c int CHECK (c > 0); ALTER TABLE users ADD COLUMN d int NOT NULL DEFAULT 1;
      ALTER TABLE users ADD COLUMN e serial; ALTER TABLE users ADD COLUMN f text GENERATED ALWAYS AS (email || 'x') STORED;
      ALTER TABLE users ALTER COLUMN email SET DEFAULT 'a'; ALTER TABLE users ALTER COLUMN email SET NOT NULL;
      ALTER TABLE users ADD CONSTRAINT fk FOREIGN KEY (id) REFERENCES parent (id) NOT VALID; ALTER TABLE users VALIDATE CONSTRAINT fk;
      ALTER TABLE users ADD CONSTRAINT u UNIQUE (email); CREATE UNIQUE INDEX CONCURRENTLY ux ON users (email);
      ALTER TABLE users ADD CONSTRAINT ux2 UNIQUE USING INDEX ux; ALTER TABLE users ADD COLUMN g timestamptz DEFAULT now();
      ALTER TABLE users ADD COLUMN h uuid DEFAULT md5(random()::text)::uuid; ALTER TABLE users ADD COLUMN i int DEFAULT 1, ADD COLUMN j int DEFAULT floor(random() * 10)::int;
      ALTER TABLE users VALIDATE CONSTRAINT users_email_chk`;
      const r = await cli(['explain', '--url', url, '--sql', sql, '--format', 'json']);
      const result = JSON.parse(r.out) as ExplainResult;
      assert.equal(result.statements.length, 17);
      assert.deepEqual(result.rulesDefects, []);
      assert.ok(result.statements.every((s) => s.verified?.agrees === true));
    }),
  );

  it(
    'MariaDB',
    dbTest(async (t) => {
      const { client, url } = my.get(t);
      await client.query('CREATE TABLE parent (id int PRIMARY KEY) ENGINE=InnoDB');
      await client.query('CREATE TABLE t (id int PRIMARY KEY, name varchar(40), p int) ENGINE=InnoDB');
      await client.query('CREATE TABLE ft (id int PRIMARY KEY, body text, FULLTEXT KEY (body)) ENGINE=InnoDB');
      await client.query('CREATE TABLE z (id int PRIMARY KEY) ENGINE=InnoDB ROW_FORMAT=COMPRESSED');
      const sql = `ALTER TABLE t ADD COLUMN a int; ALTER TABLE t ADD COLUMN b int FIRST; ALTER TABLE t ADD COLUMN d char(36) DEFAULT (UUID());
      ALTER TABLE t ADD COLUMN f int AS (id + 1) STORED; ALTER TABLE t ADD COLUMN g int AS (id + 1) VIRTUAL; ALTER TABLE t ADD COLUMN h int UNIQUE;
      ALTER TABLE t ADD COLUMN j int NOT NULL; ALTER TABLE t ADD COLUMN k datetime NOT NULL DEFAULT NOW(); ALTER TABLE t ADD INDEX ix (name);
      CREATE UNIQUE INDEX ux ON t (name); ALTER TABLE t ADD CONSTRAINT fk FOREIGN KEY (p) REFERENCES parent (id);
      ALTER TABLE t ALTER COLUMN name SET DEFAULT 'x'; ALTER TABLE t ADD COLUMN l int, ALGORITHM=INSTANT;
      ALTER TABLE t ADD COLUMN n int, ALGORITHM=INPLACE, LOCK=NONE; ALTER TABLE ft ADD COLUMN a int; ALTER TABLE z ADD COLUMN a int;
      ALTER TABLE t ADD COLUMN o int AUTO_INCREMENT UNIQUE; ALTER TABLE t ADD COLUMN r double DEFAULT (RAND());
      ALTER TABLE t ADD COLUMN r2 int DEFAULT (FLOOR(RAND() * 10)); ALTER TABLE t ADD COLUMN s bigint DEFAULT (UUID_SHORT())`;
      const r = await cli(['explain', '--url', url, '--sql', sql, '--format', 'json']);
      const result = JSON.parse(r.out) as ExplainResult;
      assert.equal(result.statements.length, 20);
      assert.deepEqual(result.rulesDefects, []);
    }),
  );
});

describe('explain: one ALTER TABLE with several subcommands (MariaDB)', () => {
  const my = throwawayDatabase('mysql');

  it(
    'ADD COLUMN + ADD INDEX runs INPLACE with a rebuild as the rules say; with ALGORITHM=INSTANT the rule and the server refuse it',
    dbTest(async (t) => {
      const { client, url } = my.get(t);
      await client.query('CREATE TABLE t (id int PRIMARY KEY, name varchar(40), note varchar(10)) ENGINE=InnoDB');
      await client.query("INSERT INTO t VALUES (1, 'a', 'x'), (2, 'b', 'y')");
      const sql = `ALTER TABLE t ADD COLUMN i int, ADD INDEX (i); ALTER TABLE t ADD COLUMN j int, ADD INDEX (j), ALGORITHM=INSTANT;
      ALTER TABLE t ADD COLUMN k int, ADD INDEX (k), ALGORITHM=INPLACE, LOCK=NONE; ALTER TABLE t ADD INDEX (name), DROP COLUMN i;
      ALTER TABLE t ADD COLUMN l int, DROP COLUMN note; ALTER TABLE t ADD COLUMN m int, ADD CONSTRAINT m_chk CHECK (m > 0)`;
      const r = await cli(['explain', '--url', url, '--sql', sql, '--format', 'json']);
      assert.equal(r.code, 0, r.err);
      const result = JSON.parse(r.out) as ExplainResult;
      assert.deepEqual(
        result.statements.map((s) => [s.rule.algorithm, s.rule.lock, s.rule.rewrite, s.rule.fails !== undefined]),
        [
          ['INPLACE', 'NONE', true, false],
          ['INPLACE', 'NONE', true, true],
          ['INPLACE', 'NONE', true, false],
          ['INPLACE', 'NONE', true, false],
          ['INSTANT', 'NONE', false, false],
          ['COPY', 'SHARED', true, false],
        ],
      );
      assert.deepEqual(
        result.statements.map((s) => s.verified!.agrees),
        [true, false, true, true, true, true],
      );
      assert.match(result.statements[1]!.rule.fails!, /ALGORITHM=INSTANT is not supported/);
      assert.match(
        result.statements[1]!.verified!.detail ?? '',
        /failed on an empty copy of the table: .*ALGORITHM=INSTANT is not supported/,
      );
      assert.deepEqual(result.rulesDefects, []);
    }),
  );

  it(
    'MODIFY … NOT NULL: INPLACE after a CHECK, COPY after a STORED generated column added earlier in the same script or with a new type',
    dbTest(async (t) => {
      const { client, url } = my.get(t);
      await client.query('CREATE TABLE nn (id int PRIMARY KEY, a int, b int, c int) ENGINE=InnoDB');
      await client.query('INSERT INTO nn VALUES (1, 1, 1, 1), (2, 2, 2, 2)');
      const sql = `ALTER TABLE nn ADD CONSTRAINT nn_a_chk CHECK (a > 0); ALTER TABLE nn MODIFY a int NOT NULL;
      ALTER TABLE nn ADD COLUMN g int AS (id * 2) STORED; ALTER TABLE nn MODIFY b int NOT NULL;
      ALTER TABLE nn DROP COLUMN g; ALTER TABLE nn MODIFY c int NOT NULL; ALTER TABLE nn MODIFY a bigint NOT NULL;
      ALTER TABLE nn MODIFY b bigint`;
      const r = await cli(['explain', '--url', url, '--sql', sql, '--format', 'json']);
      assert.equal(r.code, 0, r.err);
      const result = JSON.parse(r.out) as ExplainResult;
      assert.deepEqual(
        result.statements.map((s) => [s.rule.algorithm, s.rule.lock, s.rule.rewrite]),
        [
          ['COPY', 'SHARED', true],
          ['INPLACE', 'NONE', true],
          ['COPY', 'SHARED', true],
          ['COPY', 'SHARED', true],
          ['INSTANT', 'NONE', false],
          ['INPLACE', 'NONE', true],
          ['COPY', 'SHARED', true],
          ['COPY', 'SHARED', true],
        ],
      );
      assert.deepEqual(
        result.statements.map((s) => s.verified!.agrees),
        [true, true, true, true, true, true, true, true],
      );
      assert.deepEqual(result.rulesDefects, []);
    }),
  );

  it(
    'DROP COLUMN: INSTANT when not indexed, NOCOPY when indexed alone, a rebuild in a multi-column index, COPY for the primary key',
    dbTest(async (t) => {
      const { client, url } = my.get(t);
      await client.query(
        'CREATE TABLE d (id int PRIMARY KEY, n int, m int, name varchar(10), plain int, KEY ix_n (n), KEY ix_nm (name, m)) ENGINE=InnoDB',
      );
      await client.query("INSERT INTO d VALUES (1, 1, 1, 'a', 1), (2, 2, 2, 'b', 2)");
      const sql = 'ALTER TABLE d DROP COLUMN plain; ALTER TABLE d DROP COLUMN n; ALTER TABLE d DROP COLUMN m; ALTER TABLE d DROP COLUMN id';
      const result = JSON.parse((await cli(['explain', '--url', url, '--sql', sql, '--format', 'json'])).out) as ExplainResult;
      assert.deepEqual(
        result.statements.map((s) => [s.rule.algorithm, s.rule.lock, s.rule.rewrite]),
        [
          ['INSTANT', 'NONE', false],
          ['INPLACE', 'NONE', false],
          ['INPLACE', 'NONE', true],
          ['COPY', 'SHARED', true],
        ],
      );
      assert.deepEqual(result.rulesDefects, []);
      assert.ok(result.statements.every((s) => s.verified?.agrees === true));
    }),
  );
});

describe('plan --url (live mode)', () => {
  const pg = throwawayDatabase('postgres');
  const my = throwawayDatabase('mysql');

  it(
    'plans from live facts and verifies every DDL step on PostgreSQL',
    dbTest(async (t) => {
      const { client, url } = pg.get(t);
      await client.query('CREATE TABLE accounts (id int PRIMARY KEY)');
      await client.query('INSERT INTO accounts SELECT generate_series(1, 3000)');
      await client.query('ANALYZE accounts');
      const r = await cli([
        'plan',
        '--url',
        url,
        '--table',
        'accounts',
        '--column',
        'token uuid NOT NULL DEFAULT gen_random_uuid()',
        '--format',
        'json',
      ]);
      assert.equal(r.code, 0, r.err);
      const plan = JSON.parse(r.out) as Plan;
      assert.equal(plan.table.rows, 3000);
      assert.equal(plan.serverVersion, (await client.serverInfo()).version);
      const steps = plan.phases.flatMap((p) => p.steps);
      const ddl = steps.filter((s) => !s.backfill);
      assert.ok(ddl.length >= 3);
      for (const s of ddl) assert.equal(s.verified?.agrees, true, s.sql);
      assert.equal(steps.find((s) => s.backfill)!.verified, undefined);
      // stderr says only where the estimates come from (and, the first time, that the server is being measured).
      for (const line of r.err.trim().split('\n'))
        assert.match(line, /^(Measuring this server's throughput|Estimates: measured on postgres)/);
    }),
  );

  it(
    "adds the server's findings and stops before probing when the column is invalid",
    dbTest(async (t) => {
      const { url } = pg.get(t);
      const r = await cli(['plan', '--url', url, '--table', 'accounts', '--column', 'id int']);
      assert.equal(r.code, 1);
      // One finding for one problem: the server's column-exists is the offline one, not a second line with another code.
      assert.equal(r.out.match(/column-exists/g)?.length, 1, r.out);
      assert.match(r.out, /\[error\] column-exists: The table already has a column "id" \(integer\)/);
      assert.doesNotMatch(r.out, /verified on the server/);
    }),
  );

  it(
    "plans a MariaDB table in the URL's database and shows the verification in text",
    dbTest(async (t) => {
      const { client, url } = my.get(t);
      await client.query('CREATE TABLE orders (id int PRIMARY KEY, body text, FULLTEXT KEY ft (body)) ENGINE=InnoDB');
      const r = await cli(['plan', '--url', url, '--table', 'orders', '--column', 'status varchar(10)']);
      assert.equal(r.code, 0, r.err);
      assert.match(r.out, /ALGORITHM=INPLACE, LOCK=SHARED/);
      assert.match(r.out, /verified on the server: agrees/);
      assert.match(r.out, /\(measured on this server (just now|\d+ min ago)\)/);
    }),
  );

  it('refuses offline flags together with --url', async () => {
    const r = await cli(['plan', '--url', 'postgres://x@127.0.0.1:1/x', '--rows', '5', '--table', 't', '--column', 'c int']);
    assert.equal(r.code, 2);
    assert.match(r.err, /--rows cannot be combined with --url/);
  });
});
