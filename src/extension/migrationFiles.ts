import * as vscode from 'vscode';
import {
  detectMigrationTools,
  filesToSample,
  isAmbiguous,
  isMigrationTool,
  writeMigrations,
  FileExistsError,
  type DetectedTool,
  type FileSink,
  type WorkspaceListing,
  type WriteResult,
} from '../core/migrations';
import type { Plan } from '../core/types';
import type { Log } from './log';
import { readSettings, saveMigrationsTool } from './settings';
import { readTextIfThere } from './workspaceText';

/** `FileSink` over `vscode.workspace.fs`, rooted at a workspace folder. Paths are `/`-separated and relative. */
export class WorkspaceFileSink implements FileSink {
  constructor(private readonly root: vscode.Uri) {}

  private uri(path: string): vscode.Uri {
    return path ? vscode.Uri.joinPath(this.root, ...path.split('/')) : this.root;
  }

  async list(dir: string): Promise<string[]> {
    const out: string[] = [];
    const walk = async (rel: string): Promise<void> => {
      let entries: [string, vscode.FileType][];
      try {
        entries = await vscode.workspace.fs.readDirectory(this.uri(rel));
      } catch {
        return;
      }
      for (const [name, type] of entries) {
        const child = rel ? `${rel}/${name}` : name;
        if (type & vscode.FileType.Directory) await walk(child);
        else if (type & vscode.FileType.File) out.push(child);
      }
    };
    await walk(dir);
    const prefix = dir ? `${dir}/` : '';
    return out.map((p) => p.slice(prefix.length)).sort();
  }

  async read(path: string): Promise<string | undefined> {
    try {
      return await readTextIfThere(this.uri(path));
    } catch (err) {
      // A missing file reported with another error code still reads as missing.
      if (!(await this.exists(path))) return undefined;
      throw err;
    }
  }

  async exists(path: string): Promise<boolean> {
    try {
      await vscode.workspace.fs.stat(this.uri(path));
      return true;
    } catch {
      return false;
    }
  }

  async createExclusive(path: string, content: string): Promise<void> {
    // workspace.fs has no O_EXCL: check, then write with overwrite: false, which fails if the file appeared meanwhile.
    if (await this.exists(path)) throw new FileExistsError(path);
    const parent = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '';
    if (parent) await vscode.workspace.fs.createDirectory(this.uri(parent));
    try {
      await vscode.workspace.fs.writeFile(this.uri(path), new TextEncoder().encode(content));
    } catch (err) {
      if (err instanceof vscode.FileSystemError && err.code === 'FileExists') throw new FileExistsError(path);
      throw err;
    }
  }

  async overwrite(path: string, content: string): Promise<void> {
    await vscode.workspace.fs.writeFile(this.uri(path), new TextEncoder().encode(content));
  }

  async remove(path: string): Promise<void> {
    try {
      await vscode.workspace.fs.delete(this.uri(path));
    } catch {
      // missing is fine
    }
  }
}

const EXCLUDE = '{**/node_modules/**,**/.git/**,**/dist/**,**/out/**,**/.tools/**}';
const MAX_FILES = 5000;

/** The workspace folder as migration-tool detection sees it. */
export async function readListing(folder: vscode.WorkspaceFolder): Promise<WorkspaceListing> {
  const uris = await vscode.workspace.findFiles(new vscode.RelativePattern(folder, '**/*'), EXCLUDE, MAX_FILES);
  const files = uris.map((u) => vscode.workspace.asRelativePath(u, false).split('\\').join('/')).sort();
  const sink = new WorkspaceFileSink(folder.uri);
  let packageJson: WorkspaceListing['packageJson'];
  try {
    const text = await sink.read('package.json');
    packageJson = text ? (JSON.parse(text) as WorkspaceListing['packageJson']) : undefined;
  } catch {
    packageJson = undefined;
  }
  const samples: Record<string, string> = {};
  for (const f of filesToSample(files)) {
    const text = await sink.read(f).catch(() => undefined);
    if (text !== undefined) samples[f] = text.slice(0, 4096);
  }
  return { files, ...(packageJson ? { packageJson } : {}), samples };
}

