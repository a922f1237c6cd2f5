/**
 * Multi-node topologies — a MariaDB Galera cluster, PostgreSQL logical replication — and what they change about a
 * plan. Pure: the database layer detects the topology (src/db/cluster), this module annotates the single-server plan
 * from src/core/plan.ts and orders its steps per node.
 *
 * Facts the annotations rest on (distributed.md, checked by test/db/cluster-*.test.ts on real clusters):
 *  - Galera runs DDL under Total Order Isolation by default: the statement executes on every node at once and no
 *    other write-set is applied meanwhile, so writes on every node and every table wait for its whole duration.
 *    RSU runs it on one node only, desynced, node by node. A backfill batch is one write-set (certification conflicts
 *    come back as deadlock 1213; big ones hit wsrep_max_ws_rows/size and flow control).
 *  - PostgreSQL logical replication does not replicate DDL and matches columns by name: a column the publisher sends
 *    that a subscriber lacks stops its apply worker, so subscribers get the column first and the publisher last; a
 *    NOT NULL / CHECK / unique index on a subscriber could reject rows the publisher still sends without a value, so
 *    constraints go on subscribers last. UPDATEs on a table published for updates need a replica identity.
 */
import { formatSeconds } from './format';
import type { Finding, Phase, PhaseKind, Plan, Step } from './types';

export interface GaleraNode {
  /** `host:port` as in `wsrep_incoming_addresses`. */
  readonly address: string;
  /** This node is the connection the facts were read on. */
  readonly local: boolean;
}

export interface GaleraTopology {
  readonly kind: 'galera';
  readonly clusterSize: number;
  /** `wsrep_cluster_status`: Primary / non-Primary. */
  readonly clusterStatus: string;
  /** `wsrep_local_state_comment`: Synced, Donor/Desynced, Joining… */
  readonly localState: string;
  /** The session's `wsrep_OSU_method`: TOI or RSU. */
  readonly osuMethod: string;
  /** 0 = no limit. */
  readonly maxWsRows: number;
  readonly maxWsSize: number;
  readonly nodes: readonly GaleraNode[];
  /** Fraction of time flow control paused replication since the status was last reset. */
  readonly flowControlPaused: number;
  readonly localRecvQueue: number;
}

export interface Publication {
  readonly name: string;
  readonly publishesInsert: boolean;
  readonly publishesUpdate: boolean;
  readonly publishesDelete: boolean;
  readonly allTables: boolean;
}

export interface LogicalSlot {
  readonly name: string;
  readonly active: boolean;
  /** WAL the slot's consumer has not confirmed: current LSN − confirmed_flush_lsn. */
  readonly lagBytes: number | null;
}

export interface Subscription {
  readonly name: string;
  readonly enabled: boolean;
  readonly publications: readonly string[];
  /** `pg_subscription_rel.srsubstate` of the table: r = ready, d = copying, i/s = initializing; null = not subscribed. */
  readonly tableState: string | null;
}

export interface SubscriberNode {
  /** The label the user gave the node (its URL with the password removed). */
  readonly name: string;
  /** Subscriptions on that server to a publication containing the table. */
  readonly subscriptions: readonly Subscription[];
  /** The table exists there. */
  readonly hasTable: boolean;
}

export type ReplicaIdentity = 'default' | 'full' | 'index' | 'nothing';

export interface LogicalTopology {
  readonly kind: 'logical';
  /** Publications on this server that contain the table. */
  readonly publications: readonly Publication[];
  readonly replicaIdentity: ReplicaIdentity;
  /** The replica identity can identify rows: FULL, an index, or DEFAULT with a primary key. */
  readonly identityUsable: boolean;
  /** Logical slots on the publisher (their consumers are the subscriptions). */
  readonly slots: readonly LogicalSlot[];
  readonly subscribers: readonly SubscriberNode[];
}

export type Topology = GaleraTopology | LogicalTopology;

/** Where and how one step runs on a multi-node topology. */
export type NodeMode =
  /** Galera TOI: one statement, executed on every node at once. */
  | 'toi'
  /** Galera RSU: the statement on each node in turn, that node desynced. */
  | 'rsu'
  /** On this node only (logical replication: DDL is not replicated). */
  | 'local'
  /** Runs on the node given and reaches the others by replication (a backfill on the publisher / any Galera node). */
  | 'replicated';

