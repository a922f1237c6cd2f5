import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadParsers } from '../../../src/core/lint/parsers';

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
