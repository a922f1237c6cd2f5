/** Rollout baseline files in the workspace (`.column-wizard/rollouts/…`), read and written through vscode.workspace.fs. */
import * as vscode from 'vscode';
import { BASELINE_GLOB, baselinePath, BaselineFormatError, makeBaseline, parseBaseline, predictionOf } from '../../core/rollout/baseline';
import type { RolloutBaseline } from '../../core/rollout/types';
import type { Plan } from '../../core/types';
import type { DatabaseClient } from '../../db/client';
import { observeRollout } from '../../db/rollout';
import { readTextIfThere } from '../workspaceText';

export interface BaselineFile {
  readonly uri: vscode.Uri;
  readonly baseline: RolloutBaseline;
}

/** `schema.table.column`: the rollout a baseline belongs to. */
export const rolloutKey = (b: Pick<RolloutBaseline, 'table' | 'column'>) => `${b.table.schema}.${b.table.name}.${b.column}`;

/** Save a baseline in the workspace folder; a file of the same name is never overwritten. */
export async function saveBaseline(folder: vscode.Uri, baseline: RolloutBaseline): Promise<vscode.Uri> {
  const uri = vscode.Uri.joinPath(folder, ...baselinePath(baseline).split('/'));
  const exists = await vscode.workspace.fs.stat(uri).then(
    () => true,
    () => false,
  );
  if (exists) throw new Error(vscode.l10n.t('{0} exists already; not overwritten', vscode.workspace.asRelativePath(uri)));
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(JSON.stringify(baseline, null, 2) + '\n'));
  return uri;
}

/** Every parseable baseline of the workspace, and the files that are not (with the reason). */
export async function readBaselines(): Promise<{ files: BaselineFile[]; problems: string[] }> {
  const uris = await vscode.workspace.findFiles(BASELINE_GLOB, undefined, 5000);
  const files: BaselineFile[] = [];
  const problems: string[] = [];
  for (const uri of uris) {
    const text = await readTextIfThere(uri);
    // Deleted since it was listed.
    if (text === undefined) continue;
    try {
      files.push({ uri, baseline: parseBaseline(text) });
    } catch (err) {
      if (err instanceof BaselineFormatError) problems.push(`${vscode.workspace.asRelativePath(uri)}: ${err.message}`);
      else throw err;
    }
  }
  return { files, problems };
}

/** After a completed run in the wizard: observe the table and save a `run` baseline. */
export async function saveRunBaseline(
  folder: vscode.Uri,
  client: DatabaseClient,
  plan: Plan,
  table: { schema: string; name: string },
  startedAt: string,
): Promise<vscode.Uri> {
  const observation = await observeRollout(client, table, plan.column.name);
  return saveBaseline(
    folder,
    makeBaseline({ source: 'run', table, column: plan.column.name, expandAt: startedAt, observation, prediction: predictionOf(plan) }),
  );
}

/** After Write Migration Files: the plan that was written, with its estimates, for the later check. */
export async function savePlanBaseline(folder: vscode.Uri, plan: Plan): Promise<vscode.Uri> {
  return saveBaseline(
    folder,
    makeBaseline({
      source: 'plan',
      table: { schema: plan.table.schema, name: plan.table.name },
      column: plan.column.name,
      prediction: predictionOf(plan),
    }),
  );
}
