import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadParsers } from '../../../src/core/lint/parsers';
import { readSimplePostgres } from '../../../src/core/lint/pgFast';
import { splitStatements } from '../../../src/core/lint/text';
import { loadCorpus } from './corpus';

test('loadParsers loads only the dialects asked for; the other parsers say they were not loaded', async () => {
  const my = await loadParsers(['mysql']);
  assert.ok(my.mysql('ALTER TABLE t ADD COLUMN c int'));
  assert.throws(() => my.postgres('SELECT 1'), /PostgreSQL parser was not loaded/);
  assert.throws(() => my.mariadb('SELECT 1'), /MariaDB parser was not loaded/);
  const grammar = (name: string) => Object.keys(require.cache).some((f) => f.endsWith(`node-sql-parser/build/${name}.js`));
  assert.ok(grammar('mysql') && !grammar('mariadb'), "MySQL files do not load MariaDB's grammar (the CLI's cold start)");
  const maria = await loadParsers(['mariadb']);
  assert.ok(maria.mariadb('ALTER TABLE t ADD COLUMN IF NOT EXISTS c uuid'));
  assert.ok(maria.mysql('ALTER TABLE t ADD COLUMN c int'), "MariaDB's fallback, MySQL's grammar, comes with it");
  assert.throws(() => maria.postgres('SELECT 1'), /PostgreSQL parser was not loaded/);
  const pg = await loadParsers(['postgres']);
  assert.ok(pg.postgres('SELECT 1'));
  assert.throws(() => pg.mysql('SELECT 1'), /MySQL parser was not loaded/);
  assert.throws(() => pg.mariadb('SELECT 1'), /MariaDB parser was not loaded/);
});

test('the PostgreSQL parser reads the simplest statements with ./pgFast.ts and gives the tree libpg-query gives for every corpus statement', async () => {
  const { postgres } = await loadParsers(['postgres']);
  const libpg = await import('libpg-query');
  await libpg.loadModule();
  const outcome = (parse: (sql: string) => unknown, sql: string) => {
    try {
      return { tree: parse(sql) };
    } catch (e) {
      return { error: (e as Error).message };
    }
  };
  let simple = 0;
  for (const f of loadCorpus())
    for (const st of splitStatements(f.text, 'postgres').statements) {
      if (readSimplePostgres(st.text) !== undefined) simple++;
      assert.deepEqual(outcome(postgres, st.text), outcome(libpg.parseSync, st.text), st.text);
    }
  assert.ok(simple >= 40, `${simple} corpus statements of the simplest forms`);
});
