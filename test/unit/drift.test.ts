import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCli } from '../helpers/cli';
import { columnDifferences, compareDefinitions, DriftInputError, formatDrift, type DefinitionSnapshot } from '../../src/core/drift';
import type { TableFacts } from '../../src/core/types';

function facts(over: Partial<TableFacts> = {}): TableFacts {
  return {
    table: { schema: 'public', name: 'orders' },
    rows: 1000,
    bytes: 65536,
    columns: [
      { name: 'id', type: 'bigint', nullable: false, default: null, generated: null, autoIncrement: true },
      { name: 'total', type: 'numeric(10,2)', nullable: false, default: '0', generated: null, autoIncrement: false },
      { name: 'note', type: 'text', nullable: true, default: null, generated: null, autoIncrement: false },
    ],
    primaryKey: ['id'],
    indexes: [
      { name: 'orders_pkey', columns: ['id'], unique: true, primary: true, method: 'btree', valid: true, bytes: 16384 },
      { name: 'orders_total_idx', columns: ['total'], unique: false, primary: false, method: 'btree', valid: true, bytes: 16384 },
    ],
    constraints: [
      { name: 'orders_pkey', kind: 'primary', definition: 'PRIMARY KEY (id)', validated: true },
      { name: 'orders_total_check', kind: 'check', definition: 'CHECK ((total >= (0)::numeric))', validated: true },
    ],
    foreignKeysOut: [],
    ...over,
  };
}

const snap = (label: string, f: TableFacts | null): DefinitionSnapshot => ({ label, facts: f });

describe('compareDefinitions', () => {
  it('finds nothing when the definitions match, whatever the sizes, row counts and lock risks', () => {
    const r = compareDefinitions([
      snap('primary', facts()),
      snap(
        'replica',
        facts({
          rows: 5,
          bytes: 1,
          indexes: facts().indexes!.map((i) => ({ ...i, bytes: 999 })),
          lockRisks: [{ pid: 1, ageSeconds: 9, state: 'idle', query: '' }],
        }),
      ),
    ]);
    assert.deepEqual(r.differences, []);
    assert.equal(r.reference, 'primary');
    assert.deepEqual(r.compared, ['replica']);
    assert.match(formatDrift(r), /No differences/);
  });

  it('reports a column missing on the replica and one only the replica has', () => {
    const cols = facts().columns!;
    const r = compareDefinitions([
      snap(
        'primary',
        facts({
          columns: [...cols, { name: 'status', type: 'text', nullable: true, default: null, generated: null, autoIncrement: false }],
        }),
      ),
      snap(
        'replica',
        facts({
          columns: [...cols, { name: 'legacy', type: 'int', nullable: true, default: null, generated: null, autoIncrement: false }],
        }),
      ),
    ]);
    assert.deepEqual(
      r.differences.map((d) => [d.kind, d.object, d.property, d.expected, d.actual]),
      [
        ['column', 'status', 'exists', 'yes', null],
        ['column', 'legacy', 'exists', null, 'yes'],
      ],
    );
    assert.equal(columnDifferences(r, 'status').length, 1);
    assert.equal(columnDifferences(r, 'id').length, 0);
  });

  it('reports type, nullability, default and generated differences with both values', () => {
    const cols = facts().columns!;
    const changed = [
      cols[0]!,
      { ...cols[1]!, type: 'numeric(12,2)', nullable: true, default: null },
      { ...cols[2]!, generated: 'stored' as const },
    ];
    const r = compareDefinitions([snap('a', facts()), snap('b', facts({ columns: changed }))]);
    const got = r.differences.map((d) => `${d.object}.${d.property}: ${d.expected} -> ${d.actual}`);
    assert.deepEqual(got, [
      'total.type: numeric(10,2) -> numeric(12,2)',
      'total.nullable: NOT NULL -> NULL',
      'total.default: 0 -> null',
      'note.generated: null -> stored',
    ]);
    assert.match(r.differences[0]!.message, /column total: type is "numeric\(12,2\)" on b, "numeric\(10,2\)" on a/);
  });

  it('reports a different column order over the columns both sides have', () => {
    const [id, total, note] = facts().columns!;
    const r = compareDefinitions([snap('a', facts()), snap('b', facts({ columns: [id!, note!, total!] }))]);
    assert.equal(r.differences.length, 1);
    assert.equal(r.differences[0]!.property, 'order');
    assert.equal(r.differences[0]!.actual, 'id, note, total');
    // A missing column alone does not count as an order change.
    const r2 = compareDefinitions([snap('a', facts()), snap('b', facts({ columns: [id!, note!] }))]);
    assert.deepEqual(
      r2.differences.map((d) => d.property),
      ['exists'],
    );
  });

  it('reports index column lists, uniqueness, invalid indexes and missing indexes', () => {
    const [pk, idx] = facts().indexes!;
    const r = compareDefinitions([
      snap('a', facts()),
      snap('b', facts({ indexes: [pk!, { ...idx!, columns: ['total', 'id'], unique: true, valid: false }] })),
      snap('c', facts({ indexes: [pk!] })),
    ]);
    assert.deepEqual(
      r.differences.map((d) => `${d.label} ${d.kind} ${d.object} ${d.property}`),
      [
        'b index orders_total_idx columns',
        'b index orders_total_idx unique',
        'b index orders_total_idx valid',
        'c index orders_total_idx exists',
      ],
    );
    const text = formatDrift(r);
    assert.match(text, /4 differences/);
    assert.match(text, /c:\n {4}- index orders_total_idx is missing on c \(present on a\)/);
  });

  it('reports constraint definitions and NOT VALID constraints', () => {
    const [pk, check] = facts().constraints!;
    const r = compareDefinitions([
      snap('a', facts()),
      snap('b', facts({ constraints: [pk!, { ...check!, definition: 'CHECK ((total > (0)::numeric))', validated: false }] })),
    ]);
    assert.deepEqual(
      r.differences.map((d) => d.property),
      ['definition', 'validated'],
    );
    assert.equal(r.differences[1]!.actual, 'no (NOT VALID)');
  });

  it('compares foreign keys that are not also listed as constraints (MySQL style)', () => {
    const fk = { name: 'fk_customer', columns: ['customer_id'], refTable: { schema: 'shop', name: 'customers' }, refColumns: ['id'] };
    const r = compareDefinitions([
      snap('a', facts({ foreignKeysOut: [fk] })),
      snap('b', facts({ foreignKeysOut: [{ ...fk, refColumns: ['uuid'] }] })),
    ]);
    assert.deepEqual(
      r.differences.map((d) => [d.kind, d.property, d.expected, d.actual]),
      [['foreign-key', 'references', 'shop.customers (id)', 'shop.customers (uuid)']],
    );
    // Listed as a constraint too (PostgreSQL): compared once, as the constraint.
    const con = {
      name: 'fk_customer',
      kind: 'foreign' as const,
      definition: 'FOREIGN KEY (customer_id) REFERENCES customers(id)',
      validated: true,
    };
    const r2 = compareDefinitions([
      snap('a', facts({ foreignKeysOut: [fk], constraints: [con] })),
      snap(
        'b',
        facts({
          foreignKeysOut: [{ ...fk, refColumns: ['uuid'] }],
          constraints: [{ ...con, definition: 'FOREIGN KEY (customer_id) REFERENCES customers(uuid)' }],
        }),
      ),
    ]);
    assert.deepEqual(
      r2.differences.map((d) => [d.kind, d.property]),
      [['constraint', 'definition']],
    );
  });

  it('reports table-level engine and row format differences (MySQL/MariaDB)', () => {
    const r = compareDefinitions([
      snap('a', facts({ engine: 'InnoDB', rowFormat: 'Dynamic' })),
      snap('b', facts({ engine: 'Aria', rowFormat: 'Page' })),
    ]);
    assert.deepEqual(
      r.differences.map((d) => `${d.property}=${d.actual}`),
      ['engine=Aria', 'row format=Page'],
    );
  });

  it('reports a table missing on one connection, or missing on the reference', () => {
    const r = compareDefinitions([snap('a', facts()), snap('b', null), snap('c', facts())]);
    assert.deepEqual(
      r.differences.map((d) => [d.label, d.kind, d.property, d.expected, d.actual]),
      [['b', 'table', 'exists', 'yes', null]],
    );
    assert.match(r.differences[0]!.message, /table public.orders is missing on b/);
    const r2 = compareDefinitions([snap('a', null), snap('b', facts())]);
    assert.match(r2.differences[0]!.message, /exists on b but not on a/);
    assert.deepEqual(r2.table, { schema: 'public', name: 'orders' });
  });

  it('refuses fewer than two connections, duplicates, and a table that exists nowhere', () => {
    assert.throws(() => compareDefinitions([snap('a', facts())]), DriftInputError);
    assert.throws(() => compareDefinitions([snap('a', facts()), snap('a', facts())]), /listed twice/);
    assert.throws(() => compareDefinitions([snap('a', null), snap('b', null)]), /exists on none of the 2 connections \(a, b\)/);
  });
});

