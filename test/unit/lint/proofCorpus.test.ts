/**
 * The proof corpus (issue 20 item 6; cases and their sources in ./proofCorpus.ts): every case labelled dangerous by its
 * source must be flagged by the rule it names; every case labelled safe must get no warning or error; where a case
 * names a lock, a statement's verdict must name it. A rule that stops reporting, or a verdict that starts
 * flagging a safe pattern, fails here. bench/lintCorpus.ts prints the recall and precision from the same cases.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { loadParsers, type Parsers } from '../../../src/core/lint/parsers';
import { PROOF_CASES, proofVerdict, verdictLocks } from './proofCorpus';

let parsers: Parsers;
before(async () => {
  parsers = await loadParsers();
});

describe('proof corpus', () => {
  it('has at least 150 cases with a source each, over both engines, dangerous and safe', () => {
    assert.ok(PROOF_CASES.length >= 150, `${PROOF_CASES.length} cases`);
    assert.equal(new Set(PROOF_CASES.map((c) => c.id)).size, PROOF_CASES.length, 'case ids are unique');
    for (const c of PROOF_CASES) {
      assert.match(c.source, /^https:\/\//, `${c.id}: no source`);
      assert.ok(c.verdict === 'safe' || c.rule, `${c.id}: a dangerous case names its rule`);
    }
    for (const engine of [['postgres'], ['mysql', 'mariadb']]) {
      const cases = PROOF_CASES.filter((c) => engine.includes(c.dialect));
      assert.ok(cases.filter((c) => c.verdict === 'dangerous').length >= 30, `${engine.join('/')}: dangerous cases`);
      assert.ok(cases.filter((c) => c.verdict === 'safe').length >= 15, `${engine.join('/')}: safe cases`);
    }
  });

  for (const c of PROOF_CASES) {
    it(`${c.id} (${c.dialect} ${c.version}): ${c.verdict}${c.rule ? ` — ${c.rule}` : ''}${c.lock ? `, ${c.lock}` : ''}`, () => {
      const o = proofVerdict(c, parsers);
      const said = o.result.findings.map((f) => `${f.rule} (${f.severity}): ${f.message}`).join('\n  ');
      if (c.verdict === 'safe') assert.equal(o.flagged, false, `${c.source}\nsafe by its source, but flagged:\n  ${said}`);
      else assert.ok(o.rules.includes(c.rule!), `${c.source}\nexpected ${c.rule}, got:\n  ${said || '(nothing)'}`);
      if (c.lock)
        assert.ok(
          verdictLocks(o).includes(c.lock),
          `${c.source}\nexpected the lock ${c.lock}, the verdicts say ${verdictLocks(o).join(', ')}`,
        );
    });
  }
});
