/** The planner's scenarios run end to end on the real servers: plans from planColumn + parseColumnDefinition + live facts. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseColumnDefinition } from '../../src/core/columnSpec';
import { planColumn } from '../../src/core/plan';
import type { ColumnSpec, Dialect } from '../../src/core/types';
import type { DatabaseClient } from '../../src/db/client';
import { runPlan, type RunProgress } from '../../src/db/run';
import { dbTest, throwawayDatabase, type Engine } from './helpers';
import { q, schemaOf, seedTable } from './runHelpers';

interface Scenario {
  readonly name: string;
  readonly column: string;
  readonly flags?: Partial<Pick<ColumnSpec, 'index' | 'unique'>>;
  /** The server's own type text for the new column. */
  readonly type: RegExp;
  readonly nullable: boolean;
  /** A predicate every row must satisfy (SQL over the table; `c` is the new column). */
  readonly rowsOk: string;
  readonly expectBackfill: boolean;
  readonly distinct?: boolean;
}

const SCENARIOS: Record<Engine, Scenario[]> = {
  postgres: [
    {
      name: 'NOT NULL with a constant default, indexed',
      column: 'c int NOT NULL DEFAULT 7',
      flags: { index: true },
      type: /^integer$/,
      nullable: false,
      rowsOk: 'c = 7',
      expectBackfill: false,
    },
    {
      name: 'NOT NULL with a volatile default, unique',
      column: 'c uuid NOT NULL DEFAULT gen_random_uuid()',
      flags: { unique: true },
      type: /^uuid$/,
      nullable: false,
      rowsOk: 'c IS NOT NULL',
      expectBackfill: true,
      distinct: true,
    },
    {
      name: 'nullable timestamptz with now()',
      column: 'c timestamptz DEFAULT now()',
      type: /^timestamp with time zone$/,
      nullable: true,
      rowsOk: 'c IS NOT NULL',
      expectBackfill: false,
    },
    { name: 'nullable text, no default', column: 'c text', type: /^text$/, nullable: true, rowsOk: 'c IS NULL', expectBackfill: false },
  ],
  mysql: [
    {
      name: 'NOT NULL with a constant default, indexed',
      column: 'c int NOT NULL DEFAULT 7',
      flags: { index: true },
      type: /^int/,
      nullable: false,
      rowsOk: 'c = 7',
      expectBackfill: false,
    },
    {
      name: 'NOT NULL with an expression default, indexed',
      column: 'c varchar(36) NOT NULL DEFAULT (UUID())',
      flags: { index: true },
      type: /^varchar\(36\)$/,
      nullable: false,
      rowsOk: 'CHAR_LENGTH(c) = 36',
      expectBackfill: true,
      distinct: true,
    },
    {
      name: 'nullable varchar, no default',
      column: 'c varchar(20) NULL',
      type: /^varchar\(20\)$/,
      nullable: true,
      rowsOk: 'c IS NULL',
      expectBackfill: false,
    },
  ],
};

async function columnDef(
  client: DatabaseClient,
  engine: Engine,
  schema: string,
  table: string,
): Promise<{ type: string; nullable: boolean } | undefined> {
  if (engine === 'postgres') {
    const [r] = await client.query<{ type: string; nullable: boolean }>(
      `SELECT format_type(atttypid, atttypmod) AS type, NOT attnotnull AS nullable FROM pg_attribute WHERE attrelid = $1::regclass AND attname = 'c'`,
      [`${q(engine, schema)}.${q(engine, table)}`],
    );
    return r;
  }
  const [r] = await client.query<{ type: string; nullable: string }>(
    `SELECT COLUMN_TYPE AS type, IS_NULLABLE AS nullable FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND COLUMN_NAME = 'c'`,
    [schema, table],
  );
  return r ? { type: r.type, nullable: r.nullable === 'YES' } : undefined;
}

for (const engine of ['postgres', 'mysql'] as const) {
  describe(`planner scenarios run on ${engine}`, () => {
    const db = throwawayDatabase(engine);
    SCENARIOS[engine].forEach((s, i) => {
      test(
        s.name,
        dbTest(async (t) => {
          const d = db.get(t);
          const schema = schemaOf(engine, d.name);
          const table = `scenario_${i}`;
          await seedTable(d.client, engine, schema, table, 3000);
          const info = await d.client.serverInfo();
          const dialect: Dialect = info.dialect;
          const spec = { ...parseColumnDefinition(s.column, dialect), ...s.flags };
          const facts = await d.client.tableFacts({ schema, name: table });
          const plan = planColumn(spec, facts, { dialect, version: info.version }, { batchSize: 250 });
          assert.equal(plan.warnings.filter((w) => w.severity === 'error').length, 0, JSON.stringify(plan.warnings));
          const hasBackfill = plan.phases.some((p) => p.steps.some((st) => st.backfill));
          assert.equal(hasBackfill, s.expectBackfill, `backfill phase: ${plan.phases.map((p) => p.kind).join(', ')}`);

          const events: RunProgress[] = [];
          const out = await runPlan(await d.connect(), plan, { backfill: { targetBatchMs: 10 }, onProgress: (e) => events.push(e) });
          assert.equal(out.status, 'completed');
          if (out.status !== 'completed') return;
          const def = await columnDef(d.client, engine, schema, table);
          assert.ok(def, 'the column exists');
          assert.match(def.type, s.type);
          assert.equal(def.nullable, s.nullable);
          assert.equal(out.report.columnDefinition?.nullable, s.nullable);
          const tbl = `${q(engine, schema)}.${q(engine, table)}`;
          const [bad] = await d.client.query<{ n: number | string }>(
            `SELECT count(*) AS n FROM ${tbl} WHERE NOT (${s.rowsOk}) OR (${s.rowsOk}) IS NULL`,
          );
          assert.equal(Number(bad!.n), 0, `rows failing ${s.rowsOk}`);
          if (s.distinct) {
            const [dst] = await d.client.query<{ n: number | string }>(`SELECT count(DISTINCT c) AS n FROM ${tbl}`);
            assert.equal(Number(dst!.n), 3000, 'every row got its own value');
          }
          if (s.expectBackfill) {
            const batches = events.filter((e) => e.kind === 'batch');
            assert.ok(
              batches.length >= 2 && batches.at(-1)!.rowsDone === 3000,
              `batches: ${batches.length}, last rowsDone ${batches.at(-1)?.rowsDone}`,
            );
          }
          if (s.flags?.index || s.flags?.unique) {
            assert.ok(out.report.indexes.length >= 1 && out.report.indexes.every((ix) => ix.valid), JSON.stringify(out.report.indexes));
            assert.ok(out.report.explain, 'EXPLAIN of a sample query on the indexed column');
          }
        }),
      );
    });
  });
}
