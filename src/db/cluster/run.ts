/**
 * Running a plan on a multi-node topology with the runner (src/db/run) as the engine of each node's part:
 *  - Galera: one connection runs the plan; INSTANT steps replicate under TOI; with `rsu`, every other step is first
 *    applied on each other node with `SET SESSION wsrep_OSU_method='RSU'` (one node at a time, waiting for it to be
 *    Synced again and checking it has the change) and then by the runner on its own node, also under RSU. The
 *    backfill runs in small write-sets, retried on certification conflicts (deadlock 1213, the runner's retry), and
 *    pauses while flow control pauses the cluster or a node's receive queue grows.
 *  - PostgreSQL logical replication: the expand steps on each subscriber in turn (a run of its own there, with the
 *    same timeouts, retries and resume), the new column confirmed on each, then the whole plan on the publisher with
 *    the backfill throttled on the subscription slots' lag, then — once every subscriber has applied it — the
 *    constraint and index steps on each subscriber.
 */
import type { NodeStage, TopologyPlan } from '../../core/topology';
import type { Plan, Step, TableRef } from '../../core/types';
import { DEFAULT_LOCK_TIMEOUT_MS } from '../../core/dialects/index';
import { connect, type DatabaseClient } from '../client';
import { readDefinition, resolveTable, confirmColumnOnReplicas, type ColumnConfirmation } from '../replication/definitions';
import { WalTimeline } from '../replication/postgres';
import { keepingSessionSettings, runnerDialect } from '../run/dialect';
import { isAlreadyApplied } from '../run/errors';
import { resolvePolicy, withLockRetry } from '../run/retry';
import { runPlan } from '../run/runner';
import { RunFailure, type LagSource, type RunOptions, type RunOutcome } from '../run/types';
import { galeraStatus, flowControlReader, type FlowControlReading } from './mysql';
import type { ClusterNode } from './index';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface NodeRunLog {
  readonly node: string;
  readonly stage: number;
  readonly what: string;
  readonly seconds: number;
  readonly skipped?: string;
}

export interface ClusterRunResult {
  /** The outcome of the run on the node that runs the whole plan (Galera: the connection given; logical: the publisher). */
  readonly outcome: RunOutcome;
  /** The other nodes' work, in the order it ran. */
  readonly nodes: readonly NodeRunLog[];
  /** The new column on every other node, with the definition of the node that ran the plan. */
  readonly confirmations: readonly ColumnConfirmation[] | null;
  readonly confirmed: boolean;
}

export interface ClusterRunOptions extends RunOptions {
  /** Galera: the other nodes (connections of their own). Logical: the subscribers, in the order to change them. */
  readonly nodes: readonly ClusterNode[];
  /** Galera: run non-INSTANT steps node by node under RSU (the plan must have been made with `rsu` too). */
  readonly rsu?: boolean;
  /** Galera: pause the backfill while a node's receive queue holds more write-sets than this; default 16. */
  readonly maxRecvQueue?: number;
  /** Logical: pause the backfill while a subscription slot is more than this many seconds behind; default 2 s. */
  readonly maxSlotLagSeconds?: number;
  /** How long to wait for a node to be Synced again / a subscriber to catch up / the column to appear; default 120 s. */
  readonly nodeWaitMs?: number;
  readonly onNode?: (log: NodeRunLog) => void;
  readonly onThrottle?: (what: string) => void;
}

function stepAt(plan: Plan, at: { phaseIndex: number; stepIndex: number }): Step {
  return plan.phases[at.phaseIndex]!.steps[at.stepIndex]!;
}

/** The plan with only the given steps (phases left empty dropped), for a run on one node. */
export function subPlan(plan: Plan, steps: NodeStage['steps']): Plan {
  const keep = new Set(steps.map((s) => `${s.phaseIndex}/${s.stepIndex}`));
  const phases = plan.phases
    .map((p, pi) => ({ ...p, steps: p.steps.filter((_, si) => keep.has(`${pi}/${si}`)) }))
    .filter((p) => p.steps.length > 0);
  return { ...plan, phases };
}

/* ---------------------------------------------------------------- Galera */

const RSU_ON = "SET SESSION wsrep_OSU_method = 'RSU'";
const TOI_ON = "SET SESSION wsrep_OSU_method = 'TOI'";

/** The flow-control signal as a lag source: seconds paused since the last read, or "infinitely behind" while a receive queue is long. */
export function flowControlLag(
  nodes: readonly ClusterNode[],
  maxRecvQueue: number,
  onRead?: (r: readonly FlowControlReading[]) => void,
): LagSource {
  const read = flowControlReader(nodes);
  return async () => {
    const r = await read();
    onRead?.(r);
    if (r.length === 0) return null;
    if (r.some((x) => x.recvQueue > maxRecvQueue)) return Number.POSITIVE_INFINITY;
    return Math.max(...r.map((x) => x.pausedSeconds));
  };
}

