/**
 * Which migration tool a workspace uses, where its migrations live and how their versions are written.
 * Each tool's own evidence lives in its module (`./tools/<tool>.ts`, `detect`); this file runs them and ranks the result.
 * Pure: a function of the workspace's file list, its root package.json, and a few file heads the caller read
 * (`filesToSample` says which).
 */
import { flavourOf } from './code';
import { dirname, normalizeDir } from './common';
import type { CodeFlavour, DetectedTool, MigrationTool, WorkspaceListing, WriterOptions } from './types';
import { inferScheme } from './version';
import { TOOLS, WRITERS } from './tools';
import { LIQUIBASE_MASTER } from './tools/liquibase';

const IGNORED = /(^|\/)(node_modules|\.git|dist|out|target|vendor)\//;
const NUMBERED_SQL = /^\d+[_-][^/]*\.sql$/;

function base(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** Files under `dir`, relative to it. */
function filesUnder(files: readonly string[], dir: string): string[] {
  if (!dir) return [...files];
  const prefix = `${dir}/`;
  return files.filter((f) => f.startsWith(prefix)).map((f) => f.slice(prefix.length));
}

/** Folders holding at least one file whose name matches. */
function foldersWith(files: readonly string[], re: RegExp): string[] {
  return [...new Set(files.filter((f) => re.test(base(f))).map(dirname))];
}

/**
 * Paths whose first bytes detection can use: the root `go.mod` (goose, golang-migrate), the newest numbered `.sql` file of
 * each folder (tool markers such as `-- +goose Up`) and Liquibase master changelogs (`includeAll`). At most 40.
 */
export function filesToSample(files: readonly string[]): string[] {
  const kept = files.filter((f) => !IGNORED.test(f));
  const newest = new Map<string, string>();
  for (const f of kept) {
    if (!NUMBERED_SQL.test(base(f))) continue;
    const d = dirname(f);
    const cur = newest.get(d);
    if (!cur || base(f) > base(cur)) newest.set(d, f);
  }
  return [...kept.filter((f) => f === 'go.mod'), ...newest.values(), ...kept.filter((f) => LIQUIBASE_MASTER.test(f))].slice(0, 40);
}

interface Draft {
  tool: MigrationTool;
  dir: string;
  score: number;
  evidence: string[];
  options: WriterOptions;
}

/**
 * Every plausible migration setup, most certain first. With `opts.dir`, only setups for that folder: tools found
 * through a dependency or config file but no folder are offered for it too. Ask the user when the first two are close
 * (see `isAmbiguous`).
 */
export function detectMigrationTools(ws: WorkspaceListing, opts: { dir?: string } = {}): DetectedTool[] {
  const files = ws.files.filter((f) => !IGNORED.test(f));
  const deps = { ...ws.packageJson?.dependencies, ...ws.packageJson?.devDependencies };
  const hasDep = (name: string) => Object.prototype.hasOwnProperty.call(deps, name);
  const isModule = ws.packageJson?.type === 'module';
  const samples = ws.samples ?? {};
  const sampleIn = (dir: string, marker: RegExp) => Object.entries(samples).some(([p, text]) => dirname(p) === dir && marker.test(text));
  const has = (re: RegExp) => files.filter((f) => re.test(f));
  const drafts = new Map<string, Draft>();
  const add = (tool: MigrationTool, dir: string, score: number, evidence: string, options: WriterOptions = {}) => {
    const key = `${tool}\u0000${dir}`;
    const d = drafts.get(key);
    if (d) {
      d.score += score;
      d.evidence.push(evidence);
      d.options = { ...d.options, ...options };
    } else drafts.set(key, { tool, dir, score, evidence: [evidence], options });
  };
  /** A tool known from a dependency or config file: its folders if any have matching files, else its default folder. */
  const addGlobal = (
    tool: MigrationTool,
    score: number,
    evidence: string,
    fileRe: RegExp,
    fallbackDir: string,
    options: WriterOptions = {},
  ) => {
    const dirs = foldersWith(files, fileRe);
    if (dirs.length) for (const d of dirs) add(tool, d, score + 2, `${evidence}; migrations in ${d || '.'}`, options);
    else add(tool, fallbackDir, score, evidence, options);
  };
  const codeFlavour = (dirFiles: readonly string[], re: RegExp, fallback: string): CodeFlavour => {
    const ext =
      dirFiles
        .map((f) => re.exec(base(f))?.[1])
        .filter((e): e is string => !!e)
        .sort()
        .at(-1) ?? fallback;
    return flavourOf(ext, isModule);
  };

  const sqlDirs = foldersWith(files, NUMBERED_SQL);
  // Each tool records its own candidates; plain-sql comes last and takes the numbered-.sql folders nobody claimed.
  for (const t of TOOLS) {
    t.detect({
      files,
      samples,
      sqlDirs,
      isModule,
      has,
      hasDep,
      sampleIn,
      foldersWith: (re) => foldersWith(files, re),
      filesUnder: (dir) => filesUnder(files, dir),
      codeFlavour,
      add: (dir, score, evidence, options) => add(t.tool, dir, score, evidence, options),
      addGlobal: (score, evidence, fileRe, fallbackDir, options) => addGlobal(t.tool, score, evidence, fileRe, fallbackDir, options),
      found: () => [...drafts.values()].filter((d) => d.tool === t.tool),
      claimed: () => new Set([...drafts.values()].map((d) => d.dir)),
    });
  }

  let list = [...drafts.values()];
  if (opts.dir !== undefined) {
    const want = normalizeDir(opts.dir);
    const here = list.filter((d) => d.dir === want);
    const hereTools = new Set(here.map((d) => d.tool));
    // Tools known from a dependency or config file, found elsewhere: offered for this folder with less certainty.
    const moved = list
      .filter((d) => d.dir !== want && !hereTools.has(d.tool) && d.tool !== 'plain-sql')
      .map((d) => ({ ...d, dir: want, score: d.score - 3, evidence: [...d.evidence, `asked for ${want || '.'}`] }));
    list = [...here, ...moved];
    const seen = new Set<MigrationTool>();
    list = list.sort((a, b) => b.score - a.score).filter((d) => !seen.has(d.tool) && seen.add(d.tool));
    if (!list.length)
      list = [{ tool: 'plain-sql', dir: want, score: 1, evidence: [`no migration tool recognised for ${want || '.'}`], options: {} }];
  }
  return list
    .sort((a, b) => b.score - a.score || WRITER_ORDER.indexOf(a.tool) - WRITER_ORDER.indexOf(b.tool))
    .map((d) => ({ ...d, versionScheme: schemeFor(d.tool, filesUnder(files, d.dir)) }));
}

const WRITER_ORDER = TOOLS.map((t) => t.tool);

/** The version scheme of a tool's files in a folder (relative names), or the tool's default for an empty folder. */
export function schemeFor(tool: MigrationTool, dirFiles: readonly string[]): DetectedTool['versionScheme'] {
  const w = WRITERS[tool];
  const versions = dirFiles.map((f) => w.versionOf(f)).filter((v): v is string => v !== undefined);
  return inferScheme(versions) ?? w.defaultScheme;
}

/** True when the first two candidates are close enough that the user should pick (QuickPick / `--tool`). */
export function isAmbiguous(candidates: readonly DetectedTool[]): boolean {
  return candidates.length > 1 && candidates[1]!.score >= candidates[0]!.score - 2;
}
