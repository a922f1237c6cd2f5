/**
 * bench/lintCorpus: recall and precision on the proof corpus (test/unit/lint/proofCorpus.ts: cases from the manuals and
 * the peers' docs, labelled dangerous or safe by their sources), for Column Wizard and, on the PostgreSQL cases, for the
 * pinned squawk (npm `squawk-cli`) run on the same cases in the same run. A case is flagged when a tool reports a
 * warning or error other than its lock/statement-timeout reminder (and, for squawk, its style rules prefer-*,
 * ban-char-field, require-table-schema, identifier-too-long, transaction-nesting, ban-uncommitted-transaction).
 * Run: npx tsx bench/lintCorpus.ts (npm run bench:lint runs it too).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadParsers, type Parsers } from '../src/core/lint/parsers';
import { PROOF_CASES, proofVerdict, type ProofCase } from '../test/unit/lint/proofCorpus';
import { SQUAWK } from './coldStart';

const SQUAWK_NOT_A_FLAG =
  /^(require-timeout-settings|require-lock-timeout|require-statement-timeout|prefer-|ban-char-field|require-table-schema|identifier-too-long|transaction-nesting|ban-uncommitted-transaction|require-enum-value-ordering)/;

/** The PostgreSQL cases squawk flags (by id), one squawk process per server version; undefined when squawk is not installed. */
function squawkFlags(cases: readonly ProofCase[]): Set<string> | undefined {
  if (!existsSync(SQUAWK)) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'cw-proof-'));
  try {
    const flagged = new Set<string>();
    const byVersion = new Map<string, ProofCase[]>();
    for (const c of cases) byVersion.set(c.version, [...(byVersion.get(c.version) ?? []), c]);
    for (const [version, group] of byVersion) {
      const files = group.map((c) => {
        const path = join(dir, `${c.id}.sql`);
        writeFileSync(path, `${c.sql}\n`, { flag: 'wx' });
        return path;
      });
      const r = spawnSync(SQUAWK, ['--reporter', 'json', '--pg-version', /^\d+$/.test(version) ? `${version}.0` : version, ...files], {
        encoding: 'utf8',
        maxBuffer: 64 << 20,
      });
      for (const v of JSON.parse(r.stdout || '[]') as { file: string; rule_name: string; level: string }[]) {
        if (SQUAWK_NOT_A_FLAG.test(v.rule_name)) continue;
        flagged.add(v.file.replace(/^.*\//, '').replace(/\.sql$/, ''));
      }
    }
    return flagged;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface Score {
  readonly dangerous: number;
  readonly flagged: number;
  readonly hits: number;
  readonly misses: string[];
  readonly falseAlarms: string[];
}

function score(cases: readonly ProofCase[], flagged: (c: ProofCase) => boolean): Score {
  const s: Score = { dangerous: 0, flagged: 0, hits: 0, misses: [], falseAlarms: [] };
  const m = s as { -readonly [K in keyof Score]: Score[K] };
  for (const c of cases) {
    const f = flagged(c);
    const d = c.verdict === 'dangerous';
    m.dangerous += d ? 1 : 0;
    m.flagged += f ? 1 : 0;
    m.hits += d && f ? 1 : 0;
    if (d && !f) s.misses.push(c.id);
    if (!d && f) s.falseAlarms.push(c.id);
  }
  return s;
}

const pct = (a: number, b: number) => (b === 0 ? 'n/a' : `${((100 * a) / b).toFixed(1)}%`);
const line = (who: string, s: Score) =>
  `    ${who.padEnd(14)} recall ${pct(s.hits, s.dangerous).padStart(6)} (${s.hits}/${s.dangerous})   precision ${pct(s.hits, s.flagged).padStart(6)} (${s.hits}/${s.flagged})` +
  (s.misses.length ? `\n      missed: ${s.misses.join(', ')}` : '') +
  (s.falseAlarms.length ? `\n      flagged safe cases: ${s.falseAlarms.join(', ')}` : '');

export function proofCorpusReport(parsers: Parsers): void {
  const ours = new Map(PROOF_CASES.map((c) => [c.id, proofVerdict(c, parsers).flagged]));
  const pg = PROOF_CASES.filter((c) => c.dialect === 'postgres');
  const my = PROOF_CASES.filter((c) => c.dialect !== 'postgres');
  const sq = squawkFlags(pg);
  console.log(`\nproof corpus (test/unit/lint/proofCorpus.ts): ${PROOF_CASES.length} cases, labels from their sources`);
  console.log(`  PostgreSQL: ${pg.length} cases, ${pg.filter((c) => c.verdict === 'dangerous').length} dangerous`);
  console.log(
    line(
      'column-wizard',
      score(pg, (c) => ours.get(c.id)!),
    ),
  );
  console.log(
    sq
      ? line(
          'squawk',
          score(pg, (c) => sq.has(c.id)),
        )
      : '    squawk: not installed (npm ci installs squawk-cli)',
  );
  console.log(`  MySQL/MariaDB: ${my.length} cases, ${my.filter((c) => c.verdict === 'dangerous').length} dangerous`);
  console.log(
    line(
      'column-wizard',
      score(my, (c) => ours.get(c.id)!),
    ),
  );
}

if (require.main === module) {
  void loadParsers().then((parsers) => {
    console.log(
      `load average ${loadavg()
        .map((x) => x.toFixed(2))
        .join(' ')}`,
    );
    proofCorpusReport(parsers);
  });
}
