/**
 * The Prisma side of a rollout through Prisma's own engines (issue 22), offline: the prisma CLI downloads native
 * engines at run time, but the same Rust code is published compiled to WebAssembly.
 * - `@prisma/prisma-schema-wasm`: the schema parser/validator behind `prisma validate`, `prisma format` and the DMMF.
 * - `@prisma/schema-engine-wasm`: the schema engine behind `prisma migrate diff`, reaching the database through a
 *   driver adapter (`@prisma/adapter-pg`), as Prisma 7 does for `--from-config-datasource`.
 * The base tables are what Prisma's own diff creates from the fixture's schema; the plan's migrations are applied to
 * the real PostgreSQL; after them, the fixture's schema with the model edits must (1) pass Prisma's validator,
 * (2) describe in Prisma's DMMF the column the catalog has (required or optional, default, native type, the index by
 * its name), and (3) leave `migrate diff` from the database to the schema empty.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bindSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import { describe, it } from 'node:test';
import * as prismaWasm from '@prisma/prisma-schema-wasm';
import { applyEdit, modelEdit, modelExtras, type ModelPhase } from '../../src/core/app/modelEdit';
import { scanFile } from '../../src/core/app/scan';
import type { DatabaseClient } from '../../src/db/client';
import type { Plan } from '../../src/core/types';
import { planFor } from '../unit/migrations/plans';
import { dbTest, throwawayDatabase } from './helpers';
import { psqlFile, writeInto, workspacesForFile } from './migrationTools';
import { adapterFor, CharMarkingPool, panics, schemaEngine } from './prismaEngine';

// Prisma 7 moved the connection URL to prisma.config.ts and its validator refuses `url` in the schema file (P1012);
// the fixture keeps the Prisma 6 line, which changes nothing about the models.
const SCHEMA = readFileSync(join(__dirname, '..', 'fixtures', 'app', 'prisma', 'prisma', 'schema.prisma'), 'utf8').replace(
  /\n\s*url\s*=\s*env\("DATABASE_URL"\)/,
  '',
);
const TARGET = { table: 'orders', column: 'ref' };
const pg = throwawayDatabase('postgres');
const workspace = workspacesForFile();

interface DmmfField {
  readonly name: string;
  readonly dbName?: string | null;
  readonly isRequired: boolean;
  readonly hasDefaultValue: boolean;
  readonly default?: unknown;
  readonly nativeType?: readonly [string, readonly string[]] | null;
  readonly type: string;
}
interface Dmmf {
  readonly datamodel: {
    readonly models: readonly { readonly name: string; readonly fields: readonly DmmfField[] }[];
    readonly indexes: readonly {
      readonly model: string;
      readonly type: string;
      readonly dbName?: string | null;
      readonly fields: readonly { readonly name: string }[];
    }[];
  };
}

const files = (schema: string) => JSON.stringify({ prismaSchema: [['schema.prisma', schema]], noColor: true });

/** Prisma's validator; throws with Prisma's own message (P1012 …) when the schema is invalid. */
function validate(schema: string): void {
  prismaWasm.validate(files(schema));
}

function dmmf(schema: string): Dmmf {
  return JSON.parse(prismaWasm.get_dmmf(files(schema))) as Dmmf;
}

/** The fixture's schema after the expand edit, and after the final edit too when `phase` is final. */
function edited(plan: Plan, phase: ModelPhase): string {
  let text = SCHEMA;
  for (const p of phase === 'expand' ? (['expand'] as const) : (['expand', 'final'] as const)) {
    const [m] = scanFile('prisma/schema.prisma', text, TARGET).models;
    const e = modelEdit(m!, text, plan.column, p, 'postgres', modelExtras(plan))!;
    text = applyEdit(text, e);
  }
  return text;
}

interface CatalogColumn {
  readonly nullable: boolean;
  readonly udt: string;
  readonly length: number | null;
  readonly default: string | null;
  readonly indexes: readonly string[];
}

