/**
 * pt-online-schema-change (Percona Toolkit) run by the runner for a plan step with `onlineCopy`: found on PATH, given the
 * connection's credentials in a private option file (never on its command line), its chunks aimed at the runner's batch
 * time, its output passed on line by line.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { OnlineCopy, OnlineCopyTool, TableRef, Target } from '../../core/types';
import type { ConnectionOptions } from '../connection';
import type { OnlineCopyLag } from '../run/types';

const PT_OSC = 'pt-online-schema-change';

/**
 * The installed pt-online-schema-change and its version, or null. The version is read from the script on PATH (its
 * `=head1 VERSION` section, what `--version` prints): running `--version` compiles the whole Perl tool first, 0.3–1 s
 * on a busy machine, in the way of every plan and run. A file it cannot read that way is asked with `--version`.
 */
export function findPtOnlineSchemaChange(): OnlineCopyTool | null {
  const path = onPath(PT_OSC);
  if (!path) return null;
  let text = '';
  try {
    text = readFileSync(path, 'latin1');
  } catch {
    // unreadable: ask the tool below
  }
  let version = /^=head1 VERSION\s+pt-online-schema-change (\d+\.\d+(?:\.\d+)?)\s*$/m.exec(text)?.[1];
  if (!version) {
    const r = spawnSync(path, ['--version'], { encoding: 'utf8', timeout: 10_000 });
    version = r.status === 0 ? /(\d+\.\d+(?:\.\d+)?)/.exec(r.stdout)?.[1] : undefined;
  }
  return version ? { name: PT_OSC, version } : null;
}

/**
 * The online-copy tool a plan for `target` over `connection` may use: pt-online-schema-change installed here (where a
 * run starts it), for MySQL/MariaDB and not over TLS (the tool is not given TLS settings). `plan --url`, `run` and the
 * wizard all ask this, so they show the same strategy.
 */
export function onlineCopyToolFor(target: Target, connection: ConnectionOptions): OnlineCopyTool | null {
  if (target.dialect === 'postgres' || connection.ssl) return null;
  return findPtOnlineSchemaChange();
}

/** The first executable file named `name` in PATH, or null. */
function onPath(name: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const file = join(dir, name);
    try {
      if (statSync(file).isFile()) {
        accessSync(file, constants.X_OK);
        return file;
      }
    } catch {
      // not here
    }
  }
  return null;
}

export interface OnlineCopyRun {
  readonly connection: ConnectionOptions;
  readonly table: TableRef;
  readonly copy: OnlineCopy;
  /** Each chunk of the copy aims at this time (its rows wait for it); pt-osc's own default is 500 ms. */
  readonly chunkTimeMs: number;
  /** pt-osc's lock_wait_timeout for its metadata locks (triggers, swap); it retries them itself. */
  readonly lockTimeoutMs: number;
  /** The replicas the run knows and the lag the copy waits under (--max-lag; one replica: --check-slave-lag). */
  readonly lag?: OnlineCopyLag;
  /** The server writes no binary log (log_bin off), so no replica can follow it: the tool looks for none. */
  readonly noBinlog?: boolean;
  readonly signal?: AbortSignal;
  readonly onLine?: (line: string) => void;
}

/** A MySQL option file, readable by its owner only, that holds `password` (quoted) for the tool's connection. */
function writeOptionFile(file: string, password: string): void {
  writeFileSync(file, `[client]\npassword="${password.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"\n`, { mode: 0o600 });
}

/** A pt-online-schema-change DSN (`F=` the option file with the password); its parts cannot hold a comma. */
function dsn(parts: readonly string[]): string {
  if (parts.some((part) => part.slice(2).includes(',')))
    throw new Error(`${PT_OSC}: a host, user or table name with a comma cannot be passed in its DSN`);
  return parts.join(',');
}

/**
 * The pt-online-schema-change arguments (option files hold the passwords: `optionFile` the server's, `replicaOptionFile`
 * the one replica's of `lag`). Replica lag: with the run's replicas and --max-lag, one replica is watched by
 * --check-slave-lag and several by the tool's own discovery with that --max-lag; without them the tool's defaults apply
 * (discovery, 1 s), except that a server without a binary log has no replica to look for (--recursion-method=none).
 */
