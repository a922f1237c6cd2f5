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
      'i ON users ((a))',
      'i ON users (a) WHERE b',
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
    'UNIQUE (a)',
    'PRIMARY KEY (a)',
  ])
    for (const head of ['ALTER TABLE users ADD CONSTRAINT c', 'alter table public.users add constraint "C"', 'ALTER TABLE users ADD'])
      for (const tail of ['', ' NOT VALID']) yield `${head} ${body}${tail}`;
  for (const word of parserKeywords()) {
    yield `ALTER TABLE users ADD CONSTRAINT ${word} CHECK (a IS NOT NULL)`;
    yield `ALTER TABLE users ADD CONSTRAINT c CHECK (${word} IS NOT NULL)`;
    yield `ALTER TABLE users ADD CONSTRAINT c FOREIGN KEY (${word}) REFERENCES ${word} (${word}) NOT VALID`;
    yield `ALTER TABLE users VALIDATE CONSTRAINT ${word}`;
    yield `ALTER TABLE users ALTER COLUMN ${word} SET NOT NULL`;
    yield `ALTER TABLE users DROP ${word}`;
    yield `CREATE INDEX ${word} ON users (a)`;
    yield `CREATE INDEX i ON ${word} (a)`;
    yield `CREATE INDEX i ON users (a, ${word})`;
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

test('the fast reader gives libpg-query’s parse tree for every SET it accepts', () => {
  const { accepted, total } = check(sets());
  assert.ok(accepted > 100 && accepted < total, `${accepted} of ${total} accepted`);
});

test('random edits of accepted statements: still libpg-query’s tree, or left to it', () => {
  const seeds = [
    "SET lock_timeout = '2s'",
    'SET LOCAL statement_timeout TO 5000',
    'ALTER TABLE users ADD COLUMN nickname text',
    'ALTER TABLE public."Users" ADD COLUMN nick varchar(40) DEFAULT \'x\'',
    'ALTER TABLE users ADD COLUMN n bigint DEFAULT 0',
    'CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS idx ON public.users (email, "Org")',
    'ALTER TABLE users VALIDATE CONSTRAINT users_org_fk',
    'ALTER TABLE users ALTER COLUMN email SET NOT NULL',
    'ALTER TABLE app.users DROP COLUMN legacy',
    'ALTER TABLE users ADD CONSTRAINT users_org_fk FOREIGN KEY (org_id, b) REFERENCES app.orgs (id, c) NOT VALID',
    'ALTER TABLE users ADD CONSTRAINT users_email_nn CHECK (email IS NOT NULL) NOT VALID',
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
    'ALTER TABLE users VALIDATE CONSTRAINT users_org_fk',
    'ALTER TABLE users ALTER COLUMN email SET NOT NULL',
    'ALTER TABLE users DROP COLUMN legacy',
    'ALTER TABLE users ADD CONSTRAINT users_org_fk FOREIGN KEY (org_id) REFERENCES orgs (id) NOT VALID',
    'ALTER TABLE users ADD CONSTRAINT users_org_fk FOREIGN KEY (org_id) REFERENCES orgs (id)',
    'ALTER TABLE users ADD CONSTRAINT users_email_nn CHECK (email IS NOT NULL) NOT VALID',
    'ALTER TABLE users ADD CONSTRAINT users_email_nn CHECK (email IS NOT NULL)',
    'ALTER TABLE users VALIDATE CONSTRAINT users_email_nn',
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
  assert.equal(needsPostgresParser(["SET lock_timeout = '2s';\nCREATE INDEX i ON users USING gin (a);"]), true);
});
