/**
 * src/core/lint/mysqlFast.ts reads the simplest MySQL statements without node-sql-parser's grammar. Its tree must be
 * the grammar's exactly, on every input it accepts (else it must give up), and lint must give the same result whether
 * or not the grammar is loaded.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { Parser as MariadbParser } from 'node-sql-parser/build/mariadb';
import { Parser } from 'node-sql-parser/build/mysql';
import { lintSql } from '../../../src/core/lint/analyze';
import { loadParsers, type Parsers } from '../../../src/core/lint/parsers';
import { MYSQL_GRAMMAR_KEYWORDS, NOT_NAMES, readSimpleMysql } from '../../../src/core/lint/mysqlFast';
import { rng } from '../specGenerator';
import { randomEdits } from './randomEdits';

const grammar = new Parser();
const mariadbGrammar = new MariadbParser();

/** MySQL's grammar, and what MariaDB files are parsed with: MariaDB's grammar, MySQL's where it fails (parsers.ts). */
function real(sql: string): { mysql: unknown; mariadb: unknown } {
  let mysql: unknown;
  try {
    mysql = grammar.astify(sql, { database: 'MySQL' });
  } catch {
    mysql = 'syntax error';
  }
  try {
    return { mysql, mariadb: mariadbGrammar.astify(sql, { database: 'MariaDB' }) };
  } catch {
    return { mysql, mariadb: mysql };
  }
}

/** Every accepted input gives both grammars' tree; returns how many were accepted. */
function check(inputs: Iterable<string>): { accepted: number; total: number } {
  let accepted = 0;
  let total = 0;
  for (const sql of inputs) {
    total++;
    const fast = readSimpleMysql(sql);
    const fastMariadb = readSimpleMysql(sql, 'mariadb');
    // MariaDB's reader takes a subset of what MySQL's takes (it leaves some AND chains to the grammar).
    if (fastMariadb !== undefined) assert.notEqual(fast, undefined, sql);
    if (fast === undefined) continue;
    accepted++;
    const trees = real(sql);
    assert.deepStrictEqual(fast, trees.mysql, sql);
    if (fastMariadb !== undefined) assert.deepStrictEqual(fastMariadb, trees.mariadb, `${sql} (MariaDB)`);
  }
  return { accepted, total };
}

/** A grammar's reserved words: the map of upper-case words to `true` in the built grammar that holds ALTER and ADD. */
function grammarKeywords(name: 'mysql' | 'mariadb' = 'mysql'): string[] {
  const source = readFileSync(require.resolve(`node-sql-parser/build/${name}`), 'utf8');
  const m = /\{((?:[A-Z_0-9]+:!0,)*ALTER:!0,(?:[A-Z_0-9]+:!0,?)*)\}/.exec(source);
  assert.ok(m, 'the reserved map is in the grammar');
  return m[1]!
    .split(',')
    .filter(Boolean)
    .map((e) => e.replace(/:!0$/, ''));
}

test("the keyword list is the shipped MySQL grammar's; MariaDB's other reserved words are no names either", () => {
  assert.deepEqual([...MYSQL_GRAMMAR_KEYWORDS].sort(), grammarKeywords().sort());
  for (const word of grammarKeywords('mariadb')) assert.ok(MYSQL_GRAMMAR_KEYWORDS.has(word) || NOT_NAMES.has(word), word);
});

