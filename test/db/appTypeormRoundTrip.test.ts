/**
 * The TypeORM side of a rollout through TypeORM itself (issue 22): the table made by TypeORM from the fixture's entity,
 * the plan's migrations applied to the real PostgreSQL, then the expand and final model edits applied to the entity.
 * TypeORM's schema builder (what `typeorm migration:generate` runs) must then find nothing to change; with the edit
 * as it was before it declared the default and the index, it does.
 */
import 'reflect-metadata';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import ts from 'typescript';
import { DataSource } from 'typeorm';
import { applyEdit, modelEdit, modelExtras } from '../../src/core/app/modelEdit';
import { scanFile } from '../../src/core/app/scan';
import type { Plan } from '../../src/core/types';
import { planFor } from '../unit/migrations/plans';
import { dbTest, throwawayDatabase } from './helpers';
import { linkNodeModules, psqlFile, writeInto, workspacesForFile, type Workspace } from './migrationTools';

const ENTITY = readFileSync(join(__dirname, '..', 'fixtures', 'app', 'typeorm', 'src', 'entity', 'Order.ts'), 'utf8');
const pg = throwawayDatabase('postgres');
const workspace = workspacesForFile();
let loaded = 0;

/** The entity class from TypeScript source, compiled as `tsc` would (decorators with their metadata). */
function entityFrom(ws: Workspace, source: string): new () => unknown {
  const js = ts.transpileModule(
    source.includes("from 'typeorm'") && !/\bIndex\b/.test(source.split('\n')[0]!)
      ? source.replace('import { Column,', 'import { Index, Column,')
      : source,
    {
      compilerOptions: {
        module: ts.ModuleKind.CommonJS,
        target: ts.ScriptTarget.ES2020,
        experimentalDecorators: true,
        emitDecoratorMetadata: true,
      },
    },
  ).outputText;
  const file = join(ws.root, `entity${++loaded}.js`);
  writeFileSync(file, js);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require(file) as { Order: new () => unknown }).Order;
}

async function pendingChanges(url: string, entity: new () => unknown, synchronize = false): Promise<string[]> {
  const ds = new DataSource({ type: 'postgres', url, entities: [entity], logging: false });
  await ds.initialize();
  try {
    if (synchronize) await ds.synchronize();
    return (await ds.driver.createSchemaBuilder().log()).upQueries.map((q) => q.query);
  } finally {
    await ds.destroy();
  }
}

function edited(plan: Plan, old = false): string {
  let text = ENTITY;
  for (const phase of ['expand', 'final'] as const) {
    const [m] = scanFile('src/entity/Order.ts', text, { table: 'orders', column: 'ref' }).models;
    assert.ok(m, 'the scan finds the entity');
    const e = modelEdit(m, text, plan.column, phase, 'postgres', old ? {} : modelExtras(plan));
    assert.ok(e, phase);
    if (phase === 'final' && plan.column.nullable) assert.match(e.skipped ?? '', /stays nullable/);
    // NOT NULL from its first migration: the expand edit already declared it required.
    else if (phase === 'final' && !old && modelExtras(plan).requiredAtOnce)
      assert.match(e.skipped ?? '', /already declares ref as required/);
    else assert.ok(!e.skipped, `${phase}: ${e.skipped}`);
    text = applyEdit(text, e);
  }
  // The edit as it was before it declared the default (the control).
  return old ? text.replace(/, (?:default: [^,}]*|generated: "uuid")/, '') : text;
}

describe('TypeORM: the edited entity matches the database the plan leaves', () => {
  it(
    'PostgreSQL: uuid NOT NULL DEFAULT gen_random_uuid() with an index',
    dbTest(async (t) => {
      const db = pg.get(t);
      const ws = workspace('typeorm-rt');
      linkNodeModules(ws);
      assert.deepEqual(await pendingChanges(db.url, entityFrom(ws, ENTITY), true), [], 'TypeORM made the table');
      const plan = planFor('postgres', '15.4', 'ref uuid NOT NULL DEFAULT gen_random_uuid()', { index: true, table: 'orders', rows: 10 });
      const { result } = await writeInto(ws, plan, 'plain-sql', 'migrations');
      for (const f of result.files) psqlFile(ws, db.url, f.content);
      for (const m of result.manual) psqlFile(ws, db.url, m.sql);
      const source = edited(plan);
      assert.match(source, /@Index\("orders_ref_idx"\)/);
      assert.deepEqual(await pendingChanges(db.url, entityFrom(ws, source)), [], 'migration:generate would write nothing');
      const control = await pendingChanges(db.url, entityFrom(ws, edited(plan, true)));
      assert.ok(
        control.some((q) => /DROP DEFAULT/.test(q)) && control.some((q) => /DROP INDEX/.test(q)),
        `without the default and the index TypeORM would change the table: ${control.join('; ')}`,
      );
    }),
  );

  it(
    'PostgreSQL 11 plan (NOT NULL kept as a validated CHECK): the final edit keeps the field nullable and declares the CHECK',
    dbTest(async (t) => {
      const db = pg.get(t);
      const ws = workspace('typeorm-rt');
      linkNodeModules(ws);
      await pendingChanges(db.url, entityFrom(ws, ENTITY), true);
      // The plan for PostgreSQL 11, applied here (its SQL runs on 15 too): the column stays nullable, the CHECK validated.
      const plan = planFor('postgres', '11.22', 'ref uuid NOT NULL DEFAULT gen_random_uuid()', { table: 'orders', rows: 10 });
      const { result } = await writeInto(ws, plan, 'plain-sql', 'migrations');
      for (const f of result.files) psqlFile(ws, db.url, f.content);
      for (const m of result.manual) psqlFile(ws, db.url, m.sql);
      const source = edited(plan);
      assert.match(source, /@Check\("orders_ref_not_null", /);
      assert.deepEqual(await pendingChanges(db.url, entityFrom(ws, source)), [], 'migration:generate would write nothing');
      // The control: the final edit as PostgreSQL 12+ makes it (required, no @Check) does not match this catalog.
      let required = ENTITY;
      for (const phase of ['expand', 'final'] as const) {
        const [m] = scanFile('src/entity/Order.ts', required, { table: 'orders', column: 'ref' }).models;
        required = applyEdit(required, modelEdit(m!, required, plan.column, phase, 'postgres', {})!);
      }
      const control = await pendingChanges(db.url, entityFrom(ws, required));
      assert.ok(
        control.some((q) => /SET NOT NULL/.test(q)) && control.some((q) => /DROP CONSTRAINT "orders_ref_not_null"/.test(q)),
        `the required form would change the table: ${control.join('; ')}`,
      );
    }),
  );

  for (const definition of ["ref varchar(40) NOT NULL DEFAULT 'x'", 'ref numeric(10,2) DEFAULT 0', 'ref timestamptz DEFAULT now()']) {
    it(
      `PostgreSQL: ${definition}`,
      dbTest(async (t) => {
        const db = pg.get(t);
        const ws = workspace('typeorm-rt');
        linkNodeModules(ws);
        await pendingChanges(db.url, entityFrom(ws, ENTITY), true);
        const plan = planFor('postgres', '15.4', definition, { table: 'orders', rows: 10 });
        const { result } = await writeInto(ws, plan, 'plain-sql', 'migrations');
        for (const f of result.files) psqlFile(ws, db.url, f.content);
        assert.deepEqual(await pendingChanges(db.url, entityFrom(ws, edited(plan))), []);
      }),
    );
  }
});
