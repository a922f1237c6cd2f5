import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { capabilities, defaultVolatility, lockTimeoutSql } from '../../src/core/dialects/index';
import { MYSQL_FUNCTIONS } from '../../src/core/dialects/mysql';
import { POSTGRES_FUNCTIONS } from '../../src/core/dialects/postgres';
import { impactOf, instantAddProblem, statementImpact, type DdlOperation } from '../../src/core/rules';
import type { ColumnSpec, Dialect, TableFacts, Target } from '../../src/core/types';

const t = (dialect: Dialect, version: string): Target => ({ dialect, version });
function col(over: Partial<ColumnSpec> = {}): ColumnSpec {
  return { name: 'c', type: { name: 'int', params: [] }, nullable: true, default: { kind: 'none' }, ...over };
}
const facts = (over: Partial<TableFacts> = {}): TableFacts => ({ table: { schema: 's', name: 't' }, rows: 1000, bytes: 1e6, ...over });

describe('capabilities: both sides of every threshold', () => {
  const flag = (target: Target, name: keyof ReturnType<typeof capabilities>) => capabilities(target)[name];
  it('PostgreSQL', () => {
    assert.equal(flag(t('postgres', '10.23'), 'fastDefault'), false);
    assert.equal(flag(t('postgres', '11.0'), 'fastDefault'), true);
    assert.equal(flag(t('postgres', '11.22'), 'setNotNullUsesCheck'), false);
    assert.equal(flag(t('postgres', '12.0'), 'setNotNullUsesCheck'), true);
    assert.equal(flag(t('postgres', '17.6'), 'notNullNotValid'), false);
    assert.equal(flag(t('postgres', '18.0'), 'notNullNotValid'), true);
    assert.equal(flag(t('postgres', '17.6'), 'virtualGeneratedColumns'), false);
    assert.equal(flag(t('postgres', '18.1'), 'virtualGeneratedColumns'), true);
    assert.equal(flag(t('postgres', '13.20'), 'cicCorruptionRisk'), false);
    assert.equal(flag(t('postgres', '14.0'), 'cicCorruptionRisk'), true);
    assert.equal(flag(t('postgres', '14.3'), 'cicCorruptionRisk'), true);
    assert.equal(flag(t('postgres', '14.4'), 'cicCorruptionRisk'), false);
    assert.equal(flag(t('postgres', '15.4'), 'transactionalDdl'), true);
    assert.equal(flag(t('postgres', '15.4'), 'identifierMaxLength'), 63);
  });
  it('MySQL', () => {
    assert.equal(flag(t('mysql', '8.0.11'), 'instantAddColumn'), false);
    assert.equal(flag(t('mysql', '8.0.12'), 'instantAddColumn'), true);
    assert.equal(flag(t('mysql', '8.0.28'), 'instantAnyPosition'), false);
    assert.equal(flag(t('mysql', '8.0.29'), 'instantAnyPosition'), true);
    assert.equal(flag(t('mysql', '8.0.28'), 'instantRowVersionLimit'), null);
    assert.equal(flag(t('mysql', '8.0.29'), 'instantRowVersionLimit'), 64);
    assert.equal(flag(t('mysql', '8.0.28'), 'instantBackupRisk'), false);
    assert.equal(flag(t('mysql', '8.0.29'), 'instantBackupRisk'), true);
    assert.equal(flag(t('mysql', '8.0.31'), 'instantBackupRisk'), true);
    assert.equal(flag(t('mysql', '8.0.32'), 'instantBackupRisk'), false);
    assert.equal(flag(t('mysql', '8.0.12'), 'expressionDefaults'), false);
    assert.equal(flag(t('mysql', '8.0.13'), 'expressionDefaults'), true);
    assert.equal(flag(t('mysql', '8.0.15'), 'checkConstraints'), false);
    assert.equal(flag(t('mysql', '8.0.16'), 'checkConstraints'), true);
    assert.equal(flag(t('mysql', '8.0.36'), 'transactionalDdl'), false);
    assert.equal(flag(t('mysql', '8.0.36'), 'instantDefaultEvaluatedOnce'), false);
  });
  it('MariaDB', () => {
    assert.equal(flag(t('mariadb', '10.3.1'), 'instantAddColumn'), false);
    assert.equal(flag(t('mariadb', '10.3.2'), 'instantAddColumn'), true);
    assert.equal(flag(t('mariadb', '10.3.39'), 'instantAnyPosition'), false);
    assert.equal(flag(t('mariadb', '10.4.0'), 'instantAnyPosition'), true);
    assert.equal(flag(t('mariadb', '10.11.19-MariaDB-0+deb12u1'), 'instantDefaultEvaluatedOnce'), true);
    assert.equal(flag(t('mariadb', '10.11'), 'instantRowVersionLimit'), null);
    assert.equal(flag(t('mariadb', '10.11'), 'notNullFillsZeroValue'), true);
  });
  it('lock timeouts', () => {
    assert.equal(lockTimeoutSql('postgres', 2000), "SET lock_timeout = '2s'");
    assert.equal(lockTimeoutSql('postgres', 1500), "SET lock_timeout = '1500ms'");
    assert.equal(lockTimeoutSql('mysql', 2000), 'SET SESSION lock_wait_timeout = 2');
    assert.equal(lockTimeoutSql('mariadb', 1500), 'SET SESSION lock_wait_timeout = 2');
    assert.equal(lockTimeoutSql('mysql', 10), 'SET SESSION lock_wait_timeout = 1');
    assert.throws(() => lockTimeoutSql('postgres', 0), RangeError);
  });
});

