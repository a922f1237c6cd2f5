/**
 * PostgreSQL logical replication on real servers (test/db/clusterSetup.ts: publisher 5441, subscribers 5442/5443,
 * built once for this file): detection (publications, replica identity, slots, subscriptions; the subscription's
 * walsender is not a hot standby), the hazard of adding a column on the publisher first (proved), the planned order
 * keeping replication working, the missing-replica-identity refusal, and the backfill pausing on slot lag.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { main } from '../../src/cli';
import { columnFromArgs } from '../../src/cli/plan';
import { planColumn } from '../../src/core/plan';
import { planForLogical } from '../../src/core/topology';
import type { DatabaseClient } from '../../src/db/client';
import { connect } from '../../src/db/client';
import { detectLogical, detectTopology, runClusterPlan, runLogicalPlan, type ClusterNode } from '../../src/db/cluster';
import { toConnectionOptions, type ConnectionProfile } from '../../src/extension/connections/profiles';
import { detectWizardTopology, runRefusal } from '../../src/extension/wizard/topology';
import { RunFailure } from '../../src/db/run';
import { dbTest } from './helpers';
import { logicalCluster, waitFor, type LogicalCluster } from './clusterSetup';
import { capture } from '../helpers/cli';

const cluster = logicalCluster();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The table on all three servers, published, subscribed by both subscribers and synced; returns a cleanup. */
async function replicated(c: LogicalCluster, name: string, rows: number, opts: { pk?: boolean } = {}): Promise<() => Promise<void>> {
  const ddl = `CREATE TABLE public.${name} (id bigint ${opts.pk === false ? 'NOT NULL' : 'PRIMARY KEY'}, v int NOT NULL)`;
  for (const n of c.nodes) await n.query(ddl);
  await c.nodes[0]!.query(`INSERT INTO public.${name} SELECT g, g % 97 FROM generate_series(1, ${rows}) g`);
  await c.nodes[0]!.query(`ANALYZE public.${name}`);
  await c.nodes[0]!.query(`CREATE PUBLICATION pub_${name} FOR TABLE public.${name}`);
  for (const [i, n] of c.nodes.slice(1).entries()) {
    await n.query(`CREATE SUBSCRIPTION sub_${name}_${i + 1} CONNECTION '${c.publisherConninfo}' PUBLICATION pub_${name}`);
  }
  for (const n of c.nodes.slice(1)) {
    await waitFor(
      `${name} synced`,
      60_000,
      async () =>
        (
          await n.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM pg_subscription_rel WHERE srrelid = 'public.${name}'::regclass AND srsubstate = 'r'`,
          )
        )[0]!.n === 1,
    );
  }
  return async () => {
    for (const [i, n] of c.nodes.slice(1).entries())
      await n.query(`DROP SUBSCRIPTION IF EXISTS sub_${name}_${i + 1}`).catch(() => undefined);
  };
}

async function fingerprint(c: DatabaseClient, table: string, column: string): Promise<{ n: number; md5: string }> {
  const [r] = await c.query<{ n: number; md5: string }>(
    `SELECT count(*)::int AS n, md5(string_agg(id::text || ':' || coalesce(${column}::text, 'NULL'), ',' ORDER BY id)) AS md5 FROM public.${table}`,
  );
  return r!;
}

function subscribers(c: LogicalCluster): ClusterNode[] {
  return [
    { name: 'sub1', client: c.nodes[1]! },
    { name: 'sub2', client: c.nodes[2]! },
  ];
}

async function planFor(c: LogicalCluster, table: string, column: string, nodes: ClusterNode[]) {
  const pub = c.nodes[0]!;
  const info = await pub.serverInfo();
  const facts = await pub.tableFacts({ schema: 'public', name: table });
  const plan = planColumn(columnFromArgs(column, info.dialect, {}), facts, { dialect: info.dialect, version: info.version });
  const topo = await detectLogical(pub, { schema: 'public', name: table }, nodes);
  assert.ok(topo, 'the table is published');
  return planForLogical(plan, topo, { publisherName: 'publisher' });
}

describe('PostgreSQL logical replication', { concurrency: false }, () => {
  it(
    'detects the publication, replica identity, slots and subscriptions; the subscription walsender is no hot standby',
    dbTest(async (t) => {
      const c = cluster.get(t);
      const cleanup = await replicated(c, 'det', 100);
      try {
        const topo = await detectTopology(c.nodes[0]!, { schema: 'public', name: 'det' }, subscribers(c));
        assert.ok(topo && topo.kind === 'logical');
        assert.deepEqual(
          topo.publications.map((p) => [p.name, p.publishesUpdate]),
          [['pub_det', true]],
        );
        assert.equal(topo.replicaIdentity, 'default');
        assert.equal(topo.identityUsable, true);
        assert.ok(
          topo.slots.some((s) => s.name === 'sub_det_1' && s.active),
          JSON.stringify(topo.slots),
        );
        assert.deepEqual(
          topo.subscribers.map((s) => [s.name, s.hasTable, s.subscriptions.map((x) => [x.name, x.tableState])]),
          [
            ['sub1', true, [['sub_det_1', 'r']]],
            ['sub2', true, [['sub_det_2', 'r']]],
          ],
        );
        const walsenders = await c.nodes[0]!.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_replication');
        assert.ok(walsenders[0]!.n >= 2, 'the subscriptions have walsenders on the publisher');
        const facts = await c.nodes[0]!.tableFacts({ schema: 'public', name: 'det' });
        assert.deepEqual(facts.replication?.replicas, [], 'no hot standby is reported for logical walsenders');
        const info = await c.nodes[0]!.serverInfo();
        const plan = planColumn(columnFromArgs('x int', info.dialect, {}), facts, { dialect: info.dialect, version: info.version });
        assert.ok(!plan.warnings.some((w) => w.code === 'standby-replay'), 'no standby-replay warning');
      } finally {
        await cleanup();
      }
    }),
  );

  it(
    'the hazard, proved: the column on the publisher first stops the subscribers applying; the planned order does not',
    dbTest(async (t) => {
      const c = cluster.get(t);
      const [pub, sub1] = c.nodes;
      const cleanup = await replicated(c, 'hz', 1000);
      try {
        await pub!.query('ALTER TABLE public.hz ADD COLUMN extra int');
        await pub!.query('INSERT INTO public.hz VALUES (100001, 1, 7)');
        await sleep(3000);
        const [row] = await sub1!.query<{ n: number }>('SELECT count(*)::int AS n FROM public.hz WHERE id = 100001');
        assert.equal(row!.n, 0, 'the row with the new column does not reach a subscriber without it');
        const log = readFileSync('/var/log/postgresql/postgresql-15-cwsub1.log', 'utf8');
        assert.match(log, /logical replication target relation "public\.hz" is missing replicated column: "extra"/);
        // Adding it on the subscribers afterwards lets apply continue.
        await sub1!.query('ALTER TABLE public.hz ADD COLUMN extra int');
        await c.nodes[2]!.query('ALTER TABLE public.hz ADD COLUMN extra int');
        await waitFor(
          'the stuck row applied once the subscriber has the column',
          30_000,
          async () => (await sub1!.query<{ n: number }>('SELECT count(*)::int AS n FROM public.hz WHERE id = 100001'))[0]!.n === 1,
        );
      } finally {
        await cleanup();
      }
    }),
  );

  it(
    'runs subscribers first, then the publisher, constraints on subscribers last: writes keep replicating and every node ends identical',
    dbTest(async (t) => {
      const c = cluster.get(t);
      const [pub] = c.nodes;
      const cleanup = await replicated(c, 'ord', 20_000);
      try {
        const tp = await planFor(c, 'ord', 'ref uuid NOT NULL DEFAULT gen_random_uuid()', subscribers(c));
        assert.deepEqual(
          tp.stages.map((s) => `${s.role}:${s.node}`),
          ['subscriber:sub1', 'subscriber:sub2', 'publisher:publisher', 'subscriber:sub1', 'subscriber:sub2'],
        );
        const lastKinds = tp.stages.slice(3).flatMap((s) => s.steps.map((x) => tp.plan.phases[x.phaseIndex]!.kind));
        assert.ok(
          lastKinds.length > 0 && lastKinds.every((k) => k === 'constrain' || k === 'index'),
          `subscribers' last stage is constraints: ${lastKinds}`,
        );
        assert.ok(tp.plan.warnings.some((w) => w.code === 'logical-decoding-volume'));
        // A writer on the publisher throughout.
        let stop = false;
        let id = 1_000_000;
        const w = (async () => {
          while (!stop) {
            await pub!.query('INSERT INTO public.ord (id, v) VALUES ($1, 1)', [++id]);
            await sleep(10);
          }
        })();
        const writerClient = pub!;
        const runClient = await c.connectNode(0);
        const order: string[] = [];
        let result;
        try {
          result = await runLogicalPlan(runClient, tp, { nodes: subscribers(c), onNode: (l) => order.push(`${l.node}#${l.stage}`) });
        } finally {
          stop = true;
          await w;
        }
        void writerClient;
        assert.equal(result.outcome.status, 'completed');
        assert.ok(result.confirmed, JSON.stringify(result.confirmations));
        assert.deepEqual(order, ['sub1#1', 'sub2#2', 'sub1#4', 'sub2#5']);
        const want = await fingerprint(pub!, 'ord', 'ref');
        for (const s of c.nodes.slice(1)) {
          await waitFor('the subscriber caught up', 30_000, async () => (await fingerprint(s, 'ord', 'ref')).md5 === want.md5);
          const [col] = await s.query<{ notnull: boolean }>(
            `SELECT attnotnull AS notnull FROM pg_attribute WHERE attrelid = 'public.ord'::regclass AND attname = 'ref'`,
          );
          assert.equal(col!.notnull, true, 'NOT NULL on the subscriber too');
          const [sub] = await s.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_subscription WHERE pid IS NOT NULL`);
          assert.ok(sub!.n >= 1, 'the apply worker is running');
        }
        assert.ok(want.n > 20_000, "the writer's rows are there");
      } finally {
        await cleanup();
      }
    }),
  );

  it(
    'refuses a backfill on a published table without a usable replica identity (a hard finding)',
    dbTest(async (t) => {
      const c = cluster.get(t);
      const cleanup = await replicated(c, 'noid', 100, { pk: false });
      try {
        const tp = await planFor(c, 'noid', 'ref uuid NOT NULL DEFAULT gen_random_uuid()', subscribers(c));
        const f = tp.plan.warnings.find((w) => w.code === 'logical-no-replica-identity');
        assert.equal(f?.severity, 'error');
        await assert.rejects(
          runLogicalPlan(await c.connectNode(0), tp, { nodes: subscribers(c) }),
          (e: unknown) => e instanceof RunFailure && /replica identity/.test(e.message),
        );
        // the finding is true: such an UPDATE fails on the publisher
        await assert.rejects(c.nodes[0]!.query('UPDATE public.noid SET v = v + 1 WHERE id = 1'), /replica identity/);
        for (const s of c.nodes.slice(1)) {
          const cols = await s.query(`SELECT 1 FROM pg_attribute WHERE attrelid = 'public.noid'::regclass AND attname = 'ref'`);
          assert.equal(cols.length, 0, 'nothing was changed on the subscribers');
        }
      } finally {
        await cleanup();
      }
    }),
  );

  it(
    'pauses the backfill while a subscription slot lags, and finishes once it catches up',
    dbTest(async (t) => {
      const c = cluster.get(t);
      const [, sub1] = c.nodes;
      const cleanup = await replicated(c, 'lagt', 30_000);
      try {
        const tp = await planFor(c, 'lagt', 'ref uuid NOT NULL DEFAULT gen_random_uuid()', subscribers(c));
        const throttled: string[] = [];
        let disabledAt = 0;
        let enabledAt = 0;
        let lastBatchAt = 0;
        const run = runLogicalPlan(await c.connectNode(0), tp, {
          nodes: subscribers(c),
          maxSlotLagSeconds: 1,
          // Small fixed batches: on a quiet machine the adaptive batches finished all 30,000 rows before the slot's lag
          // could pass 1 s, so there was nothing to throttle (seen in a clean CI run).
          backfill: { fixedBatchSize: 50, pauseMs: 5 },
          onProgress: (p) => {
            if (p.kind === 'batch') lastBatchAt = performance.now();
            if (p.kind === 'batch' && !disabledAt) {
              disabledAt = performance.now();
              void sub1!.query('ALTER SUBSCRIPTION sub_lagt_1 DISABLE');
              setTimeout(() => {
                enabledAt = performance.now();
                void sub1!.query('ALTER SUBSCRIPTION sub_lagt_1 ENABLE');
              }, 4000);
            }
          },
          onThrottle: (w) => throttled.push(w),
        });
        const result = await run;
        t.diagnostic(`throttle events: ${throttled.length}; first: ${throttled[0]}`);
        assert.equal(result.outcome.status, 'completed');
        assert.ok(result.confirmed);
        assert.ok(disabledAt > 0 && enabledAt > 0);
        assert.ok(lastBatchAt > enabledAt, 'the backfill was still running (paused) when the subscription came back');
        assert.ok(
          throttled.some((w) => /slot sub_lagt_1/.test(w)),
          `the backfill was throttled on the disabled subscription's slot: ${throttled.slice(0, 3)}`,
        );
        const backfill = result.outcome.status === 'completed' ? result.outcome.report : null;
        assert.ok(backfill, 'a report');
      } finally {
        await cleanup();
      }
    }),
  );

  it(
    'CLI: plan --url with --node subscribers shows the per-node order; run applies it; drift across all nodes is clean',
    dbTest(async (t) => {
      const c = cluster.get(t);
      const cleanup = await replicated(c, 'cli_t', 2000);
      try {
        const nodes = ['--node', c.urls[1]!, '--node', c.urls[2]!];
        const plan = capture();
        assert.equal(
          await main(
            ['plan', '--url', c.urls[0]!, '--table', 'public.cli_t', '--column', 'flag int NOT NULL DEFAULT 1', ...nodes],
            plan.io,
          ),
          0,
          plan.err.join('\n'),
        );
        const text = plan.out.join('\n');
        assert.match(text, /Logical replication: publication\(s\) pub_cli_t/);
        const sub1 = text.indexOf('on subscriber ');
        const pubAt = text.indexOf('on publisher ');
        assert.ok(sub1 > 0 && pubAt > sub1, `subscribers before the publisher:\n${text}`);
        const run = capture();
        assert.equal(
          await main(
            [
              'run',
              '--url',
              c.urls[0]!,
              '--table',
              'public.cli_t',
              '--column',
              'flag int NOT NULL DEFAULT 1',
              ...nodes,
              '--yes',
              '--no-baseline',
            ],
            run.io,
          ),
          0,
          run.err.join('\n'),
        );
        assert.ok(
          run.err.some((l) => /node postgres.*stage 1 done/.test(l)),
          run.err.join('\n'),
        );
        for (const s of c.nodes.slice(1)) {
          await waitFor(
            'the subscriber caught up',
            30_000,
            async () => (await fingerprint(s, 'cli_t', 'flag')).md5 === (await fingerprint(c.nodes[0]!, 'cli_t', 'flag')).md5,
          );
        }
        const drift = capture();
        assert.equal(
          await main(['drift', '--url', c.urls[0]!, '--url', c.urls[1]!, '--url', c.urls[2]!, '--table', 'public.cli_t'], drift.io),
          0,
          drift.out.join('\n'),
        );
        // and drift sees a subscriber that lacks a column the publisher has
        await c.nodes[0]!.query('ALTER TABLE public.cli_t ADD COLUMN only_pub int');
        const drift2 = capture();
        assert.equal(
          await main(['drift', '--url', c.urls[0]!, '--url', c.urls[1]!, '--url', c.urls[2]!, '--table', 'public.cli_t'], drift2.io),
          1,
        );
        assert.match(drift2.out.join('\n'), /only_pub/);
      } finally {
        await cleanup();
      }
    }),
  );
});

