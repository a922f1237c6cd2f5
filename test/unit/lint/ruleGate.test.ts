/**
 * The rule gate (`RuleModule.on`, src/core/lint/rules/types.ts): lintSql asks a rule only about statements of the kinds,
 * operations or ALTER TABLE actions it names. Asking every rule about every statement (each `on` removed) must give the
 * same result, byte for byte, on every migration the tests know: the corpus files in each dialect and version, with and
 * without a wrapping transaction and table facts, the proof corpus (with its earlier migrations and facts) and every
 * rule's examples.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { lintSql, type LintOptions } from '../../../src/core/lint/analyze';
import { loadParsers, type Parsers } from '../../../src/core/lint/parsers';
import { RULES } from '../../../src/core/lint/rules/index';
import type { RuleModule, RuleTrigger } from '../../../src/core/lint/rules/types';
import type { Dialect } from '../../../src/core/types';
import { loadCorpus } from './corpus';
import { PROOF_CASES, proofVerdict } from './proofCorpus';

let parsers: Parsers;
before(async () => {
  parsers = await loadParsers();
});

const VERSIONS: Readonly<Record<Dialect, readonly string[]>> = {
  postgres: ['9.6', '11', '12', '14.2', '15', '18'],
  mysql: ['5.7', '8.0.36', '8.4'],
  mariadb: ['10.3', '10.11', '11.4'],
};

/** Every lint result the tests' migrations give, as JSON. */
function everyResult(): string {
  const out: unknown[] = [];
  const lint = (text: string, options: LintOptions) => out.push(lintSql(text, options, parsers));
  for (const f of loadCorpus()) {
    for (const dialect of ['postgres', 'mysql', 'mariadb'] as const)
      for (const version of VERSIONS[dialect]) lint(f.text, { target: { dialect, version } });
    lint(f.text, {
      target: f.target,
      wrapsInTransaction: true,
      facts: (t) => ({ table: { schema: '', name: t.name }, rows: t.name.length % 2 ? 50 : 5_000_000, bytes: 1e9 }),
    });
  }
  for (const c of PROOF_CASES) out.push(proofVerdict(c, parsers).result);
  for (const r of RULES as readonly RuleModule[])
    for (const x of [...r.examples.bad, ...r.examples.good]) {
      const target = { dialect: x.dialect ?? 'postgres', version: x.version ?? '15' };
      lint(x.sql, { target });
      lint(x.sql, { target, wrapsInTransaction: true });
    }
  return JSON.stringify(out);
}

/** Runs `fn` with every rule's `on` removed (the driver then asks every rule about every statement). */
function ungated<T>(fn: () => T): T {
  const saved = new Map<RuleModule, RuleTrigger | undefined>((RULES as readonly RuleModule[]).map((r) => [r, r.on]));
  for (const r of RULES) delete (r as { on?: RuleTrigger }).on;
  try {
    return fn();
  } finally {
    for (const [r, on] of saved) if (on) (r as { on?: RuleTrigger }).on = on;
  }
}

describe('rule gate (RuleModule.on)', () => {
  it('gives the same findings and statements as asking every rule about every statement', () => {
    assert.ok((RULES as readonly RuleModule[]).filter((r) => r.on).length >= 30, 'most rules are gated');
    const gated = everyResult();
    assert.equal(gated, ungated(everyResult));
  });

  it('asks a rule only about the statements its `on` names', () => {
    const asked = new Map<string, string[]>();
    const saved = (RULES as readonly RuleModule[]).map((r) => [r, r.check] as const);
    for (const r of RULES as readonly RuleModule[])
      if (r.check) {
        const check = r.check;
        (r as { check?: RuleModule['check'] }).check = (s) => {
          asked.set(s.parsed.kind, [...(asked.get(s.parsed.kind) ?? []), r.id]);
          return check(s);
        };
      }
    try {
      lintSql(
        "SET lock_timeout = '2s';\nREINDEX TABLE t;\nALTER TABLE t ADD COLUMN c int;",
        { target: { dialect: 'postgres', version: '15' } },
        parsers,
      );
    } finally {
      for (const [r, check] of saved) (r as { check?: RuleModule['check'] }).check = check;
    }
    const always = (RULES as readonly RuleModule[]).filter((r) => r.check && !r.on).map((r) => r.id);
    assert.deepEqual(asked.get('set'), always);
    assert.ok(asked.get('other')!.includes('reindex-not-concurrent'));
    assert.ok(!asked.get('other')!.includes('add-column-rewrite'));
    assert.ok(asked.get('alter-table')!.includes('add-column-rewrite'));
    assert.ok(!asked.get('alter-table')!.includes('reindex-not-concurrent'));
  });
});
