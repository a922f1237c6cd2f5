import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { readMysql } from '../../../src/core/lint/mysql';
import { loadParsers, type Parsers } from '../../../src/core/lint/parsers';
import { readPostgres } from '../../../src/core/lint/postgres';
import { ignoredRules, LineMap, splitStatements, utf8ToUtf16Offset } from '../../../src/core/lint/text';

let parsers: Parsers;
before(async () => {
  parsers = await loadParsers();
});

describe('splitStatements', () => {
  it('keeps semicolons inside strings, dollar quotes, identifiers and comments', () => {
    const sql = [
      "INSERT INTO t VALUES ('a;b', E'it\\'s;', \"x;y\");",
      'CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; SELECT 2; $body$ LANGUAGE sql;',
      '/* one; /* nested; */ still; */ SELECT 3 -- trailing; comment',
      ';',
      'SELECT 4',
    ].join('\n');
    const { statements } = splitStatements(sql, 'postgres');
    assert.deepEqual(
      statements.map((s) => s.text),
      [
        "INSERT INTO t VALUES ('a;b', E'it\\'s;', \"x;y\")",
        'CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; SELECT 2; $body$ LANGUAGE sql',
        'SELECT 3 -- trailing; comment',
        'SELECT 4',
      ],
    );
    for (const s of statements) assert.equal(sql.slice(s.start, s.end), s.text);
  });

  it('keeps a PostgreSQL BEGIN ATOMIC function body (with CASE … END inside) in one statement', () => {
    const fn = 'CREATE FUNCTION f(x int) RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT CASE WHEN x > 0 THEN 1 ELSE 0 END; SELECT 2; END';
    const { statements } = splitStatements(`${fn};\nALTER TABLE t ADD COLUMN c int;`, 'postgres');
    assert.deepEqual(
      statements.map((s) => s.text),
      [fn, 'ALTER TABLE t ADD COLUMN c int'],
    );
    assert.equal(readPostgres(statements[0]!.text, parsers.postgres).kind, 'other');
  });

  it('trims whitespace as /\\s/ knows it (ASCII and Unicode) and reads BEGIN ATOMIC whatever the words around it', () => {
    const spaces = ' \t\n\r\v\f\u00a0\u2003\u3000\ufeff';
    for (const engine of ['postgres', 'mysql'] as const) {
      const { statements } = splitStatements(`${spaces}SELECT 1${spaces};${spaces}SELECT\u00a02${spaces}`, engine);
      assert.deepEqual(
        statements.map((s) => s.text),
        ['SELECT 1', 'SELECT\u00a02'],
      );
    }
    const fn = 'CREATE FUNCTION f() RETURNS int LANGUAGE sql begin_x BEGIN ATOMIC SELECT CASE WHEN $1 THEN 1 END; SELECT 2; endx; END';
    const { statements } = splitStatements(`${fn};\nSELECT 3;`, 'postgres');
    assert.deepEqual(
      statements.map((s) => s.text),
      [fn, 'SELECT 3'],
    );
  });

  it('knows MySQL quoting: backticks, backslash escapes, # comments and DELIMITER blocks', () => {
    const sql = [
      "ALTER TABLE `a;b` ADD COLUMN c varchar(5) DEFAULT 'x\\';y';",
      '# a comment; with a semicolon',
      'DELIMITER //',
      'CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW BEGIN SET NEW.c = 1; END//',
      'DELIMITER ;',
      'SELECT 1;',
    ].join('\n');
    const { statements, comments } = splitStatements(sql, 'mysql');
    assert.deepEqual(
      statements.map((s) => s.text),
      [
        "ALTER TABLE `a;b` ADD COLUMN c varchar(5) DEFAULT 'x\\';y'",
        'CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW BEGIN SET NEW.c = 1; END',
        'SELECT 1',
      ],
    );
    assert.equal(comments[0]?.text, 'a comment; with a semicolon');
  });

  it('attaches the comments before a statement to it, and reads ignore comments', () => {
    const sql =
      '-- column-wizard-ignore index-not-concurrent, missing-lock-timeout\nCREATE INDEX i ON t (c);\n-- column-wizard-ignore-file add-column-rewrite\nSELECT 1;';
    const { statements, comments } = splitStatements(sql, 'postgres');
    assert.deepEqual([...ignoredRules(statements[0]!.leadingComments, false)], ['index-not-concurrent', 'missing-lock-timeout']);
    assert.deepEqual([...ignoredRules(statements[1]!.leadingComments, false)], []);
    assert.deepEqual([...ignoredRules(comments, true)], ['add-column-rewrite']);
  });

  it('maps offsets to lines and UTF-16 characters, and UTF-8 byte offsets to UTF-16', () => {
    const text = 'ab\ncdé\n\nf';
    const m = new LineMap(text);
    assert.deepEqual(m.positionAt(0), { line: 0, character: 0 });
    assert.deepEqual(m.positionAt(5), { line: 1, character: 2 });
    assert.deepEqual(m.positionAt(8), { line: 3, character: 0 });
    // 'é' is two bytes in UTF-8, one code unit in UTF-16; '😀' is four bytes and two code units.
    assert.equal(utf8ToUtf16Offset("'é' x", 4), 3);
    assert.equal(utf8ToUtf16Offset("'😀' x", 6), 4);
  });
});