export interface NodeStage {
  readonly order: number;
  /** `all` for a TOI stage, otherwise the node's label; `each` for RSU (every node in turn). */
  readonly node: string;
  readonly role: 'publisher' | 'subscriber' | 'galera';
  readonly mode: NodeMode;
  /** Indexes into the plan's phases/steps. */
  readonly steps: readonly { readonly phaseIndex: number; readonly stepIndex: number }[];
  readonly why: string;
}

/** A plan annotated for its topology, with the order of work per node. */
export interface TopologyPlan {
  readonly plan: Plan;
  readonly topology: Topology;
  readonly stages: readonly NodeStage[];
}

export interface TopologyOptions {
  /** Galera: run non-INSTANT steps node by node with RSU (the user allowed it: `--galera-rsu`). */
  readonly rsu?: boolean;
  /** Logical replication: the publisher's label. */
  readonly publisherName?: string;
}

/** Rows per backfill batch on Galera: one batch is one write-set, kept well inside the limits and quick to certify. */
export const GALERA_MAX_BATCH_ROWS = 500;

/** A step that changes only metadata on MySQL/MariaDB: INSTANT, or a catalog-only change estimated at the metadata moment. */
function isInstant(step: Step): boolean {
  return step.algorithm === 'INSTANT' || (step.algorithm === 'NOCOPY' && !step.rewrite && step.estimate.totalSeconds <= 0.011);
}

function mapSteps(plan: Plan, f: (step: Step, phase: Phase) => Step): Phase[] {
  return plan.phases.map((p) => ({ ...p, steps: p.steps.map((s) => f(s, p)) }));
}

/** `why` with `extra` appended once (a plan file planned for the topology already carries it). */
function note(why: string, extra: string): string {
  return why.includes(extra.slice(0, 40)) ? why : `${why} ${extra}`;
}

/** The plan's warnings without earlier findings of this module (re-planning a plan file for its topology). */
const OWN_CODE = /^(galera-|logical-)/;

function freeze<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

/** Galera: the plan's cluster-wide effects, batch sizes for small write-sets, and the TOI/RSU stages. */
/**
 * Under RSU the nodes run the old and the new shape side by side and apply each other's row events. What that costs,
 * by the kind of change (the step's `done` marker): a plain index changes no row — compatible; a unique index, a NOT
 * NULL or a constraint makes a changed node reject rows an unchanged node still accepts, and a node that cannot apply
 * a replicated row stops with an inconsistency and leaves the cluster; a column moved into the middle of the row makes
 * row events of the two shapes disagree on column positions.
 */
function rsuRisk(s: Step): Finding | null {
  const d = s.done;
  const what = `"${s.sql.slice(0, 70)}…"`;
  if (d?.kind === 'index' && !/\bUNIQUE\b/i.test(s.sql)) return null;
  if (d?.kind === 'index' || d?.kind === 'not-null' || d?.kind === 'constraint') {
    return {
      code: 'galera-rsu-constraint',
      severity: 'warning',
      message: `RSU: ${what} makes the nodes that have it reject rows the others still accept; until every node has it, a row written on an unchanged node that breaks it cannot be applied on a changed node, which then stops with an inconsistency and leaves the cluster.`,
      fix: 'run this step under RSU only once every writer already writes valid values (after the backfill, with the application setting the column), or under TOI',
    };
  }
  if (d?.kind === 'column' && /\b(AFTER|FIRST)\b/i.test(s.sql)) {
    return {
      code: 'galera-rsu-incompatible',
      severity: 'error',
      message: `RSU: ${what} puts the column in the middle of the row, so row events from nodes with and without it disagree on column positions while the nodes differ.`,
      fix: 'add the column last (no AFTER/FIRST), or run this step under TOI (without --galera-rsu)',
    };
  }
  return null;
}

