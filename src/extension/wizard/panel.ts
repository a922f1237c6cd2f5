/**
 * The wizard's webview panel: one per table, shown, restored after a window reload and disposed here; its messages go
 * through WizardSession (session.ts) to the live backend (liveBackend.ts), which does the database work.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { TableRef } from '../../core/types';
import type { ColumnDraft } from '../../protocol';
import { checkSavedWizardState } from '../../protocolValidation';
import { COMMANDS, VIEWS } from '../commandIds';
import type { ConnectionProfile } from '../connections/profiles';
import { CONTEXT_KEYS } from '../contextKeys';
import { nonceFrom, wizardHtml } from './html';
import { LiveBackend, LOG, type WizardServices } from './liveBackend';
import { WizardSession } from './session';

export type { WizardServices } from './liveBackend';

/** One wizard per table: showing it again reveals the open panel. */
export class WizardPanel implements vscode.Disposable {
  static readonly viewType = VIEWS.wizard;
  private static readonly panels = new Map<string, WizardPanel>();
  private static lastActive: WizardPanel | undefined;
  /** Every open wizard, for the `columnWizard.wizardOpen` context key. */
  private static readonly open = new Set<WizardPanel>();

  /** The wizard the user looked at last, if it is still open. */
  static current(): WizardPanel | undefined {
    return WizardPanel.lastActive;
  }
  private readonly disposables: vscode.Disposable[] = [];
  private readonly backend: LiveBackend;
  private readonly session: WizardSession;

  static show(services: WizardServices, profile: ConnectionProfile, table: TableRef, draft: ColumnDraft | null = null): WizardPanel {
    const key = JSON.stringify([profile.name, table.schema, table.name]);
    const existing = WizardPanel.panels.get(key);
    if (existing) {
      existing.panel.reveal();
      return existing;
    }
    const created = new WizardPanel(services, profile, table, draft, () => WizardPanel.panels.delete(key));
    WizardPanel.panels.set(key, created);
    return created;
  }

  /**
   * Reopens the wizards that were open when the window reloaded: VS Code hands back each panel with the webview's saved
   * state (its connection, table and draft). A panel whose state does not validate, or whose connection is gone, is closed.
   * activate.ts registers the serializer that calls this.
   */
  static async restore(services: WizardServices, panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    const saved = checkSavedWizardState(state);
    const profile = saved.ok ? services.connections.find(saved.value.target.connection) : undefined;
    if (!saved.ok || !profile) {
      services.log.warn(
        LOG,
        `a wizard was not restored after the reload: ${saved.ok ? `connection "${saved.value.target.connection}" no longer exists` : saved.error}`,
      );
      panel.dispose();
      return;
    }
    const { target, draft } = saved.value;
    const table = { schema: target.schema, name: target.table };
    const key = JSON.stringify([profile.name, table.schema, table.name]);
    if (WizardPanel.panels.has(key)) {
      panel.dispose();
      return;
    }
    WizardPanel.panels.set(key, new WizardPanel(services, profile, table, draft, () => WizardPanel.panels.delete(key), panel));
  }

  private readonly panel: vscode.WebviewPanel;

  private constructor(
    private readonly services: WizardServices,
    profile: ConnectionProfile,
    table: TableRef,
    draft: ColumnDraft | null,
    onDispose: () => void,
    restored?: vscode.WebviewPanel,
  ) {
    const root = services.extension.extensionUri;
    const options = { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(root, 'dist'), vscode.Uri.joinPath(root, 'media')] };
    if (restored) restored.webview.options = options;
    this.panel =
      restored ??
      vscode.window.createWebviewPanel(
        WizardPanel.viewType,
        vscode.l10n.t('Add Column: {0}', table.name),
        vscode.ViewColumn.Active,
        options,
      );
    this.panel.iconPath = vscode.Uri.joinPath(root, 'media', 'icon.svg');
    this.backend = new LiveBackend(profile, table, services);
    this.session = new WizardSession(this.backend, (m) => this.panel.webview.postMessage(m), services.log, draft);
    this.backend.onVerified = (revision, plan) => this.session.notify({ type: 'didVerifyPlan', revision, plan });
    this.disposables.push(
      this.backend.onCalibration(() => {
        void this.backend
          .context(false)
          .then((context) => this.session.notify({ type: 'didChangeContext', context }))
          .catch((err: unknown) => services.log.error(LOG, 'could not update the estimates', err));
      }),
    );
    this.backend.onTableChanged = () => {
      void this.backend
        .context(true)
        .then((context) => this.session.notify({ type: 'didChangeContext', context }))
        .catch((err: unknown) => services.log.error(LOG, 'could not re-read the table after the run', err));
      void vscode.commands.executeCommand(COMMANDS.refreshConnections);
    };
    this.disposables.push(
      this.panel.webview.onDidReceiveMessage((m: unknown) => void this.session.receive(m)),
      // A hidden panel's page is discarded; the new page says ready again and restores its draft from getState.
      this.panel.onDidChangeViewState((e) => {
        if (!e.webviewPanel.visible) this.session.reset();
        if (e.webviewPanel.active) WizardPanel.lastActive = this;
      }),
      this.panel.onDidDispose(() => {
        onDispose();
        this.dispose();
      }),
    );
    this.panel.webview.html = wizardHtml({
      cspSource: this.panel.webview.cspSource,
      nonce: nonceFrom(randomBytes(16)),
      scriptUri: this.panel.webview.asWebviewUri(vscode.Uri.joinPath(root, 'dist', 'webview.js')).toString(),
      styleUri: this.panel.webview.asWebviewUri(vscode.Uri.joinPath(root, 'media', 'wizard.css')).toString(),
      title: vscode.l10n.t('Add Column: {0}', table.name),
      l10n: { locale: vscode.env.language, ...(vscode.l10n.bundle ? { bundle: vscode.l10n.bundle } : {}) },
    });
    WizardPanel.lastActive = this;
    WizardPanel.open.add(this);
    void vscode.commands.executeCommand('setContext', CONTEXT_KEYS.wizardOpen, true);
    services.log.info(LOG, `${restored ? 'restored' : 'opened'} the wizard for ${profile.name} ${table.schema}.${table.name}`);
  }

  /** Run Migration from the palette: the draft the webview last reported. */
  async runMigration(): Promise<string> {
    const draft = this.session.currentDraft;
    if (!draft) throw new Error(vscode.l10n.t('The wizard has no column yet: fill in its name and type.'));
    const { message } = await this.backend.runMigration(draft);
    this.session.status('info', message);
    return message;
  }

  /** Write Migration Files from the palette: the draft the webview last reported. */
  async writeMigration(): Promise<readonly string[]> {
    const draft = this.session.currentDraft;
    if (!draft) throw new Error(vscode.l10n.t('The wizard has no column yet: fill in its name and type.'));
    const paths = await this.backend.writeMigration(draft);
    this.session.status('info', `Wrote ${paths.length} file${paths.length === 1 ? '' : 's'}: ${paths.join(', ')}`);
    return paths;
  }

  dispose(): void {
    if (WizardPanel.lastActive === this) WizardPanel.lastActive = undefined;
    WizardPanel.open.delete(this);
    void vscode.commands.executeCommand('setContext', CONTEXT_KEYS.wizardOpen, WizardPanel.open.size > 0);
    this.backend.dispose();
    while (this.disposables.length) this.disposables.pop()?.dispose();
  }
}
