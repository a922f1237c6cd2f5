/**
 * bench/lint: how long linting takes — per corpus file and for one large migration (what the editor re-lints on
 * each pause in typing) — next to a baseline measured in the same run: only parsing the same statements with the
 * same parsers. The ratio is the cost of splitting, mapping and the rules on top of the parsers.
 * Run: npx tsx bench/lint.ts [rounds]
 */
import { loadavg } from 'node:os';
import { lintSql } from '../src/core/lint/analyze';
import { loadParsers } from '../src/core/lint/parsers';
import { splitStatements } from '../src/core/lint/text';
import { loadCorpus } from '../test/unit/lint/corpus';

const rounds = Number(process.argv[2] ?? 30);

function time(fn: () => void): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const parsers = await loadParsers();
  const loadMs = performance.now() - t0;
  const corpus = loadCorpus();
  const statements = corpus.reduce((n, f) => n + f.statements.length, 0);

  const parseOnly = () => {
    for (const f of corpus) {
      const engine = f.target.dialect === 'postgres' ? 'postgres' : 'mysql';
      for (const s of splitStatements(f.text, engine).statements) {
        try { if (engine === 'postgres') parsers.postgres(s.text); else parsers.mysql(s.text); } catch { /* counted like lint does */ }
      }
    }
  };
  const lintAll = () => { for (const f of corpus) lintSql(f.text, { target: f.target }, parsers); };
  parseOnly(); lintAll(); // warm up
  let parseMs = 0;
  let lintMs = 0;
  for (let i = 0; i < rounds; i++) { parseMs += time(parseOnly); lintMs += time(lintAll); }

  const pgBody = corpus.filter((f) => f.target.dialect === 'postgres').map((f) => f.text).join('\n');
  const big = Array.from({ length: 40 }, () => pgBody).join('\n');
  const bigCount = splitStatements(big, 'postgres').statements.length;
  lintSql(big, { target: { dialect: 'postgres', version: '15' } }, parsers);
  const bigMs = Math.min(...Array.from({ length: 5 }, () => time(() => lintSql(big, { target: { dialect: 'postgres', version: '15' } }, parsers))));

  console.log(`load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}; ${rounds} rounds`);
  console.log(`parsers loaded (WASM + MySQL grammar) in ${loadMs.toFixed(0)} ms`);
  console.log(`corpus: ${corpus.length} files, ${statements} statements`);
  console.log(`  parse only (baseline): ${(parseMs / rounds).toFixed(2)} ms per corpus pass, ${((statements * rounds) / (parseMs / 1000)).toFixed(0)} statements/s`);
  console.log(`  lint:                  ${(lintMs / rounds).toFixed(2)} ms per corpus pass, ${((statements * rounds) / (lintMs / 1000)).toFixed(0)} statements/s`);
  console.log(`  lint / parse ratio:    ${(lintMs / parseMs).toFixed(2)}`);
  console.log(`one ${bigCount}-statement PostgreSQL file: ${bigMs.toFixed(0)} ms (best of 5)`);
}

void main();
