/**
 * src/core/lint/pgFast.ts reads the simplest PostgreSQL statements without libpg-query. Its parse tree must be libpg-query's
 * exactly, on every input it accepts (else it must give up), and lint must give the same result whether or not the
 * WebAssembly parser is loaded.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, test } from 'node:test';
import * as pg from 'libpg-query';
import { lintSql, type LintOptions } from '../../../src/core/lint/analyze';
import { loadParsers, needsPostgresParser, type Parsers } from '../../../src/core/lint/parsers';
import { PG_NAME_KEYWORDS, PG_PARSER_VERSION, readSimplePostgres } from '../../../src/core/lint/pgFast';
import { rng } from '../specGenerator';
import { randomEdits } from './randomEdits';

before(async () => {
  await pg.loadModule();
});

/** The parser's keyword list: the sorted, NUL-separated keyword string in its WebAssembly (ScanKeywords). */
function parserKeywords(): string[] {
  const wasm = readFileSync(require.resolve('libpg-query/wasm/libpg-query.wasm'));
  const at = wasm.indexOf(Buffer.from('\0json_table\0json_value\0'));
  assert.ok(at > 0, 'the keyword string is in the parser');
  const isKw = (b: number) => b === 0 || b === 95 || (b >= 97 && b <= 122);
  let s = at;
  while (isKw(wasm[s - 1]!)) s--;
  let e = at;
  while (isKw(wasm[e]!)) e++;
  const words = wasm.subarray(s, e).toString('latin1').split('\0').filter(Boolean);
  assert.ok(words.length > 400 && words.every((w, i) => i === 0 || w > words[i - 1]!), 'a sorted keyword list');
  return words;
}

test('the keyword list and the version are those of the shipped parser', () => {
  const words = parserKeywords();
  const kinds = pg.scanSync(words.join(' ')).tokens;
  assert.equal(kinds.length, words.length);
  const notUnreserved = kinds.filter((t) => t.keywordName !== 'UNRESERVED_KEYWORD').map((t) => t.text);
  assert.deepEqual([...PG_NAME_KEYWORDS].sort(), notUnreserved.sort());
  assert.equal(PG_PARSER_VERSION, (pg.parseSync('SELECT 1') as { version: number }).version);
});

function real(sql: string): unknown {
  try {
    return pg.parseSync(sql);
  } catch {
    return 'syntax error';
  }
}

/** Every accepted input gives libpg-query's tree; returns how many were accepted. */
function check(inputs: Iterable<string>): { accepted: number; total: number } {
  let accepted = 0;
  let total = 0;
  for (const sql of inputs) {
    total++;
    const fast = readSimplePostgres(sql);
    if (fast === undefined) continue;
    accepted++;
    assert.deepStrictEqual(fast, real(sql), sql);
  }
  return { accepted, total };
}

const NAMES = [
  'users',
  'Users',
  'USERS',
  '"Users"',
  '"user"',
  '"select"',
  '"a b"',
  '"x""y"',
  '""',
  'a$b',
  '_x1',
  'x'.repeat(63),
  'x'.repeat(64),
  `"${'y'.repeat(63)}"`,
  `"${'y'.repeat(64)}"`,
  'nickname',
  'if',
  'double',
  'only',
  'e',
  'u',
  'b',
  'x',
  'café',
  '1abc',
  'a.b',
];
const TYPES = [
  'text',
  'TEXT',
  'uuid',
  'jsonb',
  'json',
  'timestamptz',
  'timestamp',
  'int',
  'INTEGER',
  'integer',
  'smallint',
  'bigint',
  'boolean',
  'bool',
  'varchar',
  'varchar(40)',
  'VARCHAR ( 255 )',
  'varchar(0)',
  'varchar(x)',
  "varchar('3')",
  'numeric',
  'numeric(10,2)',
  'double precision',
  'double',
  'real',
  'float',
  'char',
  'character varying',
  'text[]',
  'int4',
  'name',
  'comment',
  'public.mytype',
  'citext',
  'setof',
  'interval',
  'time',
  'bit',
  'numeric(5)',
  'NUMERIC (12, 4)',
  'numeric(1,2,3)',
  'numeric()',
  'decimal(10,2)',
  'dec(3)',
  'timestamp(6)',
  'timestamp with time zone',
  'TIMESTAMP(3) WITHOUT TIME ZONE',
  'timestamp with time',
  'timestamp without zone',
  'timestamp(1,2)',
  'time with time zone',
  'time(3)',
  'timestamptz(3)',
  'citext(1,2)',
  'mytype(1,2,3)',
  "mytype('a')",
  'mytype(a)',
  'varchar(1,2)',
  'double precision(3)',
  'DOUBLE PRECISION',
  'real(2)',
  'float(10)',
  'character varying(20)',
  'char(3)',
  'text[]',
];
const DEFAULTS = [
  '',
  " DEFAULT 'x'",
  " default ''",
  " DEFAULT 'it''s'",
  " DEFAULT 'a\\b'",
  " DEFAULT e'x'",
  " DEFAULT E'x'",
  " DEFAULT 'a' 'b'",
  " DEFAULT 'a'\n'b'",
  ' DEFAULT 0',
  ' DEFAULT 00',
  ' DEFAULT 007',
  ' DEFAULT 1',
  ' DEFAULT 2147483647',
  ' DEFAULT 999999999',
  ' DEFAULT 1000000000',
  ' DEFAULT -1',
  ' DEFAULT 1.5',
  ' DEFAULT 1e3',
  ' DEFAULT now()',
  ' DEFAULT true',
  ' DEFAULT NULL',
  ' NOT NULL',
  ' DEFAULT 1 NOT NULL',
  " DEFAULT 'x'::text",
  ' DEFAULT false',
  ' DEFAULT FALSE NOT NULL',
  ' DEFAULT CURRENT_TIMESTAMP',
  ' DEFAULT current_timestamp(3)',
  ' DEFAULT gen_random_uuid()',
  ' DEFAULT public.gen_random_uuid()',
  ' DEFAULT now(1)',
  ' DEFAULT a.b.c()',
  ' DEFAULT "Now"()',
  ' DEFAULT now ( )',
  ' DEFAULT now',
  ' DEFAULT now(',
  ' DEFAULT LOCALTIMESTAMP',
  ' DEFAULT current_date',
  ' DEFAULT now()::date',
  " DEFAULT now() + interval '1 day'",
  ' DEFAULT now() NOT NULL',
  ' DEFAULT (now())',
];

function* alterTables(): Generator<string> {
  for (const table of NAMES)
    for (const column of ['nickname', ...NAMES.slice(0, 8), 'if', 'double', 'text', 'name'])
      for (const type of ['text', 'int', 'varchar(40)']) yield `ALTER TABLE ${table} ADD COLUMN ${column} ${type}`;
  for (const schema of ['public', '"Public"', 'select', 'if', 'a'])
    for (const table of ['users', '"T"', 'only']) yield `ALTER TABLE ${schema}.${table} ADD COLUMN c text`;
  for (const type of TYPES) for (const d of DEFAULTS) yield `ALTER TABLE users ADD COLUMN c ${type}${d}`;
  for (const head of ['ALTER TABLE', 'alter table', 'ALTER TABLE ONLY', 'ALTER TABLE IF EXISTS', 'ALTER  TABLE', 'ALTER\tTABLE\n'])
    for (const add of ['ADD COLUMN', 'add column', 'ADD', 'ADD COLUMN IF NOT EXISTS', 'ADD\nCOLUMN', 'ADD CONSTRAINT'])
      yield `${head} users ${add} c text`;
  // Each keyword as a table, a column and a type name.
  for (const word of parserKeywords()) {
    yield `ALTER TABLE ${word} ADD COLUMN c text`;
    yield `ALTER TABLE users ADD COLUMN ${word} text`;
    yield `ALTER TABLE users ADD COLUMN c ${word}`;
    yield `ALTER TABLE users ADD COLUMN c ${word.toUpperCase()} DEFAULT 1`;
  }
}