describe('defaultVolatility', () => {
  it('PostgreSQL', () => {
    assert.equal(defaultVolatility('now()', 'postgres'), 'stable');
    assert.equal(defaultVolatility('CURRENT_TIMESTAMP', 'postgres'), 'stable');
    assert.equal(defaultVolatility('clock_timestamp()', 'postgres'), 'volatile');
    assert.equal(defaultVolatility('random()', 'postgres'), 'volatile');
    assert.equal(defaultVolatility('gen_random_uuid()', 'postgres'), 'volatile');
    assert.equal(defaultVolatility('gen_random_uuid()::text', 'postgres'), 'volatile');
    assert.equal(defaultVolatility("'{}'::jsonb", 'postgres'), 'immutable');
    assert.equal(defaultVolatility("lower('ABC')", 'postgres'), 'immutable');
    assert.equal(defaultVolatility("'now()'", 'postgres'), 'immutable', 'text in a string is not a call');
    assert.equal(defaultVolatility('my_func()', 'postgres'), 'unknown');
    assert.equal(defaultVolatility('now() + my_func()', 'postgres'), 'unknown');
    assert.equal(defaultVolatility('my_func() + random()', 'postgres'), 'volatile');
  });
  it('MySQL/MariaDB', () => {
    assert.equal(defaultVolatility('(UUID())', 'mysql'), 'volatile');
    assert.equal(defaultVolatility('(RAND())', 'mariadb'), 'volatile');
    assert.equal(defaultVolatility('CURRENT_TIMESTAMP', 'mysql'), 'stable');
    assert.equal(defaultVolatility('(1 + 1)', 'mysql'), 'immutable');
    assert.equal(defaultVolatility("(concat('a', 'b'))", 'mariadb'), 'immutable');
  });
  it('each dialect lists a name under one volatility only', () => {
    for (const [dialect, { immutable, stable, volatile }] of Object.entries({ postgres: POSTGRES_FUNCTIONS, mysql: MYSQL_FUNCTIONS })) {
      const twice = [...immutable, ...stable, ...volatile].filter((name, i, all) => all.indexOf(name) !== i);
      assert.deepEqual(twice, [], `${dialect}: listed twice`);
    }
  });
});

