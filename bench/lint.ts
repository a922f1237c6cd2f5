/**
 * bench/lint: how long linting takes — per corpus file and for one large migration (what the editor re-lints on
 * each pause in typing) — next to a baseline measured in the same run: only parsing the same statements with the
 * same parsers. The ratio is the cost of splitting, mapping and the rules on top of the parsers.
 * Then throughput per statement and the cold start of one file as a process, each against the pinned squawk in the same
 * run (bench/coldStart.ts). The linter timed is the code as shipped: src/core/lint bundled in memory with esbuild.mjs's
 * production options for dist/features.js (the extension's in-process lint), not the tsx transform this script runs
 * under (`shippedLint`). Run after `npm run build`: npx tsx bench/lint.ts [rounds] [--throughput]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import type * as analyze from '../src/core/lint/analyze';
import type * as parsersModule from '../src/core/lint/parsers';
import { RULES } from '../src/core/lint/rules/index';
import type * as textModule from '../src/core/lint/text';
import { loadCorpus } from '../test/unit/lint/corpus';
import { coldStart, SQUAWK } from './coldStart';
import { proofCorpusReport } from './lintCorpus';

const args = process.argv.slice(2);
const rounds = Number(args.find((a) => /^\d+$/.test(a)) ?? 30);
/** `--throughput`: only the timings of the linter and squawk per statement (no recall, proof corpus or cold start). */
const throughputOnly = args.includes('--throughput');
/** Interleaved trials of column-wizard and squawk on the large file. */
const TRIALS = 7;
/** Passes of our linter over the large file before it is timed (squawk is compiled ahead of time: it needs none). */
const WARM_PASSES = 6;

function time(fn: () => void): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

type ShippedLint = Pick<typeof analyze, 'lintSql'> & Pick<typeof parsersModule, 'loadParsers'> & Pick<typeof textModule, 'splitStatements'>;

/**
 * lintSql, loadParsers and splitStatements as the extension runs them: bundled by esbuild with esbuild.mjs's options for
 * dist/features.js, minified as `--production` builds it, loaded as if it were a file of dist/ (so it requires the
 * parsers' vendor bundles there, as dist/features.js does). tsx, which runs this script, keeps function names by
 * wrapping every function it creates in `__name(…)` (Object.defineProperty on each closure, per statement in lintSql):
 * timing the source through it measured about 10% more CPU per statement than the shipped code.
 */
async function shippedLint(): Promise<ShippedLint> {
  const root = resolve(__dirname, '..');
  const { builds } = (await import(pathToFileURL(join(root, 'esbuild.mjs')).href)) as { builds: esbuild.BuildOptions[] };
  const { entryPoints: _entry, outfile, ...options } = builds.find((b) => b.outfile === 'dist/features.js')!;
  const r = await esbuild.build({
    ...options,
    stdin: {
      contents: [
        "export { lintSql } from './src/core/lint/analyze';",
        "export { loadParsers } from './src/core/lint/parsers';",
        "export { splitStatements } from './src/core/lint/text';",
      ].join('\n'),
      resolveDir: root,
      loader: 'ts',
    },
    minify: true,
    sourcemap: false,
    write: false,
    logLevel: 'silent',
  });
  const file = join(root, dirname(outfile!), 'bench-lint.js'); // never written: where its require()s resolve from
  const m = new Module(file, module);
  m.filename = file;
  m.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(dirname(file));
  (m as unknown as { _compile(code: string, file: string): void })._compile(r.outputFiles[0]!.text, file);
  return m.exports as ShippedLint;
}

