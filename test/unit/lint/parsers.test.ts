import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadParsers } from '../../../src/core/lint/parsers';

test('loadParsers loads only the engines asked for; the other parser says it was not loaded', async () => {
  const my = await loadParsers(['mysql']);
  assert.ok(my.mysql('ALTER TABLE t ADD COLUMN c int'));
  assert.throws(() => my.postgres('SELECT 1'), /PostgreSQL parser was not loaded/);
  const pg = await loadParsers(['postgres']);
  assert.ok(pg.postgres('SELECT 1'));
  assert.throws(() => pg.mysql('SELECT 1'), /MySQL parser was not loaded/);
});