/** Words that mean something to MySQL or to the grammar somewhere, and some plain ones. */
const WORDS = [
  'users',
  'Users',
  'USERS',
  '`users`',
  '`a b`',
  '_x1',
  'x1',
  'a$b',
  '1abc',
  'x'.repeat(64),
  'x'.repeat(65),
  'nickname',
  'first',
  'after',
  'column',
  'index',
  'key',
  'algorithm',
  'lock',
  'instant',
  'none',
  'comment',
  'status',
  'name',
  'type',
  'value',
  'date',
  'time',
  'year',
  'text',
  'json',
  'enum',
  'bit',
  'serial',
  'signed',
  'visible',
  'invisible',
  'if',
  'global',
  'session',
  'local',
  'persist',
  'names',
  'now',
  'uuid',
  'geometry',
  'engine',
  'charset',
  'character',
  'auto_increment',
  'generated',
  'stored',
  'virtual',
  'collate',
  'binary',
  'unsigned',
  'zerofill',
  'default',
  'null',
  'not',
  'true',
  'false',
  'current_timestamp',
  'on',
  'row_format',
  'temporary',
  'constraint',
  'partition',
  'modify',
  'change',
  'drop',
  'rename',
  'convert',
  'force',
  'to',
  'a.b',
  'café',
  'column6a',
  'COLUMN6',
  'index1',
  'key2x',
  'users2',
  'x1y2',
];
const TYPES = [
  'int',
  'INT',
  'Int',
  'integer',
  'bigint',
  'smallint',
  'tinyint',
  'tinyint(1)',
  'mediumint',
  'int(11)',
  'int unsigned',
  'bigint unsigned',
  'text',
  'TEXT',
  'mediumtext',
  'longtext',
  'datetime',
  'datetime(6)',
  'timestamp',
  'timestamp(3)',
  'date',
  'time',
  'json',
  'boolean',
  'bool',
  'varchar(40)',
  'VARCHAR ( 255 )',
  'varchar(0)',
  'varchar',
  'varchar(x)',
  'varchar(40) CHARACTER SET utf8mb4',
  'varchar(40) COLLATE utf8mb4_bin',
  'char(3)',
  'decimal(10,2)',
  'double',
  'float',
  "enum('a')",
  'blob',
  'uuid',
  'bit(1)',
  'serial',
  'INT UNSIGNED',
  'int(11) unsigned',
  'int unsigned zerofill',
  'int signed',
  'int(11) zerofill',
  'int()',
  'int(1,2)',
  'decimal(10)',
  'decimal',
  'DECIMAL(10, 2)',
  'decimal(10,2) unsigned',
  'decimal(10,)',
  'double(10,2)',
  'double precision',
  'DOUBLE',
  'char',
  'CHAR(36)',
  'char(3) binary',
  'datetime(6) NOT NULL',
  'timestamp(3)',
  'timestamp(3,1)',
  'longtext',
  'tinytext',
  'TINYINT UNSIGNED',
  'mediumint(8)',
  'bigint(20) unsigned',
  'date',
  'date(3)',
  'text(100)',
  'json(1)',
  'datetime(7)',
  'timestamp(7)',
  'datetime(0)',
  'timestamp(16)',
  'int(0)',
  'tinyint(256)',
  'decimal(0,0)',
  'decimal(66,31)',
  'char(0)',
  'char(256)',
];
const TAILS = [
  '',
  ' NOT NULL',
  ' not null',
  ' NULL',
  ' NOT  NULL',
  ' NOT\nNULL',
  " DEFAULT 'x'",
  " default ''",
  " DEFAULT 'it''s'",
  " DEFAULT 'a\\b'",
  ' DEFAULT "x"',
  " DEFAULT 'a' 'b'",
  ' DEFAULT 0',
  ' DEFAULT 00',
  ' DEFAULT 007',
  ' DEFAULT 1',
  ' DEFAULT 999999999',
  ' DEFAULT 1000000000',
  ' DEFAULT -1',
  ' DEFAULT 1.5',
  ' DEFAULT 1e3',
  ' DEFAULT now()',
  ' DEFAULT CURRENT_TIMESTAMP',
  ' DEFAULT true',
  ' DEFAULT NULL',
  ' DEFAULT 1 NOT NULL',
  " NOT NULL DEFAULT 'x'",
  ' NULL DEFAULT 0',
  ' DEFAULT 0 NULL',
  ' NOT NULL NOT NULL',
  ' DEFAULT 1 DEFAULT 2',
  ' NULL NOT NULL',
  ' AUTO_INCREMENT',
  ' PRIMARY KEY',
  ' UNIQUE',
  " COMMENT 'c'",
  ' AFTER id',
  ' FIRST',
  ' INVISIBLE',
  ', ALGORITHM=INSTANT',
  ', ALGORITHM = INPLACE',
  ', algorithm=instant',
  ', ALGORITHM=COPY',
  ', ALGORITHM=DEFAULT',
  ', ALGORITHM=NOCOPY',
  ', ALGORITHM INSTANT',
  ', LOCK=NONE',
  ', LOCK = SHARED',
  ', lock=exclusive',
  ', LOCK=DEFAULT',
  ', LOCK=NONE, ALGORITHM=INPLACE',
  ', ALGORITHM=INSTANT, LOCK=NONE',
  ', ALGORITHM=INSTANT, ALGORITHM=COPY',
  ', ALGORITHM=INSTANT,',
  ',',
  ' NOT NULL, ALGORITHM=INSTANT',
  ', ADD COLUMN d int',
  ';',
  ' -- x',
  ' # x',
  ' /* x */',
];

