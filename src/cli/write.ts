/**
 * column-wizard write: the plan (same options as `plan`) written as migration files in the workspace's tool format.
 * The workspace is the current directory; `--dir` is the migrations folder; `--tool auto` detects the tool.
 * With `--url` the plan comes from the live server exactly as `plan --url` makes it (primary key, rows, version,
 * server checks, probes); offline, `--primary-key a[,b]` names the key the backfill walks.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import type { Io } from '../cli';
import {
  detectMigrationTools,
  filesToSample,
  isAmbiguous,
  isMigrationTool,
  MIGRATION_TOOLS,
  schemeFor,
  writeMigrations,
  type DetectedTool,
  type MigrationTool,
  type WorkspaceListing,
} from '../core/migrations';
import { parse, requireString, textOrJson, UsageError, type Options } from './args';
import { NodeFileSink } from './nodeFileSink';
import { PLAN_OPTIONS, planFromOptions } from './plan';

export const WRITE_OPTIONS: Options = {
  ...PLAN_OPTIONS,
  dir: { type: 'string' },
  tool: { type: 'string' },
  name: { type: 'string' },
  'non-transactional-runner': { type: 'boolean' },
  'primary-key': { type: 'string' },
};

const SKIP = new Set(['node_modules', '.git', 'dist', 'out', 'target', 'vendor', '.tools']);
const MAX_FILES = 20000;

/** The workspace as detection sees it: file list (bounded), root package.json, heads of the sampled files. */
export async function readWorkspace(root: string): Promise<WorkspaceListing> {
  const files: string[] = [];
  const walk = async (rel: string, depth: number) => {
    if (depth > 8 || files.length >= MAX_FILES) return;
    let entries;
    try {
      entries = await readdir(join(root, rel), { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const child = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (!SKIP.has(e.name)) await walk(child, depth + 1);
      } else if (e.isFile() && files.length < MAX_FILES) files.push(child);
    }
  };
  await walk('', 0);
  let packageJson: WorkspaceListing['packageJson'];
  try {
    packageJson = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as WorkspaceListing['packageJson'];
  } catch {
    packageJson = undefined;
  }
  const samples: Record<string, string> = {};
  for (const f of filesToSample(files)) {
    try {
      samples[f] = (await readFile(join(root, f), 'utf8')).slice(0, 4096);
    } catch {
      // unreadable: detection does without it
    }
  }
  return { files, ...(packageJson ? { packageJson } : {}), samples };
}

function describe(c: DetectedTool): string {
  return `${c.tool} in ${c.dir || '.'} (${c.evidence.join('; ')})`;
}

export async function run(argv: string[], io: Io): Promise<number> {
  const { values } = parse(argv, WRITE_OPTIONS);
  const format = textOrJson(values);
  const root = process.cwd();
  const dirArg = requireString(values, 'dir');
  const dir = relative(root, resolve(root, dirArg)).split(sep).join('/');
  if (dir.startsWith('..')) throw new UsageError(`--dir must be inside the current directory (the workspace), got "${dirArg}"`);
  const toolArg = (values.tool as string | undefined) ?? 'auto';
  if (toolArg !== 'auto' && !isMigrationTool(toolArg))
    throw new UsageError(`--tool must be auto or one of ${MIGRATION_TOOLS.join(', ')}, got "${toolArg}"`);
  if (values.url !== undefined && values['primary-key'] !== undefined)
    throw new UsageError('--primary-key cannot be combined with --url: the server says it');
  // --url: the same live facts, server checks and probes as `plan --url` (one function for both).
  const single =
    values.url !== undefined
      ? await (await import('./livePlan')).planLive({ ...values, 'no-online-copy': true }, io)
      : planFromOptions(values);
  // A Galera cluster / logical replication (--node): the plan for it, and a per-node runbook beside the files.
  const cluster = values.url !== undefined ? await (await import('./cluster')).clusterPlanLive(values.url as string, single, values) : null;
  const plan = cluster?.plan ?? single;
  const errors = plan.warnings.filter((w) => w.severity === 'error');
  if (errors.length) {
    io.err(`column-wizard write: the plan has errors; nothing was written:\n${errors.map((e) => `  ${e.code}: ${e.message}`).join('\n')}`);
    return 1;
  }
  const listing = await readWorkspace(root);
  const candidates = detectMigrationTools(listing, { dir });
  let tool: MigrationTool;
  let chosen: DetectedTool | undefined;
  if (toolArg === 'auto') {
    if (isAmbiguous(candidates)) {
      throw new UsageError(
        `several migration tools fit ${dir || '.'}:\n${candidates
          .slice(0, 4)
          .map((c) => `  ${describe(c)}`)
          .join('\n')}\npass --tool <name>`,
      );
    }
    chosen = candidates[0]!;
    tool = chosen.tool;
  } else {
    tool = toolArg as MigrationTool;
    chosen = candidates.find((c) => c.tool === tool);
  }
  const sink = new NodeFileSink(root);
  const existing = await sink.list(dir);
  const { result, outcome } = await writeMigrations(sink, plan, {
    tool,
    dir,
    versionScheme: chosen && chosen.dir === dir ? chosen.versionScheme : schemeFor(tool, existing),
    options: { ...chosen?.options, ...(values['non-transactional-runner'] === true ? { nonTransactionalRunner: true } : {}) },
    ...(typeof values.name === 'string' && values.name ? { name: values.name } : {}),
    now: new Date(),
  });
  if (!outcome.ok) {
    io.err(
      `column-wizard write: ${outcome.message}${outcome.leftBehind.length ? `\ncould not clean up: ${outcome.leftBehind.join(', ')}` : ''}`,
    );
    return 1;
  }
  const runbook = cluster ? await (await import('./cluster')).writeRunbook(root, dir, cluster) : null;
  const created = runbook ? [...outcome.created, runbook] : outcome.created;
  if (format === 'json') {
    io.out(
      JSON.stringify(
        { tool, dir, created, edited: outcome.edited, manual: result.manual, notes: result.notes, warnings: result.warnings },
        null,
        2,
      ),
    );
    return 0;
  }
  const lines = [`Wrote ${tool} migrations${chosen ? '' : ' (tool given with --tool)'}:`, ...created.map((p) => `  ${p}`)];
  if (outcome.edited.length) lines.push('Updated:', ...outcome.edited.map((p) => `  ${p}`));
  for (const w of result.warnings) lines.push(`warning: ${w}`);
  for (const m of result.manual) lines.push(`run by hand (${m.when}): ${m.title}`, ...m.sql.split('\n').map((l) => `    ${l}`));
  for (const n of result.notes) lines.push(`note: ${n}`);
  io.out(lines.join('\n'));
  return 0;
}