async function catalog(db: DatabaseClient): Promise<CatalogColumn> {
  const [c] = await db.query<{
    is_nullable: string;
    udt_name: string;
    character_maximum_length: number | null;
    column_default: string | null;
  }>(
    `SELECT is_nullable, udt_name, character_maximum_length, column_default FROM information_schema.columns
      WHERE table_schema = 'public' AND table_name = 'orders' AND column_name = 'ref'`,
  );
  assert.ok(c, 'orders.ref exists');
  const idx = await db.query<{ name: string }>(
    `SELECT i.relname AS name FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = ANY (x.indkey)
      WHERE x.indrelid = 'public.orders'::regclass AND a.attname = 'ref' AND NOT x.indisunique`,
  );
  return {
    nullable: c.is_nullable === 'YES',
    udt: c.udt_name,
    length: c.character_maximum_length,
    default: c.column_default,
    indexes: idx.map((r) => r.name).sort(),
  };
}

/** What Prisma's introspection would write for the column, in DMMF terms (the subset these columns use). */
function expectedFromCatalog(c: CatalogColumn): Pick<DmmfField, 'isRequired' | 'default' | 'nativeType'> & { indexes: string[] } {
  const literal = c.default === null ? null : /^'((?:[^']|'')*)'::[\w ]+$/.exec(c.default);
  const defaultValue =
    c.default === null ? undefined : literal ? literal[1]!.replace(/''/g, "'") : { name: 'dbgenerated', args: [c.default] };
  const nativeType: DmmfField['nativeType'] =
    c.udt === 'uuid' ? ['Uuid', []] : c.udt === 'varchar' ? ['VarChar', [String(c.length)]] : c.udt === 'text' ? null : ['?', []];
  return { isRequired: !c.nullable, default: defaultValue, nativeType, indexes: [...c.indexes] };
}

/** `indexes: false`: the index is not compared (the expand edit declares the plan's index before its phase builds it). */
function assertPrismaMatches(schema: string, c: CatalogColumn, where: string, opts: { indexes?: boolean } = {}): void {
  validate(schema);
  const d = dmmf(schema);
  const field = d.datamodel.models.find((m) => m.name === 'Order')!.fields.find((f) => f.name === 'ref');
  assert.ok(field, `${where}: Prisma sees Order.ref`);
  const want = expectedFromCatalog(c);
  if (opts.indexes === false) want.indexes = [];
  assert.deepEqual(
    {
      isRequired: field.isRequired,
      default: field.default,
      nativeType: field.nativeType ?? null,
      indexes: d.datamodel.indexes
        .filter(() => opts.indexes !== false)
        .filter((i) => i.model === 'Order' && i.type === 'normal' && i.fields.some((f) => f.name === 'ref'))
        .map((i) => i.dbName ?? '')
        .sort(),
    },
    want,
    `${where}: Prisma's DMMF of the edited schema against the catalog\n${schema}`,
  );
}

/**
 * `prisma migrate diff --from-config-datasource --to-schema <schema> --script --exit-code`, or with `from: 'empty'`
 * `--from-empty`: the SQL that takes the database (or nothing) to the schema; exit code 2 when there is a difference.
 */
async function migrateDiff(
  url: string,
  schema: string,
  from: 'database' | 'empty' = 'database',
): Promise<{ exitCode: number; sql: string }> {
  const pool = new CharMarkingPool({ connectionString: url });
  try {
    const { SchemaEngine } = await schemaEngine();
    const engine = await SchemaEngine.new(
      { datamodels: [['schema.prisma', schema]] },
      () => undefined,
      bindSqlAdapterFactory(adapterFor(pool)),
    );
    const files = [{ path: 'schema.prisma', content: schema }];
    const r = await engine.diff({
      from: from === 'empty' ? { tag: 'empty' } : { tag: 'schemaDatasource', files, configDir: '.' },
      to: { tag: 'schemaDatamodel', files },
      script: true,
      exitCode: true,
      filters: { externalTables: [], externalEnums: [] },
    });
    engine.free();
    return { exitCode: r.exitCode, sql: r.stdout };
  } catch (err) {
    throw panics.length ? new Error(`the schema engine panicked: ${panics.splice(0).join('; ')}`) : err;
  } finally {
    await pool.end();
  }
}

