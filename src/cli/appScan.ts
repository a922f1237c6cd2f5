/**
 * column-wizard scan --table T --column C [--dir DIR] [--format text|json]
 * Finds the model that maps the table and the call sites that write it (or read it whole) in a project on disk,
 * respecting the root and nested `.gitignore` files; the same scan the wizard shows. Exit 0; 2 on usage errors.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import type { Io } from '../cli';
import {
  isScannedFile,
  mergeScans,
  scanFile,
  summarizeScan,
  writesWithoutColumn,
  type FileScan,
  type ScanTarget,
  type WorkspaceScan,
} from '../core/app/scan';
import { gitignoreMatcher, type GitignoreFile } from '../core/app/gitignore';
import { parse, requireString, textOrJson, type Options } from './args';

/** Folders never worth reading, whatever .gitignore says. */
export const ALWAYS_SKIPPED = [
  'node_modules',
  '.git',
  '.hg',
  '.svn',
  'dist',
  'out',
  'build',
  'vendor',
  '.venv',
  'venv',
  '__pycache__',
  '.tox',
  'coverage',
  '.next',
  '.column-wizard',
  'tmp',
  'log',
];
/** Files longer than this (characters) are not scanned (generated bundles, fixtures). */
export const MAX_FILE_BYTES = 1024 * 1024;

export interface ScanOptions {
  readonly signal?: AbortSignal;
}

/**
 * Walk `root` (each real folder once: links are not followed) and scan every source file, skipping what the root and
 * nested `.gitignore` files ignore (each read as the walk enters its folder).
 */
export async function scanDirectory(root: string, target: ScanTarget, options: ScanOptions = {}): Promise<WorkspaceScan> {
  const gitignores: GitignoreFile[] = [];
  let ignored = gitignoreMatcher(gitignores);
  const paths: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    options.signal?.throwIfAborted();
    const entries = await readdir(dir, { withFileTypes: true });
    if (entries.some((e) => e.name === '.gitignore' && e.isFile())) {
      gitignores.push({ dir: relative(root, dir).split(sep).join('/'), text: await readFile(join(dir, '.gitignore'), 'utf8') });
      ignored = gitignoreMatcher(gitignores);
    }
    for (const e of entries) {
      const abs = join(dir, e.name);
      const rel = relative(root, abs).split(sep).join('/');
      if (e.isDirectory()) {
        if (ALWAYS_SKIPPED.includes(e.name) || ignored(rel, true)) continue;
        await walk(abs);
      } else if (e.isFile() && isScannedFile(e.name) && !ignored(rel)) paths.push(rel);
    }
  };
  await walk(root);
  const scans: FileScan[] = [];
  let skippedLarge = 0;
  // Read in small parallel batches: enough to hide the disk, few enough file handles.
  for (let i = 0; i < paths.length; i += 64) {
    options.signal?.throwIfAborted();
    await Promise.all(
      paths.slice(i, i + 64).map(async (rel) => {
        const text = await readFile(join(root, ...rel.split('/')), 'utf8');
        if (text.length > MAX_FILE_BYTES) {
          skippedLarge++;
          return;
        }
        scans.push(scanFile(rel, text, target));
      }),
    );
  }
  const merged = mergeScans(target, scans, paths.length - skippedLarge, skippedLarge);
  const order = (a: { file: string; line: number }, b: { file: string; line: number }) => a.file.localeCompare(b.file) || a.line - b.line;
  return { ...merged, models: [...merged.models].sort(order), calls: [...merged.calls].sort(order) };
}

const OPTIONS: Options = { dir: { type: 'string' }, table: { type: 'string' }, column: { type: 'string' }, format: { type: 'string' } };

export async function run(argv: string[], io: Io): Promise<number> {
  const { values } = parse(argv, OPTIONS);
  const format = textOrJson(values);
  const table = requireString(values, 'table')
    .split('.')
    .pop()!
    .replace(/^["`]|["`]$/g, '');
  const column = requireString(values, 'column');
  const scan = await scanDirectory(resolve((values.dir as string | undefined) ?? '.'), { table, column });
  if (format === 'json') {
    io.out(JSON.stringify(scan, null, 2));
    return 0;
  }
  io.out(summarizeScan(scan));
  for (const m of scan.models) io.out(`  model  ${m.file}:${m.line}  ${m.kind} ${m.name}${m.hasColumn ? ` — already has ${column}` : ''}`);
  for (const c of scan.calls) {
    const note = c.setsColumn === false ? ` — does not set ${column}` : c.setsColumn ? ` — sets ${column}` : '';
    io.out(`  ${c.kind.padEnd(11)} ${c.file}:${c.line}  ${c.text}${note}`);
  }
  for (const a of scan.api)
    io.out(`  api         ${a.file}:${a.line}  ${a.format} ${a.name} — add ${column} here after the backfill (cut-over step)`);
  const todo = writesWithoutColumn(scan);
  if (todo.length)
    io.out(
      `${todo.length} write${todo.length === 1 ? '' : 's'} of ${table} ${todo.length === 1 ? 'does' : 'do'} not set ${column} yet: change them in the dual-write step, before the column becomes NOT NULL.`,
    );
  return 0;
}
