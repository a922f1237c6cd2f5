/**
 * Issue 20: statements on schemas, routines and types (ALTER FUNCTION / PROCEDURE, ALTER … OWNER TO, ALTER TYPE … ADD /
 * RENAME VALUE) get a lock verdict, drop-object skips objects created earlier in the same file, and the lock-timeout
 * message names the object a statement locks when it names no table. The lock claims are read from pg_locks on
 * PostgreSQL 15 in test/db/lintVsProbe.test.ts.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { lintSql } from '../../../src/core/lint/analyze';
import { loadParsers, type Parsers } from '../../../src/core/lint/parsers';

let parsers: Parsers;
before(async () => {
  parsers = await loadParsers(['postgres']);
});

const lint = (sql: string, version = '15') => lintSql(sql, { target: { dialect: 'postgres', version } }, parsers);
const rules = (sql: string, version?: string) => lint(sql, version).findings.map((f) => f.rule);
const verdict = (sql: string) => {
  const s = lint(sql).statements.at(-1)!;
  return { lock: s.strongest?.lock, reads: s.strongest?.blocks.reads, writes: s.strongest?.blocks.writes };
};

describe('verdicts for statements on schemas, routines and types', () => {
  for (const [sql, lock, reads] of [
    ['ALTER FUNCTION touch() SECURITY DEFINER;', 'NONE', false],
    ['ALTER PROCEDURE p() SET search_path = public;', 'NONE', false],
    ['ALTER FUNCTION touch() OWNER TO app;', 'ACCESS EXCLUSIVE', false],
    ['ALTER AGGREGATE my_sum(int) OWNER TO app;', 'ACCESS EXCLUSIVE', false],
    ['ALTER SCHEMA reporting OWNER TO app;', 'NONE', false],
    ['ALTER TYPE mood OWNER TO app;', 'NONE', false],
    ['ALTER VIEW v OWNER TO app;', 'ACCESS EXCLUSIVE', true],
    ['ALTER SEQUENCE s OWNER TO app;', 'ACCESS EXCLUSIVE', true],
    ["ALTER TYPE mood ADD VALUE 'happy';", 'EXCLUSIVE', false],
    ["ALTER TYPE mood RENAME VALUE 'sad' TO 'unhappy';", 'EXCLUSIVE', false],
    ['ALTER SCHEMA reporting RENAME TO reports;', 'ACCESS EXCLUSIVE', false],
    ['ALTER FUNCTION touch() RENAME TO touch_row;', 'ACCESS EXCLUSIVE', false],
    ['ALTER TYPE mood RENAME TO feeling;', 'NONE', false],
    ['ALTER DOMAIN email RENAME TO email_address;', 'NONE', false],
    ['ALTER INDEX users_email_idx RENAME TO users_email_key;', 'SHARE UPDATE EXCLUSIVE', false],
  ] as const) {
    it(sql, () => {
      const v = verdict(sql);
      assert.equal(v.lock, lock);
      assert.equal(v.reads, reads);
      assert.ok(!rules(sql).includes('unknown-statement'));
    });
  }
  it('ALTER … OWNER TO of an object kind with no verdict is reported, not passed over', () => {
    assert.deepEqual(rules('ALTER DATABASE app OWNER TO app;'), ['unknown-statement']);
    assert.deepEqual(rules('ALTER PUBLICATION pub OWNER TO app;'), ['unknown-statement']);
  });
  it('ALTER INDEX … RENAME before PostgreSQL 12 takes ACCESS EXCLUSIVE', () => {
    assert.equal(lint('ALTER INDEX i RENAME TO j;', '11').statements[0]!.strongest?.lock, 'ACCESS EXCLUSIVE');
  });
  it('renames of routines and types are app-compatibility warnings, not of ones created in the file', () => {
    assert.deepEqual(rules('ALTER FUNCTION touch() RENAME TO touch_row;'), ['rename']);
    assert.deepEqual(rules('ALTER TYPE mood RENAME TO feeling;'), ['rename']);
    assert.deepEqual(rules("CREATE TYPE mood AS ENUM ('a'); ALTER TYPE mood RENAME TO feeling;"), []);
    assert.deepEqual(rules('CREATE SCHEMA s; ALTER SCHEMA s RENAME TO t;'), []);
  });
  it('RENAME VALUE is an app-compatibility warning (rename), ADD VALUE alone is not', () => {
    assert.deepEqual(rules("ALTER TYPE mood RENAME VALUE 'sad' TO 'unhappy';"), ['rename']);
    assert.deepEqual(rules("ALTER TYPE mood ADD VALUE 'happy';"), []);
  });
});

describe('enum-value-in-transaction', () => {
  it('before PostgreSQL 12, ADD VALUE inside a transaction block fails', () => {
    assert.deepEqual(rules("BEGIN; ALTER TYPE mood ADD VALUE 'happy'; COMMIT;", '11'), ['enum-value-in-transaction']);
    assert.deepEqual(rules("BEGIN; ALTER TYPE mood ADD VALUE 'happy'; COMMIT;", '12'), []);
    assert.deepEqual(rules("ALTER TYPE mood ADD VALUE 'happy';", '11'), []);
  });
  it('before 12 it may run in the transaction that created the type, not in a later one', () => {
    assert.deepEqual(rules("BEGIN; CREATE TYPE mood AS ENUM ('a'); ALTER TYPE mood ADD VALUE 'b'; COMMIT;", '11'), []);
    assert.deepEqual(rules("CREATE TYPE mood AS ENUM ('a'); BEGIN; ALTER TYPE mood ADD VALUE 'b'; COMMIT;", '11'), [
      'enum-value-in-transaction',
    ]);
  });
  it('from 12, the new value used later in the same transaction fails; after COMMIT it is fine', () => {
    const sql = "BEGIN; ALTER TYPE mood ADD VALUE 'happy'; UPDATE people SET mood = 'happy' WHERE id = 1; COMMIT;";
    const r = lint(sql);
    assert.deepEqual(
      r.findings.map((f) => [f.rule, f.statement]),
      [['enum-value-in-transaction', 2]],
    );
    assert.deepEqual(rules("BEGIN; ALTER TYPE mood ADD VALUE 'happy'; COMMIT; UPDATE people SET mood = 'happy' WHERE id = 1;"), []);
    assert.deepEqual(rules("BEGIN; ALTER TYPE mood ADD VALUE 'happy'; UPDATE people SET mood = 'sad' WHERE id = 1; COMMIT;"), []);
  });
  it('from 12 also when the type was created in the same transaction (PostgreSQL 15 refuses it); before 12 that was allowed', () => {
    const sql = "BEGIN; CREATE TYPE mood AS ENUM ('a'); ALTER TYPE mood ADD VALUE 'b'; SELECT 'b'::mood; COMMIT;";
    assert.deepEqual(rules(sql), ['enum-value-in-transaction']);
    assert.deepEqual(rules(sql, '11'), []);
  });
});

describe('drop-object and objects created earlier in the same file', () => {
  for (const sql of [
    'CREATE SCHEMA scratch; DROP SCHEMA scratch;',
    'CREATE SCHEMA scratch; CREATE TABLE scratch.t (id int); DROP SCHEMA scratch CASCADE;',
    'CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$; DROP FUNCTION f();',
    "CREATE TYPE mood AS ENUM ('a'); DROP TYPE mood CASCADE;",
    'CREATE DOMAIN email AS text; DROP DOMAIN email;',
    'CREATE EXTENSION citext; DROP EXTENSION citext;',
  ]) {
    it(`not flagged: ${sql}`, () => {
      assert.deepEqual(rules(sql), []);
    });
  }
  for (const sql of [
    'DROP SCHEMA scratch;',
    'CREATE SCHEMA other; DROP SCHEMA scratch;',
    'CREATE SCHEMA scratch; DROP SCHEMA scratch, reporting;',
    // The object may be an existing one.
    'CREATE OR REPLACE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$; DROP FUNCTION f();',
    'CREATE EXTENSION IF NOT EXISTS citext; DROP EXTENSION citext;',
    'CREATE SCHEMA IF NOT EXISTS scratch; DROP SCHEMA scratch;',
    // CASCADE after an existing table came to depend on the new object: it goes with it.
    "SET lock_timeout = '2s'; CREATE SCHEMA scratch; ALTER TABLE users SET SCHEMA scratch; DROP SCHEMA scratch CASCADE;",
    "SET lock_timeout = '2s'; CREATE TYPE mood AS ENUM ('a'); ALTER TABLE users ADD COLUMN m mood; DROP TYPE mood CASCADE;",
  ]) {
    it(`flagged: ${sql}`, () => {
      assert.ok(rules(sql).includes('drop-object'), JSON.stringify(rules(sql)));
    });
  }
  it('a rename of an enum value of a type created in the file is not an app-compatibility warning', () => {
    assert.deepEqual(rules("CREATE TYPE mood AS ENUM ('a'); ALTER TYPE mood RENAME VALUE 'a' TO 'b';"), []);
  });
});

describe('missing-lock-timeout names the object when the statement names no table', () => {
  it('DROP SCHEMA … CASCADE', () => {
    const f = lint('DROP SCHEMA reporting CASCADE;').findings.find((x) => x.rule === 'missing-lock-timeout');
    assert.ok(f);
    assert.match(f.message, /^ACCESS EXCLUSIVE on the schema reporting and on every table dropped with it /);
    assert.doesNotMatch(f.message, /the table/);
  });
  it('DROP TYPE … CASCADE', () => {
    const f = lint('DROP TYPE s.mood CASCADE;').findings.find((x) => x.rule === 'missing-lock-timeout');
    assert.match(f?.message ?? '', /^ACCESS EXCLUSIVE on the type mood and on every table dropped with it /);
  });
});

describe('MySQL/MariaDB: views, routines and events get a verdict (the grammar cannot read their ALTER forms)', () => {
  const my = (sql: string, dialect: 'mysql' | 'mariadb' = 'mariadb') =>
    lintSql(sql, { target: { dialect, version: dialect === 'mysql' ? '8.0.36' : '10.11' } }, parsers);
  before(async () => {
    parsers = await loadParsers();
  });
  for (const [sql, reads] of [
    ['ALTER VIEW v AS SELECT 1;', true],
    ['ALTER ALGORITHM = MERGE DEFINER = `app`@`%` SQL SECURITY INVOKER VIEW `db`.`v` AS SELECT 1;', true],
    ['DROP VIEW IF EXISTS v;', true],
    ["ALTER FUNCTION f COMMENT 'x';", true],
    ['DROP FUNCTION IF EXISTS f;', true],
    ['ALTER PROCEDURE p SQL SECURITY INVOKER;', false],
    ['DROP PROCEDURE p;', false],
    ['ALTER DEFINER = CURRENT_USER EVENT e DISABLE;', false],
    ['DROP EVENT IF EXISTS e;', false],
    ['CREATE OR REPLACE VIEW v AS SELECT 1;', true],
    ['CREATE OR REPLACE ALGORITHM = MERGE DEFINER = `app`@`%` SQL SECURITY INVOKER VIEW `db`.`v` AS SELECT 1;', true],
    ['ALTER DATABASE shop CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;', false],
    ['ALTER SCHEMA DEFAULT CHARSET = latin1;', false],
  ] as const) {
    for (const dialect of ['mysql', 'mariadb'] as const)
      it(`${dialect}: ${sql}`, () => {
        const r = my(sql, dialect);
        const s = r.statements[0]!;
        assert.equal(s.parsed.kind, 'other');
        assert.equal(s.strongest?.lock, 'EXCLUSIVE');
        assert.equal(s.strongest?.blocks.reads, reads);
        assert.ok(!r.findings.some((f) => f.rule === 'unparsed-statement' || f.rule === 'unknown-statement'), JSON.stringify(r.findings));
        // A lock that waits behind open transactions needs a timeout; one only running calls hold does not.
        assert.equal(
          r.findings.some((f) => f.rule === 'missing-lock-timeout'),
          reads,
        );
      });
  }
  it('MariaDB ALTER / DROP SEQUENCE: an exclusive lock NEXTVAL waits for; MySQL has no sequences', () => {
    for (const sql of ['ALTER SEQUENCE s RESTART WITH 100;', 'DROP SEQUENCE IF EXISTS app.s;']) {
      const r = my(sql, 'mariadb');
      const s = r.statements[0]!;
      assert.equal(s.strongest?.lock, 'EXCLUSIVE', sql);
      assert.deepEqual(s.strongest?.blocks, { reads: true, writes: true });
      assert.match(s.strongest?.why ?? '', /NEXTVAL/);
      assert.deepEqual(
        r.findings.map((f) => f.rule),
        ['missing-lock-timeout'],
      );
      assert.deepEqual(
        my(sql, 'mysql')
          .findings.map((f) => f.rule)
          .sort(),
        ['fails-on-server', 'missing-lock-timeout'],
      );
    }
  });
  it('statements read from their keywords with no verdict say so (info), never "could not read"', () => {
    for (const [sql, dialect] of [
      ['ALTER DATABASE shop READ ONLY = 1;', 'mysql'],
      ['ALTER DATABASE shop ENCRYPTION = "Y";', 'mysql'],
      ['CREATE OR REPLACE SEQUENCE s;', 'mariadb'],
    ] as const) {
      const r = my(sql, dialect);
      assert.deepEqual(
        r.findings.map((f) => [f.rule, f.severity]),
        [['unknown-statement', 'info']],
        sql,
      );
    }
  });
  it('accounts and new sequences: read, nothing to report', () => {
    for (const sql of [
      "ALTER USER app IDENTIFIED BY 'x';",
      "ALTER USER 'app'@'%' ACCOUNT LOCK;",
      'DROP USER IF EXISTS app;',
      'CREATE SEQUENCE s;',
    ])
      for (const dialect of ['mysql', 'mariadb'] as const) {
        const r = my(sql, dialect);
        assert.equal(r.statements[0]!.parsed.kind, 'other', sql);
        assert.deepEqual(r.findings, [], `${dialect}: ${sql}`);
      }
  });
  it('the lock-timeout message names the routine', () => {
    const f = my('ALTER FUNCTION order_total COMMENT "x";').findings.find((x) => x.rule === 'missing-lock-timeout');
    assert.match(f?.message ?? '', /^The metadata lock on the routine order_total /);
  });
  it('drop-object: DROP FUNCTION / PROCEDURE, not of a routine created in the file or created again after it', () => {
    const drops = (sql: string) => my(sql).findings.filter((f) => f.rule === 'drop-object').length;
    assert.equal(drops('DROP FUNCTION order_total;'), 1);
    assert.equal(drops('DROP PROCEDURE IF EXISTS refresh;'), 1);
    assert.equal(drops('CREATE FUNCTION f() RETURNS int RETURN 1; DROP FUNCTION f;'), 0);
    assert.equal(drops('DROP PROCEDURE IF EXISTS refresh; CREATE PROCEDURE Refresh() SELECT 1;'), 0);
    assert.equal(drops('DROP PROCEDURE IF EXISTS refresh; CREATE PROCEDURE refresh_all() SELECT 1;'), 1);
    assert.equal(drops('CREATE OR REPLACE FUNCTION f() RETURNS int RETURN 1; DROP FUNCTION f;'), 1);
    assert.equal(drops('DROP VIEW v; DROP EVENT e;'), 0);
  });
});
