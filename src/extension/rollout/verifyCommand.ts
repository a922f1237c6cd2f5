/**
 * Verify Rollout: pick a rollout that has a baseline in the workspace (or the table under the cursor in the
 * Connections view) and a connection, compare the table now with the baseline, and show the report with charts.
 * Also the reminder: some days after a baseline, a notification offers the check once.
 */
import * as vscode from 'vscode';
import { chooseBaselines } from '../../core/rollout/baseline';
import { compareRollout, formatRolloutText, type RolloutReport } from '../../core/rollout/compare';
import type { RolloutBaseline } from '../../core/rollout/types';
import { compareDefinitions } from '../../core/drift';
import { readDefinition } from '../../db/replication/definitions';
import { observeRollout } from '../../db/rollout';
import { readSettings } from '../settings';
import { COMMANDS } from '../commandIds';
import type { Connections } from '../connections/manager';
import { describeProfile, type ConnectionProfile } from '../connections/profiles';
import type { Log } from '../log';
import { isTableNode } from '../tree';
import { readBaselines, rolloutKey, type BaselineFile } from './baselineFiles';
import { renderRolloutHtml, type VerifyPoint } from './reportHtml';

export interface VerifyCommandContext {
  readonly extension: vscode.ExtensionContext;
  readonly log: Log;
  readonly connections: Connections;
}

const LOG = 'verify';
const HISTORY = 'columnWizard.verifyHistory/';
const VERIFIED = 'columnWizard.verifiedAt/';
const REMINDED = 'columnWizard.remindedAt/';
const DAY = 86_400_000;

interface Item<T> extends vscode.QuickPickItem {
  readonly value: T;
}

function groups(files: readonly BaselineFile[]): Map<string, RolloutBaseline[]> {
  const out = new Map<string, RolloutBaseline[]>();
  for (const f of files) out.set(rolloutKey(f.baseline), [...(out.get(rolloutKey(f.baseline)) ?? []), f.baseline]);
  return out;
}

const family = (d: string) => (d === 'postgres' ? 'postgres' : 'mysql');

