/**
 * One source of truth: the planner's own phased SQL, linted with the same rules, must not be flagged for what the
 * phases exist to avoid — except a step the plan itself marks `unavoidable`. 300 generated columns, tables, servers.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { lintSql } from '../../../src/core/lint/analyze';
import { loadParsers, type Parsers } from '../../../src/core/lint/parsers';
import { phasedSql } from '../../../src/core/lint/preview';
import { planColumn } from '../../../src/core/plan';
import { generateCase, rng } from '../specGenerator';

let parsers: Parsers;
before(async () => {
  parsers = await loadParsers();
});

/** What a safe plan never does on a populated table. */
const AVOIDED = [
  'syntax-error',
  'unparsed-statement',
  'add-column-required',
  'set-not-null-scan',
  'constraint-not-valid-missing',
  'unique-constraint-builds-index',
  'validate-in-same-transaction',
  'index-not-concurrent',
  'concurrent-index-in-transaction',
  'missing-lock-timeout',
  'algorithm-copy',
  'lock-blocks-writes',
  'instant-with-lock-clause',
];

describe("the planner's phases lint clean", () => {
  it('300 generated plans: no avoided finding outside unavoidable steps', () => {
    const r = rng(7);
    const problems: string[] = [];
    let checked = 0;
    let mysqlChecked = 0;
    for (let i = 0; i < 300; i++) {
      const c = generateCase(r);
      let plan;
      try {
        plan = planColumn(c.spec, c.facts, c.target);
      } catch {
        continue; // a spec the planner refuses with a reason is not a plan to lint
      }
      const steps = plan.phases.flatMap((p) => p.steps);
      if (steps.some((s) => s.unavoidable) || c.facts.rows === 0) continue;
      checked++;
      // MySQL/MariaDB: the compound statements as a tool that sends the file as one batch takes them, and inside DELIMITER.
      for (const delimiter of c.target.dialect === 'postgres' ? [false] : [false, true]) {
        const text = phasedSql(plan, true, { delimiter });
        if (c.target.dialect !== 'postgres') mysqlChecked++;
        const result = lintSql(text, { target: c.target, facts: () => c.facts }, parsers);
        const bad = result.findings.filter((f) => (AVOIDED as readonly string[]).includes(f.rule) && f.severity !== 'info');
        if (bad.length)
          problems.push(
            `${c.target.dialect} ${c.target.version}${delimiter ? ' (DELIMITER)' : ''} ${JSON.stringify(c.spec)}\n  ${bad.map((f) => `${f.rule}: ${text.slice(f.start, f.end).slice(0, 140)}`).join('\n  ')}`,
          );
      }
    }
    assert.ok(checked >= 100, `only ${checked} plans were checked`);
    assert.ok(mysqlChecked >= 60, `only ${mysqlChecked} MySQL/MariaDB rewrites were checked`);
    console.log(`# ${checked} plans linted`);
    assert.deepEqual(problems.slice(0, 5), [], `${problems.length} plans are flagged`);
  });
});
