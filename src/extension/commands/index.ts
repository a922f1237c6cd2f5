import * as vscode from 'vscode';
import { COMMANDS, type CommandKey } from '../commandIds';
import type { Log } from '../log';
import { previewPlanCommand } from '../lint/sqlPreview';

export interface CommandContext {
  readonly extension: vscode.ExtensionContext;
  readonly log: Log;
}

type Handler = (ctx: CommandContext, ...args: unknown[]) => unknown;

/** Answer for a command whose feature is not built yet: visible, specific, never "command not found". */
function notAvailableYet(title: string): Handler {
  return () => vscode.window.showInformationMessage(`Column Wizard: "${title}" is not available yet in this version.`);
}

/** A mapped type: a command without a handler is a compile error. */
const handlers: Record<CommandKey, Handler> = {
  addColumn: notAvailableYet('Add Column…'),
  previewPlan: (_ctx, ...args) => previewPlanCommand(...args),
  writeMigration: notAvailableYet('Write Migration Files'),
  runMigration: notAvailableYet('Run Migration'),
  addConnection: notAvailableYet('Add Connection'),
  removeConnection: notAvailableYet('Remove Connection'),
  checkDrift: notAvailableYet('Check Schema Drift'),
  showLog: (ctx) => ctx.log.channel.show(),
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