function* otherForms(): Generator<string> {
  const tails = ['', ' CASCADE', ' RESTRICT', ';', ' , ADD COLUMN x int', ' x'];
  for (const name of [...NAMES.slice(0, 16), 'if', 'column', 'constraint', 'not', 'null', 'exists', 'concurrently', 'on', 'only'])
    for (const tail of tails) {
      yield `ALTER TABLE users VALIDATE CONSTRAINT ${name}${tail}`;
      yield `ALTER TABLE ${name} ALTER COLUMN c SET NOT NULL${tail}`;
      yield `ALTER TABLE users ALTER ${name} SET NOT NULL${tail}`;
      yield `ALTER TABLE users DROP COLUMN ${name}${tail}`;
      yield `ALTER TABLE users DROP ${name}${tail}`;
      yield `CREATE INDEX CONCURRENTLY ${name} ON users (email)${tail}`;
      yield `CREATE INDEX i ON ${name} (a, b)${tail}`;
      yield `CREATE UNIQUE INDEX i ON users (${name})${tail}`;
    }
  for (const head of ['ALTER TABLE users', 'ALTER TABLE public.users', 'ALTER TABLE ONLY users', 'ALTER TABLE IF EXISTS users'])
    for (const cmd of [
      'VALIDATE CONSTRAINT fk',
      'validate constraint "Fk"',
      'VALIDATE fk',
      'ALTER COLUMN c SET NOT NULL',
      'ALTER c SET NOT NULL',
      'ALTER COLUMN c DROP NOT NULL',
      'ALTER COLUMN c SET NOT',
      'ALTER COLUMN c SET DEFAULT 1',
      'ALTER COLUMN c TYPE int',
      'DROP COLUMN c',
      'DROP c',
      'DROP COLUMN IF EXISTS c',
      'DROP CONSTRAINT c',
      'DROP COLUMN c, DROP COLUMN d',
    ])
      yield `${head} ${cmd}`;
  for (const create of ['CREATE INDEX', 'CREATE UNIQUE INDEX', 'create index concurrently', 'CREATE INDEX CONCURRENTLY IF NOT EXISTS'])
    for (const rest of [
      'i ON users (a)',
      'i ON users(a,b)',
      'i ON public.users ( a , "B" )',
      'i ON ONLY users (a)',
      'i ON users USING btree (a)',
      'i ON users USING gin (a)',
      'i ON users (a DESC)',
      'i ON users (a NULLS FIRST)',
      'i ON users (lower(a))',
      'i ON users (lower(a), b)',
      'i ON users USING gin (lower(a))',
      'i ON users USING hash (a) WHERE a IS NOT NULL',
      'i ON users USING "GiST" (a)',
      'i ON users USING (a)',
      'i ON users USING gin',
      'i ON users (f(a, b.c))',
      'i ON users (f())',
      'i ON users (f( ))',
      'i ON users (f(a,))',
      'i ON users (f(,a))',
      'i ON users (f(a) DESC)',
      'i ON users (f(a) COLLATE "C")',
      'i ON users (f(a) text_pattern_ops)',
      'i ON users (f(DISTINCT a))',
      'i ON users (f(ALL a))',
      'i ON users (f(VARIADIC a))',
      'i ON users (f(a ORDER BY b))',
      'i ON users (f(x => a))',
      'i ON users (f(*))',
      "i ON users (f('x', a))",
      'i ON users (f(1))',
      'i ON users (f(g(a)))',
      'i ON users (s.f(a))',
      'i ON users (f(a) FILTER (WHERE a))',
      'i ON users (f(a) OVER ())',
      'i ON users ("F"(a))',
      'i ON users (f (a))',
      'i ON users ((a))',
      'i ON users (a) WHERE b',
      'i ON users (a) WHERE deleted_at IS NULL',
      "i ON users (a, b) WHERE status <> 'done' AND b > 0",
      'i ON users (a) WHERE',
      'i ON users (a) WHERE a IS NULL OR b IS NULL',
      'i ON users (a) WHERE (a IS NULL)',
      'i ON users (a) WHERE a IS NULL AND',
      'i ON users (a) WHERE a = 1 INCLUDE (b)',
      'i ON users (a) INCLUDE (b)',
      'i ON users (a) WITH (fillfactor = 70)',
      'i ON users (a) TABLESPACE t',
      'i ON users ()',
      'i ON users (a,)',
      'ON users (a)',
      'IF NOT EXISTS ON users (a)',
      'IF EXISTS i ON users (a)',
      'i users (a)',
      'i ON users a',
    ])
      yield `${create} ${rest}`;
  for (const head of ['CREATE TABLE', 'CREATE UNIQUE', 'CREATE OR REPLACE INDEX', 'CREATE INDEXES', 'CREATE  INDEX'])
    yield `${head} i ON users (a)`;
  for (const name of [...NAMES.slice(0, 16), 'if', 'key', 'valid', 'check', 'foreign', 'references', 'not'])
    for (const tail of [
      '',
      ' NOT VALID',
      ' not valid',
      ' NOT',
      ' VALID',
      ' NOT VALID x',
      ' ON DELETE CASCADE',
      ' DEFERRABLE',
      ' NO INHERIT',
    ]) {
      yield `ALTER TABLE users ADD CONSTRAINT ${name} FOREIGN KEY (org_id) REFERENCES orgs (id)${tail}`;
      yield `ALTER TABLE users ADD CONSTRAINT fk FOREIGN KEY (${name}) REFERENCES orgs${tail}`;
      yield `ALTER TABLE users ADD CONSTRAINT fk FOREIGN KEY (a, ${name}) REFERENCES ${name}.orgs (x, ${name})${tail}`;
      yield `ALTER TABLE users ADD CONSTRAINT ${name} CHECK (email IS NOT NULL)${tail}`;
      yield `ALTER TABLE users ADD CONSTRAINT c CHECK (${name} IS NOT NULL)${tail}`;
    }
  for (const body of [
    'FOREIGN KEY (a) REFERENCES orgs (id)',
    'FOREIGN KEY(a)REFERENCES orgs(id)',
    'FOREIGN KEY (a) REFERENCES orgs ()',
    'FOREIGN KEY () REFERENCES orgs (id)',
    'FOREIGN KEY (a) REFERENCES orgs (id) MATCH FULL',
    'FOREIGN KEY (a) REFERENCES orgs (id) ON UPDATE CASCADE',
    'FOREIGN KEY a REFERENCES orgs (id)',
    'FOREIGN (a) REFERENCES orgs (id)',
    'FOREIGN KEY (a) REFERENCES ONLY orgs (id)',
    'CHECK (a IS NOT NULL)',
    'CHECK (a IS NULL)',
    'CHECK (a > 0)',
    'CHECK ((a IS NOT NULL))',
    'CHECK (a IS NOT NULL AND b IS NOT NULL)',
    'CHECK (a NOTNULL)',
    'CHECK (a IS NOT DISTINCT FROM NULL)',
    'CHECK (t.a IS NOT NULL)',
    'CHECK a IS NOT NULL',
    'CHECK (qty >= 0 AND qty <= 100)',
    "CHECK (status <> 'x')",
    'CHECK (a > 0 OR b > 0)',
    'CHECK (a > 0) NO INHERIT',
    'CHECK (a > 0 AND)',
    'CHECK ()',
    'UNIQUE (a)',
    'PRIMARY KEY (a)',
    'UNIQUE (a, b)',
    'PRIMARY KEY(a,b)',
    'UNIQUE USING INDEX i',
    'PRIMARY KEY USING INDEX "I"',
    'UNIQUE USING i',
    'UNIQUE USING INDEX',
    'UNIQUE NULLS NOT DISTINCT (a)',
    'UNIQUE (a) INCLUDE (b)',
    'UNIQUE (a) DEFERRABLE',
    'UNIQUE (a) WITH (fillfactor = 70)',
    'UNIQUE (a) USING INDEX TABLESPACE t',
    'PRIMARY (a)',
    'PRIMARY KEY ()',
    'EXCLUDE USING gist (a WITH =)',
  ])
    for (const head of ['ALTER TABLE users ADD CONSTRAINT c', 'alter table public.users add constraint "C"', 'ALTER TABLE users ADD'])
      for (const tail of ['', ' NOT VALID']) yield `${head} ${body}${tail}`;
  for (const word of parserKeywords()) {
    yield `ALTER TABLE users ADD CONSTRAINT ${word} CHECK (a IS NOT NULL)`;
    yield `ALTER TABLE users ADD CONSTRAINT ${word} UNIQUE (${word}, a)`;
    yield `ALTER TABLE users ADD CONSTRAINT k PRIMARY KEY USING INDEX ${word}`;
    yield `ALTER TABLE users ADD CONSTRAINT c CHECK (${word} IS NOT NULL)`;
    yield `ALTER TABLE users ADD CONSTRAINT c CHECK (a > ${word} AND ${word} = 'x') NOT VALID`;
    yield `ALTER TABLE users ADD CONSTRAINT c FOREIGN KEY (${word}) REFERENCES ${word} (${word}) NOT VALID`;
    yield `ALTER TABLE users VALIDATE CONSTRAINT ${word}`;
    yield `ALTER TABLE users ALTER COLUMN ${word} SET NOT NULL`;
    yield `ALTER TABLE users DROP ${word}`;
    yield `CREATE INDEX ${word} ON users (a)`;
    yield `CREATE INDEX i ON ${word} (a)`;
    yield `CREATE INDEX i ON users (a, ${word})`;
    yield `CREATE INDEX i ON users (a) WHERE ${word} IS NOT NULL AND b = ${word}`;
    yield `CREATE INDEX i ON users USING ${word} (a)`;
    yield `CREATE INDEX i ON users (${word}(a))`;
    yield `CREATE INDEX i ON users (f(${word}, ${word}.${word}))`;
    yield `CREATE INDEX i ON users USING gin (${word}(${word}), ${word})`;
  }
}

