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
import { draftWouldBeLost, WizardSession } from './session';

export type { WizardServices } from './liveBackend';

/**
 * One wizard per table: showing it again reveals the open panel, and a draft handed over (Add Column (Quick), a lint
 * quick fix) goes into that panel's form. If the open wizard has a different column in it, the user chooses: replace
 * it, or keep it and open the new draft in a second wizard for the same table.
 */
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

  static async show(
    services: WizardServices,
    profile: ConnectionProfile,
    table: TableRef,
    draft: ColumnDraft | null = null,
  ): Promise<WizardPanel | undefined> {
    const key = JSON.stringify([profile.name, table.schema, table.name]);
    const existing = WizardPanel.panels.get(key);
    if (!existing) return WizardPanel.create(services, profile, table, draft, key);
    if (!draft) {
      existing.panel.reveal();
      return existing;
    }
    if (draftWouldBeLost(existing.session.currentDraft, draft)) {
      const replace = vscode.l10n.t('Replace');
      const second = vscode.l10n.t('Open a Second Wizard');
      const openName = existing.session.currentDraft?.name ?? '';
      const answer = await vscode.window.showWarningMessage(
        vscode.l10n.t('The open wizard for {0} has a column of its own. Replace it?', `${table.schema}.${table.name}`),
        {
          modal: true,
          detail: vscode.l10n.t(
            'Open wizard: "{0}". New: "{1}". Cancel keeps the open wizard as it is and drops the new column.',
            openName,
            draft.name,
          ),
        },
        replace,
        second,
      );
      if (answer === second) return WizardPanel.create(services, profile, table, draft, key);
      if (answer !== replace) {
        services.log.info(LOG, `kept the open wizard's draft for ${table.schema}.${table.name}; the new draft "${draft.name}" was dropped`);
        existing.panel.reveal();
        return existing;
      }
    }
    existing.session.useDraft(draft);
    existing.panel.reveal();
    services.log.info(LOG, `the open wizard for ${profile.name} ${table.schema}.${table.name} took the draft "${draft.name}"`);
    return existing;
  }

  /** A new panel; the first one of a table is the one `show` reveals, a second one (the user asked for it) stands alone. */
  private static create(
    services: WizardServices,
    profile: ConnectionProfile,
    table: TableRef,
    draft: ColumnDraft | null,
    key: string,
    restored?: vscode.WebviewPanel,
  ): WizardPanel {
    const created: WizardPanel = new WizardPanel(
      services,
      profile,
      table,
      draft,
      () => {
        if (WizardPanel.panels.get(key) === created) WizardPanel.panels.delete(key);
      },
      restored,
    );
    if (!WizardPanel.panels.has(key)) WizardPanel.panels.set(key, created);
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
    // A second wizard of the same table (the user opened it, or a command opened the table before this restore) is
    // restored too: disposing it would lose its draft.
    WizardPanel.create(services, profile, table, draft, JSON.stringify([profile.name, table.schema, table.name]), panel);
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
