/** The application-side scan over small real-shaped projects (test/fixtures/app/*). */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gitignoreMatcher } from '../../src/core/app/gitignore';
import { describe, test } from 'node:test';
import {
  fixedShapeReads,
  isScannedFile,
  mergeScans,
  scanFile,
  summarizeScan,
  writesWithoutColumn,
  type WorkspaceScan,
} from '../../src/core/app/scan';

const ROOT = join(__dirname, '..', 'fixtures', 'app');

function scanProject(name: string, table = 'orders', column = 'ref'): WorkspaceScan {
  const dir = join(ROOT, name);
  const files: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (isScannedFile(p)) files.push(p);
    }
  };
  walk(dir);
  const target = { table, column };
  return mergeScans(
    target,
    files.map((f) => scanFile(relative(dir, f).split('\\').join('/'), readFileSync(f, 'utf8'), target)),
    files.length,
    0,
  );
}

const where = (s: WorkspaceScan) =>
  s.calls.map((c) => `${c.via}:${c.kind}:${c.file}:${c.line}:${c.setsColumn}${c.fixedShape ? `:${c.fixedShape}` : ''}`);

describe('scan: the model that maps the table', () => {
  const cases: [string, string, string, number, string?][] = [
    ['prisma', 'prisma', 'prisma/schema.prisma', 16],
    ['drizzle', 'drizzle', 'src/db/schema.ts', 3],
    ['typeorm', 'typeorm', 'src/entity/Order.ts', 3],
    ['rails', 'activerecord', 'app/models/order.rb', 1],
    ['django', 'django', 'shop/models.py', 4, 'shop_order'],
    ['sqlalchemy', 'sqlalchemy', 'app/models.py', 7],
    ['sequelize', 'sequelize', 'models/order.js', 3],
    ['kysely', 'kysely', 'src/db.ts', 9],
  ];
  for (const [project, kind, file, line, table] of cases) {
    test(`${project}: ${kind} model in ${file}:${line}`, () => {
      const s = scanProject(project, table);
      assert.deepEqual(
        s.models.map((m) => [m.kind, m.file, m.line, m.hasColumn]),
        [[kind, file, line, false]],
      );
    });
  }

  test('Django app_model naming and Meta.db_table; a model of another table is not reported', () => {
    assert.deepEqual(
      scanProject('django', 'billing_invoices', 'due').models.map((m) => m.name),
      ['Invoice'],
    );
    assert.deepEqual(
      scanProject('django', 'shop_order', 'ref').models.map((m) => m.name),
      ['Order'],
    );
    assert.deepEqual(scanProject('prisma', 'customers').models, []);
  });

  test('a model that already declares the column says so (field name or camelCase)', () => {
    const s = scanFile('schema.prisma', 'model Order {\n  id Int @id\n  shippedAt DateTime? @map("shipped_at")\n  @@map("orders")\n}\n', {
      table: 'orders',
      column: 'shipped_at',
    });
    assert.equal(s.models[0]?.hasColumn, true);
    const d = scanFile('s.ts', "export const orders = pgTable('orders', { id: serial('id'), shippedAt: timestamp('shipped_at') });", {
      table: 'orders',
      column: 'shipped_at',
    });
    assert.equal(d.models[0]?.hasColumn, true);
  });
});

