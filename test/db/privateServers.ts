/**
 * Private database servers of our own that a test may stop and restart (the shared 5432/3306 servers must never be):
 * a PostgreSQL cluster made with pg_createcluster and a mariadbd with its own data directory. Both listen on
 * 127.0.0.1 only, accept root/postgres without a password from there (test machines only), and are removed by stop().
 * Needs root, postgresql-common and mariadb-server; `privateServerProblem()` names what is missing.
 */
import { execFile as execFileCb, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { connect } from '../../src/db/client';
import type { Engine } from './helpers';
import { installedPgMajor } from './serverTools';

const execFile = promisify(execFileCb);

export interface PrivateServer {
  readonly engine: Engine;
  /** Admin URL (PostgreSQL: database postgres; MariaDB: database mysql). */
  readonly url: string;
  /** Stop the server (fast shutdown: sessions are ended) and start it again; resolves once it accepts connections. */
  restart(): Promise<void>;
  /** Stop it and remove its files. */
  stop(): Promise<void>;
}

/** Why a private server of `engine` cannot be started here, or undefined when it can. */
export function privateServerProblem(engine: Engine): string | undefined {
  if (process.getuid?.() !== 0) return 'a private server needs root';
  if (engine === 'postgres') {
    if (!installedPgMajor()) return 'no PostgreSQL server under /usr/lib/postgresql';
    if (!existsSync('/usr/bin/pg_createcluster')) return 'no pg_createcluster (Debian package postgresql-common)';
    return undefined;
  }
  if (!existsSync('/usr/sbin/mariadbd')) return '/usr/sbin/mariadbd is missing (Debian package mariadb-server)';
  return undefined;
}

async function waitForConnection(url: string, what: string): Promise<void> {
  let last: unknown;
  for (let i = 0; i < 300; i++) {
    try {
      const c = await connect(url);
      await c.query('SELECT 1');
      await c.close();
      return;
    } catch (err) {
      last = err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  throw new Error(`${what} did not accept connections: ${(last as Error).message}`);
}

/** A private PostgreSQL cluster `name` on `port`. */
export async function startPrivatePostgres(port: number, name: string): Promise<PrivateServer> {
  const major = installedPgMajor();
  const problem = privateServerProblem('postgres');
  if (problem || !major) throw new Error(problem ?? 'no PostgreSQL server');
  const drop = async () => {
    await execFile('pg_dropcluster', ['--stop', major, name]).catch(() => undefined);
    rmSync(`/etc/postgresql/${major}/${name}`, { recursive: true, force: true });
    rmSync(`/var/lib/postgresql/${major}/${name}`, { recursive: true, force: true });
  };
  await drop();
  await execFile('pg_createcluster', [major, name, '-p', String(port), '--', '--no-sync']);
  const conf = `/etc/postgresql/${major}/${name}`;
  writeFileSync(
    `${conf}/conf.d/90-cw-private.conf`,
    `listen_addresses = '127.0.0.1'\nport = ${port}\nshared_buffers = 32MB\nfsync = off\nsynchronous_commit = off\n`,
  );
  writeFileSync(`${conf}/pg_hba.conf`, 'local all postgres peer\nhost all all 127.0.0.1/32 trust\n');
  const ctl = (action: string, ...extra: string[]) =>
    execFile('pg_ctlcluster', ['--skip-systemctl-redirect', major, name, action, ...extra]);
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  await ctl('start');
  await waitForConnection(url, `the private PostgreSQL cluster ${name}`);
  return {
    engine: 'postgres',
    url,
    async restart() {
      await ctl('restart', '-m', 'fast');
      await waitForConnection(url, `the private PostgreSQL cluster ${name}`);
    },
    stop: drop,
  };
}

/** A private mariadbd on `port` with its data under /tmp (`settings` are extra lines for its [mariadbd] section). */
export async function startPrivateMariadb(port: number, settings: readonly string[] = []): Promise<PrivateServer> {
  const problem = privateServerProblem('mysql');
  if (problem) throw new Error(problem);
  const dir = `/tmp/cw-private-mariadb-${port}`;
  const pidFile = `${dir}/mysqld.pid`;
  const shutdown = async () => {
    if (!existsSync(pidFile)) return;
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    let ours = false;
    try {
      ours = readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(`${dir}/my.cnf`);
    } catch {
      /* not running */
    }
    if (!ours) return;
    process.kill(pid, 'SIGTERM');
    for (let i = 0; i < 600 && existsSync(`/proc/${pid}`); i++) await new Promise((r) => setTimeout(r, 100));
  };
  const remove = async () => {
    await shutdown();
    rmSync(dir, { recursive: true, force: true });
  };
  const launch = () =>
    spawn('/usr/sbin/mariadbd', [`--defaults-file=${dir}/my.cnf`, '--user=mysql'], { detached: true, stdio: 'ignore' }).unref();
  await remove();
  mkdirSync(`${dir}/tmp`, { recursive: true });
  // A private tmpdir: bootstraps and servers of other suites running at the same time share /tmp otherwise.
  writeFileSync(
    `${dir}/my.cnf`,
    [
      '[mariadbd]',
      `datadir = ${dir}/data`,
      `tmpdir = ${dir}/tmp`,
      `port = ${port}`,
      'bind-address = 127.0.0.1',
      'skip-name-resolve',
      `socket = ${dir}/mysqld.sock`,
      `pid-file = ${pidFile}`,
      `log_error = ${dir}/error.log`,
      'innodb_buffer_pool_size = 32M',
      'character-set-server = utf8mb4',
      ...settings,
      '',
    ].join('\n'),
  );
  const uid = Number((await execFile('id', ['-u', 'mysql'])).stdout.trim());
  const gid = Number((await execFile('id', ['-g', 'mysql'])).stdout.trim());
  chownSync(dir, uid, gid);
  chownSync(`${dir}/tmp`, uid, gid);
  await execFile(
    'mariadb-install-db',
    [`--defaults-file=${dir}/my.cnf`, '--user=mysql', '--auth-root-authentication-method=normal', '--skip-test-db'],
    { timeout: 120_000 },
  );
  const url = `mysql://root@127.0.0.1:${port}/mysql`;
  launch();
  try {
    await waitForConnection(url, `the private MariaDB on port ${port}`);
  } catch (err) {
    await remove();
    throw err;
  }
  return {
    engine: 'mysql',
    url,
    async restart() {
      await shutdown();
      launch();
      await waitForConnection(url, `the private MariaDB on port ${port}`);
    },
    stop: remove,
  };
}