function* alterTables(): Generator<string> {
  for (const table of WORDS) for (const column of WORDS) yield `ALTER TABLE ${table} ADD COLUMN ${column} int`;
  for (const db of ['app', 'App', '`app`', 'select', 'first', 'key'])
    for (const table of ['users', '`T`', 'status', 'column']) yield `ALTER TABLE ${db}.${table} ADD COLUMN c int`;
  for (const type of TYPES) for (const tail of TAILS) yield `ALTER TABLE users ADD COLUMN c ${type}${tail}`;
  for (const head of [
    'ALTER TABLE',
    'alter table',
    'ALTER ONLINE TABLE',
    'ALTER IGNORE TABLE',
    'ALTER  TABLE',
    'ALTER\tTABLE\n',
    ' ALTER TABLE',
  ])
    for (const add of [
      'ADD COLUMN',
      'add column',
      'ADD',
      'add',
      'ADD COLUMN IF NOT EXISTS',
      'ADD\nCOLUMN',
      'ADD INDEX',
      'ADD (',
      'ADDCOLUMN',
    ])
      yield `${head} users ${add} c varchar(40)`;
  // Each of the grammar's keywords as a table, a column, a type name and an option value.
  for (const word of new Set([...grammarKeywords(), ...grammarKeywords('mariadb')])) {
    yield `ALTER TABLE ${word} ADD COLUMN c int`;
    yield `ALTER TABLE ${word.toLowerCase()} ADD c int`;
    yield `ALTER TABLE users ADD COLUMN ${word} int`;
    yield `ALTER TABLE users ADD ${word.toLowerCase()} text`;
    yield `ALTER TABLE users ADD COLUMN c ${word}`;
    yield `ALTER TABLE users ADD COLUMN c int, ALGORITHM=${word}`;
    yield `ALTER TABLE users ADD COLUMN c int, LOCK=${word}`;
  }
}

function* addIndexes(): Generator<string> {
  for (const name of WORDS)
    for (const kw of ['INDEX', 'KEY', 'index', 'Key'])
      for (const tail of [
        '',
        ', ALGORITHM=INPLACE',
        ', LOCK=NONE, ALGORITHM=INPLACE',
        ' USING BTREE',
        " COMMENT 'c'",
        ' INVISIBLE',
        ' ,',
      ]) {
        yield `ALTER TABLE users ADD ${kw} ${name} (email)${tail}`;
        yield `ALTER TABLE users ADD ${kw} i (${name}, b)${tail}`;
      }
  for (const rest of [
    'INDEX i(a,b)',
    'INDEX (a)',
    'INDEX i ()',
    'INDEX i (a,)',
    'INDEX i (a(10))',
    'INDEX i (a DESC)',
    'INDEX i USING BTREE (a)',
    'UNIQUE INDEX i (a)',
    'UNIQUE i (a)',
    'FULLTEXT INDEX i (a)',
    'SPATIAL INDEX i (a)',
    'PRIMARY KEY (a)',
    'INDEX IF NOT EXISTS i (a)',
    'CONSTRAINT c UNIQUE (a)',
    'INDEX i a',
    // Not an index: the words after it must not be read as ADD COLUMN (a syntax error for the grammar).
    'INDEX i c int',
    'KEY k c int NOT NULL',
    'INDEX i',
  ])
    yield `ALTER TABLE app.users ADD ${rest}`;
  for (const word of new Set([...grammarKeywords(), ...grammarKeywords('mariadb')])) {
    yield `ALTER TABLE users ADD INDEX ${word} (a)`;
    yield `ALTER TABLE users ADD KEY i (${word.toLowerCase()})`;
  }
}

