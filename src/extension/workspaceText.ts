import * as vscode from 'vscode';

/** A file's text through vscode.workspace.fs, or undefined when it does not exist (any more); other errors are thrown. */
export async function readTextIfThere(uri: vscode.Uri): Promise<string | undefined> {
  try {
    return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  } catch (err) {
    if (err instanceof vscode.FileSystemError && err.code === 'FileNotFound') return undefined;
    throw err;
  }
}
