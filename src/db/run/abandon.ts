/**
 * Abandoning an unfinished run: undo what it made (its constraints, indexes and column, those that exist now) and mark
 * it abandoned, so the column can be planned again from a clean table. The caller shows `statements` and asks first.
 */
import type { Plan, TableRef } from '../../core/types';
import { DEFAULT_LOCK_TIMEOUT_MS } from '../../core/dialects/index';
import type { DatabaseClient } from '../client';
import { currentSchema, keepingSessionSettings, runnerDialect } from './dialect';
import { acquireMigrationLock, releaseMigrationLock } from './migrationLock';
import { undoStatements } from './outcome';
import { resolvePolicy, withLockRetry } from './retry';
import { RunStore } from './state';
import type { RetryPolicy, RunState } from './types';

export interface AbandonPreview {
  readonly state: RunState;
  readonly plan: Plan;
  /** What running `abandonRun` executes, in order; empty when the run made nothing that is still there. */
  readonly statements: readonly string[];
  /** Set when the record is for an earlier incarnation of the table: nothing is undone, the record is only closed. */
  readonly otherIncarnation: boolean;
}

/** The unfinished run on `table`.`column` and the statements that would undo it; null when there is none. */
export async function previewAbandon(client: DatabaseClient, table: TableRef, column: string): Promise<AbandonPreview | null> {
  const schema = table.schema || (await currentSchema(client));
  const store = new RunStore(client, schema);
  if (!(await store.exists())) return null;
  const state = await store.findUnfinished({ schema, name: table.name }, column);
  if (!state) return null;
  const plan = await store.plan(state.runId);
  if (!plan) return null;
  const d = runnerDialect(client);
  const identity = await d.tableIdentity(client, { schema, name: table.name });
  const rebuilt = d.identityChangesOnRebuild && state.stepStarted;
  const otherIncarnation = identity === null || (state.tableId !== null && state.tableId !== identity && !rebuilt);
  const statements = otherIncarnation ? [] : await undoStatements(client, { ...plan, table: { ...plan.table, schema } }, state);
  return { state, plan, statements, otherIncarnation };
}

/**
 * Run the preview's statements (under the lock timeout, retried on lock timeouts) while holding the table's migration
 * lock, then mark the run abandoned. Throws on the first statement that fails; the run stays unfinished then. Resolves
 * with the session settings that could not be set back afterwards (`keepingSessionSettings`), as warnings.
 */
export async function abandonRun(
  client: DatabaseClient,
  preview: AbandonPreview,
  options: { readonly lockTimeoutMs?: number; readonly retry?: Partial<RetryPolicy> } = {},
): Promise<{ readonly warnings: readonly string[] }> {
  const table = { schema: preview.state.table.schema, name: preview.state.table.name };
  const warnings: string[] = [];
  const policy = resolvePolicy(options.retry);
  await acquireMigrationLock(client, table, 3_000);
  try {
    const d = runnerDialect(client);
    await keepingSessionSettings(
      d,
      client,
      async () => {
        await d.setLockTimeout(client, options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS);
        for (const sql of preview.statements) await withLockRetry(() => client.query(sql), policy);
      },
      (w) => warnings.push(w),
    );
    const note = preview.otherIncarnation
      ? 'abandoned: the table was re-created since; nothing to undo'
      : `abandoned: undone with ${preview.statements.length} statement${preview.statements.length === 1 ? '' : 's'}`;
    await new RunStore(client, table.schema).update(preview.state.runId, { status: 'abandoned', finished: true, error: note });
    return { warnings };
  } finally {
    await releaseMigrationLock(client, table).catch(() => undefined);
  }
}
