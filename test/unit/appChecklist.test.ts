/** The rollout checklist linked to the code: places per step from a real scan, ticked only when all are done. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { codeChecklist } from '../../src/core/app/checklist';
import { applyEdit, modelEdit } from '../../src/core/app/modelEdit';
import { mergeScans, scanFile } from '../../src/core/app/scan';
import { parseColumnDefinition } from '../../src/core/columnSpec';
import { planColumn } from '../../src/core/plan';

const target = { table: 'orders', column: 'ref' };
const spec = parseColumnDefinition('ref uuid NOT NULL DEFAULT gen_random_uuid()', 'postgres');
const plan = planColumn(
  spec,
  { table: { schema: 'public', name: 'orders' }, rows: 1_000_000, bytes: 500 * 1024 * 1024, primaryKey: ['id'] },
  { dialect: 'postgres', version: '16.2' },
);
const schema = 'model Order {\n  id Int @id\n  amount Int\n  @@map("orders")\n}\n';
const repo = [
  'await prisma.order.create({ data: { amount: 1 } });',
  "await prisma.order.create({ data: { amount: 2, ref: 'x' } });",
  'const rows = await prisma.$queryRaw<Order[]>`SELECT * FROM orders`;',
].join('\n');

function checklist(schemaText: string, repoText: string) {
  return codeChecklist(
    plan,
    mergeScans(target, [scanFile('prisma/schema.prisma', schemaText, target), scanFile('src/repo.ts', repoText, target)], 2, 0),
  );
}
const states = (c: ReturnType<typeof checklist>) => Object.fromEntries(c.items.map((i) => [i.kind, i.state]));

describe('code checklist', () => {
  test('each code step lists its places; none is ticked while a place is open; database steps have none', () => {
    const c = checklist(schema, repo);
    assert.deepEqual(
      c.items.map((i) => i.text),
      plan.rollout,
      'the same steps, in the same order, as the plan',
    );
    assert.deepEqual(states(c), {
      tolerate: 'todo',
      expand: 'todo',
      write: 'todo',
      backfill: 'database',
      constrain: 'todo',
      read: 'none-found',
      contract: 'database',
    });
    assert.deepEqual(
      c.items.find((i) => i.kind === 'write')!.places.map((p) => [p.line, p.done]),
      [
        [1, false],
        [2, true],
      ],
    );
    assert.match(c.items.find((i) => i.kind === 'tolerate')!.places[0]!.text, /fixed shape \(\$queryRaw<Order\[\]>\)/);
    assert.deepEqual(c.modelEdits, { expand: 1, final: 1 });
  });

  test('steps tick as the code catches up: expand edit, dual write, named columns, then the final edit', () => {
    const t = { table: 'orders', column: 'ref' };
    const [m] = scanFile('prisma/schema.prisma', schema, t).models;
    const expanded = applyEdit(schema, modelEdit(m!, schema, spec, 'expand', 'postgres')!);
    const fixedRepo = repo.replace('amount: 1 }', "amount: 1, ref: 'y' }").replace('SELECT * FROM orders', 'SELECT id, amount FROM orders');
    let c = checklist(expanded, fixedRepo);
    assert.deepEqual(states(c), {
      tolerate: 'done',
      expand: 'done',
      write: 'done',
      backfill: 'database',
      constrain: 'todo',
      read: 'none-found',
      contract: 'database',
    });
    assert.deepEqual(c.modelEdits, { expand: 0, final: 1 });
    const [m2] = scanFile('prisma/schema.prisma', expanded, t).models;
    c = checklist(applyEdit(expanded, modelEdit(m2!, expanded, spec, 'final', 'postgres')!), fixedRepo);
    assert.equal(states(c).constrain, 'done');
    assert.deepEqual(c.modelEdits, { expand: 0, final: 0 });
  });

  test('PostgreSQL 11 keeps a CHECK for NOT NULL: the constrain step ticks once the model notes it and stays optional, not when it is required', () => {
    const pg11 = planColumn(
      spec,
      { table: { schema: 'public', name: 'orders' }, rows: 1_000_000, bytes: 500 * 1024 * 1024, primaryKey: ['id'] },
      { dialect: 'postgres', version: '11.22' },
    );
    const list = (schemaText: string) =>
      codeChecklist(pg11, mergeScans(target, [scanFile('prisma/schema.prisma', schemaText, target)], 1, 0));
    const constrain = (schemaText: string) => list(schemaText).items.find((i) => i.kind === 'constrain')!;
    const optional = schema.replace('  amount Int\n', '  amount Int\n  ref String? @db.Uuid\n');
    assert.equal(constrain(optional).state, 'todo');
    assert.match(
      constrain(optional).places[0]!.text,
      /keep ref optional \(the column stays nullable\) and note the CHECK orders_ref_not_null/,
    );
    assert.equal(constrain(optional.replace('ref String?', 'ref String')).state, 'todo', 'required does not match the catalog');
    const noted = optional.replace('@db.Uuid', '@db.Uuid // NOT NULL enforced by CHECK orders_ref_not_null; the column stays nullable');
    assert.equal(constrain(noted).state, 'done');
    assert.equal(list(noted).modelEdits.final, 0);
    assert.equal(list(noted).notNullCheck, 'orders_ref_not_null', 'the wizard names the CHECK on its final-edit button');
    assert.equal(checklist(schema, repo).notNullCheck, undefined, 'PostgreSQL 16 sets NOT NULL: no CHECK');
    assert.equal(list(optional).modelEdits.final, 1);
  });

  test('nothing found in the code: no step is ticked', () => {
    const c = codeChecklist(plan, mergeScans(target, [], 0, 0));
    assert.ok(c.items.every((i) => i.state === 'none-found' || i.state === 'database'));
  });
});
