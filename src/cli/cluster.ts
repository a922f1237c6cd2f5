/**
 * `--node URL …` and `--galera-rsu` for `plan --url` and `run`: the topology the connection is part of (a Galera
 * cluster, or PostgreSQL logical replication with the subscribers given as --node), the plan annotated for it, and
 * the node connections for the run. Galera nodes are never connected to from `wsrep_incoming_addresses`: the user's
 * credentials go only to the URLs the user gave.
 */
import { describeTopology, planForTopology, renderStages, type TopologyPlan } from '../core/topology';
import type { Plan } from '../core/types';
import { connect, type DatabaseClient } from '../db/client';
import { clusterNodeProblems, detectTopology, type ClusterNode } from '../db/cluster';
import { ConnectionUrlError, parseConnectionUrl, redactUrl } from '../db/connection';
import { assertRunAllowed } from '../db/run';
import { UsageError, type Options } from './args';

export const CLUSTER_OPTIONS: Options = {
  node: { type: 'string', multiple: true },
  'galera-rsu': { type: 'boolean' },
  'no-subscribers': { type: 'boolean' },
};

export interface ClusterContext {
  /** Null when the connection is a single server (or physical replication only). */
  readonly topologyPlan: TopologyPlan | null;
  readonly nodes: readonly ClusterNode[];
  readonly rsu: boolean;
  close(): Promise<void>;
}

/** Connect to the --node URLs, detect the topology from `client` and annotate `plan` for it. */
export async function clusterContext(
  client: DatabaseClient,
  plan: Plan,
  values: Record<string, unknown>,
  purpose: 'plan' | 'run',
): Promise<ClusterContext> {
  const urls = (values.node as string[] | undefined) ?? [];
  const rsu = values['galera-rsu'] === true;
  const nodes: ClusterNode[] = [];
  const close = async () => {
    await Promise.all(nodes.map((n) => n.client.close().catch(() => undefined)));
  };
  try {
    for (const url of urls) {
      let options;
      try {
        options = parseConnectionUrl(url);
      } catch (err) {
        if (err instanceof ConnectionUrlError) throw new UsageError(`--node: ${err.message}`);
        throw err;
      }
      if (options.engine !== client.options.engine) throw new UsageError(`--node ${redactUrl(url)} is not the same engine as --url`);
      if (purpose === 'run') assertRunAllowed(options, values['allow-remote'] === true);
      try {
        nodes.push({ name: redactUrl(url), client: await connect(options) });
      } catch (err) {
        throw new UsageError(`--node ${redactUrl(url)}: ${(err as Error).message}`);
      }
    }
    const table = { schema: plan.table.schema || client.options.database, name: plan.table.name };
    const topo = await detectTopology(client, table, nodes);
    if (!topo) {
      if (urls.length || rsu)
        throw new UsageError(
          `--node/--galera-rsu given, but ${client.options.engine === 'postgres' ? `${table.schema}.${table.name} is in no publication` : 'the server is not a Galera node (wsrep_on is OFF)'}`,
        );
      return { topologyPlan: null, nodes, rsu, close };
    }
    const problems = await clusterNodeProblems(client, topo, nodes, { rsu, forRun: purpose === 'run', howToGive: 'with --node URL' });
    if (problems.length) throw new UsageError(problems.join('\n'));
    const topologyPlan = planForTopology(plan, topo, { rsu, publisherName: 'publisher (--url)' });
    if (
      purpose === 'run' &&
      values['no-subscribers'] !== true &&
      topologyPlan.plan.warnings.some((w) => w.code === 'logical-subscribers-unknown')
    ) {
      throw new UsageError(
        `${table.schema}.${table.name} is published (${topo.kind === 'logical' ? topo.publications.map((p) => p.name).join(', ') : ''}) and logical slots exist, but no subscriber was given: adding the column on the publisher first stops every subscriber's apply worker. Give each subscriber with --node URL (changed first), or --no-subscribers when no subscriber has a copy of this table (e.g. the slots feed a change-data-capture tool). Nothing was changed.`,
      );
    }
    return { topologyPlan, nodes, rsu, close };
  } catch (err) {
    await close();
    throw err;
  }
}

/** The nodes section of the text output. */
export function renderCluster(tp: TopologyPlan): string {
  return `\nNodes:\n  ${describeTopology(tp.topology)}\n${renderStages(tp)
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n')}\n`;
}

/** `plan --url`: the live plan annotated for the topology, or null on a single server. */
export async function clusterPlanLive(url: string, plan: Plan, values: Record<string, unknown>): Promise<TopologyPlan | null> {
  if (plan.phases.length === 0) return null;
  const client = await connect(url);
  try {
    const ctx = await clusterContext(client, plan, values, 'plan');
    await ctx.close();
    return ctx.topologyPlan;
  } finally {
    await client.close();
  }
}

/**
 * `write` on a multi-node topology: the per-node runbook beside the migration files, as
 * `<table>_<column>.runbook.md` (a numbered name when one exists: no file is overwritten). Returns its path.
 */
export async function writeRunbook(root: string, dir: string, tp: TopologyPlan): Promise<string> {
  const { writeFile } = await import('node:fs/promises');
  const { join } = await import('node:path');
  const { renderRunbook } = await import('../core/runbook');
  const base = `${tp.plan.table.name}_${tp.plan.column.name}`.replace(/[^A-Za-z0-9_.-]+/g, '_');
  for (let i = 1; ; i++) {
    const name = `${base}${i === 1 ? '' : `-${i}`}.runbook.md`;
    const rel = dir ? `${dir}/${name}` : name;
    try {
      await writeFile(join(root, rel), renderRunbook(tp), { flag: 'wx' });
      return rel;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || i >= 100) throw err;
    }
  }
}