export function planForGalera(plan: Plan, topo: GaleraTopology, options: TopologyOptions = {}): TopologyPlan {
  const warnings: Finding[] = plan.warnings.filter((w) => !OWN_CODE.test(w.code));
  const rsu = options.rsu === true;
  const rowBytes = plan.table.rows > 0 ? Math.max(64, plan.table.bytes / plan.table.rows) : 256;
  const caps = [GALERA_MAX_BATCH_ROWS];
  if (topo.maxWsRows > 0) caps.push(Math.floor(topo.maxWsRows / 2));
  if (topo.maxWsSize > 0) caps.push(Math.floor(topo.maxWsSize / 4 / rowBytes));
  const batchCap = Math.max(10, Math.min(...caps));
  const stalls: string[] = [];
  const rsuRisks: Finding[] = [];
  const phases = mapSteps(plan, (s) => {
    if (s.backfill) {
      const batchSize = Math.min(s.backfill.batchSize ?? batchCap, batchCap);
      return {
        ...s,
        sql: s.sql.replace(/LIMIT \d+/, `LIMIT ${batchSize}`),
        backfill: { ...s.backfill, batchSize },
        why: note(
          s.why,
          `Galera: each batch is one write-set, replicated and certified on every node before it commits: at most ${batchSize} rows ` +
            `(wsrep_max_ws_rows ${topo.maxWsRows || 'unlimited'}, wsrep_max_ws_size ${topo.maxWsSize} bytes); a batch aborted by a certification conflict (deadlock 1213) is retried, and the backfill pauses while flow control is paused or a node's receive queue grows.`,
        ),
      };
    }
    if (isInstant(s)) {
      return {
        ...s,
        why: note(
          s.why,
          'Galera: replicated under TOI, it executes on every node at once; INSTANT, so the cluster-wide pause is the metadata moment only.',
        ),
      };
    }
    const secs = s.estimate.totalSeconds;
    stalls.push(`"${s.sql.slice(0, 70)}…" (~${formatSeconds(secs)})`);
    if (rsu) {
      const risk = rsuRisk(s);
      if (risk) rsuRisks.push(risk);
      return {
        ...s,
        why: note(
          s.why,
          `Galera, RSU: runs on one node at a time with wsrep_OSU_method=RSU (the node desyncs; the others keep taking writes, while writes on the node being changed wait for its step), then on the next; the cluster runs old and new schema side by side meanwhile, so it must be replication-compatible.`,
        ),
      };
    }
    return {
      ...s,
      blocks: { reads: s.blocks.reads, writes: true },
      estimate: { ...s.estimate, lockSeconds: Math.max(s.estimate.lockSeconds, secs) },
      why: note(
        s.why,
        `Galera TOI: this statement executes on every node at once and the cluster applies no other write-set while it runs: writes on EVERY node and EVERY table wait for its whole duration (~${formatSeconds(secs)}).`,
      ),
    };
  });
  if (stalls.length && !rsu) {
    warnings.push({
      code: 'galera-toi-stall',
      severity: 'warning',
      message: `Galera cluster of ${topo.clusterSize} nodes, wsrep_OSU_method=${topo.osuMethod}: ${stalls.join('; ')} ${stalls.length === 1 ? 'is' : 'are'} not INSTANT, so under Total Order Isolation ${stalls.length === 1 ? 'it blocks' : 'each blocks'} writes cluster-wide — every node, every table — for ${stalls.length === 1 ? 'its' : 'its own'} whole duration.`,
      fix: 'run those steps as a Rolling Schema Upgrade, node by node (run --galera-rsu; only for changes compatible with replication between the old and the new shape, such as adding an index), or use an online schema-change tool (pt-online-schema-change) in a low-traffic window',
    });
  }
  if (rsu && stalls.length) {
    warnings.push({
      code: 'galera-rsu',
      severity: 'info',
      message: `RSU: ${stalls.length} step(s) run on each of the ${topo.clusterSize} nodes in turn, the node desynced while it runs; writes continue on the other nodes, but writes on the node being changed — any table — wait for its step (measured in bench/galera.ts), and it catches up from its receive queue afterwards: move application writes off each node before its turn. Until every node has the change the nodes' schemas differ.`,
    });
  }
  warnings.push(...rsuRisks);
  if (topo.clusterStatus !== 'Primary' || topo.localState !== 'Synced') {
    warnings.push({
      code: 'galera-not-synced',
      severity: 'error',
      message: `The node is ${topo.localState} in a ${topo.clusterStatus} component: run schema changes only on a Synced node of the Primary component.`,
    });
  }
  if (topo.osuMethod.toUpperCase() !== 'TOI' && !rsu) {
    warnings.push({
      code: 'galera-osu-method',
      severity: 'warning',
      message: `wsrep_OSU_method is ${topo.osuMethod} for this connection: DDL would change this node only and the cluster's schemas would drift.`,
    });
  }
  const stages: NodeStage[] = [];
  let order = 0;
  plan.phases.forEach((p, pi) =>
    p.steps.forEach((s, si) => {
      const here = { phaseIndex: pi, stepIndex: si };
      const mode: NodeMode = s.backfill ? 'replicated' : !isInstant(s) && rsu ? 'rsu' : 'toi';
      const last = stages[stages.length - 1];
      if (last && last.mode === mode) {
        stages[stages.length - 1] = { ...last, steps: [...last.steps, here] };
        return;
      }
      stages.push({
        order: ++order,
        node: mode === 'rsu' ? 'each' : mode === 'toi' ? 'all' : 'any',
        role: 'galera',
        mode,
        steps: [here],
        why:
          mode === 'toi'
            ? 'TOI: one statement, executed on every node at once'
            : mode === 'rsu'
              ? 'RSU: on every node in turn, the node desynced while it runs'
              : 'batches on one node, replicated as small write-sets',
      });
    }),
  );
  return freeze({ plan: { ...plan, phases, warnings }, topology: topo, stages });
}

