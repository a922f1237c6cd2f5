/** Fault injection on the real servers: killed connections, a long transaction holding the table, a killed runner process. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { Plan } from '../../src/core/types';
import type { DatabaseClient } from '../../src/db/client';
import { RunFailure, runPlan, RunStore, type RunOptions, type RunOutcome, type RunProgress } from '../../src/db/run';
import { dbTest, throwawayDatabase, type Engine } from './helpers';
import { fullPlan, phase, plan, q, schemaOf, seedTable, step } from './runHelpers';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A column `touches` counted up by a trigger on every UPDATE: proves each row was written exactly once. */
async function addTouchCounter(client: DatabaseClient, engine: Engine, schema: string, table: string): Promise<void> {
  const t = `${q(engine, schema)}.${q(engine, table)}`;
  await client.query(`ALTER TABLE ${t} ADD COLUMN touches int NOT NULL DEFAULT 0`);
  if (engine === 'postgres') {
    await client.query(
      `CREATE FUNCTION ${q(engine, `touch_${table}`)}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.touches := OLD.touches + 1; RETURN NEW; END $$`,
    );
    await client.query(
      `CREATE TRIGGER ${q(engine, `touch_${table}`)} BEFORE UPDATE ON ${t} FOR EACH ROW EXECUTE FUNCTION ${q(engine, `touch_${table}`)}()`,
    );
  } else {
    await client.query(
      `CREATE TRIGGER ${q(engine, `touch_${table}`)} BEFORE UPDATE ON ${t} FOR EACH ROW SET NEW.touches = OLD.touches + 1`,
    );
  }
}

async function kill(admin: DatabaseClient, engine: Engine, session: number): Promise<void> {
  if (engine === 'postgres') await admin.query('SELECT pg_terminate_backend($1)', [session]);
  else await admin.query(`KILL ${Number(session)}`);
}

async function scalar(client: DatabaseClient, sql: string): Promise<number> {
  const [row] = await client.query<Record<string, unknown>>(sql);
  return Number(Object.values(row!)[0]);
}

