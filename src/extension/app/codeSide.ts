/**
 * The application side in VS Code: scan the workspace for a table's model and call sites (respecting files.exclude
 * and the root and nested .gitignore files, cancellable), mark each write that does not set a rolled-out column with an
 * information diagnostic and a CodeLens ("part of the rollout of orders.ref"), and offer the model edit as a
 * refactoring preview.
 */
import * as vscode from 'vscode';
import { gitignoreMatcher, type GitignoreFile } from '../../core/app/gitignore';
import { modelEdit, type ModelExtras, type ModelPhase } from '../../core/app/modelEdit';
import {
  fixedShapeReads,
  isScannedFile,
  mergeScans,
  scanFile,
  summarizeScan,
  writesWithoutColumn,
  type CallSite,
  type FileScan,
  type ScanTarget,
  type WorkspaceScan,
} from '../../core/app/scan';
import { chooseBaselines, touchesBaselines } from '../../core/rollout/baseline';
import { describeError } from '../../core/format';
import type { ColumnSpec, Dialect } from '../../core/types';
import type { Log } from '../log';
import { COMMANDS } from '../commandIds';
import { readBaselines, rolloutKey } from '../rollout/baselineFiles';
import { BASELINE_POLL_MS, baselineListing } from '../rollout/baselineListing';
import { readTextIfThere } from '../workspaceText';

const LOG = 'app';
// findFiles applies files.exclude on top of an explicit exclude (only `null` turns it off); the e2e spec rolloutCallSites checks it.
const SKIP = '**/{node_modules,.git,dist,out,build,vendor,.venv,venv,__pycache__,coverage,.next,.column-wizard}/**';
const MAX_CHARS = 1024 * 1024;
/** How long the baseline files must be quiet before a rescan (a write that makes folders comes as several events). */
const SETTLE_MS = 250;

/** Scan every workspace folder for the table. */
export async function scanWorkspace(target: ScanTarget, token?: vscode.CancellationToken): Promise<WorkspaceScan> {
  const scans: FileScan[] = [];
  let read = 0;
  let large = 0;
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    const gitignores: GitignoreFile[] = [];
    for (const uri of await vscode.workspace.findFiles(new vscode.RelativePattern(folder, '**/.gitignore'), SKIP, 1000, token)) {
      const rel = vscode.workspace.asRelativePath(uri, false);
      const text = await readTextIfThere(uri);
      if (text !== undefined) gitignores.push({ dir: rel.split('/').slice(0, -1).join('/'), text });
    }
    const ignored = gitignoreMatcher(gitignores);
    if (token?.isCancellationRequested) throw new vscode.CancellationError();
    const uris = await vscode.workspace.findFiles(new vscode.RelativePattern(folder, '**/*'), SKIP, 50_000, token);
    for (const uri of uris) {
      if (token?.isCancellationRequested) throw new vscode.CancellationError();
      const rel = vscode.workspace.asRelativePath(uri, false);
      if (!isScannedFile(rel) || ignored(rel)) continue;
      const text = await readTextIfThere(uri);
      // Deleted since it was listed (a temporary file, another tool's write): not part of the workspace any more.
      if (text === undefined) continue;
      if (text.length > MAX_CHARS) {
        large++;
        continue;
      }
      read++;
      scans.push(scanFile(rel, text, target));
    }
  }
  return mergeScans(target, scans, read, large);
}

function uriOf(rel: string): vscode.Uri | undefined {
  const folder = vscode.workspace.workspaceFolders?.[0];
  return folder ? vscode.Uri.joinPath(folder.uri, ...rel.split('/')) : undefined;
}

/** Open a workspace-relative file at a 1-based line. */
export async function openPlace(file: string, line: number): Promise<void> {
  const uri = uriOf(file);
  if (!uri) throw new Error('No workspace folder is open.');
  const pos = new vscode.Position(Math.max(0, line - 1), 0);
  await vscode.window.showTextDocument(uri, { selection: new vscode.Range(pos, pos), preview: true, viewColumn: vscode.ViewColumn.Beside });
}

