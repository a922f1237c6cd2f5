import * as vscode from 'vscode';

/**
 * The only place that touches VS Code's configuration API (`columnWizard.*`, and `files.exclude` for the application
 * scan); test/unit/registries.test.ts checks it.
 * Typed reads and writes live in ./settings.ts; this module imports nothing else, so the activation glue
 * (./activate.ts) can use it without loading the features.
 */
const SECTION = 'columnWizard';

/** The extension's settings as they apply to `resource` (a file or folder: its folder's settings in a multi-root workspace). */
export function section(resource?: vscode.Uri): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration(SECTION, resource);
}

/** Whether `columnWizard.connections` has any entry (valid or not): the activation glue's cheap check. */
export function hasConnectionEntries(): boolean {
  const profiles = section().get<unknown>('connections', []);
  return Array.isArray(profiles) && profiles.length > 0;
}

/** Calls `listener` when a setting of the extension changes (only `columnWizard.<key>` when `key` is given). */
export function onSettingsChange(listener: () => void, key?: 'connections'): vscode.Disposable {
  const name = key ? `${SECTION}.${key}` : SECTION;
  return vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration(name)) listener();
  });
}
