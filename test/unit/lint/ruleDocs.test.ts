import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { before, describe, it } from 'node:test';
import { lintSql, type LintOptions } from '../../../src/core/lint/analyze';
import { loadParsers, type Parsers } from '../../../src/core/lint/parsers';
import { FINGERPRINT, renderSarif } from '../../../src/core/lint/report';
import { RULES } from '../../../src/core/lint/rules/index';
import { generatedRulePage, handWrittenPart, RULE_DOCS_URL, ruleDocPath, ruleDocUrl } from '../../../src/core/lint/ruleDocs';

let parsers: Parsers;
before(async () => {
  parsers = await loadParsers();
});
const pg15: LintOptions = { target: { dialect: 'postgres', version: '15' } };

describe('rule documentation pages', () => {
  it('every rule has docs/rules/<id>.md whose generated part matches its module (run scripts/ruleDocs.ts)', () => {
    for (const rule of RULES) {
      const path = ruleDocPath(rule.id);
      assert.ok(existsSync(path), `${rule.id}: ${path} is missing (npx tsx scripts/ruleDocs.ts writes it)`);
      const page = readFileSync(path, 'utf8');
      assert.ok(page.startsWith(generatedRulePage(rule)), `${path}: the generated part is stale (npx tsx scripts/ruleDocs.ts)`);
      const rest = handWrittenPart(page) ?? '';
      const versions = /^## Versions\n\n(.+)/m.exec(rest);
      assert.ok(versions && versions[1]!.trim().length > 10, `${path}: no Versions section`);
      assert.doesNotMatch(rest, /TODO/, `${path}: the Versions section is still to be written`);
    }
  });

  it('has no page for a rule that does not exist', () => {
    const ids = new Set<string>(RULES.map((r) => r.id));
    for (const f of readdirSync('docs/rules')) assert.ok(ids.has(f.replace(/\.md$/, '')), `docs/rules/${f} names no rule`);
  });

  it('publishes the pages under the repository package.json names', () => {
    const manifest = JSON.parse(readFileSync('package.json', 'utf8'));
    assert.ok(RULE_DOCS_URL.startsWith(manifest.repository.url.replace(/\.git$/, '/blob/')), RULE_DOCS_URL);
    assert.equal(ruleDocUrl('drop-table'), `${RULE_DOCS_URL}drop-table.md`);
  });
});

describe('SARIF help links and fingerprints', () => {
  const sarif = (sql: string, path = 'db/migrations/001_add.sql') =>
    renderSarif([{ path, result: lintSql(sql, pg15, parsers) }], '0.1.0').runs[0]!;
  const prints = (sql: string, path?: string) => sarif(sql, path).results!.map((r) => `${r.ruleId} ${r.partialFingerprints![FINGERPRINT]}`);
  const MIGRATION = 'ALTER TABLE orders ADD COLUMN c uuid DEFAULT gen_random_uuid();\nCREATE INDEX i ON orders (c);\n';

  it('gives every rule a helpUri to its page', () => {
    for (const r of sarif(MIGRATION).tool.driver.rules!) assert.equal(r.helpUri, ruleDocUrl(r.id));
  });

  it("keeps each finding's fingerprint when its lines move, and changes it when the statement changes", () => {
    const before = prints(MIGRATION);
    assert.ok(before.length >= 3, before.join('\n'));
    assert.equal(new Set(before).size, before.length, 'one fingerprint per finding');
    const moved = prints(`-- a comment\n\nCREATE TABLE audit (id int);\n\n\n${MIGRATION.replace('\n', '\n\n-- between\n')}`);
    for (const f of before) assert.ok(moved.includes(f), `${f} changed when the lines moved:\n${moved.join('\n')}`);
    const regions = (sql: string) => sarif(sql).results!.map((r) => r.locations![0]!.physicalLocation!.region!.startLine);
    assert.notDeepEqual(regions(MIGRATION), regions(`\n\n${MIGRATION}`), 'the lines did move');
    const edited = prints(MIGRATION.replace('CREATE INDEX i', 'CREATE INDEX j'));
    const indexPrint = (list: string[]) => list.filter((p) => p.startsWith('index-not-concurrent '));
    assert.equal(indexPrint(edited).length, 1);
    assert.notDeepEqual(indexPrint(edited), indexPrint(before), 'an edited statement gets a new fingerprint');
    assert.notDeepEqual(prints(MIGRATION, 'db/migrations/002_other.sql'), before, 'another file, other fingerprints');
  });

  it('tells the same statement twice in one file apart', () => {
    const twice = prints('CREATE INDEX i ON orders (c);\nCREATE INDEX i ON orders (c);\n').filter((p) =>
      p.startsWith('index-not-concurrent '),
    );
    assert.equal(twice.length, 2);
    assert.notEqual(twice[0], twice[1]);
  });
});
