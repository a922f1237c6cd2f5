/** drop-default: what dropping a default does to INSERTs that leave the column out, from the table's definition when known. */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { lintSql } from '../../../src/core/lint/analyze';
import { loadParsers, type Parsers } from '../../../src/core/lint/parsers';
import type { TableFacts } from '../../../src/core/types';

let parsers: Parsers;
before(async () => {
  parsers = await loadParsers(['postgres', 'mysql']);
});
const facts: TableFacts = {
  table: { schema: 'public', name: 'orders' },
  rows: 10,
  bytes: 0,
  columns: [
    { name: 'status', type: 'text', nullable: false, default: "'new'::text" },
    { name: 'note', type: 'text', nullable: true, default: "'-'::text" },
    { name: 'plain', type: 'text', nullable: true, default: null },
  ],
};
const run = (sql: string, withFacts: boolean, dialect: 'postgres' | 'mysql' = 'postgres') =>
  lintSql(
    `${dialect === 'postgres' ? "SET lock_timeout = '2s';" : 'SET SESSION lock_wait_timeout = 2;'}\n${sql}`,
    { target: { dialect, version: dialect === 'postgres' ? '15' : '8.0.36' }, ...(withFacts ? { facts: () => facts } : {}) },
    parsers,
  ).findings.filter((f) => f.rule === 'drop-default');

describe('drop-default', () => {
  it('says NOT NULL inserts fail, nullable ones store NULL instead of the default, and skips a column with no default', () => {
    assert.match(
      run('ALTER TABLE orders ALTER COLUMN status DROP DEFAULT;', true)[0]!.message,
      /NOT NULL, so INSERTs that leave it out fail/,
    );
    assert.match(
      run('ALTER TABLE orders ALTER COLUMN note DROP DEFAULT;', true)[0]!.message,
      /store NULL from then on instead of '-'::text/,
    );
    assert.deepEqual(run('ALTER TABLE orders ALTER COLUMN plain DROP DEFAULT;', true), []);
    const unknown = run('ALTER TABLE orders ALTER COLUMN status DROP DEFAULT;', false);
    assert.equal(unknown[0]!.severity, 'info');
    assert.match(unknown[0]!.message, /or fail if it is NOT NULL/);
    assert.match(unknown[0]!.fix ?? '', /deploy code that writes the column on every INSERT/);
  });

  it('MySQL/MariaDB ALTER COLUMN … DROP DEFAULT too; a table created in the same file is not reported', () => {
    assert.equal(run('ALTER TABLE orders ALTER COLUMN status DROP DEFAULT;', false, 'mysql').length, 1);
    assert.deepEqual(
      run("CREATE TABLE orders2 (status text DEFAULT 'x');\nALTER TABLE orders2 ALTER COLUMN status DROP DEFAULT;", false),
      [],
    );
  });
});
