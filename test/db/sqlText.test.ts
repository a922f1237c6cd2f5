import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { splitStatements } from '../../src/core/lint/text';
import { retarget, tableMentions, tokenize } from '../../src/db/sqlText';
import { settingMs } from '../../src/db/postgres/introspect';
import { attempts, stripAlgorithmAndLock, writtenClauses } from '../../src/db/mysql/probe';
import { compare } from '../../src/db/verify';
import type { ProbeResult } from '../../src/db/client';

// verify.ts splits a MySQL step with the lint splitter; these are the cases the db layer's own splitter was tested on.
describe('splitStatements (core/lint/text) as verify.ts uses it', () => {
  const split = (sql: string, engine: 'postgres' | 'mysql') =>
    splitStatements(sql, engine).statements.map((s) => ({ text: s.text, comments: s.leadingComments.map((c) => c.text) }));

  it('splits on semicolons outside strings, identifiers, dollar quotes and comments', () => {
    const sql = `ALTER TABLE "a;b" ADD COLUMN x text DEFAULT 'x;y'; -- c;d\nCREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql;/* e; */;`;
    assert.deepEqual(split(sql, 'postgres'), [
      { text: `ALTER TABLE "a;b" ADD COLUMN x text DEFAULT 'x;y'`, comments: [] },
      { text: 'CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql', comments: ['c;d'] },
    ]);
  });

  it('knows MySQL backticks, # comments and backslash escapes', () => {
    assert.deepEqual(split("ALTER TABLE `t;` ADD COLUMN c varchar(9) DEFAULT 'it\\'s;'; # x;\nCREATE INDEX i ON t (c)", 'mysql'), [
      { text: "ALTER TABLE `t;` ADD COLUMN c varchar(9) DEFAULT 'it\\'s;'", comments: [] },
      { text: 'CREATE INDEX i ON t (c)', comments: ['x;'] },
    ]);
  });
});

describe('tokenize: quotes end where core sql.closingQuote says', () => {
  const texts = (sql: string, flavor: 'postgres' | 'mysql') =>
    tokenize(sql, flavor)
      .filter((t) => t.kind === 'string' || t.kind === 'quoted')
      .map((t) => [t.kind, t.text]);
  it('PostgreSQL: backslash escapes only in E strings, a word ending in e is no E prefix, "…" is a name', () => {
    assert.deepEqual(texts(`SELECT E'it\\'s', 'a\\', "x\\" FROM t`, 'postgres'), [
      ['string', `E'it\\'s'`.slice(1)],
      ['string', `'a\\'`],
      ['quoted', '"x\\"'],
    ]);
    assert.deepEqual(texts(`SELECT note'a\\' AS x, 'b'`, 'postgres'), [
      ['string', `'a\\'`],
      ['string', `'b'`],
    ]);
  });
  it('MySQL/MariaDB: backslash escapes in \'…\' and "…", none in backticks; an unterminated quote runs to the end', () => {
    assert.deepEqual(texts('SELECT "a\\"b", `c\\` FROM t', 'mysql'), [
      ['string', '"a\\"b"'],
      ['quoted', '`c\\`'],
    ]);
    assert.deepEqual(texts("SELECT 'abc", 'mysql'), [['string', "'abc"]]);
  });
});

