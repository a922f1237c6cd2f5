import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type * as Sarif from 'sarif';
import { fileTransactionMode, lintSql, type LintOptions } from '../../../src/core/lint/analyze';
import { loadParsers, type Parsers } from '../../../src/core/lint/parsers';
import { hasErrors, renderJson, renderSarif, renderText } from '../../../src/core/lint/report';
import { LINT_RULES } from '../../../src/core/lint/ruleIds';
import { splitStatements } from '../../../src/core/lint/text';
import type { TableFacts } from '../../../src/core/types';

let parsers: Parsers;
before(async () => {
  parsers = await loadParsers();
});

const pg15: LintOptions = { target: { dialect: 'postgres', version: '15' } };
const rules = (sql: string, options: LintOptions = pg15) => lintSql(sql, options, parsers).findings.map((f) => `${f.rule}:${f.severity}`);

function factsWithRows(rows: number): LintOptions['facts'] {
  return (t) => ({ table: { schema: t.schema ?? 'public', name: t.name }, rows, bytes: rows * 100 }) satisfies TableFacts;
}

describe('lintSql context', () => {
  it('is stats-aware: an index on a 100-row table is a note, on 50 million rows an error', () => {
    const sql = "SET lock_timeout = '2s'; CREATE INDEX i ON users (email);";
    assert.deepEqual(rules(sql, { ...pg15, facts: factsWithRows(100) }), ['index-not-concurrent:info']);
    const big = lintSql(sql, { ...pg15, facts: factsWithRows(50_000_000) }, parsers).findings;
    assert.deepEqual(
      big.map((f) => `${f.rule}:${f.severity}`),
      ['index-not-concurrent:error'],
    );
    assert.match(big[0]!.message, /50,000,000 rows/);
    // 5 GB at the default 200 MiB/s scan plus 50M × 16-byte keys at 40 MiB/s ≈ 24 + 19 s.
    assert.match(big[0]!.message, /Estimated: writes blocked for about 48 s\./);
    assert.deepEqual(rules(sql), ['index-not-concurrent:error']);
  });

  it('knows whether the tool wraps the file: option first, then the file annotations', () => {
    const cic = "SET lock_timeout = '2s'; CREATE INDEX CONCURRENTLY i ON t (c);";
    assert.deepEqual(rules(cic), []);
    assert.deepEqual(rules(cic, { ...pg15, wrapsInTransaction: true }), ['concurrent-index-in-transaction:error']);
    assert.deepEqual(rules(`-- +goose Up\n${cic}`), ['concurrent-index-in-transaction:error']);
    assert.deepEqual(rules(`-- +goose NO TRANSACTION\n-- +goose Up\n${cic}`), []);
    assert.deepEqual(rules(`-- atlas:txmode none\n${cic}`, { ...pg15, wrapsInTransaction: undefined }), []);
    // COMMIT inside a wrapped file ends the tool's transaction (the drizzle workaround).
    assert.deepEqual(rules(`-- migrate:up\nCOMMIT;\n${cic}\nBEGIN;`), []);
  });

  it('reads file annotations', () => {
    const mode = (t: string) => fileTransactionMode(splitStatements(`${t}\nSELECT 1;`, 'postgres').comments);
    assert.equal(mode('-- migrate:up'), true);
    assert.equal(mode('-- migrate:up transaction:false'), false);
    assert.equal(mode('-- plain file'), undefined);
  });

  it('honours ignore comments per statement and per file, and only for the named rules', () => {
    const sql = '-- column-wizard-ignore index-not-concurrent: t is empty\nCREATE INDEX i ON t (c);\nCREATE INDEX j ON t (d);';
    assert.deepEqual(rules(sql), ['missing-lock-timeout:warning', 'index-not-concurrent:error', 'missing-lock-timeout:warning']);
    assert.deepEqual(rules(`-- column-wizard-ignore-file missing-lock-timeout: the role sets one\n${sql}`), ['index-not-concurrent:error']);
    assert.deepEqual(rules(`-- column-wizard-ignore: t is empty\nCREATE INDEX i ON t (c);`), []);
  });

  it('asks ignore comments for a reason and reports those that silence nothing or name no rule', () => {
    // The old form without a reason still silences, and says it wants one.
    assert.deepEqual(rules("SET lock_timeout = '2s';\n-- column-wizard-ignore index-not-concurrent\nCREATE INDEX i ON t (c);"), [
      'ignore-without-reason:warning',
    ]);
    assert.deepEqual(
      rules("SET lock_timeout = '2s';\n-- column-wizard-ignore index-not-concurrent: small\nCREATE INDEX CONCURRENTLY i ON t (c);"),
      ['unused-ignore:info'],
    );
    assert.deepEqual(rules("SET lock_timeout = '2s';\n-- column-wizard-ignore index-not-concurent: typo\nCREATE INDEX i ON t (c);"), [
      'index-not-concurrent:error',
      'unused-ignore:warning',
    ]);
    assert.deepEqual(rules('-- column-wizard-ignore-file missing-lock-timeout: the role sets one\nSELECT 1;'), ['unused-ignore:info']);
    // A file-wide ignore of the meta rule silences it; the finding points at the comment.
    assert.deepEqual(
      rules(
        "-- column-wizard-ignore-file unused-ignore: kept for later\nSET lock_timeout = '2s';\n-- column-wizard-ignore index-not-concurrent: small\nSELECT 1;",
      ),
      [],
    );
    const f = lintSql(
      'SELECT 1;\n-- column-wizard-ignore drop-table: x\nSELECT 2;',
      { target: { dialect: 'postgres', version: '15' } },
      parsers,
    ).findings[0]!;
    assert.deepEqual([f.rule, f.statement, f.startPos.line], ['unused-ignore', 1, 1]);
  });

  it("takes rule severities from the config: off drops the rule, a severity replaces the rule's own", () => {
    const sev = (ruleSeverities: Record<string, 'off' | 'error' | 'warning' | 'info'>) =>
      lintSql('CREATE INDEX i ON t (c);', { target: { dialect: 'postgres', version: '15' }, ruleSeverities }, parsers).findings.map(
        (f) => `${f.rule}:${f.severity}`,
      );
    assert.deepEqual(sev({}), ['index-not-concurrent:error', 'missing-lock-timeout:warning']);
    assert.deepEqual(sev({ 'missing-lock-timeout': 'off', 'index-not-concurrent': 'warning' }), ['index-not-concurrent:warning']);
  });

  it('is version-aware through the rules: a constant default rewrites on PostgreSQL 10, not on 11', () => {
    const sql = "SET lock_timeout = '2s'; ALTER TABLE t ADD COLUMN c int NOT NULL DEFAULT 0;";
    assert.deepEqual(rules(sql, { target: { dialect: 'postgres', version: '10.23' } }), ['add-column-rewrite:error']);
    assert.deepEqual(rules(sql, { target: { dialect: 'postgres', version: '11.0' } }), []);
  });

  it('gives every finding a range inside its statement, with line/character positions', () => {
    const sql = 'SELECT 1;\n\n  CREATE INDEX i\n    ON t (c);';
    const r = lintSql(sql, pg15, parsers);
    const f = r.findings.find((x) => x.rule === 'index-not-concurrent')!;
    assert.equal(sql.slice(f.start, f.end), 'CREATE INDEX i\n    ON t (c)');
    assert.deepEqual(f.startPos, { line: 2, character: 2 });
    assert.deepEqual(f.endPos, { line: 3, character: 12 });
    const s = r.statements[1]!;
    assert.equal(s.strongest?.lock, 'SHARE');
    assert.deepEqual(s.strongest?.blocks, { reads: false, writes: true });
  });
});

