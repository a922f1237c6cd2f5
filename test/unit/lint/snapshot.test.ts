/** The snapshot file format (src/core/lint/snapshot.ts): what it keeps, its stable text, its checks and its name lookup. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseLintConfig } from '../../../src/core/lint/config';
import { makeSnapshot, parseSnapshot, renderSnapshot, snapshotFacts } from '../../../src/core/lint/snapshot';
import type { TableFacts } from '../../../src/core/types';

const users: TableFacts = {
  table: { schema: 'public', name: 'users' },
  rows: 10,
  bytes: 8192,
  columns: [{ name: 'id', type: 'integer', nullable: false, default: null }],
  lockRisks: [{ pid: 1, ageSeconds: 100, state: 'idle in transaction', query: "SELECT * FROM users WHERE email = 'a@b.c'" }],
  replication: { replicas: [] },
  writesPerSecond: 3,
};
const audit: TableFacts = { table: { schema: 'audit', name: 'users' }, rows: 5, bytes: 0 };
const orders: TableFacts = { table: { schema: 'public', name: 'orders' }, rows: 7, bytes: 0 };

describe('schema snapshot', () => {
  it('keeps schema and sizes, drops other sessions’ queries and moment figures, and sorts tables and keys', () => {
    const text = renderSnapshot(makeSnapshot({ dialect: 'postgres', version: '15.4' }, 'public', [users, orders, audit]));
    assert.ok(!/lockRisks|a@b\.c|replication|writesPerSecond/.test(text), text);
    const parsed = JSON.parse(text) as { tables: { table: { schema: string; name: string } }[] };
    assert.deepEqual(
      parsed.tables.map((t) => `${t.table.schema}.${t.table.name}`),
      ['audit.users', 'public.orders', 'public.users'],
    );
    const keys = (o: object) => Object.keys(o);
    assert.deepEqual(keys(parsed), ['columnWizardSnapshot', 'defaultSchema', 'server', 'tables']);
    assert.deepEqual(keys(parsed.tables[2]!), ['bytes', 'columns', 'rows', 'table']);
    assert.deepEqual(keys((parsed.tables[2] as unknown as { columns: object[] }).columns[0]!), ['default', 'name', 'nullable', 'type']);
    // The same facts in another order give the same bytes.
    assert.equal(text, renderSnapshot(makeSnapshot({ dialect: 'postgres', version: '15.4' }, 'public', [audit, users, orders])));
    assert.ok(text.endsWith('}\n'));
    const back = parseSnapshot(JSON.parse(text));
    assert.deepEqual(back.problems, []);
    assert.equal(back.snapshot?.server.version, '15.4');
  });

  it('names what is wrong with a file that is not a snapshot', () => {
    assert.match(parseSnapshot({ tables: [] }).problems.join(), /not a Column Wizard snapshot/);
    assert.match(parseSnapshot({ columnWizardSnapshot: 9 }).problems.join(), /format 9 is not known/);
    const bad = parseSnapshot({
      columnWizardSnapshot: 1,
      server: { dialect: 'oracle', version: 'x' },
      defaultSchema: 'public',
      tables: [{ table: { schema: 'public', name: 't' }, rows: '5', bytes: 0 }],
    });
    assert.equal(bad.snapshot, undefined);
    assert.deepEqual(bad.problems.length, 3, bad.problems.join('\n'));
  });

  it('resolves a qualified name in its schema, an unqualified one in the default schema or as the only table of that name', () => {
    const facts = snapshotFacts(makeSnapshot({ dialect: 'postgres', version: '15' }, 'public', [users, audit, orders]));
    assert.equal(facts({ name: 'USERS' })?.table.schema, 'public');
    assert.equal(facts({ schema: 'audit', name: 'users' })?.rows, 5);
    assert.equal(facts({ schema: 'nope', name: 'users' }), undefined);
    // A MySQL snapshot taken in database `prod`, linted where the migration names no database: the only `orders` matches.
    const my = snapshotFacts(
      makeSnapshot({ dialect: 'mariadb', version: '10.11' }, 'prod', [{ ...orders, table: { schema: 'prod', name: 'orders' } }]),
    );
    assert.equal(my({ name: 'orders' })?.rows, 7);
  });

  it('the configuration file takes a "snapshot" path', () => {
    assert.deepEqual(parseLintConfig({ snapshot: 'db/schema.json' }), { config: { rules: {}, snapshot: 'db/schema.json' }, problems: [] });
    assert.match(parseLintConfig({ snapshot: 3 }).problems.join(), /"snapshot" must be the path/);
  });
});
