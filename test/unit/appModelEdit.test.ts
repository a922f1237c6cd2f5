/** Model edits for each ORM over the fixture projects: the field lands inside the model, nullable while the backfill runs. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { applyEdit, catalogNotNull, modelEdit, modelExtras } from '../../src/core/app/modelEdit';
import { scanFile } from '../../src/core/app/scan';
import { parseColumnDefinition } from '../../src/core/columnSpec';
import { planFor } from './migrations/plans';

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
    assert.match(
      edited('prisma', 'prisma/schema.prisma', 'orders', 'expand').text,
      /\n {2}ref String\? @db\.Uuid @default\(dbgenerated\("gen_random_uuid\(\)"\)\)\n {2}@@map\("orders"\)\n\}/,
    );
    assert.match(edited('prisma', 'prisma/schema.prisma', 'orders', 'final').text, /\n {2}ref String @db\.Uuid @default/);
  });
  test('Drizzle: a property in the table object, .notNull() only in the final form', () => {
    assert.match(
      edited('drizzle', 'src/db/schema.ts', 'orders', 'expand').text,
      / {2}note: text\('note'\),\n {2}ref: uuid\("ref"\)\.default\(sql`gen_random_uuid\(\)`\),\n\}\);/,
    );
    assert.match(edited('drizzle', 'src/db/schema.ts', 'orders', 'final').text, /ref: uuid\("ref"\)\.notNull\(\)/);
  });
  test('TypeORM: a @Column inside the class', () => {
    assert.match(
      edited('typeorm', 'src/entity/Order.ts', 'orders', 'expand').text,
      / {2}amount!: number;\n\n {2}@Column\(\{ name: "ref", type: "uuid", nullable: true, generated: "uuid" \}\)\n {2}ref!: string \| null;\n\}/,
    );
  });
  test('Sequelize, Kysely, SQLAlchemy, Django', () => {
    assert.match(
      edited('sequelize', 'models/order.js', 'orders', 'expand').text,
      / {4}amount: DataTypes\.INTEGER,\n {4}ref: \{ type: DataTypes\.UUID, allowNull: true \},\n {2}\}/,
    );
    assert.match(
      edited('kysely', 'src/db.ts', 'orders', 'expand').text,
      / {2}amount: number;\n {2}ref: ColumnType<string \| null, string \| null \| undefined, string \| null>;\n\}/,
    );
    assert.match(
      edited('sqlalchemy', 'app/models.py', 'orders', 'final').text,
      / {4}amount = Column\(Integer, nullable=False\)\n {4}ref = Column\(postgresql\.UUID\(as_uuid=True\), nullable=False\)\n/,
    );
    assert.match(
      edited('django', 'shop/models.py', 'shop_order', 'expand').text,
      / {4}created = models\.DateTimeField\(auto_now_add=True\)\n {4}ref = models\.UUIDField\(null=True\)\n\n\nclass Invoice/,
    );
  });
  test('ActiveRecord has no edit; a model that already has the field is left alone', () => {
    const rb = readFileSync(join(ROOT, 'rails', 'app/models/order.rb'), 'utf8');
    const [m] = scanFile('app/models/order.rb', rb, { table: 'orders', column: 'ref' }).models;
    assert.match(modelEdit(m!, rb, spec, 'expand', 'postgres')!.skipped ?? '', /reads the columns from the database/);
    const has = { ...m!, hasColumn: true };
    assert.match(modelEdit(has, rb, spec, 'expand', 'postgres')!.skipped ?? '', /already declares ref/);
  });
});

describe('the final model edit: the field the expand edit added, made required after the constrain phase', () => {
  const projects: [string, string, string][] = [
    ['prisma', 'prisma/schema.prisma', 'orders'],
    ['drizzle', 'src/db/schema.ts', 'orders'],
    ['typeorm', 'src/entity/Order.ts', 'orders'],
    ['sequelize', 'models/order.js', 'orders'],
    ['kysely', 'src/db.ts', 'orders'],
    ['sqlalchemy', 'app/models.py', 'orders'],
    ['django', 'shop/models.py', 'shop_order'],
  ];
  for (const [project, file, table] of projects) {
    test(`${project}: expand declares it nullable, final rewrites that declaration to required, once`, () => {
      const t = { table, column: 'ref' };
      const expanded = edited(project, file, table, 'expand').text;
      const [m] = scanFile(file, expanded, t).models;
      assert.equal(m?.required, false, 'the expand form is nullable');
      const e = modelEdit(m!, expanded, spec, 'final', 'postgres')!;
      assert.equal(e.skipped, undefined);
      assert.ok((e.replaces ?? 0) > 0, 'the declaration is replaced, not a second one added');
      const final = applyEdit(expanded, e);
      assert.equal(final.split('\n').length, expanded.split('\n').length, 'no line added');
      const [after] = scanFile(file, final, t).models;
      assert.equal(after?.required, true, `${project}: required after the final edit:\n${final}`);
      assert.match(modelEdit(after!, final, spec, 'final', 'postgres')!.skipped ?? '', /already declares ref as required/);
      // Only the declaration changed: the rest of the file is byte for byte the same.
      assert.equal(final.slice(0, e.offset), expanded.slice(0, e.offset));
      assert.equal(final.slice(e.offset + e.text.length), expanded.slice(e.offset + e.replaces!));
    });
  }

  // PostgreSQL 10/11: the plan keeps NOT NULL as a validated CHECK, so the column stays nullable in the catalog.
  const pg11 = planFor('postgres', '11.22', 'ref uuid NOT NULL DEFAULT gen_random_uuid()', { table: 'orders' });
  const check = modelExtras(pg11).notNullCheck;
  test('PostgreSQL 11 keeps the CHECK: the plan names it; PostgreSQL 12 sets NOT NULL, so there is none', () => {
    assert.deepEqual(check, { name: 'orders_ref_not_null', expression: '"ref" IS NOT NULL' });
    assert.equal(
      modelExtras(planFor('postgres', '12.0', 'ref uuid NOT NULL DEFAULT gen_random_uuid()', { table: 'orders' })).notNullCheck,
      undefined,
    );
  });
  for (const [project, file, table] of projects) {
    test(`${project}: on PostgreSQL 11 the final edit keeps the field optional, as the catalog has it, and notes the CHECK, once`, () => {
      const t = { table, column: 'ref' };
      const expanded = edited(project, file, table, 'expand').text;
      const [m] = scanFile(file, expanded, t).models;
      const e = modelEdit(m!, expanded, pg11.column, 'final', 'postgres', modelExtras(pg11))!;
      assert.equal(e.skipped, undefined);
      assert.match(e.label, /CHECK orders_ref_not_null enforces ref NOT NULL/);
      const final = applyEdit(expanded, e);
      const [after] = scanFile(file, final, t).models;
      assert.equal(after?.required, false, `${project}: still optional after the final edit:\n${final}`);
      assert.equal(after?.checkNoted, 'orders_ref_not_null');
      assert.match(final, /NOT NULL enforced by CHECK orders_ref_not_null; the column stays nullable in the catalog/);
      assert.match(
        modelEdit(after!, final, pg11.column, 'final', 'postgres', modelExtras(pg11))!.skipped ?? '',
        /already notes that the CHECK/,
      );
      if (project === 'typeorm') {
        // TypeORM's schema builder drops a CHECK the entity does not declare: the entity declares it, and imports Check.
        assert.match(final, /\n {2}@Check\("orders_ref_not_null", "\\"ref\\" IS NOT NULL"\)\n {2}@Column\(/);
        assert.match(final, /import \{[^}]*\bCheck\b[^}]*\} from ['"]typeorm['"]/);
      } else assert.equal(final.split('\n').length, expanded.split('\n').length, 'no line added');
    });
  }

  test('outside the wizard, the catalog says where the constrain phase stands (Apply Final Model Edit)', () => {
    const facts = (nullable: boolean, constraints: { name: string; definition: string; validated: boolean }[] = []) => ({
      table: { schema: 'public', name: 'orders' },
      rows: 1,
      bytes: 1,
      columns: [{ name: 'ref', type: 'uuid', nullable, default: null }],
      constraints: constraints.map((c) => ({ ...c, kind: 'check' as const })),
    });
    assert.deepEqual(catalogNotNull(null, 'ref'), { state: 'missing' });
    assert.deepEqual(catalogNotNull(facts(true), 'other'), { state: 'missing' });
    assert.deepEqual(catalogNotNull(facts(false), 'ref'), { state: 'not-null' });
    assert.deepEqual(catalogNotNull(facts(true), 'ref'), { state: 'pending' });
    const def = 'CHECK ((ref IS NOT NULL))';
    assert.deepEqual(catalogNotNull(facts(true, [{ name: 'orders_ref_not_null', definition: def, validated: false }]), 'ref'), {
      state: 'pending',
      notValid: 'orders_ref_not_null',
    });
    assert.deepEqual(catalogNotNull(facts(true, [{ name: 'orders_ref_not_null', definition: def, validated: true }]), 'ref'), {
      state: 'check',
      check: { name: 'orders_ref_not_null', expression: 'ref IS NOT NULL' },
    });
    // Another column's CHECK, or a CHECK that is not just IS NOT NULL, does not count.
    for (const definition of ['CHECK ((reference IS NOT NULL))', 'CHECK (((ref IS NOT NULL) OR (id < 0)))'])
      assert.deepEqual(catalogNotNull(facts(true, [{ name: 'c', definition, validated: true }]), 'ref'), { state: 'pending' });
  });

  test('hand-written declarations: each ORM default for nullability is read right', () => {
    const t = { table: 'orders', column: 'ref' };
    const cases: [string, string, string][] = [
      [
        'm.py',
        'class Order(Base):\n    __tablename__ = "orders"\n    ref = Column(String(40))  # the customer\'s ref\n',
        "    ref = Column(String(40), nullable=False)  # the customer's ref",
      ],
      [
        'm.py',
        'class Order(Base):\n    __tablename__ = "orders"\n    ref: Mapped[Optional[str]] = mapped_column(String(40))\n',
        '    ref: Mapped[str] = mapped_column(String(40))',
      ],
      [
        'shop/models.py',
        'class Order(models.Model):\n    ref = models.CharField(max_length=40, null=True, blank=True)\n',
        '    ref = models.CharField(max_length=40, blank=True)',
      ],
      [
        'o.js',
        "const Order = sequelize.define('Order', {\n  ref: DataTypes.STRING,\n}, { tableName: 'orders' });\n",
        '  ref: { type: DataTypes.STRING, allowNull: false },',
      ],
      [
        'o.ts',
        "@Entity('orders')\nexport class Order {\n  @Column({\n    type: 'text',\n    nullable: true,\n  })\n  ref?: string | null;\n}\n",
        "  @Column({\n    type: 'text',\n    nullable: false,\n  })\n  ref!: string;",
      ],
      [
        'schema.prisma',
        'model Order {\n  id Int @id\n  ref String? @db.VarChar(40)\n  @@map("orders")\n}\n',
        '  ref String @db.VarChar(40)',
      ],
    ];
    for (const [file, text, want] of cases) {
      const target = file.startsWith('shop/') ? { table: 'shop_order', column: 'ref' } : t;
      const [m] = scanFile(file, text, target).models;
      assert.equal(m?.required, false, `${file}: read as nullable`);
      const e = modelEdit(m!, text, spec, 'final', 'postgres')!;
      assert.equal(applyEdit(text, e).slice(e.offset, e.offset + e.text.length), want);
    }
  });

  test('a nullable column has no final edit; a declaration the edit cannot find is left to the user', () => {
    const nullableSpec = parseColumnDefinition('ref uuid', 'postgres');
    const text = 'model Order {\n  id Int @id\n  ref String?\n  @@map("orders")\n}\n';
    const [m] = scanFile('schema.prisma', text, { table: 'orders', column: 'ref' }).models;
    assert.match(modelEdit(m!, text, nullableSpec, 'final', 'postgres')!.skipped ?? '', /stays nullable/);
    assert.match(
      modelEdit({ ...m!, hasColumn: true, name: 'Order' }, 'model Order {\n}\n', spec, 'final', 'postgres')!.skipped ?? '',
      /not found: make it required by hand/,
    );
  });
});

describe('Prisma: the schema declares what the migration creates (so `prisma migrate diff` has nothing to add)', () => {
  const schema = readFileSync(join(ROOT, 'prisma', 'prisma/schema.prisma'), 'utf8');
  const prismaEdit = (definition: string, dialect: 'postgres' | 'mariadb', opts: { index?: boolean } = {}) => {
    const plan = planFor(dialect, dialect === 'postgres' ? '15.4' : '10.11.6-MariaDB', definition, { ...opts, table: 'orders' });
    const [m] = scanFile('prisma/schema.prisma', schema, { table: 'orders', column: 'ref' }).models;
    return applyEdit(schema, modelEdit(m!, schema, plan.column, 'expand', dialect, modelExtras(plan))!);
  };
  test("the plan's index, by its name, after the model's other block attributes", () => {
    assert.match(
      prismaEdit('ref uuid NOT NULL DEFAULT gen_random_uuid()', 'postgres', { index: true }),
      /customerId Int {6}@map\("customer_id"\)\n\n {2}ref String\? @db\.Uuid @default\(dbgenerated\("gen_random_uuid\(\)"\)\)\n {2}@@map\("orders"\)\n {2}@@index\(\[ref\], map: "orders_ref_idx"\)\n\}/,
    );
    assert.doesNotMatch(prismaEdit('ref uuid', 'postgres'), /@@index/);
  });
  test('TypeORM: length, default and the index, which migration:generate compares with the database', () => {
    const plan = planFor('postgres', '15.4', "ref varchar(40) NOT NULL DEFAULT 'x'", { index: true, table: 'orders' });
    const text = readFileSync(join(ROOT, 'typeorm', 'src/entity/Order.ts'), 'utf8');
    const [m] = scanFile('src/entity/Order.ts', text, { table: 'orders', column: 'ref' }).models;
    assert.match(
      applyEdit(text, modelEdit(m!, text, plan.column, 'expand', 'postgres', modelExtras(plan))!),
      /@Column\(\{ name: "ref", type: "varchar", length: 40, nullable: false, default: "x" \}\)\n {2}@Index\("orders_ref_idx"\)\n {2}ref!: string;/,
    );
  });
  test('a column NOT NULL from its only migration (constant default, no backfill) is required already in the expand edit', () => {
    const atOnce = planFor('postgres', '15.4', "ref text NOT NULL DEFAULT 'x'", { table: 'orders' });
    assert.equal(modelExtras(atOnce).requiredAtOnce, true);
    assert.equal(
      modelExtras(planFor('postgres', '15.4', 'ref uuid NOT NULL DEFAULT gen_random_uuid()', { table: 'orders' })).requiredAtOnce,
      undefined,
      'a backfill comes first',
    );
    const [m] = scanFile('prisma/schema.prisma', schema, { table: 'orders', column: 'ref' }).models;
    const e = modelEdit(m!, schema, atOnce.column, 'expand', 'postgres', modelExtras(atOnce))!;
    assert.match(e.text, /\n {2}ref String @default\("x"\)$/);
    assert.match(e.label, /NOT NULL from its first migration/);
  });
  test("MySQL's native types: Prisma's String alone would be varchar(191)", () => {
    assert.match(prismaEdit('ref text', 'mariadb'), /ref String\? @db\.Text\n/);
    assert.match(prismaEdit('ref timestamp NULL', 'mariadb'), /ref DateTime\? @db\.Timestamp\(0\)\n/);
    assert.match(prismaEdit('ref datetime(3)', 'mariadb'), /ref DateTime\? @db\.DateTime\(3\)\n/);
  });
});
