/**
 * Whether the node connections a user gave fit the topology the server reports: the same Galera cluster (its
 * cluster state UUID), every other node when RSU is to run node by node, RSU only on Galera. One check for the CLI's
 * `--node` and the extension's profile `nodes`; each caller says how nodes are given in its own words.
 */
import type { Topology } from '../../core/topology';
import type { DatabaseClient } from '../client';
import type { ClusterNode } from './index';
import { galeraStatus } from './mysql';

export async function clusterNodeProblems(
  client: DatabaseClient,
  topo: Topology,
  nodes: readonly ClusterNode[],
  options: { readonly rsu: boolean; readonly forRun: boolean; readonly howToGive: string },
): Promise<string[]> {
  const problems: string[] = [];
  if (topo.kind !== 'galera') {
    if (options.rsu) problems.push('RSU (--galera-rsu / galeraRsu) is for Galera clusters; this is PostgreSQL logical replication');
    return problems;
  }
  if (options.rsu && options.forRun && nodes.length + 1 < topo.clusterSize) {
    problems.push(
      `RSU runs non-INSTANT steps on every node in turn: give the other ${topo.clusterSize - 1} node(s) ${options.howToGive} (the cluster reports ${topo.nodes
        .filter((n) => !n.local)
        .map((n) => n.address)
        .join(', ')}); got ${nodes.length}`,
    );
  }
  const own = (await galeraStatus(client)).wsrep_cluster_state_uuid;
  for (const n of nodes) {
    const theirs = (await galeraStatus(n.client)).wsrep_cluster_state_uuid;
    if (!theirs || theirs !== own)
      problems.push(`${n.name} is not a node of the same Galera cluster (cluster state ${theirs || 'none'}, this connection's ${own})`);
  }
  return problems;
}
