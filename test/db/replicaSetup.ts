/**
 * Real replicas for the replica tests, built on this machine once per test file and torn down after it (also after a
 * failed test; a run killed half-way is cleaned up by the next build, which removes leftovers by their fixed names).
 *
 * Each pair has a private primary, so the shared servers on 5432/3306 (other tests use them at the same time) are not
 * restarted, do not see a standby in their replication facts, and keep no WAL for a paused standby:
 *  - PostgreSQL: Debian clusters `cwprimary` (port 5436) and `cwstandby` (port 5433), the standby made by
 *    `pg_basebackup -R -C -S` (servers.md §A.3). Needs root, `pg_createcluster`, `pg_basebackup`.
 *  - MariaDB: two `mariadbd` with their own `--defaults-file` under /tmp/cw-replication-mariadb: primary 3308 with
 *    binary logging, replica 3307 replicating by GTID. Needs root, `mariadbd`, `mariadb-install-db`.
 * Under CI=true a replica that cannot be built fails the tests; elsewhere they are skipped with the reason.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, chownSync } from 'node:fs';
import type { TestContext } from 'node:test';
import { connect, type DatabaseClient } from '../../src/db/client';
import { builtOnce, dropPgCluster, mariadbdSection, missingTools, pgMajor, sh, stopMariadbd, waitFor } from './serverTools';

export interface ReplicaPair {
  readonly engine: 'postgres' | 'mysql';
  /** The private primary's test database and the replica's copy of it. */
  readonly primaryUrl: string;
  readonly replicaUrl: string;
  /** Connections opened once per file (closed by the harness). */
  readonly primary: DatabaseClient;
  readonly replica: DatabaseClient;
  /** Another connection (closed by the harness after the file). */
  connectPrimary(): Promise<DatabaseClient>;
  connectReplica(): Promise<DatabaseClient>;
  /** Stop applying changes on the replica (`pg_wal_replay_pause()` / `STOP SLAVE SQL_THREAD`), and start again. */
  pauseReplay(): Promise<void>;
  resumeReplay(): Promise<void>;
  /** Wait until the replica has applied everything the primary has written so far. */
  waitCaughtUp(timeoutMs?: number): Promise<void>;
}

/* ---------------------------------------------------------------- PostgreSQL */

export const PG_PRIMARY_PORT = 5436;
export const PG_STANDBY_PORT = 5433;
const PG_PRIMARY = 'cwprimary';
const PG_STANDBY = 'cwstandby';
const PG_SLOT = 'cw_standby';

async function pgCluster(major: string, name: string, port: number, extraConf: string): Promise<void> {
  await sh('pg_createcluster', [major, name, '-p', String(port), '--', '--no-sync']);
  const conf = `/etc/postgresql/${major}/${name}`;
  writeFileSync(
    `${conf}/conf.d/90-cw-replica-tests.conf`,
    `listen_addresses = '127.0.0.1'\nport = ${port}\nshared_buffers = 32MB\n${extraConf}`,
  );
  const hba = readFileSync(`${conf}/pg_hba.conf`, 'utf8');
  // Test machines only: trust TCP from loopback, for clients and for the standby's replication connection.
  writeFileSync(`${conf}/pg_hba.conf`, `host all all 127.0.0.1/32 trust\nhost replication all 127.0.0.1/32 trust\n${hba}`);
}