/** Diagnostics and CodeLenses for the writes that do not set a rolled-out column yet. */
export class RolloutCallSites implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly diagnostics = vscode.languages.createDiagnosticCollection('column-wizard-rollout');
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private sites = new Map<string, { site: CallSite; key: string }[]>();
  private readonly disposables: vscode.Disposable[] = [this.diagnostics, this.changed];

  constructor(private readonly log: Log) {
    // The .column-wizard folder and everything under it: touchesBaselines picks the events that matter (a baseline
    // file created, changed or deleted, or a folder on the way to one), and the rescan waits for writes to settle.
    for (const glob of ['**/.column-wizard', '**/.column-wizard/**']) {
      const watcher = vscode.workspace.createFileSystemWatcher(glob);
      const changed = (uri: vscode.Uri) => {
        if (touchesBaselines(vscode.workspace.asRelativePath(uri, false))) this.refreshSoon();
      };
      this.disposables.push(watcher, watcher.onDidCreate(changed), watcher.onDidChange(changed), watcher.onDidDelete(changed));
    }
    // A watcher can miss events: the baseline folders are also listed every BASELINE_POLL_MS, and a listing that differs
    // from the last rescan's starts one.
    const poll = setInterval(() => void this.pollBaselines(), BASELINE_POLL_MS);
    this.disposables.push(
      {
        dispose: () => {
          clearTimeout(this.soon);
          clearInterval(poll);
        },
      },
      vscode.workspace.onDidSaveTextDocument((d) => {
        if (isScannedFile(d.fileName)) this.refreshLogged();
      }),
    );
  }

  /** The refresh under way: a newer one (a save, a new plan file) cancels it, so an older scan never lands last. */
  private running: vscode.CancellationTokenSource | undefined;

  /** Rescan for every rollout that has a baseline or a written plan; undefined when a newer refresh superseded this one. */
  async refresh(token?: vscode.CancellationToken): Promise<number | undefined> {
    this.running?.cancel();
    const own = new vscode.CancellationTokenSource();
    this.running = own;
    const linked = token?.onCancellationRequested(() => own.cancel());
    try {
      return await this.rescan(own.token);
    } catch (err) {
      if (err instanceof vscode.CancellationError) return undefined;
      throw err;
    } finally {
      linked?.dispose();
      own.dispose();
      if (this.running === own) this.running = undefined;
    }
  }

  /** The baseline listing the last rescan read (baselineListing). */
  private listing: string | undefined;

  private async pollBaselines(): Promise<void> {
    if (this.running) return;
    const now = await baselineListing().catch(() => undefined);
    if (now !== undefined && this.listing !== undefined && now !== this.listing) this.refreshSoon();
  }

  private async rescan(token: vscode.CancellationToken): Promise<number> {
    this.listing = await baselineListing();
    const { files, problems } = await readBaselines();
    // Most often a file being written: its next write changes the listing, which starts a rescan (pollBaselines).
    for (const p of problems) this.log.warn(LOG, `baseline not read: ${p}`);
    const keys = new Map<string, ScanTarget>();
    for (const f of files) keys.set(rolloutKey(f.baseline), { table: f.baseline.table.name, column: f.baseline.column });
    const next = new Map<string, { site: CallSite; key: string }[]>();
    for (const [key, target] of keys) {
      const groups = files.filter((f) => rolloutKey(f.baseline) === key).map((f) => f.baseline);
      if (!chooseBaselines(groups).observed && !groups.length) continue;
      const scan = await scanWorkspace(target, token);
      this.log.info(LOG, `${key}: ${summarizeScan(scan)}`);
      for (const site of [...writesWithoutColumn(scan), ...fixedShapeReads(scan)])
        next.set(site.file, [...(next.get(site.file) ?? []), { site, key }]);
    }
    if (token.isCancellationRequested) throw new vscode.CancellationError();
    this.sites = next;
    this.diagnostics.clear();
    let n = 0;
    for (const [file, list] of next) {
      const uri = uriOf(file);
      if (!uri) continue;
      this.diagnostics.set(
        uri,
        list.map(({ site, key }) => {
          n++;
          const line = site.line - 1;
          const table = key.split('.').slice(0, -1).join('.');
          const star = site.kind === 'select-star';
          const column = key.split('.').pop() ?? '';
          const d = new vscode.Diagnostic(
            new vscode.Range(line, 0, line, Number.MAX_SAFE_INTEGER),
            star
              ? vscode.l10n.t(
                  'This SELECT * from {0} maps the row into a fixed shape ({1}): part of the rollout of {2} — name the columns before the expand step adds one.',
                  table,
                  site.fixedShape ?? '',
                  key,
                )
              : site.kind === 'upsert'
                ? vscode.l10n.t(
                    'This upsert into {0} does not set {1}: part of the rollout of {2} — write the column here (dual write) before it becomes NOT NULL.',
                    table,
                    column,
                    key,
                  )
                : vscode.l10n.t(
                    'This insert into {0} does not set {1}: part of the rollout of {2} — write the column here (dual write) before it becomes NOT NULL.',
                    table,
                    column,
                    key,
                  ),
            vscode.DiagnosticSeverity.Information,
          );
          d.source = 'column-wizard';
          d.code = star ? 'rollout-select-star' : 'rollout-dual-write';
          return d;
        }),
      );
    }
    this.changed.fire();
    return n;
  }

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    const rel = vscode.workspace.asRelativePath(doc.uri, false);
    return (this.sites.get(rel) ?? []).map(
      ({ site, key }) =>
        new vscode.CodeLens(new vscode.Range(site.line - 1, 0, site.line - 1, 0), {
          title:
            site.kind === 'select-star'
              ? vscode.l10n.t('part of the rollout of {0}: SELECT * into a fixed shape', key)
              : vscode.l10n.t('part of the rollout of {0}: does not set the column yet', key),
          command: COMMANDS.showLog,
        }),
    );
  }

  private soon: ReturnType<typeof setTimeout> | undefined;
  /** A rescan once the workspace's baseline files have been quiet for SETTLE_MS. */
  private refreshSoon(): void {
    clearTimeout(this.soon);
    this.soon = setTimeout(() => this.refreshLogged(), SETTLE_MS);
  }

  private refreshLogged(): void {
    this.refresh().catch((err) => this.log.warn(LOG, `scan: ${describeError(err)}`));
  }

  dispose(): void {
    this.running?.cancel();
    for (const d of this.disposables) d.dispose();
  }
}