describe('impactOf: PostgreSQL', () => {
  const pg15 = t('postgres', '15.4');
  const add = (spec: ColumnSpec, target = pg15, f?: TableFacts) => impactOf({ op: 'add-column', spec }, target, f);
  it('ADD COLUMN: constant default is instant from 11, rewrite before', () => {
    const spec = col({ default: { kind: 'literal', value: '0' }, nullable: false });
    assert.deepEqual(
      { ...add(spec, t('postgres', '11.0')), why: '' },
      { lock: 'ACCESS EXCLUSIVE', blocks: { reads: true, writes: true }, rewrite: false, scan: false, why: '' },
    );
    assert.equal(add(spec, t('postgres', '10.23')).rewrite, true);
  });
  it('stable vs volatile vs unknown defaults', () => {
    assert.equal(add(col({ default: { kind: 'expression', sql: 'now()' } })).rewrite, false);
    assert.equal(add(col({ default: { kind: 'expression', sql: 'clock_timestamp()' } })).rewrite, true);
    assert.match(add(col({ default: { kind: 'expression', sql: 'f()' } })).why, /not known offline/);
  });
  it('stored generated, identity and serial rewrite', () => {
    assert.equal(add(col({ generated: { expression: 'a', stored: true } })).rewrite, true);
    assert.equal(add(col({ autoIncrement: true })).rewrite, true);
    assert.equal(add(col({ type: { name: 'bigserial', params: [] } })).rewrite, true);
    assert.equal(add(col({ generated: { expression: 'a', stored: false } }), t('postgres', '18.0')).rewrite, false);
    assert.ok(add(col({ generated: { expression: 'a', stored: false } }), t('postgres', '17.0')).fails);
  });
  it('NOT NULL without default fails on a table with rows only', () => {
    assert.ok(add(col({ nullable: false }), pg15, facts({ rows: 1 })).fails);
    assert.equal(add(col({ nullable: false }), pg15, facts({ rows: 0 })).fails, undefined);
  });
  it('SET NOT NULL scans unless PG >= 12 and a validated CHECK proves it', () => {
    const op: DdlOperation = { op: 'set-not-null', column: 'c', provenByCheck: true };
    assert.equal(impactOf(op, t('postgres', '12.0')).scan, false);
    assert.equal(impactOf(op, t('postgres', '11.22')).scan, true);
    assert.equal(impactOf({ op: 'set-not-null', column: 'c' }, t('postgres', '16')).scan, true);
  });
  it('constraints and indexes', () => {
    const fk = impactOf({ op: 'add-constraint', kind: 'foreign', notValid: true, usingIndex: false }, pg15);
    assert.deepEqual(
      [fk.lock, fk.blocks, fk.scan, fk.referencedLock],
      ['SHARE ROW EXCLUSIVE', { reads: false, writes: true }, false, 'SHARE ROW EXCLUSIVE'],
    );
    assert.equal(impactOf({ op: 'add-constraint', kind: 'foreign', notValid: false, usingIndex: false }, pg15).scan, true);
    const v = impactOf({ op: 'validate-constraint', kind: 'foreign' }, pg15);
    assert.deepEqual([v.lock, v.blocks, v.referencedLock], ['SHARE UPDATE EXCLUSIVE', { reads: false, writes: false }, 'ROW SHARE']);
    assert.deepEqual(impactOf({ op: 'create-index', concurrent: false, unique: false }, pg15).blocks, { reads: false, writes: true });
    assert.equal(impactOf({ op: 'create-index', concurrent: false, unique: false }, pg15).lock, 'SHARE');
    assert.equal(impactOf({ op: 'create-index', concurrent: true, unique: true }, pg15).lock, 'SHARE UPDATE EXCLUSIVE');
    assert.equal(impactOf({ op: 'add-constraint', kind: 'unique', notValid: false, usingIndex: true }, pg15).scan, false);
    assert.deepEqual(impactOf({ op: 'comment', column: 'c' }, pg15).blocks, { reads: false, writes: false });
    assert.equal(impactOf({ op: 'add-constraint', kind: 'unique', notValid: false, usingIndex: false }, pg15).scan, true);
    assert.ok(impactOf({ op: 'add-constraint', kind: 'not-null', notValid: true, usingIndex: false }, t('postgres', '17.2')).fails);
    assert.equal(
      impactOf({ op: 'add-constraint', kind: 'not-null', notValid: true, usingIndex: false }, t('postgres', '18.0')).fails,
      undefined,
    );
    assert.ok(
      impactOf({ op: 'add-constraint', kind: 'foreign', notValid: true, usingIndex: false }, pg15, facts({ partitioned: true })).fails,
    );
  });
});