export function ptOscArgs(r: Omit<OnlineCopyRun, 'signal' | 'onLine'>, optionFile: string, replicaOptionFile?: string): string[] {
  const c = r.connection;
  const main = dsn([`F=${optionFile}`, `h=${c.host}`, `P=${c.port}`, `u=${c.user}`, `D=${r.table.schema}`, `t=${r.table.name}`]);
  const lag: string[] = [];
  if (r.lag) {
    lag.push('--max-lag', String(r.lag.maxSeconds));
    const [one, ...more] = r.lag.replicas;
    if (one && !more.length) {
      if (!replicaOptionFile) throw new Error(`${PT_OSC}: the replica's option file is missing`);
      lag.push('--check-slave-lag', dsn([`F=${replicaOptionFile}`, `h=${one.host}`, `P=${one.port}`, `u=${one.user}`]));
    }
  } else if (r.noBinlog) lag.push('--recursion-method=none');
  return [
    '--alter',
    r.copy.alter,
    main,
    '--execute',
    '--chunk-time',
    (r.chunkTimeMs / 1000).toFixed(3),
    // The runner's report runs ANALYZE TABLE after the run.
    '--no-analyze-before-swap',
    '--set-vars',
    `lock_wait_timeout=${Math.max(1, Math.ceil(r.lockTimeoutMs / 1000))}`,
    ...lag,
  ];
}

/**
 * What pt-online-schema-change leaves when it is stopped or fails after creating them, as the statements it prints for
 * that ("To drop the triggers, execute: …"): only its own triggers (`pt_osc_…`) and its new table (`_…_new`).
 */
export function leftoverDrops(lines: readonly string[]): string[] {
  const id = '`(?:[^`]|``)+`';
  const trigger = new RegExp(`^DROP TRIGGER IF EXISTS ${id}\\.\`pt_osc_(?:[^\`]|\`\`)+\`;?$`);
  const table = new RegExp(`^DROP TABLE IF EXISTS ${id}\\.\`_(?:[^\`]|\`\`)+_new\`;?$`);
  return [...new Set(lines.filter((l) => trigger.test(l) || table.test(l)).map((l) => l.replace(/;$/, '')))];
}

export class OnlineCopyError extends Error {
  override readonly name = 'OnlineCopyError';
  constructor(
    message: string,
    /** The statements that remove what the tool left behind (`leftoverDrops`). */
    readonly leftovers: readonly string[],
    /** Of what it left, the statements that could not be run: the table still has these objects. */
    public remaining: readonly string[] = [],
  ) {
    super(message);
  }
}

/**
 * A --plugin for pt-online-schema-change that holds the tool before its first change: it compiles, connects and makes
 * its own checks, then, where it would create its new table, reads one line from its stdin. `go` lets it run on;
 * anything else, or the end of its input (the runner stopped it, or exited or was killed), makes it exit having
 * created nothing. Its waiting session holds no lock (its statements so far were single reads in autocommit).
 */
export const START_PLUGIN = `package pt_online_schema_change_plugin;
use strict;
use warnings;
sub new { my ($class, %args) = @_; return bless {}, $class; }
sub before_create_new_table {
   my $line = <STDIN>;
   if ( !defined $line || $line ne "go\\n" ) {
      print STDERR "column-wizard: not started; nothing was changed\\n";
      exit 3;
   }
   return;
}
1;
`;

/** The line the tool prints about its --plugin (the temporary file): left out of what is passed on. */
const PLUGIN_LINE = /^Created plugin from /;

/**
 * pt-online-schema-change started for a copy but held before its first change (`START_PLUGIN`): started while the
 * runner plans, so the tool's Perl start-up and its checks (0.3–1 s) overlap the planning. `go` lets it run when its
 * step comes, if the step asks for the same run (`key`); `discard` stops it. Stopped before `go`, it has made nothing.
 */
export class StartedPtOsc {
  private readonly child: ChildProcess;
  private readonly lines: string[] = [];
  private onLine: ((line: string) => void) | undefined;
  private readonly closed: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private exited = false;
  private released = false;

