import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ColumnSyntaxError, parseColumnDefinition, renderColumnDefinition, renderType, validateColumn } from '../../src/core/columnSpec';
import { SqlTextError } from '../../src/core/sql';
import type { ColumnSpec, Dialect, TableFacts, Target } from '../../src/core/types';

const PG: Target = { dialect: 'postgres', version: '16.2' };
const MY: Target = { dialect: 'mysql', version: '8.0.36' };
const MARIA: Target = { dialect: 'mariadb', version: '10.11.6' };

function col(over: Partial<ColumnSpec> = {}): ColumnSpec {
  return { name: 'c', type: { name: 'integer', params: [] }, nullable: true, default: { kind: 'none' }, ...over };
}
function facts(over: Partial<TableFacts> = {}): TableFacts {
  return { table: { schema: 'public', name: 't' }, rows: 1000, bytes: 1e6, ...over };
}
function codes(spec: ColumnSpec, target: Target, f?: TableFacts): string[] {
  return validateColumn(spec, target, f).map((x) => x.code);
}
function syntaxError(text: string, dialect: Dialect): ColumnSyntaxError {
  try {
    parseColumnDefinition(text, dialect);
  } catch (e) {
    assert.ok(e instanceof ColumnSyntaxError, `expected ColumnSyntaxError, got ${String(e)}`);
    return e;
  }
  assert.fail(`"${text}" parsed without error`);
}