/** Returns the report (for tests and other commands), or undefined when nothing was checked. */
export async function verifyRollout(ctx: VerifyCommandContext, arg?: unknown): Promise<RolloutReport | undefined> {
  const { files, problems } = await readBaselines();
  for (const p of problems) ctx.log.warn(LOG, `skipped ${p}`);
  let rollouts = [...groups(files)].filter(([, bs]) => chooseBaselines(bs).observed);
  const node = isTableNode(arg) ? arg : undefined;
  if (node) rollouts = rollouts.filter(([, bs]) => bs[0]!.table.schema === node.table.schema && bs[0]!.table.name === node.table.name);
  if (rollouts.length === 0) {
    void vscode.window.showInformationMessage(
      node
        ? vscode.l10n.t(
            'Column Wizard: no rollout baseline for {0} in this workspace (.column-wizard/rollouts). Run Migration saves one; for a migration applied by another tool, take one with "column-wizard baseline".',
            `${node.table.schema}.${node.table.name}`,
          )
        : vscode.l10n.t(
            'Column Wizard: no rollout baseline in this workspace (.column-wizard/rollouts). Run Migration saves one; for a migration applied by another tool, take one with "column-wizard baseline".',
          ),
    );
    return undefined;
  }
  let chosen = rollouts[0]!;
  if (rollouts.length > 1) {
    const pick = await vscode.window.showQuickPick(
      rollouts.map(([key, bs]): Item<[string, RolloutBaseline[]]> => {
        const o = chooseBaselines(bs).observed!;
        return {
          label: key,
          description: vscode.l10n.t('baseline {0} ({1})', o.createdAt.slice(0, 16).replace('T', ' '), o.source),
          value: [key, bs],
        };
      }),
      { title: vscode.l10n.t('Column Wizard: Verify Rollout'), placeHolder: vscode.l10n.t('The column whose rollout to check') },
    );
    if (!pick) return undefined;
    chosen = pick.value;
  }
  const [key, baselines] = chosen;
  const { observed, predicted } = chooseBaselines(baselines);
  const dialect = observed!.observation!.server.dialect;
  let profile: ConnectionProfile | undefined = node?.profile;
  if (!profile) {
    const candidates = ctx.connections.list().filter((p) => family(p.dialect) === family(dialect));
    if (candidates.length === 0) {
      void vscode.window.showWarningMessage(
        vscode.l10n.t(
          'Column Wizard: no {0} connection to check {1} on. Add one first.',
          dialect === 'postgres' ? 'PostgreSQL' : 'MySQL/MariaDB',
          key,
        ),
      );
      return undefined;
    }
    profile =
      candidates.length === 1
        ? candidates[0]
        : (
            await vscode.window.showQuickPick(
              candidates.map((p): Item<ConnectionProfile> => ({ label: p.name, description: describeProfile(p), value: p })),
              {
                title: vscode.l10n.t('Column Wizard: Verify Rollout of {0}', key),
                placeHolder: vscode.l10n.t('The connection to check it on'),
              },
            )
          )?.value;
    if (!profile) return undefined;
  }
  const target = profile;
  // Replicas and other nodes: the column's definition is compared on each one picked (the drift check).
  const others = ctx.connections.list().filter((p) => p.name !== target.name && family(p.dialect) === family(dialect));
  let nodes: readonly ConnectionProfile[] = [];
  if (others.length) {
    const picked = await vscode.window.showQuickPick(
      others.map((p): Item<ConnectionProfile> => ({ label: p.name, description: describeProfile(p), value: p })),
      {
        title: vscode.l10n.t('Column Wizard: Verify Rollout of {0} on {1}', key, target.name),
        placeHolder: vscode.l10n.t('Also compare the column on these connections (replicas, other nodes) — optional'),
        canPickMany: true,
      },
    );
    if (!picked) return undefined;
    nodes = picked.map((i) => i.value);
  }
  const queries = [...new Set([...(observed!.queries ?? []), ...readSettings().verifyQueries])];
  const report = await vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: vscode.l10n.t('Column Wizard: checking the rollout of {0} on {1}', key, target.name),
    },
    async () => {
      const client = await ctx.connections.client(target);
      const now = await observeRollout(client, observed!.table, observed!.column, {
        queries,
        sinceKey: observed!.observation!.key?.max ?? null,
        placeholderDefault: observed!.placeholderDefault ?? null,
      });
      let drift = null;
      if (nodes.length) {
        const all = [target, ...nodes];
        const facts = await Promise.all(all.map(async (p) => readDefinition(await ctx.connections.client(p), observed!.table)));
        drift = compareDefinitions(all.map((p, i) => ({ label: p.name, facts: facts[i] ?? null })));
      }
      return compareRollout(observed!, now, { prediction: predicted, drift });
    },
  );
  for (const line of formatRolloutText(report).split('\n')) ctx.log.info(LOG, line);
  const state = ctx.extension.workspaceState;
  const history = [
    ...state.get<VerifyPoint[]>(HISTORY + key, []),
    { at: report.now, scans: Object.fromEntries(report.indexUse.map((i) => [i.name, i.since])) },
  ].slice(-50);
  await state.update(HISTORY + key, history);
  await state.update(VERIFIED + key, report.now);
  const panel = vscode.window.createWebviewPanel(
    'columnWizard.rolloutReport',
    vscode.l10n.t('Rollout: {0}', `${observed!.table.name}.${observed!.column}`),
    vscode.ViewColumn.Active,
    { enableScripts: false },
  );
  panel.webview.html = renderRolloutHtml(report, history, panel.webview.cspSource, vscode.env.language);
  return report;
}

/**
 * Once per rollout: when its newest baseline is at least `days` old and it was not checked since, offer the check.
 * `days` 0 turns the reminder off.
 */
export async function remindToVerify(ctx: VerifyCommandContext, days: number): Promise<void> {
  if (days <= 0 || !vscode.workspace.workspaceFolders?.length) return;
  const { files } = await readBaselines();
  const state = ctx.extension.workspaceState;
  const due = [...groups(files)]
    .filter(([key, bs]) => {
      const o = chooseBaselines(bs).observed;
      if (!o) return false;
      const since = Date.now() - Date.parse(o.createdAt);
      const checked = state.get<string>(VERIFIED + key);
      const reminded = state.get<string>(REMINDED + key);
      return since >= days * DAY && !(checked && Date.parse(checked) > Date.parse(o.createdAt)) && !reminded;
    })
    .map(([key]) => key);
  if (!due.length) return;
  for (const key of due) await state.update(REMINDED + key, new Date().toISOString());
  const message =
    due.length === 1
      ? vscode.l10n.t(
          'Column Wizard: {0} was rolled out {1}+ days ago. Check index use, plans, storage and whether the app writes the column?',
          due[0]!,
          days,
        )
      : vscode.l10n.t(
          'Column Wizard: {0} rollouts are {1}+ days old ({2}). Check index use, plans, storage and whether the app writes the column?',
          due.length,
          days,
          `${due.slice(0, 3).join(', ')}${due.length > 3 ? ', …' : ''}`,
        );
  const verify = vscode.l10n.t('Verify Rollout');
  const choice = await vscode.window.showInformationMessage(message, verify, vscode.l10n.t('Not now'));
  if (choice === verify) await vscode.commands.executeCommand(COMMANDS.verifyRollout);
}