  constructor(
    /** What the tool will do: its arguments (with the option files' places left out) and the passwords it is given. */
    readonly key: string,
    args: readonly string[],
    private readonly dir: string,
  ) {
    this.child = spawn(PT_OSC, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    // A write after the tool exited (it failed its own checks): its exit says why.
    this.child.stdin!.on('error', () => undefined);
    const onData = (d: Buffer) => {
      for (const raw of d.toString().split('\n')) {
        const line = raw.trim();
        if (!line || PLUGIN_LINE.test(line)) continue;
        this.lines.push(line);
        this.onLine?.(line);
      }
    };
    this.child.stdout!.on('data', onData);
    this.child.stderr!.on('data', onData);
    this.closed = new Promise((resolve) => {
      const done = (code: number | null, signal: NodeJS.Signals | null) => {
        this.exited = true;
        rmSync(this.dir, { recursive: true, force: true });
        resolve({ code, signal });
      };
      this.child.on('close', done);
      this.child.on('error', (err) => {
        this.lines.push(err.message);
        done(null, null);
      });
    });
  }

  /** The tool's process id. */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** What it printed so far (without the line about its plugin). */
  get output(): readonly string[] {
    return this.lines;
  }

  /** Lets the tool change the table and waits for its end; rejects with an OnlineCopyError when it fails or is stopped. */
  async go(signal?: AbortSignal, onLine?: (line: string) => void): Promise<void> {
    if (this.released) throw new Error(`${PT_OSC} was already started or stopped`);
    this.released = true;
    for (const line of this.lines) onLine?.(line);
    this.onLine = onLine;
    const abort = () => {
      if (!this.exited) this.child.kill('SIGTERM');
    };
    if (signal?.aborted) abort();
    else {
      signal?.addEventListener('abort', abort, { once: true });
      if (!this.exited) this.child.stdin!.end('go\n');
    }
    const { code, signal: sig } = await this.closed;
    signal?.removeEventListener('abort', abort);
    if (code === 0) return;
    throw new OnlineCopyError(
      `${PT_OSC} ${sig ? `was stopped (${sig})` : `exited with ${code}`}: ${this.lines.slice(-6).join(' | ')}`,
      leftoverDrops(this.lines),
    );
  }

  /** Stops the tool if it was not let go (it exits having made nothing) and waits for it; a tool let go is left to `go`. */
  async discard(): Promise<void> {
    if (this.released) return;
    this.released = true;
    // Before `go` it has made nothing, wherever it is: the end of its input or SIGTERM ends it there.
    this.child.stdin!.end();
    if (!this.exited) this.child.kill('SIGTERM');
    await this.closed;
  }
}

/** The key of a copy run (`StartedPtOsc.key`): the same key, the same tool run. */
function runKey(r: Omit<OnlineCopyRun, 'signal' | 'onLine'>): string {
  return JSON.stringify([
    ptOscArgs(r, '', r.lag?.replicas.length === 1 ? '' : undefined),
    r.connection.password ?? '',
    r.lag?.replicas.map((x) => x.password ?? ''),
  ]);
}

/** Starts pt-online-schema-change for `r`, held before its first change until `go` (see StartedPtOsc). */
export function startOnlineCopy(r: Omit<OnlineCopyRun, 'signal' | 'onLine'>): StartedPtOsc {
  if (r.connection.ssl) throw new Error(`${PT_OSC} is not given TLS settings: run without the online copy over TLS`);
  const dir = mkdtempSync(join(tmpdir(), 'cw-ptosc-'));
  try {
    const optionFile = join(dir, 'client.cnf');
    writeOptionFile(optionFile, r.connection.password ?? '');
    const replica = r.lag?.replicas.length === 1 ? r.lag.replicas[0]! : undefined;
    const replicaOptionFile = replica ? join(dir, 'replica.cnf') : undefined;
    if (replica && replicaOptionFile) writeOptionFile(replicaOptionFile, replica.password ?? '');
    const plugin = join(dir, 'start.pm');
    writeFileSync(plugin, START_PLUGIN, { mode: 0o600 });
    return new StartedPtOsc(runKey(r), [...ptOscArgs(r, optionFile, replicaOptionFile), '--plugin', plugin], dir);
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

/**
 * Runs pt-online-schema-change to the end; rejects with an OnlineCopyError (its last lines) when it fails or is stopped.
 * `started`: the tool started ahead for this step (`startOnlineCopy`); used when it was started for the same run,
 * else stopped (it made nothing) and the tool started now.
 */
export async function runOnlineCopy(r: OnlineCopyRun, started?: StartedPtOsc): Promise<void> {
  let tool = started;
  if (tool && tool.key !== runKey(r)) {
    await tool.discard();
    tool = undefined;
  }
  await (tool ?? startOnlineCopy(r)).go(r.signal, r.onLine);
}
