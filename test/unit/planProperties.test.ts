import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { capabilities } from '../../src/core/dialects/index';
import { planColumn, planSteps } from '../../src/core/plan';
import { isNoopSql } from '../../src/core/sql';
import type { Dialect, Plan, Step } from '../../src/core/types';
import { generateCase, rng } from './specGenerator';

const CASES = 3000;

/** Steps that rewrite the table while blocking writes on a table with rows, without saying why that is unavoidable. */
function violations(plan: Plan): Step[] {
  if (plan.table.rows === 0) return [];
  return planSteps(plan).filter((s) => s.rewrite && s.blocks.writes && !(typeof s.unavoidable === 'string' && s.unavoidable.length > 20));
}

/** Lexes one statement: returns a problem, or the quoted identifiers it contains (decoded). */
function lex(dialect: Dialect, sql: string): { problem?: string; idents: string[] } {
  const idents: string[] = [];
  const identQuote = dialect === 'postgres' ? '"' : '`';
  let depth = 0;
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i]!;
    if (c === identQuote || c === "'") {
      const eString = c === "'" && dialect === 'postgres' && sql[i - 1] === 'E' && !/\w/.test(sql[i - 2] ?? '');
      const backslash = c === "'" && (dialect !== 'postgres' || eString);
      let j = i + 1;
      let value = '';
      for (;;) {
        if (j >= sql.length) return { problem: `unterminated ${c} at ${i}`, idents };
        if (backslash && sql[j] === '\\') {
          value += sql[j + 1];
          j += 2;
          continue;
        }
        if (sql[j] === c) {
          if (sql[j + 1] === c) {
            value += c;
            j += 2;
            continue;
          }
          break;
        }
        value += sql[j];
        j++;
      }
      if (c === identQuote) idents.push(value);
      i = j;
      continue;
    }
    if (c === '(') depth++;
    if (c === ')' && --depth < 0) return { problem: `unbalanced ) at ${i}`, idents };
    if (c === ';') return { problem: `; outside quotes at ${i}`, idents };
    if ((c === '-' && sql[i + 1] === '-') || (c === '/' && sql[i + 1] === '*'))
      return { problem: `comment outside quotes at ${i}`, idents };
    if (dialect === 'postgres' && c === '`') return { problem: `backtick in PostgreSQL SQL at ${i}`, idents };
    if (dialect !== 'postgres' && c === '"') return { problem: `double quote in MySQL SQL at ${i}`, idents };
  }
  if (depth !== 0) return { problem: 'unclosed (', idents };
  return { idents };
}

function statements(s: Step): string[] {
  return [
    s.sql,
    ...(s.down && !isNoopSql(s.down) ? [s.down] : []),
    ...(s.lockTimeoutSql ? [s.lockTimeoutSql] : []),
    ...(s.fallbackSql ? [s.fallbackSql] : []),
    ...(s.session?.before ?? []),
    ...(s.session?.after ?? []),
  ];
}

