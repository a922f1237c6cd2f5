/**
 * A throwaway MariaDB server of our own, for tests that need a server-wide setting (sql_mode) that must not be set
 * on the shared server other tests use. Port 3341 (replica tests use 3307/3308). Needs root and mariadb-server;
 * outside CI a missing piece skips the test with the reason.
 */
import { execFile, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { after, before, type TestContext } from 'node:test';
import { connect } from '../../src/db/client';
import { IN_CI, SkipTest } from './helpers';

const run = promisify(execFile);
export const PRIVATE_MARIADB_PORT = 3341;

/** Declare the server at top level (`settings` are lines for its [mariadbd] section); `get(t)` returns its URL or skips. */
export function privateMariadb(settings: readonly string[]): { get(t: TestContext): string } {
  const dir = `/tmp/cw-private-mariadb-${PRIVATE_MARIADB_PORT}`;
  let url: string | undefined;
  let failure: string | undefined;

  const stop = async () => {
    const pidFile = `${dir}/mysqld.pid`;
    if (existsSync(pidFile)) {
      const pid = Number(readFileSync(pidFile, 'utf8').trim());
      let ours = false;
      try { ours = readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(`${dir}/my.cnf`); } catch { /* not running */ }
      if (ours) {
        process.kill(pid, 'SIGTERM');
        for (let i = 0; i < 600 && existsSync(`/proc/${pid}`); i++) await new Promise((r) => setTimeout(r, 100));
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };

  before(async () => {
    try {
      if (process.getuid?.() !== 0) throw new Error('starting a private MariaDB needs root (mariadbd --user=mysql)');
      if (!existsSync('/usr/sbin/mariadbd')) throw new Error('/usr/sbin/mariadbd is missing (Debian package mariadb-server)');
      await stop();
      mkdirSync(dir, { recursive: true });
      writeFileSync(`${dir}/my.cnf`, ['[mariadbd]', `datadir = ${dir}/data`, `port = ${PRIVATE_MARIADB_PORT}`, 'bind-address = 127.0.0.1',
        'skip-name-resolve', `socket = ${dir}/mysqld.sock`, `pid-file = ${dir}/mysqld.pid`, `log_error = ${dir}/error.log`,
        'innodb_buffer_pool_size = 32M', 'character-set-server = utf8mb4', ...settings, ''].join('\n'));
      const uid = Number((await run('id', ['-u', 'mysql'])).stdout.trim());
      const gid = Number((await run('id', ['-g', 'mysql'])).stdout.trim());
      chownSync(dir, uid, gid);
      await run('mariadb-install-db', [`--defaults-file=${dir}/my.cnf`, '--user=mysql', '--auth-root-authentication-method=normal', '--skip-test-db'], { timeout: 120_000 });
      spawn('/usr/sbin/mariadbd', [`--defaults-file=${dir}/my.cnf`, '--user=mysql'], { detached: true, stdio: 'ignore' }).unref();
      const admin = `mysql://root@127.0.0.1:${PRIVATE_MARIADB_PORT}/mysql`;
      let lastError: unknown;
      for (let i = 0; i < 300; i++) {
        try {
          const c = await connect(admin);
          await c.query('CREATE DATABASE IF NOT EXISTS cw_test');
          await c.close();
          url = `mysql://root@127.0.0.1:${PRIVATE_MARIADB_PORT}/cw_test`;
          return;
        } catch (err) {
          lastError = err;
          await new Promise((r) => setTimeout(r, 200));
        }
      }
      throw new Error(`the private MariaDB did not accept connections: ${(lastError as Error).message}`);
    } catch (err) {
      failure = (err as Error).message;
      await stop().catch(() => undefined);
      if (!IN_CI) console.log(`# SKIP private MariaDB tests: ${failure}`);
    }
  });
  after(stop);

  return {
    get(t: TestContext): string {
      if (url) return url;
      if (IN_CI) throw new Error(`private MariaDB unavailable: ${failure}`);
      t.skip(failure);
      throw new SkipTest(failure);
    },
  };
}