describe('scan: call sites', () => {
  test('Prisma creates, and the one that already sets the column', () => {
    assert.deepEqual(where(scanProject('prisma')), [
      'prisma:insert:src/orders.ts:6:false',
      'prisma:insert:src/orders.ts:12:true',
      'sql:select-star:src/orders.ts:16:null',
      'sql:select-star:src/reports.ts:5:null:$queryRaw<Order[]>',
    ]);
  });
  test('Drizzle inserts through the table variable', () => {
    assert.deepEqual(where(scanProject('drizzle')), ['drizzle:insert:src/repo.ts:5:false', 'drizzle:insert:src/repo.ts:9:true']);
  });
  test('raw SQL INSERT with a column list, and UPDATE … SET', () => {
    assert.deepEqual(where(scanProject('typeorm')), ['sql:insert:src/service.ts:4:false', 'sql:update:src/service.ts:5:false']);
    assert.deepEqual(where(scanProject('sqlalchemy')), [
      'sql:insert:app/queries.py:3:true',
      'sql:select-star:app/queries.py:4:null',
      'sql:select-star:app/reports.py:5:null:row[1]',
      'sql:select-star:app/reports.py:10:null',
    ]);
  });
  test('ActiveRecord and Django creates', () => {
    assert.deepEqual(where(scanProject('rails')), [
      'activerecord:insert:app/services/checkout.rb:3:false',
      'activerecord:insert:app/services/checkout.rb:7:true',
    ]);
    assert.deepEqual(where(scanProject('django', 'shop_order')), [
      'django:insert:shop/views.py:5:false',
      'django:upsert:shop/views.py:9:true',
    ]);
  });
  test('Kysely insertInto', () => {
    assert.deepEqual(where(scanProject('kysely')), ['kysely:insert:src/db.ts:13:false']);
  });
  test('upserts, quoted and schema-qualified names, and other tables', () => {
    const s = scanFile(
      'q.go',
      'db.Exec(`INSERT INTO "public"."orders" (amount, "ref") VALUES ($1, $2) ON CONFLICT (id) DO NOTHING`)\ndb.Exec("INSERT INTO orders_archive (amount) VALUES (1)")\n',
      { table: 'orders', column: 'ref' },
    );
    assert.deepEqual(
      s.calls.map((c) => [c.kind, c.setsColumn]),
      [['upsert', true]],
    );
  });
  test('the summary names models and counts call sites per file; writes without the column are listed', () => {
    const s = scanProject('prisma');
    assert.equal(
      summarizeScan(s),
      'prisma model Order in prisma/schema.prisma:16; 2 INSERTs, 1 SELECT * in src/orders.ts; 1 SELECT * in src/reports.ts',
    );
    assert.deepEqual(
      writesWithoutColumn(s).map((c) => c.line),
      [6],
    );
  });
});

describe('scan: SELECT * mapped into a fixed shape', () => {
  const t = { table: 'orders', column: 'ref' };
  const shape = (file: string, text: string) => scanFile(file, text, t).calls.map((c) => c.fixedShape ?? null);
  test('positional access and strict types next to the query are named; a SELECT * read by name is not', () => {
    assert.deepEqual(shape('a.go', 'rows, _ := db.Query("SELECT * FROM orders")\nfor rows.Next() {\n  rows.Scan(&id, &amount)\n}\n'), [
      '.Scan(&',
    ]);
    assert.deepEqual(
      shape('A.java', 'ResultSet rs = st.executeQuery("SELECT * FROM orders");\nwhile (rs.next()) total += rs.getLong(2);\n'),
      ['.getLong(2)'],
    );
    assert.deepEqual(shape('a.py', 'for id, amount in cur.execute("SELECT * FROM orders"):\n    print(id)\n'), ['for id, amount in']);
    assert.deepEqual(shape('a.py', 'cur.execute("SELECT * FROM orders")\nid, amount = cur.fetchone()\n'), ['id, amount = cur.fetchone(']);
    assert.deepEqual(shape('a.ts', "const { rows } = await pool.query({ text: 'SELECT * FROM orders', rowMode: 'array' });\n"), [
      "rowMode: 'array'",
    ]);
    assert.deepEqual(shape('a.ts', "const rows = (await pool.query('SELECT * FROM orders')).rows as OrderRow[];\n"), ['as OrderRow[]']);
    assert.deepEqual(shape('a.ts', "const { rows } = await pool.query('SELECT * FROM orders');\nreturn rows.map((r) => r.amount);\n"), [
      null,
    ]);
    assert.deepEqual(shape('a.py', 'orders = [Order(*row) for row in cur.execute("SELECT * FROM orders")]\n'), ['Order(*row)']);
  });
  test('fixedShapeReads lists only those', () => {
    const s = scanProject('sqlalchemy');
    assert.deepEqual(
      fixedShapeReads(s).map((c) => `${c.file}:${c.line}`),
      ['app/reports.py:5'],
    );
  });
});

