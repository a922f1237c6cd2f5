import * as vscode from 'vscode';
import { createLog } from './log';
import { registerCommands } from './commands';
import { registerSqlPreview } from './lint/sqlPreview';

/** A table of contents: build the services, register the features. An activation error is shown, not swallowed. */
export function activate(context: vscode.ExtensionContext): void {
  const log = createLog();
  context.subscriptions.push(log.channel);
  try {
    registerCommands({ extension: context, log });
    registerSqlPreview(context, log);
    log.info('activate', `Column Wizard ${context.extension.packageJSON.version as string} activated`);
  } catch (err) {
    log.error('activate', 'activation failed', err);
    void vscode.window.showErrorMessage(`Column Wizard failed to activate: ${err instanceof Error ? err.message : String(err)}`);
    throw err;
  }
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