describe('impactOf: MySQL/MariaDB', () => {
  const add = (spec: ColumnSpec, target: Target, f?: TableFacts, mysql?: DdlOperation['mysql']) =>
    impactOf({ op: 'add-column', spec, ...(mysql ? { mysql } : {}) }, target, f);
  it('INSTANT from 8.0.12 at the end; any position from 8.0.29', () => {
    assert.equal(add(col(), t('mysql', '8.0.11')).algorithm, 'INPLACE');
    assert.equal(add(col(), t('mysql', '8.0.12')).algorithm, 'INSTANT');
    const after = col({ position: { kind: 'after', column: 'a' } });
    assert.equal(add(after, t('mysql', '8.0.28')).algorithm, 'INPLACE');
    assert.equal(add(after, t('mysql', '8.0.29')).algorithm, 'INSTANT');
  });
  it('MariaDB: INSTANT from 10.3.2 at the end; any position from 10.4', () => {
    assert.equal(add(col(), t('mariadb', '10.3.1')).algorithm, 'INPLACE');
    assert.equal(add(col(), t('mariadb', '10.3.2')).algorithm, 'INSTANT');
    assert.equal(add(col({ position: { kind: 'first' } }), t('mariadb', '10.3.39')).algorithm, 'INPLACE');
    assert.equal(add(col({ position: { kind: 'first' } }), t('mariadb', '10.4.0')).algorithm, 'INSTANT');
  });
  it('INSTANT exceptions: FULLTEXT, COMPRESSED, row versions, stored generated, expression default, functional index', () => {
    const my = t('mysql', '8.0.36');
    assert.match(
      instantAddProblem(col(), my, facts({ indexes: [{ name: 'f', columns: ['b'], unique: false, primary: false, method: 'FULLTEXT' }] }))!,
      /FULLTEXT/,
    );
    assert.match(instantAddProblem(col(), my, facts({ rowFormat: 'COMPRESSED' }))!, /COMPRESSED/);
    assert.equal(instantAddProblem(col(), my, facts({ instantRowVersions: 63 })), null);
    assert.match(instantAddProblem(col(), my, facts({ instantRowVersions: 64 }))!, /64 instant row versions/);
    assert.equal(
      instantAddProblem(col(), t('mysql', '8.0.28'), facts({ instantRowVersions: 64 })),
      null,
      'no row-version limit before 8.0.29',
    );
    assert.match(instantAddProblem(col({ generated: { expression: 'a', stored: true } }), my)!, /STORED/);
    assert.match(instantAddProblem(col({ default: { kind: 'expression', sql: '(1 + 1)' } }), my)!, /expression DEFAULT/);
    assert.equal(instantAddProblem(col({ default: { kind: 'expression', sql: 'CURRENT_TIMESTAMP' } }), my), null);
    assert.match(
      instantAddProblem(
        col(),
        my,
        facts({ indexes: [{ name: 'f', columns: [], unique: false, primary: false, method: 'BTREE', expression: true }] }),
      )!,
      /functional/,
    );
  });
  it('MariaDB (probed on 10.11): RAND() defaults are INSTANT and evaluated once; UUID()-like defaults and column references copy', () => {
    const m = t('mariadb', '10.11');
    const expr = (sql: string) => col({ type: { name: 'double', params: [] }, default: { kind: 'expression', sql } });
    assert.match(instantAddProblem(expr('(UUID())'), m)!, /refuses INSTANT and INPLACE for a DEFAULT calling uuid\(\)/);
    for (const f of ['UUID_SHORT()', 'SYS_GUID()', 'SYSDATE()', 'RANDOM_BYTES(4)'])
      assert.match(instantAddProblem(expr(`(${f})`), m)!, /refuses INSTANT/, f);
    assert.match(instantAddProblem(expr('(id * 2)'), m)!, /copies the table/);
    assert.equal(instantAddProblem(expr('(RAND())'), m), null);
    assert.equal(instantAddProblem(expr('(FLOOR(RAND() * 10))'), m), null);
    assert.equal(instantAddProblem(expr("(CONCAT('uuid(', RAND()))"), m), null, 'a function name inside a string is not a call');
    const rand = add(expr('(RAND())'), m);
    assert.deepEqual(
      [rand.algorithm, rand.lock, rand.rewrite, rand.blocks.writes, rand.fails],
      ['INSTANT', 'NONE', false, false, undefined],
    );
    assert.match(rand.why, /evaluates DEFAULT \(RAND\(\)\) once: every existing row gets the same value/);
    const uuid = add(expr('(UUID())'), m);
    assert.deepEqual([uuid.algorithm, uuid.lock, uuid.rewrite], ['COPY', 'SHARED', true]);
    assert.doesNotMatch(add(expr('(now())'), m).why, /once/);
    // MySQL keeps refusing every expression DEFAULT but CURRENT_TIMESTAMP instantly.
    assert.equal(add(expr('(RAND())'), t('mysql', '8.0.36')).algorithm, 'COPY');
    assert.equal(instantAddProblem(col({ default: { kind: 'expression', sql: '(now())' } }), m), null);
    assert.equal(instantAddProblem(col({ default: { kind: 'expression', sql: '(1 + 1)' } }), m), null);
  });
  it('what cannot run online: stored generated (COPY), AUTO_INCREMENT (LOCK=SHARED), FULLTEXT rebuild (LOCK=SHARED)', () => {
    const m = t('mariadb', '10.11');
    const g = add(col({ generated: { expression: 'a', stored: true } }), m);
    assert.deepEqual([g.algorithm, g.lock, g.blocks.writes, g.rewrite], ['COPY', 'SHARED', true, true]);
    const ai = add(col({ autoIncrement: true, nullable: false }), m);
    assert.deepEqual([ai.algorithm, ai.lock, ai.blocks.writes], ['INPLACE', 'SHARED', true]);
    const ft = add(col(), m, facts({ indexes: [{ name: 'f', columns: ['b'], unique: false, primary: false, method: 'FULLTEXT' }] }));
    assert.deepEqual([ft.algorithm, ft.lock, ft.blocks.writes], ['INPLACE', 'SHARED', true]);
    const cmp = add(col(), m, facts({ rowFormat: 'COMPRESSED' }));
    assert.deepEqual([cmp.algorithm, cmp.lock, cmp.blocks.writes, cmp.rewrite], ['INPLACE', 'NONE', false, true]);
  });
  it('explicit ALGORITHM/LOCK clauses: weaker runs as asked, stronger is refused', () => {
    const my = t('mysql', '8.0.36');
    assert.match(
      add(col({ generated: { expression: 'a', stored: true } }), my, undefined, { algorithm: 'INSTANT' }).fails!,
      /ALGORITHM=INSTANT is not supported/,
    );
    const copy = add(col(), my, undefined, { algorithm: 'COPY' });
    assert.deepEqual([copy.algorithm, copy.blocks.writes], ['COPY', true]);
    const shared = add(col(), my, undefined, { algorithm: 'INPLACE', lock: 'SHARED' });
    assert.deepEqual([shared.lock, shared.blocks.writes], ['SHARED', true]);
    assert.match(add(col({ autoIncrement: true }), my, undefined, { lock: 'NONE' }).fails!, /LOCK=NONE is not supported/);
  });
  it('foreign keys: COPY with checks on, INPLACE with foreign_key_checks = 0', () => {
    const my = t('mysql', '8.0.36');
    assert.equal(impactOf({ op: 'add-constraint', kind: 'foreign', notValid: false, usingIndex: false }, my).algorithm, 'COPY');
    const off = impactOf({ op: 'add-constraint', kind: 'foreign', notValid: false, usingIndex: false, foreignKeyChecks: false }, my);
    assert.deepEqual([off.algorithm, off.blocks.writes, off.rewrite], ['INPLACE', false, false]);
  });
  it('indexes, NOT NULL, defaults, CHECK', () => {
    const m = t('mariadb', '10.11');
    assert.deepEqual(impactOf({ op: 'create-index', concurrent: false, unique: true }, m).blocks, { reads: false, writes: false });
    const nn = impactOf({ op: 'set-not-null', column: 'c' }, m);
    assert.deepEqual([nn.algorithm, nn.rewrite, nn.blocks.writes], ['INPLACE', true, false]);
    const storedGenerated = facts({ columns: [{ name: 'g', type: 'int(11)', nullable: true, default: null, generated: 'stored' }] });
    assert.equal(impactOf({ op: 'set-not-null', column: 'c' }, m, storedGenerated).algorithm, 'COPY', 'seen on MariaDB 10.11');
    assert.equal(
      impactOf(
        { op: 'set-not-null', column: 'c' },
        m,
        facts({ constraints: [{ name: 'k', kind: 'check', definition: 'x > 0', validated: true }] }),
      ).algorithm,
      'INPLACE',
    );
    assert.deepEqual(impactOf({ op: 'comment', column: 'c' }, m).algorithm, 'INSTANT');
    assert.equal(impactOf({ op: 'set-default', column: 'c' }, m).algorithm, 'INSTANT');
    assert.equal(impactOf({ op: 'add-constraint', kind: 'check', notValid: false, usingIndex: false }, m).algorithm, 'COPY');
    assert.equal(impactOf({ op: 'drop-column', column: 'c' }, t('mysql', '8.0.28')).algorithm, 'INPLACE');
    assert.equal(impactOf({ op: 'drop-column', column: 'c' }, t('mysql', '8.0.29')).algorithm, 'INSTANT');
  });
});

