/**
 * The lint configuration file in the editor, as `column-wizard lint` reads it: the nearest `.column-wizard.json`, or
 * `columnWizard` key in a package.json, from the document's folder up to its workspace folder; and the snapshot file it
 * names. Read through vscode.workspace.fs, cached per folder, and read again when a configuration or snapshot file
 * changes (then `onChange` re-lints). A broken file is ignored with a warning naming what is wrong.
 */
import * as vscode from 'vscode';
import { CONFIG_FILE, configFromText, type LintConfig } from '../../core/lint/config';
import { snapshotFromText, type SchemaSnapshot } from '../../core/lint/snapshot';
import type { Log } from '../log';

export interface DocumentConfig {
  /** The configuration file (a package.json for its `columnWizard` key). */
  readonly uri: vscode.Uri;
  readonly config: LintConfig;
  /** The snapshot the configuration names, when it could be read. */
  readonly snapshot?: SchemaSnapshot;
}

export class LintConfigFiles implements vscode.Disposable {
  private readonly byFolder = new Map<string, Promise<DocumentConfig | undefined>>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly watchedSnapshots = new Set<string>();
  private readonly warned = new Set<string>();

  constructor(
    private readonly log: Log,
    private readonly onChange: () => void,
  ) {
    const watcher = vscode.workspace.createFileSystemWatcher(`**/{${CONFIG_FILE},package.json}`);
    this.disposables.push(watcher, watcher.onDidChange(this.changed), watcher.onDidCreate(this.changed), watcher.onDidDelete(this.changed));
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }

  private readonly changed = (): void => {
    this.byFolder.clear();
    this.onChange();
  };

  /** The configuration that applies to a file in a workspace folder; undefined for other documents or without one. */
  forDocument(uri: vscode.Uri): Promise<DocumentConfig | undefined> {
    if (uri.scheme !== 'file') return Promise.resolve(undefined);
    const root = vscode.workspace.getWorkspaceFolder(uri)?.uri;
    if (!root) return Promise.resolve(undefined);
    return this.inFolder(vscode.Uri.joinPath(uri, '..'), root);
  }

  private inFolder(dir: vscode.Uri, root: vscode.Uri): Promise<DocumentConfig | undefined> {
    const key = dir.toString();
    let found = this.byFolder.get(key);
    if (!found) {
      found = (async () => {
        const here =
          (await this.read(vscode.Uri.joinPath(dir, CONFIG_FILE), false)) ??
          (await this.read(vscode.Uri.joinPath(dir, 'package.json'), true));
        if (here) return here;
        const parent = vscode.Uri.joinPath(dir, '..');
        const inside = dir.path.replace(/\/+$/, '') !== root.path.replace(/\/+$/, '') && parent.path.startsWith(root.path);
        return inside ? this.inFolder(parent, root) : undefined;
      })();
      this.byFolder.set(key, found);
    }
    return found;
  }

  private async read(uri: vscode.Uri, packageJson: boolean): Promise<DocumentConfig | undefined> {
    let text: string;
    try {
      text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    } catch {
      return undefined;
    }
    const read = configFromText(text, packageJson);
    if (!read) return undefined;
    if (read.problems.length) {
      this.warn(uri, read.problems);
      return undefined;
    }
    const snapshot = read.config.snapshot ? await this.snapshot(vscode.Uri.joinPath(uri, '..', read.config.snapshot)) : undefined;
    return { uri, config: read.config, ...(snapshot ? { snapshot } : {}) };
  }

  private async snapshot(uri: vscode.Uri): Promise<SchemaSnapshot | undefined> {
    if (!this.watchedSnapshots.has(uri.toString())) {
      this.watchedSnapshots.add(uri.toString());
      const w = vscode.workspace.createFileSystemWatcher(
        new vscode.RelativePattern(vscode.Uri.joinPath(uri, '..'), uri.path.slice(uri.path.lastIndexOf('/') + 1)),
      );
      this.disposables.push(w, w.onDidChange(this.changed), w.onDidCreate(this.changed), w.onDidDelete(this.changed));
    }
    let text: string;
    try {
      text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    } catch (err) {
      this.warn(uri, [vscode.l10n.t('the snapshot cannot be read ({0})', (err as Error).message)]);
      return undefined;
    }
    const { snapshot, problems } = snapshotFromText(text);
    if (!snapshot) this.warn(uri, problems);
    return snapshot;
  }

  /** Once per file and problem: the log, and a notification. */
  private warn(uri: vscode.Uri, problems: readonly string[]): void {
    const text = problems.join('; ');
    this.log.warn('lint', `${uri.fsPath} is ignored: ${text}`);
    if (this.warned.has(`${uri.toString()}\n${text}`)) return;
    this.warned.add(`${uri.toString()}\n${text}`);
    void vscode.window.showWarningMessage(vscode.l10n.t('Column Wizard lint ignores {0}: {1}', vscode.workspace.asRelativePath(uri), text));
  }
}
