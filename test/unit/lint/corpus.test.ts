import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { lintSql } from '../../../src/core/lint/analyze';
import { loadParsers, type Parsers } from '../../../src/core/lint/parsers';
import { loadCorpus } from './corpus';

const corpus = loadCorpus();
let parsers: Parsers;
before(async () => {
  parsers = await loadParsers();
});

describe('lint corpus', () => {
  it('has at least 60 statements with expectations, across PostgreSQL, MySQL and MariaDB', () => {
    const expected = corpus.flatMap((f) => f.statements.filter((s) => s.expected !== undefined).map(() => f.target.dialect));
    assert.ok(expected.length >= 60, `only ${expected.length} statements carry an expectation`);
    for (const d of ['postgres', 'mysql', 'mariadb']) assert.ok(expected.filter((x) => x === d).length >= 8, `too few ${d} statements`);
  });

  for (const file of corpus) {
    it(`${file.name} (${file.target.dialect} ${file.target.version}): every statement gets exactly its expected rules`, () => {
      const result = lintSql(file.text, { target: file.target }, parsers);
      assert.equal(result.statements.length, file.statements.length);
      const mismatches: string[] = [];
      for (const s of file.statements) {
        if (s.expected === undefined) continue;
        const got = [...new Set(result.findings.filter((f) => f.statement === s.index).map((f) => f.rule))].sort();
        if (got.join(' ') !== s.expected.join(' ')) {
          mismatches.push(
            `line ${s.line}: ${s.text}\n    expected [${s.expected.join(' ')}] got [${got.join(' ')}]\n    ${result.findings
              .filter((f) => f.statement === s.index)
              .map((f) => f.message)
              .join('\n    ')}`,
          );
        }
      }
      assert.equal(mismatches.length, 0, mismatches.join('\n'));
    });
  }
});