/** Transactions, DROP INDEX / TABLE, the other ALTER COLUMN forms, ADD without COLUMN, several commands, comments. */
function* moreForms(): Generator<string> {
  for (const word of ['BEGIN', 'begin', 'START', 'COMMIT', 'END', 'ROLLBACK', 'ABORT', 'SAVEPOINT', 'RELEASE', 'PREPARE'])
    for (const tail of [
      '',
      ' TRANSACTION',
      ' WORK',
      ' transaction',
      ' TRANSACTION ISOLATION LEVEL SERIALIZABLE',
      ' AND CHAIN',
      ' AND NO CHAIN',
      ' READ ONLY',
      ' TO SAVEPOINT s',
      ' x',
      ' WORK WORK',
      ' ATOMIC',
      ' PREPARED',
    ])
      yield `${word}${tail}`;
  for (const drop of ['DROP INDEX', 'drop index', 'DROP INDEX CONCURRENTLY', 'DROP TABLE', 'DROP TABLE CONCURRENTLY', 'DROP VIEW', 'DROP'])
    for (const ifExists of ['', ' IF EXISTS', ' IF', ' IF NOT EXISTS'])
      for (const names of ['i', 'public.i', '"I"', 'i, j', 'i,s.j', 'a.b.c', 'i,', 'only i', ''])
        for (const tail of ['', ' CASCADE', ' RESTRICT', ' cascade', ' CASCADE RESTRICT', ' x']) yield `${drop}${ifExists} ${names}${tail}`;
  for (const cmd of [
    'SET NOT NULL',
    'DROP NOT NULL',
    'drop not null',
    'SET DEFAULT 1',
    "SET DEFAULT 'x'",
    'SET DEFAULT now()',
    'SET DEFAULT NULL',
    'SET DEFAULT -1',
    'DROP DEFAULT',
    'DROP',
    'SET',
    'SET NOT',
    'DROP NOT',
    'TYPE bigint',
    'TYPE varchar(80)',
    'SET DATA TYPE text',
    'SET DATA bigint',
    'DATA TYPE bigint',
    'TYPE bigint USING c::bigint',
    'TYPE text USING c',
    "TYPE text USING 'x'::text",
    'TYPE int USING c::int::bigint',
    'TYPE int USING (c)',
    'TYPE int USING c + 1',
    'TYPE int USING c :: int',
    'TYPE int USING c::',
    'TYPE int USING',
    'TYPE int USING c:::int',
    'TYPE int USING c:int',
    'TYPE numeric(10,2) USING amount::numeric(10,2)',
    'TYPE int USING t.c::int',
    'TYPE timestamptz USING c::timestamp with time zone',
    'TYPE int USING c::int COLLATE "C"',
    'TYPE int USING NULL',
    'TYPE int USING c::int[]',
    'TYPE text COLLATE "C"',
    'TYPE numeric(10,2)',
    'SET STATISTICS 100',
    'DROP IDENTITY',
    'DROP EXPRESSION',
    'ADD GENERATED ALWAYS AS IDENTITY',
    'SET STORAGE PLAIN',
  ])
    for (const head of ['ALTER TABLE users ALTER COLUMN c', 'ALTER TABLE users ALTER c', 'ALTER TABLE s.users ALTER COLUMN "C"'])
      yield `${head} ${cmd}`;
  for (const add of ['ADD', 'ADD COLUMN', 'ADD IF NOT EXISTS', 'ADD COLUMN IF NOT EXISTS', 'ADD COLUMN IF EXISTS', 'ADD IF'])
    for (const rest of [
      'c int',
      'c int NOT NULL',
      'c int NULL',
      'c int NOT NULL DEFAULT 0',
      "c text DEFAULT 'x' NOT NULL",
      'c int DEFAULT 1 DEFAULT 2',
      'c int NOT NULL NOT NULL',
      'c int NULL NOT NULL',
      'c int NOT NULL NULL',
      'c int NOT',
      'c int NOT DEFERRABLE',
      'c int NOT NULL NO INHERIT',
      'c int PRIMARY KEY',
      'c int UNIQUE',
      'c int REFERENCES t (id)',
      'c int CHECK (c > 0)',
      'c int CONSTRAINT n NOT NULL',
      'c int GENERATED ALWAYS AS IDENTITY',
    ])
      yield `ALTER TABLE users ${add} ${rest}`;
  for (const cmds of [
    'ADD COLUMN a int, ADD COLUMN b text',
    'ADD a int,ADD b int NOT NULL',
    'DROP COLUMN a, DROP COLUMN b',
    'ALTER COLUMN a SET NOT NULL, ALTER COLUMN b DROP NOT NULL, DROP c',
    'ADD CONSTRAINT fk FOREIGN KEY (a) REFERENCES t (id) NOT VALID, VALIDATE CONSTRAINT fk',
    'ADD COLUMN a int,',
    ', ADD COLUMN a int',
    'ADD COLUMN a int,, ADD COLUMN b int',
    'ADD COLUMN a int ADD COLUMN b int',
    'DROP COLUMN IF EXISTS a CASCADE, DROP b RESTRICT',
    'DROP COLUMN a CASCADE RESTRICT',
    'DROP COLUMN IF a',
    'DROP IF EXISTS a',
    'ALTER COLUMN a TYPE bigint, ALTER COLUMN b SET DEFAULT 0',
    'ALTER COLUMN a SET DEFAULT 0, ALTER COLUMN a DROP DEFAULT',
  ])
    yield `ALTER TABLE users ${cmds}`;
  for (const rename of [
    'RENAME COLUMN a TO b',
    'rename a to "B"',
    'RENAME TO u',
    'RENAME TO s.u',
    'RENAME COLUMN a TO b, ADD c int',
    'RENAME CONSTRAINT a TO b',
    'RENAME COLUMN a b',
    'RENAME a',
    'RENAME TO',
    'RENAME COLUMN TO b',
    'RENAME a TO b CASCADE',
  ])
    for (const head of ['ALTER TABLE users', 'ALTER TABLE app.users', 'ALTER TABLE IF EXISTS users', 'ALTER TABLE ONLY users'])
      yield `${head} ${rename}`;
  for (const word of parserKeywords()) {
    yield `ALTER TABLE users RENAME COLUMN ${word} TO ${word}`;
    yield `ALTER TABLE ${word} RENAME TO ${word}`;
    yield `ALTER TABLE users RENAME ${word} TO x`;
    yield `ALTER TABLE users ADD COLUMN c int DEFAULT ${word}`;
    yield `ALTER TABLE users ADD COLUMN c int DEFAULT ${word}()`;
    yield `ALTER TABLE users ADD COLUMN c int DEFAULT ${word}.${word}()`;
    yield `UPDATE users SET a = ${word}(), b = ${word}`;
    yield `ALTER TABLE users ADD ${word} text`;
    yield `ALTER TABLE users ADD IF NOT EXISTS ${word} int NOT NULL`;
    yield `ALTER TABLE users ALTER ${word} DROP NOT NULL`;
    yield `ALTER TABLE users ALTER COLUMN ${word} TYPE ${word}`;
    yield `ALTER TABLE users ALTER COLUMN c TYPE int USING ${word}::${word}`;
    yield `ALTER TABLE users ALTER COLUMN c SET DEFAULT ${word}`;
    yield `ALTER TABLE users DROP COLUMN IF EXISTS ${word} CASCADE`;
    yield `ALTER TABLE users DROP ${word}, DROP ${word}`;
    yield `DROP INDEX ${word}`;
    yield `DROP INDEX CONCURRENTLY ${word}.${word}`;
    yield `DROP TABLE IF EXISTS ${word}, ${word} CASCADE`;
    yield `${word}`;
    yield `${word} TRANSACTION`;
    yield `BEGIN ${word}`;
  }
}

/** UPDATE backfills: targets, operands, comparisons, IS [NOT] NULL, AND chains, and what is left to the parser. */
function* updates(): Generator<string> {
  const operands = [
    'name',
    'b.c',
    "'x'",
    "''",
    '0',
    '1000',
    '"Name"',
    'NULL',
    'true',
    '-1',
    '1.5',
    'now()',
    'lower(b)',
    '(b)',
    "'a' || b",
    'b + 1',
    'b::text',
    'DEFAULT',
    "e'x'",
    'x.y.z',
  ];
  for (const operand of operands) {
    yield `UPDATE users SET nickname = ${operand}`;
    yield `UPDATE users SET nickname = ${operand} WHERE id < 1000`;
    yield `UPDATE users SET a = 1 WHERE ${operand} = b`;
    yield `UPDATE users SET a = 1 WHERE b <> ${operand}`;
    yield `UPDATE users SET a = 1 WHERE ${operand} IS NULL`;
  }
  for (const op of [
    '=',
    '<',
    '>',
    '<=',
    '>=',
    '<>',
    '!=',
    '=<',
    '=>',
    '<<',
    '==',
    '<=>',
    '~',
    '!',
    '< =',
    '= =',
    '<-',
    '<=-',
    '>-',
    '=-',
    '<--x\n',
  ])
    for (const spacing of [' ', '']) yield `UPDATE users SET a = 1 WHERE b${spacing}${op}${spacing}2`;
  for (const where of [
    'a IS NULL',
    'a IS NOT NULL',
    'a IS NOT NULL AND b = 1',
    'a = 1 AND b = 2 AND c = 3 AND d IS NULL',
    'a = 1 OR b = 2',
    'a = 1 AND b = 2 OR c = 3',
    'NOT a = 1',
    'a = 1 AND NOT b = 2',
    '(a = 1)',
    'a = 1 AND (b = 2)',
    'a IS NULL IS NULL',
    'a = b IS NULL',
    'a IS NULL = b',
    'a = b = c',
    'a < b < c',
    'a ISNULL',
    'a NOTNULL',
    'a IS TRUE',
    'a IS DISTINCT FROM b',
    'a BETWEEN 1 AND 2',
    'a IN (1, 2)',
    'a LIKE b',
    'a = 1 AND',
    'AND a = 1',
    'a = 1 AND AND b = 2',
    'a',
    'a =',
    '',
    'id < 1000 -- batch 1\n',
    'id < 1000 /* batch */ AND b IS NULL',
    'CURRENT OF c',
  ])
    yield `UPDATE users SET a = 1 WHERE ${where}`;
  for (const head of [
    'UPDATE users SET',
    'UPDATE public.users SET',
    'UPDATE ONLY users SET',
    'UPDATE users AS u SET',
    'UPDATE users u SET',
    'update "Users" set',
    'UPDATE users SET (a, b) =',
    'WITH x AS (SELECT 1) UPDATE users SET',
    'UPDATE SET',
  ])
    for (const tail of [
      ' a = 1',
      ' a = 1, b = 2',
      ' a = 1,',
      ' a.b = 1',
      ' a = 1 FROM t',
      ' a = 1 RETURNING id',
      " a = 'x' WHERE id = 5",
      ' a[1] = 2',
      ' a = 1 WHERE id < 10 AND id >= 0',
    ])
      yield `${head}${tail}`;
  for (const word of parserKeywords()) {
    yield `UPDATE ${word} SET a = 1`;
    yield `UPDATE users SET ${word} = 1`;
    yield `UPDATE users SET a = ${word}`;
    yield `UPDATE users SET a = ${word}.${word}`;
    yield `UPDATE users SET a = 1 WHERE ${word} = 2`;
    yield `UPDATE users SET a = 1 WHERE b = ${word}`;
    yield `UPDATE users SET a = 1 WHERE ${word} IS NOT NULL`;
    yield `UPDATE users SET a = 1 WHERE b = 1 ${word} c = 2`;
    yield `UPDATE users SET a = 1 ${word} b = 2`;
  }
}