/** The wizard's way to the nodes: connection profiles by name (src/extension/wizard/topology.ts), over real connections. */
function profilesOf(c: LogicalCluster, publisherNodes: string[]) {
  const profile = (name: string, url: string, nodes?: string[]): ConnectionProfile => {
    const u = new URL(url);
    return {
      name,
      dialect: 'postgres',
      host: u.hostname,
      port: Number(u.port),
      database: u.pathname.slice(1),
      user: decodeURIComponent(u.username),
      ssl: false,
      ...(nodes ? { nodes } : {}),
    };
  };
  const all = [profile('pub', c.urls[0]!, publisherNodes), profile('sub1', c.urls[1]!), profile('sub2', c.urls[2]!)];
  const opened: DatabaseClient[] = [];
  return {
    publisher: all[0]!,
    connections: {
      find: (name: string) => all.find((p) => p.name === name),
      open: async (p: ConnectionProfile) => {
        const client = await connect(toConnectionOptions(p, undefined));
        opened.push(client);
        return client;
      },
    },
    opened,
  };
}

describe('PostgreSQL logical replication: the CLI and the wizard refuse a publisher-only run', { concurrency: false }, () => {
  it(
    'run on a published table without --node is refused and changes nothing; the wizard refuses too, naming the profile\'s "nodes"',
    dbTest(async (t) => {
      const c = cluster.get(t);
      const cleanup = await replicated(c, 'nonode', 500);
      try {
        const run = capture();
        assert.equal(
          await main(
            ['run', '--url', c.urls[0]!, '--table', 'public.nonode', '--column', 'flag int NOT NULL DEFAULT 1', '--yes', '--no-baseline'],
            run.io,
          ),
          2,
          run.err.join('\n'),
        );
        assert.match(run.err.join('\n'), /no subscriber was given.*--node URL.*--no-subscribers.*Nothing was changed/s);
        const cols = await c.nodes[0]!.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM information_schema.columns WHERE table_name = 'nonode' AND column_name = 'flag'`,
        );
        assert.equal(cols[0]!.n, 0, 'the publisher was not changed');

        const { publisher, connections } = profilesOf(c, []);
        const wizard = await detectWizardTopology(
          c.nodes[0]!,
          { schema: 'public', name: 'nonode' },
          publisher,
          connections,
          () => undefined,
        );
        assert.ok(wizard && wizard.topology.kind === 'logical');
        const plan = await planFor(c, 'nonode', 'flag int NOT NULL DEFAULT 1', []);
        const refusal = await runRefusal(wizard, wizard.annotate(plan.plan).plan, publisher.name, async () => ({
          probe: true,
          run: true,
          readOnly: false,
          lintAutoConnect: true,
        }));
        t.diagnostic(`wizard: ${refusal}`);
        assert.match(refusal ?? '', /names no subscribers.*"nodes"/);
        await wizard.close();
      } finally {
        await cleanup();
      }
    }),
  );

  it(
    "the wizard's path with the profile's nodes: subscribers first in the header's order, run on every node, replication keeps working",
    dbTest(async (t) => {
      const c = cluster.get(t);
      const cleanup = await replicated(c, 'wiz_t', 3000);
      const { publisher, connections, opened } = profilesOf(c, ['sub1', 'sub2', 'no-such-profile']);
      try {
        const bad = await detectWizardTopology(c.nodes[0]!, { schema: 'public', name: 'wiz_t' }, publisher, connections, () => undefined);
        assert.ok(bad);
        assert.deepEqual(bad.problems, ['"nodes" of "pub" names "no-such-profile", which is not a connection profile']);
        assert.match(
          (await runRefusal(bad, bad.annotate((await planFor(c, 'wiz_t', 'flag int', [])).plan).plan, 'pub', async () => ({
            probe: true,
            run: true,
            readOnly: false,
            lintAutoConnect: true,
          }))) ?? '',
          /^Not run: "nodes" of "pub" names "no-such-profile"/,
        );
        await bad.close();

        const good = profilesOf(c, ['sub1', 'sub2']);
        const wizard = await detectWizardTopology(
          c.nodes[0]!,
          { schema: 'public', name: 'wiz_t' },
          good.publisher,
          good.connections,
          () => undefined,
        );
        assert.ok(wizard && wizard.problems.length === 0, JSON.stringify(wizard?.problems));
        const info = await c.nodes[0]!.serverInfo();
        const single = planColumn(
          columnFromArgs('flag int NOT NULL DEFAULT 1', info.dialect, {}),
          await c.nodes[0]!.tableFacts({ schema: 'public', name: 'wiz_t' }),
          { dialect: info.dialect, version: info.version },
        );
        const header = wizard.describe(single);
        t.diagnostic(`${header.summary}\n${header.stages.join('\n')}`);
        assert.match(header.summary, /Logical replication: publication\(s\) pub_wiz_t.*subscribers given: sub1, sub2/);
        const firstSub = header.stages.findIndex((l) => /on subscriber sub1/.test(l));
        const pubAt = header.stages.findIndex((l) => /on publisher pub/.test(l));
        assert.ok(firstSub >= 0 && pubAt > firstSub, header.stages.join('\n'));
        const tp = wizard.annotate(single);
        assert.equal(
          await runRefusal(wizard, tp.plan, 'pub', async () => ({ probe: true, run: true, readOnly: false, lintAutoConnect: true })),
          null,
        );
        assert.match(
          (await runRefusal(wizard, tp.plan, 'pub', async (p) => ({
            probe: true,
            run: p.name !== 'sub2',
            readOnly: false,
            lintAutoConnect: true,
          }))) ?? '',
          /node "sub2" does not allow running/,
        );
        const result = await runClusterPlan(c.nodes[0]!, tp, { nodes: wizard.nodes, lockTimeoutMs: 2000 });
        assert.equal(result.outcome.status, 'completed');
        assert.ok(result.confirmed, JSON.stringify(result.confirmations));
        await c.nodes[0]!.query('INSERT INTO public.wiz_t (id, v, flag) VALUES (100001, 1, 7)');
        for (const s of c.nodes.slice(1)) {
          await waitFor(
            'the new row with the column reached the subscriber',
            30_000,
            async () => (await s.query<{ flag: number }>('SELECT flag FROM public.wiz_t WHERE id = 100001'))[0]?.flag === 7,
          );
        }
        await wizard.close();
      } finally {
        await Promise.all(opened.map((x) => x.close().catch(() => undefined)));
        await cleanup();
      }
    }),
  );
});
