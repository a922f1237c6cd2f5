import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeError, formatBytes, formatCount, formatRows, formatSeconds } from '../../src/core/format';

describe('one duration, size and error format for plan text, CodeLens, lint, wizard and CLI', () => {
  it('durations', () => {
    assert.deepEqual(
      [0, 0.04, 0.25, 4.16, 43.4, 70, 100, 3600, 7200].map((s) => formatSeconds(s)),
      ['0 s', '<0.1 s', '0.3 s', '4.2 s', '43 s', '70 s', '1.7 min', '60 min', '2 h'],
    );
  });
  it('sizes, in powers of 1024, signed', () => {
    assert.deepEqual(
      [0, 512, 1536, 512 * 1024 ** 2, -3.25 * 1024 ** 3].map((b) => formatBytes(b)),
      ['0 B', '512 B', '1.5 KB', '512 MB', '-3.3 GB'],
    );
    assert.equal(formatRows(2_400_000), '2,400,000 rows');
    assert.equal(formatRows(1), '1 row');
  });
  it("in the user's locale when one is given: German decimal commas and grouping dots, SI units unchanged", () => {
    assert.deepEqual(
      [0.04, 4.16, 43.4, 100, 7200].map((s) => formatSeconds(s, 'de')),
      ['<0,1 s', '4,2 s', '43 s', '1,7 min', '2 h'],
    );
    assert.deepEqual(
      [1536, -3.25 * 1024 ** 3].map((b) => formatBytes(b, 'de')),
      ['1,5 KB', '-3,3 GB'],
    );
    assert.equal(formatCount(2_400_000, 'de'), '2.400.000');
    assert.equal(formatCount(2_400_000), '2,400,000');
    assert.equal(formatSeconds(4.16, 'en-us'), '4.2 s');
    assert.equal(formatSeconds(4.16, 'not a locale!'), '4.2 s');
  });
  it('errors: the message plus the SQLSTATE or error number, from the error or its cause', () => {
    assert.equal(describeError(new Error('plain')), 'plain');
    assert.equal(describeError('text'), 'text');
    assert.equal(describeError(Object.assign(new Error('lock'), { code: '55P03' })), 'lock (SQLSTATE 55P03)');
    assert.equal(describeError(new Error('wrapped', { cause: { errno: 1205, code: 'ER_LOCK_WAIT_TIMEOUT' } })), 'wrapped (error 1205)');
    assert.equal(describeError(Object.assign(new Error('pipe'), { code: 'EPIPE' })), 'pipe');
  });
});
