import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareVersions, inferScheme, nextVersions, orderProblem } from '../../../src/core/migrations/version';

const NOW = new Date(Date.UTC(2026, 8, 1, 12, 0, 0));

describe('version schemes', () => {
  it('infers timestamp formats and sequential widths from existing versions', () => {
    assert.deepEqual(inferScheme(['20250101000000', '20260101093000']), { kind: 'timestamp', width: 14, format: 'datetime' });
    assert.deepEqual(inferScheme(['1767225600000']), { kind: 'timestamp', width: 13, format: 'unix-ms' });
    assert.deepEqual(inferScheme(['20260101093000123']), { kind: 'timestamp', width: 17, format: 'datetime-ms' });
    assert.deepEqual(inferScheme(['1767225600']), { kind: 'timestamp', width: 10, format: 'unix-s' });
    assert.deepEqual(inferScheme(['0001', '0002']), { kind: 'sequential', width: 4 });
    assert.deepEqual(inferScheme(['1', '2', '10']), { kind: 'sequential', width: 1 });
    assert.equal(inferScheme([]), undefined);
  });
  it('the newest version decides when a folder moved from sequential to timestamps', () => {
    assert.deepEqual(inferScheme(['00001', '00002', '20260101000000']), { kind: 'timestamp', width: 14, format: 'datetime' });
  });
  it('next sequential versions continue the width', () => {
    assert.deepEqual(nextVersions({ kind: 'sequential', width: 4 }, ['0001', '0007'], NOW, 3), ['0008', '0009', '0010']);
    assert.deepEqual(nextVersions({ kind: 'sequential', width: 6 }, [], NOW, 1), ['000001']);
  });
  it('next timestamps start now, one second apart', () => {
    assert.deepEqual(nextVersions({ kind: 'timestamp', width: 14, format: 'datetime' }, ['20260101000000'], NOW, 2), [
      '20260901120000',
      '20260901120001',
    ]);
    assert.deepEqual(nextVersions({ kind: 'timestamp', width: 13, format: 'unix-ms' }, [], NOW, 2), ['1788264000000', '1788264000001']);
    assert.deepEqual(nextVersions({ kind: 'timestamp', width: 10, format: 'unix-s' }, [], NOW, 1), ['1788264000']);
  });
  it('a newest existing version later than now (clock skew, future-dated file) is still exceeded', () => {
    assert.deepEqual(nextVersions({ kind: 'timestamp', width: 14, format: 'datetime' }, ['20270101235959'], NOW, 2), [
      '20270102000000',
      '20270102000001',
    ]);
    assert.deepEqual(nextVersions({ kind: 'timestamp', width: 13, format: 'unix-ms' }, ['1900000000000'], NOW, 1), ['1900000000001']);
  });
  it('a newest version outside the scheme is still exceeded', () => {
    const [v] = nextVersions({ kind: 'timestamp', width: 14, format: 'datetime' }, ['99999999999999'], NOW, 1);
    assert.ok(compareVersions(v!, '99999999999999') > 0, v);
  });
  it('compares versions numerically whatever their padding', () => {
    assert.ok(compareVersions('10', '9') > 0);
    assert.equal(compareVersions('0009', '9'), 0);
  });
  it('reports a new file that sorts before an existing one as text', () => {
    const existing = [{ name: '9_a.sql', version: '9' }];
    assert.match(orderProblem('text', existing, [{ name: '10_b.sql', version: '10' }]) ?? '', /would sort before the existing 9_a\.sql/);
    assert.equal(orderProblem('numeric', existing, [{ name: '10_b.sql', version: '10' }]), undefined);
  });
});