/** Offer the model edit for a phase as a refactoring preview (the user reviews and applies it). Returns how many edits were offered. */
export async function previewModelEdits(
  scan: WorkspaceScan,
  spec: ColumnSpec,
  dialect: Dialect,
  phase: ModelPhase,
  log: Log,
  extras: ModelExtras = {},
): Promise<number> {
  const edit = new vscode.WorkspaceEdit();
  let n = 0;
  for (const m of scan.models) {
    const uri = uriOf(m.file);
    if (!uri) continue;
    const doc = await vscode.workspace.openTextDocument(uri);
    const e = modelEdit(m, doc.getText(), spec, phase, dialect, extras);
    if (!e) continue;
    if (e.skipped) {
      log.info(LOG, `${m.file}: ${e.skipped}`);
      continue;
    }
    const meta = { label: e.label, needsConfirmation: true, description: m.file };
    if (e.replaces) edit.replace(uri, new vscode.Range(doc.positionAt(e.offset), doc.positionAt(e.offset + e.replaces)), e.text, meta);
    else edit.insert(uri, doc.positionAt(e.offset), e.text, meta);
    for (const x of e.extra ?? [])
      edit.replace(uri, new vscode.Range(doc.positionAt(x.offset), doc.positionAt(x.offset + (x.replaces ?? 0))), x.text, meta);
    n++;
  }
  if (n) await vscode.workspace.applyEdit(edit, { isRefactoring: true });
  return n;
}
