/** Every command the extension contributes, declared once. `package.json` must list exactly these (a unit test checks). */
export const COMMANDS = {
  addColumn: 'columnWizard.addColumn',
  addColumnQuick: 'columnWizard.addColumnQuick',
  previewPlan: 'columnWizard.previewPlan',
  writeMigration: 'columnWizard.writeMigration',
  runMigration: 'columnWizard.runMigration',
  addConnection: 'columnWizard.addConnection',
  removeConnection: 'columnWizard.removeConnection',
  checkDrift: 'columnWizard.checkDrift',
  showLog: 'columnWizard.showLog',
  refreshConnections: 'columnWizard.refreshConnections',
  verifyRollout: 'columnWizard.verifyRollout',
  recalibrate: 'columnWizard.recalibrate',
} as const;

export type CommandKey = keyof typeof COMMANDS;
export type CommandId = (typeof COMMANDS)[CommandKey];

/** The tree view and the webview panel type the manifest declares (`contributes.views`, `onWebviewPanel:`). */
export const VIEWS = {
  connections: 'columnWizard.connections',
  wizard: 'columnWizard.wizard',
} as const;
