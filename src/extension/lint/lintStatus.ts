/**
 * The language status item of SQL files: which rules the lint applies — a connection's server ("Column Wizard:
 * PostgreSQL 15.4 · demo") or offline rules ("Column Wizard: offline, PostgreSQL 16 rules") — and, on click, a
 * QuickPick to lint with another connection or offline with another engine and version.
 */
import * as vscode from 'vscode';
import type { Dialect, Target } from '../../core/types';
import { lintStatusText } from '../../core/lint/preview';
import { serverName } from '../../core/lint/rules/shared';
import { saveLintTarget } from '../settings';
import { INTERNAL_COMMANDS } from '../commandIds';

export class LintStatus implements vscode.Disposable {
  private readonly item: vscode.LanguageStatusItem;

  constructor(selector: vscode.DocumentSelector) {
    this.item = vscode.languages.createLanguageStatusItem('columnWizard.lintTarget', selector);
    this.item.name = 'Column Wizard lint target';
    this.item.text = 'Column Wizard';
    this.item.detail = vscode.l10n.t('linting…');
    this.item.severity = vscode.LanguageStatusSeverity.Information;
    this.item.command = {
      title: vscode.l10n.t('Change'),
      command: INTERNAL_COMMANDS.chooseLintTarget,
      tooltip: vscode.l10n.t('Lint with another connection, or offline with another engine and version'),
    };
  }

  /** `configured`: without a connection, the lint configuration file (and its snapshot) the document's lint read. */
  show(target: Target, profile: string | undefined, configured?: { readonly config: string; readonly snapshot?: string }): void {
    this.item.text = lintStatusText(target, profile);
    this.item.detail = profile
      ? vscode.l10n.t("rules of the connection's server")
      : configured?.snapshot
        ? vscode.l10n.t('no connection: the snapshot {0} (named in {1})', configured.snapshot, configured.config)
        : configured
          ? vscode.l10n.t('no connection: {0}, the columnWizard.lint settings or the default version', configured.config)
          : vscode.l10n.t('no connection: the columnWizard.lint settings or the default version');
  }

  /** A SQL file the lint leaves alone (not in a migrations folder, not named like a migration). */
  notLinted(): void {
    this.item.text = vscode.l10n.t('Column Wizard: not linted');
    this.item.detail = vscode.l10n.t('lints .sql files in a migrations folder or named like a migration, and unsaved SQL editors');
  }

  dispose(): void {
    this.item.dispose();
  }
}

interface Choice extends vscode.QuickPickItem {
  readonly run: () => Promise<void>;
}

/**
 * The QuickPick behind the item: each connection of the file's engine, or offline rules (engine, then version, saved
 * in the workspace's `columnWizard.lint.dialect` / `lint.serverVersion`).
 */
export async function chooseLintTarget(options: {
  readonly connections: readonly { readonly name: string; readonly dialect: Dialect; readonly description: string }[];
  readonly current: { readonly target: Target; readonly profile?: string } | undefined;
  readonly resource: vscode.Uri | undefined;
  readonly bind: (name: string | null) => Promise<void>;
}): Promise<boolean> {
  const offline = async (dialect: Dialect): Promise<void> => {
    const version = await vscode.window.showInputBox({
      title: vscode.l10n.t('Column Wizard: lint offline with {0} rules', serverName({ dialect, version: '' }).trim()),
      prompt: vscode.l10n.t('Server version, e.g. 15, 8.0.36, 10.11 (empty: the default version)'),
      value: options.current?.target.dialect === dialect ? options.current.target.version : '',
      validateInput: (v) =>
        /^(\d+(\.\d+){0,2})?$/.test(v.trim())
          ? undefined
          : vscode.l10n.t('A version is up to three numbers separated by dots, e.g. 16 or 8.0.36.'),
    });
    if (version === undefined) throw new Cancelled();
    await saveLintTarget(options.resource, dialect, version.trim());
    await options.bind(null);
  };
  const items: Choice[] = [
    ...options.connections.map((c): Choice => ({
      label: `$(database) ${c.name}`,
      description: c.description,
      detail: c.name === options.current?.profile ? vscode.l10n.t('in use') : undefined,
      run: () => options.bind(c.name),
    })),
    ...(['postgres', 'mysql', 'mariadb'] as const).map((d): Choice => ({
      label: `$(circle-slash) ${vscode.l10n.t('Offline, {0} rules…', serverName({ dialect: d, version: '' }).trim())}`,
      run: () => offline(d),
    })),
  ];
  const picked = await vscode.window.showQuickPick(items, {
    title: vscode.l10n.t('Column Wizard: lint SQL files with'),
    placeHolder: options.current ? lintStatusText(options.current.target, options.current.profile) : undefined,
  });
  if (!picked) return false;
  try {
    await picked.run();
    return true;
  } catch (err) {
    if (err instanceof Cancelled) return false;
    throw err;
  }
}

class Cancelled extends Error {
  override readonly name = 'Cancelled';
}
