/**
 * bench/coldStart: how long `column-wizard lint one.sql` takes as a fresh process, next to baselines measured in the
 * same run and interleaved with it: `node -e 0` (the floor) and `column-wizard --help` (reading the CLI bundle only).
 * The goal is under 250 ms where `node -e 0` takes 169 ms: a ratio to `node -e 0` under 1.48.
 * Run after `npm run build`: npx tsx bench/coldStart.ts [rounds] [other-dist-dir to compare, e.g. an older build]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const rounds = Number(process.argv[2] ?? 15);
const other = process.argv[3] ? resolve(process.argv[3]) : undefined;
const cli = join(__dirname, '../dist/cli.js');
if (!existsSync(cli)) throw new Error('dist/cli.js missing: run npm run build first');

const dir = mkdtempSync(join(tmpdir(), 'cw-cold-'));
const pgFile = join(dir, 'one.sql');
writeFileSync(pgFile, "SET lock_timeout = '2s';\nALTER TABLE users ADD COLUMN nickname text;\n");
const myFile = join(dir, 'one-mysql.sql');
writeFileSync(myFile, 'SET SESSION lock_wait_timeout = 2;\nALTER TABLE users ADD COLUMN nickname varchar(40), ALGORITHM=INSTANT;\n');

const cases: Record<string, string[]> = {
  'node -e 0': ['-e', '0'],
  'column-wizard --help': [cli, '--help'],
  'column-wizard lint one.sql (postgres)': [cli, 'lint', pgFile],
  'column-wizard lint one.sql (mysql)': [cli, 'lint', '--dialect', 'mysql', myFile],
};
if (other) cases['other build: lint one.sql (postgres)'] = [join(other, 'cli.js'), 'lint', pgFile];

const times: Record<string, number[]> = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
for (let i = 0; i < rounds; i++) {
  for (const [name, args] of Object.entries(cases)) {
    const t = performance.now();
    const r = spawnSync(process.execPath, args, { encoding: 'utf8' });
    times[name]!.push(performance.now() - t);
    if (r.status !== 0) throw new Error(`${name} exited ${r.status}: ${r.stderr}`);
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const node = median(times['node -e 0']!);
console.log(
  `load average ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}; ${rounds} interleaved rounds, medians`,
);
for (const [name, xs] of Object.entries(times))
  console.log(`  ${name.padEnd(40)} ${median(xs).toFixed(0).padStart(5)} ms  ${(median(xs) / node).toFixed(2)}× node`);
const lint = median(times['column-wizard lint one.sql (postgres)']!);
console.log(
  `goal: lint under 1.48× node -e 0 (250 ms / 169 ms); now ${(lint / node).toFixed(2)}× — ${lint / node < 250 / 169 ? 'met' : 'not met'}`,
);
