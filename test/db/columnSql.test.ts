// The pre-flight of server-side validation (pure; no server): core's checks decide what may be sent to the server.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ColumnSpec, Target } from '../../src/core/types';
import { serverCheckDefinition, unwritableFindings } from '../../src/db/columnSql';

const col = (over: Partial<ColumnSpec>): ColumnSpec => ({
  name: 'c',
  type: { name: 'int', params: [] },
  nullable: true,
  default: { kind: 'none' },
  ...over,
});
const pg: Target = { dialect: 'postgres', version: '15.4' };
const maria: Target = { dialect: 'mariadb', version: '10.11.6' };
const my: Target = { dialect: 'mysql', version: '8.0.36' };
const codes = (spec: ColumnSpec, target: Target) => unwritableFindings(spec, target).map((f) => [f.code, f.field ?? null]);

describe('unwritableFindings: the stricter of the two former expression checks (core sql.expressionProblem) decides', () => {
  it('rejects PostgreSQL dollar quoting in an expression (the former db check let $$…$$ through as a string)', () => {
    assert.deepEqual(codes(col({ type: { name: 'text', params: [] }, default: { kind: 'expression', sql: '$$x$$' } }), pg), [
      ['expression-invalid', 'default'],
    ]);
    assert.deepEqual(codes(col({ check: 'c <> $q$a$q$' }), pg), [['expression-invalid', 'check']]);
  });

  it('rejects a MySQL string whose closing quote is backslash-escaped (the former db check took it as terminated)', () => {
    assert.deepEqual(codes(col({ type: { name: 'varchar', params: [9] }, check: "c <> 'a\\'" }), maria), [['expression-invalid', 'check']]);
  });

  it('rejects statement-ending and comment text in a literal default before it is placed in SQL', () => {
    assert.deepEqual(codes(col({ default: { kind: 'literal', value: '1); DROP TABLE v; --' } }), pg), [['expression-invalid', 'default']]);
    assert.deepEqual(codes(col({ default: { kind: 'literal', value: '1 -- x' } }), my), [['expression-invalid', 'default']]);
  });

  it('accepts well-formed expressions and literals', () => {
    assert.deepEqual(
      codes(col({ type: { name: 'timestamptz', params: [] }, default: { kind: 'expression', sql: "now() + interval '1 day'" } }), pg),
      [],
    );
    assert.deepEqual(
      codes(col({ type: { name: 'varchar', params: [9] }, default: { kind: 'literal', value: "'it''s;'" }, check: "c <> ''" }), maria),
      [],
    );
  });
});

describe('unwritableFindings: what core would silently write differently is reported, not sent', () => {
  it('an array type on MySQL/MariaDB, UNSIGNED on PostgreSQL, NOT NULL on a MariaDB generated column', () => {
    assert.deepEqual(codes(col({ type: { name: 'int', params: [], array: true } }), maria), [['array-unsupported', 'type']]);
    assert.deepEqual(codes(col({ type: { name: 'int', params: [], unsigned: true } }), pg), [['unsigned-unsupported', 'type']]);
    assert.deepEqual(codes(col({ nullable: false, generated: { expression: 'id + 1', stored: false } }), maria), [
      ['generated-not-null', 'nullable'],
    ]);
    assert.deepEqual(codes(col({ nullable: false, generated: { expression: 'id + 1', stored: false } }), my), []);
  });

  it('a type name or a literal default core cannot write', () => {
    assert.deepEqual(codes(col({ type: { name: 'int; drop', params: [] } }), pg), [['unknown-type', 'type']]);
    assert.deepEqual(codes(col({ default: { kind: 'literal', value: 'abc' } }), pg), [['default-invalid', 'default']]);
  });

  it('an empty name is a finding, not a thrown error', () => {
    const f = unwritableFindings(col({ name: '' }), pg);
    assert.equal(f.length, 1);
    assert.equal(f[0]!.code, 'definition-invalid');
    assert.match(f[0]!.message, /identifier cannot be empty/);
  });
});

describe('serverCheckDefinition: core rendering, without the foreign key and the position', () => {
  it('writes what the plan writes (UNIQUE, COMMENT, enum values, `,`-joined params) and leaves REFERENCES/AFTER out', () => {
    const spec = col({
      type: { name: 'decimal', params: [10, 2] },
      unique: true,
      comment: 'x',
      nullable: false,
      references: { table: 'p', column: 'id' },
      position: { kind: 'after', column: 'id' },
    });
    assert.equal(serverCheckDefinition(spec, maria), "`c` decimal(10,2) NOT NULL UNIQUE COMMENT 'x'");
    assert.equal(serverCheckDefinition(spec, pg), '"c" decimal(10,2) NOT NULL UNIQUE');
    assert.equal(serverCheckDefinition(col({ type: { name: 'enum', params: [], values: ['a', "b'c"] } }), my), "`c` enum('a','b''c') NULL");
  });
});
