/** modify-resets-column: a MySQL/MariaDB MODIFY/CHANGE that leaves out the column's DEFAULT, NOT NULL or AUTO_INCREMENT. */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { lintSql } from '../../../src/core/lint/analyze';
import { loadParsers, type Parsers } from '../../../src/core/lint/parsers';
import { replayMigrations } from '../../../src/core/lint/replay';

let parsers: Parsers;
before(async () => {
  parsers = await loadParsers(['mysql', 'mariadb']);
});
const target = { dialect: 'mariadb', version: '10.11' } as const;
const CREATE =
  "CREATE TABLE orders (id bigint NOT NULL AUTO_INCREMENT, status varchar(20) NOT NULL DEFAULT 'new', note text, PRIMARY KEY (id)) DEFAULT CHARSET=utf8mb4;";
const found = (sql: string, earlier: string[] = [CREATE]) => {
  const tables = replayMigrations(earlier, target, parsers);
  return lintSql(`SET SESSION lock_wait_timeout = 2;\n${sql}`, { target, facts: (t) => tables.get(t.name.toLowerCase()) }, parsers)
    .findings.filter((f) => f.rule === 'modify-resets-column')
    .map((f) => f.message);
};

describe('modify-resets-column', () => {
  it('names each attribute the new definition leaves out', () => {
    const [m] = found('ALTER TABLE orders MODIFY status varchar(40);');
    assert.match(m!, /leaves out its DEFAULT 'new' .*; NOT NULL \(the column becomes nullable\)/);
    assert.match(found('ALTER TABLE orders MODIFY id bigint NOT NULL;')[0]!, /AUTO_INCREMENT/);
    // The primary key column stays NOT NULL without saying so.
    assert.doesNotMatch(found('ALTER TABLE orders MODIFY id bigint AUTO_INCREMENT;').join(), /NOT NULL/);
    assert.match(found('ALTER TABLE orders CHANGE status state varchar(20) NOT NULL;')[0]!, /DEFAULT 'new'/);
  });

  it('a full restatement, a column with nothing to lose, or an unknown definition: nothing', () => {
    assert.deepEqual(found("ALTER TABLE orders MODIFY status varchar(40) NOT NULL DEFAULT 'new';"), []);
    assert.deepEqual(found('ALTER TABLE orders MODIFY note mediumtext;'), []);
    assert.deepEqual(found('ALTER TABLE orders MODIFY status varchar(40);', []), []);
    // Once a migration dropped the default, a later MODIFY has none to lose.
    assert.deepEqual(
      found('ALTER TABLE orders MODIFY status varchar(40) NOT NULL;', [CREATE, 'ALTER TABLE orders MODIFY status varchar(20) NOT NULL;']),
      [],
    );
  });
});
