import * as vscode from 'vscode';
import { ALL_COMMANDS, type AnyCommandKey } from '../commandIds';
import type { Log } from '../log';
import { chooseLintTargetCommand, previewPlanCommand, verifyStatementCommand, writePhaseFilesCommand } from '../lint/sqlPreview';
import type { Connections } from '../connections/manager';
import type { ConnectionsTree } from '../tree';
import * as wizard from './wizardCommands';
import { checkDrift } from './driftCommand';
import { verifyRollout } from '../rollout/verifyCommand';
import { recalibrateCommand } from '../calibrations';
import { applyFinalModelEdit } from '../app/finalEditCommand';
import { describeError } from '../../core/format';

export interface CommandContext {
  readonly extension: vscode.ExtensionContext;
  readonly log: Log;
  readonly connections: Connections;
  readonly tree: ConnectionsTree;
}

type Handler = (ctx: CommandContext, ...args: unknown[]) => unknown;

/** The one handler table, contributed and internal commands alike. A mapped type: a command without a handler is a compile error. */
const handlers: Record<AnyCommandKey, Handler> = {
  addColumn: (ctx, arg) => wizard.addColumn(ctx, arg),
  addColumnQuick: (ctx, arg) => wizard.addColumnQuick(ctx, arg),
  previewPlan: (_ctx, ...args) => previewPlanCommand(...args),
  writeMigration: () => wizard.writeMigration(),
  runMigration: () => wizard.runMigration(),
  addConnection: (ctx) => wizard.addConnection(ctx),
  removeConnection: (ctx, arg) => wizard.removeConnection(ctx, arg),
  checkDrift: (ctx) => checkDrift(ctx),
  showLog: (ctx) => ctx.log.channel.show(),
  refreshConnections: (ctx) => wizard.refreshConnections(ctx),
  verifyRollout: (ctx, arg) => verifyRollout(ctx, arg),
  recalibrate: (ctx) => recalibrateCommand(ctx),
  applyFinalModelEdit: (ctx, arg) => applyFinalModelEdit(ctx, arg),
  chooseLintTarget: () => chooseLintTargetCommand(),
  verifyStatement: (_ctx, uri, index) => verifyStatementCommand(uri, index),
  writePhaseFiles: (_ctx, uri, index) => writePhaseFilesCommand(uri, index),
};

/**
 * Runs a command (activate.ts registers each id and calls this once the features bundle is loaded). A failure is
 * logged and shown, not thrown.
 */
export async function runCommand(ctx: CommandContext, key: AnyCommandKey, args: unknown[]): Promise<unknown> {
  try {
    return await handlers[key](ctx, ...args);
  } catch (err) {
    ctx.log.error('command', `${ALL_COMMANDS[key]} failed`, err);
    ctx.log.channel.show(true);
    void vscode.window.showErrorMessage(vscode.l10n.t('Column Wizard: {0}', describeError(err)));
    return undefined;
  }
}
