import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { DatabaseClient } from '../../src/db/client';
import {
  acquireMigrationLock,
  findBatchKey,
  formatReport,
  mysqlReplicaLag,
  planHash,
  postgresReplicationLag,
  releaseMigrationLock,
  RunFailure,
  runPlan,
  RunStore,
  type RunProgress,
} from '../../src/db/run';
import { dbTest, throwawayDatabase, type Engine } from './helpers';
import { fullPlan, phase, plan, q, schemaOf, seedTable, step } from './runHelpers';

async function mismatches(client: DatabaseClient, engine: Engine, t: string, column: string, expected: string): Promise<number> {
  const [row] = await client.query<{ n: number | string }>(
    `SELECT count(*) AS n FROM ${t} WHERE ${q(engine, column)} IS NULL OR ${q(engine, column)} <> ${expected}`,
  );
  return Number(row!.n);
}

for (const engine of ['postgres', 'mysql'] as const) {
  describe(`runner on ${engine}`, () => {
    const db = throwawayDatabase(engine);
    const dialect = engine === 'postgres' ? 'postgres' : 'mariadb';

    test(
      'runs a full plan: every row backfilled in adaptive batches, NOT NULL and index applied, report and state written',
      dbTest(async (t) => {
        const d = db.get(t);
        const schema = schemaOf(engine, d.name);
        await seedTable(d.client, engine, schema, 'orders', 5000);
        const events: RunProgress[] = [];
        const runner = await d.connect();
        const out = await runPlan(runner, fullPlan(engine, schema, 'orders', 'doubled', 'id * 2'), {
          backfill: { targetBatchMs: 5, initialBatchSize: 100 },
          onProgress: (p) => events.push(p),
        });
        assert.equal(out.status, 'completed');
        if (out.status !== 'completed') return;
        const tbl = `${q(engine, schema)}.${q(engine, 'orders')}`;
        assert.equal(await mismatches(d.client, engine, tbl, 'doubled', 'id * 2'), 0);
        const batches = events.filter((e) => e.kind === 'batch');
        assert.ok(batches.length >= 3, `expected several batches, got ${batches.length}`);
        assert.equal(batches.at(-1)!.rowsDone, 5000);
        assert.ok(
          batches.some((b) => b.batchSize !== 100),
          'the batch size adapted',
        );
        assert.ok(batches.every((b) => b.rowsEstimated! >= 4000 && b.rowsPerSecond! >= 0));
        assert.ok(batches.slice(0, -1).some((b) => typeof b.etaSeconds === 'number'));

        const r = out.report;
        assert.equal(r.columnDefinition?.nullable, false);
        assert.match(r.columnDefinition!.type, /^int/);
        assert.equal(r.indexes.length, 1);
        assert.equal(r.indexes[0]!.name, 'orders_doubled_idx');
        assert.equal(r.indexes[0]!.valid, true);
        assert.ok((r.indexes[0]!.bytes ?? 0) > 0);
        if (engine === 'postgres') assert.equal(typeof r.indexes[0]!.idxScan, 'number');
        assert.ok(r.before && r.after.indexBytes > r.before.indexBytes, 'index storage grew');
        assert.equal(r.analyzed, true);
        assert.ok(r.explain && r.explain.plan.length > 0);
        assert.match(formatReport(r), /Index orders_doubled_idx \(doubled\): valid/);
        assert.equal(r.steps.length, engine === 'postgres' ? 7 : 4);

        const store = new RunStore(d.client, schema);
        const saved = await store.get(out.runId);
        assert.equal(saved?.status, 'completed');
        assert.equal(saved?.phaseIndex, 4);
        assert.ok(saved?.finishedAt);
      }),
    );

    test(
      'walks a composite primary key in small fixed batches without skipping rows',
      dbTest(async (t) => {
        const d = db.get(t);
        const schema = schemaOf(engine, d.name);
        const tbl = `${q(engine, schema)}.${q(engine, 'pairs')}`;
        await d.client.query(`CREATE TABLE ${tbl} (a int NOT NULL, b varchar(20) NOT NULL, PRIMARY KEY (a, b))`);
        const gen =
          engine === 'postgres'
            ? `INSERT INTO ${tbl} SELECT g / 10, 'k' || (g % 10) FROM generate_series(0, 2999) g`
            : `INSERT INTO ${tbl} SELECT seq DIV 10, CONCAT('k', seq MOD 10) FROM seq_0_to_2999`;
        await d.client.query(gen);
        const key = await findBatchKey(d.client, { schema, name: 'pairs' }, 'x');
        assert.deepEqual(
          key.columns.map((c) => c.name),
          ['a', 'b'],
        );
        const p = plan(dialect, schema, 'pairs', 'x', [
          phase('expand', [step(`ALTER TABLE ${tbl} ADD COLUMN ${q(engine, 'x')} int`)], true),
          phase('backfill', [
            step('backfill', { backfill: { table: { schema, name: 'pairs' }, column: 'x', valueSql: `a * 100 + length(b)` } }),
          ]),
        ]);
        const events: RunProgress[] = [];
        const out = await runPlan(await d.connect(), p, { backfill: { fixedBatchSize: 7 }, onProgress: (e) => events.push(e) });
        assert.equal(out.status, 'completed');
        assert.equal(await mismatches(d.client, engine, tbl, 'x', 'a * 100 + length(b)'), 0);
        const batches = events.filter((e) => e.kind === 'batch');
        assert.equal(batches.length, Math.ceil(3000 / 7));
        assert.ok(batches.every((b) => b.batchSize === 7));
      }),
    );

    test(
      'uses a unique NOT NULL key when there is no primary key, and refuses a table with neither',
      dbTest(async (t) => {
        const d = db.get(t);
        const schema = schemaOf(engine, d.name);
        const u = `${q(engine, schema)}.${q(engine, 'uniq')}`;
        const n = `${q(engine, schema)}.${q(engine, 'nokey')}`;
        await d.client.query(`CREATE TABLE ${u} (code varchar(10) NOT NULL, maybe int NULL, UNIQUE (maybe), UNIQUE (code))`);
        await d.client.query(`CREATE TABLE ${n} (v int NULL, w int NOT NULL, UNIQUE (v))`);
        const key = await findBatchKey(d.client, { schema, name: 'uniq' }, 'x');
        assert.deepEqual(
          key.columns.map((c) => c.name),
          ['code'],
        );
        assert.match(key.source, /unique index/);
        await d.client.query(`INSERT INTO ${n} (v, w) VALUES (1, 1), (NULL, 2)`);
        const p = plan(dialect, schema, 'nokey', 'x', [
          phase('expand', [step(`ALTER TABLE ${n} ADD COLUMN ${q(engine, 'x')} int`)], true),
          phase('backfill', [step('backfill', { backfill: { table: { schema, name: 'nokey' }, column: 'x', valueSql: 'w' } })]),
        ]);
        await assert.rejects(runPlan(await d.connect(), p), (err: unknown) => {
          assert.ok(err instanceof RunFailure);
          assert.equal(err.kind, 'refused');
          assert.match(err.message, /no primary key and no unique index on NOT NULL columns/);
          return true;
        });
      }),
    );

    test(
      "refuses to start while another run holds the table's migration lock",
      dbTest(async (t) => {
        const d = db.get(t);
        const schema = schemaOf(engine, d.name);
        await seedTable(d.client, engine, schema, 'locked_t', 10);
        const other = await d.connect();
        await acquireMigrationLock(other, { schema, name: 'locked_t' });
        const p = fullPlan(engine, schema, 'locked_t', 'c', 'id');
        await assert.rejects(
          runPlan(await d.connect(), p, { migrationLockWaitMs: 200 }),
          (err: unknown) => err instanceof RunFailure && err.kind === 'locked' && /Another Column Wizard run/.test(err.message),
        );
        await releaseMigrationLock(other, { schema, name: 'locked_t' });
        const out = await runPlan(await d.connect(), p);
        assert.equal(out.status, 'completed');
      }),
    );

    test(
      'cancel between batches, then resume: continues from the saved key, every row correct',
      dbTest(async (t) => {
        const d = db.get(t);
        const schema = schemaOf(engine, d.name);
        await seedTable(d.client, engine, schema, 'cancel_t', 4000);
        const tbl = `${q(engine, schema)}.${q(engine, 'cancel_t')}`;
        const p = fullPlan(engine, schema, 'cancel_t', 'c', 'id + v');
        const ac = new AbortController();
        let seen = 0;
        const first = await runPlan(await d.connect(), p, {
          backfill: { fixedBatchSize: 100 },
          signal: ac.signal,
          onProgress: (e) => {
            if (e.kind === 'batch' && ++seen === 10) ac.abort();
          },
        });
        assert.equal(first.status, 'cancelled');
        if (first.status !== 'cancelled') return;
        assert.equal(first.rowsDone, 1000);
        const [{ n }] = (await d.client.query<{ n: number | string }>(
          `SELECT count(*) AS n FROM ${tbl} WHERE ${q(engine, 'c')} IS NOT NULL`,
        )) as [{ n: number | string }];
        assert.equal(Number(n), 1000);
        const saved = await new RunStore(d.client, schema).get(first.runId);
        assert.equal(saved?.status, 'cancelled');
        assert.deepEqual(saved?.backfillLastKey, ['1000']);

        const resumedEvents: RunProgress[] = [];
        const second = await runPlan(await d.connect(), p, { backfill: { fixedBatchSize: 100 }, onProgress: (e) => resumedEvents.push(e) });
        assert.equal(second.status, 'completed');
        assert.equal(second.runId, first.runId);
        const firstBatch = resumedEvents.find((e) => e.kind === 'batch')!;
        assert.equal(firstBatch.rowsDone, 1100, 'resumed after the 10th batch');
        // 30 full batches of 100, then the closing batch that finds no key beyond the last one.
        assert.equal(resumedEvents.filter((e) => e.kind === 'batch').length, 31);
        assert.equal(await mismatches(d.client, engine, tbl, 'c', 'id + v'), 0);
        if (second.status === 'completed') assert.equal(second.report.resumed, true);
      }),
    );

    test(
      'the same plan again after it completed: the finished run is reported; once its column was dropped by hand, a fresh run adds it again',
      dbTest(async (t) => {
        const d = db.get(t);
        const schema = schemaOf(engine, d.name);
        await seedTable(d.client, engine, schema, 'again_t', 300);
        const tbl = `${q(engine, schema)}.${q(engine, 'again_t')}`;
        const p = fullPlan(engine, schema, 'again_t', 'c', 'id + 1');
        const runner = await d.connect();
        const first = await runPlan(runner, p);
        assert.equal(first.status, 'completed');
        const reported = await runPlan(runner, p);
        assert.equal(reported.runId, first.runId, 'the finished run, reported again');
        assert.equal(reported.status === 'completed' && reported.report.resumed, true);
        await d.client.query(`ALTER TABLE ${tbl} DROP COLUMN ${q(engine, 'c')}`);
        const messages: string[] = [];
        const fresh = await runPlan(runner, p, { onProgress: (e) => e.message && messages.push(e.message) });
        assert.equal(fresh.status, 'completed');
        assert.notEqual(fresh.runId, first.runId);
        assert.ok(
          messages.some((m) => m.includes(`run ${first.runId} completed this plan earlier, but column c is not on`)),
          messages.join('\n'),
        );
        assert.equal(await mismatches(d.client, engine, tbl, 'c', 'id + 1'), 0);
      }),
    );

    test(
      'an unfinished run of a different plan blocks a new plan until abandoned',
      dbTest(async (t) => {
        const d = db.get(t);
        const schema = schemaOf(engine, d.name);
        await seedTable(d.client, engine, schema, 'mismatch_t', 500);
        const ac = new AbortController();
        ac.abort();
        const first = await runPlan(await d.connect(), fullPlan(engine, schema, 'mismatch_t', 'c', 'id'), { signal: ac.signal });
        assert.equal(first.status, 'cancelled');
        const other = fullPlan(engine, schema, 'mismatch_t', 'c', 'id * 3');
        await assert.rejects(
          runPlan(await d.connect(), other),
          (err: unknown) => err instanceof RunFailure && err.kind === 'refused' && err.message.includes(first.runId),
        );
        const out = await runPlan(await d.connect(), other, { abandonPrevious: true });
        assert.equal(out.status, 'completed');
        assert.notEqual(out.runId, first.runId);
        assert.equal((await new RunStore(d.client, schema).get(first.runId))?.status, 'abandoned');
      }),
    );

    test(
      'running a plan that already completed reports on that run instead of applying it again',
      dbTest(async (t) => {
        const d = db.get(t);
        const schema = schemaOf(engine, d.name);
        await seedTable(d.client, engine, schema, 'twice', 300);
        const p = fullPlan(engine, schema, 'twice', 'tripled', 'id * 3');
        const first = await runPlan(await d.connect(), p);
        assert.equal(first.status, 'completed');
        const again = await runPlan(await d.connect(), p);
        assert.equal(again.status, 'completed');
        if (again.status !== 'completed') return;
        assert.equal(again.runId, first.runId, 'the finished run, not a new one');
        assert.deepEqual(again.report.steps, [], 'nothing was applied again');
        assert.equal(again.report.columnDefinition?.nullable, false);
        const runs = await new RunStore(d.client, schema).list();
        assert.equal(runs.filter((r) => r.column === 'tripled').length, 1);
      }),
    );

    test(
      'refuses a non-local host unless allowed',
      dbTest(async (t) => {
        const d = db.get(t);
        const schema = schemaOf(engine, d.name);
        const remote: DatabaseClient = new Proxy(d.client, {
          get: (target, prop) => (prop === 'options' ? { ...target.options, host: 'db.prod.example.com' } : Reflect.get(target, prop)),
        });
        const p = fullPlan(engine, schema, 'never_created', 'c', 'id');
        await assert.rejects(
          runPlan(remote, p),
          (err: unknown) => err instanceof RunFailure && err.kind === 'refused' && /not a local host/.test(err.message),
        );
        // Allowed: it gets past the guard and fails on the missing table instead.
        await assert.rejects(
          runPlan(remote, p, { allowRemote: true }),
          (err: unknown) => err instanceof RunFailure && !/not a local host/.test(err.message),
        );
      }),
    );

    test(
      'refuses a plan for the other engine',
      dbTest(async (t) => {
        const d = db.get(t);
        const p = plan(engine === 'postgres' ? 'mariadb' : 'postgres', 'x', 'y', 'z', []);
        await assert.rejects(runPlan(d.client, p), /plan is for/);
      }),
    );

    test(
      'pauses the backfill while replication lag is above the threshold and resumes only below the resume level',
      dbTest(async (t) => {
        const d = db.get(t);
        const schema = schemaOf(engine, d.name);
        await seedTable(d.client, engine, schema, 'lagged', 1000);
        const tbl = `${q(engine, schema)}.${q(engine, 'lagged')}`;
        const script = [0.2, 3, 0.8, 0.4];
        let reads = 0;
        const source = async () => script[Math.min(reads++, script.length - 1)]!;
        const events: RunProgress[] = [];
        const p = plan(dialect, schema, 'lagged', 'c', [
          phase('expand', [step(`ALTER TABLE ${tbl} ADD COLUMN ${q(engine, 'c')} int`)], true),
          phase('backfill', [step('backfill', { backfill: { table: { schema, name: 'lagged' }, column: 'c', valueSql: 'id' } })]),
        ]);
        const out = await runPlan(await d.connect(), p, {
          backfill: { fixedBatchSize: 300 },
          lag: { source, maxSeconds: 1, resumeBelowSeconds: 0.5, pollMs: 5 },
          onProgress: (e) => events.push(e),
        });
        assert.equal(out.status, 'completed');
        const kinds = events
          .filter((e) => e.kind === 'batch' || e.kind === 'throttled')
          .map((e) => (e.kind === 'batch' ? 'b' : `t${e.lagSeconds}`));
        // One batch at 0.2 s; paused at 3 s and still at 0.8 s (above the 0.5 s resume level); resumed at 0.4 s.
        assert.deepEqual(kinds, ['b', 't3', 't0.8', 'b', 'b', 'b']);
        assert.equal(await mismatches(d.client, engine, tbl, 'c', 'id'), 0);
      }),
    );

    test(
      'a lag reader that fails pauses the backfill (fail safe) until it answers again',
      dbTest(async (t) => {
        const d = db.get(t);
        const schema = schemaOf(engine, d.name);
        await seedTable(d.client, engine, schema, 'lagfail', 600);
        const tbl = `${q(engine, schema)}.${q(engine, 'lagfail')}`;
        let reads = 0;
        const source = async () => {
          reads++;
          if (reads === 2 || reads === 3) throw new Error('replica unreachable');
          return 0.1;
        };
        const events: RunProgress[] = [];
        const p = plan(dialect, schema, 'lagfail', 'c', [
          phase('expand', [step(`ALTER TABLE ${tbl} ADD COLUMN ${q(engine, 'c')} int`)], true),
          phase('backfill', [step('backfill', { backfill: { table: { schema, name: 'lagfail' }, column: 'c', valueSql: 'id' } })]),
        ]);
        const out = await runPlan(await d.connect(), p, {
          backfill: { fixedBatchSize: 300 },
          lag: { source, maxSeconds: 1, pollMs: 5 },
          onProgress: (e) => events.push(e),
        });
        assert.equal(out.status, 'completed');
        const kinds = events.filter((e) => e.kind === 'batch' || e.kind === 'throttled').map((e) => e.kind[0]);
        assert.deepEqual(kinds, ['b', 't', 't', 'b', 'b']);
        assert.match(events.find((e) => e.kind === 'throttled')!.message ?? '', /cannot read replication lag \(replica unreachable\)/);
      }),
    );

    test(
      'the replication-lag readers return null on a server that has no replica',
      dbTest(async (t) => {
        const d = db.get(t);
        if (engine === 'postgres') {
          const standbys = await d.client.query('SELECT 1 FROM pg_stat_replication');
          const lag = await postgresReplicationLag(d.client)();
          if (standbys.length === 0) assert.equal(lag, null);
          else assert.equal(typeof lag, 'number');
        } else {
          const status = await d.client.query('SHOW SLAVE STATUS');
          const lag = await mysqlReplicaLag(d.client)();
          if (status.length === 0) assert.equal(lag, null);
          else assert.ok(lag === null || typeof lag === 'number');
        }
      }),
    );

    test(
      "a step that runs longer than its statement timeout fails with the server's timeout error",
      dbTest(async (t) => {
        const d = db.get(t);
        const schema = schemaOf(engine, d.name);
        const slow = engine === 'postgres' ? 'SELECT pg_sleep(3)' : 'SELECT SUM(a.seq * b.seq) FROM seq_1_to_100000 a, seq_1_to_100000 b';
        await d.client.query(`CREATE TABLE ${q(engine, schema)}.${q(engine, 'slow')} (id int PRIMARY KEY)`);
        const p = plan(dialect, schema, 'slow', 'c', [phase('expand', [step(slow)])]);
        const t0 = performance.now();
        await assert.rejects(
          runPlan(await d.connect(), p, { statementTimeoutMs: 300 }),
          (err: unknown) => err instanceof RunFailure && /57014|error 1969/.test(err.message),
        );
        assert.ok(performance.now() - t0 < 2500, 'stopped by the timeout');
      }),
    );

    if (engine === 'mysql') {
      test(
        'a DDL step applied just before a crash (state not yet advanced) is recognised on resume, not applied twice',
        dbTest(async (t) => {
          const d = db.get(t);
          const schema = schemaOf(engine, d.name);
          await seedTable(d.client, engine, schema, 'crashed', 100);
          const tbl = `${q(engine, schema)}.${q(engine, 'crashed')}`;
          const p = plan('mariadb', schema, 'crashed', 'c', [
            phase('expand', [step(`ALTER TABLE ${tbl} ADD COLUMN ${q(engine, 'c')} int NULL, ALGORITHM=INSTANT`)]),
            phase('index', [
              step(`ALTER TABLE ${tbl} ADD INDEX ${q(engine, 'crashed_c')} (${q(engine, 'c')}), ALGORITHM=INPLACE, LOCK=NONE`),
            ]),
          ]);
          const store = new RunStore(d.client, schema);
          await store.ensure();
          const run = await store.create('cw_test_crash', p, planHash(p), null);
          await store.update(run.runId, { stepStarted: true });
          await d.client.query(p.phases[0]!.steps[0]!.sql);
          const out = await runPlan(await d.connect(), p);
          assert.equal(out.status, 'completed');
          if (out.status !== 'completed') return;
          assert.equal(out.runId, 'cw_test_crash');
          assert.match(out.report.steps[0]!.skipped ?? '', /already applied before the interruption/);
          assert.equal(out.report.steps[1]!.skipped, undefined);
          assert.equal(out.report.indexes[0]?.name, 'crashed_c');
        }),
      );
    }

    if (engine === 'postgres') {
      test(
        'a concurrent index build held up by an old transaction on another table: timeout, retries, the blocker named, no INVALID index left',
        dbTest(async (t) => {
          const d = db.get(t);
          await d.client.query('CREATE TABLE "public"."cic" (id int PRIMARY KEY, k int)');
          await d.client.query('CREATE TABLE "public"."elsewhere" (id int)');
          const holder = await d.connect();
          const [{ pid }] = (await holder.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')) as [{ pid: number }];
          // A snapshot held for the whole transaction: CREATE INDEX CONCURRENTLY waits for it to end.
          await holder.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
          await holder.query('SELECT count(*) FROM "public"."elsewhere"');
          const p = plan('postgres', 'public', 'cic', 'k', [
            phase('index', [step('CREATE INDEX CONCURRENTLY IF NOT EXISTS "cic_k_idx" ON "public"."cic" (k)')]),
          ]);
          await new Promise((r) => setTimeout(r, 1100));
          const failure = await runPlan(await d.connect(), p, {
            lockTimeoutMs: 100,
            retry: { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 20 },
          }).then(
            () => null,
            (e: unknown) => e,
          );
          assert.ok(failure instanceof RunFailure && failure.kind === 'lock-timeout', String(failure));
          assert.ok(
            failure.blockers.some((b) => b.pid === pid),
            JSON.stringify(failure.blockers),
          );
          assert.equal((await d.client.query(`SELECT 1 FROM pg_class WHERE relname = 'cic_k_idx'`)).length, 0, 'no INVALID leftover');
          await holder.query('COMMIT');
          const out = await runPlan(await d.connect(), p);
          assert.equal(out.status, 'completed');
          if (out.status === 'completed') assert.equal(out.report.indexes[0]?.valid, true);
        }),
      );

      test(
        'a concurrent unique index that fails leaves no INVALID index behind; a valid one on resume is not rebuilt',
        dbTest(async (t) => {
          const d = db.get(t);
          const tbl = '"public"."dups"';
          await d.client.query(`CREATE TABLE ${tbl} (id int PRIMARY KEY, k int)`);
          await d.client.query(`INSERT INTO ${tbl} VALUES (1, 1), (2, 1)`);
          const p = plan('postgres', 'public', 'dups', 'k', [
            phase('index', [step(`CREATE UNIQUE INDEX CONCURRENTLY "dups_k_key" ON ${tbl} (k)`)]),
          ]);
          await assert.rejects(runPlan(await d.connect(), p), (err: unknown) => err instanceof RunFailure && /23505/.test(err.message));
          const left = await d.client.query(`SELECT 1 FROM pg_class WHERE relname = 'dups_k_key'`);
          assert.equal(left.length, 0, 'the invalid index was dropped');
          await d.client.query(`UPDATE ${tbl} SET k = 2 WHERE id = 2`);
          await d.client.query(`CREATE UNIQUE INDEX "dups_k_key" ON ${tbl} (k)`);
          const out = await runPlan(await d.connect(), p);
          assert.equal(out.status, 'completed');
          if (out.status === 'completed') assert.match(out.report.steps[0]!.skipped ?? '', /already exists and is valid/);
        }),
      );
    }
  });
}
