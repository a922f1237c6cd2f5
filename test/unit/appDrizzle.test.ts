/**
 * Drizzle's own metadata kept with the writer's migrations (issue 22): a `meta/<prefix>_snapshot.json` per journal
 * entry, chained by prevId, with the column as each migration leaves it; and the model edit that declares the same
 * column, index and imports. drizzle-kit itself checks the pair in test/db/appDrizzleRoundTrip.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { drizzleColumn, latestSnapshot } from '../../src/core/app/drizzle';
import { applyEdit, modelEdit, modelExtras } from '../../src/core/app/modelEdit';
import { scanFile } from '../../src/core/app/scan';
import { drizzle } from '../../src/core/migrations/tools/drizzle';
import type { Plan } from '../../src/core/types';
import { planFor } from './migrations/plans';

const JOURNAL = JSON.stringify({
  version: '7',
  dialect: 'postgresql',
  entries: [{ idx: 0, version: '7', when: 1, tag: '0000_init', breakpoints: true }],
});
const SNAPSHOT = JSON.stringify(
  {
    id: '11111111-1111-4111-8111-111111111111',
    prevId: '00000000-0000-0000-0000-000000000000',
    version: '7',
    dialect: 'postgresql',
    tables: {
      'public.users': {
        name: 'users',
        schema: '',
        columns: { id: { name: 'id', type: 'bigint', primaryKey: true, notNull: true } },
        indexes: {},
        foreignKeys: {},
        compositePrimaryKeys: {},
        uniqueConstraints: {},
        policies: {},
        checkConstraints: {},
        isRLSEnabled: false,
      },
    },
    enums: {},
    schemas: {},
    sequences: {},
    roles: {},
    policies: {},
    views: {},
    _meta: { columns: {}, schemas: {}, tables: {} },
  },
  null,
  2,
);

function write(plan: Plan, files: Record<string, string> = { 'meta/_journal.json': JOURNAL, 'meta/0000_snapshot.json': SNAPSHOT }) {
  const contents = Object.fromEntries(Object.entries(files).map(([k, v]) => [`drizzle/${k}`, v]));
  const existing = ['0000_init.sql', ...Object.keys(files)];
  assert.deepEqual(drizzle.reads({ dir: 'drizzle', existing, options: {} }), [
    'drizzle/meta/_journal.json',
    ...(files['meta/0000_snapshot.json'] ? ['drizzle/meta/0000_snapshot.json'] : []),
  ]);
  return drizzle.write(plan, {
    dir: 'drizzle',
    existing,
    contents,
    now: new Date(Date.UTC(2026, 8, 1)),
    name: 'add_users_ref',
    versionScheme: drizzle.defaultScheme,
    options: {},
  });
}

type Snap = {
  id: string;
  prevId: string;
  tables: Record<
    string,
    { columns: Record<string, { notNull: boolean; type: string; default?: string }>; indexes: Record<string, unknown> }
  >;
};
const snapshots = (r: ReturnType<typeof write>) =>
  r.files.filter((f) => f.path.endsWith('_snapshot.json')).map((f) => ({ path: f.path, json: JSON.parse(f.content) as Snap }));

describe('the Drizzle writer keeps drizzle-kit snapshots', () => {
  test('one snapshot per journal entry, chained, the column as each migration leaves it', () => {
    const plan = planFor('postgres', '15.4', 'ref uuid NOT NULL DEFAULT gen_random_uuid()', { index: true });
    const r = write(plan);
    assert.ok(snapshots(r).length >= 3, 'expand, backfill, constrain…');
    const sql = r.files.filter((f) => f.path.endsWith('.sql')).map((f) => f.path);
    const snaps = snapshots(r);
    assert.deepEqual(
      snaps.map((s) => s.path),
      sql.map((p) => p.replace(/drizzle\/(\d+)_.*$/, 'drizzle/meta/$1_snapshot.json')),
    );
    assert.equal(snaps[0]!.json.prevId, '11111111-1111-4111-8111-111111111111');
    for (let i = 1; i < snaps.length; i++) assert.equal(snaps[i]!.json.prevId, snaps[i - 1]!.json.id);
    assert.equal(new Set(snaps.map((s) => s.json.id)).size, snaps.length);
    const ref = (i: number) => snaps[i]!.json.tables['public.users']!.columns.ref;
    assert.deepEqual(
      ref(0),
      { name: 'ref', type: 'uuid', primaryKey: false, notNull: false, default: 'gen_random_uuid()' },
      'nullable while the backfill runs',
    );
    assert.equal(ref(snaps.length - 1)!.notNull, true, 'NOT NULL after the constrain phase');
    assert.deepEqual(Object.keys(snaps.at(-1)!.json.tables['public.users']!.indexes), ['users_ref_idx'], 'the index the plain SQL builds');
    assert.ok(snaps.at(-1)!.json.tables['public.users']!.columns.id, 'the other columns are kept');
    assert.deepEqual(write(plan).files, r.files, 'the same plan writes the same files');
    assert.ok(!r.warnings.some((w) => /not updated/.test(w)));
  });

  test('a constant default on PostgreSQL 11+: the column is NOT NULL from its only migration', () => {
    const snaps = snapshots(write(planFor('postgres', '15.4', "ref text NOT NULL DEFAULT 'x'")));
    assert.equal(snaps.length, 1);
    assert.deepEqual(snaps[0]!.json.tables['public.users']!.columns.ref, {
      name: 'ref',
      type: 'text',
      primaryKey: false,
      notNull: true,
      default: "'x'",
    });
  });

  test('no snapshot, with the reason, when it cannot agree with the model', () => {
    const reason = (plan: Plan, files?: Record<string, string>) => {
      const r = write(plan, files);
      assert.deepEqual(snapshots(r), []);
      return r.warnings.find((w) => /snapshot\.json is not updated/.test(w)) ?? '';
    };
    assert.match(reason(planFor('postgres', '15.4', 'ref text'), { 'meta/_journal.json': JOURNAL }), /no earlier snapshot/);
    assert.match(reason(planFor('postgres', '15.4', 'ref text', { table: 'orders' })), /has no table public\.orders/);
    assert.match(reason(planFor('postgres', '15.4', 'ref text', { unique: true })), /UNIQUE/);
    assert.match(reason(planFor('postgres', '15.4', 'ref int4range')), /no built-in column for int4range/);
    // A CHECK of the column's own is a constraint the model edit does not declare.
    assert.match(reason(planFor('postgres', '15.4', 'ref int CHECK (ref > 0)')), /a CHECK constraint/);
  });

  test('PostgreSQL 10 keeps NOT NULL as a validated CHECK: the snapshots keep the column nullable, as the catalog and the final model edit do', () => {
    const r = write(planFor('postgres', '10.23', "ref text NOT NULL DEFAULT 'x'"));
    assert.equal(
      r.warnings.find((w) => /snapshot\.json is not updated/.test(w)),
      undefined,
    );
    const snaps = snapshots(r);
    assert.ok(snaps.length >= 2);
    for (const s of snaps) assert.equal(s.json.tables['public.users']!.columns.ref!.notNull, false, s.path);
  });

  test('latestSnapshot is the file drizzle-kit diffs against', () => {
    assert.equal(
      latestSnapshot(['meta/_journal.json', 'meta/0009_snapshot.json', 'meta/0010_snapshot.json', '0010_x.sql']),
      'meta/0010_snapshot.json',
    );
    assert.equal(latestSnapshot(['meta/_journal.json']), undefined);
  });

  test('snapshot types are the ones drizzle-kit derives from the builders the model edit writes', () => {
    const type = (def: string, d: 'postgres' | 'mariadb' = 'postgres') =>
      drizzleColumn(planFor(d, d === 'postgres' ? '15.4' : '10.11.6-MariaDB', def).column, d === 'postgres' ? 'pg' : 'mysql');
    assert.deepEqual(type('ref numeric(10,2)'), {
      fn: 'numeric',
      args: '"ref", { precision: 10, scale: 2 }',
      snapshotType: 'numeric(10, 2)',
    });
    assert.deepEqual(type('ref timestamptz(3)'), {
      fn: 'timestamp',
      args: '"ref", { withTimezone: true, precision: 3 }',
      snapshotType: 'timestamp (3) with time zone',
    });
    assert.deepEqual(type('ref decimal(10,2)', 'mariadb'), {
      fn: 'decimal',
      args: '"ref", { precision: 10, scale: 2 }',
      snapshotType: 'decimal(10,2)',
    });
  });
});

describe('the Drizzle model edit declares what the snapshot has', () => {
  const edit = (text: string, def = "ref text NOT NULL DEFAULT 'x'") => {
    const plan = planFor('postgres', '15.4', def, { index: true });
    const [m] = scanFile('schema.ts', text, { table: 'users', column: 'ref' }).models;
    assert.ok(m);
    const e = modelEdit(m, text, plan.column, 'expand', 'postgres', modelExtras(plan))!;
    return applyEdit(text, e);
  };
  test('no third argument: one is added, and the imports', () => {
    assert.equal(
      edit(
        "import { bigint, pgTable } from 'drizzle-orm/pg-core';\n\nexport const users = pgTable('users', {\n  id: bigint('id', { mode: 'number' }).primaryKey(),\n});\n",
      ),
      "import { sql } from 'drizzle-orm';\nimport { bigint, pgTable, text, index } from 'drizzle-orm/pg-core';\n\nexport const users = pgTable('users', {\n  id: bigint('id', { mode: 'number' }).primaryKey(),\n  ref: text(\"ref\").notNull().default(sql`'x'`),\n}, (t) => [index(\"users_ref_idx\").on(t.ref)]);\n",
    );
  });
  test('an array or object third argument gets the index appended; present imports are not repeated', () => {
    const arr = edit(
      "import { sql } from 'drizzle-orm';\nimport { index, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';\nexport const users = pgTable('users', {\n  name: text('name'),\n}, (table) => [uniqueIndex('users_name_key').on(table.name)]);\n",
    );
    assert.match(arr, /\(table\) => \[uniqueIndex\('users_name_key'\)\.on\(table\.name\), index\("users_ref_idx"\)\.on\(table\.ref\)\]\);/);
    assert.match(
      arr,
      /^import \{ sql \} from 'drizzle-orm';\nimport \{ index, pgTable, text, uniqueIndex \} from 'drizzle-orm\/pg-core';\n/,
    );
    const obj = edit(
      "import { sql } from 'drizzle-orm';\nimport { index, pgTable, text } from 'drizzle-orm/pg-core';\nexport const users = pgTable('users', {\n  name: text('name'),\n}, (t) => ({\n  nameIdx: index('users_name_idx').on(t.name),\n}));\n",
    );
    assert.match(obj, /nameIdx: index\('users_name_idx'\)\.on\(t\.name\), refIdx: index\("users_ref_idx"\)\.on\(t\.ref\)\n\}\)\);/);
  });
});