/** CREATE TABLE: columns with their constraints, table PRIMARY KEY / UNIQUE, and what is left to the parser. */
function* createTables(): Generator<string> {
  const constraints = [
    '',
    ' NOT NULL',
    ' NULL',
    ' PRIMARY KEY',
    ' primary key',
    ' UNIQUE',
    ' DEFAULT 0',
    " DEFAULT 'x' NOT NULL",
    ' NOT NULL UNIQUE',
    ' PRIMARY KEY NOT NULL',
    ' UNIQUE PRIMARY KEY',
    ' NOT NULL NULL',
    ' UNIQUE UNIQUE',
    ' PRIMARY',
    ' PRIMARY KEY (a)',
    ' UNIQUE (a)',
    ' UNIQUE NULLS NOT DISTINCT',
    ' REFERENCES t (id)',
    ' REFERENCES s.t',
    ' REFERENCES t(id) NOT NULL',
    ' NOT NULL REFERENCES t (a, b)',
    ' REFERENCES t (id) REFERENCES u (id)',
    ' REFERENCES t ()',
    ' REFERENCES t (id) ON DELETE CASCADE',
    ' REFERENCES t (id) NOT VALID',
    ' REFERENCES t (id) DEFERRABLE',
    ' REFERENCES t (id) MATCH FULL',
    ' REFERENCES ONLY t (id)',
    ' REFERENCES',
    ' CHECK (a > 0)',
    ' GENERATED ALWAYS AS IDENTITY',
    ' GENERATED BY DEFAULT AS IDENTITY',
    ' generated always as identity PRIMARY KEY',
    ' NOT NULL GENERATED BY DEFAULT AS IDENTITY',
    ' GENERATED ALWAYS AS IDENTITY (START WITH 10)',
    ' GENERATED ALWAYS AS (a + 1) STORED',
    ' GENERATED ALWAYS AS IDENTITY GENERATED BY DEFAULT AS IDENTITY',
    ' GENERATED BY AS IDENTITY',
    ' GENERATED ALWAYS IDENTITY',
    ' GENERATED ALWAYS AS IDENTITY DEFAULT 1',
    ' CONSTRAINT c NOT NULL',
    ' COLLATE "C"',
    ' DEFAULT now()',
  ];
  for (const type of TYPES) for (const c of constraints) yield `CREATE TABLE t (id ${type}${c})`;
  for (const head of [
    'CREATE TABLE',
    'create table',
    'CREATE TABLE IF NOT EXISTS',
    'CREATE TABLE IF EXISTS',
    'CREATE TEMP TABLE',
    'CREATE UNLOGGED TABLE',
    'CREATE TABLE IF NOT',
  ])
    for (const rel of ['t', 'public.t', '"T"', 'only'])
      for (const body of [
        '(id bigint PRIMARY KEY, email text NOT NULL)',
        '(id int, name varchar(100), PRIMARY KEY (id))',
        '(a int, b int, UNIQUE (a, b), PRIMARY KEY (a))',
        '(a int,)',
        '()',
        '(a int) INHERITS (p)',
        '(a int) PARTITION BY RANGE (a)',
        '(a int) WITH (fillfactor = 70)',
        '(LIKE other)',
        '(a int, CONSTRAINT pk PRIMARY KEY (a))',
        '(a int, PRIMARY KEY a)',
        '(a int, PRIMARY (a))',
        'AS SELECT 1',
        '(a int',
      ])
        yield `${head} ${rel} ${body}`;
  for (const word of parserKeywords()) {
    yield `CREATE TABLE ${word} (id int)`;
    yield `CREATE TABLE t (${word} int NOT NULL)`;
    yield `CREATE TABLE t (id ${word})`;
    yield `CREATE TABLE t (id int ${word})`;
    yield `CREATE TABLE t (id int, ${word} (id))`;
    yield `CREATE TABLE t (id int, PRIMARY KEY (${word}))`;
    yield `ALTER TABLE users ADD COLUMN c int ${word}`;
    yield `ALTER TABLE users ADD COLUMN c int REFERENCES ${word} (${word})`;
    yield `CREATE TABLE t (a int REFERENCES ${word}.t (id) ${word})`;
  }
  for (const c of constraints) yield `ALTER TABLE users ADD COLUMN c int${c}`;
}