async function main(): Promise<void> {
  const { lintSql, loadParsers, splitStatements } = await shippedLint();
  const t0 = performance.now();
  const parsers = await loadParsers();
  const loadMs = performance.now() - t0;
  const corpus = loadCorpus();
  const statements = corpus.reduce((n, f) => n + f.statements.length, 0);

  const parseOnly = () => {
    for (const f of corpus) {
      const engine = f.target.dialect === 'postgres' ? 'postgres' : 'mysql';
      for (const s of splitStatements(f.text, engine).statements) {
        try {
          if (engine === 'postgres') parsers.postgres(s.text);
          else parsers.mysql(s.text);
        } catch {
          /* counted like lint does */
        }
      }
    }
  };
  const lintAll = () => {
    for (const f of corpus) lintSql(f.text, { target: f.target }, parsers);
  };
  parseOnly();
  lintAll(); // warm up
  let parseMs = 0;
  let lintMs = 0;
  for (let i = 0; i < rounds; i++) {
    parseMs += time(parseOnly);
    lintMs += time(lintAll);
  }

  const pgBody = corpus
    .filter((f) => f.target.dialect === 'postgres')
    .map((f) => f.text)
    .join('\n');
  // Only statements both parsers accept: squawk 2.61 runs none of its rules on a file with a syntax error (it reports
  // just the syntax errors), so a file with one would time squawk's parser against our whole linter.
  const parses = (sql: string): boolean => {
    try {
      parsers.postgres(sql);
      return true;
    } catch {
      return false;
    }
  };
  const pgClean = splitStatements(pgBody, 'postgres')
    .statements.filter((s) => parses(s.text))
    .map((s) => `${s.text};`)
    .join('\n');
  const big = Array.from({ length: 40 }, () => pgClean).join('\n');
  const bigCount = splitStatements(big, 'postgres').statements.length;
  // Warm: throughput is the steady state of a process that keeps linting (the extension re-lints on every pause in
  // typing). The first passes over the file run while V8 still compiles and sizes its heap: 581, 328, 237, 207 ms, then
  // 70–180 ms per pass on a loaded machine. The first run in a fresh process is the cold start's (bench/coldStart.ts).
  for (let i = 0; i < WARM_PASSES; i++) lintSql(big, { target: { dialect: 'postgres', version: '15' } }, parsers);
  const bigMs = Math.min(
    ...Array.from({ length: 5 }, () => time(() => lintSql(big, { target: { dialect: 'postgres', version: '15' } }, parsers))),
  );

  console.log(
    `load average ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}; ${rounds} rounds`,
  );
  console.log(`parsers loaded (WASM + MySQL and MariaDB grammars) in ${loadMs.toFixed(0)} ms`);
  console.log(`corpus: ${corpus.length} files, ${statements} statements`);
  console.log(
    `  parse only (baseline): ${(parseMs / rounds).toFixed(2)} ms per corpus pass, ${((statements * rounds) / (parseMs / 1000)).toFixed(0)} statements/s`,
  );
  console.log(
    `  lint:                  ${(lintMs / rounds).toFixed(2)} ms per corpus pass, ${((statements * rounds) / (lintMs / 1000)).toFixed(0)} statements/s`,
  );
  console.log(`  lint / parse ratio:    ${(lintMs / parseMs).toFixed(2)}`);
  console.log(`one ${bigCount}-statement PostgreSQL file: ${bigMs.toFixed(0)} ms (best of 5)`);

  // Throughput per statement against the pinned squawk on the same file. squawk runs only as a process: its time per
  // statement is (the large file − a one-statement file) / the statements between them, so its start does not count.
  if (existsSync(SQUAWK)) {
    const dir = mkdtempSync(join(tmpdir(), 'cw-bench-'));
    const bigFile = join(dir, 'big.sql');
    const oneFile = join(dir, 'one.sql');
    writeFileSync(bigFile, big);
    writeFileSync(oneFile, 'ALTER TABLE users ADD COLUMN nickname text;\n');
    // Interleaved, so that both see the same moments of the machine's load: per trial, our lintSql on the file, squawk on
    // the file, squawk on the one-statement file. Best of the trials for each; the per-trial ratios show the spread.
    const runSquawk = (file: string) =>
      time(() => spawnSync(SQUAWK, ['--reporter', 'gcc', '--pg-version', '15.0', file], { encoding: 'utf8', maxBuffer: 1 << 28 }));
    const trials = Array.from({ length: TRIALS }, () => ({
      ours: time(() => lintSql(big, { target: { dialect: 'postgres', version: '15' } }, parsers)) / bigCount,
      squawk: (runSquawk(bigFile) - runSquawk(oneFile)) / (bigCount - 1),
    }));
    const perOurs = Math.min(...trials.map((t) => t.ours));
    const perSquawk = Math.min(...trials.map((t) => t.squawk));
    const ratios = trials.map((t) => t.ours / t.squawk).sort((a, b) => a - b);
    const squawkOut = spawnSync(SQUAWK, ['--reporter', 'gcc', '--pg-version', '15.0', bigFile], {
      encoding: 'utf8',
      maxBuffer: 1 << 28,
    }).stdout;
    const squawkFindings = squawkOut.split('\n').filter((l) => / (?:error|warning): /.test(l));
    const squawkSyntax = squawkFindings.filter((l) => /syntax-error/.test(l)).length;
    const ours = lintSql(big, { target: { dialect: 'postgres', version: '15' } }, parsers).findings.length;
    console.log(
      `  per statement, in process: column-wizard ${(perOurs * 1000).toFixed(1)} µs, squawk ${(perSquawk * 1000).toFixed(1)} µs (best of ${TRIALS} interleaved trials, same file); column-wizard / squawk ${(perOurs / perSquawk).toFixed(2)}× — goal ≤ 1: ${perOurs <= perSquawk ? 'met' : 'not met'}`,
    );
    console.log(
      `    per-trial ratio: min ${ratios[0]!.toFixed(2)}, median ${ratios[TRIALS >> 1]!.toFixed(2)}, max ${ratios[TRIALS - 1]!.toFixed(2)}`,
    );
    console.log(
      `    column-wizard: lintSql on the file in this process / ${bigCount}; squawk: (its process on the file − on a one-statement file) / ${bigCount - 1}. Findings: column-wizard ${ours}, squawk ${squawkFindings.length} (${squawkSyntax} syntax errors${squawkSyntax > 0 ? ': squawk ran no rules, the comparison is not like with like' : ''}).`,
    );
  }

  if (throughputOnly) return;

  // Recall and precision on the corpus's expectations: a statement is dangerous when its expected rules hold anything
  // but missing-lock-timeout / unknown-statement; flagged when the tool reports anything but those (squawk: anything but
  // require-lock-timeout / prefer-* style rules).
  // A rule whose default severity is information (e.g. drop-default: catalog-only, safe by the sources) does not make a
  // statement dangerous, just as an information finding does not count as flagged.
  const NOISE = new Set(['missing-lock-timeout', 'unknown-statement', ...RULES.filter((r) => r.severity === 'info').map((r) => r.id)]);
  const SQUAWK_NOISE =
    /^(require-timeout-settings|require-lock-timeout|require-statement-timeout|prefer-|ban-char-field|transaction-nesting)/;
  const score = { pg: { ours: [0, 0, 0], squawk: [0, 0, 0], n: 0 }, my: { ours: [0, 0, 0], n: 0 } }; // [tp, flagged, dangerous]
  for (const f of corpus) {
    const result = lintSql(f.text, { target: f.target }, parsers);
    let squawkLines: Set<number> | undefined;
    if (f.target.dialect === 'postgres' && existsSync(SQUAWK)) {
      const version = /^\d+$/.test(f.target.version) ? `${f.target.version}.0` : f.target.version;
      const r = spawnSync(SQUAWK, ['--reporter', 'json', '--pg-version', version, f.path], { encoding: 'utf8' });
      squawkLines = new Set(
        (JSON.parse(r.stdout || '[]') as { line: number; rule_name: string }[])
          .filter((x) => !SQUAWK_NOISE.test(x.rule_name))
          .map((x) => x.line + 1),
      );
    }
    for (const st of f.statements) {
      if (st.expected === undefined) continue;
      const dangerous = st.expected.some((r) => !NOISE.has(r));
      const oursFlag = result.findings.some((x) => x.statement === st.index && !NOISE.has(x.rule) && x.severity !== 'info');
      const bucket = f.target.dialect === 'postgres' ? score.pg : score.my;
      bucket.n++;
      bucket.ours[0]! += dangerous && oursFlag ? 1 : 0;
      bucket.ours[1]! += oursFlag ? 1 : 0;
      bucket.ours[2]! += dangerous ? 1 : 0;
      if (squawkLines) {
        const lines = f.text.slice(0, f.text.indexOf(st.text)).split('\n').length;
        const span = st.text.split('\n').length;
        const sq = [...squawkLines].some((l) => l >= lines && l < lines + span);
        score.pg.squawk[0]! += dangerous && sq ? 1 : 0;
        score.pg.squawk[1]! += sq ? 1 : 0;
        score.pg.squawk[2]! += dangerous ? 1 : 0;
      }
    }
  }
  const pct = (a: number, b: number) => (b === 0 ? 'n/a' : `${((100 * a) / b).toFixed(1)}%`);
  console.log(
    `\nrecall / precision on the corpus (statements with an expectation; dangerous = an expected rule other than ${[...NOISE].join(', ')}):`,
  );
  console.log(
    `  PostgreSQL (${score.pg.n} statements, ${score.pg.ours[2]} dangerous): column-wizard recall ${pct(score.pg.ours[0]!, score.pg.ours[2]!)}, precision ${pct(score.pg.ours[0]!, score.pg.ours[1]!)}`,
  );
  if (existsSync(SQUAWK))
    console.log(
      `  PostgreSQL, squawk (same statements):           recall ${pct(score.pg.squawk[0]!, score.pg.squawk[2]!)}, precision ${pct(score.pg.squawk[0]!, score.pg.squawk[1]!)}`,
    );
  console.log(
    `  MySQL/MariaDB (${score.my.n} statements, ${score.my.ours[2]} dangerous): column-wizard recall ${pct(score.my.ours[0]!, score.my.ours[2]!)}, precision ${pct(score.my.ours[0]!, score.my.ours[1]!)}`,
  );

  proofCorpusReport(parsers);

  console.log();
  await coldStart(7);
}

void main();
