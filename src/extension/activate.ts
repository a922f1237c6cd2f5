import * as vscode from 'vscode';
import { createLog, type Log } from './log';
import { ALL_COMMANDS, VIEWS, type AnyCommandKey } from './commandIds';
import { CONTEXT_KEYS } from './contextKeys';
import { hasConnectionEntries, onSettingsChange } from './settingsAccess';
import { BASELINE_GLOB } from '../core/rollout/baseline';
import { describeError } from '../core/format';
import { BASELINE_POLL_MS, baselineListing } from './rollout/baselineListing';
import type { Features } from './features';

/** After start-up, the application-side scan and the rollout reminder (when the workspace has rollout baselines, or once the first is written). */
export const BACKGROUND_DELAY_MS = 4000;

/**
 * The glue VS Code loads at activation: the commands, the tree view, the wizard's serializer and the SQL lint are
 * registered here, and their implementations (./features, its own bundle dist/features.js) are loaded the first time
 * one is used: a command runs, the tree is shown, a wizard is restored, a SQL file is open, or the workspace has
 * rollout baselines to scan for. VS Code activates the extension in a workspace that has a rollouts folder
 * (`workspaceContains` in the manifest), so the scan and the verify reminder come without a SQL file open.
 * bench/activation.ts measures what this leaves at activation.
 */
export function activate(context: vscode.ExtensionContext): void {
  const log = createLog();
  context.subscriptions.push(log.channel);
  const treeChanged = new vscode.EventEmitter<unknown>();
  // Until the features are loaded: at least one connection in the settings (then they keep the exact value: only
  // valid profiles count).
  const hasConnection = watchHasConnection();
  let loaded: Promise<Features> | undefined;
  const features = (): Promise<Features> =>
    (loaded ??= load(context, log).then((f) => {
      hasConnection.dispose();
      context.subscriptions.push(f.tree.onDidChangeTreeData((node) => treeChanged.fire(node)));
      return f;
    }));
  context.subscriptions.push(hasConnection);
  // Commands: each id is registered now (the palette's `when` clauses decide where they show).
  // Show Log needs only the channel: it does not load the features.
  for (const key of Object.keys(ALL_COMMANDS) as AnyCommandKey[]) {
    context.subscriptions.push(
      vscode.commands.registerCommand(
        ALL_COMMANDS[key],
        key === 'showLog' ? () => log.channel.show() : async (...args: unknown[]) => (await features()).run(key, args),
      ),
    );
  }
  // The tree: a provider that hands every call to the real one.
  context.subscriptions.push(
    treeChanged,
    vscode.window.registerTreeDataProvider<unknown>(VIEWS.connections, {
      onDidChangeTreeData: treeChanged.event,
      getChildren: async (node) => (await features()).tree.getChildren(node as never),
      getTreeItem: async (node) => (await features()).tree.getTreeItem(node as never),
    }),
  );
  // A wizard open when the window reloaded (onWebviewPanel activation).
  context.subscriptions.push(
    vscode.window.registerWebviewPanelSerializer(VIEWS.wizard, {
      deserializeWebviewPanel: async (panel, state: unknown) => (await features()).restoreWizard(panel, state),
    }),
  );
  // The SQL lint: as soon as a SQL document is open (onLanguage:sql activates with one).
  const isSql = (d: vscode.TextDocument) => d.languageId === 'sql' || (d.uri.scheme === 'file' && d.uri.path.endsWith('.sql'));
  if (vscode.workspace.textDocuments.some(isSql)) void features();
  else {
    const opened = vscode.workspace.onDidOpenTextDocument((d) => {
      if (isSql(d)) {
        opened.dispose();
        void features();
      }
    });
    context.subscriptions.push(opened);
  }
  const startBackground = () =>
    void (async () => (await features()).background())().catch((err: unknown) =>
      log.warn('activate', `background work: ${describeError(err)}`),
    );
  const background = setTimeout(() => {
    // The watcher comes first, so a baseline written while the workspace is searched is not missed: the first one
    // written later (Write Migration Files, a run, a checkout) starts the work then. A watcher can miss events, so the
    // baseline folders are also listed every BASELINE_POLL_MS until one is there.
    // A string glob is matched against absolute paths: `**/` in front.
    const firstBaseline = vscode.workspace.createFileSystemWatcher(`**/${BASELINE_GLOB}`);
    const poll = setInterval(() => {
      baselineListing().then((l) => l && start(), ignore);
    }, BASELINE_POLL_MS);
    context.subscriptions.push(firstBaseline, { dispose: () => clearInterval(poll) });
    let started = false;
    const start = () => {
      if (started) return;
      started = true;
      firstBaseline.dispose();
      clearInterval(poll);
      startBackground();
    };
    firstBaseline.onDidCreate(start);
    firstBaseline.onDidChange(start);
    void (async () => {
      if (loaded || (await vscode.workspace.findFiles(BASELINE_GLOB, undefined, 1)).length) start();
    })().catch((err: unknown) => log.warn('activate', `background work: ${describeError(err)}`));
  }, BACKGROUND_DELAY_MS);
  context.subscriptions.push({ dispose: () => clearTimeout(background) });
  log.info(
    'activate',
    `Column Wizard ${context.extension.packageJSON.version as string} activated (VS Code ${vscode.version}, display language ${vscode.env.language})`,
  );
}

/** Loads and starts the features once; a failure is shown (every later use fails the same way and says so in the log). */
async function load(context: vscode.ExtensionContext, log: Log): Promise<Features> {
  try {
    const started = Date.now();
    const f = (await import('./features')).startFeatures(context, log);
    log.info('activate', `features loaded in ${Date.now() - started} ms`);
    return f;
  } catch (err) {
    log.error('activate', 'loading the features failed', err);
    void vscode.window.showErrorMessage(vscode.l10n.t('Column Wizard failed to activate: {0}', describeError(err)));
    throw err;
  }
}

/** A failed listing is tried again at the next poll. */
function ignore(): void {}

function watchHasConnection(): vscode.Disposable {
  const set = () => void vscode.commands.executeCommand('setContext', CONTEXT_KEYS.hasConnection, hasConnectionEntries());
  set();
  return onSettingsChange(set, 'connections');
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