describe('statementImpact: one statement, several operations', () => {
  const m = t('mariadb', '10.11');
  const addI: DdlOperation = { op: 'add-column', spec: col({ name: 'i' }) };
  const index: DdlOperation = { op: 'create-index', concurrent: false, unique: false };
  const shape = (ops: DdlOperation[], target = m) => {
    const i = statementImpact(ops, target)!;
    return [i.algorithm, i.lock, i.rewrite, i.fails];
  };
  it('one operation is impactOf itself; none is undefined', () => {
    assert.deepEqual(statementImpact([addI], m), impactOf(addI, m));
    assert.equal(statementImpact([], m), undefined);
  });
  it('MySQL/MariaDB: the slowest algorithm any part needs; an ADD/DROP COLUMN done in place rebuilds (probed on 10.11)', () => {
    assert.deepEqual(shape([addI, index]), ['INPLACE', 'NONE', true, undefined]);
    assert.deepEqual(shape([addI, index], t('mysql', '8.0.36')), ['INPLACE', 'NONE', true, undefined]);
    assert.deepEqual(shape([index, { op: 'drop-column', column: 'x' }]), ['INPLACE', 'NONE', true, undefined]);
    // The other side: metadata-only parts done in place (NOCOPY on MariaDB) rebuild nothing, and all-INSTANT stays INSTANT.
    assert.deepEqual(shape([index, { op: 'set-default', column: 'name' }]), ['INPLACE', 'NONE', false, undefined]);
    assert.deepEqual(shape([addI, { op: 'set-default', column: 'name' }]), ['INSTANT', 'NONE', false, undefined]);
    assert.deepEqual(shape([addI, { op: 'add-constraint', kind: 'check', notValid: false, usingIndex: false }]), [
      'COPY',
      'SHARED',
      true,
      undefined,
    ]);
    assert.match(statementImpact([addI, index], m)!.why, /ALGORITHM=INPLACE with a table rebuild \(add-column would be INSTANT alone\)/);
  });
  it('MySQL/MariaDB: the written ALGORITHM/LOCK apply to the whole statement', () => {
    const clauses = (mysql: DdlOperation['mysql']) => [
      { ...addI, mysql },
      { ...index, mysql },
    ];
    const instant = statementImpact(clauses({ algorithm: 'INSTANT' }), m)!;
    assert.match(instant.fails!, /ALGORITHM=INSTANT is not supported for this operation/);
    assert.equal(statementImpact(clauses({ algorithm: 'INPLACE', lock: 'NONE' }), m)!.fails, undefined);
    assert.deepEqual(shape(clauses({ algorithm: 'COPY' })), ['COPY', 'SHARED', true, undefined]);
    assert.deepEqual(shape(clauses({ lock: 'SHARED' })).slice(0, 3), ['INPLACE', 'SHARED', true]);
    assert.equal(statementImpact([{ ...addI, mysql: { algorithm: 'INSTANT' } }], m)!.fails, undefined, 'ADD COLUMN alone is INSTANT');
  });
  it('PostgreSQL: the strictest lock of any subcommand; rewrite and scan when any part does', () => {
    const p = t('postgres', '15');
    const cheap: DdlOperation = { op: 'add-column', spec: col({ default: { kind: 'literal', value: '1' } }) };
    const rewrite: DdlOperation = { op: 'add-column', spec: col({ name: 'r', default: { kind: 'expression', sql: 'random()' } }) };
    const both = statementImpact([cheap, rewrite], p)!;
    assert.deepEqual([both.lock, both.rewrite, both.scan], ['ACCESS EXCLUSIVE', true, true]);
    const neither = statementImpact([cheap, { op: 'drop-default', column: 'x' }], p)!;
    assert.deepEqual([neither.lock, neither.rewrite, neither.scan], ['ACCESS EXCLUSIVE', false, false]);
    const fk = statementImpact(
      [
        { op: 'validate-constraint', kind: 'check' },
        { op: 'add-constraint', kind: 'foreign', notValid: true, usingIndex: false },
      ],
      p,
    )!;
    assert.deepEqual(
      [fk.lock, fk.blocks.writes, fk.blocks.reads, fk.referencedLock],
      ['SHARE ROW EXCLUSIVE', true, false, 'SHARE ROW EXCLUSIVE'],
    );
  });
});

