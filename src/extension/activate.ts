import * as l10n from '@vscode/l10n';
import * as vscode from 'vscode';
import { createLog } from './log';
import { registerCommands } from './commands';
import { registerSqlPreview } from './lint/sqlPreview';
import { ConnectionLintSource } from './lint/connectionSource';
import { Connections } from './connections/manager';
import { Secrets } from './secrets';
import { readSettings } from './settings';
import { ConnectionsTree } from './tree';
import { calibrationsOf } from './calibrations';
import { remindToVerify } from './rollout/verifyCommand';
import { describeError } from '../core/format';
import { RolloutCallSites } from './app/codeSide';
import { CONTEXT_KEYS } from './contextKeys';
import { WizardPanel } from './wizard/panel';

/** A table of contents: build the services, register the features. An activation error is shown, not swallowed. */
export function activate(context: vscode.ExtensionContext): void {
  // The modules without `vscode` (the rollout page, the wizard session) translate through @vscode/l10n: give it the
  // bundle VS Code picked for the display language (none for English, whose texts are the source).
  if (vscode.l10n.bundle) l10n.config({ contents: vscode.l10n.bundle });
  const log = createLog();
  context.subscriptions.push(log.channel);
  try {
    const connections = new Connections(new Secrets(context.secrets), log, context.globalState);
    const tree = new ConnectionsTree(connections, log);
    context.subscriptions.push(connections, tree, vscode.window.registerTreeDataProvider('columnWizard.connections', tree));
    for (const problem of readSettings().connectionProblems) log.warn('settings', problem);
    const hasConnection = () => void vscode.commands.executeCommand('setContext', CONTEXT_KEYS.hasConnection, connections.list().length > 0);
    hasConnection();
    context.subscriptions.push(connections.onDidChange(hasConnection));
    registerCommands({ extension: context, log, connections, tree });
    context.subscriptions.push(WizardPanel.registerSerializer({ extension: context, connections, log }));
    registerSqlPreview(context, log, new ConnectionLintSource(connections, context.workspaceState, log, context, calibrationsOf(context, connections, log)));
    // The application side: writes that do not set a rolled-out column yet, as diagnostics and CodeLenses.
    const callSites = new RolloutCallSites(log);
    context.subscriptions.push(callSites, vscode.languages.registerCodeLensProvider({ scheme: 'file' }, callSites));
    const scanLater = setTimeout(() => { callSites.refresh().catch((err) => log.warn('app', `scan: ${describeError(err)}`)); }, 4000);
    context.subscriptions.push({ dispose: () => clearTimeout(scanLater) });
    // A few seconds after start-up, offer to check rollouts whose baseline is old enough (once each).
    const reminder = setTimeout(() => {
      remindToVerify({ extension: context, log, connections }, readSettings().verifyAfterDays).catch((err) => log.warn('verify', `rollout reminder: ${describeError(err)}`));
    }, 5000);
    context.subscriptions.push({ dispose: () => clearTimeout(reminder) });
    log.info('activate', `Column Wizard ${context.extension.packageJSON.version as string} activated`);
  } catch (err) {
    log.error('activate', 'activation failed', err);
    void vscode.window.showErrorMessage(vscode.l10n.t('Column Wizard failed to activate: {0}', describeError(err)));
    throw err;
  }
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