describe('parseColumnDefinition', () => {
  it('the examples of the issue', () => {
    assert.deepEqual(parseColumnDefinition('email_verified boolean NOT NULL DEFAULT false', 'postgres'), {
      name: 'email_verified',
      type: { name: 'boolean', params: [] },
      nullable: false,
      default: { kind: 'literal', value: 'false' },
    });
    assert.deepEqual(parseColumnDefinition('ref_id bigint REFERENCES accounts(id)', 'postgres'), {
      name: 'ref_id',
      type: { name: 'bigint', params: [] },
      nullable: true,
      default: { kind: 'none' },
      references: { table: 'accounts', column: 'id' },
    });
  });
  it('multi-word types, parameters, arrays, unsigned, enum values', () => {
    assert.deepEqual(parseColumnDefinition('t timestamp(3) with time zone', 'postgres').type, {
      name: 'timestamp with time zone',
      params: [3],
    });
    assert.deepEqual(parseColumnDefinition('d double precision', 'postgres').type, { name: 'double precision', params: [] });
    assert.deepEqual(parseColumnDefinition('v character varying(20)', 'postgres').type, { name: 'character varying', params: [20] });
    assert.deepEqual(parseColumnDefinition('n numeric(10, 2)', 'postgres').type, { name: 'numeric', params: [10, 2] });
    assert.deepEqual(parseColumnDefinition('tags text[]', 'postgres').type, { name: 'text', params: [], array: true });
    assert.deepEqual(parseColumnDefinition('u INT UNSIGNED', 'mysql').type, { name: 'int', params: [], unsigned: true });
    assert.deepEqual(parseColumnDefinition("e ENUM('a','b''c')", 'mysql').type, { name: 'enum', params: [], values: ['a', "b'c"] });
    assert.deepEqual(parseColumnDefinition('m app.mood', 'postgres').type, { name: 'app.mood', params: [] });
  });
  it('quoted names in each dialect', () => {
    assert.equal(parseColumnDefinition('"Say ""hi"" ü" text', 'postgres').name, 'Say "hi" ü');
    assert.equal(parseColumnDefinition('`a``b` int', 'mariadb').name, 'a`b');
    assert.equal(parseColumnDefinition('"Mixed" text', 'postgres').name, 'Mixed');
    assert.equal(parseColumnDefinition('名前 text', 'postgres').name, '名前');
    assert.equal(parseColumnDefinition('" " text', 'postgres').name, ' ');
  });
  it('PostgreSQL folds unquoted names to lower case, as psql does, and says so; MySQL/MariaDB keep them', () => {
    const spec = parseColumnDefinition('MixedCase bigint REFERENCES Accounts(Id)', 'postgres');
    assert.equal(spec.name, 'mixedcase');
    assert.deepEqual(spec.references, { table: 'accounts', column: 'id' });
    assert.deepEqual(spec.folded, [
      { typed: 'MixedCase', name: 'mixedcase' },
      { typed: 'Accounts', name: 'accounts' },
      { typed: 'Id', name: 'id' },
    ]);
    const notes = validateColumn(spec, PG).filter((f) => f.code === 'name-folded');
    assert.deepEqual(
      notes.map((f) => [f.severity, f.field]),
      [
        ['info', 'name'],
        ['info', 'references'],
        ['info', 'references'],
      ],
    );
    assert.equal(
      notes[0]!.message,
      'The unquoted name MixedCase is mixedcase to PostgreSQL, as in psql: unquoted names are folded to lower case. To keep the case, quote it: "MixedCase".',
    );
    assert.equal(parseColumnDefinition('ÄBc text', 'postgres').name, 'Äbc', 'only ASCII letters fold (UTF-8 databases)');
    assert.equal(parseColumnDefinition('lower text', 'postgres').folded, undefined);
    const my = parseColumnDefinition('MixedCase int', 'mysql');
    assert.equal(my.name, 'MixedCase');
    assert.equal(my.folded, undefined);
  });
  it('identity columns keep ALWAYS / BY DEFAULT and their sequence options', () => {
    const always = parseColumnDefinition(
      'id bigint GENERATED ALWAYS AS IDENTITY (START WITH 100 INCREMENT BY -5 MINVALUE -1000 MAXVALUE 0100 CACHE 20 CYCLE)',
      'postgres',
    );
    assert.deepEqual(always.identity, {
      always: true,
      start: '100',
      increment: '-5',
      minValue: '-1000',
      maxValue: '100',
      cache: '20',
      cycle: true,
    });
    assert.equal(always.autoIncrement, true);
    assert.equal(
      renderColumnDefinition('postgres', always),
      '"id" bigint GENERATED ALWAYS AS IDENTITY (START WITH 100 INCREMENT BY -5 MINVALUE -1000 MAXVALUE 100 CACHE 20 CYCLE)',
    );
    const byDefault = parseColumnDefinition(
      'id int GENERATED BY DEFAULT AS IDENTITY (START 9223372036854775807 NO CYCLE NO MINVALUE)',
      'postgres',
    );
    assert.deepEqual(byDefault.identity, { always: false, start: '9223372036854775807' });
    assert.equal(
      renderColumnDefinition('postgres', byDefault),
      '"id" int GENERATED BY DEFAULT AS IDENTITY (START WITH 9223372036854775807)',
    );
    assert.equal(
      renderColumnDefinition('postgres', parseColumnDefinition('id int GENERATED ALWAYS AS IDENTITY', 'postgres')),
      '"id" int GENERATED ALWAYS AS IDENTITY',
    );
    assert.match(
      syntaxError('id int GENERATED ALWAYS AS IDENTITY (SEQUENCE NAME s)', 'postgres').message,
      /this identity option is not supported \(START WITH, INCREMENT BY, MINVALUE, MAXVALUE, CACHE and \[NO\] CYCLE are\) at character 38/,
    );
    assert.match(
      syntaxError('id int GENERATED ALWAYS AS IDENTITY (START WITH 1.5)', 'postgres').message,
      /expected a whole number after START WITH/,
    );
    assert.match(syntaxError('id int GENERATED ALWAYS AS IDENTITY (INCREMENT BY 0)', 'postgres').message, /INCREMENT BY cannot be 0/);
    assert.match(syntaxError('id int GENERATED ALWAYS AS IDENTITY (CACHE 1 CACHE 2)', 'postgres').message, /CACHE appears twice/);
    assert.match(
      syntaxError('id int GENERATED ALWAYS AS IDENTITY', 'mysql').message,
      /MySQL\/MariaDB have no GENERATED ALWAYS AS IDENTITY: AUTO_INCREMENT always accepts an explicit value, so ALWAYS cannot be kept/,
    );
    assert.match(
      syntaxError('id int GENERATED BY DEFAULT AS IDENTITY (START WITH 5)', 'mariadb').message,
      /sequence options are PostgreSQL's/,
    );
    assert.throws(
      () => renderColumnDefinition('postgres', { ...always, identity: { always: true, start: '1); DROP TABLE x' } }),
      /not a whole number/,
    );
    assert.deepEqual(codes({ ...col(), autoIncrement: true, identity: { always: true } }, MY), ['identity-unsupported']);
  });
  it('literal defaults are normalised; expressions are kept as written', () => {
    assert.deepEqual(parseColumnDefinition("s text DEFAULT 'it''s'", 'postgres').default, { kind: 'literal', value: "'it''s'" });
    assert.deepEqual(
      parseColumnDefinition("s text DEFAULT 'a\\nb'", 'mysql').default,
      { kind: 'literal', value: "'a\nb'" },
      'MySQL \\n escape decoded',
    );
    assert.deepEqual(
      parseColumnDefinition("s text DEFAULT 'a\\nb'", 'postgres').default,
      { kind: 'literal', value: "E'a\\\\nb'" },
      'PostgreSQL keeps the backslash',
    );
    assert.deepEqual(parseColumnDefinition("s text DEFAULT 'a\\\\b'", 'mysql').default, { kind: 'literal', value: "_utf8mb4 X'615C62'" });
    assert.deepEqual(parseColumnDefinition('n int DEFAULT -5 NOT NULL', 'postgres').default, { kind: 'literal', value: '-5' });
    assert.deepEqual(parseColumnDefinition('n int DEFAULT NULL', 'postgres').default, { kind: 'literal', value: 'NULL' });
    assert.deepEqual(parseColumnDefinition("j jsonb DEFAULT '{}'::jsonb NOT NULL", 'postgres').default, {
      kind: 'literal',
      value: "'{}'::jsonb",
    });
    assert.deepEqual(parseColumnDefinition('t timestamptz NOT NULL DEFAULT now()', 'postgres').default, {
      kind: 'expression',
      sql: 'now()',
    });
    assert.deepEqual(parseColumnDefinition('t timestamptz DEFAULT CURRENT_TIMESTAMP NOT NULL', 'postgres').default, {
      kind: 'expression',
      sql: 'CURRENT_TIMESTAMP',
    });
    assert.deepEqual(parseColumnDefinition('n int DEFAULT 1 + 2 NOT NULL', 'postgres').default, { kind: 'expression', sql: '1 + 2' });
    assert.deepEqual(parseColumnDefinition('u char(36) DEFAULT (UUID()) NOT NULL', 'mysql').default, {
      kind: 'expression',
      sql: '(UUID())',
    });
  });
  it('bit and hex literals are literals', () => {
    assert.deepEqual(parseColumnDefinition("f bit(3) DEFAULT b'101'", 'mysql').default, { kind: 'literal', value: "b'101'" });
    assert.deepEqual(parseColumnDefinition('f binary(2) DEFAULT 0x1F2E NOT NULL', 'mariadb').default, { kind: 'literal', value: '0x1F2E' });
    assert.deepEqual(parseColumnDefinition("f bit varying(8) DEFAULT X'1F'", 'postgres').default, { kind: 'literal', value: "X'1F'" });
    assert.equal(
      renderColumnDefinition('mysql', parseColumnDefinition("f bit(3) NOT NULL DEFAULT b'101'", 'mysql')),
      "`f` bit(3) NOT NULL DEFAULT b'101'",
    );
    assert.ok(!codes(parseColumnDefinition('n int DEFAULT 0x10', 'mysql'), MY).includes('default-does-not-fit'));
    assert.match(syntaxError("f bit(3) DEFAULT b'102'", 'mysql').message, /invalid bit literal: b'…' takes only 0 and 1 at character 18/);
  });
  it('constraints, generated, identity, position, comment, collation', () => {
    const s = parseColumnDefinition(
      "c varchar(20) NOT NULL UNIQUE CHECK (length(c) > 1) COMMENT 'the c' AFTER `b` COLLATE utf8mb4_bin",
      'mysql',
    );
    assert.equal(s.unique, true);
    assert.equal(s.check, 'length(c) > 1');
    assert.equal(s.comment, 'the c');
    assert.deepEqual(s.position, { kind: 'after', column: 'b' });
    assert.equal(s.collation, 'utf8mb4_bin');
    assert.deepEqual(parseColumnDefinition('g int GENERATED ALWAYS AS (a * 2) STORED', 'postgres').generated, {
      expression: 'a * 2',
      stored: true,
    });
    assert.deepEqual(parseColumnDefinition('g int AS (a * 2) VIRTUAL', 'mysql').generated, { expression: 'a * 2', stored: false });
    assert.deepEqual(parseColumnDefinition('g int AS (a * 2) PERSISTENT', 'mariadb').generated, { expression: 'a * 2', stored: true });
    assert.equal(parseColumnDefinition('id bigint GENERATED BY DEFAULT AS IDENTITY', 'postgres').autoIncrement, true);
    assert.equal(parseColumnDefinition('id bigserial', 'postgres').autoIncrement, true);
    assert.equal(parseColumnDefinition('id bigint NOT NULL AUTO_INCREMENT', 'mysql').autoIncrement, true);
    assert.deepEqual(parseColumnDefinition('r int REFERENCES s.t (id) ON DELETE SET NULL', 'postgres').references, {
      schema: 's',
      table: 't',
      column: 'id',
      onDelete: 'SET NULL',
    });
    assert.deepEqual(parseColumnDefinition('f int FIRST', 'mysql').position, { kind: 'first' });
  });
  it('errors say what could not be understood and where', () => {
    const e1 = syntaxError('x int NOT NUL', 'postgres');
    assert.equal(e1.position, 6);
    assert.match(e1.message, /expected NULL after NOT at character 7/);
    const e2 = syntaxError('x varchar(20', 'postgres');
    assert.match(e2.message, /expected "\)" to close the parameters of varchar/);
    assert.equal(syntaxError('', 'postgres').position, 0);
    assert.match(syntaxError('x', 'postgres').message, /expected a type after the column name "x"/);
    assert.match(syntaxError("x text DEFAULT 'abc", 'postgres').message, /unterminated string starting at character 16/);
    assert.match(syntaxError('x int; DROP TABLE users', 'postgres').message, /';' at character 6/);
    assert.match(syntaxError('x int -- hi', 'postgres').message, /comments are not allowed/);
    assert.match(syntaxError('x int PRIMARY KEY', 'postgres').message, /PRIMARY KEY cannot be added/);
    assert.match(syntaxError('x int REFERENCES a', 'postgres').message, /name the referenced column, e\.g\. REFERENCES a\(id\)/);
    assert.match(syntaxError('x int DEFAULT 1 DEFAULT 2', 'postgres').message, /DEFAULT appears twice at character 17/);
    assert.match(syntaxError('x int NULL NOT NULL', 'postgres').message, /contradicts/);
    assert.match(syntaxError('x int CHECK ()', 'postgres').message, /empty parentheses/);
    assert.match(syntaxError('x int DEFAULT (1', 'postgres').message, /unclosed "\(" in the DEFAULT expression/);
    assert.match(syntaxError('x int banana', 'postgres').message, /could not understand this part .* at character 7 \(near "banana"\)/);
    assert.match(syntaxError('x int ON UPDATE CURRENT_TIMESTAMP', 'mysql').message, /ON UPDATE is not supported/);
    assert.match(syntaxError('x int CONSTRAINT c CHECK (x > 0)', 'postgres').message, /named constraints/);
  });
});

