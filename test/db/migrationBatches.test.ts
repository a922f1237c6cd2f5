/**
 * The written backfill and DDL retries under real conditions, applied by the real tools on PostgreSQL and MariaDB:
 * a table big enough for many batches, a concurrent single-row writer, a lock held on the table when the DDL starts
 * (the DDL must retry past its lock timeout and then succeed), and a failure injected half-way through the backfill
 * (a trigger raises an error for one row in the middle, once): rerunning the migration must continue — every row
 * filled, the rows filled before the failure keep their values.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import type { Plan } from '../../src/core/types';
import type { DatabaseClient } from '../../src/db/client';
import { planFor } from '../unit/migrations/plans';
import { dbTest, throwawayDatabase, type ThrowawayDatabase } from './helpers';
import { BIN, TOOL_RUNNERS, writeInto, workspacesForFile, type ToolEngine as Engine, type ToolRunner } from './migrationTools';

const pg = throwawayDatabase('postgres');
const my = throwawayDatabase('mysql');
const workspace = workspacesForFile();

const ROWS = 100_000;
/** The row whose batch fails once. */
const FAULT_ID = 60_000;
/** Longer than the plan's 2 s lock timeout: the first try of the DDL must fail and a retry succeed. */
const HOLD_MS = 3500;

function runAsync(
  cmd: string,
  args: readonly string[],
  cwd: string,
  env: Record<string, string> = {},
): Promise<{ status: number | null; output: string }> {
  const local = join(BIN, cmd);
  return new Promise((resolve) => {
    const child = spawn(existsSync(local) ? local : cmd, args, { cwd, env: { ...process.env, ...env } });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('close', (status) => resolve({ status, output }));
    child.on('error', (err) => resolve({ status: -1, output: `${output}${String(err)}` }));
  });
}

/** The tools this test drives (node-pg-migrate, PostgreSQL only, is not one of them). */
const TOOLS = TOOL_RUNNERS.filter((t) => t.name !== 'node-pg-migrate');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Writer {
  stop(): Promise<{ writes: number; errors: string[]; maxMs: number }>;
}