describe('reports', () => {
  const sample = () => [
    {
      path: 'db/migrations/001 add.sql',
      result: lintSql('ALTER TABLE t ADD COLUMN c uuid DEFAULT gen_random_uuid();\nCREATE INDEX CONCURRENTLY i ON t (c);', pg15, parsers),
    },
  ];

  it('SARIF 2.1.0 has the shape code scanning accepts', () => {
    const log: Sarif.Log = renderSarif(sample(), '0.1.0');
    assert.equal(log.version, '2.1.0');
    assert.match(log.$schema!, /sarif-2\.1\.0/);
    assert.equal(log.runs.length, 1);
    const run = log.runs[0]!;
    const driver = run.tool.driver;
    assert.equal(driver.name, 'column-wizard');
    const ids = driver.rules!.map((r) => r.id);
    assert.equal(new Set(ids).size, ids.length, 'rule ids are unique');
    assert.deepEqual(
      ids,
      LINT_RULES.map((r) => r.id),
    );
    for (const r of driver.rules!) {
      assert.ok(r.shortDescription?.text, `${r.id} has a short description`);
      assert.ok(['error', 'warning', 'note'].includes(r.defaultConfiguration!.level!));
    }
    const results = run.results!;
    assert.deepEqual(
      results.map((r) => r.ruleId),
      ['add-column-rewrite', 'missing-lock-timeout'],
    );
    for (const r of results) {
      assert.equal(driver.rules![r.ruleIndex!]!.id, r.ruleId, 'ruleIndex points at the rule');
      assert.ok(['error', 'warning', 'note', 'none'].includes(r.level!));
      assert.ok(r.message.text && r.message.text.length > 10);
      const loc = r.locations![0]!.physicalLocation!;
      assert.equal(loc.artifactLocation!.uri, 'db/migrations/001%20add.sql', 'relative URI, percent-encoded');
      const region = loc.region!;
      assert.ok(region.startLine! >= 1 && region.startColumn! >= 1, '1-based region');
      assert.ok(region.endLine! > region.startLine! || region.endColumn! > region.startColumn!);
      assert.ok(r.partialFingerprints && Object.keys(r.partialFingerprints).length > 0);
    }
    // Round-trips through JSON unchanged (no undefined, no functions).
    assert.deepEqual(JSON.parse(JSON.stringify(log)), log);
  });

  it('text and JSON list the findings; errors decide the exit code', () => {
    const files = sample();
    assert.equal(hasErrors(files), true);
    const text = renderText(files);
    assert.match(text, /^db\/migrations\/001 add\.sql:1:1: error add-column-rewrite: /m);
    assert.match(text, /1 error\(s\), 1 warning\(s\), 0 note\(s\)/);
    const json = JSON.parse(renderJson(files)) as {
      files: { findings: { rule: string; line: number }[]; statements: { lock?: string }[] }[];
    };
    assert.deepEqual(
      json.files[0]!.findings.map((f) => [f.rule, f.line]),
      [
        ['add-column-rewrite', 1],
        ['missing-lock-timeout', 1],
      ],
    );
    assert.equal(json.files[0]!.statements[1]!.lock, 'SHARE UPDATE EXCLUSIVE');
    assert.equal(
      hasErrors([
        { path: 'x.sql', result: lintSql('ALTER TABLE t ADD COLUMN c text;', { ...pg15, lockTimeoutConfigured: true }, parsers) },
      ]),
      false,
    );
  });
});
