/**
 * Writing a set of migration files all or nothing, through a `FileSink`: every new file is created exclusively, side
 * files are replaced only if they still read what the writer saw, and any failure removes what was created and
 * restores what was edited.
 */
import { FileExistsError, type FileSink, type WriteResult } from './types';

export type CommitOutcome =
  | { readonly ok: true; readonly created: readonly string[]; readonly edited: readonly string[] }
  | {
      readonly ok: false;
      /** What went wrong, naming the path. */
      readonly message: string;
      /** The path that already existed, when that was the reason. */
      readonly existed?: string;
      /** Files that could not be removed or restored during the rollback (normally empty). */
      readonly leftBehind: readonly string[];
    };

export async function commitWrite(sink: FileSink, result: Pick<WriteResult, 'files' | 'edits'>): Promise<CommitOutcome> {
  // 1. Nothing is touched unless every side file still reads what the writer saw.
  for (const edit of result.edits) {
    const now = await sink.read(edit.path);
    if (now !== edit.before) {
      return { ok: false, message: `${edit.path} changed since it was read (or appeared); nothing was written, try again`, leftBehind: [] };
    }
  }
  const created: string[] = [];
  const edited: { path: string; before: string | undefined }[] = [];
  const undo = async (): Promise<string[]> => {
    const left: string[] = [];
    for (const e of edited.reverse()) {
      try {
        if (e.before === undefined) await sink.remove(e.path);
        else await sink.overwrite(e.path, e.before);
      } catch {
        left.push(e.path);
      }
    }
    for (const p of created.reverse()) {
      try {
        await sink.remove(p);
      } catch {
        left.push(p);
      }
    }
    return left;
  };
  // 2. New files, exclusively.
  for (const file of result.files) {
    try {
      await sink.createExclusive(file.path, file.content);
      created.push(file.path);
    } catch (err) {
      const existed = err instanceof FileExistsError ? file.path : undefined;
      const leftBehind = await undo();
      const message = existed
        ? `${file.path} already exists; nothing was written (migration files are never overwritten)`
        : `could not create ${file.path}: ${(err as Error).message}; nothing was written`;
      return { ok: false, message, ...(existed ? { existed } : {}), leftBehind };
    }
  }
  // 3. Side files last, so a failure there can still be undone.
  for (const edit of result.edits) {
    try {
      if (edit.before === undefined) await sink.createExclusive(edit.path, edit.after);
      else await sink.overwrite(edit.path, edit.after);
      edited.push({ path: edit.path, before: edit.before });
    } catch (err) {
      const existed = err instanceof FileExistsError ? edit.path : undefined;
      const leftBehind = await undo();
      return {
        ok: false,
        message: `could not update ${edit.path}: ${(err as Error).message}; nothing was written`,
        ...(existed ? { existed } : {}),
        leftBehind,
      };
    }
  }
  return { ok: true, created, edited: edited.map((e) => e.path) };
}