describe('renderColumnDefinition', () => {
  it('PostgreSQL order and quoting', () => {
    const s = parseColumnDefinition(
      '"select" varchar(20) NOT NULL DEFAULT \'x\' UNIQUE CHECK (length("select") > 0) REFERENCES "Other"(id) ON DELETE CASCADE',
      'postgres',
    );
    assert.equal(
      renderColumnDefinition('postgres', s),
      '"select" varchar(20) DEFAULT \'x\' NOT NULL UNIQUE CHECK (length("select") > 0) REFERENCES "Other" ("id") ON DELETE CASCADE',
    );
    assert.equal(
      renderColumnDefinition('postgres', s, { omit: ['default', 'notNull', 'unique', 'check', 'references'] }),
      '"select" varchar(20)',
    );
  });
  it('MySQL order, explicit NULL, comment and position, no inline REFERENCES (MySQL ignores it)', () => {
    const s = parseColumnDefinition("`a``b` int unsigned DEFAULT 3 COMMENT 'it''s' FIRST REFERENCES p(id)", 'mysql');
    assert.equal(renderColumnDefinition('mysql', s), "`a``b` int unsigned NULL DEFAULT 3 COMMENT 'it''s' FIRST");
  });
  it('types', () => {
    assert.equal(renderType('postgres', { name: 'timestamp with time zone', params: [3] }), 'timestamp(3) with time zone');
    assert.equal(renderType('postgres', { name: 'text', params: [], array: true }), 'text[]');
    assert.equal(renderType('mysql', { name: 'enum', params: [], values: ["a'b", 'c'] }), "enum('a''b','c')");
    assert.throws(() => renderType('postgres', { name: 'int; drop table x', params: [] }), SqlTextError);
  });
  it('wraps MySQL expression defaults in parentheses, except CURRENT_TIMESTAMP', () => {
    assert.equal(
      renderColumnDefinition('mysql', col({ default: { kind: 'expression', sql: 'UUID()' } })),
      '`c` integer NULL DEFAULT (UUID())',
    );
    assert.equal(
      renderColumnDefinition('mariadb', col({ default: { kind: 'expression', sql: 'CURRENT_TIMESTAMP' } })),
      '`c` integer NULL DEFAULT CURRENT_TIMESTAMP',
    );
  });
  it('refuses unsafe text that did not come from the parser', () => {
    assert.throws(
      () => renderColumnDefinition('postgres', col({ default: { kind: 'literal', value: '1; DROP TABLE t' } })),
      /not a SQL literal/,
    );
    assert.throws(
      () => renderColumnDefinition('postgres', col({ default: { kind: 'literal', value: "'a'; DROP TABLE t; --'" } })),
      /not a SQL literal/,
    );
    assert.throws(
      () => renderColumnDefinition('postgres', col({ default: { kind: 'expression', sql: 'now()); DROP TABLE t; --' } })),
      /cannot be used: unbalanced/,
    );
    assert.throws(() => renderColumnDefinition('mysql', col({ check: 'c > 0) ; DROP TABLE t' })), /CHECK expression/);
  });
  it('round-trips: render then parse gives the same spec', () => {
    for (const [text, d] of [
      ['"We""ird ü" numeric(10,2) DEFAULT 1.5 NOT NULL CHECK ("We""ird ü" > 0)', 'postgres'],
      ["`x` varchar(10) NOT NULL DEFAULT 'a''b' COMMENT 'c' AFTER `y`", 'mysql'],
      ['g int GENERATED ALWAYS AS (a + 1) STORED', 'postgres'],
    ] as const) {
      const spec = parseColumnDefinition(text, d);
      assert.deepEqual(parseColumnDefinition(renderColumnDefinition(d, spec), d), spec);
    }
  });
});

