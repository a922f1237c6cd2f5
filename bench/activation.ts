/**
 * bench/activation: how long the extension host takes to load dist/extension.js and run activate(), each sample in a
 * fresh Node process (bench/activationHost.cjs: `require` with a stub `vscode`, then activate with a minimal context).
 * Baselines measured in the same run: a `require` of an empty module, and the monolithic bundle (the same entry with
 * the parsers, drivers and YAML inlined, as before the split; built here into a temp folder).
 * Run: npm run build && npx tsx bench/activation.ts [samples]   (goal: dist/extension.js under 25 ms)
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as esbuild from 'esbuild';

const samples = Number(process.argv[2] ?? 15);
const root = resolve(__dirname, '..');
const host = join(root, 'bench', 'activationHost.cjs');
const manifest = join(root, 'package.json');

interface Sample { loadMs: number; activateMs: number }

function sample(bundle: string): Sample {
  const r = spawnSync(process.execPath, [host, bundle, manifest], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${bundle}: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Sample;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'cw-activation-'));
  const empty = join(dir, 'empty.js');
  writeFileSync(empty, 'exports.activate = () => undefined;\n');
  const monolithic = join(dir, 'extension.js');
  await esbuild.build({
    entryPoints: [join(root, 'src/extension/activate.ts')], outfile: monolithic, bundle: true, platform: 'node', format: 'cjs',
    target: 'node20', external: ['vscode', 'pg-native', 'cloudflare:sockets'], logLevel: 'warning', legalComments: 'none',
  });
  const split = join(root, 'dist', 'extension.js');
  const runs: Record<string, { file: string; samples: Sample[] }> = {
    'empty module (require baseline)': { file: empty, samples: [] },
    'monolithic bundle (before the split)': { file: monolithic, samples: [] },
    'dist/extension.js (split)': { file: split, samples: [] },
  };
  for (const r of Object.values(runs)) sample(r.file); // warm the file cache
  for (let i = 0; i < samples; i++) for (const r of Object.values(runs)) r.samples.push(sample(r.file));
  console.log(`bench/activation — ${samples} fresh processes each, medians; load average ${loadavg()[0]!.toFixed(2)}`);
  const total = (s: Sample) => s.loadMs + s.activateMs;
  const base = median(runs['monolithic bundle (before the split)']!.samples.map(total));
  for (const [name, r] of Object.entries(runs)) {
    const t = median(r.samples.map(total));
    console.log(`${name.padEnd(38)} ${String(Math.round(statSync(r.file).size / 1024)).padStart(6)} KB  load ${median(r.samples.map((s) => s.loadMs)).toFixed(1).padStart(6)} ms  activate ${median(r.samples.map((s) => s.activateMs)).toFixed(1).padStart(5)} ms  total ${t.toFixed(1).padStart(6)} ms  ${(t / base).toFixed(2)}× monolithic`);
  }
}

void main();
