/**
 * Running real migration tools (from node_modules/.bin) against a throwaway database, for the migration writer tests.
 * Each workspace is a temporary folder the migrations are written into through the real node:fs FileSink.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { NodeFileSink } from '../../src/cli/nodeFileSink';
import { writeMigrations, type MigrationTool, type WriteResult, type WriterOptions } from '../../src/core/migrations';
import type { Plan } from '../../src/core/types';

export const BIN = resolve(__dirname, '../../node_modules/.bin');

export interface ToolRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Run a tool; throws with its output when it exits non-zero (unless `allowFailure`). */
export function runTool(cmd: string, args: readonly string[], opts: { cwd: string; env?: Record<string, string>; allowFailure?: boolean }): ToolRun {
  const exe = cmd.includes('/') ? cmd : join(BIN, cmd);
  const r = spawnSync(exe, args, { cwd: opts.cwd, env: { ...process.env, ...opts.env }, encoding: 'utf8', timeout: 120_000 });
  const out = { status: r.status, stdout: r.stdout ?? '', stderr: `${r.stderr ?? ''}${r.error ? String(r.error) : ''}` };
  if (r.status !== 0 && !opts.allowFailure) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}\n${out.stdout}\n${out.stderr}`);
  return out;
}

export interface Workspace {
  readonly root: string;
  remove(): void;
}

export function tempWorkspace(prefix: string): Workspace {
  const root = mkdtempSync(join(tmpdir(), `cw-${prefix}-`));
  return { root, remove: () => rmSync(root, { recursive: true, force: true }) };
}

/** Write the plan's migrations with the tool's writer into `dir` of the workspace; fails the test when the write fails. */
export async function writeInto(ws: Workspace, plan: Plan, tool: MigrationTool, dir: string, options: WriterOptions = {}, now = new Date()): Promise<{ result: WriteResult; created: readonly string[] }> {
  const { result, outcome } = await writeMigrations(new NodeFileSink(ws.root), plan, { tool, dir, now, options });
  if (!outcome.ok) throw new Error(outcome.message);
  return { result, created: outcome.created };
}

/** PostgreSQL URL with sslmode=disable (dbmate insists on an explicit mode for a local server without TLS). */
export function pgUrlNoSsl(url: string): string {
  const u = new URL(url);
  u.searchParams.set('sslmode', 'disable');
  return u.toString();
}
