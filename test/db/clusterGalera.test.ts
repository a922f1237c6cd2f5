/**
 * A real three-node Galera cluster (test/db/clusterSetup.ts, built once for this file): topology detection, the
 * plan's cluster-wide TOI stall claim checked against a writer on another node and another table, RSU keeping writes
 * flowing on the nodes not being changed, and the run confirming the change on every node.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { main } from '../../src/cli';
import { columnFromArgs } from '../../src/cli/plan';
import { planColumn } from '../../src/core/plan';
import { planForGalera } from '../../src/core/topology';
import type { DatabaseClient } from '../../src/db/client';
import { detectGalera, detectTopology, runGaleraPlan, type NodeRunLog } from '../../src/db/cluster';
import { connect } from '../../src/db/client';
import { parseConnectionUrl } from '../../src/db/connection';
import { readDefinition } from '../../src/db/replication/definitions';
import { dbTest } from './helpers';
import { galeraCluster } from './clusterSetup';

const cluster = galeraCluster();

async function makeTable(c: DatabaseClient, name: string, rows: number): Promise<void> {
  await c.query(`CREATE TABLE \`${name}\` (id BIGINT NOT NULL PRIMARY KEY, v INT NOT NULL, pad VARCHAR(100) NOT NULL) ENGINE=InnoDB`);
  // In chunks: one huge INSERT would be one huge write-set.
  for (let i = 0; i < rows; i += 50_000) {
    await c.query(`INSERT INTO \`${name}\` SELECT seq, seq % 97, REPEAT('x', 80) FROM seq_${i + 1}_to_${Math.min(rows, i + 50_000)}`);
  }
  await c.query(`ANALYZE TABLE \`${name}\``);
}

/**
 * A table whose int index build takes at least `minMs` on this machine: the stall claims need a build long enough to
 * measure, and a fast machine builds 300k rows' index in under 300 ms. Starts at `rows` and doubles (up to 4.8M rows),
 * timing a throwaway index on `v` (same type as the real one) each time.
 */
async function makeSlowTable(c: DatabaseClient, name: string, rows: number, minMs: number): Promise<number> {
  await makeTable(c, name, rows);
  for (let n = rows; ; n *= 2) {
    const t0 = performance.now();
    await c.query(`ALTER TABLE \`${name}\` ADD INDEX probe_v (v)`);
    const ms = performance.now() - t0;
    await c.query(`ALTER TABLE \`${name}\` DROP INDEX probe_v`);
    if (ms >= minMs || n >= 4_800_000) return ms;
    for (let i = n; i < 2 * n; i += 50_000) {
      await c.query(`INSERT INTO \`${name}\` SELECT seq, seq % 97, REPEAT('x', 80) FROM seq_${i + 1}_to_${Math.min(2 * n, i + 50_000)}`);
    }
  }
}

/** A writer on `c` updating one row of `table` in a loop; returns when each write started and how long it took. */
function writer(c: DatabaseClient, table: string) {
  const samples: { start: number; ms: number }[] = [];
  let stop = false;
  const done = (async () => {
    await c.query('SET SESSION wsrep_sync_wait = 1'); // see the other nodes' tables before the first write
    await c.query(`SELECT 1 FROM \`${table}\` LIMIT 1`);
    await c.query('SET SESSION wsrep_sync_wait = 0');
    let i = 0;
    while (!stop) {
      const t0 = performance.now();
      await c.query(`UPDATE \`${table}\` SET v = ? WHERE id = 1`, [++i]); // really changes a value: a no-op UPDATE is no write-set
      samples.push({ start: t0, ms: performance.now() - t0 });
      await new Promise((r) => setTimeout(r, 5));
    }
  })();
  return {
    samples,
    async stop() {
      stop = true;
      await done;
    },
    /** The longest write that overlapped [from, to]. */
    worstIn(from: number, to: number): number {
      return Math.max(0, ...samples.filter((s) => s.start <= to && s.start + s.ms >= from).map((s) => s.ms));
    },
  };
}