describe('column-wizard drift: usage errors before connecting', () => {
  const run = (argv: string[]) => runCli(['drift', ...argv]);

  it('needs two URLs, one engine, distinct connections, a table and a known format', async () => {
    const one = await run(['--url', 'postgres://u@h1/db', '--table', 't']);
    assert.equal(one.code, 2);
    assert.match(one.err, /--url is needed at least twice .* got 1/);
    const mixed = await run(['--url', 'postgres://u@h1/db', '--url', 'mysql://u@h2/db', '--table', 't']);
    assert.equal(mixed.code, 2);
    assert.match(mixed.err, /mix PostgreSQL and MySQL\/MariaDB/);
    const twice = await run(['--url', 'postgres://u:secret@h1/db', '--url', 'postgres://u:other@h1/db', '--table', 't']);
    assert.equal(twice.code, 2);
    assert.match(twice.err, /postgres:\/\/u@h1:5432\/db is given twice/);
    assert.doesNotMatch(twice.err, /secret|other/);
    const noTable = await run(['--url', 'postgres://u@h1/db', '--url', 'postgres://u@h2/db']);
    assert.equal(noTable.code, 2);
    assert.match(noTable.err, /--table is required/);
    const format = await run(['--url', 'postgres://u@h1/db', '--url', 'postgres://u@h2/db', '--table', 't', '--format', 'xml']);
    assert.equal(format.code, 2);
    assert.match(format.err, /--format must be text or json, got "xml"/);
    const badUrl = await run(['--url', 'ftp://h1/db', '--url', 'postgres://u@h2/db', '--table', 't']);
    assert.equal(badUrl.code, 2);
    assert.match(badUrl.err, /Unsupported scheme "ftp:"/);
  });
});
