/**
 * Every rule module (src/core/lint/rules/) carries its own examples: each `bad` migration must produce the rule,
 * each `good` one must not. Plus the registry: one module per id, every id in SARIF.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { DEFAULT_VERSIONS, lintSql } from '../../../src/core/lint/analyze';
import { loadParsers, type Parsers } from '../../../src/core/lint/parsers';
import { LINT_RULES } from '../../../src/core/lint/ruleIds';
import { RULES } from '../../../src/core/lint/rules/index';
import { replayMigrations } from '../../../src/core/lint/replay';
import type { RuleExample, RuleModule } from '../../../src/core/lint/rules/types';

let parsers: Parsers;
before(async () => {
  parsers = await loadParsers();
});

function rulesOf(x: RuleExample): string[] {
  const dialect = x.dialect ?? 'postgres';
  const target = { dialect, version: x.version ?? DEFAULT_VERSIONS[dialect] };
  const tables = x.earlier ? replayMigrations([x.earlier], target, parsers) : undefined;
  return lintSql(x.sql, { target, ...(tables ? { facts: (t) => tables.get(t.name.toLowerCase()) } : {}) }, parsers).findings.map(
    (f) => f.rule,
  );
}

describe('lint rule modules', () => {
  it('one module per rule id, each listed once, each with a doc text and at least one bad and one good example', () => {
    const ids = RULES.map((r) => r.id);
    assert.equal(new Set(ids).size, ids.length);
    assert.deepEqual(
      LINT_RULES.map((r) => r.id),
      ids,
    );
    const files = readdirSync(join(__dirname, '../../../src/core/lint/rules')).filter(
      (f) => !['index.ts', 'types.ts', 'shared.ts', 'statementOps.ts'].includes(f),
    );
    assert.equal(files.length, ids.length, `modules: ${files.join(', ')}`);
    for (const r of RULES as readonly RuleModule[]) {
      assert.ok(r.doc.length > 40, `${r.id} has a doc text`);
      assert.ok(r.examples.bad.length > 0 && r.examples.good.length > 0, `${r.id} has examples`);
      assert.ok(r.check || r.checkFile || r.byDriver, `${r.id} checks something`);
    }
  });

  for (const r of RULES as readonly RuleModule[]) {
    describe(r.id, () => {
      for (const x of r.examples.bad) {
        it(`reports: ${x.sql.replace(/\s+/g, ' ').slice(0, 90)}`, () => {
          assert.ok(rulesOf(x).includes(r.id), `got [${rulesOf(x).join(' ')}]`);
        });
      }
      for (const x of r.examples.good) {
        it(`does not report: ${x.sql.replace(/\s+/g, ' ').slice(0, 90)}`, () => {
          assert.ok(!rulesOf(x).includes(r.id), `got [${rulesOf(x).join(' ')}]`);
        });
      }
    });
  }
});