/** MODIFY [COLUMN], DROP [COLUMN], several actions and the options anywhere in the list. */
function* modifyDrop(): Generator<string> {
  for (const column of WORDS)
    for (const head of ['MODIFY', 'MODIFY COLUMN', 'modify column', 'DROP', 'DROP COLUMN', 'drop'])
      yield `ALTER TABLE users ${head} ${column}${head.toUpperCase().startsWith('MODIFY') ? ' int' : ''}`;
  for (const type of TYPES) for (const tail of TAILS) yield `ALTER TABLE users MODIFY COLUMN c ${type}${tail}`;
  for (const tail of TAILS) {
    yield `ALTER TABLE users MODIFY c varchar(80)${tail}`;
    yield `ALTER TABLE users DROP COLUMN c${tail}`;
    yield `ALTER TABLE users DROP c${tail}`;
  }
  for (const actions of [
    'ADD COLUMN a int, ADD COLUMN b text',
    'ADD a int, DROP b, MODIFY c bigint NOT NULL',
    'ALGORITHM=INPLACE, ADD COLUMN c int',
    'LOCK=NONE, MODIFY c int, ALGORITHM=INPLACE',
    'DROP COLUMN a, DROP COLUMN b, ALGORITHM=INSTANT',
    'MODIFY c int, MODIFY c bigint',
    'ADD INDEX i (a), DROP COLUMN b',
    'ALGORITHM=INPLACE',
    'LOCK=NONE',
    'ALGORITHM=INPLACE, LOCK=NONE',
    'ALGORITHM=INPLACE, ALGORITHM=COPY, ADD c int',
    'ADD c int,, ADD d int',
    'ADD c int ADD d int',
    'DROP COLUMN IF EXISTS c',
    'DROP INDEX i',
    'DROP KEY i',
    'DROP PRIMARY KEY',
    'DROP FOREIGN KEY fk',
    'DROP CHECK c',
    'DROP CONSTRAINT c',
    'MODIFY COLUMN IF EXISTS c int',
    'MODIFY c int FIRST',
    'MODIFY c int AFTER d',
    'MODIFY c int AUTO_INCREMENT',
    'MODIFY c int unsigned',
    'MODIFY c varchar(20) CHARACTER SET utf8mb4',
    'CHANGE c d int',
    'CHANGE COLUMN c c int',
    'ALTER COLUMN c SET DEFAULT 1',
    'RENAME COLUMN a TO b',
    'FORCE',
  ])
    yield `ALTER TABLE app.users ${actions}`;
  for (const word of new Set([...grammarKeywords(), ...grammarKeywords('mariadb'), ...NOT_NAMES])) {
    yield `ALTER TABLE users MODIFY ${word} int`;
    yield `ALTER TABLE users MODIFY COLUMN ${word.toLowerCase()} text NOT NULL`;
    yield `ALTER TABLE users MODIFY c ${word}`;
    yield `ALTER TABLE users DROP ${word}`;
    yield `ALTER TABLE users DROP COLUMN ${word.toLowerCase()}`;
    yield `ALTER TABLE users DROP c, ${word} x`;
    yield `ALTER TABLE ${word} MODIFY c int, DROP d`;
    yield `ALTER TABLE users CHANGE ${word} x int`;
    yield `ALTER TABLE users CHANGE COLUMN c ${word.toLowerCase()} int NOT NULL`;
    yield `ALTER TABLE users CHANGE c d ${word}`;
    yield `ALTER TABLE users RENAME COLUMN ${word} TO ${word.toLowerCase()}`;
    yield `ALTER TABLE users RENAME ${word} a TO b`;
  }
  for (const column of WORDS) {
    yield `ALTER TABLE users CHANGE ${column} ${column} bigint`;
    yield `ALTER TABLE users CHANGE COLUMN a ${column} varchar(10) NOT NULL DEFAULT ''`;
    yield `ALTER TABLE users RENAME COLUMN ${column} TO ${column}`;
  }
  for (const rest of [
    'CHANGE a b int FIRST',
    'CHANGE a b int AFTER c',
    'CHANGE a b',
    'CHANGE a int',
    'CHANGE COLUMN a b int, ALGORITHM=INPLACE, LOCK=NONE',
    'change column a b int null default 1',
    'RENAME COLUMN a TO b, ALGORITHM=INPLACE',
    'RENAME COLUMN a b',
    'RENAME COLUMN a TO',
    'RENAME a TO b',
    'RENAME TO t2',
    'RENAME t2',
    'RENAME INDEX a TO b',
    'RENAME KEY a TO b',
    'Rename Column a To b',
    'RENAME COLUMN a AS b',
  ])
    yield `ALTER TABLE users ${rest}`;
}

