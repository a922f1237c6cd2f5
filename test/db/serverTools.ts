/**
 * What the private-server harnesses share (clusterSetup.ts, replicaSetup.ts, privateServers.ts): running a command,
 * polling until something holds, finding tools and the installed PostgreSQL, removing a Debian PostgreSQL cluster and
 * stopping a mariadbd of ours, and declaring a server set that is built once per test file.
 */
import { execFile as execFileCb } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, type TestContext } from 'node:test';
import { connect, type DatabaseClient } from '../../src/db/client';
import { IN_CI, skipOrFail } from './helpers';

const execFile = promisify(execFileCb);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Run `cmd`; its stdout, or an error carrying the last 15 lines of its output. */
export async function sh(cmd: string, args: readonly string[], timeoutMs = 60_000): Promise<string> {
  try {
    const { stdout } = await execFile(cmd, [...args], { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 });
    return stdout;
  } catch (err) {
    const e = err as Error & { stderr?: string; stdout?: string };
    const output = `${e.stderr ?? ''}\n${e.stdout ?? ''}`.trim().split('\n').slice(-15).join('\n');
    throw new Error(`${cmd} ${args.join(' ')} failed: ${e.message.split('\n')[0]}${output ? `\n${output}` : ''}`);
  }
}

/** Poll `probe` every 200 ms until it returns something truthy; throws "`what` within N ms" with its last error. */
export async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | null | undefined | false>): Promise<T> {
  const t0 = Date.now();
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() - t0 > timeoutMs)
      throw new Error(`${what} within ${timeoutMs} ms${last ? ` (last error: ${(last as Error).message})` : ''}`);
    await sleep(200);
  }
}

/** The tools (names looked up on PATH, or absolute paths) that are not on this machine. */
export function missingTools(tools: readonly string[]): string[] {
  const path = (process.env.PATH ?? '/usr/bin:/bin').split(':');
  return tools.filter((t) => (t.startsWith('/') ? !existsSync(t) : !path.some((d) => existsSync(join(d, t)))));
}

/** The newest PostgreSQL major version installed under /usr/lib/postgresql, or undefined. */
export function installedPgMajor(): string | undefined {
  if (!existsSync('/usr/lib/postgresql')) return undefined;
  return readdirSync('/usr/lib/postgresql')
    .filter((v) => existsSync(`/usr/lib/postgresql/${v}/bin/postgres`))
    .sort((a, b) => Number(a) - Number(b))
    .at(-1);
}

export function pgMajor(): string {
  const v = installedPgMajor();
  if (!v) throw new Error('no PostgreSQL server under /usr/lib/postgresql (install the postgresql package)');
  return v;
}

/** Remove the Debian cluster `name` of `major`, also when it is half-built or gone already. */
export async function dropPgCluster(major: string, name: string): Promise<void> {
  if (!existsSync(`/etc/postgresql/${major}/${name}`) && !existsSync(`/var/lib/postgresql/${major}/${name}`)) return;
  await sh('pg_dropcluster', ['--stop', major, name]).catch(() => undefined); // half-built: not a cluster yet
  // pg_dropcluster leaves the directories behind when they hold files it did not create (our conf.d drop-in)
  rmSync(`/etc/postgresql/${major}/${name}`, { recursive: true, force: true });
  rmSync(`/var/lib/postgresql/${major}/${name}`, { recursive: true, force: true });
}

/** The start of the [mariadbd] section of a private server's my.cnf under `dir`: files, port, loopback only. */
export function mariadbdSection(dir: string, port: number, serverId: number): string[] {
  return [
    '[mariadbd]',
    `datadir = ${dir}/data`,
    `port = ${port}`,
    'bind-address = 127.0.0.1',
    'skip-name-resolve',
    `socket = ${dir}/mysqld.sock`,
    `pid-file = ${dir}/mysqld.pid`,
    `log_error = ${dir}/error.log`,
    // A private tmpdir: bootstraps and servers of other suites running at the same time share /tmp otherwise.
    `tmpdir = ${dir}/tmp`,
    `server_id = ${serverId}`,
  ];
}

/** Stop a mariadbd of ours by its pid file, after checking that pid runs with our defaults file. */
export async function stopMariadbd(dir: string): Promise<void> {
  const pidFile = `${dir}/mysqld.pid`;
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0) return;
  let cmdline = '';
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return; // not running
  }
  if (!cmdline.includes(`${dir}/my.cnf`)) return; // the pid was reused by something else
  process.kill(pid, 'SIGTERM');
  await waitFor(`mariadbd ${pid} exiting`, 60_000, async () => !existsSync(`/proc/${pid}`));
}

/**
 * Declare servers built once for this test file (call at top level): `build` runs before the first test, `make`
 * turns its URLs and one open connection per URL into what `get(t)` returns; connections made with `more` are closed
 * and `teardown` runs after the file. A failed build skips the tests outside CI and fails them under CI=true.
 */
export function builtOnce<T>(
  what: string,
  build: () => Promise<{ urls: string[]; teardown: () => Promise<void> }>,
  make: (urls: string[], nodes: DatabaseClient[], more: (url: string) => Promise<DatabaseClient>) => T,
): { get(t: TestContext): T } {
  let state: T | undefined;
  let failure: string | undefined;
  let teardown: (() => Promise<void>) | undefined;
  const opened: DatabaseClient[] = [];
  before(async () => {
    const t0 = performance.now();
    try {
      const built = await build();
      teardown = built.teardown;
      const more = async (url: string) => {
        const c = await connect(url);
        opened.push(c);
        return c;
      };
      const nodes = await Promise.all(built.urls.map(more));
      state = make(built.urls, nodes, more);
      console.log(`# ${what} built in ${Math.round(performance.now() - t0)} ms: ${built.urls.join(', ')}`);
    } catch (err) {
      failure = `could not build ${what}: ${(err as Error).message}`;
      if (!IN_CI) console.log(`# SKIP: ${failure}`);
    }
  });
  after(async () => {
    for (const c of opened) await c.close().catch(() => undefined);
    await teardown?.();
  });
  return {
    get(t: TestContext): T {
      return state ?? skipOrFail(t, failure ?? `${what} was not built`);
    },
  };
}