async function buildPostgres(): Promise<{ primaryUrl: string; replicaUrl: string; teardown: () => Promise<void> }> {
  if (process.getuid?.() !== 0)
    throw new Error('building a PostgreSQL standby needs root (pg_createcluster, running pg_basebackup as postgres)');
  const missing = missingTools(['pg_createcluster', 'pg_dropcluster', 'pg_ctlcluster', 'pg_basebackup', 'runuser']);
  if (missing.length) throw new Error(`missing ${missing.join(', ')} (Debian packages postgresql, util-linux)`);
  const major = pgMajor();
  await dropPgCluster(major, PG_STANDBY);
  await dropPgCluster(major, PG_PRIMARY);
  const teardown = async () => {
    await dropPgCluster(major, PG_STANDBY);
    await dropPgCluster(major, PG_PRIMARY); // the slot goes with the primary's data directory
  };
  try {
    await pgCluster(major, PG_PRIMARY, PG_PRIMARY_PORT, 'wal_level = replica\nmax_wal_senders = 5\nmax_replication_slots = 5\n');
    await sh('pg_ctlcluster', ['--skip-systemctl-redirect', major, PG_PRIMARY, 'start']);
    const base = `postgres://postgres@127.0.0.1:${PG_PRIMARY_PORT}/postgres`;
    const admin = await waitFor('the private primary accepting connections', 30_000, () => connect(base));
    try {
      await admin.query('CREATE DATABASE cw_replica_test');
    } finally {
      await admin.close();
    }
    // The standby's data directory is the base backup; pg_createcluster then only adopts it (no initdb to throw away)
    // and moves the configuration written here to /etc/postgresql/<major>/cwstandby.
    const dataDir = `/var/lib/postgresql/${major}/${PG_STANDBY}`;
    await sh('install', ['-d', '-o', 'postgres', '-g', 'postgres', '-m', '700', dataDir]);
    await sh('runuser', [
      '-u',
      'postgres',
      '--',
      'pg_basebackup',
      '-h',
      '127.0.0.1',
      '-p',
      String(PG_PRIMARY_PORT),
      '-U',
      'postgres',
      '-D',
      dataDir,
      '-R',
      '-X',
      'stream',
      '-C',
      '-S',
      PG_SLOT,
      '-c',
      'fast',
    ]);
    writeFileSync(
      `${dataDir}/postgresql.conf`,
      `port = ${PG_STANDBY_PORT}\nlisten_addresses = '127.0.0.1'\nshared_buffers = 32MB\nhot_standby = on\nwal_receiver_status_interval = 1s\nunix_socket_directories = '/var/run/postgresql'\n`,
    );
    writeFileSync(
      `${dataDir}/pg_hba.conf`,
      'local all all peer\nhost all all 127.0.0.1/32 trust\nhost replication all 127.0.0.1/32 trust\n',
    );
    writeFileSync(`${dataDir}/pg_ident.conf`, '');
    await sh('chown', ['postgres:postgres', `${dataDir}/postgresql.conf`, `${dataDir}/pg_hba.conf`, `${dataDir}/pg_ident.conf`]);
    await sh('pg_createcluster', [major, PG_STANDBY, '-p', String(PG_STANDBY_PORT), '-d', dataDir]);
    await sh('pg_ctlcluster', ['--skip-systemctl-redirect', major, PG_STANDBY, 'start']);
    const primary = await connect(base);
    try {
      await waitFor(
        'the standby streaming from the private primary',
        30_000,
        async () =>
          (await primary.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_replication WHERE state = 'streaming'`))[0]!.n > 0,
      );
    } finally {
      await primary.close();
    }
  } catch (err) {
    await teardown().catch(() => undefined);
    throw err;
  }
  return {
    primaryUrl: `postgres://postgres@127.0.0.1:${PG_PRIMARY_PORT}/cw_replica_test`,
    replicaUrl: `postgres://postgres@127.0.0.1:${PG_STANDBY_PORT}/cw_replica_test`,
    teardown,
  };
}

/* ---------------------------------------------------------------- MariaDB */

export const MY_PRIMARY_PORT = 3308;
export const MY_REPLICA_PORT = 3307;
const MY_BASE = '/tmp/cw-replication-mariadb';

function myCnf(dir: string, port: number, serverId: number): string {
  return [
    ...mariadbdSection(dir, port, serverId),
    `log_bin = ${dir}/data/binlog`,
    `relay_log = ${dir}/data/relay-bin`,
    'binlog_format = ROW',
    'innodb_buffer_pool_size = 64M',
    'innodb_log_file_size = 48M',
    'character-set-server = utf8mb4',
    'collation-server = utf8mb4_general_ci',
    '[client]',
    `socket = ${dir}/mysqld.sock`,
    '',
  ].join('\n');
}

async function buildMariadb(): Promise<{ primaryUrl: string; replicaUrl: string; teardown: () => Promise<void> }> {
  if (process.getuid?.() !== 0) throw new Error('building a MariaDB replica needs root (mariadbd --user=mysql)');
  const missing = [...missingTools(['mariadb-install-db']), ...(existsSync('/usr/sbin/mariadbd') ? [] : ['/usr/sbin/mariadbd'])];
  if (missing.length) throw new Error(`missing ${missing.join(', ')} (Debian package mariadb-server)`);
  const dirs = { primary: `${MY_BASE}/primary`, replica: `${MY_BASE}/replica` };
  const teardown = async () => {
    await stopMariadbd(dirs.replica);
    await stopMariadbd(dirs.primary);
    rmSync(MY_BASE, { recursive: true, force: true });
  };
  await teardown();
  try {
    const uid = Number((await sh('id', ['-u', 'mysql'])).trim());
    const gid = Number((await sh('id', ['-g', 'mysql'])).trim());
    for (const [name, port, id] of [
      ['primary', MY_PRIMARY_PORT, 11],
      ['replica', MY_REPLICA_PORT, 12],
    ] as const) {
      const dir = dirs[name];
      mkdirSync(`${dir}/tmp`, { recursive: true });
      writeFileSync(`${dir}/my.cnf`, myCnf(dir, port, id));
      chownSync(MY_BASE, uid, gid);
      chownSync(dir, uid, gid);
      chownSync(`${dir}/tmp`, uid, gid);
      chownSync(`${dir}/my.cnf`, uid, gid);
    }
    // Settle both before looking at the results: a teardown must not race a still-running install.
    const installs = await Promise.allSettled(
      Object.values(dirs).map((dir) =>
        sh(
          'mariadb-install-db',
          [`--defaults-file=${dir}/my.cnf`, '--user=mysql', '--auth-root-authentication-method=normal', '--skip-test-db'],
          120_000,
        ),
      ),
    );
    for (const r of installs) {
      if (r.status === 'rejected') {
        const log = Object.values(dirs)
          .map((d) => {
            try {
              return readFileSync(`${d}/error.log`, 'utf8').split('\n').slice(-10).join('\n');
            } catch {
              return '';
            }
          })
          .join('\n');
        throw new Error(`${(r.reason as Error).message}${log.trim() ? `\nerror.log:\n${log}` : ''}`);
      }
    }
    for (const dir of Object.values(dirs)) {
      // Its own defaults file: otherwise it would read /etc/mysql (server_id 1, port 3306) — servers.md §A.3.
      const child = spawn('/usr/sbin/mariadbd', [`--defaults-file=${dir}/my.cnf`, '--user=mysql'], { detached: true, stdio: 'ignore' });
      child.unref();
    }
    const primaryBase = `mysql://root@127.0.0.1:${MY_PRIMARY_PORT}/mysql`;
    const replicaBase = `mysql://root@127.0.0.1:${MY_REPLICA_PORT}/mysql`;
    const p = await waitFor('the private MariaDB primary accepting connections', 60_000, () => connect(primaryBase));
    const r = await waitFor('the MariaDB replica accepting connections', 60_000, () => connect(replicaBase));
    try {
      await p.query(`CREATE USER 'cw_repl'@'127.0.0.1' IDENTIFIED BY 'cw_repl'`);
      await p.query(`GRANT REPLICATION SLAVE ON *.* TO 'cw_repl'@'127.0.0.1'`);
      await p.query('CREATE DATABASE cw_replica_test');
      await r.query(
        `CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=${MY_PRIMARY_PORT}, MASTER_USER='cw_repl', MASTER_PASSWORD='cw_repl', MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=1`,
      );
      await r.query('START SLAVE');
      await r.query('SET GLOBAL read_only = 1');
      const [pos] = await p.query<{ pos: string }>('SELECT @@gtid_binlog_pos AS pos');
      const [w] = await r.query<{ w: number }>('SELECT MASTER_GTID_WAIT(?, 30) AS w', [pos!.pos]);
      if (Number(w!.w) !== 0)
        throw new Error(`the replica did not reach the primary's GTID ${pos!.pos}: ${JSON.stringify(await r.query('SHOW SLAVE STATUS'))}`);
    } finally {
      await p.close();
      await r.close();
    }
  } catch (err) {
    await teardown().catch(() => undefined);
    throw err;
  }
  return {
    primaryUrl: `mysql://root@127.0.0.1:${MY_PRIMARY_PORT}/cw_replica_test`,
    replicaUrl: `mysql://root@127.0.0.1:${MY_REPLICA_PORT}/cw_replica_test`,
    teardown,
  };
}

/* ---------------------------------------------------------------- harness */

/**
 * Declare a replica pair for this test file (call at top level); `pair.get(t)` inside each test returns it, or skips
 * the test outside CI when it could not be built.
 */
export function replicaPair(engine: 'postgres' | 'mysql'): { get(t: TestContext): ReplicaPair } {
  const build = async () => {
    const built = engine === 'postgres' ? await buildPostgres() : await buildMariadb();
    return { urls: [built.primaryUrl, built.replicaUrl], teardown: built.teardown };
  };
  const what = engine === 'postgres' ? 'a PostgreSQL standby' : 'a MariaDB replica';
  return builtOnce(what, build, ([primaryUrl, replicaUrl], [primary, replica], more): ReplicaPair => ({
    engine,
    primaryUrl: primaryUrl!,
    replicaUrl: replicaUrl!,
    primary: primary!,
    replica: replica!,
    connectPrimary: () => more(primaryUrl!),
    connectReplica: () => more(replicaUrl!),
    async pauseReplay() {
      await replica!.query(engine === 'postgres' ? 'SELECT pg_wal_replay_pause()' : 'STOP SLAVE SQL_THREAD');
    },
    async resumeReplay() {
      await replica!.query(engine === 'postgres' ? 'SELECT pg_wal_replay_resume()' : 'START SLAVE SQL_THREAD');
    },
    async waitCaughtUp(timeoutMs = 30_000) {
      if (engine === 'postgres') {
        const [p] = await primary!.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn');
        await waitFor(
          `the standby replaying up to ${p!.lsn}`,
          timeoutMs,
          async () => (await replica!.query<{ ok: boolean }>('SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn AS ok', [p!.lsn]))[0]!.ok,
        );
      } else {
        const [p] = await primary!.query<{ pos: string }>('SELECT @@gtid_binlog_pos AS pos');
        const [w] = await replica!.query<{ w: number }>('SELECT MASTER_GTID_WAIT(?, ?) AS w', [p!.pos, timeoutMs / 1000]);
        if (Number(w!.w) !== 0) throw new Error(`the replica did not reach GTID ${p!.pos} within ${timeoutMs} ms`);
      }
    },
  }));
}