/** Statements of the forms added last (transactions, DROP, ALTER COLUMN, several commands, UPDATE): seeds for comments and fuzzing. */
const SEEDS = [
  'ALTER TABLE users SET LOGGED, SET TABLESPACE fast_ssd',
  'ALTER TABLE app.users SET UNLOGGED',
  'ALTER TABLE invoices DROP CONSTRAINT IF EXISTS invoices_due_check CASCADE',
  'ALTER TABLE events DETACH PARTITION app.events_2020 CONCURRENTLY',
  'RESET lock_timeout',
  'REFRESH MATERIALIZED VIEW CONCURRENTLY app.user_stats WITH NO DATA',
  'REINDEX TABLE CONCURRENTLY app.users',
  'REINDEX INDEX users_email_idx',
  "ALTER TABLE users ADD COLUMN status varchar(20) NOT NULL DEFAULT 'new'::varchar",
  'ALTER TABLE items ADD CONSTRAINT items_sku_nn NOT NULL sku NOT VALID',
  'LOCK TABLE accounts IN ACCESS EXCLUSIVE MODE',
  'VACUUM FULL users',
  'VACUUM (ANALYZE) app.users, b',
  'CLUSTER users USING users_pkey',
  'LOCK app.accounts, b IN SHARE ROW EXCLUSIVE MODE NOWAIT',
  "ALTER TYPE mood RENAME VALUE 'sad' TO 'unhappy'",
  'ALTER TABLE accounts RENAME CONSTRAINT accounts_email_check TO accounts_email_valid',
  'ALTER TABLE orders ADD PRIMARY KEY (id), ADD UNIQUE USING INDEX orders_code',
  'BEGIN',
  'COMMIT',
  'START TRANSACTION',
  'DROP INDEX CONCURRENTLY IF EXISTS public.users_email',
  'DROP TABLE IF EXISTS a, b CASCADE',
  'ALTER TABLE users ALTER COLUMN email DROP NOT NULL',
  "ALTER TABLE users ALTER COLUMN status SET DEFAULT 'new', ALTER COLUMN n DROP DEFAULT",
  'ALTER TABLE users ALTER COLUMN id SET DATA TYPE bigint',
  'ALTER TABLE users ADD IF NOT EXISTS n int NOT NULL DEFAULT 0, DROP COLUMN IF EXISTS legacy CASCADE',
  'UPDATE users SET nickname = name WHERE id < 1000',
  "UPDATE app.users SET a = 1, b = 'x' WHERE a IS NULL AND b.c >= 2 AND c <> 'y'",
  'UPDATE users SET a = b WHERE c != 3',
  'CREATE TABLE IF NOT EXISTS app.notes (id bigint PRIMARY KEY, body text NOT NULL, n int DEFAULT 0 UNIQUE, UNIQUE (body, n))',
  'ALTER TABLE users ADD COLUMN id bigint NOT NULL PRIMARY KEY',
  'ALTER TABLE orders ADD COLUMN user_id bigint REFERENCES app.users (id)',
  'CREATE TABLE prices (id int PRIMARY KEY, amount numeric(12,4), at timestamp(6) with time zone, ratio double precision)',
  'ALTER TABLE prices ALTER COLUMN amount TYPE numeric(14, 2), ALTER COLUMN at SET DATA TYPE timestamp(3)',
  'ALTER TABLE users ADD COLUMN created_at timestamptz NOT NULL DEFAULT now(), ADD COLUMN id uuid DEFAULT public.gen_random_uuid()',
  'UPDATE users SET seen_at = CURRENT_TIMESTAMP, flag = false, note = NULL, ok = true WHERE seen_at IS NULL',
  'ALTER TABLE users RENAME COLUMN email TO contact_email',
  'ALTER TABLE app.users RENAME TO members',
  'ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_idx',
  'ALTER TABLE "core_recipe" ALTER COLUMN "edits" TYPE text USING "edits"::text',
  'ALTER TABLE users ALTER COLUMN id TYPE bigint USING id::bigint, ALTER COLUMN n TYPE int USING n',
  "CREATE UNIQUE INDEX CONCURRENTLY users_open ON users (email) WHERE deleted_at IS NULL AND status <> 'gone'",
  "INSERT INTO app.paints (name, color, n, at) VALUES ('sunset', 'orange', 1, now()), ('x', NULL, 0, CURRENT_TIMESTAMP)",
  'ALTER TABLE users ADD COLUMN legacy_id bigint GENERATED ALWAYS AS IDENTITY',
  "COMMENT ON COLUMN app.users.email IS 'primary contact'",
  'COMMENT ON TABLE users IS NULL',
  "ALTER TYPE app.mood ADD VALUE IF NOT EXISTS 'ok' BEFORE 'sad'",
  "ALTER TYPE colors ADD VALUE 'orange' AFTER 'red'",
  'CREATE TABLE posts (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, title text NOT NULL)',
  'ALTER TABLE users ADD CONSTRAINT users_pkey PRIMARY KEY (id), ADD CONSTRAINT users_ab UNIQUE (a, b)',
  'ALTER TABLE users ADD COLUMN age int CHECK (age >= 0)',
  "CREATE TABLE app.items (id int PRIMARY KEY, qty int NOT NULL CHECK (qty > 0 AND qty < 100), sku text CHECK (sku <> ''))",
  'ALTER DOMAIN positive_int ADD CONSTRAINT positive_int_check CHECK (VALUE > 0)',
  'ALTER TABLE accounts SET (fillfactor = 70, autovacuum_vacuum_threshold = 0), SET LOGGED',
  'CREATE INDEX CONCURRENTLY ON app.orders USING gin (lower(note), tags)',
  'ALTER TABLE users ADD COLUMN total numeric GENERATED ALWAYS AS (price * qty) STORED',
  'ALTER TABLE bookings ADD CONSTRAINT bookings_no_overlap EXCLUDE USING gist (room WITH =, during WITH &&)',
  'ALTER DOMAIN app.code ADD CONSTRAINT code_set CHECK (VALUE IS NOT NULL AND VALUE <> 0) NOT VALID',
];

/** ALTER DOMAIN … ADD CONSTRAINT … CHECK and a column's CHECK, and what is left to the parser. */
function* checks(): Generator<string> {
  const conditions = [
    'VALUE > 0',
    'value >= 0 AND VALUE < 100',
    'VALUE IS NOT NULL',
    "VALUE <> ''",
    'VALUE ~ 1',
    'VALUE > 0 OR VALUE < -5',
    '(VALUE > 0)',
    'VALUE',
    'c > 0',
    'c IS NULL',
    'a.c = 1',
    'c > 0 AND',
    '',
  ];
  for (const domain of ['d', 'app.d', '"D"', 'a.b.c', 'd.', 'value'])
    for (const add of ['ADD CONSTRAINT c', 'add constraint "C"', 'ADD', 'ADD CONSTRAINT', 'DROP CONSTRAINT c', 'VALIDATE CONSTRAINT c'])
      for (const condition of conditions)
        for (const tail of ['', ' NOT VALID', ' NOT', ' NO INHERIT', ' DEFERRABLE', ' NOT VALID NOT VALID'])
          yield `ALTER DOMAIN ${domain} ${add} CHECK (${condition})${tail}`;
  for (const body of [
    'ADD CONSTRAINT c NOT NULL',
    'ADD CONSTRAINT c NOT NULL c',
    'ADD CONSTRAINT c UNIQUE (v)',
    'ADD NOT NULL',
    'SET NOT NULL',
    'ADD CONSTRAINT c CHECK VALUE > 0',
  ])
    yield `ALTER DOMAIN d ${body}`;
  for (const condition of conditions)
    for (const tail of ['', ' NOT NULL', ' DEFAULT 0', ' NO INHERIT', ' NOT VALID', ' CHECK (c < 9)', ' UNIQUE', ' REFERENCES t (id)']) {
      yield `ALTER TABLE users ADD COLUMN c int CHECK (${condition})${tail}`;
      yield `ALTER TABLE users ADD c numeric(5) NOT NULL CHECK (${condition})${tail}, ADD COLUMN b text`;
      yield `CREATE TABLE t (id int PRIMARY KEY, c int CHECK (${condition})${tail}, b text)`;
    }
  for (const word of parserKeywords()) {
    yield `ALTER DOMAIN ${word} ADD CONSTRAINT c CHECK (VALUE > 0)`;
    yield `ALTER DOMAIN d ADD CONSTRAINT ${word} CHECK (${word} > 0) NOT VALID`;
    yield `ALTER DOMAIN d ADD CONSTRAINT c CHECK (VALUE > 0) ${word}`;
    yield `ALTER TABLE users ADD COLUMN c int CHECK (${word} >= 0)`;
    yield `ALTER TABLE users ADD COLUMN c int CHECK (c >= 0) ${word}`;
  }
}

/** ALTER TABLE … SET (<storage parameter> = …), and what is left to the parser. */
function* relOptions(): Generator<string> {
  for (const options of [
    'fillfactor = 70',
    'FILLFACTOR=100',
    'fillfactor = 0',
    'fillfactor = 007',
    'fillfactor = -1',
    'fillfactor = 1.5',
    "fillfactor = '70'",
    'fillfactor = x',
    'fillfactor',
    'fillfactor = 70, autovacuum_vacuum_scale_factor = 0',
    'autovacuum_enabled = false',
    'toast.autovacuum_enabled = 1',
    '"Fill" = 1',
    'fillfactor = 70,',
    '',
    'fillfactor = 2147483647',
    'fillfactor = 9999999999',
  ])
    for (const head of ['ALTER TABLE t SET', 'alter table app.t set', 'ALTER TABLE t RESET', 'ALTER TABLE t SET WITH'])
      for (const tail of ['', ', SET LOGGED', ', ADD COLUMN c int', ' x']) yield `${head} (${options})${tail}`;
  for (const word of parserKeywords()) {
    yield `ALTER TABLE t SET (${word} = 1)`;
    yield `ALTER TABLE t SET (fillfactor = 1, ${word} = 2)`;
    yield `ALTER TABLE t SET (fillfactor = 1) ${word}`;
  }
}

/** CREATE INDEX without a name, and what is left to the parser. */
function* unnamedIndexes(): Generator<string> {
  for (const head of [
    'CREATE INDEX',
    'create index',
    'CREATE UNIQUE INDEX',
    'CREATE INDEX CONCURRENTLY',
    'CREATE UNIQUE INDEX CONCURRENTLY',
    'CREATE INDEX IF NOT EXISTS',
    'CREATE INDEX CONCURRENTLY IF NOT EXISTS',
    'CREATE INDEX "on"',
    'CREATE INDEX on',
    'CREATE INDEX i',
  ])
    for (const rest of [
      'ON t (a)',
      'on app.t USING gin (lower(note))',
      'ON t (a, f(b, c)) WHERE a > 0 AND b IS NULL',
      'ON ON t (a)',
      'ON t',
      'ON t ()',
      'ON ONLY t (a)',
      'ON t USING (a)',
      'ON "T" (a DESC)',
      'ON t (a) INCLUDE (b)',
    ])
      yield `${head} ${rest}`;
  for (const word of parserKeywords()) {
    yield `CREATE INDEX ON ${word} (${word})`;
    yield `CREATE INDEX ${word} ON t (a)`;
    yield `CREATE INDEX ON t USING ${word} (a)`;
  }
}