describe('Galera cluster', { concurrency: false }, () => {
  it(
    "detects the cluster: size 3, Synced, TOI, the three nodes' addresses; a plain server is no cluster",
    dbTest(async (t) => {
      const g = cluster.get(t);
      const topo = await detectGalera(g.nodes[0]!);
      assert.ok(topo);
      assert.equal(topo.clusterSize, 3);
      assert.equal(topo.localState, 'Synced');
      assert.equal(topo.clusterStatus, 'Primary');
      assert.equal(topo.osuMethod, 'TOI');
      assert.deepEqual(topo.nodes.map((n) => n.address.split(':')[1]).sort(), ['3321', '3322', '3323'], JSON.stringify(topo.nodes));
      assert.equal(topo.nodes.filter((n) => n.local).length, 1, JSON.stringify(topo.nodes));
      assert.ok(topo.maxWsSize > 0);
      const same = await detectTopology(g.nodes[1]!, { schema: g.database, name: 'x' });
      assert.equal(same?.kind, 'galera');
    }),
  );

  it(
    'plans a non-INSTANT step as a cluster-wide write stall, and a writer on node 3 on another table stalls for it',
    dbTest(async (t) => {
      const g = cluster.get(t);
      const [n1, , n3] = g.nodes;
      await makeSlowTable(n1!, 'toi_big', 300_000, 800);
      await n1!.query('CREATE TABLE toi_other (id INT PRIMARY KEY, v INT NOT NULL)');
      await n1!.query('INSERT INTO toi_other VALUES (1, 0)');
      const topo = (await detectGalera(n1!))!;
      const facts = await n1!.tableFacts({ schema: g.database, name: 'toi_big' });
      const info = await n1!.serverInfo();
      const plan = planColumn(columnFromArgs('ref int NOT NULL DEFAULT 0', info.dialect, { index: true }), facts, {
        dialect: info.dialect,
        version: info.version,
      });
      const single = plan.phases.flatMap((p) => p.steps).find((s) => /ADD INDEX/.test(s.sql))!;
      assert.equal(single.blocks.writes, false, 'the single-server plan says the index build blocks nothing');
      const tp = planForGalera(plan, topo);
      const steps = tp.plan.phases.flatMap((p) => p.steps);
      const index = steps.find((s) => /ADD INDEX/.test(s.sql))!;
      const add = steps.find((s) => /ADD COLUMN/.test(s.sql))!;
      assert.equal(index.blocks.writes, true, 'under TOI the index build blocks writes cluster-wide');
      assert.match(index.why, /EVERY node and EVERY table/);
      assert.equal(add.blocks.writes, false, 'the INSTANT add stays non-blocking');
      assert.ok(tp.plan.warnings.some((w) => w.code === 'galera-toi-stall' && /--galera-rsu/.test(w.fix ?? '')));
      assert.deepEqual(
        tp.stages.map((s) => s.mode),
        ['toi'],
      );

      // The claim, measured: run the index step on node 1 while node 3 writes to another table.
      await n1!.query('ALTER TABLE toi_big ADD COLUMN ref int NOT NULL DEFAULT 0, ALGORITHM=INSTANT');
      const w = writer(n3!, 'toi_other');
      await new Promise((r) => setTimeout(r, 300));
      const t0 = performance.now();
      await n1!.query(index.sql);
      const t1 = performance.now();
      await new Promise((r) => setTimeout(r, 300));
      await w.stop();
      const stall = w.worstIn(t0, t1);
      t.diagnostic(
        `TOI ADD INDEX on node 1: ${Math.round(t1 - t0)} ms; worst write on node 3 (other table) during it: ${Math.round(stall)} ms; before it: ${Math.round(w.worstIn(0, t0 - 1))} ms`,
      );
      assert.ok(t1 - t0 > 300, `the index build must take a measurable time to test the claim: ${Math.round(t1 - t0)} ms`);
      // Node 3 executes the same build at the same time (TOI), on its own copy: its stall is its build, which may end
      // sooner than node 1's. The claim is a stall of the build's order, far above the writer's normal latency.
      const before = w.worstIn(0, t0 - 1);
      assert.ok(
        stall >= 0.4 * (t1 - t0) && stall >= 250 && stall >= 5 * before,
        `a writer on node 3 stalls for the build: ${Math.round(stall)} of ${Math.round(t1 - t0)} ms (${Math.round(before)} ms before it)`,
      );
    }),
  );

  it(
    'RSU: runs the index node by node, writes keep flowing on the nodes not being changed, and every node ends with the column and index',
    dbTest(async (t) => {
      const g = cluster.get(t);
      const [n1, , n3] = g.nodes;
      await makeSlowTable(n1!, 'rsu_big', 300_000, 800);
      await n1!.query('CREATE TABLE rsu_other (id INT PRIMARY KEY, v INT NOT NULL)');
      await n1!.query('INSERT INTO rsu_other VALUES (1, 0)');
      const topo = (await detectGalera(n1!))!;
      const facts = await n1!.tableFacts({ schema: g.database, name: 'rsu_big' });
      const info = await n1!.serverInfo();
      const plan = planColumn(columnFromArgs('ref int NOT NULL DEFAULT 0', info.dialect, { index: true }), facts, {
        dialect: info.dialect,
        version: info.version,
      });
      const tp = planForGalera(plan, topo, { rsu: true });
      assert.deepEqual(
        tp.stages.map((s) => s.mode),
        ['toi', 'rsu'],
      );
      assert.ok(!tp.plan.warnings.some((w) => w.code === 'galera-toi-stall'));
      const other2 = await g.connectNode(1);
      const other3 = await g.connectNode(2);
      const w = writer(n3!, 'rsu_other');
      const logs: (NodeRunLog & { end: number })[] = [];
      await new Promise((r) => setTimeout(r, 300));
      // node 3 (the writer's) goes first, then node 2; the runner's node 1 last
      const result = await runGaleraPlan(n1!, tp, {
        rsu: true,
        nodes: [
          { name: 'node3', client: other3 },
          { name: 'node2', client: other2 },
        ],
        onNode: (l) => logs.push({ ...l, end: performance.now() }),
      });
      const end = performance.now();
      await w.stop();
      assert.equal(result.outcome.status, 'completed');
      assert.ok(result.confirmed, JSON.stringify(result.confirmations));
      assert.deepEqual(
        logs.map((l) => l.node),
        ['node3', 'node2'],
      );
      const n2 = logs[1]!;
      const node2Window: [number, number] = [n2.end - n2.seconds * 1000, n2.end];
      const node1Window: [number, number] = [n2.end, end];
      const during2 = w.worstIn(...node2Window);
      const during1 = w.worstIn(...node1Window);
      t.diagnostic(
        `RSU: node 2 step ${Math.round(n2.seconds * 1000)} ms, worst write on node 3 meanwhile ${Math.round(during2)} ms; node 1 step + confirmation ${Math.round(end - n2.end)} ms, worst write on node 3 ${Math.round(during1)} ms; node 3's own step ${Math.round(logs[0]!.seconds * 1000)} ms`,
      );
      assert.ok(n2.seconds > 0.3, `node 2's index build takes measurable time: ${n2.seconds} s`);
      assert.ok(
        during2 < Math.max(200, 0.3 * n2.seconds * 1000),
        `writes on node 3 keep flowing while node 2 builds: worst ${Math.round(during2)} ms`,
      );
      assert.ok(
        during1 < Math.max(200, 0.3 * (end - n2.end)),
        `writes on node 3 keep flowing while node 1 builds: worst ${Math.round(during1)} ms`,
      );
      for (const c of g.nodes) {
        const idx = await c.query<{ n: number }>(
          `SELECT COUNT(*) AS n FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'rsu_big' AND COLUMN_NAME = 'ref'`,
        );
        assert.equal(Number(idx[0]!.n), 1, 'the index exists on every node');
      }
    }),
  );
});

