/**
 * Migration files in the workspace's own tool format.
 *
 *   detectMigrationTools(listing)          → DetectedTool[]  (pure; which tool, folder, version scheme)
 *   prepareMigrations(sink, plan, target)  → WriteResult     (reads the folder and side files, runs the pure writer)
 *   commitWrite(sink, result)              → CommitOutcome   (exclusive creates, side-file edits, all or nothing)
 *
 * `FileSink` is the only I/O: node:fs in the CLI (src/cli/nodeFileSink.ts), vscode.workspace.fs in the extension.
 */
import type { Plan } from '../types';
import { commitWrite, type CommitOutcome } from './commit';
import { schemeFor } from './detect';
import { defaultName, slugify } from './units';
import { normalizeDir } from './common';
import { WRITERS } from './tools';
import type { FileSink, MigrationTool, VersionScheme, WriteResult, WriterOptions } from './types';

export * from './types';
export { commitWrite, type CommitOutcome } from './commit';
export { detectMigrationTools, filesToSample, isAmbiguous, schemeFor } from './detect';
export { atlasSum } from './atlasSum';
export { WRITERS } from './tools';

export interface WriteTarget {
  readonly tool: MigrationTool;
  /** Workspace-relative migrations folder; the tool's default when omitted. */
  readonly dir?: string;
  /** Detected scheme; inferred from the folder when omitted. */
  readonly versionScheme?: VersionScheme;
  readonly options?: WriterOptions;
  /** Base name; `add_<table>_<column>` when omitted. */
  readonly name?: string;
  readonly now: Date;
}

/** Read what the writer needs through the sink and return the files to write (nothing is written). */
export async function prepareMigrations(sink: FileSink, plan: Plan, target: WriteTarget): Promise<WriteResult> {
  const copy = plan.phases.flatMap((p) => p.steps).find((s) => s.onlineCopy);
  // Written as its SQL, the step would be the server's own table copy, which blocks writes.
  if (copy)
    throw new Error(
      `This plan adds the column with ${copy.onlineCopy!.tool.name}, which a migration file cannot run; plan without the online copy to write files.`,
    );
  const writer = WRITERS[target.tool];
  const dir = normalizeDir(target.dir ?? writer.defaultDir);
  const existing = await sink.list(dir);
  const options = target.options ?? {};
  const contents: Record<string, string> = {};
  for (const path of writer.reads({ dir, existing, options })) {
    const text = await sink.read(path);
    if (text !== undefined) contents[path] = text;
  }
  return writer.write(plan, {
    dir,
    existing,
    contents,
    now: target.now,
    name: target.name ? slugify(target.name) : defaultName(plan),
    versionScheme: target.versionScheme ?? schemeFor(target.tool, existing),
    options,
  });
}

/** prepareMigrations + commitWrite. */
export async function writeMigrations(
  sink: FileSink,
  plan: Plan,
  target: WriteTarget,
): Promise<{ result: WriteResult; outcome: CommitOutcome }> {
  const result = await prepareMigrations(sink, plan, target);
  return { result, outcome: await commitWrite(sink, result) };
}
