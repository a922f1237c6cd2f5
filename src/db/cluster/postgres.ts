/**
 * PostgreSQL logical replication: the publications on this server that contain the table, its replica identity, the
 * logical slots (their lag is what a backfill is throttled on), and — given subscriber connections — their
 * subscriptions to those publications. Null when the table is in no publication and no subscriber was given.
 */
import type { LogicalSlot, LogicalTopology, Publication, ReplicaIdentity, SubscriberNode } from '../../core/topology';
import type { TableRef } from '../../core/types';
import type { DatabaseClient } from '../client';

export async function publicationsOf(client: DatabaseClient, table: TableRef): Promise<Publication[]> {
  const rows = await client.query<{ name: string; ins: boolean; upd: boolean; del: boolean; alltables: boolean }>(
    `SELECT p.pubname AS name, p.pubinsert AS ins, p.pubupdate AS upd, p.pubdelete AS del, p.puballtables AS alltables
       FROM pg_publication p
      WHERE EXISTS (SELECT 1 FROM pg_publication_tables t WHERE t.pubname = p.pubname AND t.schemaname = $1 AND t.tablename = $2)
      ORDER BY 1`,
    [table.schema, table.name],
  );
  return rows.map((r) => ({
    name: r.name,
    publishesInsert: r.ins,
    publishesUpdate: r.upd,
    publishesDelete: r.del,
    allTables: r.alltables,
  }));
}

export async function replicaIdentity(client: DatabaseClient, table: TableRef): Promise<{ identity: ReplicaIdentity; usable: boolean }> {
  const [r] = await client.query<{ ident: string; pk: boolean; idx: boolean }>(
    `SELECT c.relreplident AS ident,
            EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary) AS pk,
            EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisreplident AND i.indisvalid) AS idx
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = $2`,
    [table.schema, table.name],
  );
  if (!r) return { identity: 'default', usable: false };
  const identity: ReplicaIdentity = r.ident === 'f' ? 'full' : r.ident === 'i' ? 'index' : r.ident === 'n' ? 'nothing' : 'default';
  const usable = identity === 'full' || (identity === 'index' && r.idx) || (identity === 'default' && r.pk);
  return { identity, usable };
}

export async function logicalSlots(client: DatabaseClient): Promise<LogicalSlot[]> {
  const rows = await client.query<{ name: string; active: boolean; lag: number | string | null }>(
    `SELECT slot_name AS name, active, pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)::float8 AS lag
       FROM pg_replication_slots WHERE slot_type = 'logical' ORDER BY 1`,
  );
  return rows.map((r) => ({ name: r.name, active: r.active, lagBytes: r.lag === null ? null : Number(r.lag) }));
}

/** The subscriber's subscriptions to any of `publications` (all its subscriptions when that is empty), with the table's sync state. */
export async function subscriberNode(
  name: string,
  client: DatabaseClient,
  table: TableRef,
  publications: readonly string[],
): Promise<SubscriberNode> {
  const [t] = await client.query<{ oid: number | null }>(
    `SELECT c.oid::int AS oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p')`,
    [table.schema, table.name],
  );
  const rows = await client.query<{ name: string; enabled: boolean; pubs: string[]; state: string | null }>(
    `SELECT s.subname AS name, s.subenabled AS enabled, s.subpublications AS pubs,
            (SELECT r.srsubstate::text FROM pg_subscription_rel r WHERE r.srsubid = s.oid AND r.srrelid = $1::oid) AS state
       FROM pg_subscription s WHERE s.subdbid = (SELECT oid FROM pg_database WHERE datname = current_database()) ORDER BY 1`,
    [t?.oid ?? 0],
  );
  const subs = rows.filter((r) => publications.length === 0 || r.pubs.some((p) => publications.includes(p)));
  return {
    name,
    hasTable: Boolean(t?.oid),
    subscriptions: subs.map((s) => ({ name: s.name, enabled: s.enabled, publications: s.pubs, tableState: s.state })),
  };
}

export async function detectLogical(
  client: DatabaseClient,
  table: TableRef,
  subscribers: readonly { name: string; client: DatabaseClient }[] = [],
): Promise<LogicalTopology | null> {
  const publications = await publicationsOf(client, table);
  if (publications.length === 0 && subscribers.length === 0) return null;
  const { identity, usable } = await replicaIdentity(client, table);
  let slots: LogicalSlot[] = [];
  try {
    slots = await logicalSlots(client);
  } catch {
    // a standby (pg_current_wal_lsn fails): no slots of its own to report
  }
  const pubNames = publications.map((p) => p.name);
  const subs = await Promise.all(subscribers.map((s) => subscriberNode(s.name, s.client, table, pubNames)));
  return { kind: 'logical', publications, replicaIdentity: identity, identityUsable: usable, slots, subscribers: subs };
}

/**
 * The worst lag, in bytes, of the logical slots that consume `publications`' changes (all logical slots when no
 * subscription names are known): current WAL − confirmed_flush_lsn. Null when there is no logical slot.
 */
export async function logicalSlotLagBytes(
  client: DatabaseClient,
  slotNames?: readonly string[],
): Promise<{ slot: string; bytes: number; active: boolean }[]> {
  const slots = await logicalSlots(client);
  return slots
    .filter((s) => !slotNames || slotNames.length === 0 || slotNames.includes(s.name))
    .map((s) => ({ slot: s.name, bytes: s.lagBytes ?? 0, active: s.active }));
}

/** The server's own logical replication, for the tree: its publications (with their table counts) and subscriptions. */
export async function logicalSummary(
  client: DatabaseClient,
): Promise<{ publications: { name: string; tables: number }[]; subscriptions: { name: string; enabled: boolean }[] } | null> {
  const publications = (
    await client.query<{ name: string; tables: number }>(
      'SELECT p.pubname AS name, (SELECT count(*)::int FROM pg_publication_tables t WHERE t.pubname = p.pubname) AS tables FROM pg_publication p ORDER BY 1',
    )
  ).map((r) => ({ name: r.name, tables: Number(r.tables) }));
  let subscriptions: { name: string; enabled: boolean }[] = [];
  try {
    subscriptions = await client.query<{ name: string; enabled: boolean }>(
      'SELECT subname AS name, subenabled AS enabled FROM pg_subscription WHERE subdbid = (SELECT oid FROM pg_database WHERE datname = current_database()) ORDER BY 1',
    );
  } catch {
    // pg_subscription's columns are not readable by this role: publications only
  }
  return publications.length || subscriptions.length ? { publications, subscriptions } : null;
}
