import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseColumnDefinition } from '../../src/core/columnSpec';
import { estimatesVsActual } from '../../src/core/estimateReport';
import { planColumn, planSteps } from '../../src/core/plan';
import type { Calibration } from '../../src/core/types';
import { CalibrationCancelled } from '../../src/db/calibrate';
import { findPtOnlineSchemaChange } from '../../src/db/mysql/onlineCopy';
import { fileCalibrationStore, learnFromRun, resolveCalibration } from '../../src/db/calibrationCache';
import type { DatabaseClient } from '../../src/db/client';
import { runPlan } from '../../src/db/run';
import { dbTest, throwawayDatabase } from './helpers';

function assertMeasured(c: Calibration): void {
  assert.equal(c.basis, 'measured');
  for (const k of ['scanBytesPerSecond', 'rewriteBytesPerSecond', 'indexBuildBytesPerSecond', 'backfillRowsPerSecond'] as const) {
    assert.ok(Number.isFinite(c[k]) && c[k] > 0, `${k} = ${c[k]}`);
  }
  // A scan reads; a rewrite reads and writes the heap and its indexes: the scan is the faster of the two.
  assert.ok(c.scanBytesPerSecond > c.rewriteBytesPerSecond, JSON.stringify(c));
}

/** The real client, running `hook` (on the real client) before each statement the calibration sends through it. */
function beforeEachQuery(client: DatabaseClient, hook: (sql: string) => Promise<void>): DatabaseClient {
  return new Proxy(client, {
    get(target, prop) {
      if (prop === 'query' || prop === 'execute')
        return async (sql: string, params?: readonly unknown[]) => {
          await hook(sql);
          return prop === 'query' ? target.query(sql, params) : target.execute(sql, params);
        };
      const v = Reflect.get(target, prop) as unknown;
      // calibrate runs its statements through `this`: this proxy.
      if (prop === 'calibrate') return v;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

/**
 * The real client, noting the sample's indexes (read on the same session, from pg_index) at the first batch of each
 * calibration backfill: the UPDATE … SET <column> of the private sample table.
 */
function watchingBackfills(client: DatabaseClient): { client: DatabaseClient; indexesAtBackfill: Map<string, string[]> } {
  const indexesAtBackfill = new Map<string, string[]>();
  const note = async (sql: string) => {
    const m = /UPDATE ("cw_calib_[0-9a-f]+"\."sample") SET "(\w+)"/.exec(sql);
    if (!m || indexesAtBackfill.has(m[2]!)) return;
    const rows = await client.query<{ n: string }>(
      'SELECT c.relname AS n FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = $1::regclass ORDER BY 1',
      [m[1]],
    );
    indexesAtBackfill.set(
      m[2]!,
      rows.map((r) => r.n),
    );
  };
  return { client: beforeEachQuery(client, note), indexesAtBackfill };
}

/**
 * The real client, with a stall of `stallMs` before the first run of each statement `stalls` matches, as another
 * process's load would slow that one timing; `bytesBefore` is the sample's heap + index bytes (the calibration's own
 * size query, run again) just before each first run.
 */
function stallingFirst(
  client: DatabaseClient,
  stalls: Record<string, RegExp>,
  stallMs: number,
  size: (sql: string) => Promise<number>,
): { client: DatabaseClient; bytesBefore: Map<string, number> } {
  const bytesBefore = new Map<string, number>();
  const stall = async (sql: string) => {
    const name = Object.keys(stalls).find((k) => stalls[k]!.test(sql));
    if (!name || bytesBefore.has(name)) return;
    bytesBefore.set(name, await size(sql));
    await new Promise((r) => setTimeout(r, stallMs));
  };
  return { client: beforeEachQuery(client, stall), bytesBefore };
}

describe('calibration', () => {
  const pg = throwawayDatabase('postgres');
  const my = throwawayDatabase('mysql');

  it(
    'measures PostgreSQL throughput on a private sample and leaves nothing behind',
    dbTest(async (t) => {
      const { client } = pg.get(t);
      // The sample's temporary copy (~3 MB) must outgrow temp_buffers for the OS-read cost to be measured.
      await client.query("SET temp_buffers = '800kB'");
      const { client: watched, indexesAtBackfill } = watchingBackfills(client);
      const started = performance.now();
      const c = await watched.calibrate({ rows: 30_000 });
      assertMeasured(c);
      assert.ok(performance.now() - started < 20_000);
      // Each backfill rate is measured on the table it stands for, as the server had it at the first batch: `d` (the
      // backfill rate) with the index on a, `e` (the base rate) with the primary key only, `f` with the 100-key index, `g`
      // with the 316-key index (the middle of the other two, on a log scale).
      // (Not "base rate > rate with the index": 1.14–1.93× in 5 runs at load 3–4 on 2 cores, two timings seconds apart.)
      assert.deepEqual(Object.fromEntries(indexesAtBackfill), {
        d: ['sample_a', 'sample_pkey'],
        e: ['sample_pkey'],
        f: ['sample_k', 'sample_pkey'],
        g: ['sample_m', 'sample_pkey'],
      });
      assert.ok(c.backfillBaseRowsPerSecond! > 0, JSON.stringify(c));
      assert.deepEqual(
        c.backfillIndexSeconds!.map((p) => p.keys),
        [1000, 316, 100],
      );
      assert.ok(c.backfillIndexSeconds!.every((p) => p.seconds >= 0 && p.seconds < 0.001));
      assert.ok(c.functionSeconds!.gen_random_uuid! > 0, JSON.stringify(c.functionSeconds));
      // The first VALIDATE after the backfill sets the hint bits: never faster than the later ones.
      assert.ok(c.firstScanBytesPerSecond! > 0 && c.firstScanBytesPerSecond! <= c.validateBytesPerSecond!, JSON.stringify(c));
      assert.ok(c.osReadSecondsPerByte! >= 0 && c.osReadSecondsPerByte! < 1e-7, JSON.stringify(c));
      assert.ok(c.osFirstScanSecondsPerByte! >= 0 && c.osFirstScanSecondsPerByte! < 1e-7, JSON.stringify(c));
      assert.ok(c.sharedBuffersBytes! >= 128 * 1024, JSON.stringify(c));
      // A foreign key's probe per row: tens of nanoseconds on the machines measured.
      assert.ok(c.fkCheckSecondsPerRow! > 1e-9 && c.fkCheckSecondsPerRow! < 1e-5, JSON.stringify(c));
      assert.deepEqual(await client.query(`SELECT relname FROM pg_class WHERE relname LIKE 'cw\\_calib\\_%' AND relpersistence = 't'`), []);
      assert.deepEqual(await client.query(`SELECT nspname FROM pg_namespace WHERE nspname LIKE 'cw\\_calib\\_%'`), []);
    }),
  );

  it(
    'measures MySQL/MariaDB throughput on a private sample and leaves nothing behind',
    dbTest(async (t) => {
      const { client, name } = my.get(t);
      const c = await client.calibrate({ rows: 30_000 });
      assertMeasured(c);
      // InnoDB sets no hint bits: no first-scan cost of its own.
      assert.equal(c.firstScanBytesPerSecond, undefined);
      assert.ok(c.variableBackfillRowsPerSecond! > 0, JSON.stringify(c));
      assert.ok(c.bufferPoolBytes! >= 5 * 1024 * 1024, JSON.stringify(c));
      // pt-online-schema-change, where installed, run on the sample: its fixed cost and its copy rate, apart.
      if (findPtOnlineSchemaChange()) {
        assert.ok(c.onlineCopy, JSON.stringify(c));
        assert.ok(c.onlineCopy.fixedSeconds > 0.02 && c.onlineCopy.fixedSeconds < 5, JSON.stringify(c.onlineCopy));
        assert.ok(c.onlineCopy.rowsPerSecond > 10_000, JSON.stringify(c.onlineCopy));
        assert.equal(c.onlineCopy.indexes, 1);
      } else assert.equal(c.onlineCopy, undefined);
      // Column Wizard's own copy, run on the sample as a run runs it: its fixed cost and its copy rate, apart.
      assert.ok(c.ownCopy, JSON.stringify(c));
      assert.ok(c.ownCopy.fixedSeconds > 0.005 && c.ownCopy.fixedSeconds < 5, JSON.stringify(c.ownCopy));
      assert.ok(c.ownCopy.rowsPerSecond > 10_000, JSON.stringify(c.ownCopy));
      assert.equal(c.ownCopyFailed, undefined);
      assert.deepEqual(await client.listTables(name), []);
    }),
  );
});

describe('calibration timings that other load can only slow down', () => {
  const pg = throwawayDatabase('postgres');
  const my = throwawayDatabase('mysql');
  const ROWS = 30_000;
  const STALL_MS = 1500;

  it(
    'MySQL/MariaDB: index builds, the rebuild and the copy are timed twice and a stalled first timing is not kept',
    dbTest(async (t) => {
      const { client } = my.get(t);
      const { client: stalled, bytesBefore } = stallingFirst(
        client,
        {
          fixedIndex: /^ALTER TABLE \S+ ADD INDEX sample_c \(c\)/,
          rewrite: /^ALTER TABLE \S+ FORCE, ALGORITHM=INPLACE/,
          copy: /^ALTER TABLE \S+ FORCE, ALGORITHM=COPY/,
        },
        STALL_MS,
        async (sql) => {
          const table = /^ALTER TABLE `([^`]+)`\.`([^`]+)`/.exec(sql)!;
          await client.query(`ANALYZE TABLE \`${table[1]}\`.\`${table[2]}\``);
          const [r] = await client.query<{ b: number | string }>(
            'SELECT DATA_LENGTH + INDEX_LENGTH AS b FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?',
            [table[1], table[2]],
          );
          return Number(r?.b);
        },
      );
      const c = await stalled.calibrate({ rows: ROWS });
      assert.deepEqual([...bytesBefore.keys()].sort(), ['copy', 'fixedIndex', 'rewrite']);
      // With the stalled timing kept, each would take ≥ STALL_MS: the rate ≤ bytes (or rows, over the index rate's
      // 30% floor of the time) per STALL_MS.
      const stalledRate = (amount: number) => amount / (STALL_MS / 1000);
      assert.ok(c.rewriteBytesPerSecond > stalledRate(bytesBefore.get('rewrite')!), JSON.stringify(c));
      assert.ok(c.copyBytesPerSecond! > stalledRate(bytesBefore.get('copy')!), JSON.stringify(c));
      assert.ok(c.indexRowsPerSecond! > stalledRate(ROWS) / 0.3, JSON.stringify(c));
    }),
  );

  it(
    'PostgreSQL: the index builds are timed twice and a stalled first timing is not kept',
    dbTest(async (t) => {
      const { client } = pg.get(t);
      const { client: stalled, bytesBefore } = stallingFirst(
        client,
        { fixedIndex: /^CREATE INDEX sample_c ON /, textIndex: /^CREATE INDEX sample_b ON / },
        STALL_MS,
        async () => 0,
      );
      const c = await stalled.calibrate({ rows: ROWS });
      assert.deepEqual([...bytesBefore.keys()].sort(), ['fixedIndex', 'textIndex']);
      const stalledRate = ROWS / (STALL_MS / 1000) / 0.3;
      assert.ok(c.indexRowsPerSecond! > stalledRate, JSON.stringify(c));
      assert.ok(c.textIndexRowsPerSecond! > stalledRate, JSON.stringify(c));
    }),
  );
});

describe('calibration cache', () => {
  /** These tests count the calibrations: a server whose speed probes never differ is measured once per resolve. */
  const steady = { speedProbe: async () => 0.05 };
  const pg = throwawayDatabase('postgres');
  const my = throwawayDatabase('mysql');

  /** The real client, counting the calibrations it runs. */
  function counting(client: DatabaseClient): { client: DatabaseClient; calls: () => number } {
    let n = 0;
    const wrapped = new Proxy(client, {
      get(target, prop, receiver) {
        if (prop === 'calibrate')
          return (o?: Parameters<DatabaseClient['calibrate']>[0]) => {
            n++;
            return target.calibrate(o);
          };
        const v = Reflect.get(target, prop, receiver) as unknown;
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
    return { client: wrapped, calls: () => n };
  }

  it(
    'measures once, then hits the cache; re-measures when stale or asked; keeps servers apart',
    dbTest(async (t) => {
      const p = counting(pg.get(t).client);
      const m = counting(my.get(t).client);
      const dir = await mkdtemp(join(tmpdir(), 'cw-cal-'));
      const store = fileCalibrationStore(dir);
      const first = await resolveCalibration(p.client, store, { sampleRows: 5000, ...steady });
      assert.equal(first.source, 'measured');
      assert.equal(p.calls(), 1);
      const hit = await resolveCalibration(p.client, store, { sampleRows: 5000, ...steady });
      assert.equal(hit.source, 'cached');
      assert.equal(p.calls(), 1, 'a fresh cached calibration is not measured again');
      assert.deepEqual(hit.calibration, first.calibration);
      // Older than the maximum age: measured again.
      const later = await resolveCalibration(p.client, store, {
        sampleRows: 5000,
        ...steady,
        now: () => Date.now() + 8 * 24 * 3600 * 1000,
      });
      assert.equal(later.source, 'measured');
      assert.equal(p.calls(), 2);
      const asked = await resolveCalibration(p.client, store, { sampleRows: 5000, ...steady, recalibrate: true });
      assert.equal(asked.source, 'measured');
      assert.equal(p.calls(), 3);
      // A different server has its own entry: the MariaDB connection does not get PostgreSQL's figures.
      const other = await resolveCalibration(m.client, store, { sampleRows: 5000, ...steady });
      assert.equal(other.source, 'measured');
      assert.equal(m.calls(), 1);
      assert.notEqual(other.key, first.key);
      assert.equal((await readdir(dir)).filter((f) => f.endsWith('.json')).length, 2);
      assert.equal((await resolveCalibration(p.client, store, { ...steady })).source, 'cached');
      // --no-calibrate: the rough defaults, no question asked.
      const off = await resolveCalibration(p.client, store, { off: true });
      assert.equal(off.source, 'default');
      assert.equal(off.calibration.basis, 'default');
      assert.equal(p.calls(), 3);
    }),
  );

  it(
    'MySQL/MariaDB with pt-online-schema-change installed: a cached calibration without its figures is measured again, once',
    dbTest(async (t) => {
      if (!findPtOnlineSchemaChange()) return t.skip('pt-online-schema-change is not installed');
      const m = counting(my.get(t).client);
      const store = fileCalibrationStore(await mkdtemp(join(tmpdir(), 'cw-cal-')));
      const first = await resolveCalibration(m.client, store, { sampleRows: 5000, ...steady });
      assert.ok(first.calibration.onlineCopy, JSON.stringify(first.calibration));
      // As cached before the calibration ran the tool: fresh, but without its figures.
      const { onlineCopy: _, ...before } = first.calibration;
      await store.set(first.key, { ...(await store.get(first.key))!, calibration: before });
      const again = await resolveCalibration(m.client, store, { sampleRows: 5000, ...steady });
      assert.equal(again.source, 'measured');
      assert.ok(again.calibration.onlineCopy);
      assert.equal((await resolveCalibration(m.client, store, { sampleRows: 5000, ...steady })).source, 'cached');
      // Tried and failed: not measured again on every plan.
      await store.set(first.key, { ...(await store.get(first.key))!, calibration: { ...before, onlineCopyFailed: 'exited with 1' } });
      assert.equal((await resolveCalibration(m.client, store, { sampleRows: 5000, ...steady })).source, 'cached');
      assert.equal(m.calls(), 2);
    }),
  );

  it(
    "MySQL/MariaDB: a cached calibration without the own copy's figures is measured again, once; one whose own copy failed is not",
    dbTest(async (t) => {
      const m = counting(my.get(t).client);
      const store = fileCalibrationStore(await mkdtemp(join(tmpdir(), 'cw-cal-')));
      const first = await resolveCalibration(m.client, store, { sampleRows: 5000, ...steady });
      assert.ok(first.calibration.ownCopy, JSON.stringify(first.calibration));
      // As cached before the calibration timed the own copy.
      const { ownCopy: _, ...before } = first.calibration;
      await store.set(first.key, { ...(await store.get(first.key))!, calibration: before });
      const again = await resolveCalibration(m.client, store, { sampleRows: 5000, ...steady });
      assert.equal(again.source, 'measured');
      assert.ok(again.calibration.ownCopy);
      assert.equal((await resolveCalibration(m.client, store, { sampleRows: 5000, ...steady })).source, 'cached');
      await store.set(first.key, { ...(await store.get(first.key))!, calibration: { ...before, ownCopyFailed: 'CREATE TRIGGER denied' } });
      assert.equal((await resolveCalibration(m.client, store, { sampleRows: 5000, ...steady })).source, 'cached');
      assert.equal(m.calls(), 2);
    }),
  );

  it(
    'a cached calibration measured while the server ran slower than now (its speed probe then against one now) is measured again once, the faster kept',
    dbTest(async (t) => {
      const p = counting(pg.get(t).client);
      const store = fileCalibrationStore(await mkdtemp(join(tmpdir(), 'cw-cal-')));
      let probe = 0.05;
      const probing = { speedProbe: async () => probe };
      const first = await resolveCalibration(p.client, store, { sampleRows: 5000, ...probing });
      assert.equal(first.calibration.speedProbeSeconds, 0.05);
      // The same speed now: the cached one.
      assert.equal((await resolveCalibration(p.client, store, { sampleRows: 5000, ...probing })).source, 'cached');
      assert.equal(p.calls(), 1);
      // As if it had been measured in a slow minute: the probe then 2× the probe now.
      await store.set(first.key, {
        ...(await store.get(first.key))!,
        calibration: { ...first.calibration, speedProbeSeconds: 0.1, backfillRowsPerSecond: 1 },
      });
      const again = await resolveCalibration(p.client, store, { sampleRows: 5000, ...probing });
      assert.equal(again.source, 'measured');
      assert.match(again.reason ?? '', /ran ×2\.0 slower when the cached calibration was measured than now/);
      assert.equal(p.calls(), 2);
      // The faster of the two (not the slow minute's 1 row/s), with the faster probe: not measured again on the next plan.
      assert.ok(again.calibration.backfillRowsPerSecond > 1);
      assert.equal(again.calibration.speedProbeSeconds, 0.05);
      assert.equal((await resolveCalibration(p.client, store, { sampleRows: 5000, ...probing })).source, 'cached');
      // Slower now than then (the machine busy at the plan): the cached one.
      probe = 0.2;
      assert.equal((await resolveCalibration(p.client, store, { sampleRows: 5000, ...probing })).source, 'cached');
      // Within SPEED_CHANGE_LIMIT of the probe then: the cached one.
      probe = 0.04;
      assert.equal((await resolveCalibration(p.client, store, { sampleRows: 5000, ...probing })).source, 'cached');
      assert.equal(p.calls(), 2);
    }),
  );

  it(
    'the speed probe runs its fixed work on both engines',
    dbTest(async (t) => {
      for (const db of [pg.get(t).client, my.get(t).client]) {
        const s = await db.speedProbe();
        assert.ok(s > 0 && s < 10, `${db.options.engine}: ${s} s`);
      }
    }),
  );

  it(
    'never measures on a connection that may not be probed; a cancelled measurement leaves nothing behind',
    dbTest(async (t) => {
      const p = counting(pg.get(t).client);
      const store = fileCalibrationStore(await mkdtemp(join(tmpdir(), 'cw-cal-')));
      const r = await resolveCalibration(p.client, store, { allowProbe: false });
      assert.equal(r.source, 'default');
      assert.match(r.reason ?? '', /may not be probed/);
      assert.equal(p.calls(), 0);
      const ac = new AbortController();
      const pending = resolveCalibration(p.client, store, { signal: ac.signal, onMeasuring: () => ac.abort() });
      await assert.rejects(pending, CalibrationCancelled);
      assert.deepEqual(await p.client.query(`SELECT nspname FROM pg_namespace WHERE nspname LIKE 'cw\\_calib\\_%'`), []);
      assert.equal(await store.get(r.key), undefined);
    }),
  );

  it(
    'learns from a run: the second plan on the server predicts what the first run took',
    dbTest(async (t) => {
      const { client } = pg.get(t);
      const store = fileCalibrationStore(await mkdtemp(join(tmpdir(), 'cw-cal-')));
      const { calibration, key } = await resolveCalibration(client, store, { sampleRows: 5000, ...steady });
      for (const name of ['l1', 'l2']) {
        await client.query(`CREATE TABLE ${name} (id bigint PRIMARY KEY, a int NOT NULL, b text NOT NULL)`);
        await client.query(`INSERT INTO ${name} SELECT g, g % 100, md5(g::text) FROM generate_series(1, 60000) g`);
        await client.query(`VACUUM ANALYZE ${name}`);
      }
      const spec = parseColumnDefinition('ref uuid DEFAULT gen_random_uuid()', 'postgres');
      const target = { dialect: 'postgres' as const, version: (await client.serverInfo()).version };
      const plan1 = planColumn(spec, await client.tableFacts({ schema: 'public', name: 'l1' }), target, { calibration });
      const outcome = await runPlan(client, plan1, {});
      assert.equal(outcome.status, 'completed');
      if (outcome.status !== 'completed') return;
      const log = outcome.report.steps.find((s) => plan1.phases[s.phaseIndex]!.steps[s.stepIndex]!.backfill)!;
      const learned = await learnFromRun(store, key, plan1, outcome.report);
      assert.ok(learned?.learned?.backfill, JSON.stringify(learned));
      assert.equal(learned.learned.backfill.runs, 1);
      const stored = (await store.get(key))!.calibration;
      assert.deepEqual(stored.learned, learned.learned, 'the correction is saved with the server');
      const plan2 = planColumn(spec, await client.tableFacts({ schema: 'public', name: 'l2' }), target, { calibration: stored });
      const est2 = planSteps(plan2).find((s) => s.backfill)!.estimate;
      assert.equal(est2.basis, 'learned');
      assert.equal(est2.runs, 1);
      const ratio = est2.totalSeconds / log.seconds;
      assert.ok(ratio > 0.85 && ratio < 1.18, `second estimate ${est2.totalSeconds} s vs the first run's ${log.seconds} s`);
      // The report's comparison has the step with its estimate and actual.
      const rows = estimatesVsActual(plan1, outcome.report.steps);
      assert.ok(rows.some((r) => r.kind === 'backfill' && r.actualSeconds === log.seconds));
    }),
  );
});