/** Phases that go on subscribers only after the publisher is done. */
const SUBSCRIBER_LAST: readonly PhaseKind[] = ['constrain', 'index', 'cutover', 'contract'];

/** PostgreSQL logical replication: the order per node and the replica-identity / decoding findings. */
export function planForLogical(plan: Plan, topo: LogicalTopology, options: TopologyOptions = {}): TopologyPlan {
  const warnings: Finding[] = plan.warnings.filter((w) => !OWN_CODE.test(w.code));
  const publisher = options.publisherName ?? 'publisher';
  const publishesUpdates = topo.publications.some((p) => p.publishesUpdate);
  const backfill = plan.phases.some((p) => p.steps.some((s) => s.backfill));
  if (publishesUpdates && !topo.identityUsable) {
    warnings.push({
      code: 'logical-no-replica-identity',
      severity: 'error',
      message: `${plan.table.schema}.${plan.table.name} is in publication ${topo.publications
        .filter((p) => p.publishesUpdate)
        .map((p) => p.name)
        .join(
          ', ',
        )}, which publishes UPDATEs, and has no usable replica identity (REPLICA IDENTITY ${topo.replicaIdentity.toUpperCase()}${topo.replicaIdentity === 'default' ? ' without a primary key' : ''}): ${backfill ? 'the backfill UPDATE fails' : 'every UPDATE and DELETE on it fails'} ("cannot update table … because it does not have a replica identity and publishes updates").`,
      fix: 'add a primary key, or ALTER TABLE … REPLICA IDENTITY USING INDEX a unique index on NOT NULL columns (or REPLICA IDENTITY FULL, which logs whole old rows)',
    });
  }
  if (backfill && publishesUpdates) {
    const bytes = plan.table.bytes > 0 ? plan.table.bytes : plan.table.rows * 100;
    const full = topo.replicaIdentity === 'full';
    warnings.push({
      code: 'logical-decoding-volume',
      severity: 'info',
      message: `The backfill updates every row on the publisher, and each update is decoded and sent to ${topo.slots.length || 'each'} subscription slot(s): expect about ${Math.round((bytes * (full ? 2 : 1)) / 1024 / 1024)} MiB of WAL${full ? ' (REPLICA IDENTITY FULL logs the old row too)' : ''} through logical decoding, held on the publisher until every slot confirms it; the runner pauses the backfill while a slot lags.`,
    });
  }
  for (const s of topo.slots) {
    if (!s.active)
      warnings.push({
        code: 'logical-inactive-slot',
        severity: 'warning',
        message: `Logical slot ${s.name} is inactive: the publisher keeps WAL for it (${s.lagBytes ?? '?'} bytes now), and a backfill adds the whole table to that.`,
      });
  }
  for (const sub of topo.subscribers) {
    if (!sub.hasTable)
      warnings.push({
        code: 'logical-subscriber-missing-table',
        severity: 'error',
        message: `Subscriber ${sub.name} has no table ${plan.table.schema}.${plan.table.name}.`,
      });
    else if (sub.subscriptions.length === 0)
      warnings.push({
        code: 'logical-not-subscribed',
        severity: 'warning',
        message: `Subscriber ${sub.name} has no subscription to a publication containing ${plan.table.schema}.${plan.table.name}; it is changed in the same order all the same.`,
      });
    for (const s of sub.subscriptions)
      if (!s.enabled)
        warnings.push({
          code: 'logical-subscription-disabled',
          severity: 'warning',
          message: `Subscription ${s.name} on ${sub.name} is disabled: it will apply the backfill only once enabled.`,
        });
  }
  if (topo.subscribers.length === 0 && topo.slots.length > 0) {
    warnings.push({
      code: 'logical-subscribers-unknown',
      severity: 'warning',
      message: `The table is published (${topo.publications.map((p) => p.name).join(', ')}) and ${topo.slots.length} logical slot(s) exist, but no subscriber connection was given: adding the column on the publisher first stops every subscriber's apply worker ("logical replication target relation … is missing replicated column") until it has the column too.`,
      fix: "give the subscribers (--node URL for each, or the connection profile's nodes) so the column goes on them first",
    });
  }
  const stages: NodeStage[] = [];
  const first: { phaseIndex: number; stepIndex: number }[] = [];
  const last: { phaseIndex: number; stepIndex: number }[] = [];
  const all: { phaseIndex: number; stepIndex: number }[] = [];
  plan.phases.forEach((p, pi) =>
    p.steps.forEach((s, si) => {
      all.push({ phaseIndex: pi, stepIndex: si });
      if (s.backfill) return; // replicated from the publisher
      (SUBSCRIBER_LAST.includes(p.kind) ? last : first).push({ phaseIndex: pi, stepIndex: si });
    }),
  );
  let order = 0;
  for (const sub of topo.subscribers)
    if (first.length)
      stages.push({
        order: ++order,
        node: sub.name,
        role: 'subscriber',
        mode: 'local',
        steps: first,
        why: 'the column first on every subscriber, so rows the publisher sends with it can be applied',
      });
  stages.push({
    order: ++order,
    node: publisher,
    role: 'publisher',
    mode: 'local',
    steps: all,
    why: 'the publisher last: its backfill reaches the subscribers through the subscription',
  });
  for (const sub of topo.subscribers)
    if (last.length)
      stages.push({
        order: ++order,
        node: sub.name,
        role: 'subscriber',
        mode: 'local',
        steps: last,
        why: "constraints and indexes on subscribers last, once they have applied the publisher's backfill",
      });
  const phases = mapSteps(plan, (s, p) =>
    s.backfill
      ? {
          ...s,
          why: note(
            s.why,
            'Logical replication: each updated row is decoded and sent to the subscribers; the runner pauses while a slot lags.',
          ),
        }
      : topo.subscribers.length
        ? {
            ...s,
            why: note(
              s.why,
              `Logical replication: DDL is not replicated; this runs on the publisher and, ${SUBSCRIBER_LAST.includes(p.kind) ? 'after the publisher, on each subscriber' : 'before the publisher, on each subscriber'}.`,
            ),
          }
        : s,
  );
  return freeze({ plan: { ...plan, phases, warnings }, topology: topo, stages });
}