/** CREATE INDEX, DROP INDEX, ALTER TABLE … DROP INDEX | KEY, transactions. */
function* indexesAndTransactions(): Generator<string> {
  for (const name of WORDS) {
    yield `CREATE INDEX ${name} ON users (email)`;
    yield `CREATE UNIQUE INDEX i ON ${name} (a, ${name})`;
    yield `DROP INDEX ${name} ON users`;
    yield `DROP INDEX i ON ${name}.users`;
    yield `ALTER TABLE users DROP INDEX ${name}`;
    yield `ALTER TABLE users DROP KEY ${name}, ALGORITHM=INPLACE`;
  }
  for (const head of [
    'CREATE INDEX',
    'create index',
    'CREATE UNIQUE INDEX',
    'Create Unique Index',
    'CREATE FULLTEXT INDEX',
    'CREATE SPATIAL INDEX',
    'CREATE UNIQUE KEY',
    'CREATE KEY',
    'CREATE OR REPLACE INDEX',
  ])
    for (const rest of [
      'i ON t (a)',
      'i ON db.t (a,b)',
      'i ON t(a)',
      'i on t (a)',
      'i ON t (a) ALGORITHM=INPLACE',
      'i ON t (a) LOCK=NONE',
      'i ON t (a) ALGORITHM=INPLACE LOCK=NONE',
      'i ON t (a) USING BTREE',
      'i USING BTREE ON t (a)',
      "i ON t (a) COMMENT 'c'",
      'i ON t (a(10))',
      'i ON t (a DESC)',
      'i ON t ((lower(a)))',
      'i ON t ()',
      'i ON t (a,)',
      'IF NOT EXISTS i ON t (a)',
      'ON t (a)',
      'i t (a)',
    ])
      yield `${head} ${rest}`;
  for (const rest of [
    'i ON t',
    'i ON db.t',
    'i on t',
    'i',
    'IF EXISTS i ON t',
    'i ON t ALGORITHM=INPLACE',
    'i ON t LOCK=NONE',
    'i ON t, j ON t',
  ])
    for (const head of ['DROP INDEX', 'drop index', 'DROP KEY', 'DROP UNIQUE INDEX']) yield `${head} ${rest}`;
  for (const rest of [
    'DROP INDEX i',
    'DROP KEY i',
    'drop index i, drop key j',
    'DROP INDEX i, ADD INDEX i (a)',
    'DROP INDEX',
    'DROP INDEX IF EXISTS i',
    'DROP PRIMARY KEY',
    'DROP FOREIGN KEY f',
    'DROP INDEX i, LOCK=NONE',
  ])
    yield `ALTER TABLE users ${rest}`;
  for (const word of ['BEGIN', 'begin', 'Begin', 'START', 'start', 'COMMIT', 'commit', 'Commit', 'ROLLBACK', 'rollback', 'END', 'ABORT'])
    for (const tail of [
      '',
      ' WORK',
      ' work',
      ' TRANSACTION',
      ' transaction',
      ' Transaction',
      ' TRANSACTION READ ONLY',
      ' WITH CONSISTENT SNAPSHOT',
      ' AND CHAIN',
      ' RELEASE',
      ' TO SAVEPOINT s',
      ' x',
      ' WORK WORK',
    ])
      yield `${word}${tail}`;
  for (const word of new Set([...grammarKeywords(), ...grammarKeywords('mariadb'), ...NOT_NAMES])) {
    yield `CREATE INDEX ${word} ON t (a)`;
    yield `CREATE INDEX i ON ${word.toLowerCase()} (${word})`;
    yield `DROP INDEX ${word} ON ${word}`;
    yield `ALTER TABLE t DROP INDEX ${word}`;
    yield `ALTER TABLE t DROP KEY ${word.toLowerCase()}`;
    yield `BEGIN ${word}`;
    yield `START ${word}`;
    yield `COMMIT ${word}`;
    yield `${word}`;
  }
}

