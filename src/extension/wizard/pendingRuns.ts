import type * as vscode from 'vscode';
import type { Dialect } from '../../core/types';
import { isDialect } from '../../core/dialects';
import { isMigrationTool, type MigrationTool } from '../../core/migrations/types';
import { isRelativePath } from '../../protocolValidation';

/**
 * What the result view's **Record as Applied** needs of one completed run: the connection it ran on, the dialect, the
 * migration tool and the folder (a URI string) that holds the run's written files, and their names. Kept in the
 * workspace state, so the button of a result view restored after a window reload still records (the webview sends only
 * the run id).
 */
export interface PendingRun {
  readonly connection: string;
  readonly dialect: Dialect;
  readonly tool: MigrationTool;
  readonly folder: string;
  readonly names: readonly string[];
  /** When the run completed (epoch ms): the oldest entries go first beyond PENDING_RUNS_KEPT. */
  readonly at: number;
}

export const PENDING_RUNS_KEY = 'columnWizard.pendingMigrationRuns';
/** The newest runs kept; an older run's result view says there is nothing to record. */
export const PENDING_RUNS_KEPT = 20;

/** One stored entry as read back, or undefined when it is not one (a state written by another version). */
function asPendingRun(v: unknown): PendingRun | undefined {
  if (!v || typeof v !== 'object') return undefined;
  const r = v as Record<string, unknown>;
  if (typeof r.connection !== 'string' || typeof r.folder !== 'string' || typeof r.at !== 'number') return undefined;
  if (!isDialect(r.dialect)) return undefined;
  if (typeof r.tool !== 'string' || !isMigrationTool(r.tool)) return undefined;
  // File names as the run listed them: paths inside the folder (Prisma's `<version>_<name>/migration.sql`), never out of it.
  if (!Array.isArray(r.names) || !r.names.length || !r.names.every((n) => typeof n === 'string' && isRelativePath(n))) return undefined;
  return r as unknown as PendingRun;
}

/** The pending runs of this workspace, by run id, in its workspace state. */
export class PendingRuns {
  constructor(private readonly state: Pick<vscode.Memento, 'get' | 'update'>) {}

  private all(): Record<string, PendingRun> {
    const stored = this.state.get<unknown>(PENDING_RUNS_KEY);
    const out: Record<string, PendingRun> = {};
    if (stored && typeof stored === 'object')
      for (const [id, v] of Object.entries(stored)) {
        const run = asPendingRun(v);
        if (run) out[id] = run;
      }
    return out;
  }

  async remember(runId: string, run: PendingRun): Promise<void> {
    const kept = Object.entries({ ...this.all(), [runId]: run })
      .sort(([, a], [, b]) => b.at - a.at)
      .slice(0, PENDING_RUNS_KEPT);
    await this.state.update(PENDING_RUNS_KEY, Object.fromEntries(kept));
  }

  get(runId: string): PendingRun | undefined {
    const all = this.all();
    return Object.prototype.hasOwnProperty.call(all, runId) ? all[runId] : undefined;
  }

  async forget(runId: string): Promise<void> {
    const { [runId]: _, ...rest } = this.all();
    await this.state.update(PENDING_RUNS_KEY, rest);
  }
}
