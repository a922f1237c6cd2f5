/**
 * MariaDB Galera: the cluster as one node sees it (`wsrep_*` variables and status), and the flow-control signal the
 * backfill throttles on. Null when the server is not a Galera node (`wsrep_on` OFF or no provider).
 */
import type { GaleraTopology } from '../../core/topology';
import type { DatabaseClient } from '../client';

type Row = { Variable_name: string; Value: string | null };

async function kv(client: DatabaseClient, sql: string): Promise<Record<string, string>> {
  const rows = await client.query<Row>(sql);
  return Object.fromEntries(rows.map((r) => [r.Variable_name.toLowerCase(), r.Value ?? '']));
}

export async function galeraStatus(client: DatabaseClient): Promise<Record<string, string>> {
  return kv(
    client,
    `SHOW GLOBAL STATUS WHERE Variable_name IN ('wsrep_cluster_size', 'wsrep_cluster_status', 'wsrep_local_state_comment',
    'wsrep_incoming_addresses', 'wsrep_flow_control_paused', 'wsrep_flow_control_paused_ns', 'wsrep_local_recv_queue', 'wsrep_ready', 'wsrep_local_bf_aborts', 'wsrep_local_cert_failures', 'wsrep_cluster_state_uuid')`,
  );
}

export async function detectGalera(client: DatabaseClient): Promise<GaleraTopology | null> {
  let vars: Record<string, string>;
  try {
    vars = await kv(
      client,
      `SHOW VARIABLES WHERE Variable_name IN ('wsrep_on', 'wsrep_provider', 'wsrep_max_ws_rows', 'wsrep_max_ws_size', 'wsrep_node_incoming_address')`,
    );
  } catch {
    return null;
  }
  if (vars.wsrep_on?.toUpperCase() !== 'ON' || !vars.wsrep_provider || vars.wsrep_provider === 'none') return null;
  const [osu] = await client.query<{ m: string }>('SELECT @@SESSION.wsrep_OSU_method AS m');
  const st = await galeraStatus(client);
  const mine = vars.wsrep_node_incoming_address ?? '';
  const addresses = (st.wsrep_incoming_addresses ?? '')
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean);
  return {
    kind: 'galera',
    clusterSize: Number(st.wsrep_cluster_size ?? 0),
    clusterStatus: st.wsrep_cluster_status ?? '',
    localState: st.wsrep_local_state_comment ?? '',
    osuMethod: String(osu?.m ?? 'TOI'),
    maxWsRows: Number(vars.wsrep_max_ws_rows ?? 0),
    maxWsSize: Number(vars.wsrep_max_ws_size ?? 0),
    nodes: addresses.map((address) => ({
      address,
      local: address === mine || (mine === 'AUTO' && address.endsWith(`:${client.options.port}`)),
    })),
    flowControlPaused: Number(st.wsrep_flow_control_paused ?? 0),
    localRecvQueue: Number(st.wsrep_local_recv_queue ?? 0),
  };
}

export interface FlowControlReading {
  readonly node: string;
  /** Seconds flow control paused replication since the previous reading of this node (from wsrep_flow_control_paused_ns). */
  readonly pausedSeconds: number;
  readonly recvQueue: number;
}

/**
 * Reads every node's flow-control pause time and receive queue; `pausedSeconds` is the growth of
 * `wsrep_flow_control_paused_ns` since the previous read of that node (0 on the first read).
 */
export function flowControlReader(nodes: readonly { name: string; client: DatabaseClient }[]): () => Promise<FlowControlReading[]> {
  const previous = new Map<string, number>();
  return async () =>
    Promise.all(
      nodes.map(async (n) => {
        const st = await galeraStatus(n.client);
        const ns = Number(st.wsrep_flow_control_paused_ns ?? 0);
        const before = previous.get(n.name);
        previous.set(n.name, ns);
        return {
          node: n.name,
          pausedSeconds: before === undefined ? 0 : Math.max(0, ns - before) / 1e9,
          recvQueue: Number(st.wsrep_local_recv_queue ?? 0),
        };
      }),
    );
}

/**
 * Runs `read` with causal reads on a Galera node (`wsrep_sync_wait = 1`): the node first applies every write set the
 * cluster committed before the read, so a definition read on one node right after a DDL ran on another is not stale.
 * The session's previous setting is restored. On any other server (no `wsrep_on`, or OFF) `read` runs as it is.
 */
export async function withCausalReads<T>(client: DatabaseClient, read: () => Promise<T>): Promise<T> {
  if (client.options.engine === 'postgres') return read();
  let previous: number;
  try {
    const [row] = await client.query<{ on: number | string; wait: number | string }>(
      'SELECT @@GLOBAL.wsrep_on AS `on`, @@SESSION.wsrep_sync_wait AS `wait`',
    );
    if (String(row?.on) !== '1' && String(row?.on).toUpperCase() !== 'ON') return read();
    previous = Number(row?.wait ?? 0);
  } catch {
    return read(); // MySQL without wsrep: the variables do not exist
  }
  if (previous & 1) return read();
  await client.query('SET SESSION wsrep_sync_wait = 1');
  try {
    return await read();
  } finally {
    await client.query(`SET SESSION wsrep_sync_wait = ${previous}`).catch(() => undefined);
  }
}