/** The base tables as Prisma creates them from the fixture's schema (its own initial migration), with ten orders. */
async function freshTable(ws: ReturnType<typeof workspace>, url: string): Promise<void> {
  psqlFile(ws, url, 'DROP TABLE IF EXISTS orders; DROP TABLE IF EXISTS "Customer";');
  const initial = await migrateDiff(url, SCHEMA, 'empty');
  psqlFile(ws, url, initial.sql);
  psqlFile(
    ws,
    url,
    `INSERT INTO "Customer" (email) VALUES ('a@example.com'); INSERT INTO orders (amount, customer_id) SELECT g, 1 FROM generate_series(1, 10) g;`,
  );
  assert.equal((await migrateDiff(url, SCHEMA)).exitCode, 0, 'the base tables are what the schema says');
}

describe("Prisma: the edited schema passes Prisma's validator and its DMMF matches the catalog the plan leaves", () => {
  it('Prisma rejects what it should (the validator runs, it does not just parse)', () => {
    validate(SCHEMA);
    assert.throws(() => validate(SCHEMA.replace('amount     Int', 'amount     Integer')), /P1012/);
    assert.throws(
      () => validate(SCHEMA.replace('@@map("orders")', '@@map("orders")\n  @@index([nope])')),
      /P1012/,
      'an index on an unknown field',
    );
  });

  const cases: { definition: string; version: string; index?: boolean; note: string }[] = [
    {
      definition: 'ref uuid NOT NULL DEFAULT gen_random_uuid()',
      version: '15.4',
      index: true,
      note: 'backfill, then NOT NULL, with an index',
    },
    { definition: "ref varchar(40) NOT NULL DEFAULT 'x'", version: '15.4', note: 'NOT NULL from its first migration (constant default)' },
    {
      definition: 'ref uuid NOT NULL DEFAULT gen_random_uuid()',
      version: '11.22',
      note: 'PostgreSQL 11: NOT NULL kept as a validated CHECK',
    },
    { definition: 'ref text', version: '15.4', note: 'nullable, no default' },
  ];
  for (const c of cases) {
    it(
      `${c.definition} (plan for PostgreSQL ${c.version}: ${c.note}): after the expand migration and after the last one`,
      dbTest(async (t) => {
        const db = pg.get(t);
        const ws = workspace('prisma-rt');
        await freshTable(ws, db.url);
        const plan = planFor('postgres', c.version, c.definition, { table: 'orders', rows: 10, ...(c.index ? { index: true } : {}) });
        const { result } = await writeInto(ws, plan, 'plain-sql', 'migrations');
        assert.ok(result.files.length >= 1);
        psqlFile(ws, db.url, result.files[0]!.content);
        assertPrismaMatches(edited(plan, 'expand'), await catalog(db.client), 'after the expand migration', { indexes: false });
        for (const f of result.files.slice(1)) psqlFile(ws, db.url, f.content);
        for (const m of result.manual) psqlFile(ws, db.url, m.sql);
        const after = await catalog(db.client);
        assertPrismaMatches(edited(plan, 'final'), after, 'after the last migration');
        const diff = await migrateDiff(db.url, edited(plan, 'final'));
        assert.deepEqual(
          diff,
          { exitCode: 0, sql: '-- This is an empty migration.\n' },
          'prisma migrate diff: the schema matches the database',
        );
        // Controls: the diff is not empty when the schema is not the database's.
        const unedited = await migrateDiff(db.url, SCHEMA);
        assert.equal(unedited.exitCode, 2);
        assert.match(unedited.sql, /ALTER TABLE "orders" DROP COLUMN "ref"/);
        if (c.version === '11.22') {
          assert.equal(after.nullable, true, 'PostgreSQL 11 plan: the column stays nullable in the catalog');
          // The final form PostgreSQL 12+ gets (required) does not match this catalog.
          const required = edited(plan, 'final').replace('ref String? @db.Uuid', 'ref String @db.Uuid');
          assert.notEqual(required, edited(plan, 'final'));
          const d = await migrateDiff(db.url, required);
          assert.equal(d.exitCode, 2);
          assert.match(d.sql, /ALTER COLUMN "ref" SET NOT NULL/);
        }
      }),
    );
  }
});
