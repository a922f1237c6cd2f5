import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseVersion, versionAtLeast } from '../../src/core/version';

describe('versions', () => {
  it('parses server banners', () => {
    assert.deepEqual(parseVersion('15.20 (Debian 15.20-0+deb12u1)'), [15, 20, 0]);
    assert.deepEqual(parseVersion('10.11.19-MariaDB-0+deb12u1'), [10, 11, 19]);
    assert.deepEqual(parseVersion('18'), [18, 0, 0]);
  });
  it('compares on both sides of a threshold', () => {
    assert.equal(versionAtLeast('8.0.28', '8.0.29'), false);
    assert.equal(versionAtLeast('8.0.29', '8.0.29'), true);
    assert.equal(versionAtLeast('10.3.1', '10.3.2'), false);
    assert.equal(versionAtLeast('11.0', '11'), true);
    assert.equal(versionAtLeast('10.22', '11'), false);
  });
});
