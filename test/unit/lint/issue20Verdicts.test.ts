/**
 * Issue 20: the MySQL/MariaDB verdicts read from the statement (FULLTEXT, DROP PRIMARY KEY, CONVERT TO, FORCE, RENAME INDEX,
 * a VARCHAR against its live definition) and the wrong verdicts/fixes corrected. The lock claims themselves are checked
 * against MariaDB 10.11 in test/db/lintVsProbe.test.ts.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { lintSql } from '../../../src/core/lint/analyze';
import { loadParsers, type Parsers } from '../../../src/core/lint/parsers';
import type { ColumnFacts, Dialect, TableFacts } from '../../../src/core/types';

let parsers: Parsers;
before(async () => {
  parsers = await loadParsers();
});

const VERSIONS: Record<Dialect, string> = { postgres: '15', mysql: '8.0.36', mariadb: '10.11' };
const lint = (sql: string, dialect: Dialect = 'mariadb', columns?: ColumnFacts[]) =>
  lintSql(
    sql,
    {
      target: { dialect, version: VERSIONS[dialect] },
      ...(columns ? { facts: (): TableFacts => ({ table: { schema: 's', name: 't' }, rows: 1_000_000, bytes: 1e9, columns }) } : {}),
    },
    parsers,
  );
const last = (sql: string, dialect?: Dialect, columns?: ColumnFacts[]) => {
  const r = lint(sql, dialect, columns);
  return { s: r.statements.at(-1)!, findings: r.findings };
};
const col = (name: string, type: string, charset?: string): ColumnFacts => ({
  name,
  type,
  nullable: true,
  default: null,
  ...(charset ? { charset } : {}),
});

describe('MySQL/MariaDB statements node-sql-parser rejects are read clause by clause', () => {
  for (const [sql, kind] of [
    ['ALTER TABLE t CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;', 'convert-charset'],
    ['ALTER TABLE t RENAME INDEX a TO b;', 'rename-index'],
    ['ALTER TABLE t FORCE;', 'rebuild'],
    ['ALTER TABLE `db`.`t` ADD COLUMN c int, FORCE, ALGORITHM=INPLACE, LOCK=NONE;', 'rebuild'],
  ] as const) {
    it(sql, () => {
      const { s, findings } = last(sql);
      assert.equal(s.parsed.kind, 'alter-table');
      assert.ok(
        s.parsed.actions.some((a) => a.kind === kind),
        JSON.stringify(s.parsed.actions),
      );
      assert.ok(!findings.some((f) => f.rule === 'unparsed-statement'));
    });
  }
  it('a clause nobody knows still makes the statement unparsed, pointing at it', () => {
    const { s } = last('ALTER TABLE t FORCE, FROBNICATE x;');
    assert.equal(s.parsed.kind, 'unparsed');
    assert.equal(s.parsed.error?.offset, 21);
  });
  it('ALGORITHM/LOCK written beside them are kept', () => {
    const { s } = last('ALTER TABLE t FORCE, ALGORITHM=COPY;');
    assert.equal(s.parsed.algorithm, 'COPY');
    assert.equal(s.strongest?.algorithm, 'COPY');
  });
});

describe('MySQL/MariaDB lock verdicts', () => {
  it('FULLTEXT blocks writes (LOCK=SHARED) and the first one rebuilds', () => {
    for (const sql of ['ALTER TABLE t ADD FULLTEXT INDEX ft (body);', 'CREATE FULLTEXT INDEX ft ON t (body);']) {
      for (const dialect of ['mysql', 'mariadb'] as const) {
        const { s, findings } = last(sql, dialect);
        assert.equal(s.strongest?.lock, 'SHARED', sql);
        assert.equal(s.strongest?.rewrite, true);
        const f = findings.find((x) => x.rule === 'index-not-concurrent');
        assert.ok(f, `${dialect}: ${sql}`);
        assert.doesNotMatch(f.fix ?? '', /CONCURRENTLY/);
      }
    }
  });
  it('a second FULLTEXT index in the same file does not rebuild', () => {
    const { s } = last('ALTER TABLE t ADD FULLTEXT INDEX a (x); ALTER TABLE t ADD FULLTEXT INDEX b (y);', 'mariadb', [
      col('x', 'text'),
      col('y', 'text'),
    ]);
    assert.equal(s.strongest?.lock, 'SHARED');
    assert.equal(s.strongest?.rewrite, false);
  });
  it('DROP PRIMARY KEY copies alone and rebuilds online with a new primary key', () => {
    assert.equal(last('ALTER TABLE t DROP PRIMARY KEY;').s.strongest?.algorithm, 'COPY');
    assert.ok(last('ALTER TABLE t DROP PRIMARY KEY;').findings.some((f) => f.rule === 'blocking-ddl'));
    const replaced = last('ALTER TABLE t DROP PRIMARY KEY, ADD PRIMARY KEY (a, b);').s.strongest!;
    assert.deepEqual([replaced.algorithm, replaced.lock, replaced.rewrite], ['INPLACE', 'NONE', true]);
  });
  it('CONVERT TO CHARACTER SET copies unless every text column already has it', () => {
    assert.equal(last('ALTER TABLE t CONVERT TO CHARACTER SET utf8mb4;').s.strongest?.algorithm, 'COPY');
    assert.equal(
      last('ALTER TABLE t CONVERT TO CHARACTER SET utf8mb4;', 'mariadb', [col('a', 'varchar(10)', 'utf8mb4'), col('n', 'int')]).s.strongest
        ?.algorithm,
      'INSTANT',
    );
    assert.equal(
      last('ALTER TABLE t CONVERT TO CHARACTER SET utf8mb4;', 'mariadb', [col('a', 'varchar(10)', 'latin1')]).s.strongest?.algorithm,
      'COPY',
    );
  });
  it('MODIFY against the live definition: UNSIGNED, VARCHAR bytes and charset', () => {
    const cases: [string, ColumnFacts, string][] = [
      ['MODIFY u int unsigned', col('u', 'int(11)'), 'COPY'],
      ['MODIFY u int(11) unsigned', col('u', 'int(11) unsigned'), 'none'],
      ['MODIFY s varchar(63) CHARACTER SET utf8mb4', col('s', 'varchar(60)', 'utf8mb4'), 'INSTANT'],
      ['MODIFY s varchar(64) CHARACTER SET utf8mb4', col('s', 'varchar(60)', 'utf8mb4'), 'COPY'],
      ['MODIFY s varchar(64)', col('s', 'varchar(60)', 'utf8mb4'), 'COPY'],
      ['MODIFY s varchar(40)', col('s', 'varchar(60)', 'utf8mb4'), 'COPY'],
      ['MODIFY s varchar(255)', col('s', 'varchar(250)', 'latin1'), 'INSTANT'],
      ['MODIFY s varchar(256)', col('s', 'varchar(250)', 'latin1'), 'COPY'],
      ['MODIFY s varchar(500)', col('s', 'varchar(300)', 'latin1'), 'INSTANT'],
      ['MODIFY s varchar(250) CHARACTER SET utf8mb4', col('s', 'varchar(250)', 'latin1'), 'COPY'],
    ];
    for (const [clause, now, expected] of cases) {
      const { s } = last(`ALTER TABLE t ${clause};`, 'mariadb', [now]);
      assert.equal(s.strongest?.algorithm ?? 'none', expected, clause);
    }
    const mysql = last('ALTER TABLE t MODIFY s varchar(63);', 'mysql', [col('s', 'varchar(60)', 'utf8mb4')]).s.strongest!;
    assert.deepEqual([mysql.algorithm, mysql.rewrite], ['INPLACE', false]);
    const f = last('ALTER TABLE t MODIFY s varchar(64);', 'mariadb', [col('s', 'varchar(60)', 'utf8mb4')]).findings.find(
      (x) => x.rule === 'alter-column-type',
    );
    assert.match(f?.message ?? '', /crosses 255 bytes/);
  });
  it('without the definition the VARCHAR warning names the threshold', () => {
    const f = last('ALTER TABLE t MODIFY s varchar(300) CHARACTER SET utf8mb4;').findings.find((x) => x.rule === 'alter-column-type');
    assert.match(f?.message ?? '', /255 bytes: in utf8mb4 up to 63 characters/);
  });
  it('SET foreign_key_checks = 0 earlier in the file makes ADD FOREIGN KEY INPLACE', () => {
    const fk = 'ALTER TABLE t ADD CONSTRAINT f FOREIGN KEY (a) REFERENCES o (id);';
    assert.equal(last(fk).s.strongest?.algorithm, 'COPY');
    for (const set of ['SET foreign_key_checks = 0;', 'SET SESSION foreign_key_checks = 0;', 'SET @@foreign_key_checks = OFF;']) {
      const { s, findings } = last(`${set} ${fk}`);
      assert.equal(s.strongest?.algorithm, 'INPLACE', set);
      assert.ok(!findings.some((x) => x.rule === 'blocking-ddl'), set);
    }
    assert.equal(last(`SET foreign_key_checks = 0; SET foreign_key_checks = 1; ${fk}`).s.strongest?.algorithm, 'COPY');
  });
});

describe('PostgreSQL messages and fixes', () => {
  it('ADD COLUMN … REFERENCES names SHARE ROW EXCLUSIVE on the referenced table', () => {
    const f = last("SET lock_timeout = '2s'; ALTER TABLE t ADD COLUMN org_id int REFERENCES orgs (id);", 'postgres').findings.find(
      (x) => x.rule === 'constraint-not-valid-missing',
    );
    assert.match(f?.message ?? '', /SHARE ROW EXCLUSIVE on orgs/);
  });
  it('ADD PRIMARY KEY is fixed with PRIMARY KEY USING INDEX', () => {
    const f = last("SET lock_timeout = '2s'; ALTER TABLE t ADD PRIMARY KEY (id);", 'postgres').findings.find(
      (x) => x.rule === 'unique-constraint-builds-index',
    );
    assert.match(f?.fix ?? '', /PRIMARY KEY USING INDEX/);
  });
  it('serial, identity and stored generated columns are not told to set the default separately', () => {
    for (const c of ['id bigserial', 'id bigint GENERATED ALWAYS AS IDENTITY', 'total numeric GENERATED ALWAYS AS (a * b) STORED']) {
      const f = last(`SET lock_timeout = '2s'; ALTER TABLE t ADD COLUMN ${c};`, 'postgres').findings.find(
        (x) => x.rule === 'add-column-rewrite',
      );
      assert.ok(f, c);
      assert.doesNotMatch(f.fix ?? '', /set the default separately/, c);
    }
  });
  it('constant array defaults are not rewrites on PostgreSQL 11+', () => {
    for (const d of ["'{}'", 'ARRAY[]::text[]', "ARRAY['a', 'b']", "'{a,b}'::text[]"]) {
      const { s, findings } = last(`SET lock_timeout = '2s'; ALTER TABLE t ADD COLUMN tags text[] NOT NULL DEFAULT ${d};`, 'postgres');
      assert.equal(s.strongest?.rewrite, false, d);
      assert.deepEqual(
        findings.map((f) => f.rule),
        [],
        d,
      );
    }
  });
});
