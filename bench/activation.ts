/**
 * bench/activation: how long the extension host takes to load dist/extension.js and run activate(), each sample in a
 * fresh Node process (bench/activationHost.cjs: `require` with a stub `vscode`, then activate with a minimal context).
 * Baselines measured in the same run:
 *   - a `require` of an empty module;
 *   - the extension as one bundle, before any split (its source at BEFORE_SPLIT, built here into a temp folder with
 *     the parsers, drivers and YAML inlined, as it shipped then);
 *   - the extension after the vendor split only (its source at VENDOR_SPLIT: the libraries in their own files, all of
 *     our own code in dist/extension.js and evaluated at activation).
 * The features bundle (dist/features.js: connections, tree, commands, wizard, SQL lint) loads on first use, not at
 * activation; its load + start time is printed as well (`first use`), so the deferred cost is visible.
 * Run: npm run build && npx tsx bench/activation.ts [samples]   (goal: dist/extension.js under 25 ms)
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as esbuild from 'esbuild';

const samples = Number(process.argv[2] ?? 15);
const root = resolve(__dirname, '..');
const host = join(root, 'bench', 'activationHost.cjs');
const manifest = join(root, 'package.json');
/** The last commit with one extension bundle (5665d1d split the libraries out). */
const BEFORE_SPLIT = '815a0c9';
/** The last commit with the libraries split out but all of our own code loaded at activation (features split after it). */
const VENDOR_SPLIT = 'e25b795';
/** The libraries the vendor split moved into dist/vendor-*.js (esbuild.mjs VENDOR): not compiled at activation. */
const VENDOR_PACKAGES = ['libpg-query', 'node-sql-parser/build/mysql', 'node-sql-parser/build/mariadb', 'pg', 'mysql2/promise', 'yaml'];

interface Sample {
  loadMs: number;
  activateMs: number;
  featuresMs?: number;
}

function sample(bundle: string, features?: string): Sample {
  const r = spawnSync(process.execPath, [host, bundle, manifest, ...(features ? [features] : [])], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${bundle}: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Sample;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** The extension's source at a commit, bundled (libraries in `external` are left as requires that activation never runs). */
async function buildAt(commit: string, dir: string, external: string[]): Promise<string | undefined> {
  const src = join(dir, commit);
  mkdirSync(src, { recursive: true });
  try {
    execFileSync('sh', ['-c', `git -C "${root}" archive ${commit} src | tar -x -C "${src}"`], { stdio: 'pipe' });
  } catch (err) {
    console.log(`(no baseline at ${commit}: ${(err as Error).message.split('\n')[0]})`);
    return undefined;
  }
  if (!existsSync(join(src, 'node_modules'))) symlinkSync(join(root, 'node_modules'), join(src, 'node_modules'));
  const outfile = join(src, 'extension.js');
  await esbuild.build({
    entryPoints: [join(src, 'src/extension/activate.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode', 'pg-native', 'cloudflare:sockets', ...external],
    supported: { 'dynamic-import': false },
    logLevel: 'warning',
    legalComments: 'none',
  });
  return outfile;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'cw-activation-'));
  const empty = join(dir, 'empty.js');
  writeFileSync(empty, 'exports.activate = () => undefined;\n');
  const runs: { name: string; file: string; features?: string; samples: Sample[] }[] = [
    { name: 'empty module (require baseline)', file: empty, samples: [] },
  ];
  const monolithic = await buildAt(BEFORE_SPLIT, dir, []);
  if (monolithic) runs.push({ name: `one bundle (${BEFORE_SPLIT}, before any split)`, file: monolithic, samples: [] });
  const vendorSplit = await buildAt(VENDOR_SPLIT, dir, VENDOR_PACKAGES);
  if (vendorSplit) runs.push({ name: `libraries split (${VENDOR_SPLIT})`, file: vendorSplit, samples: [] });
  const split = join(root, 'dist', 'extension.js');
  runs.push({ name: 'dist/extension.js (glue only)', file: split, features: join(root, 'dist', 'features.js'), samples: [] });
  for (const r of runs) sample(r.file, r.features); // warm the file cache
  for (let i = 0; i < samples; i++) for (const r of runs) r.samples.push(sample(r.file, r.features));
  console.log(`bench/activation — ${samples} fresh processes each, medians; load average ${loadavg()[0]!.toFixed(2)}`);
  const total = (s: Sample) => s.loadMs + s.activateMs;
  const base = runs[1] ? median(runs[1].samples.map(total)) : NaN;
  const prev = runs[2] ? median(runs[2].samples.map(total)) : NaN;
  for (const r of runs) {
    const t = median(r.samples.map(total));
    console.log(
      `${r.name.padEnd(40)} ${String(Math.round(statSync(r.file).size / 1024)).padStart(6)} KB  load ${median(
        r.samples.map((s) => s.loadMs),
      )
        .toFixed(1)
        .padStart(6)} ms  activate ${median(r.samples.map((s) => s.activateMs))
        .toFixed(1)
        .padStart(
          5,
        )} ms  total ${t.toFixed(1).padStart(6)} ms  ${(t / base).toFixed(3)}× one bundle  ${(t / prev).toFixed(3)}× libraries split`,
    );
    if (r.features) {
      const f = median(r.samples.map((s) => s.featuresMs!));
      console.log(
        `${'  first use: + dist/features.js'.padEnd(40)} ${String(Math.round(statSync(r.features).size / 1024)).padStart(6)} KB  load + start ${f.toFixed(1).padStart(6)} ms (after activation, when a command, the tree, a wizard or a SQL file needs it)`,
      );
    }
  }
}

void main();