describe('impactOf: change-type', () => {
  it('MySQL/MariaDB copy the table (probed on MariaDB 10.11); PostgreSQL rewrites under ACCESS EXCLUSIVE', () => {
    const my = impactOf({ op: 'change-type', column: 'n' }, t('mariadb', '10.11'));
    assert.deepEqual([my.algorithm, my.lock, my.rewrite, my.blocks.writes], ['COPY', 'SHARED', true, true]);
    assert.match(
      impactOf({ op: 'change-type', column: 'n', mysql: { algorithm: 'INPLACE' } }, t('mariadb', '10.11')).fails!,
      /ALGORITHM=INPLACE is not supported/,
    );
    const pg = impactOf({ op: 'change-type', column: 'n' }, t('postgres', '15'));
    assert.deepEqual([pg.lock, pg.rewrite, pg.blocks.reads], ['ACCESS EXCLUSIVE', true, true]);
  });
});

describe('impactOf: DROP COLUMN of an indexed column (MariaDB, probed on 10.11)', () => {
  const m = t('mariadb', '10.11');
  const f = facts({
    primaryKey: ['id'],
    indexes: [
      { name: 'PRIMARY', columns: ['id'], unique: true, primary: true, method: 'BTREE' },
      { name: 'ix_n', columns: ['n'], unique: false, primary: false, method: 'BTREE' },
      { name: 'ix_nm', columns: ['name', 'm'], unique: false, primary: false, method: 'BTREE' },
    ],
  });
  const drop = (column: string, facts?: TableFacts) => {
    const i = impactOf({ op: 'drop-column', column }, m, facts);
    return [i.algorithm, i.lock, i.rewrite];
  };
  it('not indexed: INSTANT; indexed alone: NOCOPY (INPLACE, no rebuild); in a multi-column index: rebuild; primary key: COPY', () => {
    assert.deepEqual(drop('plain', f), ['INSTANT', 'NONE', false]);
    assert.deepEqual(drop('N', f), ['INPLACE', 'NONE', false]);
    assert.deepEqual(drop('m', f), ['INPLACE', 'NONE', true]);
    assert.deepEqual(drop('id', f), ['COPY', 'SHARED', true]);
    assert.deepEqual(drop('n'), ['INSTANT', 'NONE', false], 'without facts the index is unknown');
  });
  it('in one statement with an index, an ADD/DROP COLUMN rebuilds even where each part alone would not', () => {
    const s = statementImpact(
      [
        { op: 'create-index', concurrent: false, unique: false },
        { op: 'drop-column', column: 'n' },
      ],
      m,
      f,
    )!;
    assert.deepEqual([s.algorithm, s.lock, s.rewrite], ['INPLACE', 'NONE', true]);
  });
});
