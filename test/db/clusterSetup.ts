/**
 * Real multi-node clusters for the cluster tests, built once per test file and torn down after it (also after a
 * failed test; leftovers of a killed run are removed by the next build, by their fixed names and pid files).
 *
 *  - Galera: three `mariadbd` with `wsrep_on=ON` and galera-4 (`/usr/lib/galera/libgalera_smm.so`), each with its own
 *    `--defaults-file` under /tmp/cw-galera: SQL ports 3321-3323, gcomm 4571-4573, IST 4581-4583, SST (rsync)
 *    4591-4593 (distributed.md). Node 1 bootstraps the cluster (`--wsrep-new-cluster`), nodes 2 and 3 join it.
 *  - PostgreSQL logical replication: Debian clusters `cwpub` (5441, wal_level=logical) and `cwsub1`/`cwsub2`
 *    (5442/5443), each with database `cw_logical_test`. Tests create their own tables, publications and subscriptions.
 * Under CI=true a cluster that cannot be built fails the tests; elsewhere they are skipped with the reason.
 */
import { spawn } from 'node:child_process';
import { chownSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { TestContext } from 'node:test';
import { connect, type DatabaseClient } from '../../src/db/client';
import { builtOnce, dropPgCluster, mariadbdSection, missingTools, pgMajor, sh, stopMariadbd, waitFor } from './serverTools';

export { waitFor };

/* ---------------------------------------------------------------- Galera */

export const GALERA_PORTS = [3321, 3322, 3323] as const;
const GALERA_BASE = '/tmp/cw-galera';
const GALERA_DB = 'cw_galera_test';

function galeraCnf(dir: string, n: number): string {
  const gcomm = [4571, 4572, 4573].map((p) => `127.0.0.1:${p}`).join(',');
  return [
    ...mariadbdSection(dir, GALERA_PORTS[n - 1]!, 20 + n),
    'binlog_format = ROW',
    'default_storage_engine = InnoDB',
    'innodb_autoinc_lock_mode = 2',
    'innodb_buffer_pool_size = 128M',
    'innodb_log_file_size = 48M',
    'innodb_flush_log_at_trx_commit = 2',
    'character-set-server = utf8mb4',
    'collation-server = utf8mb4_general_ci',
    'wsrep_on = ON',
    'wsrep_provider = /usr/lib/galera/libgalera_smm.so',
    'wsrep_cluster_name = cw_test',
    `wsrep_cluster_address = gcomm://${gcomm}`,
    `wsrep_node_address = 127.0.0.1:${4570 + n}`,
    `wsrep_node_name = node${n}`,
    `wsrep_node_incoming_address = 127.0.0.1:${GALERA_PORTS[n - 1]}`,
    `wsrep_provider_options = "gmcast.listen_addr=tcp://127.0.0.1:${4570 + n};ist.recv_addr=127.0.0.1:${4580 + n};gcache.size=64M"`,
    `wsrep_sst_receive_address = 127.0.0.1:${4590 + n}`,
    'wsrep_sst_method = rsync',
    'wsrep_slave_threads = 2',
    '[client]',
    `socket = ${dir}/mysqld.sock`,
    '',
  ].join('\n');
}

export interface GaleraCluster {
  /** URLs of the three nodes' test database. */
  readonly urls: readonly string[];
  /** One connection per node, opened once per file. */
  readonly nodes: readonly DatabaseClient[];
  connectNode(i: number): Promise<DatabaseClient>;
  readonly database: string;
}

function spawnMariadbd(dir: string, extra: readonly string[] = []): void {
  const child = spawn('/usr/sbin/mariadbd', [`--defaults-file=${dir}/my.cnf`, '--user=mysql', ...extra], {
    detached: true,
    stdio: 'ignore',
  });
  child.unref();
}

async function synced(url: string): Promise<boolean> {
  const c = await connect(url);
  try {
    const rows = await c.query<{ Variable_name: string; Value: string }>(
      `SHOW GLOBAL STATUS WHERE Variable_name IN ('wsrep_local_state_comment', 'wsrep_cluster_size', 'wsrep_ready')`,
    );
    const s = Object.fromEntries(rows.map((r) => [r.Variable_name, r.Value]));
    return s.wsrep_local_state_comment === 'Synced' && s.wsrep_ready === 'ON' ? true : false;
  } finally {
    await c.close();
  }
}

async function buildGalera(): Promise<{ urls: string[]; teardown: () => Promise<void> }> {
  if (process.getuid?.() !== 0) throw new Error('building a Galera cluster needs root (mariadbd --user=mysql)');
  const missing = missingTools(['/usr/sbin/mariadbd', 'mariadb-install-db', '/usr/lib/galera/libgalera_smm.so', 'rsync']);
  if (missing.length) throw new Error(`missing ${missing.join(', ')} (Debian packages mariadb-server, galera-4, rsync)`);
  const dirs = [1, 2, 3].map((n) => `${GALERA_BASE}/n${n}`);
  const teardown = async () => {
    for (const d of [...dirs].reverse()) await stopMariadbd(d).catch(() => undefined);
    rmSync(GALERA_BASE, { recursive: true, force: true });
  };
  await teardown();
  try {
    const uid = Number((await sh('id', ['-u', 'mysql'])).trim());
    const gid = Number((await sh('id', ['-g', 'mysql'])).trim());
    mkdirSync(GALERA_BASE, { recursive: true });
    chownSync(GALERA_BASE, uid, gid);
    dirs.forEach((dir, i) => {
      mkdirSync(`${dir}/data`, { recursive: true });
      mkdirSync(`${dir}/tmp`, { recursive: true });
      writeFileSync(`${dir}/my.cnf`, galeraCnf(dir, i + 1));
      for (const p of [dir, `${dir}/data`, `${dir}/tmp`, `${dir}/my.cnf`]) chownSync(p, uid, gid);
    });
    // Only node 1 needs system tables: the joiners receive node 1's data directory by rsync SST.
    await sh(
      'mariadb-install-db',
      [`--defaults-file=${dirs[0]}/my.cnf`, '--user=mysql', '--auth-root-authentication-method=normal', '--skip-test-db'],
      120_000,
    );
    spawnMariadbd(dirs[0]!, ['--wsrep-new-cluster']);
    const urls = GALERA_PORTS.map((p) => `mysql://root@127.0.0.1:${p}/${GALERA_DB}`);
    const admin1 = `mysql://root@127.0.0.1:${GALERA_PORTS[0]}/mysql`;
    await waitFor('Galera node 1 bootstrapping', 60_000, () => synced(admin1));
    const c = await connect(admin1);
    try {
      await c.query(`CREATE DATABASE ${GALERA_DB}`);
    } finally {
      await c.close();
    }
    for (const d of dirs.slice(1)) spawnMariadbd(d);
    for (const p of GALERA_PORTS.slice(1))
      await waitFor(`Galera node on ${p} joining (SST)`, 90_000, () => synced(`mysql://root@127.0.0.1:${p}/mysql`));
    const c1 = await connect(admin1);
    try {
      await waitFor(
        'a three-node Galera cluster',
        30_000,
        async () => (await c1.query<{ Value: string }>(`SHOW GLOBAL STATUS LIKE 'wsrep_cluster_size'`))[0]?.Value === '3',
      );
    } finally {
      await c1.close();
    }
    return { urls, teardown };
  } catch (err) {
    const logs = dirs
      .map((d) => {
        try {
          return `${d}: ${readFileSync(`${d}/error.log`, 'utf8').split('\n').slice(-8).join('\n')}`;
        } catch {
          return '';
        }
      })
      .join('\n');
    await teardown().catch(() => undefined);
    throw new Error(`${(err as Error).message}${logs.trim() ? `\n${logs}` : ''}`);
  }
}

/* ---------------------------------------------------------------- PostgreSQL logical replication */

export const PG_LOGICAL_PORTS = [5441, 5442, 5443] as const;
const PG_LOGICAL_NAMES = ['cwpub', 'cwsub1', 'cwsub2'] as const;
const PG_LOGICAL_DB = 'cw_logical_test';

export interface LogicalCluster {
  /** Publisher first, then the two subscribers. */
  readonly urls: readonly string[];
  readonly nodes: readonly DatabaseClient[];
  connectNode(i: number): Promise<DatabaseClient>;
  /** The conninfo a subscriber uses to reach the publisher's test database. */
  readonly publisherConninfo: string;
}

async function buildLogical(): Promise<{ urls: string[]; teardown: () => Promise<void> }> {
  if (process.getuid?.() !== 0) throw new Error('building PostgreSQL clusters needs root (pg_createcluster)');
  const missing = missingTools(['pg_createcluster', 'pg_dropcluster', 'pg_ctlcluster']);
  if (missing.length) throw new Error(`missing ${missing.join(', ')} (Debian package postgresql)`);
  const major = pgMajor();
  const teardown = async () => {
    // Subscribers first: dropping them ends their walsenders on the publisher.
    for (const n of [...PG_LOGICAL_NAMES].reverse()) await dropPgCluster(major, n);
  };
  await teardown();
  try {
    await Promise.all(
      PG_LOGICAL_NAMES.map(async (name, i) => {
        const port = PG_LOGICAL_PORTS[i]!;
        await sh('pg_createcluster', [major, name, '-p', String(port), '--', '--no-sync']);
        const conf = `/etc/postgresql/${major}/${name}`;
        writeFileSync(
          `${conf}/conf.d/90-cw-logical-tests.conf`,
          [
            "listen_addresses = '127.0.0.1'",
            `port = ${port}`,
            'shared_buffers = 32MB',
            'fsync = off',
            'synchronous_commit = off',
            ...(i === 0
              ? ['wal_level = logical', 'max_wal_senders = 20', 'max_replication_slots = 20']
              : ['max_logical_replication_workers = 6', 'wal_retrieve_retry_interval = 500ms']),
            '',
          ].join('\n'),
        );
        const hba = readFileSync(`${conf}/pg_hba.conf`, 'utf8');
        writeFileSync(`${conf}/pg_hba.conf`, `host all all 127.0.0.1/32 trust\nhost replication all 127.0.0.1/32 trust\n${hba}`);
        await sh('pg_ctlcluster', ['--skip-systemctl-redirect', major, name, 'start']);
        const admin = await waitFor(`${name} accepting connections`, 30_000, () =>
          connect(`postgres://postgres@127.0.0.1:${port}/postgres`),
        );
        try {
          await admin.query(`CREATE DATABASE ${PG_LOGICAL_DB}`);
        } finally {
          await admin.close();
        }
      }),
    );
  } catch (err) {
    await teardown().catch(() => undefined);
    throw err;
  }
  return { urls: PG_LOGICAL_PORTS.map((p) => `postgres://postgres@127.0.0.1:${p}/${PG_LOGICAL_DB}`), teardown };
}

/* ---------------------------------------------------------------- harness */

/** Declare a three-node Galera cluster for this test file (call at top level). */
export function galeraCluster(): { get(t: TestContext): GaleraCluster } {
  return builtOnce('a three-node Galera cluster', buildGalera, (urls, nodes, more) => ({
    urls,
    nodes,
    database: GALERA_DB,
    connectNode: (i: number) => more(urls[i]!),
  }));
}

/** Declare a PostgreSQL publisher with two subscribers' servers for this test file (call at top level). */
export function logicalCluster(): { get(t: TestContext): LogicalCluster } {
  return builtOnce('a PostgreSQL publisher and two subscriber servers', buildLogical, (urls, nodes, more) => ({
    urls,
    nodes,
    connectNode: (i: number) => more(urls[i]!),
    publisherConninfo: `host=127.0.0.1 port=${PG_LOGICAL_PORTS[0]} user=postgres dbname=${PG_LOGICAL_DB}`,
  }));
}

/** Standalone use (bench): build the Galera cluster, returning its URLs and the teardown. */
export { buildGalera };
