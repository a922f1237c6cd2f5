import assert from 'node:assert/strict';
import { isIP } from 'node:net';
import { describe, it } from 'node:test';
import { ipVersion, isLoopbackAddress, isSocketHost } from '../../src/core/hosts';
import { checkLocalHost, isLocalHost } from '../../src/db/hosts';
import { assertRunAllowed } from '../../src/db/run/guard';

describe('address classification (core/hosts)', () => {
  it('loopback: 127.0.0.0/8, ::1 in every spelling, IPv4-mapped 127.x', () => {
    for (const a of ['127.0.0.1', '127.255.1.2', '::1', '0:0:0:0:0:0:0:1', '[::1]', '::ffff:127.0.0.1', '::ffff:7f00:1', '0::1'])
      assert.equal(isLoopbackAddress(a), true, a);
  });
  it('not loopback: other addresses, names (unresolved), shortened or octal IPv4 forms', () => {
    for (const a of [
      '10.0.0.1',
      '128.0.0.1',
      '::',
      '::2',
      '::ffff:10.0.0.1',
      'fe80::1',
      '2001:db8::1',
      'localhost',
      'db.localhost',
      '127.1',
      '0177.0.0.1',
      '127.0.0.1.nip.io',
      '',
    ])
      assert.equal(isLoopbackAddress(a), false, a);
  });
  it('ipVersion agrees with node:net isIP on a table of literals', () => {
    for (const a of [
      '127.0.0.1',
      '256.1.1.1',
      '1.2.3',
      '::1',
      '1::',
      '::',
      '1:2:3:4:5:6:7:8',
      '1:2:3:4:5:6:7:8:9',
      '1::2::3',
      '::1.2.3.4',
      '1:2:3:4:5:6:1.2.3.4',
      '::ffff:127.0.0.1x',
      'fe80::1',
      'g::1',
      'localhost',
    ]) {
      assert.equal(ipVersion(a), isIP(a), a);
    }
  });
  it('sockets: an absolute path or no host', () => {
    assert.equal(isSocketHost('/var/run/postgresql'), true);
    assert.equal(isSocketHost(''), true);
    assert.equal(isSocketHost('db'), false);
  });
});

describe('the one local-host rule (db/hosts), by resolved address', () => {
  it('localhost resolves to loopback only, so it is local', async () => {
    const v = await checkLocalHost('localhost');
    assert.equal(v.local, true);
    assert.ok(v.addresses.length > 0 && v.addresses.every(isLoopbackAddress), v.addresses.join());
  });
  it('literals are classified without a lookup; sockets are local', async () => {
    assert.equal(await isLocalHost('127.3.4.5'), true);
    assert.equal(await isLocalHost('[::1]'), true);
    assert.equal(await isLocalHost('/var/run/postgresql'), true);
    assert.equal(await isLocalHost('10.0.0.5'), false);
  });
  it('a name that does not resolve is not local, whatever it looks like (*.localhost is not trusted by name)', async () => {
    const v = await checkLocalHost('nothing-here.invalid');
    assert.equal(v.local, false);
    assert.match(v.reason ?? '', /does not resolve/);
  });
  it('the runner guard uses the same rule and says why it refuses', async () => {
    await assertRunAllowed({ host: 'localhost' }, false);
    await assert.rejects(assertRunAllowed({ host: '192.0.2.7' }, false), /not a local host \(192\.0\.2\.7 is not a loopback address\)/);
    await assertRunAllowed({ host: '192.0.2.7' }, true);
  });
});
