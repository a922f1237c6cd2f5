/** Small hand-built plans for the runner tests (builders show only what matters to each test). */
import type { Dialect, Phase, Plan, Step } from '../../src/core/types';
import type { DatabaseClient } from '../../src/db/client';

export function step(sql: string, extra: Partial<Step> = {}): Step {
  return {
    sql,
    lock: 'ACCESS EXCLUSIVE',
    blocks: { reads: true, writes: true },
    rewrite: false,
    estimate: { lockSeconds: 0, totalSeconds: 0.1, basis: 'default' },
    why: 'test',
    ...extra,
  };
}

export function phase(kind: Phase['kind'], steps: Step[], transactional = false): Phase {
  return { kind, title: kind, transactional, steps };
}

export function plan(dialect: Dialect, schema: string, table: string, column: string, phases: Phase[]): Plan {
  return {
    dialect,
    serverVersion: dialect === 'postgres' ? '15.0' : '10.11.0',
    table: { schema, name: table, rows: 0, bytes: 0 },
    column: { name: column, type: { name: 'int', params: [] }, nullable: true, default: { kind: 'none' } },
    phases,
    warnings: [],
    rollout: [],
  };
}

export function q(engine: 'postgres' | 'mysql', name: string): string {
  return engine === 'postgres' ? `"${name}"` : `\`${name}\``;
}

/** The expand → backfill → constrain → index plan a NOT NULL indexed column takes, by hand. */
export function fullPlan(engine: 'postgres' | 'mysql', schema: string, table: string, column: string, valueSql: string): Plan {
  const t = `${q(engine, schema)}.${q(engine, table)}`;
  const c = q(engine, column);
  const backfill = step(`UPDATE ${t} SET ${c} = ${valueSql} WHERE ${c} IS NULL -- in batches`, {
    lock: 'ROW EXCLUSIVE',
    blocks: { reads: false, writes: false },
    backfill: { table: { schema, name: table }, column, valueSql },
  });
  if (engine === 'postgres') {
    return plan('postgres', schema, table, column, [
      phase('expand', [step(`ALTER TABLE ${t} ADD COLUMN ${c} integer`, { lockTimeoutSql: "SET lock_timeout = '2s'" })], true),
      phase('backfill', [backfill]),
      phase('constrain', [
        step(`ALTER TABLE ${t} ADD CONSTRAINT ${q(engine, `${column}_nn`)} CHECK (${c} IS NOT NULL) NOT VALID`),
        step(`ALTER TABLE ${t} VALIDATE CONSTRAINT ${q(engine, `${column}_nn`)}`),
        step(`ALTER TABLE ${t} ALTER COLUMN ${c} SET NOT NULL`),
        step(`ALTER TABLE ${t} DROP CONSTRAINT ${q(engine, `${column}_nn`)}`),
      ]),
      phase('index', [step(`CREATE INDEX CONCURRENTLY ${q(engine, `${table}_${column}_idx`)} ON ${t} (${c})`)]),
    ]);
  }
  return plan('mariadb', schema, table, column, [
    phase('expand', [step(`ALTER TABLE ${t} ADD COLUMN ${c} int NULL, ALGORITHM=INSTANT`)]),
    phase('backfill', [backfill]),
    phase('constrain', [step(`ALTER TABLE ${t} MODIFY ${c} int NOT NULL, ALGORITHM=INPLACE, LOCK=NONE`)]),
    phase('index', [step(`ALTER TABLE ${t} ADD INDEX ${q(engine, `${table}_${column}_idx`)} (${c}), ALGORITHM=INPLACE, LOCK=NONE`)]),
  ]);
}

/** Fill `table (id bigint primary key, v int)` with ids 1..n quickly. */
export async function seedTable(
  client: DatabaseClient,
  engine: 'postgres' | 'mysql',
  schema: string,
  table: string,
  n: number,
): Promise<void> {
  const t = `${q(engine, schema)}.${q(engine, table)}`;
  await client.query(`CREATE TABLE ${t} (id bigint PRIMARY KEY, v integer NOT NULL)`);
  if (engine === 'postgres') {
    await client.query(`INSERT INTO ${t} SELECT g, g % 97 FROM generate_series(1, ${n}) g`);
    await client.query(`ANALYZE ${t}`);
  } else {
    // seq_1_to_N is MariaDB's Sequence engine.
    await client.query(`INSERT INTO ${t} SELECT seq, seq % 97 FROM seq_1_to_${n}`);
    await client.query(`ANALYZE TABLE ${t}`);
  }
}

export const schemaOf = (engine: 'postgres' | 'mysql', dbName: string) => (engine === 'postgres' ? 'public' : dbName);
