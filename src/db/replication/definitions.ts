/**
 * Reading a table's definition on several connections, for the drift check and for the post-run confirmation that
 * a new column reached every replica.
 */
import { columnDifferences, compareDefinitions, type DriftDifference, type DriftReport } from '../../core/drift';
import type { ColumnFacts, TableFacts, TableRef } from '../../core/types';
import type { DatabaseClient } from '../client';
import { withCausalReads } from '../cluster/mysql';
import { DatabaseError } from '../errors';
import { resolveTable } from '../schema';
import type { ReplicaTarget } from './types';

export { resolveTable };

function isMissingTable(err: unknown): boolean {
  return err instanceof DatabaseError && (err.code === '42P01' || err.code === 'ER_NO_SUCH_TABLE');
}

/**
 * The table's facts on this connection, or null when the table does not exist there. On a Galera node the read waits
 * until the node has applied what the cluster committed before it (a DDL just run on another node is seen).
 */
export async function readDefinition(client: DatabaseClient, table: TableRef): Promise<TableFacts | null> {
  try {
    return await withCausalReads(client, async () => client.tableFacts(await resolveTable(client, table)));
  } catch (err) {
    if (isMissingTable(err)) return null;
    throw err;
  }
}

/** Compare the table's definition on every target with the first one's. */
export async function checkDrift(targets: readonly ReplicaTarget[], table: TableRef): Promise<DriftReport> {
  const engines = new Set(targets.map((t) => t.client.options.engine));
  if (engines.size > 1)
    throw new DatabaseError('Drift compares one engine at a time: the connections mix PostgreSQL and MySQL/MariaDB.', undefined);
  const facts = await Promise.all(targets.map((t) => readDefinition(t.client, table)));
  return compareDefinitions(targets.map((t, i) => ({ label: t.name, facts: facts[i] ?? null })));
}

export interface ColumnConfirmation {
  readonly replica: string;
  /** The column exists there with the primary's definition. */
  readonly confirmed: boolean;
  /** How long it took to appear (or how long was waited in vain), seconds. */
  readonly waitedSeconds: number;
  readonly column: ColumnFacts | null;
  /** What still differs from the primary for that column (empty when confirmed). */
  readonly differences: readonly DriftDifference[];
}

export interface ConfirmOptions {
  /** How long to wait for a replica to catch up; default 30,000 ms. */
  readonly timeoutMs?: number;
  readonly pollMs?: number;
  readonly signal?: AbortSignal;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * After a run: wait until `column` exists on every replica with the same definition as on the primary (type,
 * nullability, default, generated), or until the timeout. A replica that never gets it is reported unconfirmed.
 */
export async function confirmColumnOnReplicas(
  primary: DatabaseClient,
  replicas: readonly ReplicaTarget[],
  table: TableRef,
  column: string,
  options: ConfirmOptions = {},
): Promise<ColumnConfirmation[]> {
  const ref = await readDefinition(primary, table);
  if (!ref) throw new DatabaseError(`Table ${table.schema}.${table.name} does not exist on the primary.`, undefined);
  if (!ref.columns?.some((c) => c.name === column))
    throw new DatabaseError(
      `Column ${column} does not exist on the primary's ${ref.table.schema}.${ref.table.name}; nothing to confirm.`,
      undefined,
    );
  const timeoutMs = options.timeoutMs ?? 30_000;
  const pollMs = options.pollMs ?? 200;
  return Promise.all(
    replicas.map(async (r): Promise<ColumnConfirmation> => {
      const t0 = performance.now();
      for (;;) {
        const facts = await readDefinition(r.client, ref.table);
        const report = compareDefinitions([
          { label: 'primary', facts: ref },
          { label: r.name, facts },
        ]);
        const diffs = facts ? columnDifferences(report, column) : report.differences;
        const waitedSeconds = (performance.now() - t0) / 1000;
        const found = facts?.columns?.find((c) => c.name === column) ?? null;
        if (diffs.length === 0) return { replica: r.name, confirmed: true, waitedSeconds, column: found, differences: [] };
        if (waitedSeconds * 1000 >= timeoutMs || options.signal?.aborted)
          return { replica: r.name, confirmed: false, waitedSeconds, column: found, differences: diffs };
        await sleep(pollMs);
      }
    }),
  );
}
