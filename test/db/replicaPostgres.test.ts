/**
 * A real PostgreSQL streaming standby (private primary on 5436, standby on 5433, built once for this file): lag in
 * bytes and seconds (also on an idle primary), the backfill pausing while replay is paused and resuming after it,
 * the standby transaction guard before ACCESS EXCLUSIVE steps, drift, and the post-run column confirmation.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { main } from '../../src/cli';
import type { DatabaseClient } from '../../src/db/client';
import { checkDrift, confirmColumnOnReplicas, postgresLagReader, runPlanWithReplicas, type ReplicaLag } from '../../src/db/replication';
import { postgresReplicationLag, RunFailure, type RunProgress } from '../../src/db/run';
import { dbTest } from './helpers';
import { fullPlan } from './runHelpers';
import { replicaPair } from './replicaSetup';
import { capture } from '../helpers/cli';

const pair = replicaPair('postgres');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function makeTable(c: DatabaseClient, name: string, rows: number): Promise<void> {
  await c.query(`CREATE TABLE public."${name}" (id bigint PRIMARY KEY, v int NOT NULL)`);
  await c.query(`INSERT INTO public."${name}" SELECT g, g % 97 FROM generate_series(1, ${rows}) g`);
}

describe('PostgreSQL streaming standby', { concurrency: false }, () => {
  it(
    'reads lag: 0 bytes / 0 s when idle, bytes and growing seconds while replay is paused, 0 again after catch-up',
    dbTest(async (t) => {
      const p = pair.get(t);
      const monitor = await p.connectPrimary();
      const reader = postgresLagReader(monitor, { standbys: [{ name: 'standby', client: p.replica }] });
      const fromPrimary = postgresLagReader(await p.connectPrimary());
      await makeTable(p.primary, 'lag_t', 1000);
      await p.waitCaughtUp();
      const [idle1] = await reader.read();
      await sleep(1500); // an idle primary: replay_lag goes NULL and the last replayed xact ages, but nothing is behind
      const [idle2] = await reader.read();
      for (const l of [idle1!, idle2!]) {
        assert.equal(l.state, 'caught-up', JSON.stringify(l));
        assert.equal(l.bytes, 0);
        assert.equal(l.seconds, 0);
      }
      const [viaPrimaryIdle] = await fromPrimary.read();
      assert.equal(viaPrimaryIdle!.bytes, 0);
      assert.equal(viaPrimaryIdle!.seconds, 0);

      await p.pauseReplay();
      try {
        await fromPrimary.read(); // a timeline sample at the caught-up position
        const writtenAt = Date.now();
        await p.primary.query('UPDATE public.lag_t SET v = v + 1');
        await sleep(1200);
        const [a] = await reader.read();
        await sleep(800);
        const [b] = await reader.read();
        const [viaPrimary] = await fromPrimary.read();
        const elapsed = (Date.now() - writtenAt) / 1000;
        t.diagnostic(
          `paused: standby-side ${JSON.stringify(b)}; primary-side ${JSON.stringify(viaPrimary)}; ${elapsed.toFixed(2)} s since the write`,
        );
        assert.equal(a!.state, 'stopped');
        assert.ok(a!.bytes! > 10_000, `an UPDATE of 1000 rows leaves WAL unreplayed: ${a!.bytes}`);
        assert.ok(a!.seconds! >= 1.1 && a!.seconds! <= elapsed + 0.5, `seconds behind ${a!.seconds} after ~1.2 s`);
        assert.ok(b!.seconds! >= a!.seconds! + 0.6, `the lag grows while replay is paused: ${a!.seconds} -> ${b!.seconds}`);
        assert.ok(viaPrimary!.bytes! >= b!.bytes!, 'the primary-side reading sees the same unreplayed WAL');
        assert.ok(viaPrimary!.seconds! >= 1.8, `primary-side seconds from the WAL timeline: ${viaPrimary!.seconds}`);
        // the runner's --lag-url reader is the same primary-side measurement (a first reading is a lower bound)
        const runnerLag = postgresReplicationLag(monitor);
        assert.notEqual(await runnerLag(), null, 'the runner reader sees the standby');
        await p.primary.query('UPDATE public.lag_t SET v = v + 1');
        await sleep(600);
        assert.ok((await runnerLag())! >= 0.5, 'the paused standby is behind by at least the time since the first sample');
      } finally {
        await p.resumeReplay();
      }
      await p.waitCaughtUp();
      const [after] = await reader.read();
      assert.deepEqual([after!.state, after!.bytes, after!.seconds], ['caught-up', 0, 0]);
    }),
  );

  it(
    'pauses the backfill while the standby is behind (replay paused) and resumes after replay resumes; the column reaches the standby',
    dbTest(async (t) => {
      const p = pair.get(t);
      await makeTable(p.primary, 'throttle_t', 30_000);
      await p.waitCaughtUp();
      const runner = await p.connectPrimary();
      const events: { at: number; p: RunProgress }[] = [];
      const lags: { at: number; worst: number | null }[] = [];
      // Replay stops once the backfill is under way (right after its first batch), so batches run before the throttle.
      let pausing: Promise<void> | null = null;
      let resumedAt = 0;
      const resumer = (async () => {
        while (!pausing) await sleep(20);
        await pausing;
        // Resume once the runner has been throttled for 2.5 s.
        const giveUp = Date.now() + 20_000; // a throttle that never comes fails the assertions below instead of hanging
        while (!events.some((e) => e.p.kind === 'throttled') && Date.now() < giveUp) await sleep(50);
        const first = events.find((e) => e.p.kind === 'throttled')?.at ?? Date.now();
        while (Date.now() - first < 2500) await sleep(50);
        resumedAt = Date.now();
        await p.resumeReplay();
      })();
      const result = await runPlanWithReplicas(runner, fullPlan('postgres', 'public', 'throttle_t', 'score', 'v * 2'), {
        replicas: [{ name: 'standby', client: await p.connectReplica() }],
        maxLagSeconds: 1,
        resumeBelowSeconds: 0.5,
        lagPollMs: 100,
        backfill: { fixedBatchSize: 1000, pauseMs: 100 },
        onProgress: (e) => {
          events.push({ at: Date.now(), p: e });
          if (e.kind === 'batch' && !pausing) pausing = p.pauseReplay();
        },
        onLag: (l: readonly ReplicaLag[]) => lags.push({ at: Date.now(), worst: Math.max(...l.map((x) => x.seconds ?? Infinity)) }),
      });
      await resumer;
      assert.equal(result.outcome.status, 'completed');
      const throttled = events.filter((e) => e.p.kind === 'throttled');
      const batches = events.filter((e) => e.p.kind === 'batch');
      const firstThrottle = throttled[0]!.at;
      assert.ok(
        throttled.every((e) => (e.p.lagSeconds ?? 0) > 1),
        'throttled only above the threshold',
      );
      assert.ok(
        batches.some((e) => e.at < firstThrottle),
        'batches ran before the standby fell behind',
      );
      const during = batches.filter((e) => e.at > firstThrottle && e.at < resumedAt);
      assert.deepEqual(during, [], 'no batch ran while replay was paused and the lag was above the threshold');
      const afterResume = batches.filter((e) => e.at >= resumedAt);
      assert.ok(afterResume.length > 0, 'the backfill resumed after replay resumed');
      const maxLag = Math.max(...lags.map((l) => l.worst ?? 0));
      t.diagnostic(
        `batches ${batches.length} (${afterResume.length} after resume), throttled events ${throttled.length}, max lag seen ${maxLag.toFixed(2)} s, paused for ${((afterResume[0]!.at - firstThrottle) / 1000).toFixed(2)} s`,
      );
      assert.ok(maxLag >= 2.5, `lag kept growing while paused: ${maxLag}`);
      // every row backfilled, and the standby has the column with the primary's definition
      assert.equal(
        Number((await p.primary.query<{ n: string }>('SELECT count(*) AS n FROM public.throttle_t WHERE score = v * 2'))[0]!.n),
        30_000,
      );
      assert.equal(result.confirmed, true, JSON.stringify(result.confirmations));
      assert.equal(result.confirmations![0]!.column!.nullable, false);
      await p.waitCaughtUp();
      assert.equal(
        Number((await p.replica.query<{ n: string }>('SELECT count(*) AS n FROM public.throttle_t WHERE score = v * 2'))[0]!.n),
        30_000,
      );
    }),
  );

  it(
    'checks the standby for transactions holding the table before an ACCESS EXCLUSIVE step: stops, or waits until they end',
    dbTest(async (t) => {
      const p = pair.get(t);
      await makeTable(p.primary, 'guard_t', 100);
      await p.waitCaughtUp();
      const reader = await p.connectReplica();
      await reader.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
      await reader.query('SELECT count(*) FROM public.guard_t');
      const [{ pid }] = (await reader.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')) as [{ pid: number }];
      await sleep(1100);
      const runner = await p.connectPrimary();
      const standby = { name: 'standby', client: await p.connectReplica() };
      await assert.rejects(
        runPlanWithReplicas(runner, fullPlan('postgres', 'public', 'guard_t', 'g', '1'), {
          replicas: [standby],
          standbyTransactions: { action: 'stop' },
        }),
        (err: unknown) =>
          err instanceof RunFailure &&
          err.kind === 'locked' &&
          err.message.includes(`standby pid ${pid}`) &&
          /max_standby_streaming_delay/.test(err.message),
      );
      const [col] = await p.primary.query('SELECT 1 FROM information_schema.columns WHERE table_name = $1 AND column_name = $2', [
        'guard_t',
        'g',
      ]);
      assert.equal(col, undefined, 'nothing ran: the first step was refused');
      // wait mode: the standby transaction ends after ~1.5 s, then the run goes on
      const blocked: number[] = [];
      setTimeout(() => {
        void reader.query('COMMIT');
      }, 1500);
      const t0 = Date.now();
      const result = await runPlanWithReplicas(runner, fullPlan('postgres', 'public', 'guard_t', 'g', '1'), {
        replicas: [standby],
        standbyTransactions: { action: 'wait', pollMs: 100, onBlocked: (s) => blocked.push(s.length) },
        abandonPrevious: true,
      });
      assert.equal(result.outcome.status, 'completed');
      assert.ok(Date.now() - t0 >= 1300, `waited for the standby transaction: ${Date.now() - t0} ms`);
      assert.ok(blocked.length >= 3);
      assert.equal(result.confirmed, true);
    }),
  );

  it(
    'column-wizard run --replica-url: throttles on the standby, then confirms the column reached it',
    dbTest(async (t) => {
      const p = pair.get(t);
      await makeTable(p.primary, 'cli_t', 2000);
      const cli = capture();
      const code = await main(
        [
          'run',
          '--url',
          p.primaryUrl,
          '--table',
          'public.cli_t',
          '--column',
          "flag text NOT NULL DEFAULT 'x'",
          '--yes',
          '--replica-url',
          p.replicaUrl,
          '--max-lag',
          '5',
        ],
        cli.io,
      );
      assert.equal(code, 0, cli.err.join('\n'));
      assert.match(
        cli.out.join('\n'),
        /Replica postgres:\/\/postgres@127\.0\.0\.1:5433\/cw_replica_test: has flag \(text NOT NULL\), confirmed after \d+\.\d s/,
      );
      const usage = capture();
      assert.equal(
        await main(
          [
            'run',
            '--url',
            p.primaryUrl,
            '--table',
            'cli_t',
            '--column',
            'x int',
            '--yes',
            '--replica-url',
            p.replicaUrl,
            '--lag-url',
            p.replicaUrl,
            '--max-lag',
            '1',
          ],
          usage.io,
        ),
        2,
      );
      assert.match(usage.err.join('\n'), /--replica-url .* or --lag-url, not both/);
    }),
  );

  it(
    'plan and explain warn that ACCESS EXCLUSIVE steps are replayed on the standby (seen through pg_stat_replication)',
    dbTest(async (t) => {
      const p = pair.get(t);
      await makeTable(p.primary, 'warn_t', 10);
      const facts = await p.primary.tableFacts({ schema: 'public', name: 'warn_t' });
      assert.equal(facts.replication?.replicas.length, 1);
      const cli = capture();
      assert.equal(
        await main(['explain', '--url', p.primaryUrl, '--sql', 'ALTER TABLE public.warn_t ADD COLUMN w int'], cli.io),
        0,
        cli.err.join('\n'),
      );
      const text = cli.out.join('\n');
      assert.match(text, /warning standby-replay: ACCESS EXCLUSIVE steps are replayed on hot standbys/);
      assert.match(text, /max_standby_streaming_delay \(30000 ms here\)/);
      assert.match(text, /cancels the queries holding it up/);
      const planned = capture();
      assert.equal(
        await main(['plan', '--url', p.primaryUrl, '--table', 'public.warn_t', '--column', 'w int', '--format', 'json'], planned.io),
        0,
        planned.err.join('\n'),
      );
      const plan = JSON.parse(planned.out.join('\n')) as { warnings: { code: string }[] };
      assert.ok(
        plan.warnings.some((w) => w.code === 'standby-replay'),
        JSON.stringify(plan.warnings),
      );
    }),
  );

  it(
    'drift: a column the standby has not replayed yet is a difference; none once it has replayed (library and CLI)',
    dbTest(async (t) => {
      const p = pair.get(t);
      await makeTable(p.primary, 'drift_t', 10);
      await p.waitCaughtUp();
      const targets = [
        { name: 'primary', client: p.primary },
        { name: 'standby', client: p.replica },
      ];
      assert.deepEqual((await checkDrift(targets, { schema: 'public', name: 'drift_t' })).differences, []);
      await p.pauseReplay();
      try {
        await p.primary.query(`ALTER TABLE public.drift_t ADD COLUMN note text DEFAULT 'n/a', ALTER COLUMN v DROP NOT NULL`);
        await p.primary.query('CREATE INDEX drift_t_v_idx ON public.drift_t (v)');
        const r = await checkDrift(targets, { schema: '', name: 'drift_t' });
        assert.deepEqual(r.differences.map((d) => `${d.kind} ${d.object} ${d.property}`).sort(), [
          'column note exists',
          'column v nullable',
          'index drift_t_v_idx exists',
        ]);
        const cli = capture();
        assert.equal(
          await main(['drift', '--url', p.primaryUrl, '--url', p.replicaUrl, '--table', 'public.drift_t'], cli.io),
          1,
          cli.err.join('\n'),
        );
        assert.match(cli.out.join('\n'), /3 differences/);
        assert.match(cli.out.join('\n'), /column note is missing on postgres:\/\/postgres@127\.0\.0\.1:5433\/cw_replica_test/);
        // the post-run confirmation reports the column missing on a standby that has not caught up
        const [c] = await confirmColumnOnReplicas(
          p.primary,
          [{ name: 'standby', client: p.replica }],
          { schema: 'public', name: 'drift_t' },
          'note',
          { timeoutMs: 600 },
        );
        assert.equal(c!.confirmed, false);
        assert.equal(c!.column, null);
      } finally {
        await p.resumeReplay();
      }
      await p.waitCaughtUp();
      assert.deepEqual((await checkDrift(targets, { schema: 'public', name: 'drift_t' })).differences, []);
      const cli = capture();
      assert.equal(
        await main(['drift', '--url', p.primaryUrl, '--url', p.replicaUrl, '--table', 'drift_t', '--format', 'json'], cli.io),
        0,
        cli.err.join('\n'),
      );
      const json = JSON.parse(cli.out.join('\n')) as { differences: unknown[]; table: { schema: string } };
      assert.deepEqual(json.differences, []);
      assert.equal(json.table.schema, 'public');
    }),
  );
});
