/**
 * The CodeLens over a SQL migration says where its lock time comes from. The title is built by `lensTitleWithBasis`,
 * the function the extension's CodeLens provider (src/extension/lint/sqlPreview.ts) calls, from a lint with a
 * calibration that is measured, learned from runs, or absent (rough).
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { DEFAULT_CALIBRATION } from '../../src/core/impact';
import { lintSql, type LintOptions } from '../../src/core/lint/analyze';
import { loadParsers, type Parsers } from '../../src/core/lint/parsers';
import { lensTitleWithBasis } from '../../src/core/lint/preview';
import type { Calibration, TableFacts } from '../../src/core/types';

let parsers: Parsers;
before(async () => {
  parsers = await loadParsers();
});

const NOW = Date.parse('2026-12-05T07:00:00Z');
const users: TableFacts = { table: { schema: 'public', name: 'users' }, rows: 5_000_000, bytes: 1024 ** 3 };
const measured: Calibration = {
  ...DEFAULT_CALIBRATION,
  basis: 'measured',
  scanBytesPerSecond: 400 * 1024 * 1024,
  indexRowsPerSecond: 1_000_000,
  textIndexRowsPerSecond: 250_000,
  measuredAt: new Date(NOW - 3 * 60_000).toISOString(),
};
const pg = (calibration?: Calibration): LintOptions => ({
  target: { dialect: 'postgres', version: '15' },
  facts: () => users,
  ...(calibration ? { calibration } : {}),
});
const SQL = 'CREATE INDEX users_email ON users (email);\nCREATE INDEX CONCURRENTLY users_name ON users (name);';

function lenses(calibration?: Calibration): (string | undefined)[] {
  return lintSql(SQL, pg(calibration), parsers).statements.map((s) => lensTitleWithBasis(s, 'grobe Schätzung', NOW));
}

/** The seconds the lens shows, e.g. `~7.1 s` → 7.1. */
function seconds(title: string | undefined): number {
  const m = /~([\d.]+) (s|min)/.exec(title ?? '');
  assert.ok(m, `no time in ${title}`);
  return Number(m[1]) * (m[2] === 'min' ? 60 : 1);
}

describe('CodeLens: the basis of the lock time', () => {
  it('measured on this server: says when', () => {
    const [plain, concurrent] = lenses(measured);
    assert.match(plain!, /^SHARE · blocks writes · scans · 5,000,000 rows · ~[\d.]+ s \(measured on this server 3 min ago\)$/);
    // A statement that blocks nothing shows no time, so no basis either.
    assert.equal(concurrent, 'SHARE UPDATE EXCLUSIVE · blocks nothing · scans · 5,000,000 rows');
  });

  it('learned from runs of that kind of work: says how many, and the time carries the learned factor', () => {
    const [base] = lenses(measured);
    const [learned] = lenses({ ...measured, learned: { index: { factor: 2, runs: 3 } } });
    assert.match(learned!, /\(learned from 3 runs on this server\)$/);
    assert.ok(Math.abs(seconds(learned) / seconds(base) - 2) < 0.1, `${learned} vs ${base}`);
    // What was learned about another kind of work does not change this statement's basis.
    const [other] = lenses({ ...measured, learned: { backfill: { factor: 2, runs: 3 } } });
    assert.equal(other, base);
  });

  it('without a measurement: the editor\'s words for rough, never "measured"', () => {
    const [none] = lenses();
    const [defaults] = lenses(DEFAULT_CALIBRATION);
    assert.match(none!, /~[\d.]+ (s|min) \(grobe Schätzung\)$/);
    assert.equal(defaults, none);
    // The same statement at measured rates is a different time: the lens is computed from the calibration it shows.
    assert.notEqual(seconds(none), seconds(lenses(measured)[0]));
  });
});