/** UPDATE backfills: targets, operands, comparisons, IS [NOT] NULL, AND chains, and what is left to the grammar. */
function* updates(): Generator<string> {
  const operands = [
    'name',
    "'x'",
    "''",
    '0',
    '1000',
    'NULL',
    'null',
    '`name`',
    'true',
    '-1',
    '1.5',
    'now()',
    'lower(b)',
    '(b)',
    'b + 1',
    'DEFAULT',
    '"x"',
    't.b',
    '0x10',
    "'a''b'",
    "'a\\b'",
  ];
  for (const operand of operands) {
    yield `UPDATE users SET nickname = ${operand}`;
    yield `UPDATE users SET nickname = ${operand} WHERE id < 1000`;
    yield `UPDATE users SET a = 1 WHERE ${operand} = b`;
    yield `UPDATE users SET a = 1 WHERE b <> ${operand}`;
    yield `UPDATE users SET a = 1 WHERE ${operand} IS NOT NULL`;
  }
  for (const op of ['=', '<', '>', '<=', '>=', '<>', '!=', '=<', '=>', '<=>', '==', '!', '< =', '<<', '>>', ':=', '<-', '->', '->>'])
    for (const spacing of [' ', '']) yield `UPDATE users SET a = 1 WHERE b${spacing}${op}${spacing}2`;
  for (const where of [
    'a IS NULL',
    'a is not null',
    'a IS NOT NULL AND b = 1',
    'a = 1 AND b = 2 AND c = 3',
    'a = 1 and b = 2 and c = 3 and d is null',
    'a = 1 OR b = 2',
    'a = 1 && b = 2',
    'a = 1 AND b = 2 OR c = 3',
    'NOT a = 1',
    '(a = 1)',
    'a IS NULL IS NULL',
    'a = b IS NULL',
    'a IS TRUE',
    'a IS NOT',
    'a = b = c',
    'a BETWEEN 1 AND 2',
    'a IN (1, 2)',
    'a LIKE b',
    'a = 1 AND',
    'AND a = 1',
    'a',
    '',
    'a = 1 -- c',
    'a = 1 # c',
    'a = 1 /* c */',
    'a = 1 ORDER BY id',
    'a = 1 LIMIT 10',
  ])
    yield `UPDATE users SET a = 1 WHERE ${where}`;
  for (const head of [
    'UPDATE users SET',
    'UPDATE app.users SET',
    'update Users set',
    'UPDATE LOW_PRIORITY users SET',
    'UPDATE IGNORE users SET',
    'UPDATE users u SET',
    'UPDATE users AS u SET',
    'UPDATE users, orgs SET',
    'UPDATE SET',
  ])
    for (const tail of [
      ' a = 1',
      ' a = 1, b = 2',
      ' a = 1,',
      ' u.a = 1',
      ' a = 1 WHERE id = 5',
      " a = 'x', b = c WHERE id < 10 AND id >= 0",
      ' a := 1',
      ' a 1',
    ])
      yield `${head}${tail}`;
  for (const word of new Set([...grammarKeywords(), ...grammarKeywords('mariadb'), ...NOT_NAMES])) {
    yield `UPDATE ${word} SET a = 1`;
    yield `UPDATE users SET ${word.toLowerCase()} = 1`;
    yield `UPDATE users SET a = ${word}`;
    yield `UPDATE users SET a = 1 WHERE ${word} = 2`;
    yield `UPDATE users SET a = 1 WHERE b = ${word.toLowerCase()}`;
    yield `UPDATE users SET a = 1 WHERE ${word} IS NULL`;
    yield `UPDATE users SET a = 1 WHERE b = 1 ${word} c = 2`;
    yield `UPDATE users SET a = 1 ${word} b = 2`;
  }
  for (const word of WORDS) yield `UPDATE ${word} SET ${word} = ${word} WHERE ${word} IS NULL AND ${word} < 3`;
  // Every sequence of up to five comparisons and IS [NOT] NULL tests joined by AND (the grammars nest them differently).
  const predicates = ['a = 1', 'b IS NULL', "c <> 'x'", 'd IS NOT NULL'];
  const chains = (n: number): string[][] => (n === 0 ? [[]] : chains(n - 1).flatMap((c) => predicates.map((p) => [...c, p])));
  for (let n = 1; n <= 5; n++) for (const chain of chains(n)) yield `UPDATE users SET a = 1 WHERE ${chain.join(' AND ')}`;
}

/** Every statement of `seeds` with a comment (or an unfinished or executable one) put between every two tokens. */
function* comments(seeds: readonly string[]): Generator<string> {
  for (const seed of seeds) {
    const gaps = [...seed.matchAll(/ /g)].map((m) => m.index);
    for (const at of gaps)
      for (const comment of [
        ' -- c\n',
        '--c\n',
        ' # c\n',
        '#\n',
        '-- c\r\n',
        '/* c */',
        '/**/',
        '/*! c */',
        '/*+ c */',
        '/* /* c */ */',
        '/* c',
        ' /*-- c */ ',
        '-- /* c\n',
        '- -c',
      ])
        yield seed.slice(0, at) + comment + seed.slice(at);
    for (const comment of [' -- c', ' # c', ' /* c */', '/* c */', ' --', '#']) yield seed + comment;
  }
}

function* sets(): Generator<string> {
  for (const head of ['SET', 'set', 'SET SESSION', 'set session', 'SET GLOBAL', 'SET LOCAL', 'SET @@session.', 'SET @@', 'SET PERSIST'])
    for (const name of [
      'lock_wait_timeout',
      'LOCK_WAIT_TIMEOUT',
      'Lock_Wait_Timeout',
      'innodb_lock_wait_timeout',
      'foreign_key_checks',
      'FOREIGN_KEY_CHECKS',
      'max_execution_time',
      'sql_mode',
      'names',
      '`lock_wait_timeout`',
      'a.lock_wait_timeout',
    ])
      for (const eq of [' = ', '=', ' := ', ' TO ', ' '])
        for (const value of ['0', '2', '31536000', '1000000000', "'2'", 'DEFAULT', 'ON', 'OFF', '2.5', '-1', '0x10', '02', '2, b = 3'])
          yield `${head}${head.endsWith('.') || head.endsWith('@') ? '' : ' '}${name}${eq}${value}`;
}

test("the fast reader gives the grammar's tree for every ALTER TABLE … ADD COLUMN it accepts", () => {
  const { accepted, total } = check(alterTables());
  assert.ok(accepted > 500 && accepted < total, `${accepted} of ${total} accepted`);
});

test("the fast reader gives the grammar's tree for every ALTER TABLE … ADD INDEX | KEY it accepts", () => {
  const { accepted, total } = check(addIndexes());
  assert.ok(accepted > 100 && accepted < total, `${accepted} of ${total} accepted`);
});