/** GENERATED ALWAYS AS (<expression>), EXCLUDE constraints and the `*` and `&&` operators, and what is left to the parser. */
function* generatedAndExclusions(): Generator<string> {
  const expressions = [
    'price * qty',
    'a*2',
    'a * b * c',
    'a * -1',
    'a ** 2',
    'a && b',
    'a&&b',
    'a & b',
    'a *',
    '* a',
    'a > 0',
    'a IS NULL',
    'a',
    "'x'",
    'a * (b)',
    'a.b * 2',
    'a *= 2',
  ];
  for (const head of ['GENERATED ALWAYS AS', 'generated always as', 'GENERATED BY DEFAULT AS', 'GENERATED AS', 'GENERATED ALWAYS'])
    for (const e of expressions)
      for (const tail of [
        '',
        ' STORED',
        ' VIRTUAL',
        ' stored NOT NULL',
        ' STORED DEFAULT 1',
        ' STORED GENERATED ALWAYS AS IDENTITY',
        ' STORED UNIQUE',
        ' PERSISTED',
        ' STORED STORED',
      ]) {
        yield `ALTER TABLE users ADD COLUMN total numeric ${head} (${e})${tail}`;
        yield `CREATE TABLE t (a int, b int ${head} (${e})${tail})`;
      }
  for (const using of ['', ' USING gist', ' using GiST', ' USING', ' USING "Gist"', ' USING btree'])
    for (const elems of [
      'room WITH =',
      'room WITH =, during WITH &&',
      'room with <>',
      'room WITH !=',
      'room WITH *',
      'room WITH',
      'WITH =',
      '(room) WITH =',
      'room int4_ops WITH =',
      'room WITH = , ',
      'room WITH &',
      'lower(room) WITH =',
    ])
      for (const tail of ['', ' NOT VALID', ' WHERE (a > 0)', ' DEFERRABLE', ' INCLUDE (b)', ', ADD COLUMN c int']) {
        yield `ALTER TABLE bookings ADD CONSTRAINT bookings_no_overlap EXCLUDE${using} (${elems})${tail}`;
        yield `ALTER TABLE bookings ADD EXCLUDE${using} (${elems})${tail}`;
      }
  for (const condition of ['a * b = 1', 'a = b * 2', 'a * b', 'a && b', 'tags && x', 'a * b IS NULL'])
    for (const statement of [
      `UPDATE t SET a = 1 WHERE ${condition}`,
      `ALTER TABLE t ADD CONSTRAINT c CHECK (${condition})`,
      `CREATE INDEX i ON t (a) WHERE ${condition}`,
    ])
      yield statement;
  for (const word of parserKeywords()) {
    yield `ALTER TABLE users ADD COLUMN c int GENERATED ALWAYS AS (${word} * 2) STORED`;
    yield `ALTER TABLE users ADD COLUMN c int GENERATED ALWAYS AS (a * b) ${word}`;
    yield `ALTER TABLE b ADD CONSTRAINT ${word} EXCLUDE USING ${word} (${word} WITH &&)`;
  }
}

/** ALTER TYPE … ADD VALUE, and what is left to the parser. */
function* enumValues(): Generator<string> {
  for (const type of ['mood', 's.mood', '"Mood"', 'a.b.c', 'mood.'])
    for (const add of ['ADD VALUE', 'add value', 'ADD VALUE IF NOT EXISTS', 'ADD VALUE IF EXISTS', 'ADD', 'RENAME VALUE', 'ADD ATTRIBUTE'])
      for (const rest of [
        "'ok'",
        "''",
        "'it''s'",
        "'ok' AFTER 'sad'",
        "'ok' BEFORE 'sad'",
        "'ok' after ''",
        "'ok' AFTER",
        "'ok' AFTER sad",
        'ok',
        "E'ok'",
        "'ok' TO 'fine'",
        "'ok' AFTER 'a' BEFORE 'b'",
        "'ok', 'fine'",
      ])
        yield `ALTER TYPE ${type} ${add} ${rest}`;
  for (const word of parserKeywords()) {
    yield `ALTER TYPE ${word} ADD VALUE 'x'`;
    yield `ALTER TYPE ${word}.${word} ADD VALUE IF NOT EXISTS 'x' BEFORE 'y'`;
    yield `ALTER TYPE t ADD VALUE 'x' ${word} 'y'`;
    yield `ALTER ${word} t ADD VALUE 'x'`;
  }
}

/** SET LOGGED / UNLOGGED / TABLESPACE, DROP CONSTRAINT, DETACH PARTITION, RESET, REFRESH, REINDEX, and what is left to the parser. */
function* maintenance(): Generator<string> {
  for (const table of ['users', 's.users', '"Users"', 'a.b.c', 'ONLY users'])
    for (const cmd of [
      'SET LOGGED',
      'set unlogged',
      'SET TABLESPACE fast_ssd',
      'SET TABLESPACE "Fast"',
      'SET TABLESPACE pg_default',
      'SET TABLESPACE',
      'SET WITHOUT OIDS',
      'SET LOGGED, SET UNLOGGED',
      'SET LOGGED, ADD COLUMN n int',
      'DROP CONSTRAINT c',
      'DROP CONSTRAINT IF EXISTS c',
      'DROP CONSTRAINT IF EXISTS c CASCADE',
      'DROP CONSTRAINT c RESTRICT',
      'DROP CONSTRAINT IF c',
      'DROP CONSTRAINT s.c',
      'DROP CONSTRAINT c, DROP COLUMN d',
      'DETACH PARTITION p',
      'DETACH PARTITION s.p CONCURRENTLY',
      'DETACH PARTITION p FINALIZE',
      'DETACH PARTITION',
      'DETACH p',
      'ADD PRIMARY KEY (id)',
      'add unique (a, "B")',
      'ADD UNIQUE USING INDEX i',
      'ADD PRIMARY KEY USING INDEX s.i',
      'ADD PRIMARY (id)',
      'ADD UNIQUE (a) NOT VALID',
      'ADD UNIQUE NULLS NOT DISTINCT (a)',
      'ADD PRIMARY KEY (id) DEFERRABLE',
      'ADD CHECK (a > 0)',
      'ADD FOREIGN KEY (a) REFERENCES b',
      'ADD PRIMARY KEY (id), ADD UNIQUE (a)',
      'ADD CONSTRAINT c NOT NULL sku',
      'ADD CONSTRAINT c NOT NULL sku NOT VALID',
      'ADD CONSTRAINT c NOT NULL "Sku" NO INHERIT',
      'ADD CONSTRAINT c NOT NULL sku, ADD CONSTRAINT d NOT NULL e NOT VALID',
      'ADD CONSTRAINT c NOT NULL (sku)',
      'ADD CONSTRAINT c NOT NULL s.sku',
      'ADD CONSTRAINT c NOT sku',
      'ADD NOT NULL sku',
      'RENAME CONSTRAINT a TO b',
      'rename constraint "A" to "B"',
      'RENAME CONSTRAINT IF EXISTS a TO b',
      'RENAME CONSTRAINT a b',
      'RENAME CONSTRAINT a TO b, RENAME COLUMN c TO d',
    ])
      yield `ALTER TABLE ${table} ${cmd}`;
  for (const rest of [
    'lock_timeout',
    'LOCK_TIMEOUT',
    '"Lock_timeout"',
    'all',
    'time zone',
    'session authorization',
    'a.b',
    'search_path',
    'x y',
    '',
  ])
    yield `RESET ${rest}`;
  for (const view of ['v', 's.v', '"V"', 'a.b.c'])
    for (const how of ['', ' CONCURRENTLY'])
      for (const tail of ['', ' WITH DATA', ' WITH NO DATA', ' with no data', ' WITH', ' WITH NO', ' NO DATA'])
        yield `REFRESH MATERIALIZED VIEW${how} ${view}${tail}`;
  yield 'REFRESH VIEW v';
  for (const kind of ['INDEX', 'TABLE', 'table', 'SCHEMA', 'DATABASE', 'SYSTEM', '(VERBOSE) TABLE', 'VERBOSE TABLE'])
    for (const how of ['', ' CONCURRENTLY']) for (const name of ['i', 's.i', '"I"', 'a.b.c', '']) yield `REINDEX ${kind}${how} ${name}`;
  for (const value of ["'new'", "''", '0', '42', 'true', 'false', 'null', 'now()', 'current_timestamp', "'a'::text", 'x'])
    for (const type of [
      'varchar',
      'varchar(20)',
      'text',
      'int',
      'bigint',
      'timestamp with time zone',
      'public.mood',
      'text[]',
      'double precision',
      '',
    ])
      for (const tail of ['', ' NOT NULL', '(3)']) yield `ALTER TABLE t ADD COLUMN c text DEFAULT ${value}::${type}${tail}`;
  yield "CREATE TABLE t (id int PRIMARY KEY, s varchar(20) NOT NULL DEFAULT 'new'::varchar)";
  yield "ALTER TABLE t ADD COLUMN c text DEFAULT 'a' :: text";
  yield "ALTER TABLE t ADD COLUMN c text DEFAULT 'a':text";
  for (const head of ['LOCK', 'LOCK TABLE', 'lock table', 'LOCK ONLY', 'LOCK TABLE ONLY'])
    for (const names of ['a', 's.a', '"A"', 'a, s.b', 'a *', 'a.b.c', ''])
      for (const mode of [
        '',
        ' IN ACCESS SHARE MODE',
        ' IN ROW SHARE MODE',
        ' IN ROW EXCLUSIVE MODE',
        ' IN SHARE UPDATE EXCLUSIVE MODE',
        ' IN SHARE MODE',
        ' IN SHARE ROW EXCLUSIVE MODE',
        ' IN EXCLUSIVE MODE',
        ' IN ACCESS EXCLUSIVE MODE',
        ' in access exclusive mode',
        ' IN ACCESS MODE',
        ' IN MODE',
        ' IN SHARE',
        ' IN EXCLUSIVE SHARE MODE',
        ' IN ROW SHARE UPDATE EXCLUSIVE MODE',
      ])
        for (const tail of ['', ' NOWAIT', ' nowait x']) yield `${head} ${names}${mode}${tail}`;
  for (const type of ['mood', 's.mood', 'a.b.c'])
    for (const rest of [
      "RENAME VALUE 'a' TO 'b'",
      "rename value 'it''s' to 'b'",
      "RENAME VALUE '' TO 'b'",
      "RENAME VALUE 'a' TO ''",
      "RENAME VALUE a TO 'b'",
      "RENAME VALUE 'a' 'b'",
      "RENAME VALUE 'a' TO 'b' AFTER 'c'",
      'RENAME TO m',
      'RENAME ATTRIBUTE a TO b',
    ])
      yield `ALTER TYPE ${type} ${rest}`;
  for (const head of ['CLUSTER', 'cluster', 'CLUSTER VERBOSE', 'CLUSTER (VERBOSE)'])
    for (const rest of [
      'users',
      's.users',
      '"U"',
      'users USING i',
      'users USING s.i',
      'users USING',
      'users, b',
      '',
      'i ON users',
      'a.b.c',
    ])
      yield `${head} ${rest}`;
  for (const opts of [
    '',
    'FULL',
    'full analyze',
    'ANALYZE',
    'ANALYZE FULL',
    'FULL FREEZE',
    'VERBOSE',
    'FREEZE',
    'ANALYSE',
    '(FULL)',
    '(full, analyze)',
    '(ANALYZE, FULL)',
    '(FULL true)',
    '(VERBOSE)',
    '()',
    '(FULL',
    'FULL (x)',
  ])
    for (const rels of ['users', 's.users', 'users, b', 'users (a)', '', 'a.b.c', 'users,']) yield `VACUUM ${opts} ${rels}`;
  for (const word of parserKeywords()) {
    yield `CLUSTER ${word}`;
    yield `CLUSTER t USING ${word}`;
    yield `VACUUM ${word} t`;
    yield `VACUUM (${word}) t`;
    yield `VACUUM FULL ${word}`;
    yield `LOCK ${word}`;
    yield `LOCK TABLE t IN ${word} MODE`;
    yield `LOCK TABLE t IN ACCESS ${word} MODE`;
    yield `ALTER TYPE ${word} RENAME VALUE 'a' TO 'b'`;
    yield `ALTER TABLE t ADD COLUMN c text DEFAULT 'x'::${word}`;
    yield `ALTER TABLE t SET TABLESPACE ${word}`;
    yield `ALTER TABLE t ADD CONSTRAINT c NOT NULL ${word}`;
    yield `ALTER TABLE t RENAME CONSTRAINT ${word} TO x`;
    yield `ALTER TABLE t RENAME CONSTRAINT x TO ${word}`;
    yield `ALTER TABLE t DROP CONSTRAINT ${word}`;
    yield `ALTER TABLE t DETACH PARTITION ${word}`;
    yield `ALTER TABLE t DETACH PARTITION p ${word}`;
    yield `ALTER TABLE t SET ${word}`;
    yield `RESET ${word}`;
    yield `REFRESH MATERIALIZED VIEW ${word}`;
    yield `REFRESH MATERIALIZED VIEW v WITH ${word} DATA`;
    yield `REINDEX INDEX ${word}`;
    yield `REINDEX ${word} i`;
  }
}

