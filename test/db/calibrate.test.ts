import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Calibration } from '../../src/core/types';
import { dbTest, throwawayDatabase } from './helpers';

function assertMeasured(c: Calibration): void {
  assert.equal(c.basis, 'measured');
  for (const k of ['scanBytesPerSecond', 'rewriteBytesPerSecond', 'indexBuildBytesPerSecond', 'backfillRowsPerSecond'] as const) {
    assert.ok(Number.isFinite(c[k]) && c[k] > 0, `${k} = ${c[k]}`);
  }
  // A scan reads; a rewrite reads and writes the heap and its indexes: the scan is the faster of the two.
  assert.ok(c.scanBytesPerSecond > c.rewriteBytesPerSecond, JSON.stringify(c));
}

describe('calibration', () => {
  const pg = throwawayDatabase('postgres');
  const my = throwawayDatabase('mysql');

  it('measures PostgreSQL throughput on a private sample and leaves nothing behind', dbTest(async (t) => {
    const { client } = pg.get(t);
    const started = performance.now();
    assertMeasured(await client.calibrate({ rows: 30_000 }));
    assert.ok(performance.now() - started < 20_000);
    assert.deepEqual(await client.query(`SELECT nspname FROM pg_namespace WHERE nspname LIKE 'cw\\_calib\\_%'`), []);
  }));

  it('measures MySQL/MariaDB throughput on a private sample and leaves nothing behind', dbTest(async (t) => {
    const { client, name } = my.get(t);
    assertMeasured(await client.calibrate({ rows: 30_000 }));
    assert.deepEqual(await client.listTables(name), []);
  }));
});