describe('Galera cluster: backfill and CLI', { concurrency: false }, () => {
  it(
    "backfills in small write-sets and pauses while a node's receive queue is held up (flow control), then finishes",
    dbTest(async (t) => {
      const g = cluster.get(t);
      const [n1, , n3] = g.nodes;
      await makeTable(n1!, 'fc_t', 40_000);
      const topo = (await detectGalera(n1!))!;
      const facts = await n1!.tableFacts({ schema: g.database, name: 'fc_t' });
      const info = await n1!.serverInfo();
      const plan = planColumn(columnFromArgs('ref char(36) NOT NULL DEFAULT (UUID())', info.dialect, {}), facts, {
        dialect: info.dialect,
        version: info.version,
      });
      const tp = planForGalera(plan, topo, { rsu: true });
      const backfill = tp.plan.phases.flatMap((p) => p.steps).find((s) => s.backfill)!;
      assert.ok(backfill.backfill!.batchSize! <= 500, `small write-sets: ${backfill.backfill!.batchSize}`);
      const holder = await g.connectNode(2);
      const throttled: string[] = [];
      const batches: number[] = [];
      let held = false;
      let releasedAt = 0;
      let holdError: Error | null = null;
      const result = await runGaleraPlan(n1!, tp, {
        rsu: true,
        nodes: [
          { name: 'node2', client: await g.connectNode(1) },
          { name: 'node3', client: await g.connectNode(2) },
        ],
        maxRecvQueue: 2,
        onThrottle: (w) => throttled.push(w),
        onProgress: (p) => {
          if (p.kind !== 'batch') return;
          batches.push(p.batchSize ?? 0);
          if (!held && (p.rowsDone ?? 0) > 2000) {
            held = true;
            // node 3's appliers wait for this table lock: its receive queue grows. A replicated write can abort the
            // FLUSH before it holds the lock (brute-force abort, "Query execution was interrupted"): try again.
            void (async () => {
              for (let attempt = 1; ; attempt++) {
                try {
                  await holder.query('FLUSH TABLES fc_t WITH READ LOCK');
                  break;
                } catch (err) {
                  if (attempt >= 20 || !/interrupted|deadlock/i.test((err as Error).message)) throw err;
                }
              }
              setTimeout(() => {
                releasedAt = performance.now();
                void holder.query('UNLOCK TABLES');
              }, 3000);
            })().catch((err: Error) => {
              holdError = err;
            });
          }
        },
      });
      t.diagnostic(
        `throttle readings: ${throttled.length}; first: ${throttled[0]}; batch sizes ${Math.min(...batches)}..${Math.max(...batches)}`,
      );
      assert.equal(result.outcome.status, 'completed');
      assert.ok(result.confirmed, JSON.stringify(result.confirmations));
      assert.equal(holdError, null, `the receive queue could not be held up: ${(holdError as Error | null)?.message}`);
      assert.ok(held && releasedAt > 0);
      assert.ok(Math.max(...batches) <= backfill.backfill!.batchSize!, `batches stay within the write-set bound: ${Math.max(...batches)}`);
      assert.ok(
        throttled.some((w) => /this node|node[23]/.test(w) && /receive queue [3-9]|receive queue \d\d|flow control 0\.[0-9]*[1-9]/.test(w)),
        `the backfill paused on flow control / a receive queue: ${throttled.slice(0, 3).join(' | ')}`,
      );
      void n3;
    }),
  );

  it(
    'CLI: plan --url on a node shows the cluster and the TOI stall; --galera-rsu needs the other nodes',
    dbTest(async (t) => {
      const g = cluster.get(t);
      await makeTable(g.nodes[0]!, 'cli_g', 1000);
      const out: string[] = [];
      const err: string[] = [];
      const io = { out: (s: string) => out.push(s), err: (s: string) => err.push(s) };
      assert.equal(
        await main(['plan', '--url', g.urls[0]!, '--table', 'cli_g', '--column', 'ref int NOT NULL DEFAULT 0', '--index'], io),
        0,
        err.join('\n'),
      );
      const text = out.join('\n');
      assert.match(text, /Galera cluster: 3 nodes/);
      assert.match(text, /galera-toi-stall/);
      assert.match(text, /TOI: executes on all nodes at once/);
      out.length = 0;
      assert.equal(
        await main(
          [
            'run',
            '--url',
            g.urls[0]!,
            '--table',
            'cli_g',
            '--column',
            'ref int NOT NULL DEFAULT 0',
            '--index',
            '--galera-rsu',
            '--yes',
            '--no-baseline',
          ],
          io,
        ),
        2,
      );
      assert.match(err.join('\n'), /give the other 2 node\(s\) with --node/);
      err.length = 0;
      assert.equal(
        await main(
          [
            'run',
            '--url',
            g.urls[0]!,
            '--table',
            'cli_g',
            '--column',
            'ref int NOT NULL DEFAULT 0',
            '--index',
            '--galera-rsu',
            '--yes',
            '--no-baseline',
            '--node',
            g.urls[1]!,
            '--node',
            g.urls[2]!,
          ],
          io,
        ),
        0,
        err.join('\n'),
      );
      assert.equal(err.filter((l) => /stage \d+ done/.test(l)).length, 2, err.join('\n'));
    }),
  );
});

