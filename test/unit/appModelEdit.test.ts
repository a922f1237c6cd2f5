/** Model edits for each ORM over the fixture projects: the field lands inside the model, nullable while the backfill runs. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { applyEdit, modelEdit } from '../../src/core/app/modelEdit';
import { scanFile } from '../../src/core/app/scan';
import { parseColumnDefinition } from '../../src/core/columnSpec';

const ROOT = join(__dirname, '..', 'fixtures', 'app');
const spec = parseColumnDefinition('ref uuid NOT NULL DEFAULT gen_random_uuid()', 'postgres');

function edited(project: string, file: string, table: string, phase: 'expand' | 'final'): { text: string; label: string } {
  const text = readFileSync(join(ROOT, project, file), 'utf8');
  const [m] = scanFile(file, text, { table, column: 'ref' }).models;
  assert.ok(m, `${project}: model found`);
  const e = modelEdit(m, text, spec, phase, 'postgres')!;
  const after = applyEdit(text, e);
  // The edit is idempotent in the scan's eyes: the model now declares the column.
  assert.equal(scanFile(file, after, { table, column: 'ref' }).models[0]?.hasColumn, true, `${project}: the scan sees the new field`);
  return { text: after, label: e.label };
}

describe('model edits', () => {
  test('Prisma: optional while the backfill runs, required after; native type and default kept', () => {
    assert.match(edited('prisma', 'prisma/schema.prisma', 'orders', 'expand').text, /\n {2}ref String\? @db\.Uuid @default\(dbgenerated\("gen_random_uuid\(\)"\)\)\n {2}@@map\("orders"\)\n\}/);
    assert.match(edited('prisma', 'prisma/schema.prisma', 'orders', 'final').text, /\n {2}ref String @db\.Uuid @default/);
  });
  test('Drizzle: a property in the table object, .notNull() only in the final form', () => {
    assert.match(edited('drizzle', 'src/db/schema.ts', 'orders', 'expand').text, / {2}note: text\('note'\),\n {2}ref: uuid\("ref"\)\.default\(sql`gen_random_uuid\(\)`\),\n\}\);/);
    assert.match(edited('drizzle', 'src/db/schema.ts', 'orders', 'final').text, /ref: uuid\("ref"\)\.notNull\(\)/);
  });
  test('TypeORM: a @Column inside the class', () => {
    assert.match(edited('typeorm', 'src/entity/Order.ts', 'orders', 'expand').text, / {2}amount!: number;\n\n {2}@Column\(\{ name: "ref", type: "uuid", nullable: true \}\)\n {2}ref!: string \| null;\n\}/);
  });
  test('Sequelize, Kysely, SQLAlchemy, Django', () => {
    assert.match(edited('sequelize', 'models/order.js', 'orders', 'expand').text, / {4}amount: DataTypes\.INTEGER,\n {4}ref: \{ type: DataTypes\.UUID, allowNull: true \},\n {2}\}/);
    assert.match(edited('kysely', 'src/db.ts', 'orders', 'expand').text, / {2}amount: number;\n {2}ref: ColumnType<string \| null, string \| null \| undefined, string \| null>;\n\}/);
    assert.match(edited('sqlalchemy', 'app/models.py', 'orders', 'final').text, / {4}amount = Column\(Integer, nullable=False\)\n {4}ref = Column\(postgresql\.UUID\(as_uuid=True\), nullable=False\)\n/);
    assert.match(edited('django', 'shop/models.py', 'shop_order', 'expand').text, / {4}created = models\.DateTimeField\(auto_now_add=True\)\n {4}ref = models\.UUIDField\(null=True\)\n\n\nclass Invoice/);
  });
  test('ActiveRecord has no edit; a model that already has the field is left alone', () => {
    const rb = readFileSync(join(ROOT, 'rails', 'app/models/order.rb'), 'utf8');
    const [m] = scanFile('app/models/order.rb', rb, { table: 'orders', column: 'ref' }).models;
    assert.match(modelEdit(m!, rb, spec, 'expand', 'postgres')!.skipped ?? '', /reads the columns from the database/);
    const has = { ...m!, hasColumn: true };
    assert.match(modelEdit(has, rb, spec, 'expand', 'postgres')!.skipped ?? '', /already declares ref/);
  });
});