describe('column-wizard scan on a folder', () => {
  test('respects .gitignore and the always-skipped folders, and lists the writes still to change', async () => {
    const { mkdtempSync, mkdirSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { main } = await import('../../src/cli');
    const dir = mkdtempSync(join(tmpdir(), 'cw-scan-'));
    for (const d of ['src', 'generated', 'node_modules/pkg', 'src/fixtures', 'src/lib']) mkdirSync(join(dir, d), { recursive: true });
    writeFileSync(join(dir, '.gitignore'), 'generated/\n');
    // A nested .gitignore: its patterns are relative to src/ (fixtures/ here is src/fixtures, /*.gen.ts only src's own).
    writeFileSync(join(dir, 'src', '.gitignore'), 'fixtures/\n/*.gen.ts\n');
    const insert = "db.query('INSERT INTO orders (amount) VALUES (1)')\n";
    writeFileSync(join(dir, 'src', 'a.ts'), insert);
    writeFileSync(join(dir, 'generated', 'b.ts'), insert);
    writeFileSync(join(dir, 'node_modules', 'pkg', 'c.js'), insert);
    writeFileSync(join(dir, 'src', 'fixtures', 'd.ts'), insert);
    writeFileSync(join(dir, 'src', 'e.gen.ts'), insert);
    writeFileSync(join(dir, 'src', 'lib', 'f.gen.ts'), insert);
    const out: string[] = [];
    assert.equal(
      await main(['scan', '--dir', dir, '--table', 'public.orders', '--column', 'ref'], {
        out: (t) => out.push(t),
        err: (t) => out.push(t),
      }),
      0,
    );
    assert.deepEqual(out, [
      '1 INSERT in src/a.ts; 1 INSERT in src/lib/f.gen.ts',
      '  insert      src/a.ts:1  INSERT INTO orders (amount) — does not set ref',
      '  insert      src/lib/f.gen.ts:1  INSERT INTO orders (amount) — does not set ref',
      '2 writes of orders do not set ref yet: change them in the dual-write step, before the column becomes NOT NULL.',
    ]);
  });

  test('is cancellable: an aborted signal stops the walk before any file is read', async () => {
    const { scanDirectory } = await import('../../src/cli/appScan');
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(
      scanDirectory(join(__dirname, '..', 'fixtures', 'app'), { table: 'orders', column: 'ref' }, { signal: controller.signal }),
      {
        name: 'AbortError',
      },
    );
  });
});

describe('nested .gitignore files', () => {
  test("each file's patterns apply under its own folder, as git reads them", () => {
    const ignored = gitignoreMatcher([
      { dir: '', text: 'dist/\n*.log\n' },
      { dir: 'packages/api', text: '/generated\n!keep.log\n' },
    ]);
    assert.equal(ignored('dist', true), true);
    assert.equal(ignored('dist/a.ts'), true);
    assert.equal(ignored('packages/api/generated/x.ts'), true);
    assert.equal(ignored('packages/api/src/generated/x.ts'), false, 'anchored to packages/api');
    assert.equal(ignored('generated/x.ts'), false, 'not under packages/api');
    assert.equal(ignored('packages/web/x.log'), true);
    assert.equal(ignored('packages/api/src/a.ts'), false);
  });
});

describe('scan: API schemas that expose the model', () => {
  test('OpenAPI components, JSON Schema titles and GraphQL types are named with the step to add the field in', () => {
    const t = { table: 'orders', column: 'ref' };
    const openapi = scanFile(
      'api/openapi.yaml',
      'components:\n  schemas:\n    Order:\n      type: object\n    Customer:\n      type: object\n',
      t,
    );
    assert.deepEqual(openapi.api, [{ file: 'api/openapi.yaml', line: 3, name: 'Order', format: 'openapi', hasField: false }]);
    const gql = scanFile('schema.graphql', 'type Query { orders: [Order!]! }\n\ntype Order {\n  id: ID!\n}\n', t);
    assert.deepEqual(
      gql.api?.map((a) => [a.line, a.name]),
      [[3, 'Order']],
    );
    const js = scanFile('schemas/order.schema.json', '{ "title": "Order", "type": "object" }', t);
    assert.deepEqual(
      js.api?.map((a) => a.format),
      ['json-schema'],
    );
    assert.equal(isScannedFile('package-lock.json'), false, 'other JSON is not read');
    // Whether the type already has the field: YAML by indentation, GraphQL and JSON by braces.
    const withRef = scanFile(
      'api/openapi.yaml',
      'components:\n  schemas:\n    Order:\n      properties:\n        ref:\n          type: string\n    Customer:\n      properties:\n        ref: {}\n',
      t,
    );
    assert.deepEqual(
      withRef.api?.map((a) => a.hasField),
      [true],
    );
    const customerOnly = scanFile(
      'api/openapi.yaml',
      'components:\n  schemas:\n    Order:\n      properties:\n        id: {}\n    Customer:\n      properties:\n        ref: {}\n',
      t,
    );
    assert.deepEqual(
      customerOnly.api?.map((a) => a.hasField),
      [false],
    );
    assert.deepEqual(
      scanFile('schema.graphql', 'type Order {\n  id: ID!\n  ref: String\n}\ntype Customer { ref: String }\n', t).api?.map(
        (a) => a.hasField,
      ),
      [true],
    );
    assert.deepEqual(
      scanFile('schema.graphql', 'type Order {\n  id: ID!\n}\ntype Customer { ref: String }\n', t).api?.map((a) => a.hasField),
      [false],
    );
    const merged = mergeScans(t, [openapi], 1, 0);
    assert.match(
      summarizeScan(merged),
      /openapi schema api\/openapi\.yaml:3 exposes Order: add ref there after the backfill \(cut-over step\), not before/,
    );
  });
});
