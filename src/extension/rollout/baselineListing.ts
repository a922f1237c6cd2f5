/**
 * What the workspace's rollout baseline folders hold, as one comparable string: each file's path, size and modification
 * time. The application side lists it every few seconds besides watching the files, because a watcher can miss events
 * (measured in the extension host spec baselineWatch: a baseline written 2 s after the watcher was made in a freshly
 * opened window started no rescan). Loaded at activation: vscode and the core's folder name only.
 */
import * as vscode from 'vscode';
import { BASELINE_DIR } from '../../core/rollout/baseline';

/** How often the baseline folders are listed for a change a watcher missed. */
export const BASELINE_POLL_MS = 5000;

/** Every file under each workspace folder's baseline folder (two levels: a folder per rollout), or '' when there is none. */
export async function baselineListing(): Promise<string> {
  const out: string[] = [];
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    const root = vscode.Uri.joinPath(folder.uri, ...BASELINE_DIR.split('/'));
    for (const [name, type] of await entries(root)) {
      if (!(type & vscode.FileType.Directory)) continue;
      for (const [file, fileType] of await entries(vscode.Uri.joinPath(root, name))) {
        if (!(fileType & vscode.FileType.File) || !file.endsWith('.json')) continue;
        const uri = vscode.Uri.joinPath(root, name, file);
        const stat = await vscode.workspace.fs.stat(uri).then(
          (s) => `${s.size}:${s.mtime}`,
          () => 'gone',
        );
        out.push(`${uri.toString()} ${stat}`);
      }
    }
  }
  return out.sort().join('\n');
}

async function entries(dir: vscode.Uri): Promise<[string, vscode.FileType][]> {
  return vscode.workspace.fs.readDirectory(dir).then(
    (e) => e,
    () => [],
  );
}