async function waitSynced(node: ClusterNode, timeoutMs: number): Promise<void> {
  const t0 = performance.now();
  for (;;) {
    const st = await galeraStatus(node.client);
    if (st.wsrep_local_state_comment === 'Synced') return;
    if (performance.now() - t0 > timeoutMs)
      throw new RunFailure(
        `Galera node ${node.name} is ${st.wsrep_local_state_comment} ${Math.round(timeoutMs / 1000)} s after its RSU step; the run stops before the next node. Run again to resume once it is Synced.`,
        'statement',
        null,
      );
    await sleep(200);
  }
}

/** One RSU step on a node, under the run's lock timeout; the node connection's own timeouts are back afterwards. */
function applyRsu(
  node: ClusterNode,
  step: Step,
  options: ClusterRunOptions,
  warn: (message: string) => void,
): Promise<{ attempts: number; skipped?: string }> {
  return keepingSessionSettings(
    runnerDialect(node.client),
    node.client,
    () => applyRsuStep(node, step, options),
    (w) => warn(`node ${node.name}: ${w}`),
  );
}

async function applyRsuStep(node: ClusterNode, step: Step, options: ClusterRunOptions): Promise<{ attempts: number; skipped?: string }> {
  const c = node.client;
  const lockSeconds = Math.max(1, Math.ceil((options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS) / 1000));
  await c.query(`SET SESSION lock_wait_timeout = ${lockSeconds}`);
  await c.query(RSU_ON);
  try {
    const r = await withLockRetry(
      async () => {
        for (const s of step.session?.before ?? []) await c.query(s);
        try {
          await c.query(step.sql);
        } finally {
          for (const s of step.session?.after ?? []) await c.query(s).catch(() => undefined);
        }
      },
      resolvePolicy(options.retry),
      undefined,
      options.signal,
    );
    return { attempts: r.attempts };
  } catch (err) {
    if (isAlreadyApplied(err)) return { attempts: 1, skipped: `already there (${(err as Error).message})` };
    throw err;
  } finally {
    await c.query(TOI_ON).catch(() => undefined);
  }
}

