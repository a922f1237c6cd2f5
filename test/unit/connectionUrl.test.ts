import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConnectionUrlError, parseConnectionUrl } from '../../src/db/connection';

/** What a test compares: the fields, with a function-valued TLS option shown by name. */
function shape(url: string): Record<string, unknown> {
  const o = parseConnectionUrl(url);
  const ssl =
    typeof o.ssl === 'object' ? Object.fromEntries(Object.entries(o.ssl).map(([k, v]) => [k, typeof v === 'function' ? 'fn' : v])) : o.ssl;
  return { ...o, ssl };
}

describe('connection URLs: one parser for the extension and the CLI (pg-connection-string for PostgreSQL)', () => {
  it('reads a PostgreSQL Unix-socket directory given as host= or as socket:', () => {
    assert.deepEqual(shape('postgres://app@/shop?host=/var/run/postgresql'), {
      engine: 'postgres',
      host: '/var/run/postgresql',
      port: 5432,
      database: 'shop',
      user: 'app',
      ssl: false,
    });
    assert.deepEqual(shape('postgresql://app@%2Ftmp%2Fpg:5433/shop'), {
      engine: 'postgres',
      host: '/tmp/pg',
      port: 5433,
      database: 'shop',
      user: 'app',
      ssl: false,
    });
    assert.deepEqual(shape('socket:/var/run/postgresql?db=shop&user=app'), {
      engine: 'postgres',
      host: '/var/run/postgresql',
      port: 5432,
      database: 'shop',
      user: 'app',
      ssl: false,
    });
  });

  it('keeps host, port, percent-encoded and query-string credentials, and the defaults', () => {
    assert.deepEqual(shape('postgres://app:p%40ss@db.example.com:6543/app_dev'), {
      engine: 'postgres',
      host: 'db.example.com',
      port: 6543,
      database: 'app_dev',
      user: 'app',
      password: 'p@ss',
      ssl: false,
    });
    assert.deepEqual(shape('postgresql://[::1]/shop?user=me&password=pw'), {
      engine: 'postgres',
      host: '::1',
      port: 5432,
      database: 'shop',
      user: 'me',
      password: 'pw',
      ssl: false,
    });
    assert.deepEqual(shape('postgres://db'), {
      engine: 'postgres',
      host: 'db',
      port: 5432,
      database: 'postgres',
      user: 'postgres',
      ssl: false,
    });
  });

  it('gives sslmode the meaning libpq gives it', () => {
    assert.equal(shape('postgres://h/d?sslmode=disable').ssl, false);
    assert.deepEqual(
      shape('postgres://h/d?sslmode=require').ssl,
      { rejectUnauthorized: false },
      'require: encrypted, certificate not checked',
    );
    assert.deepEqual(shape('postgres://h/d?sslmode=prefer').ssl, { rejectUnauthorized: false });
    assert.deepEqual(shape('postgres://h/d?sslmode=verify-full').ssl, {}, 'verify-full: chain and host name checked');
    assert.deepEqual(shape('postgres://h/d?sslmode=no-verify').ssl, { rejectUnauthorized: false });
    assert.equal(shape('postgres://h/d?ssl=true').ssl, true);
    assert.throws(
      () => parseConnectionUrl('postgres://h/d?sslmode=verify-ca'),
      (e: unknown) => e instanceof ConnectionUrlError && /verify-ca requires specifying a CA with sslrootcert/.test(e.message),
    );
  });

  it('reads sslrootcert from disk: verify-ca checks the chain only, require with a root certificate behaves as verify-ca', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cw-url-'));
    const ca = join(dir, 'root.crt');
    writeFileSync(ca, '-----BEGIN CERTIFICATE-----\nTEST\n-----END CERTIFICATE-----\n');
    const expected = { ca: '-----BEGIN CERTIFICATE-----\nTEST\n-----END CERTIFICATE-----\n', checkServerIdentity: 'fn' };
    assert.deepEqual(shape(`postgres://h/d?sslmode=verify-ca&sslrootcert=${encodeURIComponent(ca)}`).ssl, expected);
    assert.deepEqual(shape(`postgres://h/d?sslmode=require&sslrootcert=${encodeURIComponent(ca)}`).ssl, expected);
    assert.deepEqual(shape(`postgres://h/d?sslmode=verify-full&sslrootcert=${encodeURIComponent(ca)}`).ssl, { ca: expected.ca });
    const identity = parseConnectionUrl(`postgres://h/d?sslmode=verify-ca&sslrootcert=${encodeURIComponent(ca)}`).ssl;
    assert.equal(typeof identity === 'object' && identity.checkServerIdentity?.(), undefined);
    assert.throws(
      () => parseConnectionUrl(`postgres://u:Zq9secret@h/d?sslrootcert=${encodeURIComponent(join(dir, 'missing.crt'))}`),
      (e: unknown) =>
        e instanceof ConnectionUrlError && /cannot read .*missing\.crt \(ENOENT\)/.test(e.message) && !e.message.includes('Zq9secret'),
    );
  });

  it('reads MySQL/MariaDB URLs and refuses other schemes and plain words', () => {
    assert.deepEqual(shape('mariadb://root:pw@127.0.0.1/test?ssl=true'), {
      engine: 'mysql',
      host: '127.0.0.1',
      port: 3306,
      database: 'test',
      user: 'root',
      password: 'pw',
      ssl: true,
    });
    assert.throws(() => parseConnectionUrl('redis://x'), /Unsupported scheme "redis:"/);
    assert.throws(() => parseConnectionUrl('shop'), /Not a connection URL/);
    assert.throws(() => parseConnectionUrl('postgres://h:99999/d'), /not a port|Invalid URL|Cannot read/);
  });
});
