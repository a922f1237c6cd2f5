import * as vscode from 'vscode';
import { COMMANDS, type CommandKey } from '../commandIds';
import type { Log } from '../log';
import { previewPlanCommand } from '../lint/sqlPreview';
import type { Connections } from '../connections/manager';
import type { ConnectionsTree } from '../tree';
import * as wizard from './wizardCommands';

export interface CommandContext {
  readonly extension: vscode.ExtensionContext;
  readonly log: Log;
  readonly connections: Connections;
  readonly tree: ConnectionsTree;
}

type Handler = (ctx: CommandContext, ...args: unknown[]) => unknown;

/** Answer for a command whose feature is not built yet: visible, specific, never "command not found". */
function notAvailableYet(title: string): Handler {
  return () => vscode.window.showInformationMessage(`Column Wizard: "${title}" is not available yet in this version.`);
}

/** A mapped type: a command without a handler is a compile error. */
const handlers: Record<CommandKey, Handler> = {
  addColumn: (ctx, arg) => wizard.addColumn(ctx, arg),
  previewPlan: (_ctx, ...args) => previewPlanCommand(...args),
  writeMigration: () => wizard.writeMigration(),
  runMigration: notAvailableYet('Run Migration'),
  addConnection: (ctx) => wizard.addConnection(ctx),
  removeConnection: (ctx, arg) => wizard.removeConnection(ctx, arg),
  checkDrift: notAvailableYet('Check Schema Drift'),
  showLog: (ctx) => ctx.log.channel.show(),
  refreshConnections: (ctx) => wizard.refreshConnections(ctx),
};

export function registerCommands(ctx: CommandContext): void {
  for (const key of Object.keys(COMMANDS) as CommandKey[]) {
    const handler = handlers[key];
    ctx.extension.subscriptions.push(
      vscode.commands.registerCommand(COMMANDS[key], async (...args: unknown[]) => {
        try {
          return await handler(ctx, ...args);
        } catch (err) {
          ctx.log.error('command', `${COMMANDS[key]} failed`, err);
          ctx.log.channel.show(true);
          void vscode.window.showErrorMessage(`Column Wizard: ${err instanceof Error ? err.message : String(err)}`);
          return undefined;
        }
      }),
    );
  }
}