export interface MigrationTarget {
  readonly folder: vscode.WorkspaceFolder;
  readonly detected: DetectedTool | null;
  /** The tool to write for: the setting, else the detected one, else plain SQL. */
  readonly tool: string;
  readonly ambiguous: boolean;
  /** Every setup detection found, most likely first. */
  readonly candidates: readonly DetectedTool[];
}

/**
 * Which tool and folder "Write Migration Files" writes to, from the setting and what the workspace holds: the folder of
 * `resource` (else the first), and that folder's `columnWizard.migrationsTool` unless `setting` is given.
 */
export async function migrationTarget(
  options: { readonly resource?: vscode.Uri; readonly setting?: string } = {},
): Promise<MigrationTarget | null> {
  const folder = (options.resource && vscode.workspace.getWorkspaceFolder(options.resource)) || vscode.workspace.workspaceFolders?.[0];
  if (!folder) return null;
  const setting = options.setting ?? readSettings(folder.uri).migrationsTool;
  const candidates = detectMigrationTools(await readListing(folder));
  const forced = setting !== 'auto' && isMigrationTool(setting) ? setting : null;
  const detected = (forced ? candidates.find((c) => c.tool === forced) : candidates[0]) ?? null;
  return { folder, detected, tool: forced ?? detected?.tool ?? 'plain-sql', ambiguous: !forced && isAmbiguous(candidates), candidates };
}

/** Two setups fit about equally: ask which one, and remember the answer in the workspace's `columnWizard.migrationsTool`. */
export async function chooseMigrationTool(target: MigrationTarget): Promise<MigrationTarget | undefined> {
  const picked = await vscode.window.showQuickPick(
    target.candidates.map((c) => ({
      label: c.tool,
      description: c.dir || vscode.l10n.t('(workspace root)'),
      detail: c.evidence.join('; '),
      candidate: c,
    })),
    {
      title: vscode.l10n.t('Column Wizard: which migration tool does this project use?'),
      placeHolder: vscode.l10n.t('Remembered in the workspace setting columnWizard.migrationsTool'),
      ignoreFocusOut: true,
    },
  );
  if (!picked) return undefined;
  // In a multi-root workspace the answer belongs to the folder written to.
  const scope =
    (vscode.workspace.workspaceFolders?.length ?? 0) > 1
      ? vscode.ConfigurationTarget.WorkspaceFolder
      : vscode.ConfigurationTarget.Workspace;
  await saveMigrationsTool(target.folder.uri, picked.candidate.tool, scope);
  return { ...target, detected: picked.candidate, tool: picked.candidate.tool, ambiguous: false };
}

/** Write the plan's migration files; returns the workspace-relative paths created or edited. Throws with the reason when nothing was written. */
export async function writePlanFiles(plan: Plan, target: MigrationTarget, log: Log): Promise<{ paths: string[]; result: WriteResult }> {
  if (!isMigrationTool(target.tool)) throw new Error(vscode.l10n.t('"{0}" is not a migration tool Column Wizard writes for.', target.tool));
  const sink = new WorkspaceFileSink(target.folder.uri);
  const { result, outcome } = await writeMigrations(sink, plan, {
    tool: target.tool,
    ...(target.detected
      ? { dir: target.detected.dir, versionScheme: target.detected.versionScheme, options: target.detected.options }
      : {}),
    now: new Date(),
  });
  if (!outcome.ok) {
    if (outcome.leftBehind.length) log.error('migrations', `could not roll back: ${outcome.leftBehind.join(', ')}`);
    throw new Error(outcome.message);
  }
  for (const n of result.notes) log.info('migrations', n);
  for (const w of result.warnings) log.warn('migrations', w);
  for (const m of result.manual) log.warn('migrations', `run by hand ${m.when}: ${m.title}\n${m.sql}`);
  return { paths: [...outcome.created, ...outcome.edited], result };
}