/** COMMENT ON TABLE / INDEX / COLUMN, and what is left to the parser. */
function* commentsOn(): Generator<string> {
  for (const kind of ['TABLE', 'table', 'INDEX', 'COLUMN', 'column', 'VIEW', 'SCHEMA', 'CONSTRAINT c ON'])
    for (const name of ['t', 's.t', '"T"', 't.c', 's.t.c', 'a.s.t.c', 't.', '.t', ''])
      for (const tail of [
        " IS 'x'",
        " IS ''",
        " IS 'it''s'",
        ' IS NULL',
        ' IS null',
        ' IS 1',
        " IS E'x'",
        " 'x'",
        " IS 'x' 'y'",
        ' IS',
        " IS 'x' x",
      ])
        yield `COMMENT ON ${kind} ${name}${tail}`;
  for (const head of ['COMMENT', 'COMMENT ON', 'comment on'])
    for (const rest of [" TABLE t IS 'x'", " COLUMN t.c IS 'x'", "TABLE t IS 'x'"]) yield `${head}${rest}`;
  for (const word of parserKeywords()) {
    yield `COMMENT ON TABLE ${word} IS 'x'`;
    yield `COMMENT ON COLUMN ${word}.${word} IS NULL`;
    yield `COMMENT ON INDEX s.${word} IS 'x'`;
    yield `COMMENT ON ${word} t IS 'x'`;
  }
}

/** INSERT … VALUES seed rows, and what is left to the parser. */
function* inserts(): Generator<string> {
  for (const head of ['INSERT INTO t', 'insert into s.t', 'INSERT INTO "T"', 'INSERT t', 'INSERT INTO t AS x', 'INSERT INTO ONLY t'])
    for (const cols of ['', ' (a)', ' (a, b)', '(a,b)', ' ()', ' (a,)', ' (t.a)', ' (a[1])'])
      for (const rows of [
        " VALUES (1, 'x')",
        ' VALUES (1)',
        ' VALUES(1),(2)',
        " VALUES (true, false, NULL, now(), CURRENT_TIMESTAMP, 'it''s')",
        ' VALUES (DEFAULT)',
        ' VALUES ()',
        ' VALUES (1,)',
        ' VALUES (1), ',
        ' VALUES (-1)',
        ' VALUES (1 + 2)',
        ' VALUES (a)',
        ' DEFAULT VALUES',
        ' SELECT 1',
        ' VALUES (1) ON CONFLICT DO NOTHING',
        ' VALUES (1) RETURNING id',
        ' OVERRIDING SYSTEM VALUE VALUES (1)',
      ])
        yield `${head}${cols}${rows}`;
  for (const word of parserKeywords()) {
    yield `INSERT INTO ${word} (${word}) VALUES (${word})`;
    yield `INSERT INTO t VALUES (${word}())`;
    yield `INSERT INTO t (a) ${word} (1)`;
  }
}

/** Every statement of `seeds` with a line or block comment (or an unfinished one) put between every two tokens. */
function* comments(seeds: readonly string[]): Generator<string> {
  for (const seed of seeds) {
    const gaps = [...seed.matchAll(/ /g)].map((m) => m.index);
    for (const at of gaps)
      for (const comment of [
        ' -- c\n',
        '-- c\r',
        '/* c */',
        '/**/',
        '/* /* nested */ */',
        '/* c',
        '--',
        ' /*-- c */ ',
        '-- /* c\n',
        '/* c */--x\n',
      ])
        yield seed.slice(0, at) + comment + seed.slice(at);
    for (const comment of [' -- c', ' /* c */', '/* c */', ' --']) yield seed + comment;
  }
}

function* sets(): Generator<string> {
  for (const head of ['SET', 'set', 'SET SESSION', 'SET LOCAL', 'set local', 'SET SESSION LOCAL', 'SET LOCAL SESSION'])
    for (const name of [
      'lock_timeout',
      'LOCK_TIMEOUT',
      'statement_timeout',
      'search_path',
      'time zone',
      '"lock_timeout"',
      'a.lock_timeout',
    ])
      for (const eq of [' = ', '=', ' TO ', ' to ', ' := ', ' '])
        for (const value of ["'2s'", "'0'", '0', '5000', "'5min'", 'DEFAULT', "e'2s'", '2.5', "'2s', '3s'", "''", "'a''b'", '-1', '0x10'])
          yield `${head} ${name}${eq}${value}`;
}

test('the fast reader gives libpg-query’s parse tree for every ALTER TABLE … ADD COLUMN it accepts', () => {
  const { accepted, total } = check(alterTables());
  assert.ok(accepted > 600 && accepted < total, `${accepted} of ${total} accepted`);
});

test('the fast reader gives libpg-query’s parse tree for every VALIDATE CONSTRAINT, SET NOT NULL, DROP COLUMN and CREATE INDEX it accepts', () => {
  const { accepted, total } = check(otherForms());
  assert.ok(accepted > 300 && accepted < total, `${accepted} of ${total} accepted`);
});

test('the fast reader gives libpg-query’s parse tree for every transaction, DROP, ALTER COLUMN and ADD it accepts', () => {
  const { accepted, total } = check(moreForms());
  assert.ok(accepted > 1500 && accepted < total, `${accepted} of ${total} accepted`);
});

test('the fast reader gives libpg-query’s parse tree for every UPDATE it accepts', () => {
  const { accepted, total } = check(updates());
  assert.ok(accepted > 1000 && accepted < total, `${accepted} of ${total} accepted`);
});

test('the fast reader gives libpg-query’s parse tree for every CREATE TABLE it accepts', () => {
  const { accepted, total } = check(createTables());
  assert.ok(accepted > 500 && accepted < total, `${accepted} of ${total} accepted`);
});

test('the fast reader gives libpg-query’s parse tree for every ALTER TYPE … ADD VALUE it accepts', () => {
  const { accepted, total } = check(enumValues());
  assert.ok(accepted > 40 && accepted < total, `${accepted} of ${total} accepted`);
});

