/**
 * The workspace's `.gitignore` files, the root one and the nested ones, as git applies them: each file's patterns
 * are relative to its own folder and apply to the paths under it. Pure: the caller reads the files.
 */
import ignore, { type Ignore } from 'ignore';

export interface GitignoreFile {
  /** The folder holding the file, workspace-relative with `/` (empty for the root). */
  readonly dir: string;
  readonly text: string;
}

/** Whether a workspace-relative path (`/`-separated; a folder with `isDir`) is ignored by any of the files. */
export function gitignoreMatcher(files: readonly GitignoreFile[]): (rel: string, isDir?: boolean) => boolean {
  const rules: { readonly prefix: string; readonly ig: Ignore }[] = files
    .filter((f) => f.text.trim() !== '')
    .map((f) => ({ prefix: f.dir.replace(/^\/+|\/+$/g, ''), ig: ignore().add(f.text) }));
  return (rel, isDir = false) =>
    rules.some(({ prefix, ig }) => {
      if (prefix && !rel.startsWith(`${prefix}/`)) return false;
      const sub = prefix ? rel.slice(prefix.length + 1) : rel;
      return sub !== '' && ig.ignores(isDir ? `${sub}/` : sub);
    });
}
