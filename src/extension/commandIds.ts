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
  applyFinalModelEdit: 'columnWizard.applyFinalModelEdit',
} as const;

export type CommandKey = keyof typeof COMMANDS;
export type CommandId = (typeof COMMANDS)[CommandKey];

/**
 * Commands only the extension's own UI invokes (the lint status item, a CodeLens, a quick fix): registered and handled
 * like the contributed ones (activate.ts, commands/index.ts), but not in `package.json`, so not in the palette.
 */
export const INTERNAL_COMMANDS = {
  chooseLintTarget: 'columnWizard.lint.chooseTarget',
  verifyStatement: 'columnWizard.lint.verifyStatement',
  writePhaseFiles: 'columnWizard.lint.writePhaseFiles',
} as const;

/** Every command the extension registers: the contributed ones and the internal ones. */
export const ALL_COMMANDS = { ...COMMANDS, ...INTERNAL_COMMANDS } as const;
export type AnyCommandKey = keyof typeof ALL_COMMANDS;

/** The tree view and the webview panel type the manifest declares (`contributes.views`, `onWebviewPanel:`). */
export const VIEWS = {
  connections: 'columnWizard.connections',
  wizard: 'columnWizard.wizard',
} as const;