test("the fast reader gives the grammar's tree for every MODIFY, DROP COLUMN and list of actions it accepts", () => {
  const { accepted, total } = check(modifyDrop());
  assert.ok(accepted > 500 && accepted < total, `${accepted} of ${total} accepted`);
});

test("the fast reader gives the grammar's tree for every CREATE INDEX, DROP INDEX and transaction statement it accepts", () => {
  const { accepted, total } = check(indexesAndTransactions());
  assert.ok(accepted > 100 && accepted < total, `${accepted} of ${total} accepted`);
});

test("the fast reader gives the grammar's tree for every UPDATE it accepts", () => {
  const { accepted, total } = check(updates());
  assert.ok(accepted > 300 && accepted < total, `${accepted} of ${total} accepted`);
});

test("the fast reader gives the grammar's tree with comments between the tokens", () => {
  const seeds = [
    'SET SESSION lock_wait_timeout = 2',
    "ALTER TABLE app.users ADD COLUMN nick varchar(40) NOT NULL DEFAULT 'x', ALGORITHM=INSTANT, LOCK=NONE",
    'ALTER TABLE users MODIFY COLUMN qty bigint(20) unsigned NULL, DROP legacy',
    'ALTER TABLE users CHANGE COLUMN a b decimal(10,2), RENAME COLUMN c TO d, ADD INDEX i (e, f)',
    'CREATE UNIQUE INDEX i ON app.users (a, b)',
    'DROP INDEX i ON users',
    'START TRANSACTION',
    "UPDATE users SET a = b, c = 'x' WHERE id < 1000 AND d IS NOT NULL",
  ];
  const { accepted, total } = check(comments(seeds));
  assert.ok(accepted > 500 && accepted < total, `${accepted} of ${total} accepted`);
});

test("the fast reader gives the grammar's tree for every SET it accepts", () => {
  const { accepted, total } = check(sets());
  assert.ok(accepted > 40 && accepted < total, `${accepted} of ${total} accepted`);
});

test("random edits of accepted statements: still the grammar's tree, or left to it", () => {
  const seeds = [
    'SET SESSION lock_wait_timeout = 2',
    'SET foreign_key_checks = 0',
    'ALTER TABLE users ADD COLUMN nickname varchar(40), ALGORITHM=INSTANT',
    "ALTER TABLE app.Users ADD nick varchar(40) NOT NULL DEFAULT 'x', LOCK=NONE",
    'ALTER TABLE users ADD COLUMN n bigint DEFAULT 0 NULL, ALGORITHM=INPLACE, LOCK=SHARED',
    'ALTER TABLE app.users ADD INDEX users_email (email, org_id), ALGORITHM=INPLACE, LOCK=NONE',
    'ALTER TABLE users MODIFY COLUMN nickname varchar(80) NOT NULL, ALGORITHM=INPLACE, LOCK=NONE',
    "ALTER TABLE users MODIFY n int DEFAULT 'x' NULL, DROP COLUMN legacy, DROP old",
    'ALTER TABLE users ALGORITHM=INSTANT, ADD COLUMN a int, ADD b text',
    'CREATE UNIQUE INDEX users_email ON app.users (email, org_id)',
    'DROP INDEX users_email ON app.users',
    'ALTER TABLE users DROP INDEX a, DROP KEY b, LOCK=NONE',
    'START TRANSACTION',
    'BEGIN WORK',
    "UPDATE app.users SET nickname = name, n = 'x' WHERE id < 1000 AND nickname IS NULL AND b <> 2",
    'UPDATE users SET a = NULL WHERE a IS NOT NULL AND b >= 3',
    "ALTER TABLE users MODIFY price decimal(10,2) NOT NULL DEFAULT '0', ADD flag tinyint(1) unsigned, ADD at datetime(6)",
    'ALTER TABLE users CHANGE COLUMN nickname nick varchar(80) NOT NULL, RENAME COLUMN a TO b, LOCK=NONE',
    'ALTER TABLE users -- widen\n  MODIFY qty bigint /* was int */, ALGORITHM=INPLACE # online\n',
  ];
  const alphabet = ` \t\n'"\`().,;=-+*/:#@$_0123456789aeEnxAZ\\\u00e9`;
  const inputs = randomEdits(seeds, alphabet, 21);
  const { accepted } = check(inputs);
  assert.ok(accepted > 1000, `${accepted} accepted`);
});