/** The plan for its topology. */
export function planForTopology(plan: Plan, topo: Topology, options: TopologyOptions = {}): TopologyPlan {
  return topo.kind === 'galera' ? planForGalera(plan, topo, options) : planForLogical(plan, topo, options);
}

/** The stages as text, for `plan` output and the runbook. */
export function renderStages(tp: TopologyPlan): string {
  const lines: string[] = [];
  const steps = (st: NodeStage) =>
    st.steps
      .map(
        ({ phaseIndex, stepIndex }) =>
          `step ${tp.plan.phases.slice(0, phaseIndex).reduce((n, p) => n + p.steps.length, 0) + stepIndex + 1}`,
      )
      .join(', ');
  for (const st of tp.stages) {
    const where =
      st.mode === 'toi'
        ? 'on one node (TOI: executes on all nodes at once)'
        : st.mode === 'rsu'
          ? "on each node in turn, with SET SESSION wsrep_OSU_method='RSU'"
          : st.mode === 'replicated'
            ? 'on one node (replicated)'
            : `on ${st.role} ${st.node}`;
    lines.push(`${st.order}. ${where}: ${steps(st)} — ${st.why}`);
  }
  return lines.join('\n');
}

/** One line naming the topology: the cluster's nodes and state, or the publications, identity, slots and subscribers. */
export function describeTopology(t: Topology): string {
  return t.kind === 'galera'
    ? `Galera cluster: ${t.clusterSize} nodes (${t.nodes.map((n) => `${n.address}${n.local ? ' ← this connection' : ''}`).join(', ')}), ${t.clusterStatus}, ${t.localState}, wsrep_OSU_method ${t.osuMethod}`
    : `Logical replication: publication(s) ${t.publications.map((p) => p.name).join(', ')}; replica identity ${t.replicaIdentity}${t.identityUsable ? '' : ' (NOT usable)'}; ${t.slots.length} logical slot(s); subscribers given: ${t.subscribers.map((s) => s.name).join(', ') || 'none'}`;
}