for (const engine of ['postgres', 'mysql'] as const) {
  describe(`runner faults on ${engine}`, () => {
    const db = throwawayDatabase(engine);

    test(
      "(a) the runner's connection killed 5+ times at random points of a backfill: resumed, every row written exactly once",
      dbTest(async (t) => {
        const d = db.get(t);
        const schema = schemaOf(engine, d.name);
        await seedTable(d.client, engine, schema, 'killed', 20_000);
        await addTouchCounter(d.client, engine, schema, 'killed');
        const tbl = `${q(engine, schema)}.${q(engine, 'killed')}`;
        const p = fullPlan(engine, schema, 'killed', 'c', 'id * 3 + v');
        const opts: RunOptions = { backfill: { fixedBatchSize: 150 } };
        let kills = 0;
        let outcome: RunOutcome | undefined;
        let unexpected: unknown;
        const rowsAtStart: number[] = [];
        for (let round = 0; round < 40 && !outcome && !unexpected; round++) {
          const runner = await d.connect();
          let session = 0;
          let sawBatch = false;
          let ended = false;
          const firstBatchOrEnd = new Promise<void>((resolve) => {
            runPlan(runner, p, {
              ...opts,
              onProgress: (e) => {
                session = e.sessionId;
                if (e.kind === 'batch' && !sawBatch) {
                  sawBatch = true;
                  rowsAtStart.push(e.rowsDone!);
                  resolve();
                }
              },
            })
              .then(
                (o) => {
                  outcome = o;
                },
                (err: unknown) => {
                  // A killed connection is the expected failure; a kill that lands before the old session ended can find the lock still held.
                  if (!(err instanceof RunFailure) || (err.kind !== 'connection-lost' && err.kind !== 'locked')) unexpected = err;
                },
              )
              .finally(() => {
                ended = true;
                resolve();
              });
          });
          await firstBatchOrEnd;
          if (!ended && kills < 6) {
            // A random point: mid-statement, between the batch and its state write, or between batches.
            await sleep(Math.floor(Math.random() * 60));
            if (!ended) {
              await kill(d.client, engine, session);
              kills++;
            }
          }
          for (let i = 0; i < 1500 && !ended; i++) await sleep(20);
          await runner.close();
        }
        assert.equal(unexpected, undefined, String(unexpected));
        assert.ok(kills >= 5, `killed ${kills} times`);
        assert.equal(outcome?.status, 'completed');
        assert.ok(
          rowsAtStart.slice(1).some((r) => r > 150),
          'later rounds resumed past the first batch',
        );
        assert.equal(await scalar(d.client, `SELECT count(*) FROM ${tbl} WHERE c IS NULL OR c <> id * 3 + v`), 0);
        assert.equal(await scalar(d.client, `SELECT count(*) FROM ${tbl} WHERE touches <> 1`), 0, 'every row updated exactly once');
        assert.equal(await scalar(d.client, `SELECT count(*) FROM ${tbl}`), 20_000);
      }),
    );

    test(
      '(b) a long transaction holds the table: the DDL times out, retries with backoff and succeeds after release; readers wait at most the lock timeout',
      dbTest(async (t) => {
        const d = db.get(t);
        const schema = schemaOf(engine, d.name);
        await seedTable(d.client, engine, schema, 'held', 1000);
        const tbl = `${q(engine, schema)}.${q(engine, 'held')}`;
        const holder = await d.connect();
        const reader = await d.connect();
        await holder.query(engine === 'postgres' ? 'BEGIN' : 'START TRANSACTION');
        await holder.query(`SELECT * FROM ${tbl} WHERE id = 1`);
        const lockTimeoutMs = engine === 'postgres' ? 300 : 1000;
        const holdMs = engine === 'postgres' ? 2000 : 3500;

        let stop = false;
        let maxRead = 0;
        let reads = 0;
        const readerLoop = (async () => {
          while (!stop) {
            const t0 = performance.now();
            await reader.query(`SELECT v FROM ${tbl} WHERE id = 2`);
            maxRead = Math.max(maxRead, performance.now() - t0);
            reads++;
            await sleep(10);
          }
        })();
        const release = sleep(holdMs).then(() => holder.query(engine === 'postgres' ? 'COMMIT' : 'COMMIT'));
        const retries: RunProgress[] = [];
        const p = plan(engine === 'postgres' ? 'postgres' : 'mariadb', schema, 'held', 'c', [
          phase('expand', [step(`ALTER TABLE ${tbl} ADD COLUMN ${q(engine, 'c')} int`)], true),
        ]);
        const t0 = performance.now();
        const out = await runPlan(await d.connect(), p, {
          lockTimeoutMs,
          retry: { maxAttempts: 30, baseDelayMs: 100, maxDelayMs: 400 },
          onProgress: (e) => {
            if (e.kind === 'retry') retries.push(e);
          },
        });
        const took = performance.now() - t0;
        await release;
        stop = true;
        await readerLoop;
        assert.equal(out.status, 'completed');
        assert.ok(retries.length >= 2, `retried ${retries.length} times`);
        assert.ok(
          retries.every((r) => /1205|55P03/.test(r.message ?? '')),
          retries.map((r) => r.message).join('; '),
        );
        assert.ok(took >= holdMs - 50, 'succeeded only after the holder ended');
        assert.ok(reads > 20, `reader ran ${reads} queries`);
        const margin = 400;
        assert.ok(
          maxRead <= lockTimeoutMs + margin,
          `a reader waited ${Math.round(maxRead)} ms, more than the lock timeout ${lockTimeoutMs} ms + ${margin} ms`,
        );
        if (out.status === 'completed') assert.ok(out.report.steps[0]!.attempts >= 3);
      }),
    );

    test(
      "(b') bounded attempts: the failure names the blocking session, and the same plan resumes once it ends",
      dbTest(async (t) => {
        const d = db.get(t);
        const schema = schemaOf(engine, d.name);
        await seedTable(d.client, engine, schema, 'blocked', 100);
        const tbl = `${q(engine, schema)}.${q(engine, 'blocked')}`;
        const holder = await d.connect();
        const holderId = await scalar(holder, engine === 'postgres' ? 'SELECT pg_backend_pid()' : 'SELECT CONNECTION_ID()');
        await holder.query(engine === 'postgres' ? 'BEGIN' : 'START TRANSACTION');
        await holder.query(`SELECT count(*) AS holder_marker FROM ${tbl}`);
        const p = fullPlan(engine, schema, 'blocked', 'c', 'id');
        const failure = await runPlan(await d.connect(), p, {
          lockTimeoutMs: engine === 'postgres' ? 100 : 1000,
          retry: { maxAttempts: 3, baseDelayMs: 20, maxDelayMs: 50 },
        }).then(
          () => assert.fail('expected a lock-timeout failure'),
          (err: unknown) => err as RunFailure,
        );
        assert.ok(failure instanceof RunFailure, String(failure));
        assert.equal(failure.kind, 'lock-timeout');
        assert.match(failure.message, /after 3 attempts/);
        assert.ok(
          failure.blockers.some((b) => b.pid === holderId),
          JSON.stringify(failure.blockers),
        );
        assert.match(failure.message, new RegExp(`pid ${holderId} \\(`));
        if (engine === 'postgres') assert.match(failure.message, /holder_marker/);
        const saved = await new RunStore(d.client, schema).get(failure.runId!);
        assert.equal(saved?.status, 'failed');
        await holder.query('COMMIT');
        const out = await runPlan(await d.connect(), p);
        assert.equal(out.status, 'completed');
        assert.equal(out.runId, failure.runId);
      }),
    );

    test(
      "(c') cancel while a DDL step waits to retry a lock timeout: a clean, resumable stop",
      dbTest(async (t) => {
        const d = db.get(t);
        const schema = schemaOf(engine, d.name);
        await seedTable(d.client, engine, schema, 'cancel_ddl', 50);
        const tbl = `${q(engine, schema)}.${q(engine, 'cancel_ddl')}`;
        const holder = await d.connect();
        await holder.query(engine === 'postgres' ? 'BEGIN' : 'START TRANSACTION');
        await holder.query(`SELECT * FROM ${tbl} WHERE id = 1`);
        const p = fullPlan(engine, schema, 'cancel_ddl', 'c', 'id');
        const ac = new AbortController();
        const out = await runPlan(await d.connect(), p, {
          lockTimeoutMs: engine === 'postgres' ? 100 : 1000,
          retry: { maxAttempts: 50, baseDelayMs: 200, maxDelayMs: 400 },
          signal: ac.signal,
          onProgress: (e) => {
            if (e.kind === 'retry') ac.abort();
          },
        });
        assert.equal(out.status, 'cancelled');
        assert.equal((await new RunStore(d.client, schema).get(out.runId))?.status, 'cancelled');
        await holder.query('COMMIT');
        const resumed = await runPlan(await d.connect(), p);
        assert.equal(resumed.status, 'completed');
        assert.equal(resumed.runId, out.runId);
        assert.equal(await scalar(d.client, `SELECT count(*) FROM ${tbl} WHERE c IS NULL OR c <> id`), 0);
      }),
    );

    test(
      '(d) the runner process killed mid-backfill, then resumed in-process: every row exactly once',
      dbTest(async (t) => {
        const d = db.get(t);
        const schema = schemaOf(engine, d.name);
        await seedTable(d.client, engine, schema, 'proc', 6000);
        await addTouchCounter(d.client, engine, schema, 'proc');
        const tbl = `${q(engine, schema)}.${q(engine, 'proc')}`;
        const p: Plan = fullPlan(engine, schema, 'proc', 'c', 'id - v');
        const dir = mkdtempSync(join(tmpdir(), 'cw-run-'));
        const planFile = join(dir, 'plan.json');
        writeFileSync(planFile, JSON.stringify(p));
        const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'runChild.ts'), d.url, planFile], {
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let out = '';
        let err = '';
        child.stderr.on('data', (b: Buffer) => {
          err += b.toString();
        });
        const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
          child.on('exit', (code, signal) => resolve({ code, signal })),
        );
        await new Promise<void>((resolve, reject) => {
          child.stdout.on('data', (b: Buffer) => {
            out += b.toString();
            if ((out.match(/^batch /gm) ?? []).length >= 8) resolve();
          });
          void exited.then(() => reject(new Error(`child exited early: ${out} ${err}`)));
        });
        child.kill('SIGKILL');
        const { signal } = await exited;
        assert.equal(signal, 'SIGKILL');
        const done = await scalar(d.client, `SELECT count(*) FROM ${tbl} WHERE c IS NOT NULL`);
        assert.ok(done >= 400 && done < 6000, `backfilled ${done} rows before the kill`);

        const events: RunProgress[] = [];
        const resumed = await runPlan(await d.connect(), p, { backfill: { fixedBatchSize: 500 }, onProgress: (e) => events.push(e) });
        assert.equal(resumed.status, 'completed');
        const first = events.find((e) => e.kind === 'batch')!;
        assert.ok(first.rowsDone! > 500, `resumed from the saved key (first batch reached ${first.rowsDone})`);
        assert.equal(await scalar(d.client, `SELECT count(*) FROM ${tbl} WHERE c IS NULL OR c <> id - v`), 0);
        assert.equal(await scalar(d.client, `SELECT count(*) FROM ${tbl} WHERE touches <> 1`), 0);
      }),
    );
  });
}
