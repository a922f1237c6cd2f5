/**
 * Galera benchmark: on a three-node cluster built here (test/db/clusterSetup.ts ports) with a 1,000,000-row table,
 * the worst write stall of a writer on node 3 — updating a row of ANOTHER table every ~5 ms — while node 1 adds an
 * indexed NOT NULL column (1) as one naive ALTER (TOI), and (2) as Column Wizard's plan run with --galera-rsu
 * (INSTANT add under TOI, the index node by node under RSU). Both measured in the same run; figures printed, never asserted.
 *
 *   npx tsx bench/galera.ts [--rows 1000000]
 */
import { parseArgs } from 'node:util';
import { columnFromArgs } from '../src/cli/plan';
import { planColumn } from '../src/core/plan';
import { planForGalera } from '../src/core/topology';
import { connect, type DatabaseClient } from '../src/db/client';
import { detectGalera, runGaleraPlan, type NodeRunLog } from '../src/db/cluster';
import { buildGalera } from '../test/db/clusterSetup';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '1000000' } } });
const ROWS = Number(values.rows);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function writer(c: DatabaseClient, table: string) {
  const samples: { start: number; ms: number }[] = [];
  let stop = false;
  const done = (async () => {
    await c.query('SET SESSION wsrep_sync_wait = 1');
    await c.query(`SELECT 1 FROM ${table} LIMIT 1`);
    await c.query('SET SESSION wsrep_sync_wait = 0');
    let i = 0;
    while (!stop) {
      const t0 = performance.now();
      await c.query(`UPDATE ${table} SET v = ? WHERE id = 1`, [++i]);
      samples.push({ start: t0, ms: performance.now() - t0 });
      await sleep(5);
    }
  })();
  return {
    async stop() {
      stop = true;
      await done;
    },
    /** Worst write that ended before `t`. */
    before(t: number): number {
      return Math.max(0, ...samples.filter((s) => s.start + s.ms < t).map((s) => s.ms));
    },
    worst(from = 0, to = Number.POSITIVE_INFINITY): number {
      return Math.max(0, ...samples.filter((s) => s.start <= to && s.start + s.ms >= from).map((s) => s.ms));
    },
  };
}

async function table(c: DatabaseClient, name: string): Promise<void> {
  await c.query(`CREATE TABLE ${name} (id BIGINT NOT NULL PRIMARY KEY, v INT NOT NULL, pad VARCHAR(100) NOT NULL) ENGINE=InnoDB`);
  for (let i = 0; i < ROWS; i += 50_000)
    await c.query(`INSERT INTO ${name} SELECT seq, seq % 97, REPEAT('x', 80) FROM seq_${i + 1}_to_${Math.min(ROWS, i + 50_000)}`);
  await c.query(`ANALYZE TABLE ${name}`);
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const built = await buildGalera();
  const opened: DatabaseClient[] = [];
  const open = async (i: number) => {
    const c = await connect(built.urls[i]!);
    opened.push(c);
    return c;
  };
  try {
    console.log(`cluster built in ${Math.round(performance.now() - t0)} ms`);
    const n1 = await open(0);
    const n3 = await open(2);
    await table(n1, 'big_naive');
    await table(n1, 'big_plan');
    await n1.query('CREATE TABLE other (id INT PRIMARY KEY, v INT NOT NULL)');
    await n1.query('INSERT INTO other VALUES (1, 0)');
    console.log(`two ${ROWS}-row tables loaded at ${Math.round((performance.now() - t0) / 1000)} s`);

    // (1) naive: one ALTER on node 1, TOI
    let w = writer(n3, 'other');
    await sleep(500);
    let a = performance.now();
    await n1.query('ALTER TABLE big_naive ADD COLUMN ref INT NOT NULL DEFAULT 0, ADD INDEX big_naive_ref (ref)');
    let b = performance.now();
    await sleep(500);
    await w.stop();
    const naive = { ms: b - a, stall: w.worst(a, b), baseline: w.before(a) };

    // (2) the plan with --galera-rsu
    const topo = (await detectGalera(n1))!;
    const info = await n1.serverInfo();
    const facts = await n1.tableFacts({ schema: 'cw_galera_test', name: 'big_plan' });
    const plan = planColumn(columnFromArgs('ref int NOT NULL DEFAULT 0', info.dialect, { index: true }), facts, {
      dialect: info.dialect,
      version: info.version,
    });
    const tp = planForGalera(plan, topo, { rsu: true });
    const toiPlan = planForGalera(plan, topo);
    const logs: (NodeRunLog & { end: number })[] = [];
    w = writer(n3, 'other');
    await sleep(500);
    a = performance.now();
    const r = await runGaleraPlan(n1, tp, {
      rsu: true,
      nodes: [
        { name: 'node2', client: await open(1) },
        { name: 'node3', client: await open(2) },
      ],
      onNode: (l) => logs.push({ ...l, end: performance.now() }),
    });
    b = performance.now();
    await sleep(500);
    await w.stop();
    const own = logs.find((l) => l.node === 'node3')!;
    const ownWindow: [number, number] = [own.end - own.seconds * 1000, own.end];
    const rsu = {
      ms: b - a,
      stall: w.worst(a, b),
      stallOutsideOwnStep: Math.max(w.worst(a, ownWindow[0] - 1), w.worst(ownWindow[1] + 1, b)),
      ownStep: own.seconds * 1000,
      status: r.outcome.status,
      confirmed: r.confirmed,
    };
    const claimed = toiPlan.plan.phases
      .flatMap((p) => p.steps)
      .filter((s) => s.blocks.writes)
      .reduce((n, s) => n + s.estimate.lockSeconds, 0);

    console.log(`\nGalera, ${ROWS} rows, writer on node 3 updating another table (worst single write):`);
    console.log(`  writer baseline before any DDL:                 ${Math.round(naive.baseline)} ms`);
    console.log(
      `  naive ALTER (ADD COLUMN + ADD INDEX, TOI):      ALTER ${Math.round(naive.ms)} ms, worst write stall on node 3 ${Math.round(naive.stall)} ms`,
    );
    console.log(
      `  plan, --galera-rsu (${rsu.status}, confirmed on all nodes: ${rsu.confirmed}): run ${Math.round(rsu.ms)} ms, worst write stall on node 3 ${Math.round(rsu.stall)} ms`,
    );
    console.log(
      `     of which while nodes 1 and 2 were changed: ${Math.round(rsu.stallOutsideOwnStep)} ms; node 3's own RSU step took ${Math.round(rsu.ownStep)} ms`,
    );
    console.log(
      `  the TOI plan's own claim for this table (sum of cluster-wide blocking steps, ${toiPlan.plan.phases[0]?.steps[0]?.estimate.basis} estimate): ${claimed.toFixed(2)} s`,
    );
    console.log(
      `  ratio worst stall plan/naive: ${(rsu.stall / naive.stall).toFixed(3)} (while other nodes were changed: ${(rsu.stallOutsideOwnStep / naive.stall).toFixed(3)})`,
    );
  } finally {
    for (const c of opened) await c.close().catch(() => undefined);
    await built.teardown();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
