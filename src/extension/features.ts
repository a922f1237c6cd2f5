/**
 * Everything activation does not need: the connections, the tree, the commands' implementations, the wizard, the SQL
 * lint and the application-side scan. esbuild builds it as its own bundle, dist/features.js (esbuild.mjs). activate.ts
 * `require`s it the first time one of these is used, so activation compiles and evaluates none of it
 * (bench/activation.ts measures this).
 */
import * as l10n from '@vscode/l10n';
import * as vscode from 'vscode';
import { describeError } from '../core/format';
import { RolloutCallSites } from './app/codeSide';
import { calibrationsOf } from './calibrations';
import type { AnyCommandKey } from './commandIds';
import { runCommand } from './commands';
import { Connections } from './connections/manager';
import { CONTEXT_KEYS } from './contextKeys';
import { ConnectionLintSource } from './lint/connectionSource';
import { registerSqlPreview } from './lint/sqlPreview';
import type { Log } from './log';
import { remindToVerify } from './rollout/verifyCommand';
import { Secrets } from './secrets';
import { readSettings } from './settings';
import { ConnectionsTree } from './tree';
import { WizardPanel } from './wizard/panel';

export interface Features {
  readonly tree: ConnectionsTree;
  /** A command's handler, contributed or internal (errors are logged and shown, not thrown). */
  run(key: AnyCommandKey, args: unknown[]): Promise<unknown>;
  /** Reopens a wizard VS Code hands back after a window reload. */
  restoreWizard(panel: vscode.WebviewPanel, state: unknown): Promise<void>;
  /** Once: scan the application's code for the rollouts' call sites, and offer to verify old rollouts. */
  background(): void;
}

export function startFeatures(context: vscode.ExtensionContext, log: Log): Features {
  // The modules without `vscode` (the rollout page, the wizard session) translate through @vscode/l10n: give it the
  // bundle VS Code picked for the display language (none for English, whose texts are the source).
  if (vscode.l10n.bundle) l10n.config({ contents: vscode.l10n.bundle });
  const connections = new Connections(new Secrets(context.secrets), log, context.globalState);
  const tree = new ConnectionsTree(connections, log);
  context.subscriptions.push(connections, tree);
  for (const problem of readSettings().connectionProblems) log.warn('settings', problem);
  const hasConnection = () => void vscode.commands.executeCommand('setContext', CONTEXT_KEYS.hasConnection, connections.list().length > 0);
  hasConnection();
  context.subscriptions.push(connections.onDidChange(hasConnection));
  const commands = { extension: context, log, connections, tree };
  const wizard = { extension: context, connections, log };
  registerSqlPreview(
    context,
    log,
    new ConnectionLintSource(connections, context.workspaceState, log, context, calibrationsOf(context, connections, log)),
  );
  // The application side: writes that do not set a rolled-out column yet, as diagnostics and CodeLenses.
  const callSites = new RolloutCallSites(log);
  context.subscriptions.push(callSites, vscode.languages.registerCodeLensProvider({ scheme: 'file' }, callSites));
  let backgroundDone = false;
  return {
    tree,
    run: (key, args) => runCommand(commands, key, args),
    restoreWizard: (panel, state) => WizardPanel.restore(wizard, panel, state),
    background: () => {
      if (backgroundDone) return;
      backgroundDone = true;
      callSites.refresh().catch((err) => log.warn('app', `scan: ${describeError(err)}`));
      remindToVerify({ extension: context, log, connections }, readSettings().verifyAfterDays).catch((err) =>
        log.warn('verify', `rollout reminder: ${describeError(err)}`),
      );
    },
  };
}
