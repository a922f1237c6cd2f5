/**
 * The Drizzle side of a rollout through drizzle-kit itself (issue 22): the writer's migrations with their
 * `meta/*_snapshot.json`, and the model edits (expand, then final) applied to the fixture's schema.ts. Then
 * - `drizzle-kit generate` finds nothing to migrate (before the writer kept the snapshot, it re-created the column),
 * - `drizzle-kit check` accepts the snapshot chain,
 * - on the real server, after `drizzle-kit migrate` (and the plain SQL the writer gave), `drizzle-kit push` finds no
 *   difference between the edited schema and the database (PostgreSQL; on MariaDB push trips over the primary key).
 */
import assert from 'node:assert/strict';
import { cpSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { applyEdit, modelEdit, modelExtras } from '../../src/core/app/modelEdit';
import { scanFile } from '../../src/core/app/scan';
import type { Plan } from '../../src/core/types';
import { planFor } from '../unit/migrations/plans';
import { dbTest, throwawayDatabase } from './helpers';
import { linkNodeModules, psqlFile, runTool, writeInto, workspacesForFile, type Workspace } from './migrationTools';

const FIXTURE = join(__dirname, '..', 'fixtures', 'app', 'drizzle');
const SCHEMA = 'src/db/schema.ts';
const pg = throwawayDatabase('postgres');
const my = throwawayDatabase('mysql');
const workspace = workspacesForFile();

function project(name: string, dialect: 'postgresql' | 'mysql', url: string): Workspace {
  const ws = workspace(name);
  cpSync(FIXTURE, ws.root, { recursive: true });
  linkNodeModules(ws);
  if (dialect === 'mysql') {
    const path = join(ws.root, SCHEMA);
    writeFileSync(
      path,
      readFileSync(path, 'utf8')
        .replace(
          "import { integer, pgTable, serial, text } from 'drizzle-orm/pg-core';",
          "import { int, mysqlTable, text } from 'drizzle-orm/mysql-core';",
        )
        // MariaDB refuses drizzle-kit's `serial AUTO_INCREMENT`.
        .replace("serial('id').primaryKey()", "int('id').primaryKey().autoincrement()")
        .replace('pgTable(', 'mysqlTable(')
        .replace("integer('amount')", "int('amount')"),
    );
  }
  writeFileSync(
    join(ws.root, 'drizzle.config.js'),
    `module.exports = { dialect: '${dialect}', schema: './${SCHEMA}', out: './drizzle', dbCredentials: { url: ${JSON.stringify(url)} } };\n`,
  );
  return ws;
}

const kit = (ws: Workspace, ...args: string[]) => {
  const r = runTool('drizzle-kit', [...args, '--config', 'drizzle.config.js'], { cwd: ws.root });
  return `${r.stdout}${r.stderr}`;
};
const sqlFiles = (ws: Workspace) =>
  readdirSync(join(ws.root, 'drizzle'))
    .filter((f) => f.endsWith('.sql'))
    .sort();

/** The expand edit, then the final one, as the wizard offers them, on the project's schema.ts. */
function editModel(ws: Workspace, plan: Plan): string[] {
  const path = join(ws.root, SCHEMA);
  const labels: string[] = [];
  for (const phase of ['expand', 'final'] as const) {
    const text = readFileSync(path, 'utf8');
    const [m] = scanFile(SCHEMA, text, { table: plan.table.name, column: plan.column.name }).models;
    assert.ok(m, 'the scan finds the Drizzle table');
    const e = modelEdit(m, text, plan.column, phase, plan.dialect, modelExtras(plan));
    assert.ok(e && !e.skipped, `${phase}: ${e?.skipped}`);
    labels.push(e.label);
    writeFileSync(path, applyEdit(text, e));
  }
  return labels;
}

async function roundTrip(ws: Workspace, plan: Plan): Promise<{ manual: string[] }> {
  kit(ws, 'generate', '--name', 'init');
  kit(ws, 'migrate');
  const { result, created } = await writeInto(ws, plan, 'drizzle', 'drizzle');
  const migrations = created.filter((f) => f.endsWith('.sql'));
  const snapshots = created.filter((f) => f.endsWith('_snapshot.json'));
  assert.equal(snapshots.length, migrations.length, 'one snapshot per written migration');
  assert.ok(!result.warnings.some((w) => /snapshot\.json is not updated/.test(w)), result.warnings.join('\n'));

  // The control: without the snapshots the writer now leaves, drizzle-kit re-creates the column.
  const control = workspace('drizzle-control');
  cpSync(ws.root, control.root, { recursive: true, verbatimSymlinks: true });
  for (const s of snapshots) rmSync(join(control.root, s));
  editModel(control, plan);
  const before = sqlFiles(control);
  kit(control, 'generate', '--name', 'control');
  const extra = sqlFiles(control).filter((f) => !before.includes(f));
  assert.equal(extra.length, 1, 'without the snapshots drizzle-kit writes a migration');
  assert.match(readFileSync(join(control.root, 'drizzle', extra[0]!), 'utf8'), /ADD (?:COLUMN )?[`"]ref[`"]/);

  const labels = editModel(ws, plan);
  if (plan.column.index) assert.match(labels[0]!, /and its index orders_ref_idx/);
  const files = sqlFiles(ws);
  const generated = kit(ws, 'generate');
  const wrote = sqlFiles(ws).filter((f) => !files.includes(f));
  assert.deepEqual(
    wrote,
    [],
    `drizzle-kit generate wrote ${wrote.map((f) => readFileSync(join(ws.root, 'drizzle', f), 'utf8')).join('\n')}\n${generated}`,
  );
  assert.match(generated, /No schema changes, nothing to migrate/);
  assert.match(kit(ws, 'check'), /Everything's fine/);
  kit(ws, 'migrate');
  return { manual: result.manual.map((m) => m.sql) };
}

describe('Drizzle: migrations, snapshot and model edit agree with drizzle-kit', () => {
  it(
    'PostgreSQL: uuid NOT NULL DEFAULT gen_random_uuid() with an index',
    dbTest(async (t) => {
      const db = pg.get(t);
      const ws = project('drizzle-rt-pg', 'postgresql', db.url);
      const plan = planFor('postgres', '15.4', 'ref uuid NOT NULL DEFAULT gen_random_uuid()', { index: true, table: 'orders', rows: 10 });
      const { manual } = await roundTrip(ws, plan);
      assert.equal(manual.length, 1, 'the concurrent index is given as plain SQL');
      psqlFile(ws, db.url, manual[0]!);
      const cols = await db.client.query<{ is_nullable: string }>(
        "SELECT is_nullable FROM information_schema.columns WHERE table_name = 'orders' AND column_name = 'ref'",
      );
      assert.deepEqual(
        cols.map((c) => c.is_nullable),
        ['NO'],
      );
      assert.match(kit(ws, 'push', '--strict=false'), /No changes detected/);
    }),
  );

  it(
    'PostgreSQL 11 plan (NOT NULL kept as a validated CHECK): the snapshot and the model keep the column nullable',
    dbTest(async (t) => {
      const db = pg.get(t);
      const ws = project('drizzle-rt-pg11', 'postgresql', db.url);
      // The same throwaway database as the first case: start from no table and no drizzle-kit history.
      psqlFile(ws, db.url, 'DROP TABLE IF EXISTS orders; DROP SCHEMA IF EXISTS drizzle CASCADE;');
      const plan = planFor('postgres', '11.22', 'ref uuid NOT NULL DEFAULT gen_random_uuid()', { table: 'orders', rows: 10 });
      const { manual } = await roundTrip(ws, plan);
      for (const m of manual) psqlFile(ws, db.url, m);
      assert.match(
        readFileSync(join(ws.root, SCHEMA), 'utf8'),
        /ref: uuid\("ref"\)\.default\(.*\), \/\/ NOT NULL enforced by CHECK orders_ref_not_null;/,
      );
      const rows = await db.client.query<{ is_nullable: string; checks: string }>(
        `SELECT c.is_nullable, (SELECT count(*) FROM pg_constraint WHERE conname = 'orders_ref_not_null' AND convalidated)::text AS checks
           FROM information_schema.columns c WHERE c.table_name = 'orders' AND c.column_name = 'ref'`,
      );
      assert.deepEqual(rows, [{ is_nullable: 'YES', checks: '1' }]);
    }),
  );

  it(
    'MariaDB: varchar(40) NOT NULL DEFAULT (UUID()) with an index',
    dbTest(async (t) => {
      const db = my.get(t);
      const ws = project('drizzle-rt-my', 'mysql', db.url);
      const plan = planFor('mariadb', '10.11.6-MariaDB', 'ref varchar(40) NOT NULL DEFAULT (UUID())', {
        index: true,
        table: 'orders',
        schema: db.name,
        rows: 10,
      });
      const { manual } = await roundTrip(ws, plan);
      assert.deepEqual(manual, []);
      const cols = await db.client.query<{ IS_NULLABLE: string }>(
        "SELECT IS_NULLABLE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'orders' AND COLUMN_NAME = 'ref'",
      );
      assert.deepEqual(
        cols.map((c) => c.IS_NULLABLE),
        ['NO'],
      );
      // No `drizzle-kit push` here: on MariaDB it fails on the table's own primary key (it re-adds `orders_id`, which
      // MariaDB names PRIMARY), whatever the column.
    }),
  );
});
