/**
 * A real MariaDB replica (private primary with binary logging on 3308, replica on 3307, built once for this file):
 * heartbeat and Seconds_Behind_Master lag, the backfill pausing while the SQL thread is stopped and resuming after
 * it starts, drift, and the post-run column confirmation.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { main } from '../../src/cli';
import { connect, type DatabaseClient } from '../../src/db/client';
import {
  checkDrift,
  confirmColumnOnReplicas,
  mysqlLagReader,
  replicaLockHolders,
  runPlanWithReplicas,
  type ReplicaLag,
} from '../../src/db/replication';
import { mysqlReplicaLag, RunFailure, type RunProgress } from '../../src/db/run';
import { dbTest } from './helpers';
import { fullPlan } from './runHelpers';
import { replicaPair } from './replicaSetup';
import { capture } from '../helpers/cli';

const pair = replicaPair('mysql');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const DB = 'cw_replica_test';

async function makeTable(c: DatabaseClient, name: string, rows: number): Promise<void> {
  await c.query(`CREATE TABLE ${DB}.\`${name}\` (id BIGINT PRIMARY KEY, v INT NOT NULL) ENGINE=InnoDB`);
  await c.query(`INSERT INTO ${DB}.\`${name}\` SELECT seq, seq % 97 FROM seq_1_to_${rows}`);
}

describe('MariaDB replica', { concurrency: false }, () => {
  it(
    'reads lag from a heartbeat: small when caught up (also idle), growing while the SQL thread is stopped, small again after',
    dbTest(async (t) => {
      const p = pair.get(t);
      const reader = mysqlLagReader([{ name: 'replica', client: p.replica }], { primary: await p.connectPrimary(), intervalMs: 100 });
      try {
        await reader.read(); // starts the heartbeat writer
        await p.waitCaughtUp();
        await sleep(1500); // no writes but the heartbeat's
        const [idle] = await reader.read();
        t.diagnostic(`idle: ${JSON.stringify(idle)}`);
        assert.equal(idle!.method, 'heartbeat');
        assert.equal(idle!.state, 'caught-up');
        assert.ok(idle!.seconds! < 0.5, `caught-up heartbeat lag ${idle!.seconds}`);

        await p.pauseReplay();
        let a: ReplicaLag | undefined;
        let b: ReplicaLag | undefined;
        try {
          await sleep(1200);
          [a] = await reader.read();
          await sleep(800);
          [b] = await reader.read();
        } finally {
          await p.resumeReplay();
        }
        t.diagnostic(`SQL thread stopped: ${JSON.stringify(a)} then ${JSON.stringify(b)}`);
        assert.equal(a!.state, 'stopped');
        assert.equal(a!.method, 'heartbeat');
        assert.ok(a!.seconds! >= 1.0 && a!.seconds! <= 2.0, `~1.2 s behind: ${a!.seconds}`);
        assert.ok(b!.seconds! >= a!.seconds! + 0.6, `grows while stopped: ${a!.seconds} -> ${b!.seconds}`);
        await p.waitCaughtUp();
        await sleep(300);
        const [after] = await reader.read();
        assert.ok(after!.seconds! < 0.5, `caught up again: ${after!.seconds}`);
      } finally {
        await reader.close();
      }
      // The row that writer left behind ages; a new reader must not take its age for lag before its own first beat arrives.
      await sleep(1500);
      const fresh = mysqlLagReader([{ name: 'replica', client: p.replica }], { primary: await p.connectPrimary(), intervalMs: 100 });
      try {
        const [first] = await fresh.read();
        assert.ok(first!.seconds! < 0.5, `a fresh heartbeat reader on a caught-up replica: ${first!.seconds} s`);
      } finally {
        await fresh.close();
      }
    }),
  );

  it(
    'falls back to Seconds_Behind_Master without a heartbeat: 0 when caught up, unknown (null) while the SQL thread is stopped',
    dbTest(async (t) => {
      const p = pair.get(t);
      const reader = mysqlLagReader([{ name: 'replica', client: p.replica }]);
      await p.waitCaughtUp();
      const [ok] = await reader.read();
      assert.deepEqual([ok!.state, ok!.seconds, ok!.method], ['caught-up', 0, 'Seconds_Behind_Master']);
      assert.equal(await mysqlReplicaLag(p.replica)(), 0);
      assert.equal(await mysqlReplicaLag(p.primary)(), null, 'the primary is not a replica');
      await p.pauseReplay();
      try {
        const [stopped] = await reader.read();
        assert.deepEqual([stopped!.state, stopped!.seconds], ['stopped', null]);
        // the runner's --lag-url reader: a stopped SQL thread (Seconds_Behind_Master NULL) pauses instead of passing
        assert.equal(await mysqlReplicaLag(p.replica)(), Number.POSITIVE_INFINITY);
      } finally {
        await p.resumeReplay();
      }
      // a primary connection that may not create the heartbeat table (SELECT only) falls back too
      await p.primary.query(`CREATE USER IF NOT EXISTS 'cw_ro'@'127.0.0.1'`);
      await p.primary.query(`GRANT SELECT ON *.* TO 'cw_ro'@'127.0.0.1'`);
      const limited = await connect(p.primaryUrl.replace('root@', 'cw_ro@'));
      const r2 = mysqlLagReader([{ name: 'replica', client: p.replica }], { primary: limited });
      try {
        const [l] = await r2.read();
        assert.equal(l!.seconds, 0);
        assert.match(l!.method, /^Seconds_Behind_Master \(heartbeat not allowed \(.*CREATE command denied/);
      } finally {
        await r2.close();
        await limited.close();
      }
    }),
  );

  it(
    'pauses the backfill while the replica is behind (SQL thread stopped) and resumes after it starts; the column reaches the replica',
    dbTest(async (t) => {
      const p = pair.get(t);
      await makeTable(p.primary, 'throttle_t', 30_000);
      await p.waitCaughtUp();
      const runner = await p.connectPrimary();
      const events: { at: number; p: RunProgress }[] = [];
      const lags: number[] = [];
      // Replay stops once the backfill is under way (right after its first batch), so batches run before the throttle.
      let pausing: Promise<void> | null = null;
      let resumedAt = 0;
      const resumer = (async () => {
        while (!pausing) await sleep(20);
        await pausing;
        const giveUp = Date.now() + 20_000; // a throttle that never comes fails the assertions below instead of hanging
        while (!events.some((e) => e.p.kind === 'throttled') && Date.now() < giveUp) await sleep(50);
        const first = events.find((e) => e.p.kind === 'throttled')?.at ?? Date.now();
        while (Date.now() - first < 2500) await sleep(50);
        resumedAt = Date.now();
        await p.resumeReplay();
      })();
      const result = await runPlanWithReplicas(runner, fullPlan('mysql', DB, 'throttle_t', 'score', 'v * 2'), {
        replicas: [{ name: 'replica', client: await p.connectReplica() }],
        maxLagSeconds: 1,
        resumeBelowSeconds: 0.5,
        lagPollMs: 100,
        heartbeatIntervalMs: 100,
        backfill: { fixedBatchSize: 1000, pauseMs: 100 },
        onProgress: (e) => {
          events.push({ at: Date.now(), p: e });
          if (e.kind === 'batch' && !pausing) pausing = p.pauseReplay();
        },
        onLag: (l) => lags.push(Math.max(...l.map((x) => x.seconds ?? Infinity))),
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
        'batches ran before the replica fell behind',
      );
      assert.deepEqual(
        batches.filter((e) => e.at > firstThrottle && e.at < resumedAt),
        [],
        'no batch while the SQL thread was stopped and the lag above the threshold',
      );
      const afterResume = batches.filter((e) => e.at >= resumedAt);
      assert.ok(afterResume.length > 0, 'the backfill resumed');
      const maxLag = Math.max(...lags.filter(Number.isFinite));
      t.diagnostic(
        `batches ${batches.length} (${afterResume.length} after resume), throttled events ${throttled.length}, max heartbeat lag ${maxLag.toFixed(2)} s, paused for ${((afterResume[0]!.at - firstThrottle) / 1000).toFixed(2)} s`,
      );
      assert.ok(maxLag >= 2.5, `lag kept growing while stopped: ${maxLag}`);
      assert.equal(result.confirmed, true, JSON.stringify(result.confirmations));
      assert.equal(result.confirmations![0]!.column!.nullable, false);
      await p.waitCaughtUp();
      assert.equal(
        Number((await p.replica.query<{ n: number }>(`SELECT count(*) AS n FROM ${DB}.throttle_t WHERE score = v * 2`))[0]!.n),
        30_000,
      );
    }),
  );

  it(
    'checks the replica for transactions holding the table before each DDL step (the replicated ALTER would wait on their metadata lock): stops, or waits',
    dbTest(async (t) => {
      const p = pair.get(t);
      await makeTable(p.primary, 'guard_t', 100);
      await p.waitCaughtUp();
      const replica = { name: 'replica', client: await p.connectReplica() };
      const reader = await p.connectReplica();
      await reader.query('START TRANSACTION');
      await reader.query(`SELECT count(*) FROM ${DB}.guard_t`);
      const [{ id }] = (await reader.query<{ id: number }>('SELECT CONNECTION_ID() AS id')) as [{ id: number }];
      await sleep(1100);
      const runner = await p.connectPrimary();
      // Without the metadata_lock_info plugin the open transaction is seen as a long transaction.
      await assert.rejects(
        runPlanWithReplicas(runner, fullPlan('mysql', DB, 'guard_t', 'g', '1'), {
          replicas: [replica],
          standbyTransactions: { action: 'stop' },
        }),
        (err: unknown) =>
          err instanceof RunFailure &&
          err.kind === 'locked' &&
          err.message.includes(`replica pid ${Number(id)}`) &&
          /an open transaction/.test(err.message) &&
          /no timeout/.test(err.message),
      );
      const [col] = await p.primary.query(
        'SELECT 1 FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND COLUMN_NAME = ?',
        [DB, 'guard_t', 'g'],
      );
      assert.equal(col, undefined, 'nothing ran: the first step was refused');
      // With it, the metadata lock on the table itself is named.
      await p.replica.query(`INSTALL SONAME 'metadata_lock_info'`).catch((err: Error) => {
        if (!/already exists/i.test(err.message)) throw err;
      });
      const holders = await replicaLockHolders([replica], { schema: DB, name: 'guard_t' }, 1);
      assert.deepEqual(
        holders.map((h) => [h.pid, h.lockMode]),
        [[Number(id), 'MDL_SHARED_READ']],
      );
      assert.deepEqual(
        await replicaLockHolders([replica], { schema: DB, name: 'throttle_t' }, 0),
        [],
        'a lock on another table does not count',
      );
      // wait mode: the replica transaction ends after ~1.5 s, then the run goes on
      const blocked: number[] = [];
      setTimeout(() => {
        void reader.query('COMMIT');
      }, 1500);
      const t0 = Date.now();
      const result = await runPlanWithReplicas(runner, fullPlan('mysql', DB, 'guard_t', 'g', '1'), {
        replicas: [replica],
        standbyTransactions: { action: 'wait', pollMs: 100, onBlocked: (s) => blocked.push(s.length) },
        abandonPrevious: true,
      });
      assert.equal(result.outcome.status, 'completed');
      assert.ok(Date.now() - t0 >= 1300, `waited for the replica transaction: ${Date.now() - t0} ms`);
      assert.ok(blocked.length >= 3);
      assert.equal(result.confirmed, true);
    }),
  );

  it(
    'column-wizard run --replica-url: heartbeat throttle on the replica, then confirms the column reached it',
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
          `${DB}.cli_t`,
          '--column',
          "flag varchar(10) NOT NULL DEFAULT 'x'",
          '--yes',
          '--replica-url',
          p.replicaUrl,
          '--max-lag',
          '5',
          '--format',
          'json',
        ],
        cli.io,
      );
      assert.equal(code, 0, cli.err.join('\n'));
      const out = JSON.parse(cli.out.join('\n')) as {
        status: string;
        replicas: { replica: string; confirmed: boolean; column: { type: string; nullable: boolean } }[];
      };
      assert.equal(out.status, 'completed');
      assert.deepEqual(
        out.replicas.map((r) => [r.replica, r.confirmed, r.column.type, r.column.nullable]),
        [[`mysql://root@127.0.0.1:3307/${DB}`, true, 'varchar(10)', false]],
      );
    }),
  );

  it(
    'drift: a change the replica has not applied is a difference; none once applied (library and CLI)',
    dbTest(async (t) => {
      const p = pair.get(t);
      await makeTable(p.primary, 'drift_t', 10);
      await p.waitCaughtUp();
      const targets = [
        { name: 'primary', client: p.primary },
        { name: 'replica', client: p.replica },
      ];
      assert.deepEqual((await checkDrift(targets, { schema: DB, name: 'drift_t' })).differences, []);
      await p.pauseReplay();
      try {
        await p.primary.query(`ALTER TABLE ${DB}.drift_t ADD COLUMN note VARCHAR(20) DEFAULT 'n/a', ADD INDEX drift_t_v_idx (v)`);
        const r = await checkDrift(targets, { schema: '', name: 'drift_t' });
        assert.deepEqual(r.differences.map((d) => `${d.kind} ${d.object} ${d.property}`).sort(), [
          'column note exists',
          'index drift_t_v_idx exists',
        ]);
        const cli = capture();
        assert.equal(
          await main(['drift', '--url', p.primaryUrl, '--url', p.replicaUrl, '--table', `${DB}.drift_t`], cli.io),
          1,
          cli.err.join('\n'),
        );
        assert.match(cli.out.join('\n'), /2 differences/);
        const [c] = await confirmColumnOnReplicas(
          p.primary,
          [{ name: 'replica', client: p.replica }],
          { schema: DB, name: 'drift_t' },
          'note',
          { timeoutMs: 600 },
        );
        assert.equal(c!.confirmed, false);
      } finally {
        await p.resumeReplay();
      }
      await p.waitCaughtUp();
      assert.deepEqual((await checkDrift(targets, { schema: DB, name: 'drift_t' })).differences, []);
      const cli = capture();
      assert.equal(
        await main(['drift', '--url', p.primaryUrl, '--url', p.replicaUrl, '--table', 'drift_t'], cli.io),
        0,
        cli.err.join('\n'),
      );
      assert.match(cli.out.join('\n'), /No differences/);
    }),
  );
});