test('lint gives the same result with the grammar loaded on first use as with it loaded up front', async () => {
  const full: Parsers = await loadParsers(['mysql', 'mariadb']);
  const statements = [
    'SET SESSION lock_wait_timeout = 2',
    'SET lock_wait_timeout = 5',
    'SET foreign_key_checks = 0',
    'ALTER TABLE users ADD COLUMN nickname varchar(40), ALGORITHM=INSTANT',
    "ALTER TABLE users ADD COLUMN status varchar(20) NOT NULL DEFAULT 'new'",
    'ALTER TABLE app.orders ADD n bigint DEFAULT 0, ALGORITHM=INPLACE, LOCK=NONE',
    'ALTER TABLE users ADD COLUMN flag boolean NOT NULL',
    'ALTER TABLE users ADD COLUMN body text',
    'ALTER TABLE users ADD COLUMN payload json, LOCK=SHARED',
    'ALTER TABLE users ADD INDEX users_email (email), ALGORITHM=INPLACE, LOCK=NONE',
    'ALTER TABLE users ADD KEY users_a_b (a, b)',
    'ALTER TABLE users MODIFY COLUMN nickname varchar(80) NOT NULL, ALGORITHM=INPLACE, LOCK=NONE',
    'ALTER TABLE users MODIFY c bigint',
    'ALTER TABLE users MODIFY c int NULL DEFAULT 0, ALGORITHM=INSTANT',
    'ALTER TABLE users MODIFY name varchar(300)',
    'ALTER TABLE users MODIFY name varchar(40) NOT NULL',
    'ALTER TABLE users DROP COLUMN legacy, ALGORITHM=INPLACE, LOCK=NONE',
    'ALTER TABLE users DROP legacy',
    'ALTER TABLE users ADD COLUMN a int, ADD COLUMN b int, ALGORITHM=INSTANT',
    'ALTER TABLE users MODIFY qty int unsigned',
    'ALTER TABLE users MODIFY qty bigint(20) unsigned NOT NULL',
    'ALTER TABLE users MODIFY price decimal(10,2)',
    'ALTER TABLE users MODIFY price decimal(12,4) NOT NULL DEFAULT 0',
    'ALTER TABLE users ADD COLUMN flag tinyint(1) NOT NULL DEFAULT 0',
    'ALTER TABLE users ADD COLUMN seen datetime(6), ADD COLUMN born date, ADD COLUMN code char(3)',
    'ALTER TABLE users MODIFY body longtext',
    'ALTER TABLE users CHANGE COLUMN nickname nick varchar(80) NOT NULL',
    'ALTER TABLE users CHANGE qty quantity bigint',
    'ALTER TABLE users RENAME COLUMN email TO contact_email',
    'ALTER TABLE users /* widen */ MODIFY qty bigint -- was int\n',
    'UPDATE users SET n = 0 -- backfill\n WHERE n IS NULL # first batch',
    'CREATE INDEX users_email ON users (email)',
    'CREATE UNIQUE INDEX users_email ON users (email, org_id)',
    'DROP INDEX users_email ON users',
    'ALTER TABLE users DROP INDEX users_email',
    'ALTER TABLE users DROP KEY users_email, ALGORITHM=INPLACE, LOCK=NONE',
    'UPDATE users SET nickname = name WHERE id < 1000 AND nickname IS NULL',
    "UPDATE users SET status = 'new' WHERE status IS NULL",
    'UPDATE users SET n = 0',
    'START TRANSACTION',
    'BEGIN',
    'COMMIT',
    'ROLLBACK',
    // Outside the simplest forms: the grammar is loaded at this statement.
    'ALTER TABLE users ADD UNIQUE INDEX i (a)',
    'ALTER TABLE users ADD FULLTEXT INDEX ft (body)',
    'ALTER TABLE users ADD COLUMN c int INVISIBLE',
    'ALTER TABLE users MODIFY c bigint unsigned',
    'ALTER TABLE users CHANGE c d bigint FIRST',
  ];
  const next = rng(8);
  for (let i = 0; i < 300; i++) {
    const n = 1 + Math.floor(next() * 5);
    const lines: string[] = [];
    for (let k = 0; k < n; k++) lines.push(statements[Math.floor(next() * statements.length)]! + ';');
    if (next() < 0.2) lines.unshift('-- a comment');
    const text = lines.join(next() < 0.5 ? '\n' : '\n\n');
    const lazy = await loadParsers(['mysql', 'mariadb'], undefined, { mysqlGrammarOnFirstUse: true });
    for (const target of [
      { dialect: 'mysql' as const, version: '8.0.36' },
      { dialect: 'mysql' as const, version: '5.7.44' },
      { dialect: 'mariadb' as const, version: '10.11' },
    ]) {
      const options = { target };
      assert.deepStrictEqual(lintSql(text, options, lazy), lintSql(text, options, full), text);
    }
  }
});