/** Galera: the plan on `client`'s node, RSU steps node by node first when `rsu`, confirmed on every node. */
export async function runGaleraPlan(client: DatabaseClient, tp: TopologyPlan, options: ClusterRunOptions): Promise<ClusterRunResult> {
  if (tp.topology.kind !== 'galera') throw new RunFailure('runGaleraPlan needs a plan made for a Galera topology.', 'refused', null);
  const { nodes, rsu, maxRecvQueue, nodeWaitMs, onNode, onThrottle, maxSlotLagSeconds: _unused, ...runOptions } = options;
  const rsuStages = tp.stages.filter((s) => s.mode === 'rsu');
  if (rsuStages.length && !rsu)
    throw new RunFailure('The plan was made for RSU; run it with rsu (--galera-rsu) or plan again without.', 'refused', null);
  const rsuKeys = new Set(rsuStages.flatMap((s) => s.steps.map((x) => `${x.phaseIndex}/${x.stepIndex}`)));
  const plan: Plan = {
    ...tp.plan,
    phases: tp.plan.phases.map((p, pi) => ({
      ...p,
      steps: p.steps.map((s, si) =>
        rsuKeys.has(`${pi}/${si}`)
          ? { ...s, session: { before: [RSU_ON, ...(s.session?.before ?? [])], after: [...(s.session?.after ?? []), TOI_ON] } }
          : s,
      ),
    })),
  };
  const logs: NodeRunLog[] = [];
  // Node connections' session settings not set back after their RSU steps: warnings on the outcome, as the runner's own.
  const nodeWarnings: string[] = [];
  const wait = nodeWaitMs ?? 120_000;
  // The flow-control reads need a connection of their own to the runner's node: the runner's is busy with its work.
  const monitor = runOptions.lag ? null : await connect(client.options);
  const everyNode: ClusterNode[] = [...(monitor ? [{ name: 'this node', client: monitor }] : []), ...nodes];
  // One batch is one write-set: the runner's adaptive batch size stays within the plan's Galera bound.
  const batchCap = Math.min(...tp.plan.phases.flatMap((p) => p.steps).map((s) => s.backfill?.batchSize ?? Number.POSITIVE_INFINITY));
  let run: RunOptions = {
    ...runOptions,
    ...(Number.isFinite(batchCap)
      ? {
          backfill: {
            maxBatchSize: batchCap,
            initialBatchSize: Math.min(batchCap, runOptions.backfill?.initialBatchSize ?? batchCap),
            ...runOptions.backfill,
          },
        }
      : {}),
    lag: runOptions.lag ?? {
      source: flowControlLag(everyNode, maxRecvQueue ?? 16, (r) => {
        const bad = r.filter((x) => x.pausedSeconds > 0 || x.recvQueue > (maxRecvQueue ?? 16));
        if (bad.length)
          onThrottle?.(bad.map((x) => `${x.node}: flow control ${x.pausedSeconds.toFixed(3)} s, receive queue ${x.recvQueue}`).join('; '));
      }),
      maxSeconds: 0.001,
      resumeBelowSeconds: 0.0005,
      pollMs: 100,
    },
  };
  if (rsuKeys.size) {
    const outer = run.beforeStep;
    run = {
      ...run,
      beforeStep: async (step, where) => {
        await outer?.(step, where);
        const key = `${where.phaseIndex}/${where.stepIndex}`;
        if (!rsuKeys.has(key)) return;
        const stage = rsuStages.find((s) => s.steps.some((x) => `${x.phaseIndex}/${x.stepIndex}` === key))!;
        for (const node of nodes) {
          const t0 = performance.now();
          const r = await applyRsu(node, stepAt(tp.plan, where), options, (w) => nodeWarnings.push(w));
          await waitSynced(node, wait);
          const log: NodeRunLog = {
            node: node.name,
            stage: stage.order,
            what: step.sql,
            seconds: (performance.now() - t0) / 1000,
            ...(r.skipped ? { skipped: r.skipped } : {}),
          };
          logs.push(log);
          onNode?.(log);
        }
      },
    };
  }
  let outcome: RunOutcome;
  try {
    outcome = await runPlan(client, plan, run);
  } catch (err) {
    if (err instanceof RunFailure) err.warnings.push(...nodeWarnings);
    throw err;
  } finally {
    await monitor?.close();
  }
  if (nodeWarnings.length)
    outcome =
      outcome.status === 'completed'
        ? { ...outcome, report: { ...outcome.report, warnings: [...outcome.report.warnings, ...nodeWarnings] } }
        : { ...outcome, warnings: [...outcome.warnings, ...nodeWarnings] };
  if (outcome.status !== 'completed') return { outcome, nodes: logs, confirmations: null, confirmed: false };
  const table = await resolveTable(client, plan.table);
  const confirmations = await confirmColumnOnReplicas(client, nodes, table, plan.column.name, {
    timeoutMs: wait,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  return { outcome, nodes: logs, confirmations, confirmed: confirmations.every((c) => c.confirmed) };
}

/* ---------------------------------------------------------------- PostgreSQL logical replication */

/**
 * Seconds the slowest logical slot is behind, dated on a WAL timeline of the publisher like the standby lag
 * (src/db/replication/postgres.ts): confirmed_flush_lsn against the publisher's samples. Null without a logical slot.
 */
export function slotLag(
  publisher: DatabaseClient,
  onRead?: (slots: readonly { slot: string; bytes: number; seconds: number }[]) => void,
): LagSource {
  const timeline = new WalTimeline();
  return async () => {
    const rows = await publisher.query<{ now: number; pos: number | string; slot: string | null; confirmed: number | string | null }>(
      `SELECT extract(epoch FROM clock_timestamp())::float8 AS now, pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::float8 AS pos,
              s.slot_name AS slot, pg_wal_lsn_diff(s.confirmed_flush_lsn, '0/0')::float8 AS confirmed
         FROM (SELECT 1) one LEFT JOIN pg_replication_slots s ON s.slot_type = 'logical' AND NOT s.temporary`,
    );
    const now = Number(rows[0]!.now);
    const pos = Number(rows[0]!.pos);
    timeline.add(now, pos);
    const slots = rows
      .filter((r) => r.slot !== null)
      .map((r) => {
        const confirmed = r.confirmed === null ? 0 : Number(r.confirmed);
        return { slot: r.slot!, bytes: Math.max(0, pos - confirmed), seconds: timeline.behind(now, pos, confirmed).seconds };
      });
    onRead?.(slots);
    return slots.length ? Math.max(...slots.map((s) => s.seconds)) : null;
  };
}

/** Wait until every logical slot on the publisher has confirmed everything written so far. */
async function waitSlotsCaughtUp(publisher: DatabaseClient, timeoutMs: number): Promise<void> {
  const [p] = await publisher.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn');
  const t0 = performance.now();
  for (;;) {
    const behind = await publisher.query<{ slot: string }>(
      `SELECT slot_name AS slot FROM pg_replication_slots WHERE slot_type = 'logical' AND NOT temporary AND (confirmed_flush_lsn IS NULL OR confirmed_flush_lsn < $1::pg_lsn)`,
      [p!.lsn],
    );
    if (behind.length === 0) return;
    if (performance.now() - t0 > timeoutMs)
      throw new RunFailure(
        `Subscription slot(s) ${behind.map((b) => b.slot).join(', ')} did not reach the publisher's ${p!.lsn} within ${Math.round(timeoutMs / 1000)} s: the subscribers have not applied the backfill, so their constraints are not added yet. Run again to resume.`,
        'statement',
        null,
      );
    await sleep(250);
  }
}

async function waitColumn(node: ClusterNode, table: TableRef, column: string, timeoutMs: number): Promise<void> {
  const t0 = performance.now();
  for (;;) {
    const facts = await readDefinition(node.client, table);
    if (facts?.columns?.some((c) => c.name === column)) return;
    if (performance.now() - t0 > timeoutMs)
      throw new RunFailure(
        `Subscriber ${node.name} does not have column ${column} after its run; the publisher is left unchanged so replication keeps working.`,
        'statement',
        null,
      );
    await sleep(200);
  }
}

/** Logical replication: subscribers' expand steps, then the publisher's whole plan, then the subscribers' constraints. */
export async function runLogicalPlan(publisher: DatabaseClient, tp: TopologyPlan, options: ClusterRunOptions): Promise<ClusterRunResult> {
  if (tp.topology.kind !== 'logical')
    throw new RunFailure('runLogicalPlan needs a plan made for a logical-replication topology.', 'refused', null);
  const { nodes, rsu: _rsu, maxRecvQueue: _q, maxSlotLagSeconds, nodeWaitMs, onNode, onThrottle, ...runOptions } = options;
  const blocking = tp.plan.warnings.filter((w) => w.severity === 'error' && w.code.startsWith('logical-'));
  if (blocking.length) throw new RunFailure(`Not run: ${blocking.map((w) => w.message).join(' ')}`, 'refused', null);
  const wait = nodeWaitMs ?? 120_000;
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const table = await resolveTable(publisher, tp.plan.table);
  const logs: NodeRunLog[] = [];
  let outcome: RunOutcome | null = null;
  for (const stage of tp.stages) {
    const t0 = performance.now();
    if (stage.role === 'publisher') {
      const monitor = runOptions.lag ? null : await connect(publisher.options);
      outcome = await runPlan(publisher, tp.plan, {
        ...runOptions,
        lag: runOptions.lag ?? {
          source: slotLag(monitor!, (slots) => {
            const behind = slots.filter((s) => s.seconds > (maxSlotLagSeconds ?? 2));
            if (behind.length)
              onThrottle?.(behind.map((s) => `slot ${s.slot}: ${s.bytes} bytes, ${s.seconds.toFixed(2)} s behind`).join('; '));
          }),
          maxSeconds: maxSlotLagSeconds ?? 2,
          pollMs: 250,
        },
      }).finally(() => monitor?.close());
      if (outcome.status !== 'completed') return { outcome, nodes: logs, confirmations: null, confirmed: false };
      continue;
    }
    const node = byName.get(stage.node);
    if (!node) throw new RunFailure(`The plan names subscriber ${stage.node}, but no connection to it was given.`, 'refused', null);
    if (outcome) await waitSlotsCaughtUp(publisher, wait); // constraints only after the subscriber applied the backfill
    const sub = await runPlan(
      node.client,
      { ...subPlan(tp.plan, stage.steps), table: { ...tp.plan.table, schema: table.schema } },
      runOptions,
    );
    if (sub.status !== 'completed') return { outcome: sub, nodes: logs, confirmations: null, confirmed: false };
    if (!outcome) await waitColumn(node, table, tp.plan.column.name, wait);
    const log: NodeRunLog = { node: node.name, stage: stage.order, what: stage.why, seconds: (performance.now() - t0) / 1000 };
    logs.push(log);
    onNode?.(log);
  }
  const confirmations = await confirmColumnOnReplicas(publisher, nodes, table, tp.plan.column.name, {
    timeoutMs: wait,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  return { outcome: outcome!, nodes: logs, confirmations, confirmed: confirmations.every((c) => c.confirmed) };
}

/** The plan on its topology: Galera or logical replication. */
export async function runClusterPlan(client: DatabaseClient, tp: TopologyPlan, options: ClusterRunOptions): Promise<ClusterRunResult> {
  return tp.topology.kind === 'galera' ? runGaleraPlan(client, tp, options) : runLogicalPlan(client, tp, options);
}
