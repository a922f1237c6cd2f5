/**
 * The wizard on a multi-node topology: a Galera cluster, or a PostgreSQL publisher with logical-replication
 * subscribers. The topology comes from the server (src/db/cluster); the other nodes only from the profile's `nodes`
 * (names of other connection profiles, each connected with its own credentials and permissions) — never from the
 * addresses the server reports. The plan is annotated for the topology (src/core/topology.ts) like `plan --url`.
 */
import { describeTopology, planForTopology, renderStages, type Topology, type TopologyPlan } from '../../core/topology';
import type { Plan, TableRef } from '../../core/types';
import type { DatabaseClient } from '../../db/client';
import { clusterNodeProblems, detectTopology, type ClusterNode } from '../../db/cluster';
import { describeError } from '../../core/format';
import type { Connections } from '../connections/manager';
import type { ConnectionProfile, ProfilePermissions } from '../connections/profiles';
import * as l10n from '@vscode/l10n';

export interface WizardNode extends ClusterNode {
  readonly profile: ConnectionProfile;
}

export interface WizardTopology {
  readonly topology: Topology;
  readonly nodes: readonly WizardNode[];
  readonly rsu: boolean;
  /** Why the profile's nodes cannot be used as given (unknown names, another engine or cluster, missing nodes for RSU). */
  readonly problems: readonly string[];
  annotate(plan: Plan): TopologyPlan;
  /** What the wizard's header shows: the topology in one line, and the order the plan runs in. */
  describe(plan: Plan | null): { readonly summary: string; readonly stages: readonly string[]; readonly problems: readonly string[] };
  close(): Promise<void>;
}

/** The topology of `table` as `client` sees it, with the profile's nodes connected; null on a single server. */
export async function detectWizardTopology(
  client: DatabaseClient,
  table: TableRef,
  profile: ConnectionProfile,
  connections: Pick<Connections, 'find' | 'open'>,
  onProblem: (problem: string) => void,
): Promise<WizardTopology | null> {
  const nodes: WizardNode[] = [];
  const problems: string[] = [];
  const close = async () => {
    await Promise.all(nodes.map((n) => n.client.close().catch(() => undefined)));
  };
  try {
    for (const name of profile.nodes ?? []) {
      const node = connections.find(name);
      if (!node) {
        problems.push(l10n.t('"nodes" of "{0}" names "{1}", which is not a connection profile', profile.name, name));
        continue;
      }
      if ((node.dialect === 'postgres') !== (profile.dialect === 'postgres')) {
        problems.push(l10n.t('node "{0}" is {1}, not the same engine as "{2}"', name, node.dialect, profile.name));
        continue;
      }
      try {
        nodes.push({ name, profile: node, client: await connections.open(node) });
      } catch (err) {
        problems.push(l10n.t('node "{0}": {1}', name, describeError(err)));
      }
    }
    const topology = await detectTopology(client, table, nodes);
    if (!topology) {
      if (nodes.length || profile.galeraRsu)
        problems.push(
          profile.dialect === 'postgres'
            ? l10n.t(
                '"{0}" names cluster nodes, but {1} is in no publication; planned as a single server',
                profile.name,
                `${table.schema}.${table.name}`,
              )
            : l10n.t(
                '"{0}" names cluster nodes, but the server is not a Galera node (wsrep_on is OFF); planned as a single server',
                profile.name,
              ),
        );
      await close();
      problems.forEach(onProblem);
      return null;
    }
    const rsu = profile.galeraRsu === true && topology.kind === 'galera';
    problems.push(
      ...(await clusterNodeProblems(client, topology, nodes, {
        rsu,
        forRun: true,
        howToGive: l10n.t('in the "nodes" of "{0}" (names of their connection profiles)', profile.name),
      })),
    );
    const annotate = (plan: Plan) => planForTopology(plan, topology, { rsu, publisherName: profile.name });
    return {
      topology,
      nodes,
      rsu,
      problems,
      annotate,
      close,
      describe: (plan) => ({
        summary: describeTopology(topology),
        stages: plan && plan.phases.length ? renderStages(annotate(plan)).split('\n') : [],
        problems,
      }),
    };
  } catch (err) {
    await close();
    throw err;
  }
}

/**
 * Why the wizard does not run `plan` (already annotated for the topology) on the cluster as configured, or null:
 * the profile's nodes do not fit, a published table whose subscribers are not named (the publisher first would stop
 * their apply workers), or a node whose own profile does not allow running.
 */
export async function runRefusal(
  cluster: WizardTopology,
  plan: Plan,
  profileName: string,
  permissionsOf: (p: ConnectionProfile) => Promise<ProfilePermissions>,
): Promise<string | null> {
  if (cluster.problems.length) return l10n.t('Not run: {0}.', cluster.problems.join('; '));
  if (plan.warnings.some((w) => w.code === 'logical-subscribers-unknown')) {
    return l10n.t(
      'Not run: {0} is published and logical slots exist, but "{1}" names no subscribers. Adding the column on the publisher first stops every subscriber\'s apply worker: list the subscribers\' connection profiles in its "nodes" (they are changed first), or run from the CLI with --node.',
      `${plan.table.schema}.${plan.table.name}`,
      profileName,
    );
  }
  for (const n of cluster.nodes) {
    const p = await permissionsOf(n.profile);
    if (!p.run)
      return p.readOnly
        ? l10n.t('Not run: node "{0}" does not allow running migrations (a production connection).', n.name)
        : l10n.t('Not run: node "{0}" does not allow running migrations (set "allowRun": true in its profile).', n.name);
  }
  return null;
}