describe('validateColumn', () => {
  it('identifier length: PostgreSQL 63 bytes, MySQL/MariaDB 64 characters', () => {
    assert.ok(!codes(col({ name: 'a'.repeat(63) }), PG).includes('identifier-too-long'));
    assert.ok(codes(col({ name: 'a'.repeat(64) }), PG).includes('identifier-too-long'));
    assert.ok(codes(col({ name: 'é'.repeat(32) }), PG).includes('identifier-too-long'), '64 bytes');
    assert.ok(!codes(col({ name: 'é'.repeat(64) }), MY).includes('identifier-too-long'), '64 characters');
    assert.ok(codes(col({ name: 'é'.repeat(65) }), MARIA).includes('identifier-too-long'));
  });
  it('MySQL/MariaDB names cannot hold 4-byte characters (seen on MariaDB 10.11: "Invalid utf8mb4 character string")', () => {
    assert.ok(codes(col({ name: 'emoji 😀' }), MARIA).includes('identifier-character'));
    assert.ok(!codes(col({ name: 'emoji 😀' }), PG).includes('identifier-character'));
    assert.ok(!codes(col({ name: '名前' }), MY).includes('identifier-character'));
  });
  it('MySQL comments with a backslash are written doubled, with a note', () => {
    const spec = col({ comment: 'a\\b' });
    assert.equal(renderColumnDefinition('mysql', spec), "`c` integer NULL COMMENT 'a\\\\b'");
    assert.ok(codes(spec, MY).includes('backslash-escapes'));
  });
  it('empty, whitespace-only, reserved words', () => {
    assert.deepEqual(codes(col({ name: '' }), PG), ['identifier-empty']);
    const blank = validateColumn(col({ name: '   ' }), PG);
    assert.deepEqual(
      blank.map((f) => [f.code, f.severity, f.fix]),
      [['identifier-whitespace', 'warning', undefined]],
      'a quoted blank name is valid on PostgreSQL',
    );
    assert.equal(
      blank[0]!.message,
      'The column name "   " is only white space: PostgreSQL accepts it quoted, but every query must quote it exactly.',
    );
    assert.deepEqual(
      validateColumn(col({ name: ' ' }), MY).map((f) => [f.code, f.message]),
      [['identifier-trailing-space', 'MySQL does not allow a name ending with white space (" ").']],
    );
    for (const f of [...validateColumn(col({ name: ' ' }), MARIA), ...blank]) assert.ok(f.message.length > 20, f.code);
    const reserved = validateColumn(col({ name: 'order' }), MY).find((f) => f.code === 'reserved-word')!;
    assert.equal(reserved.severity, 'warning');
    assert.ok(codes(col({ name: 'user' }), PG).includes('reserved-word'));
    assert.ok(!codes(col({ name: 'email' }), PG).includes('reserved-word'));
  });
  it('a column of that name already exists', () => {
    const f = facts({ columns: [{ name: 'Email', type: 'text', nullable: true, default: null }] });
    assert.ok(codes(col({ name: 'email' }), MY, f).includes('column-exists'), 'MySQL column names are case-insensitive');
    assert.ok(!codes(col({ name: 'email' }), PG, f).includes('column-exists'), 'PostgreSQL quoted names are case-sensitive');
    assert.ok(codes(col({ name: 'Email' }), PG, f).includes('column-exists'));
  });
  it('unknown types: error on MySQL, warning on PostgreSQL (domains, enums)', () => {
    const t = { name: 'strnig', params: [] };
    assert.equal(validateColumn(col({ type: t }), MY).find((f) => f.code === 'unknown-type')!.severity, 'error');
    assert.equal(validateColumn(col({ type: t }), PG).find((f) => f.code === 'unknown-type')!.severity, 'warning');
  });
  it('defaults that cannot fit the type', () => {
    const fit = (spec: ColumnSpec, target = PG) => codes(spec, target).includes('default-does-not-fit');
    assert.ok(fit(col({ type: { name: 'smallint', params: [] }, default: { kind: 'literal', value: '40000' } })));
    assert.ok(!fit(col({ type: { name: 'smallint', params: [] }, default: { kind: 'literal', value: '32767' } })));
    assert.ok(fit(col({ type: { name: 'tinyint', params: [] }, default: { kind: 'literal', value: '200' } }), MY));
    assert.ok(!fit(col({ type: { name: 'tinyint', params: [], unsigned: true }, default: { kind: 'literal', value: '200' } }), MY));
    assert.ok(fit(col({ type: { name: 'integer', params: [] }, default: { kind: 'literal', value: "'abc'" } })));
    assert.ok(fit(col({ type: { name: 'varchar', params: [3] }, default: { kind: 'literal', value: "'abcd'" } })));
    assert.ok(!fit(col({ type: { name: 'varchar', params: [4] }, default: { kind: 'literal', value: "'abcd'" } })));
    assert.ok(fit(col({ type: { name: 'numeric', params: [4, 2] }, default: { kind: 'literal', value: '123.5' } })));
    assert.ok(!fit(col({ type: { name: 'numeric', params: [4, 2] }, default: { kind: 'literal', value: '12.5' } })));
    assert.ok(fit(col({ type: { name: 'boolean', params: [] }, default: { kind: 'literal', value: "'maybe'" } })));
    assert.ok(fit(col({ type: { name: 'uuid', params: [] }, default: { kind: 'literal', value: "'xyz'" } })));
    assert.ok(fit(col({ type: { name: 'jsonb', params: [] }, default: { kind: 'literal', value: "'{a:1}'" } })));
    assert.ok(!fit(col({ type: { name: 'jsonb', params: [] }, default: { kind: 'literal', value: '\'{"a":1}\'::jsonb' } })));
    assert.ok(fit(col({ nullable: false, default: { kind: 'literal', value: 'NULL' } })));
  });
  it('MySQL refuses literal defaults on TEXT/BLOB/JSON; MariaDB takes them', () => {
    const spec = col({ type: { name: 'text', params: [] }, default: { kind: 'literal', value: "'x'" } });
    assert.equal(validateColumn(spec, MY).find((f) => f.code === 'default-not-allowed')!.fix, "DEFAULT ('x')");
    assert.ok(!codes(spec, MARIA).includes('default-not-allowed'));
  });
  it('NOT NULL without a default on a table with rows leads to the safe path (a warning, not an error)', () => {
    const f = validateColumn(col({ nullable: false }), PG, facts({ rows: 10 })).find((x) => x.code === 'not-null-without-default')!;
    assert.equal(f.severity, 'warning');
    assert.match(f.message, /adds the column nullable/);
    assert.ok(!codes(col({ nullable: false }), PG, facts({ rows: 0 })).includes('not-null-without-default'));
  });
  it('wide and fixed-width types, json, index write cost, FK without index', () => {
    assert.ok(codes(col({ type: { name: 'longtext', params: [] } }), MY).includes('wide-type'));
    assert.ok(codes(col({ type: { name: 'char', params: [255] } }), MY).includes('wide-fixed-width'));
    assert.ok(codes(col({ type: { name: 'json', params: [] } }), PG).includes('prefer-jsonb'));
    assert.ok(!codes(col({ type: { name: 'json', params: [] } }), MY).includes('prefer-jsonb'));
    assert.ok(codes(col({ index: true }), PG).includes('index-write-cost'));
    assert.ok(codes(col({ references: { table: 'a', column: 'id' } }), PG).includes('fk-without-index'));
    assert.ok(!codes(col({ references: { table: 'a', column: 'id' }, index: true }), PG).includes('fk-without-index'));
  });
  it('version-dependent findings on both sides of the threshold', () => {
    const virt = col({ generated: { expression: 'a + 1', stored: false } });
    assert.ok(codes(virt, { dialect: 'postgres', version: '17.4' }).includes('virtual-generated-unsupported'));
    assert.ok(!codes(virt, { dialect: 'postgres', version: '18.0' }).includes('virtual-generated-unsupported'));
    const check = col({ check: 'c > 0' });
    assert.ok(codes(check, { dialect: 'mysql', version: '8.0.15' }).includes('check-ignored'));
    assert.ok(!codes(check, { dialect: 'mysql', version: '8.0.16' }).includes('check-ignored'));
    const expr = col({ default: { kind: 'expression', sql: '(1 + 1)' } });
    assert.ok(codes(expr, { dialect: 'mysql', version: '8.0.12' }).includes('expression-default-unsupported'));
    assert.ok(!codes(expr, { dialect: 'mysql', version: '8.0.13' }).includes('expression-default-unsupported'));
    const after = col({ position: { kind: 'after', column: 'a' } });
    assert.ok(codes(after, { dialect: 'mysql', version: '8.0.28' }).includes('position-not-instant'));
    assert.ok(!codes(after, { dialect: 'mysql', version: '8.0.29' }).includes('position-not-instant'));
    assert.ok(codes(after, { dialect: 'mariadb', version: '10.3.9' }).includes('position-not-instant'));
    assert.ok(!codes(after, { dialect: 'mariadb', version: '10.4.0' }).includes('position-not-instant'));
    assert.ok(codes(after, PG).includes('position-unsupported'));
  });
  it('UNIQUE with one default for every existing row cannot succeed', () => {
    assert.ok(
      codes(col({ unique: true, default: { kind: 'literal', value: '1' } }), PG, facts({ rows: 5 })).includes('unique-constant-default'),
    );
    assert.ok(
      !codes(col({ unique: true, default: { kind: 'expression', sql: 'gen_random_uuid()' } }), PG, facts({ rows: 5 })).includes(
        'unique-constant-default',
      ),
    );
  });
});

describe('names with characters beyond the Basic Multilingual Plane', () => {
  it('are refused on MySQL/MariaDB with the character named, and accepted on PostgreSQL', async () => {
    const { planColumn } = await import('../../src/core/plan');
    const { parseColumnDefinition } = await import('../../src/core/columnSpec');
    const plan = (def: string, dialect: 'mariadb' | 'postgres') =>
      planColumn(
        parseColumnDefinition(def, dialect),
        { table: { schema: 's', name: 't' }, rows: 10, bytes: 100 },
        { dialect, version: dialect === 'mariadb' ? '10.11.6' : '15.4' },
      );
    const w = plan('`😀x` int', 'mariadb').warnings.find((f) => f.code === 'identifier-character');
    assert.equal(
      w?.message,
      'MariaDB names may only use characters of the Basic Multilingual Plane: "😀x" has 😀 (U+1F600). Use another character.',
    );
    assert.equal(
      plan('"😀x" int', 'postgres').warnings.some((f) => f.code === 'identifier-character'),
      false,
    );
  });
});