describe('retarget', () => {
  const t = { schema: 'public', name: 'users' };
  it('replaces qualified and unqualified mentions of the table, not columns or other tables', () => {
    const r = retarget(
      'ALTER TABLE users ADD COLUMN users int REFERENCES public.users (id), ADD CONSTRAINT f FOREIGN KEY (x) REFERENCES orders (id)',
      'postgres',
      t,
      'S',
      'public',
    );
    assert.equal(r.sql, 'ALTER TABLE S ADD COLUMN users int REFERENCES S (id), ADD CONSTRAINT f FOREIGN KEY (x) REFERENCES orders (id)');
    assert.equal(r.replaced, 2);
  });

  it('follows ONLY / IF EXISTS and quoted names, and folds unquoted names to lower case on PostgreSQL', () => {
    assert.equal(
      retarget('ALTER TABLE IF EXISTS ONLY "public"."users" ADD COLUMN a int', 'postgres', t, 'S', 'public').sql,
      'ALTER TABLE IF EXISTS ONLY S ADD COLUMN a int',
    );
    assert.equal(
      retarget('CREATE INDEX CONCURRENTLY i ON Public.USERS (a)', 'postgres', t, 'S', 'public').sql,
      'CREATE INDEX CONCURRENTLY i ON S (a)',
    );
    assert.equal(retarget('ALTER TABLE "Users" ADD COLUMN a int', 'postgres', t, 'S', 'public').replaced, 0);
  });

  it('leaves a table in another schema alone', () => {
    assert.equal(retarget('ALTER TABLE other.users ADD COLUMN a int', 'postgres', t, 'S', 'public').replaced, 0);
    assert.equal(retarget('ALTER TABLE users ADD COLUMN a int', 'postgres', t, 'S', 'app').replaced, 0);
  });

  it('handles MySQL backticks and case-sensitive names', () => {
    const m = { schema: 'shop', name: 'Orders' };
    assert.equal(retarget('ALTER TABLE `shop`.`Orders` ADD COLUMN a int', 'mysql', m, 'X', 'shop').sql, 'ALTER TABLE X ADD COLUMN a int');
    assert.equal(retarget('ALTER TABLE orders ADD COLUMN a int', 'mysql', m, 'X', 'shop').replaced, 0);
  });

  it('finds mentions after TABLE, ON and REFERENCES only when a name follows', () => {
    const mentions = tableMentions(
      tokenize('ALTER TABLE t ADD CONSTRAINT c FOREIGN KEY (a) REFERENCES r (id) ON DELETE CASCADE', 'postgres'),
      'postgres',
    );
    assert.deepEqual(
      mentions.map((m) => m.table.name),
      ['t', 'r', 'delete'],
    );
  });
});

describe('MySQL probe clauses', () => {
  it('strips ALGORITHM and LOCK clauses the statement already has', () => {
    assert.equal(stripAlgorithmAndLock('ALTER TABLE t ADD COLUMN a int, ALGORITHM=INSTANT'), 'ALTER TABLE t ADD COLUMN a int');
    assert.equal(stripAlgorithmAndLock('ALTER TABLE t ADD COLUMN a int, ALGORITHM = INPLACE, LOCK=NONE'), 'ALTER TABLE t ADD COLUMN a int');
    assert.equal(stripAlgorithmAndLock('CREATE INDEX i ON t (a) ALGORITHM=INPLACE LOCK=NONE'), 'CREATE INDEX i ON t (a)');
  });

  it('tries weakest first, and only the written algorithm when one is written', () => {
    assert.deepEqual(
      attempts({}).map((a) => `${a.algorithm}/${a.lock ?? '-'}`),
      ['INSTANT/-', 'INPLACE/NONE', 'INPLACE/SHARED', 'INPLACE/EXCLUSIVE', 'COPY/SHARED', 'COPY/EXCLUSIVE'],
    );
    assert.deepEqual(attempts(writtenClauses('ALTER TABLE t ADD COLUMN a int, ALGORITHM=INPLACE, LOCK=NONE')), [
      { algorithm: 'INPLACE', lock: 'NONE' },
    ]);
    assert.deepEqual(attempts(writtenClauses('ALTER TABLE t ADD COLUMN a int, ALGORITHM=INSTANT')), [{ algorithm: 'INSTANT' }]);
  });
});

describe('compare', () => {
  const probe = (p: Partial<ProbeResult>): ProbeResult => ({
    sql: '',
    lock: 'NONE',
    locks: [],
    rewrite: false,
    blocks: { reads: false, writes: false },
    detail: '',
    ...p,
  });
  it('agrees when lock, rewrite and algorithm match; NOCOPY counts as INPLACE', () => {
    assert.equal(compare({ lock: 'NONE', rewrite: false, algorithm: 'INPLACE' }, probe({ algorithm: 'NOCOPY' })).agrees, true);
  });
  it('lists every difference', () => {
    const c = compare({ lock: 'ACCESS EXCLUSIVE', rewrite: false }, probe({ lock: 'SHARE', rewrite: true }));
    assert.deepEqual(c.differences, ['lock: rule ACCESS EXCLUSIVE, server SHARE', 'rewrite: rule no, server yes']);
  });
  it('disagrees when the statement failed', () => {
    assert.equal(compare({ lock: 'NONE', rewrite: false }, probe({ error: 'boom' })).agrees, false);
  });
});

describe('settingMs', () => {
  it('reads PostgreSQL duration settings', () => {
    assert.equal(settingMs('30s'), 30_000);
    assert.equal(settingMs('500ms'), 500);
    assert.equal(settingMs('2min'), 120_000);
    assert.equal(settingMs('-1'), -1);
  });
});
