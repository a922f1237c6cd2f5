/** The snapshot file format (src/core/lint/snapshot.ts): what it keeps, its stable text, its checks and its name lookup. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseLintConfig } from '../../../src/core/lint/config';
import { runCli } from '../../helpers/cli';
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

  it('lint --schema: a missing, foreign or other-engine snapshot is a usage error (exit 2), and --url excludes it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cw-snapshot-'));
    const sql = join(dir, '001.sql');
    writeFileSync(sql, "SET lock_timeout = '2s';\nALTER TABLE users ALTER COLUMN id TYPE bigint;\n");
    writeFileSync(join(dir, 'foreign.json'), '{"tables": []}');
    writeFileSync(join(dir, 'maria.json'), renderSnapshot(makeSnapshot({ dialect: 'mariadb', version: '10.11.19' }, 'app', [])));
    const missing = await runCli(['lint', '--schema', join(dir, 'nope.json'), sql]);
    assert.equal(missing.code, 2);
    assert.match(missing.err, /cannot read the snapshot .*nope\.json: ENOENT/);
    assert.match((await runCli(['lint', '--schema', join(dir, 'foreign.json'), sql])).err, /not a Column Wizard snapshot/);
    assert.match(
      (await runCli(['lint', '--schema', join(dir, 'maria.json'), '--dialect', 'postgres', sql])).err,
      /the snapshot is of mariadb 10\.11\.19, the target is postgres/,
    );
    assert.match(
      (await runCli(['lint', '--url', 'postgres://x@127.0.0.1:1/db', '--schema', join(dir, 'maria.json'), sql])).err,
      /do not combine it with --schema/,
    );
    // The users table in a PostgreSQL snapshot: the message names its rows.
    writeFileSync(
      join(dir, 'pg.json'),
      renderSnapshot(makeSnapshot({ dialect: 'postgres', version: '16.2' }, 'public', [{ ...users, rows: 123456 }])),
    );
    const ok = await runCli(['lint', '--schema', join(dir, 'pg.json'), sql]);
    assert.equal(ok.code, 1, ok.err);
    assert.match(ok.out, /about 123,456 rows/);
    assert.match(ok.out, /for postgres 16\.2/);
  });
});