/** One session updating a random row's other column as fast as it can, timing each statement. */
async function startWriter(db: ThrowawayDatabase, engine: Engine, table: string): Promise<Writer> {
  const client = await db.connect();
  // An application session: no lock timeout of its own (the test client sets one).
  await client.query(engine === 'postgres' ? 'SET lock_timeout = 0' : 'SET SESSION lock_wait_timeout = 31536000');
  let running = true;
  let writes = 0;
  let maxMs = 0;
  const errors: string[] = [];
  const sql = engine === 'postgres' ? `UPDATE "${table}" SET name = $1 WHERE id = $2` : `UPDATE \`${table}\` SET name = ? WHERE id = ?`;
  const loop = (async () => {
    while (running) {
      const t0 = performance.now();
      try {
        await client.query(sql, [`w${writes}`, 1 + Math.floor(Math.random() * ROWS)]);
        writes++;
      } catch (err) {
        errors.push(String(err));
      }
      maxMs = Math.max(maxMs, performance.now() - t0);
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      await client.close();
      return { writes, errors, maxMs };
    },
  };
}

async function filled(client: DatabaseClient, engine: Engine, table: string): Promise<number | null> {
  try {
    const q = engine === 'postgres' ? `SELECT count(token) AS n FROM "${table}"` : `SELECT COUNT(token) AS n FROM \`${table}\``;
    return Number((await client.query<{ n: string | number }>(q))[0]!.n);
  } catch {
    return null; // the column does not exist yet
  }
}

async function seed(db: ThrowawayDatabase, engine: Engine, table: string): Promise<void> {
  if (engine === 'postgres') {
    await db.client.query(`CREATE TABLE "${table}" (id bigint PRIMARY KEY, name text)`);
    await db.client.query(`INSERT INTO "${table}" SELECT g, 'n' || g FROM generate_series(1, ${ROWS}) g`);
    await db.client.query(`ANALYZE "${table}"`);
    await db.client.query(`CREATE TABLE "${table}_fault" (armed boolean NOT NULL)`);
    await db.client.query(`INSERT INTO "${table}_fault" VALUES (true)`);
    // An update that leaves name alone is the backfill (the writer always changes name).
    await db.client.query(`CREATE FUNCTION "${table}_fail"() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN
      IF NEW.id = ${FAULT_ID} AND NEW.name IS NOT DISTINCT FROM OLD.name AND (SELECT armed FROM "${table}_fault") THEN RAISE EXCEPTION 'injected failure in the middle of the backfill'; END IF;
      RETURN NEW; END $f$`);
    await db.client.query(`CREATE TRIGGER "${table}_fail" BEFORE UPDATE ON "${table}" FOR EACH ROW EXECUTE FUNCTION "${table}_fail"()`);
  } else {
    await db.client.query(`CREATE TABLE \`${table}\` (id bigint PRIMARY KEY, name text)`);
    await db.client.query(`INSERT INTO \`${table}\` SELECT seq, CONCAT('n', seq) FROM seq_1_to_${ROWS}`);
    await db.client.query(`CREATE TABLE \`${table}_fault\` (armed boolean NOT NULL)`);
    await db.client.query(`INSERT INTO \`${table}_fault\` VALUES (true)`);
    await db.client.query(`CREATE TRIGGER \`${table}_fail\` BEFORE UPDATE ON \`${table}\` FOR EACH ROW
      IF NEW.id = ${FAULT_ID} AND NEW.name <=> OLD.name AND (SELECT armed FROM \`${table}_fault\`) THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'injected failure in the middle of the backfill'; END IF`);
  }
}

async function disarm(db: ThrowawayDatabase, engine: Engine, table: string): Promise<void> {
  await db.client.query(
    engine === 'postgres' ? `UPDATE "${table}_fault" SET armed = false` : `UPDATE \`${table}_fault\` SET armed = false`,
  );
}

function plan(engine: Engine, db: ThrowawayDatabase, table: string): Plan {
  return engine === 'postgres'
    ? planFor('postgres', '15.4', 'token uuid NOT NULL DEFAULT gen_random_uuid()', { table, rows: ROWS })
    : planFor('mariadb', '10.11.6-MariaDB', 'token varchar(40) NOT NULL DEFAULT (UUID())', { schema: db.name, table, rows: ROWS });
}

/** Holds a lock the DDL waits for: PostgreSQL ACCESS SHARE (conflicts with ACCESS EXCLUSIVE), MariaDB an open transaction's metadata lock. */
async function holdLock(db: ThrowawayDatabase, engine: Engine, table: string, ms: number): Promise<{ released: Promise<void> }> {
  const holder = await db.connect();
  await holder.query(engine === 'postgres' ? 'BEGIN' : 'START TRANSACTION');
  await holder.query(engine === 'postgres' ? `LOCK TABLE "${table}" IN ACCESS SHARE MODE` : `SELECT id FROM \`${table}\` LIMIT 1`);
  const released = (async () => {
    await sleep(ms);
    await holder.query('ROLLBACK');
    await holder.close();
  })();
  return { released };
}

async function snapshot(client: DatabaseClient, engine: Engine, table: string): Promise<Map<string, string>> {
  const q =
    engine === 'postgres'
      ? `SELECT id::text AS id, token::text AS token FROM "${table}" WHERE token IS NOT NULL`
      : `SELECT CAST(id AS CHAR) AS id, token FROM \`${table}\` WHERE token IS NOT NULL`;
  return new Map((await client.query<{ id: string; token: string }>(q)).map((r) => [r.id, r.token]));
}

async function scenario(t: TestContext, engine: Engine, tool: ToolRunner): Promise<void> {
  const db = (engine === 'postgres' ? pg : my).get(t);
  const table = `b_${tool.name}`;
  await seed(db, engine, table);
  const ws = workspace(`batches-${tool.name}-${engine}`);
  const { result } = await writeInto(ws, plan(engine, db, table), tool.name, tool.dir, tool.options?.(engine) ?? {});
  assert.deepEqual(result.manual, [], 'every step is a migration');
  const run = tool.setup(ws, engine, db, table);

  const writer = await startWriter(db, engine, table);
  try {
    // Run 1: a lock is held when the DDL starts; the batch holding row FAULT_ID fails.
    const { released } = await holdLock(db, engine, table, HOLD_MS);
    const started = Date.now();
    const first = runAsync(run.cmd, run.args, ws.root, run.env);
    let firstFilled: number | null = null;
    let done = false;
    const watch = (async () => {
      while (!done && firstFilled === null) {
        const n = await filled(db.client, engine, table);
        if (n !== null && n > 0) firstFilled = Date.now() - started;
        else await sleep(20);
      }
    })();
    await released;
    const r1 = await first;
    done = true;
    await watch;
    assert.notEqual(r1.status, 0, `the run with the injected failure fails:\n${r1.output.slice(-1500)}`);
    assert.match(r1.output, /injected failure in the middle of the backfill/);
    assert.ok(
      firstFilled !== null && firstFilled >= 2000,
      `the DDL waited out its first lock timeout before the backfill began (${firstFilled} ms)`,
    );
    const before = await snapshot(db.client, engine, table);
    assert.ok(
      before.size > 1000 && before.size < FAULT_ID,
      `the batches before the failing one were committed (${before.size} rows filled)`,
    );
    await disarm(db, engine, table);

    // Run 2: the same command continues.
    const r2 = await runAsync(run.cmd, run.args, ws.root, run.env);
    assert.equal(r2.status, 0, `rerun:\n${r2.output}`);
    const after = await snapshot(db.client, engine, table);
    assert.equal(after.size, ROWS, 'every row filled');
    let changed = 0;
    for (const [id, token] of before) if (after.get(id) !== token) changed++;
    assert.equal(changed, 0, 'rows filled before the failure kept their values (the rerun continued, it did not redo them)');
    assert.equal(new Set(after.values()).size, ROWS, 'each row got its own value');
    const nullable =
      engine === 'postgres'
        ? (
            await db.client.query<{ is_nullable: string }>(
              `SELECT is_nullable FROM information_schema.columns WHERE table_name = '${table}' AND column_name = 'token'`,
            )
          )[0]?.is_nullable
        : (
            await db.client.query<{ IS_NULLABLE: string }>(
              `SELECT IS_NULLABLE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '${table}' AND COLUMN_NAME = 'token'`,
            )
          )[0]?.IS_NULLABLE;
    assert.equal(nullable, 'NO', 'the NOT NULL step ran after the backfill');
  } finally {
    const w = await writer.stop();
    t.diagnostic(
      `${tool.name} on ${engine}: concurrent writer ${w.writes} updates, ${w.errors.length} errors, max ${w.maxMs.toFixed(0)} ms (includes the held lock and the DDL queued behind it)`,
    );
    assert.deepEqual(w.errors, [], 'the concurrent writer saw no error');
    assert.ok(w.writes > 10, `the writer kept writing (${w.writes})`);
  }
}

// The two engines run side by side (each tool's run is mostly waiting: the held lock, the retry pause, tool start-up).
describe('written migrations: many batches, a concurrent writer, a held lock, a failure half-way and a rerun', { concurrency: 2 }, () => {
  for (const engine of ['postgres', 'mariadb'] as const) {
    describe(engine, () => {
      for (const tool of TOOLS) {
        it(
          tool.name,
          dbTest((t) => scenario(t, engine, tool)),
        );
      }
    });
  }
});