describe('plan properties over generated specs', () => {
  const r = rng(20261125);
  const cases = Array.from({ length: CASES }, () => generateCase(r));
  const plans = cases.map((c) => ({ c, plan: planColumn(c.spec, c.facts, c.target) }));

  it('the generator covers the interesting shapes', () => {
    const steps = plans.flatMap((p) => planSteps(p.plan));
    assert.ok(
      plans.some((p) => p.plan.phases.some((ph) => ph.kind === 'backfill')),
      'backfills',
    );
    assert.ok(
      steps.some((s) => s.unavoidable),
      'unavoidable steps',
    );
    assert.ok(
      steps.some((s) => s.algorithm === 'INSTANT') &&
        steps.some((s) => s.algorithm === 'INPLACE') &&
        steps.some((s) => s.algorithm === 'COPY'),
    );
    assert.ok(steps.some((s) => s.sql.includes('CONCURRENTLY')) && steps.some((s) => s.sql.includes('NOT VALID')));
    assert.ok(plans.filter((p) => p.c.facts.rows > 0).length > CASES / 2);
  });

  it('on a table with rows, no step both rewrites and blocks writes unless flagged unavoidable with a reason', () => {
    for (const { c, plan } of plans) {
      const bad = violations(plan);
      assert.deepEqual(
        bad.map((s) => s.sql),
        [],
        `${c.target.dialect} ${c.target.version}: ${JSON.stringify(c.spec)}`,
      );
    }
  });

  it('the property check itself catches a violating step', () => {
    const { plan } = plans.find((p) => p.c.facts.rows > 0)!;
    const bad: Step = { ...planSteps(plan)[0]!, rewrite: true, blocks: { reads: false, writes: true } };
    const forged: Plan = { ...plan, phases: [{ ...plan.phases[0]!, steps: [bad] }] };
    assert.equal(violations(forged).length, 1);
    assert.equal(
      violations({
        ...forged,
        phases: [{ ...forged.phases[0]!, steps: [{ ...bad, unavoidable: 'a stored generated column must be computed for every row' }] }],
      }).length,
      0,
    );
  });

  it('every statement is well-formed: identifiers quoted for the dialect, nothing breaks out of a statement', () => {
    for (const { c, plan } of plans) {
      for (const s of planSteps(plan)) {
        for (const stmt of statements(s)) {
          const { problem } = lex(c.target.dialect, stmt);
          assert.equal(problem, undefined, `${stmt}\n(${c.target.dialect}, column ${JSON.stringify(c.spec.name)})`);
        }
      }
      const add = planSteps(plan)[0]!;
      const { idents } = lex(c.target.dialect, add.sql);
      assert.ok(idents.includes(c.spec.name), `column name ${JSON.stringify(c.spec.name)} quoted in: ${add.sql}`);
      assert.ok(idents.includes(c.facts.table.name), `table name quoted in: ${add.sql}`);
    }
  });

  it('every step has a down; DDL steps their lock timeout; backfills their batch spec; MySQL steps name an algorithm', () => {
    for (const { c, plan } of plans) {
      for (const ph of plan.phases) {
        for (const s of ph.steps) {
          assert.ok(s.down && s.down.length > 0, s.sql);
          if (s.backfill) {
            assert.equal(ph.kind, 'backfill');
            assert.equal(s.backfill.column, c.spec.name);
            assert.equal(s.lockTimeoutSql, undefined);
          } else {
            assert.match(
              s.lockTimeoutSql!,
              c.target.dialect === 'postgres' ? /^SET lock_timeout = '\d+(ms|s)'$/ : /^SET SESSION lock_wait_timeout = \d+$/,
            );
            if (c.target.dialect !== 'postgres') assert.match(s.sql, /ALGORITHM=(INSTANT|INPLACE|COPY)/, s.sql);
            // The INSTANT keyword exists from MySQL 8.0.12 / MariaDB 10.3.2; an INSTANT step always says how to fall back.
            const instantKeyword = c.target.dialect === 'postgres' ? false : capabilities(c.target).instantAddColumn;
            if (!instantKeyword) assert.doesNotMatch(s.sql, /ALGORITHM=INSTANT/, `${c.target.version}: ${s.sql}`);
            if (s.fallbackSql) assert.match(s.sql, /ALGORITHM=INSTANT/);
            if (/ALGORITHM=INSTANT/.test(s.sql)) assert.equal(s.algorithm, 'INSTANT', s.sql);
          }
          if (s.sql.includes('CONCURRENTLY')) assert.equal(ph.transactional, false);
          if (c.target.dialect !== 'postgres') assert.equal(ph.transactional, false);
          assert.ok(s.estimate.lockSeconds >= 0 && s.estimate.totalSeconds >= s.estimate.lockSeconds - 1e-9, JSON.stringify(s.estimate));
        }
      }
    }
  });

  it('plans are frozen and survive JSON unchanged', () => {
    for (const { plan } of plans.slice(0, 300)) {
      assert.ok(Object.isFrozen(plan) && Object.isFrozen(plan.phases) && plan.phases.every((p) => Object.isFrozen(p.steps)));
      assert.deepEqual(JSON.parse(JSON.stringify(plan)), plan);
    }
  });
});