describe('Galera cluster: resume, files and verify across nodes', { concurrency: false }, () => {
  it(
    "RSU resume: a runner killed after the first node's RSU step is run again and finishes, every node with the column and index",
    dbTest(async (t) => {
      const g = cluster.get(t);
      await makeTable(g.nodes[0]!, 'rsu_kill', 200_000);
      const args = [
        'run',
        '--url',
        g.urls[0]!,
        '--table',
        'rsu_kill',
        '--column',
        'ref int NOT NULL DEFAULT 0',
        '--index',
        '--galera-rsu',
        '--yes',
        '--no-baseline',
        '--node',
        g.urls[2]!,
        '--node',
        g.urls[1]!,
      ];
      const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, '../../src/cli.ts'), ...args], {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env },
      });
      let stderr = '';
      const killed = new Promise<string>((resolveKill) => {
        child.stderr.on('data', (d: Buffer) => {
          stderr += d.toString();
          // the first node's RSU step is done: kill the runner before the second node's
          if (/stage \d+ done/.test(stderr) && child.exitCode === null && !child.killed) {
            child.kill('SIGKILL');
            resolveKill('killed');
          }
        });
        child.on('exit', (code) => resolveKill(`exited ${code}`));
      });
      const how = await killed;
      await new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r(null) : child.on('exit', r)));
      t.diagnostic(`first run: ${how}; its stderr: ${stderr.trim().split('\n').slice(-3).join(' | ')}`);
      assert.equal(how, 'killed', `the runner was killed after one node's RSU step: ${stderr}`);
      const idxCount = async (c: DatabaseClient) =>
        Number(
          (
            await c.query<{ n: number }>(
              `SELECT COUNT(*) AS n FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'rsu_kill' AND COLUMN_NAME = 'ref'`,
            )
          )[0]!.n,
        );
      // Half-applied on purpose: node 3 (changed under RSU, not replicated) has the index, node 2 does not yet.
      assert.equal(await idxCount(g.nodes[2]!), 1, 'node 3 got its RSU index before the kill');
      assert.equal(await idxCount(g.nodes[1]!), 0, 'node 2 had not been changed when the runner was killed');
      const out: string[] = [];
      const err: string[] = [];
      const code = await main(args, { out: (s) => out.push(s), err: (s) => err.push(s) });
      t.diagnostic(`second run: exit ${code}; ${err.filter((l) => /node|resum/i.test(l)).join(' | ')}`);
      assert.equal(code, 0, `${err.join('\n')}\n${out.join('\n')}`);
      assert.ok(
        err.some((l) => /node .*3323.*stage \d+ done.*already there/.test(l)),
        `node 3's step is recognised as already applied, not redone: ${err.join('\n')}`,
      );
      for (const c of g.nodes) assert.equal(await idxCount(c), 1, 'the index exists once on every node');
      const rows = await g.nodes[1]!.query<{ n: number; bad: number }>('SELECT COUNT(*) AS n, SUM(ref IS NULL) AS bad FROM rsu_kill');
      assert.equal(Number(rows[0]!.n), 200_000, 'no row lost');
      assert.equal(Number(rows[0]!.bad ?? 0), 0);
    }),
  );

  it(
    'write --url on a node with --galera-rsu: the runbook beside the files, applied stage by stage on the nodes it names, gives every node the column and index',
    dbTest(async (t) => {
      const g = cluster.get(t);
      await makeTable(g.nodes[0]!, 'book_g', 5_000);
      const dir = mkdtempSync(join(tmpdir(), 'cw-galera-write-'));
      const out: string[] = [];
      const err: string[] = [];
      const cwd = process.cwd();
      process.chdir(dir); // write puts the files under the current directory (the workspace)
      let code: number;
      try {
        code = await main(
          [
            'write',
            '--url',
            g.urls[0]!,
            '--table',
            'book_g',
            '--column',
            'ref int NOT NULL DEFAULT 0',
            '--index',
            '--galera-rsu',
            '--node',
            g.urls[1]!,
            '--node',
            g.urls[2]!,
            '--tool',
            'dbmate',
            '--dir',
            'db/migrations',
            '--format',
            'json',
          ],
          { out: (s) => out.push(s), err: (s) => err.push(s) },
        );
      } finally {
        process.chdir(cwd);
      }
      assert.equal(code, 0, err.join('\n'));
      const written = JSON.parse(out.join('\n')) as { created: string[] };
      const runbookPath = written.created.find((p) => p.endsWith('.runbook.md'));
      assert.ok(runbookPath, `a runbook is written beside the files: ${written.created.join(', ')}`);
      const book = readFileSync(join(dir, runbookPath), 'utf8');
      assert.match(book, /On EACH node in turn/);
      assert.match(book, /wsrep_OSU_method = 'RSU'/);
      // Follow the runbook as an operator would: "any ONE node" stages on node 1, "EACH node" stages on 3, 2, then 1.
      const sections = [...book.matchAll(/^## \d+\. On (.*)\n[\s\S]*?```sql\n([\s\S]*?)```/gm)].map((m) => ({ where: m[1]!, sql: m[2]! }));
      assert.ok(sections.length >= 2, book);
      const statements = (sql: string) =>
        sql
          .split(/;\s*\n/)
          .map((s) =>
            s
              .replace(/^(--[^\n]*\n)+/, '')
              .trim()
              .replace(/;$/, ''),
          )
          .filter(Boolean);
      for (const s of sections) {
        const targets = /EACH node/.test(s.where) ? [g.nodes[2]!, g.nodes[1]!, g.nodes[0]!] : [g.nodes[0]!];
        for (const node of targets) {
          for (const stmt of statements(s.sql)) {
            if (/^UPDATE/i.test(stmt)) {
              while (Number(((await node.query(stmt)) as unknown as { affectedRows?: number }).affectedRows ?? 0) > 0);
              continue;
            }
            await node.query(stmt);
          }
        }
      }
      for (const c of g.nodes) {
        const d = await c.query<{ n: number }>(
          `SELECT COUNT(*) AS n FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'book_g' AND COLUMN_NAME = 'ref'`,
        );
        assert.equal(Number(d[0]!.n), 1, `every node has the index after the runbook (${c.options.port})`);
      }
      t.diagnostic(`runbook stages applied: ${sections.map((s) => s.where).join(' → ')}`);
    }),
  );

  it(
    'a definition read on a node waits until the node has applied a DDL committed on another node (causal read), so drift checks see no stale difference',
    dbTest(async (t) => {
      const g = cluster.get(t);
      await makeTable(g.nodes[0]!, 'causal_a', 100);
      await makeTable(g.nodes[0]!, 'causal_b', 100);
      const holder = await connect(parseConnectionUrl(g.urls[1]!));
      const reader = await connect(parseConnectionUrl(g.urls[1]!));
      try {
        await holder.query('SET SESSION wsrep_sync_wait = 1');
        await holder.query('SELECT 1 FROM causal_b LIMIT 1'); // node 2 has both tables before the lock
        await holder.query('SET SESSION wsrep_sync_wait = 0');
        for (let attempt = 1; ; attempt++) {
          try {
            await holder.query('FLUSH TABLES causal_a WITH READ LOCK');
            break;
          } catch (err) {
            if (attempt >= 20 || !/interrupted|deadlock/i.test((err as Error).message)) throw err;
          }
        }
        // Node 2's applier stops at the first DDL (it waits for the table lock); the second, on another table, queues behind it.
        await g.nodes[0]!.query('ALTER TABLE causal_a ADD INDEX causal_a_v (v)');
        await g.nodes[0]!.query('ALTER TABLE causal_b ADD COLUMN c_new INT NULL');
        const [stale] = await reader.query<{ n: number }>(
          "SELECT COUNT(*) AS n FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'causal_b' AND COLUMN_NAME = 'c_new'",
        );
        assert.equal(Number(stale!.n), 0, 'a plain read on node 2 does not see the column yet (the applier is held)');
        const t0 = performance.now();
        setTimeout(() => {
          void holder.query('UNLOCK TABLES');
        }, 1500);
        const facts = await readDefinition(reader, { schema: 'cw_galera_test', name: 'causal_b' });
        const waited = performance.now() - t0;
        t.diagnostic(`readDefinition on node 2 waited ${waited.toFixed(0)} ms for the held applier`);
        assert.ok(
          facts?.columns?.some((c) => c.name === 'c_new'),
          JSON.stringify(facts?.columns?.map((c) => c.name)),
        );
        assert.ok(waited >= 1000, `the read waited for the applier (${waited.toFixed(0)} ms)`);
        const [wait] = await reader.query<{ w: number }>('SELECT @@SESSION.wsrep_sync_wait AS w');
        assert.equal(Number(wait!.w), 0, 'the session setting is restored');
      } finally {
        await holder.query('UNLOCK TABLES').catch(() => undefined);
        await holder.close();
        await reader.close();
      }
    }),
  );

  it(
    'verify --node: after the run every node matches; an index dropped on one node under RSU is reported as drift and exits 1',
    dbTest(async (t) => {
      const g = cluster.get(t);
      await makeTable(g.nodes[0]!, 'ver_g', 2_000);
      const io = () => {
        const out: string[] = [];
        const err: string[] = [];
        return { out, err, io: { out: (s: string) => out.push(s), err: (s: string) => err.push(s) } };
      };
      const dir = mkdtempSync(join(tmpdir(), 'cw-galera-verify-'));
      let r = io();
      assert.equal(
        await main(
          [
            'run',
            '--url',
            g.urls[0]!,
            '--table',
            'ver_g',
            '--column',
            'ref int NOT NULL DEFAULT 0',
            '--index',
            '--yes',
            '--baseline-dir',
            dir,
          ],
          r.io,
        ),
        0,
        r.err.join('\n'),
      );
      const verify = [
        'verify',
        '--url',
        g.urls[0]!,
        '--table',
        'ver_g',
        '--column',
        'ref',
        '--dir',
        dir,
        '--node',
        g.urls[1]!,
        '--node',
        g.urls[2]!,
        '--format',
        'json',
      ];
      r = io();
      const ok = await main(verify, r.io);
      const good = JSON.parse(r.out.join('\n')) as { findings: { code: string; severity: string }[] };
      assert.ok(!good.findings.some((f) => /drift/.test(f.code)), JSON.stringify(good.findings));
      assert.equal(ok, 0, JSON.stringify(good.findings));
      const n3 = g.nodes[2]!;
      await n3.query("SET SESSION wsrep_OSU_method = 'RSU'");
      const idx = (
        await n3.query<{ name: string }>(
          `SELECT DISTINCT INDEX_NAME AS name FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'ver_g' AND COLUMN_NAME = 'ref'`,
        )
      )[0]!.name;
      await n3.query(`ALTER TABLE ver_g DROP INDEX \`${idx}\``);
      await n3.query("SET SESSION wsrep_OSU_method = 'TOI'");
      r = io();
      const bad = await main(verify, r.io);
      const report = JSON.parse(r.out.join('\n')) as { findings: { code: string; severity: string; message: string }[] };
      t.diagnostic(
        `after dropping the index on node 3: exit ${bad}; ${report.findings
          .filter((f) => /drift/.test(f.code))
          .map((f) => f.message)
          .join(' | ')}`,
      );
      assert.equal(bad, 1);
      assert.ok(
        report.findings.some((f) => /drift/.test(f.code) && f.severity === 'error' && /3323/.test(f.message)),
        JSON.stringify(report.findings),
      );
    }),
  );
});
