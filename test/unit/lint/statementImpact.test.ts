/**
 * One ALTER TABLE with several subcommands is one statement: the linter asks rules.ts (`statementImpact`) for the
 * slowest algorithm / strictest lock over its parts. Probed on MariaDB 10.11 (test/db/cliLive.test.ts checks the same
 * statements against the server).
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { lintSql, type LintOptions } from '../../../src/core/lint/analyze';
import { loadParsers, type Parsers } from '../../../src/core/lint/parsers';

let parsers: Parsers;
before(async () => {
  parsers = await loadParsers();
});

const maria: LintOptions = { target: { dialect: 'mariadb', version: '10.11' } };
const pg: LintOptions = { target: { dialect: 'postgres', version: '15' } };
const lint = (sql: string, o: LintOptions = maria) =>
  lintSql(`${o === pg ? "SET lock_timeout = '2s'" : 'SET SESSION lock_wait_timeout = 2'};\n${sql}`, o, parsers);
const whole = (sql: string, o: LintOptions = maria) => {
  const s = lint(sql, o).statements[1]!.strongest!;
  return [s.algorithm, s.lock, s.rewrite, s.fails !== undefined];
};
const rules = (sql: string, o: LintOptions = maria) => lint(sql, o).findings.map((f) => f.rule);

describe('lint: one ALTER TABLE with several subcommands', () => {
  it('ADD COLUMN + ADD INDEX: INPLACE with a rebuild, not INSTANT; ALGORITHM=INSTANT fails', () => {
    assert.deepEqual(whole('ALTER TABLE t ADD COLUMN i int, ADD INDEX (i)'), ['INPLACE', 'NONE', true, false]);
    assert.deepEqual(whole('ALTER TABLE t ADD COLUMN i int, ADD INDEX (i), ALGORITHM=INSTANT'), ['INPLACE', 'NONE', true, true]);
    assert.match(
      lint('ALTER TABLE t ADD COLUMN i int, ADD INDEX (i), ALGORITHM=INSTANT').statements[1]!.strongest!.fails!,
      /ALGORITHM=INSTANT is not supported/,
    );
    assert.deepEqual(whole('ALTER TABLE t ADD COLUMN i int, ADD INDEX (i), ALGORITHM=INPLACE, LOCK=NONE'), [
      'INPLACE',
      'NONE',
      true,
      false,
    ]);
    assert.deepEqual(rules('ALTER TABLE t ADD COLUMN i int, ADD INDEX (i)'), ['add-column-not-instant']);
    assert.match(
      lint('ALTER TABLE t ADD COLUMN i int, ADD INDEX (i)').findings[0]!.message,
      /ADD COLUMN i would be INSTANT alone, but not in this statement: one ALTER TABLE runs all its parts with the slowest algorithm any part needs, ALGORITHM=INPLACE with a table rebuild/,
    );
    assert.deepEqual(rules('ALTER TABLE t ADD COLUMN i int, ADD INDEX (i), ALGORITHM=INSTANT'), ['fails-on-server']);
  });

  it('the other side: parts that are all INSTANT stay INSTANT (no lock finding; only the app-compatibility warning for the drop)', () => {
    assert.deepEqual(whole('ALTER TABLE t ADD COLUMN i int, DROP COLUMN name'), ['INSTANT', 'NONE', false, false]);
    assert.deepEqual(
      whole('ALTER TABLE t ADD INDEX (name), DROP COLUMN x'),
      ['INPLACE', 'NONE', true, false],
      'a DROP COLUMN done in place rebuilds',
    );
    assert.deepEqual(rules('ALTER TABLE t ADD COLUMN i int, DROP COLUMN name'), ['drop-column']);
    assert.deepEqual(whole('ALTER TABLE t ADD COLUMN i int'), ['INSTANT', 'NONE', false, false]);
  });

  it('a CHECK makes the whole statement a COPY that blocks writes', () => {
    assert.deepEqual(whole('ALTER TABLE t ADD COLUMN i int, ADD CONSTRAINT ck CHECK (i > 0)'), ['COPY', 'SHARED', true, false]);
  });

  it('PostgreSQL: the strictest lock any subcommand needs; rewrites when any part does', () => {
    const s = lint('ALTER TABLE t ADD COLUMN a int DEFAULT 1, ADD COLUMN b float8 DEFAULT random()', pg).statements[1]!.strongest!;
    assert.deepEqual([s.lock, s.rewrite, s.blocks.reads], ['ACCESS EXCLUSIVE', true, true]);
    const fk = lint('ALTER TABLE t VALIDATE CONSTRAINT c1, ADD CONSTRAINT fk FOREIGN KEY (a) REFERENCES p (id) NOT VALID', pg)
      .statements[1]!.strongest!;
    assert.deepEqual([fk.lock, fk.blocks.writes, fk.referencedLock], ['SHARE ROW EXCLUSIVE', true, 'SHARE ROW EXCLUSIVE']);
  });
});

describe('lint: later statements see what earlier ones did to the table (MariaDB MODIFY … NOT NULL, probed on 10.11)', () => {
  const live: LintOptions = {
    ...maria,
    facts: (t) => ({
      table: { schema: 'app', name: t.name },
      rows: 1000,
      bytes: 100_000,
      engine: 'InnoDB',
      columns: [
        { name: 'id', type: 'int(11)', nullable: false, default: null },
        { name: 'n', type: 'int(11)', nullable: true, default: null },
      ],
    }),
  };
  const modify = (sql: string) => {
    const r = lintSql(sql, live, parsers);
    const last = r.statements.at(-1)!.strongest!;
    return [last.algorithm, last.lock, last.rewrite];
  };
  it('a CHECK added earlier changes nothing: MODIFY … NOT NULL stays INPLACE, LOCK=NONE with a rebuild', () => {
    assert.deepEqual(modify('ALTER TABLE t MODIFY n int NOT NULL'), ['INPLACE', 'NONE', true]);
    assert.deepEqual(modify('ALTER TABLE t ADD CONSTRAINT ck CHECK (n > 0); ALTER TABLE t MODIFY n int NOT NULL'), [
      'INPLACE',
      'NONE',
      true,
    ]);
  });
  it('a STORED generated column added earlier in the file makes it a COPY; a VIRTUAL one or one dropped again does not', () => {
    assert.deepEqual(modify('ALTER TABLE t ADD COLUMN g int AS (id * 2) STORED; ALTER TABLE t MODIFY n int NOT NULL'), [
      'COPY',
      'SHARED',
      true,
    ]);
    assert.deepEqual(modify('ALTER TABLE t ADD COLUMN g int AS (id * 2) VIRTUAL; ALTER TABLE t MODIFY n int NOT NULL'), [
      'INPLACE',
      'NONE',
      true,
    ]);
    assert.deepEqual(
      modify('ALTER TABLE t ADD COLUMN g int AS (id * 2) STORED; ALTER TABLE t DROP COLUMN g; ALTER TABLE t MODIFY n int NOT NULL'),
      ['INPLACE', 'NONE', true],
    );
    assert.deepEqual(
      modify('ALTER TABLE other ADD COLUMN g int AS (id * 2) STORED; ALTER TABLE t MODIFY n int NOT NULL'),
      ['INPLACE', 'NONE', true],
      'another table',
    );
  });
  it('a MODIFY to another data type is a COPY (probed: int → bigint refuses INSTANT and INPLACE); the same type is not', () => {
    assert.deepEqual(modify('ALTER TABLE t MODIFY n bigint NOT NULL'), ['COPY', 'SHARED', true]);
    assert.deepEqual(modify('ALTER TABLE t MODIFY n bigint'), ['COPY', 'SHARED', true]);
    assert.deepEqual(modify('ALTER TABLE t MODIFY n integer NOT NULL'), ['INPLACE', 'NONE', true], 'integer is int');
    assert.match(
      lintSql('ALTER TABLE t MODIFY n bigint NOT NULL', live, parsers).statements[0]!.strongest!.why,
      /changing a column's data type copies the table/,
    );
    // Without live facts the type now is unknown: the NOT NULL rule stands.
    const offline = lintSql('ALTER TABLE t MODIFY n bigint NOT NULL', maria, parsers).statements[0]!.strongest!;
    assert.deepEqual([offline.algorithm, offline.lock], ['INPLACE', 'NONE']);
  });
  it('a FULLTEXT index added earlier makes a later ADD COLUMN not INSTANT', () => {
    assert.deepEqual(modify('ALTER TABLE t ADD COLUMN x int'), ['INSTANT', 'NONE', false]);
    assert.deepEqual(modify('ALTER TABLE t ADD FULLTEXT INDEX ft (name); ALTER TABLE t ADD COLUMN x int'), ['INPLACE', 'SHARED', true]);
  });
});
