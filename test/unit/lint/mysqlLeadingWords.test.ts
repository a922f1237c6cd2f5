import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createdRoutineName, readMysql } from '../../../src/core/lint/mysql';
import { loadParsers } from '../../../src/core/lint/parsers';

// src/core/lint/mysql.ts tests a statement's leading words before its keyword patterns (sparing their compilation at a
// cold start). Each form below is spelled as only the patterns accept it — any case, Unicode whitespace between the
// words, DEFINER= without spaces, quoted names — and must still be read by its pattern (the words test only skips
// patterns that cannot match; a diff of the statements of every test file, the corpora and 12,000 fuzzed edits before
// and after showed no change).
const FORMS: readonly (readonly [sql: string, kind: string, label?: string, lockWait?: string])[] = [
  ['alter view v as select 1', 'other', 'ALTER VIEW'],
  ['ALTER\u00a0VIEW v AS SELECT 1', 'other', 'ALTER VIEW'],
  ['ALTER\u2028DEFINER=`a`@`b`\u3000VIEW v AS SELECT 1', 'other', 'ALTER VIEW'],
  ['Alter Sql Security Invoker View v As Select 1', 'other', 'ALTER VIEW'],
  ['alter algorithm=merge view v as select 1', 'other', 'ALTER VIEW'],
  ['alter\tsequence s restart', 'other', 'ALTER SEQUENCE'],
  ['drop sequence if exists s', 'other', 'DROP SEQUENCE'],
  ['ALTER SCHEMA d DEFAULT CHARACTER SET utf8mb4', 'other', 'ALTER DATABASE'],
  // DATABASE_HEAD has no word boundary after SCHEMA: kept as it was.
  ['ALTER SCHEMAx', 'other', 'ALTER DATABASE'],
  ["alter database comment = 'x'", 'other', 'ALTER DATABASE'],
  ['alter definer = `a`@`b` event e disable', 'other', 'ALTER EVENT'],
  ["Alter Function f COMMENT 'x'", 'other', 'ALTER FUNCTION'],
  ['drop procedure p', 'other', 'DROP PROCEDURE'],
  ['drop\nview if exists v', 'other', 'DROP VIEW'],
  ['CREATE DEFINER=`a`@`b` FUNCTION f() RETURNS int RETURN 1', 'other', 'CREATE FUNCTION'],
  ['create\u00a0procedure p() begin end', 'other', 'CREATE PROCEDURE'],
  ['create or replace view v as select 1', 'other', 'CREATE OR REPLACE VIEW'],
  ['create sequence s', 'other', 'CREATE SEQUENCE'],
  ['create temporary sequence s', 'other', 'CREATE TEMPORARY SEQUENCE'],
  ['drop temporary table t', 'other', 'DROP TEMPORARY TABLE'],
  ['drop tables a, b', 'other', 'DROP TABLE'],
  ['truncate `t`', 'other', 'TRUNCATE'],
  ['Truncate Table x.y', 'other', 'TRUNCATE'],
  ['optimize local table `t`', 'alter-table'],
  ['lock tables t write', 'other', 'LOCK TABLES'],
  ['unlock\u00a0tables', 'other', 'UNLOCK TABLES'],
  ['rename tables a to b', 'other', 'RENAME TABLE'],
  ['alter table t wait 5 add column c int', 'alter-table', undefined, '5'],
  ['create index i on t (a) wait 2', 'create-index', undefined, '2'],
  ['drop index i on t nowait', 'other', 'DROP', 'NOWAIT'],
];

test('MySQL/MariaDB keyword forms are read whatever their case and whitespace (the leading-words test before the patterns)', async () => {
  const { mariadb, mysql } = await loadParsers(['mariadb']);
  for (const parse of [mysql, mariadb])
    for (const [sql, kind, label, lockWait] of FORMS) {
      const r = readMysql(sql, parse);
      assert.equal(r.kind, kind, sql);
      assert.equal(r.label, label, sql);
      assert.deepEqual(r.setting, lockWait === undefined ? undefined : { name: 'lock_wait_timeout', value: lockWait, local: true }, sql);
    }
  const defaults = (sql: string) => readMysql(sql, mysql).actions.map((a) => a.kind);
  assert.deepEqual(defaults('alter table t alter column c set default 1'), ['set-default']);
  assert.deepEqual(defaults('ALTER\u00a0TABLE t ALTER c DROP DEFAULT, ALGORITHM=INSTANT'), ['drop-default']);
  assert.equal(createdRoutineName('CREATE DEFINER=`a`@`b` FUNCTION f() RETURNS int RETURN 1'), 'f');
  assert.equal(createdRoutineName('create or replace\u00a0procedure p() begin end'), 'p');
  assert.equal(createdRoutineName('ALTER FUNCTION f'), undefined);
});
