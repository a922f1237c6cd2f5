import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { lintSql } from '../../../src/core/lint/analyze';
import { loadParsers, type Parsers } from '../../../src/core/lint/parsers';
import { addColumnOf } from '../../../src/core/lint/preview';
import type { Dialect } from '../../../src/core/types';
import { draftToSpec, specToDraft } from '../../../src/core/draft';

let parsers: Parsers;
before(async () => {
  parsers = await loadParsers();
});

const cases: [Dialect, string][] = [
  ['postgres', "ALTER TABLE t ADD COLUMN a varchar(20) NOT NULL DEFAULT 'x'"],
  ['postgres', 'ALTER TABLE t ADD COLUMN b numeric(10,2) DEFAULT 1.5'],
  ['postgres', 'ALTER TABLE t ADD COLUMN c timestamptz NOT NULL DEFAULT now()'],
  ['postgres', 'ALTER TABLE t ADD COLUMN d text[]'],
  ['postgres', 'ALTER TABLE t ADD COLUMN e bigint REFERENCES orgs (id)'],
  ['postgres', 'ALTER TABLE t ADD COLUMN f int CHECK (f > 0) UNIQUE'],
  ['postgres', "ALTER TABLE t ADD COLUMN g text DEFAULT 'x'::text"],
  ['mysql', 'ALTER TABLE t ADD COLUMN h int unsigned NOT NULL DEFAULT 0 AFTER id'],
  ['mariadb', 'ALTER TABLE t ADD COLUMN i char(36) DEFAULT (UUID()) FIRST'],
];

describe('specToDraft: a hand-written ADD COLUMN opens the wizard with the same column', () => {
  for (const [dialect, sql] of cases) {
    it(`${dialect}: ${sql}`, () => {
      const r = lintSql(
        `${sql};`,
        { target: { dialect, version: dialect === 'postgres' ? '15' : dialect === 'mysql' ? '8.0.36' : '10.11' } },
        parsers,
      );
      const spec = addColumnOf(r.statements[0]!, '')!.spec;
      const back = draftToSpec(specToDraft(spec), dialect);
      assert.deepEqual(
        back.findings.filter((f) => f.severity === 'error'),
        [],
      );
      const got = back.spec!;
      assert.equal(got.name, spec.name);
      assert.deepEqual({ ...got.type }, { ...spec.type });
      assert.equal(got.nullable, spec.nullable);
      // The same default SQL; a cast literal (`'x'::text`) travels as an expression.
      const sqlOf = (d: typeof spec.default) => (d.kind === 'none' ? null : d.kind === 'literal' ? d.value : d.sql);
      assert.equal(sqlOf(got.default), sqlOf(spec.default));
      if (!/::/.test(sqlOf(spec.default) ?? '')) assert.equal(got.default.kind, spec.default.kind);
      assert.equal(Boolean(got.unique), Boolean(spec.unique));
      assert.deepEqual(got.references ?? null, spec.references ?? null);
      assert.equal(got.check ?? '', spec.check ?? '');
      assert.deepEqual(got.position ?? { kind: 'last' }, spec.position ?? { kind: 'last' });
    });
  }
});