describe('readPostgres (libpg-query)', () => {
  it('maps ALTER TABLE subcommands onto lint actions', () => {
    const p = readPostgres(
      "ALTER TABLE app.users ADD COLUMN created_at timestamptz NOT NULL DEFAULT now(), ADD COLUMN tag varchar(20)[] DEFAULT 'x'::text, ADD CONSTRAINT c CHECK (tag IS NOT NULL) NOT VALID, ALTER COLUMN tag SET NOT NULL",
      parsers.postgres,
    );
    assert.equal(p.kind, 'alter-table');
    assert.deepEqual(p.table, { schema: 'app', name: 'users' });
    const [a, b, c, d] = p.actions;
    assert.equal(a?.kind, 'add-column');
    if (a?.kind === 'add-column') {
      assert.equal(a.spec.name, 'created_at');
      assert.equal(a.spec.type.name, 'timestamp with time zone');
      assert.equal(a.spec.nullable, false);
      assert.deepEqual(a.spec.default, { kind: 'expression', sql: 'now()' });
    }
    if (b?.kind === 'add-column') {
      assert.deepEqual(b.spec.type, { name: 'varchar', params: [20], array: true });
      assert.deepEqual(b.spec.default, { kind: 'literal', value: "'x'::text" });
    } else assert.fail('second action is not add-column');
    assert.deepEqual(c, { kind: 'add-constraint', constraint: 'check', name: 'c', notValid: true, columns: [], provesNotNull: 'tag' });
    assert.deepEqual(d, { kind: 'set-not-null', column: 'tag' });
  });

  it('reads CREATE INDEX flags, transactions and SET', () => {
    const idx = readPostgres('CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS i ON t (a, lower(b))', parsers.postgres);
    assert.deepEqual(idx.index, { name: 'i', concurrent: true, unique: true, ifNotExists: true, columns: ['a', '(expression)'] });
    assert.equal(readPostgres('BEGIN', parsers.postgres).kind, 'begin');
    assert.equal(readPostgres('COMMIT', parsers.postgres).kind, 'commit');
    assert.deepEqual(readPostgres("SET LOCAL lock_timeout = '2s'", parsers.postgres).setting, {
      name: 'lock_timeout',
      value: '2s',
      local: true,
    });
  });

  it('reports a syntax error with the parser message and its position', () => {
    const p = readPostgres('ALTER TABLE t ADD COLUMN', parsers.postgres);
    assert.equal(p.kind, 'unparsed');
    assert.match(p.error!.message, /syntax error at end of input/);
    assert.equal(p.error!.offset, 24);
  });
});

describe('readMysql (node-sql-parser)', () => {
  it('reads ADD COLUMN with position, ALGORITHM and LOCK', () => {
    const p = readMysql(
      "ALTER TABLE shop.orders ADD COLUMN note varchar(40) NOT NULL DEFAULT '' AFTER id, ALGORITHM=INSTANT, LOCK=NONE",
      parsers.mysql,
    );
    assert.equal(p.kind, 'alter-table');
    assert.deepEqual(p.table, { schema: 'shop', name: 'orders' });
    assert.equal(p.algorithm, 'INSTANT');
    assert.equal(p.lock, 'NONE');
    const a = p.actions[0];
    if (a?.kind !== 'add-column') return assert.fail('not add-column');
    assert.deepEqual(a.spec.position, { kind: 'after', column: 'id' });
    assert.deepEqual(a.spec.default, { kind: 'literal', value: "''" });
    assert.equal(a.spec.nullable, false);
  });

  it('bridges grammar gaps from the text: NOCOPY, ALTER ONLINE, SET DEFAULT, SET STATEMENT … FOR', () => {
    assert.equal(readMysql('ALTER TABLE t ADD COLUMN x int, ALGORITHM=NOCOPY', parsers.mysql).algorithm, 'NOCOPY');
    assert.equal(readMysql('ALTER ONLINE TABLE t ADD COLUMN x int', parsers.mysql).lock, 'NONE');
    assert.deepEqual(readMysql('ALTER TABLE t ALTER COLUMN c SET DEFAULT 5', parsers.mysql).actions, [
      { kind: 'set-default', column: 'c', default: { kind: 'literal', value: '5' } },
    ]);
    const withClauses = readMysql('ALTER TABLE `d`.`t``x` ALTER COLUMN `say "hi"` SET DEFAULT (now()), ALGORITHM=INSTANT', parsers.mysql);
    assert.deepEqual(withClauses.table, { schema: 'd', name: 't`x' });
    assert.equal(withClauses.algorithm, 'INSTANT');
    assert.deepEqual(withClauses.actions, [{ kind: 'set-default', column: 'say "hi"', default: { kind: 'expression', sql: '(now())' } }]);
    const s = readMysql('SET STATEMENT lock_wait_timeout=2 FOR ALTER TABLE t ADD COLUMN x int', parsers.mysql);
    assert.equal(s.kind, 'alter-table');
    assert.deepEqual(s.setting, { name: 'lock_wait_timeout', value: '2', local: true });
  });

  it('reads constraints and indexes, and reports what it cannot parse', () => {
    const fk = readMysql('ALTER TABLE t ADD CONSTRAINT fk FOREIGN KEY (c) REFERENCES u(id)', parsers.mysql);
    assert.deepEqual(fk.actions, [
      { kind: 'add-constraint', constraint: 'foreign', name: 'fk', notValid: false, columns: ['c'], refTable: { name: 'u' } },
    ]);
    assert.deepEqual(readMysql('ALTER TABLE t ADD UNIQUE KEY uk (c)', parsers.mysql).actions, [
      { kind: 'add-index', name: 'uk', unique: true, fulltext: false, columns: ['c'] },
    ]);
    const bad = readMysql('ALTER TABLE t FROB', parsers.mysql);
    assert.equal(bad.kind, 'unparsed');
    assert.match(bad.error!.message, /unexpected "F"/);
    assert.equal(bad.error!.offset, 14);
  });
});
