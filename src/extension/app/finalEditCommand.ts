/**
 * Apply Final Model Edit…: the model edit of the constrain phase, outside the wizard. Pick a rollout of the workspace
 * (`.column-wizard/rollouts`, written by Write Migration Files and Run Migration) and a connection; the catalog says
 * whether the constrain phase ran (the column NOT NULL, or a validated CHECK standing for it); the edit to the models
 * that declare the column is shown as a refactoring preview the user reviews and applies.
 */
import * as vscode from 'vscode';
import { catalogNotNull, type ModelExtras } from '../../core/app/modelEdit';
import { parseTypeText } from '../../core/draft';
import type { ColumnSpec, TableRef } from '../../core/types';
import { readDefinition } from '../../db/replication/definitions';
import type { Connections } from '../connections/manager';
import { describeProfile, type ConnectionProfile } from '../connections/profiles';
import type { Log } from '../log';
import { isTableNode } from '../tree';
import { readBaselines, rolloutKey } from '../rollout/baselineFiles';
import { previewModelEdits, scanWorkspace } from './codeSide';

export interface FinalEditContext {
  readonly log: Log;
  readonly connections: Connections;
}

const LOG = 'app';
const family = (d: string) => (d === 'postgres' ? 'postgres' : 'mysql');

interface Item<T> extends vscode.QuickPickItem {
  readonly value: T;
}

interface Rollout {
  readonly key: string;
  readonly table: TableRef;
  readonly column: string;
  /** The server's dialect when a baseline observed it. */
  readonly dialect?: string;
}

/** Returns how many model edits the preview offered, or undefined when none was offered. */
export async function applyFinalModelEdit(ctx: FinalEditContext, arg?: unknown): Promise<number | undefined> {
  const { files, problems } = await readBaselines();
  for (const p of problems) ctx.log.warn(LOG, `skipped ${p}`);
  const byKey = new Map<string, Rollout>();
  for (const { baseline: b } of files) {
    const key = rolloutKey(b);
    const dialect = b.observation?.server.dialect ?? byKey.get(key)?.dialect;
    byKey.set(key, { key, table: b.table, column: b.column, ...(dialect ? { dialect } : {}) });
  }
  const node = isTableNode(arg) ? arg : undefined;
  const rollouts = [...byKey.values()].filter((r) => !node || (r.table.schema === node.table.schema && r.table.name === node.table.name));
  if (rollouts.length === 0) {
    void vscode.window.showInformationMessage(
      vscode.l10n.t(
        'Column Wizard: no rollout in this workspace (.column-wizard/rollouts). Write Migration Files and Run Migration record one; the final model edit follows its constrain phase.',
      ),
    );
    return undefined;
  }
  const rollout =
    rollouts.length === 1
      ? rollouts[0]!
      : (
          await vscode.window.showQuickPick(
            rollouts.map((r): Item<Rollout> => ({ label: r.key, value: r })),
            {
              title: vscode.l10n.t('Column Wizard: Apply Final Model Edit'),
              placeHolder: vscode.l10n.t('The column whose constrain phase ran'),
            },
          )
        )?.value;
  if (!rollout) return undefined;
  const profile = node?.profile ?? (await pickConnection(ctx, rollout));
  if (!profile) return undefined;

  const facts = await readDefinition(await ctx.connections.client(profile), rollout.table);
  const seen = catalogNotNull(facts, rollout.column);
  ctx.log.info(LOG, `final model edit of ${rollout.key} on ${profile.name}: the catalog says ${seen.state}`);
  if (seen.state === 'missing') {
    void vscode.window.showWarningMessage(
      vscode.l10n.t('Column Wizard: {0} has no column {1} on {2}.', rollout.table.name, rollout.column, profile.name),
    );
    return undefined;
  }
  if (seen.state === 'pending') {
    void vscode.window.showInformationMessage(
      seen.notValid
        ? vscode.l10n.t(
            'Column Wizard: the CHECK {0} on {1} is not validated yet on {2}: run the rest of the constrain phase first, then the final model edit.',
            seen.notValid,
            rollout.key,
            profile.name,
          )
        : vscode.l10n.t(
            'Column Wizard: {0} is still nullable on {1}: the constrain phase has not run there, so the models keep the field optional for now.',
            rollout.key,
            profile.name,
          ),
    );
    return undefined;
  }

  const scan = await vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Window,
      title: vscode.l10n.t('Column Wizard: finding {0} in the code', rollout.key),
      cancellable: true,
    },
    (_p, token) => scanWorkspace({ table: rollout.table.name, column: rollout.column }, token),
  );
  // Only the declarations the expand edit (or the developer) added are rewritten; a model without the field is left to the wizard's expand edit.
  const declaring = scan.models.filter((m) => m.hasColumn && m.kind !== 'activerecord');
  for (const m of scan.models)
    if (!m.hasColumn && m.kind !== 'activerecord')
      ctx.log.info(LOG, `${m.file}:${m.line}: ${m.kind} model ${m.name} does not declare ${rollout.column}`);
  const col = facts!.columns!.find((c) => c.name === rollout.column)!;
  const type = parseTypeText(col.type);
  const spec: ColumnSpec = {
    name: rollout.column,
    type: typeof type === 'string' ? { name: col.type, params: [] } : type,
    nullable: false,
    default: { kind: 'none' },
  };
  const extras: ModelExtras = seen.state === 'check' ? { notNullCheck: seen.check } : {};
  const n = await previewModelEdits({ ...scan, models: declaring }, spec, profile.dialect, 'final', ctx.log, extras);
  if (n === 0) {
    void vscode.window.showInformationMessage(
      declaring.length === 0
        ? vscode.l10n.t('Column Wizard: no model in the workspace declares {0} yet (see the log).', rollout.key)
        : seen.state === 'check'
          ? vscode.l10n.t(
              'Column Wizard: every model that declares {0} already notes the CHECK {1} (see the log).',
              rollout.key,
              seen.check.name,
            )
          : vscode.l10n.t('Column Wizard: every model that declares {0} already declares it required (see the log).', rollout.key),
    );
    return undefined;
  }
  return n;
}

async function pickConnection(ctx: FinalEditContext, rollout: Rollout): Promise<ConnectionProfile | undefined> {
  const candidates = ctx.connections.list().filter((p) => !rollout.dialect || family(p.dialect) === family(rollout.dialect));
  if (candidates.length === 0) {
    void vscode.window.showWarningMessage(vscode.l10n.t('Column Wizard: no connection to read {0} from. Add one first.', rollout.key));
    return undefined;
  }
  if (candidates.length === 1) return candidates[0];
  return (
    await vscode.window.showQuickPick(
      candidates.map((p): Item<ConnectionProfile> => ({ label: p.name, description: describeProfile(p), value: p })),
      {
        title: vscode.l10n.t('Column Wizard: Apply Final Model Edit for {0}', rollout.key),
        placeHolder: vscode.l10n.t('The connection whose catalog shows the constrain phase'),
      },
    )
  )?.value;
}