test('the fast reader gives libpg-query’s parse tree for every SET LOGGED, DROP CONSTRAINT, DETACH PARTITION, unnamed UNIQUE / PRIMARY KEY, a cast DEFAULT, RENAME VALUE, LOCK, CLUSTER, VACUUM, RESET, REFRESH and REINDEX it accepts', () => {
  const { accepted, total } = check(maintenance());
  assert.ok(accepted > 200 && accepted < total, `${accepted} of ${total} accepted`);
});

test('the fast reader gives libpg-query’s parse tree for every ALTER DOMAIN … ADD CONSTRAINT … CHECK and column CHECK it accepts', () => {
  const { accepted, total } = check(checks());
  assert.ok(accepted > 500 && accepted < total, `${accepted} of ${total} accepted`);
});

test('the fast reader gives libpg-query’s parse tree for every ALTER TABLE … SET (<storage parameter> = …) it accepts', () => {
  const { accepted, total } = check(relOptions());
  assert.ok(accepted > 300 && accepted < total, `${accepted} of ${total} accepted`);
});

test('the fast reader gives libpg-query’s parse tree for every CREATE INDEX without a name it accepts', () => {
  const { accepted, total } = check(unnamedIndexes());
  assert.ok(accepted > 300 && accepted < total, `${accepted} of ${total} accepted`);
});

test('the fast reader gives libpg-query’s parse tree for every GENERATED ALWAYS AS (…), EXCLUDE and `*` / `&&` expression it accepts', () => {
  const { accepted, total } = check(generatedAndExclusions());
  assert.ok(accepted > 300 && accepted < total, `${accepted} of ${total} accepted`);
});

test('the fast reader gives libpg-query’s parse tree for every COMMENT ON it accepts', () => {
  const { accepted, total } = check(commentsOn());
  assert.ok(accepted > 100 && accepted < total, `${accepted} of ${total} accepted`);
});

test('the fast reader gives libpg-query’s parse tree for every INSERT it accepts', () => {
  const { accepted, total } = check(inserts());
  assert.ok(accepted > 100 && accepted < total, `${accepted} of ${total} accepted`);
});

test('the fast reader gives libpg-query’s parse tree with comments between the tokens', () => {
  const { accepted, total } = check(comments(SEEDS));
  assert.ok(accepted > 500 && accepted < total, `${accepted} of ${total} accepted`);
});

test('the fast reader gives libpg-query’s parse tree for every SET it accepts', () => {
  const { accepted, total } = check(sets());
  assert.ok(accepted > 100 && accepted < total, `${accepted} of ${total} accepted`);
});

test('random edits of accepted statements: still libpg-query’s tree, or left to it', () => {
  const seeds = [
    ...SEEDS,
    "SET lock_timeout = '2s'",
    'SET LOCAL statement_timeout TO 5000',
    'ALTER TABLE users ADD COLUMN nickname text',
    'ALTER TABLE public."Users" ADD COLUMN nick varchar(40) DEFAULT \'x\'',
    'ALTER TABLE users ADD COLUMN n bigint DEFAULT 0',
    'CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS idx ON public.users (email, "Org")',
    'CREATE INDEX CONCURRENTLY users_lower_email ON users USING btree (lower(email), f(a, b))',
    'ALTER TABLE users VALIDATE CONSTRAINT users_org_fk',
    'ALTER TABLE users ALTER COLUMN email SET NOT NULL',
    'ALTER TABLE app.users DROP COLUMN legacy',
    'ALTER TABLE users ADD CONSTRAINT users_org_fk FOREIGN KEY (org_id, b) REFERENCES app.orgs (id, c) NOT VALID',
    'ALTER TABLE users ADD CONSTRAINT users_email_nn CHECK (email IS NOT NULL) NOT VALID',
    "ALTER TABLE users ADD CONSTRAINT users_qty CHECK (qty > 0 AND status <> 'x') NOT VALID",
  ];
  const alphabet = ` \t\n'"().,;=-+*/:[]$_0123456789aeEnxAZ\\\u00e9`;
  const inputs = randomEdits(seeds, alphabet, 20);
  const { accepted } = check(inputs);
  assert.ok(accepted > 1000, `${accepted} accepted`);
});

const pg15: LintOptions = { target: { dialect: 'postgres', version: '15' } };

test('lint gives the same result without the WebAssembly parser as with it', async () => {
  // libpg-query alone (loadParsers's own PostgreSQL parse tries the fast reader first).
  const full: Parsers = { ...(await loadParsers(['postgres'])), postgres: (sql) => pg.parseSync(sql) };
  const files: string[] = [];
  const statements = [
    "SET lock_timeout = '2s'",
    'SET statement_timeout = 0',
    'SET LOCAL lock_timeout TO 1000',
    'ALTER TABLE users ADD COLUMN nickname text',
    "ALTER TABLE users ADD COLUMN status varchar(20) DEFAULT 'new'",
    'ALTER TABLE app.orders ADD COLUMN n bigint DEFAULT 0',
    'ALTER TABLE "Users" ADD COLUMN flag boolean',
    'ALTER TABLE users ADD COLUMN id uuid',
    'CREATE INDEX CONCURRENTLY idx_users_email ON users (email)',
    'CREATE UNIQUE INDEX users_a_b ON users (a, b)',
    'CREATE INDEX CONCURRENTLY users_lower_email ON users (lower(email))',
    'CREATE UNIQUE INDEX users_lower_email ON users (lower(email))',
    'CREATE INDEX CONCURRENTLY users_tags ON users USING gin (tags)',
    'CREATE INDEX users_tags ON users USING gin (tags)',
    'ALTER TABLE users VALIDATE CONSTRAINT users_org_fk',
    'ALTER TABLE users ALTER COLUMN email SET NOT NULL',
    'ALTER TABLE users DROP COLUMN legacy',
    'ALTER TABLE users ADD CONSTRAINT users_org_fk FOREIGN KEY (org_id) REFERENCES orgs (id) NOT VALID',
    'ALTER TABLE users ADD CONSTRAINT users_org_fk FOREIGN KEY (org_id) REFERENCES orgs (id)',
    'ALTER TABLE users ADD CONSTRAINT users_email_nn CHECK (email IS NOT NULL) NOT VALID',
    'ALTER TABLE users ADD CONSTRAINT users_email_nn CHECK (email IS NOT NULL)',
    'ALTER TABLE users VALIDATE CONSTRAINT users_email_nn',
    ...SEEDS,
    'ALTER TABLE users ALTER COLUMN email TYPE text',
    'ALTER TABLE users ALTER COLUMN id TYPE bigint',
    'ALTER TABLE users ALTER COLUMN name TYPE varchar(20)',
    'ALTER TABLE users ADD COLUMN n int NOT NULL',
    "ALTER TABLE users ADD COLUMN n text NOT NULL DEFAULT 'x'",
    'ALTER TABLE users ADD COLUMN a int, ADD COLUMN b int',
    'DROP INDEX users_email',
    'DROP TABLE users',
    'ALTER TABLE users ADD CONSTRAINT users_qty_check CHECK (qty > 0) NOT VALID',
    'ALTER TABLE users ADD CONSTRAINT users_qty_check CHECK (qty >= 0 AND qty < 1000)',
    'ALTER TABLE users VALIDATE CONSTRAINT users_qty_check',
    'ALTER TABLE users ALTER COLUMN price TYPE numeric(12,4)',
    'ALTER TABLE users ALTER COLUMN price TYPE numeric',
    'ALTER TABLE users ALTER COLUMN seen_at TYPE timestamptz',
    'ALTER TABLE users ALTER COLUMN seen_at TYPE timestamp with time zone',
    'ALTER TABLE users ALTER COLUMN created_at TYPE timestamp(3)',
    'ALTER TABLE users ALTER COLUMN name TYPE varchar(200)',
    'CREATE TABLE users (id int PRIMARY KEY, email varchar(100), price numeric(12,4), created_at timestamp(6), seen_at time)',
    'ROLLBACK',
    'UPDATE users SET n = 0',
    'UPDATE users SET n = 0 WHERE n IS NULL AND id < 1000 -- first batch\n',
  ];
  const next = rng(7);
  for (let i = 0; i < 300; i++) {
    const n = 1 + Math.floor(next() * 5);
    const lines: string[] = [];
    for (let k = 0; k < n; k++) lines.push(statements[Math.floor(next() * statements.length)]! + ';');
    if (next() < 0.2) lines.unshift('-- a comment');
    files.push(lines.join(next() < 0.5 ? '\n' : '\n\n'));
  }
  for (const text of files) {
    assert.equal(needsPostgresParser([text]), false, text);
    const simple = await loadParsers(['postgres'], [text]);
    assert.throws(() => simple.postgres('SELECT 1'), /not loaded/, 'the WebAssembly parser was not used');
    for (const version of ['15', '10']) {
      const options = { ...pg15, target: { dialect: 'postgres' as const, version } };
      assert.deepStrictEqual(lintSql(text, options, simple), lintSql(text, options, full), text);
    }
  }
  // A statement outside the simplest forms needs the parser.
  assert.equal(needsPostgresParser(["SET lock_timeout = '2s';\nCREATE INDEX i ON posts USING gin (to_tsvector('english', body));"]), true);
});
