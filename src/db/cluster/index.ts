/**
 * Multi-node topologies seen from a connection: a Galera cluster (MariaDB) or PostgreSQL logical replication.
 * Same-shaped per engine: `detectGalera` / `detectLogical`; `detectTopology` picks by engine.
 */
import type { GaleraTopology, Topology } from '../../core/topology';
import type { TableRef } from '../../core/types';
import type { DatabaseClient } from '../client';
import { detectGalera } from './mysql';
import { detectLogical, logicalSummary } from './postgres';

export interface ClusterNode {
  /** The label reports use (a redacted URL). */
  readonly name: string;
  readonly client: DatabaseClient;
}

/** What the tree shows under a connection: the Galera cluster the server is a node of, or its publications and subscriptions. */
export type ServerClusterSummary =
  | { readonly kind: 'galera'; readonly topology: GaleraTopology }
  | {
      readonly kind: 'logical';
      readonly publications: readonly { name: string; tables: number }[];
      readonly subscriptions: readonly { name: string; enabled: boolean }[];
    };

export async function serverClusterSummary(client: DatabaseClient): Promise<ServerClusterSummary | null> {
  if (client.options.engine === 'postgres') {
    const s = await logicalSummary(client);
    return s ? { kind: 'logical', ...s } : null;
  }
  const topology = await detectGalera(client);
  return topology ? { kind: 'galera', topology } : null;
}

/** The topology the connection is part of, or null for a single server (or plain physical replication). */
export async function detectTopology(
  client: DatabaseClient,
  table: TableRef,
  nodes: readonly ClusterNode[] = [],
): Promise<Topology | null> {
  return client.options.engine === 'postgres' ? detectLogical(client, table, nodes) : detectGalera(client);
}

export { detectGalera, flowControlReader, galeraStatus, type FlowControlReading } from './mysql';
export {
  detectLogical,
  logicalSummary,
  logicalSlotLagBytes,
  logicalSlots,
  publicationsOf,
  replicaIdentity,
  subscriberNode,
} from './postgres';
export { clusterNodeProblems } from './nodes';
export {
  flowControlLag,
  runClusterPlan,
  runGaleraPlan,
  runLogicalPlan,
  slotLag,
  subPlan,
  type ClusterRunOptions,
  type ClusterRunResult,
  type NodeRunLog,
} from './run';
