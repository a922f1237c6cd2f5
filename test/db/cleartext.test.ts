/**
 * A private PostgreSQL cluster (port 5451) that asks for the password in clear text (`password` in pg_hba.conf):
 * over a connection without TLS to this machine's non-loopback address Column Wizard refuses to send it; to a
 * loopback address, and over TLS, it is sent.
 */
import assert from 'node:assert/strict';
import { execFile as execFileCb } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { connect } from '../../src/db/client';
import { IN_CI } from './helpers';

const execFile = promisify(execFileCb);
const PORT = 5451;
const NAME = 'cw_cleartext';
const PASSWORD = 'Zq9-cleartext-pw';

function pgMajor(): string | undefined {
  if (!existsSync('/usr/lib/postgresql')) return undefined;
  return readdirSync('/usr/lib/postgresql')
    .filter((v) => existsSync(`/usr/lib/postgresql/${v}/bin/postgres`))
    .sort((a, b) => Number(a) - Number(b))
    .at(-1);
}
const remoteAddress = Object.values(networkInterfaces())
  .flat()
  .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;
const major = pgMajor();
const why =
  process.getuid?.() !== 0
    ? 'needs root (pg_createcluster)'
    : !major
      ? 'no PostgreSQL server under /usr/lib/postgresql'
      : !existsSync('/usr/bin/pg_createcluster')
        ? 'no pg_createcluster (postgresql-common)'
        : !remoteAddress
          ? 'this machine has no non-loopback IPv4 address'
          : undefined;
if (why && IN_CI) throw new Error(`CI=true and the cleartext-password test cannot run: ${why}`);

async function drop(): Promise<void> {
  if (!major) return;
  await execFile('pg_dropcluster', ['--stop', major, NAME]).catch(() => undefined);
  rmSync(`/etc/postgresql/${major}/${NAME}`, { recursive: true, force: true });
  rmSync(`/var/lib/postgresql/${major}/${NAME}`, { recursive: true, force: true });
}

describe('cleartext password authentication', { skip: why }, () => {
  let ssl = false;
  before(async () => {
    await drop();
    await execFile('pg_createcluster', [major!, NAME, '-p', String(PORT), '--', '--no-sync']);
    const conf = `/etc/postgresql/${major}/${NAME}`;
    let tls = '';
    ssl = /^\s*ssl\s*=\s*on/m.test(readFileSync(`${conf}/postgresql.conf`, 'utf8'));
    if (!ssl && existsSync('/usr/bin/openssl')) {
      // No snakeoil certificate here (Debian's ssl-cert): a throwaway self-signed one, readable by postgres only.
      await execFile('openssl', [
        'req',
        '-new',
        '-x509',
        '-days',
        '1',
        '-nodes',
        '-subj',
        '/CN=cw-cleartext-test',
        '-keyout',
        `${conf}/cw.key`,
        '-out',
        `${conf}/cw.crt`,
      ]);
      await execFile('chown', ['postgres:postgres', `${conf}/cw.key`, `${conf}/cw.crt`]);
      chmodSync(`${conf}/cw.key`, 0o600);
      tls = `ssl = on\nssl_cert_file = '${conf}/cw.crt'\nssl_key_file = '${conf}/cw.key'\n`;
      ssl = true;
    } else if (!ssl && IN_CI) {
      throw new Error('CI=true and the cleartext-password test cannot make a TLS certificate: no /usr/bin/openssl');
    }
    writeFileSync(
      `${conf}/conf.d/90-cw-cleartext.conf`,
      `listen_addresses = '127.0.0.1,${remoteAddress}'\nport = ${PORT}\nshared_buffers = 16MB\n${tls}`,
    );
    // Test machine only: the password in clear text from both addresses; peer on the Unix socket for the set-up.
    writeFileSync(
      `${conf}/pg_hba.conf`,
      `local all postgres peer\nhost all all 127.0.0.1/32 password\nhost all all ${remoteAddress}/32 password\n`,
    );
    await execFile('pg_ctlcluster', ['--skip-systemctl-redirect', major!, NAME, 'start']);
    await execFile('runuser', [
      '-u',
      'postgres',
      '--',
      'psql',
      '-p',
      String(PORT),
      '-h',
      '/var/run/postgresql',
      '-c',
      `ALTER ROLE postgres PASSWORD '${PASSWORD}'`,
    ]);
  });
  after(drop);

  it('is refused without TLS to a non-local address, before the password is sent', async () => {
    await assert.rejects(
      connect({
        engine: 'postgres',
        host: remoteAddress!,
        port: PORT,
        database: 'postgres',
        user: 'postgres',
        password: PASSWORD,
        ssl: false,
      }),
      (err: Error) => /Refusing to send the password in clear text to/.test(err.message) && !err.message.includes(PASSWORD),
    );
  });

  it('is answered on a loopback address (the password never leaves the machine)', async () => {
    const c = await connect({
      engine: 'postgres',
      host: '127.0.0.1',
      port: PORT,
      database: 'postgres',
      user: 'postgres',
      password: PASSWORD,
      ssl: false,
    });
    assert.equal((await c.query<{ u: string }>('SELECT current_user AS u'))[0]!.u, 'postgres');
    await c.close();
  });

  it('is answered over TLS to the non-local address', async (t) => {
    if (!ssl) {
      t.skip('the cluster has no TLS certificate (ssl = off) and there is no openssl to make one');
      return;
    }
    const c = await connect({
      engine: 'postgres',
      host: remoteAddress!,
      port: PORT,
      database: 'postgres',
      user: 'postgres',
      password: PASSWORD,
      ssl: { rejectUnauthorized: false },
    });
    assert.equal((await c.query<{ u: string }>('SELECT current_user AS u'))[0]!.u, 'postgres');
    await c.close();
  });
});
