/**
 * pt-online-schema-change (Percona Toolkit) run by the runner for a plan step with `onlineCopy`: found on PATH, given the
 * connection's credentials in a private option file (never on its command line), its chunks aimed at the runner's batch
 * time, its output passed on line by line.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  accessSync,
  closeSync,
  constants,
  mkdtempSync,
  openSync,
  readFileSync,
  readSync,
  rmSync,
  statSync,
  writeFileSync,
  type Stats,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { esc } from '../../core/app/text';
import type { OnlineCopy, OnlineCopyTool, TableRef, Target } from '../../core/types';
import type { ConnectionOptions } from '../connection';
import type { OnlineCopyLag } from '../run/types';

const PT_OSC = 'pt-online-schema-change';

/**
 * The installed pt-online-schema-change and its version, or null. The version is read from the script on PATH (its
 * `=head1 VERSION` section, what `--version` prints): running `--version` compiles the whole Perl tool first, 0.3–1 s
 * on a busy machine, in the way of every plan and run. A file it cannot read that way is asked with `--version`. Each
 * lookup searches PATH again (a tool installed or removed since is seen); the version is read once per file, size and
 * modification time.
 */
export function findPtOnlineSchemaChange(): OnlineCopyTool | null {
  const found = onPath(PT_OSC);
  if (!found) return null;
  const id = `${found.path}\0${found.stat.size}\0${found.stat.mtimeMs}`;
  if (!versions.has(id)) versions.set(id, readVersion(found.path));
  const version = versions.get(id);
  return version ? { name: PT_OSC, version } : null;
}

/** findPtOnlineSchemaChange's versions by file identity (path, size, modification time). */
const versions = new Map<string, string | undefined>();

function readVersion(path: string): string | undefined {
  let text = '';
  try {
    text = readFileSync(path, 'latin1');
  } catch {
    // unreadable: ask the tool below
  }
  const version = /^=head1 VERSION\s+pt-online-schema-change (\d+\.\d+(?:\.\d+)?)\s*$/m.exec(text)?.[1];
  if (version) return version;
  const r = spawnSync(path, ['--version'], { encoding: 'utf8', timeout: 10_000 });
  return r.status === 0 ? /(\d+\.\d+(?:\.\d+)?)/.exec(r.stdout)?.[1] : undefined;
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

/** The first executable file named `name` in PATH, with its stat, or null. */
function onPath(name: string): { path: string; stat: Stats } | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const file = join(dir, name);
    try {
      const stat = statSync(file);
      if (stat.isFile()) {
        accessSync(file, constants.X_OK);
        return { path: file, stat };
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
  /** false: start a tool of its own even when one is held (holdOnlineCopy) — the calibration's copy leaves it for the run's. */
  readonly useHeld?: boolean;
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
export function ptOscArgs(
  r: Omit<OnlineCopyRun, 'signal' | 'onLine' | 'useHeld'>,
  optionFile: string,
  replicaOptionFile?: string,
): string[] {
  const [alter, value, ...rest] = ptOscOptions(r, replicaOptionFile);
  return [alter!, value!, mainDsn(r.connection, r.table, optionFile), ...rest];
}

/** The DSN of the table the tool alters (`optionFile` holds the password). */
function mainDsn(c: ConnectionOptions, table: TableRef, optionFile: string): string {
  return dsn([`F=${optionFile}`, `h=${c.host}`, `P=${c.port}`, `u=${c.user}`, `D=${table.schema}`, `t=${table.name}`]);
}

/** ptOscArgs without the table's DSN. */
function ptOscOptions(r: Omit<OnlineCopyRun, 'signal' | 'onLine' | 'useHeld'>, replicaOptionFile?: string): string[] {
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
    '--execute',
    '--chunk-time',
    (r.chunkTimeMs / 1000).toFixed(3),
    // The runner's report runs ANALYZE TABLE after the run.
    '--no-analyze-before-swap',
    // The tool's default (Debian's package turns it off in /etc/percona-toolkit; Percona's own packages do not) sends
    // v.percona.com, once a day, the versions it asks for (the server's, Perl's, the OS's) with an MD5 of the server's
    // hostname and port, with a 3 s timeout: nothing goes to a host the user did not name.
    '--no-version-check',
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

/**
 * What the tool's own output says it made and did not remove again (pt-online-schema-change 3.x prints each stage):
 * `newTable`, the name in "Created new table <schema>.<name> OK."; `triggers` 'all' after "Created triggers OK.",
 * 'partly' when it stopped between "Creating triggers..." and that (some may be its), else 'none'; `newTableUnsure` when it
 * stopped between "Creating new table..." and "Created new table". Its trigger names depend only on the table, so
 * the same names on the table may be another copy's: only this output tells which run made them.
 */
export function madeByTool(
  lines: readonly string[],
  schema: string,
): { newTable: string | null; newTableUnsure: boolean; triggers: 'all' | 'partly' | 'none' } {
  const has = (text: string) => lines.some((l) => l.endsWith(text));
  const prefix = `Created new table ${schema}.`;
  const created = lines.find((l) => l.startsWith(prefix) && l.endsWith(' OK.'));
  const tableDropped = has('Dropped new table OK.');
  const triggersDropped = has('Dropping triggers...') || has('Dropped triggers OK.');
  return {
    newTable: created && !tableDropped ? created.slice(prefix.length, -' OK.'.length) : null,
    newTableUnsure: !created && lines.some((l) => l === 'Creating new table...'),
    triggers: triggersDropped ? 'none' : has('Created triggers OK.') ? 'all' : has('Creating triggers...') ? 'partly' : 'none',
  };
}

let setprivPath: string | null | undefined;

/**
 * util-linux `setpriv` when it can set the parent-death signal (`--pdeathsig`, Linux, util-linux 2.33+: its binary holds
 * that option's help text, else its `--help` names it), else null.
 * It execs the tool in its own process, so the tool's pid is the child's.
 */
export function pdeathsigWrapper(): string | null {
  if (setprivPath !== undefined) return setprivPath;
  setprivPath = null;
  if (process.platform !== 'linux') return null;
  const path = onPath('setpriv')?.path;
  if (!path) return null;
  // Its help text is in the binary: found there, no process is started to ask (~10 ms here, before the tool can start).
  try {
    if (readFileSync(path).includes('--pdeathsig')) return (setprivPath = path);
  } catch {
    // unreadable: ask it below
  }
  const help = spawnSync(path, ['--help'], { encoding: 'utf8', timeout: 5_000 });
  if (help.status === 0 && help.stdout.includes('--pdeathsig')) setprivPath = path;
  return setprivPath;
}

/**
 * The pt-online-schema-change processes on this machine whose command line names `table` (`D=<schema>` and
 * `t=<name>` in its DSN), other than the one this process holds: pid and command line. Listed with `ps`; null when
 * `ps` cannot be run. Each candidate's arguments are read from /proc/<pid>/cmdline (NUL-separated, so a name with a
 * space stays one value); `ps` joins them with spaces, so where there is no /proc a part is matched in its line up to
 * a comma, a space or the end, and a table `a` is then also found in a copy of `a b`.
 */
export function runningCopies(table: TableRef): { pid: number; args: string }[] | null {
  const ps = spawnSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8', timeout: 5_000 });
  if (ps.status !== 0) return null;
  const parts = [`D=${table.schema}`, `t=${table.name}`];
  const inDsn = (arg: string) => parts.every((part) => arg.split(',').includes(part));
  const inLine = (line: string) => parts.every((part) => new RegExp(`(?:^|[\\s,])${esc(part)}(?:,|\\s|$)`).test(line));
  return (
    ps.stdout
      .split('\n')
      .map((l) => /^\s*(\d+)\s+(.*)$/.exec(l))
      // Not this process, nor the tool it holds for its own copy (holdOnlineCopy).
      .filter(
        (m): m is RegExpExecArray =>
          m !== null && m[2]!.includes(PT_OSC) && Number(m[1]) !== process.pid && Number(m[1]) !== getHeld()?.child.pid,
      )
      .filter((m) => {
        const argv = commandLine(Number(m[1]));
        return argv ? argv.some(inDsn) : inLine(m[2]!);
      })
      .map((m) => ({ pid: Number(m[1]), args: m[2]! }))
  );
}

/** A process's arguments from /proc (Linux), or null where there is none or the process is gone. */
function commandLine(pid: number): string[] | null {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  } catch {
    return null;
  }
}

/**
 * A Perl module that holds pt-online-schema-change between its compilation and its first statement: its INIT block runs
 * once Perl has compiled the whole tool (0.1–0.4 s of CPU here) and before the tool's code runs. It loads the MySQL driver
 * (which the tool loads at its first connection) and the modules the tool's top-level code requires when it starts
 * (JSON, IO::Socket::SSL, Term::ReadKey, each in an eval as there: one not installed is left out), which took 56–63 ms
 * after the handover before its first connection, 12–47 ms with them loaded here (MariaDB 10.11, pt-osc 3.2.1, 1M rows,
 * 5 runs each). Then it reads the rest of the tool's arguments from stdin, one per line
 * as `x` and the argument in hex, up to an empty line. Stdin closed before that empty line: it exits 0 having done nothing (no connection made).
 */
const HOLD_MODULE = `package cw_hold;
INIT {
  eval { require DBI; require DBD::mysql; 1 };
  eval { require JSON; 1 };
  eval { require IO::Socket::SSL; 1 };
  eval { require Term::ReadKey; 1 };
  my @args;
  while (1) {
    my $line = <STDIN>;
    exit 0 unless defined $line;
    chomp $line;
    last if $line eq '';
    push @args, pack('H*', substr($line, 1));
  }
  unshift @ARGV, @args;
}
1;
`;

/** pt-online-schema-change started ahead of its copy and held after its compilation (HOLD_MODULE), with its DSN. */
interface HeldCopy {
  readonly child: ChildProcess;
  readonly dir: string;
  readonly optionFile: string;
  readonly connection: ConnectionOptions;
  readonly table: TableRef;
  /** What it printed before it was given its arguments (nothing, unless Perl failed to compile it). */
  readonly lines: string[];
  onData: (line: string) => void;
  exited: boolean;
}

/**
 * The held tool is kept on globalThis: dist/cli.js (src/cli/start.ts) may start it before it loads the CLI's bundle,
 * which has its own copy of this module.
 */
const HELD = Symbol.for('column-wizard.heldOnlineCopy');
const slot = globalThis as { [HELD]?: HeldCopy | null };
const getHeld = (): HeldCopy | null => slot[HELD] ?? null;
const setHeld = (h: HeldCopy | null): void => {
  slot[HELD] = h;
};

/** The held tool is for this connection and table, and still waits. */
function heldFor(h: HeldCopy | null, connection: ConnectionOptions, table: TableRef): h is HeldCopy {
  return (
    h !== null &&
    !h.exited &&
    h.connection.host === connection.host &&
    h.connection.port === connection.port &&
    h.connection.user === connection.user &&
    (h.connection.password ?? '') === (connection.password ?? '') &&
    h.table.schema === table.schema &&
    h.table.name === table.name
  );
}

/**
 * Starts pt-online-schema-change for a copy of `table` that a run may ask for soon: Perl compiles the tool meanwhile
 * and holds it before its first statement, so the copy starts without that wait. It connects to nothing until
 * runOnlineCopy gives it its arguments; a run that does not copy, or copies another table or over another connection,
 * leaves it (discardHeldOnlineCopy ends it; it also ends with this process). Only a Perl script on PATH is held, by the Perl its #! line names (a
 * stand-in of another kind runs as usual); over TLS nothing is started. Never in the way: this process does not wait for it.
 */
export function holdOnlineCopy(connection: ConnectionOptions, table: TableRef): void {
  if (heldFor(getHeld(), connection, table)) return; // held already (src/cli/start.ts)
  discardHeldOnlineCopy();
  if (connection.ssl) return;
  const path = onPath(PT_OSC)?.path;
  const interpreter = path ? perlOf(path) : null;
  if (!path || !interpreter) return;
  let optionFile: string;
  let dir: string;
  try {
    dir = mkdtempSync(join(tmpdir(), 'cw-ptosc-'));
    optionFile = join(dir, 'client.cnf');
    writeOptionFile(optionFile, connection.password ?? '');
    writeFileSync(join(dir, 'cw_hold.pm'), HOLD_MODULE, { mode: 0o600 });
  } catch {
    return;
  }
  const setpriv = pdeathsigWrapper();
  // The DSN on the command line, as when the tool is run directly: `runningCopies` finds it by D= and t=.
  const perl = [interpreter, `-I${dir}`, '-Mcw_hold', path, mainDsn(connection, table, optionFile)];
  const child = setpriv
    ? spawn(setpriv, ['--pdeathsig', 'TERM', '--', ...perl], { stdio: ['pipe', 'pipe', 'pipe'] })
    : spawn(perl[0]!, perl.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] });
  const h: HeldCopy = { child, dir, optionFile, connection, table, lines: [], onData: (line) => h.lines.push(line), exited: false };
  const onData = (d: Buffer) => {
    for (const line of d.toString().split('\n')) if (line.trim()) h.onData(line.trim());
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  child.stdin!.on('error', () => undefined);
  child.on('error', () => (h.exited = true));
  child.on('exit', () => (h.exited = true));
  // Held, it keeps nothing of this process waiting.
  child.unref();
  for (const s of [child.stdin, child.stdout, child.stderr]) (s as unknown as { unref?: () => void }).unref?.();
  setHeld(h);
}

/** Ends the held pt-online-schema-change (holdOnlineCopy), if any: it has made no connection, so there is nothing to undo. */
export function discardHeldOnlineCopy(): void {
  const h = getHeld();
  setHeld(null);
  if (!h) return;
  h.child.stdin!.end();
  if (!h.exited) h.child.kill('SIGTERM');
  rmSync(h.dir, { recursive: true, force: true });
}

/** The held tool when it is for this connection and table and still waits; any other is ended. */
function takeHeld(connection: ConnectionOptions, table: TableRef): HeldCopy | null {
  const h = getHeld();
  if (!h) return null;
  if (!heldFor(h, connection, table)) {
    discardHeldOnlineCopy();
    return null;
  }
  setHeld(null);
  h.child.ref();
  for (const s of [h.child.stdin, h.child.stdout, h.child.stderr]) (s as unknown as { ref?: () => void }).ref?.();
  return h;
}

/**
 * The Perl that runs the script at `path`, as its `#!` line names it (`#!/usr/bin/perl`, or `#!/usr/bin/env perl`: the
 * perl on PATH), so the held tool gets the interpreter, and with it the DBD::mysql, it runs with by itself; null when
 * the file is not a Perl script. Perl reads the switches of that line itself.
 */
export function perlOf(path: string): string | null {
  try {
    const fd = openSync(path, 'r');
    try {
      const head = Buffer.alloc(256);
      const n = readSync(fd, head, 0, 256, 0);
      const m = /^#![ \t]*(\S+)[ \t]*(\S*)/.exec(head.subarray(0, n).toString('latin1'));
      if (!m) return null;
      const [, interpreter, first] = m;
      const perl = /(^|\/)env$/.test(interpreter!) ? first! : interpreter!;
      return /(^|\/)perl[\d.]*$/.test(perl) ? perl : null;
    } finally {
      closeSync(fd);
    }
  } catch {
    return null;
  }
}

export class OnlineCopyError extends Error {
  override readonly name = 'OnlineCopyError';
  constructor(
    message: string,
    /** The statements that remove what the tool left behind (`leftoverDrops`). */
    readonly leftovers: readonly string[],
    /** Of what it left, the statements that could not be run: the table still has these objects. */
    public remaining: readonly string[] = [],
    /** What its output says it made (`madeByTool`), for what it made but could not print (killed). */
    readonly made: ReturnType<typeof madeByTool> = { newTable: null, newTableUnsure: false, triggers: 'none' },
  ) {
    super(message);
  }
}

/** Runs pt-online-schema-change to the end; rejects with an OnlineCopyError (its last lines) when it fails or is stopped. */
export async function runOnlineCopy(r: OnlineCopyRun): Promise<void> {
  if (r.connection.ssl) throw new Error(`${PT_OSC} is not given TLS settings: run without the online copy over TLS`);
  // The tool started ahead for this table (holdOnlineCopy): compiled already, it is given the rest of its arguments.
  const h = r.useHeld === false ? null : takeHeld(r.connection, r.table);
  const dir = h ? h.dir : mkdtempSync(join(tmpdir(), 'cw-ptosc-'));
  const optionFile = h ? h.optionFile : join(dir, 'client.cnf');
  try {
    if (!h) writeOptionFile(optionFile, r.connection.password ?? '');
    const replica = r.lag?.replicas.length === 1 ? r.lag.replicas[0]! : undefined;
    const replicaOptionFile = replica ? join(dir, 'replica.cnf') : undefined;
    if (replica && replicaOptionFile) writeOptionFile(replicaOptionFile, replica.password ?? '');
    // Linux: the tool gets SIGTERM when this process dies (even by SIGKILL), so no copy goes on without the run.
    const setpriv = h ? null : pdeathsigWrapper();
    await new Promise<void>((resolve, reject) => {
      const lines: string[] = [];
      const onLine = (line: string) => {
        lines.push(line);
        r.onLine?.(line);
      };
      let child: ChildProcess;
      if (h) {
        child = h.child;
        for (const line of h.lines) onLine(line);
        h.onData = onLine;
        const rest = ptOscOptions(r, replicaOptionFile);
        child.stdin!.end(`${rest.map((a) => `x${Buffer.from(a, 'utf8').toString('hex')}`).join('\n')}\n\n`);
      } else {
        const args = ptOscArgs(r, optionFile, replicaOptionFile);
        child = setpriv
          ? spawn(setpriv, ['--pdeathsig', 'TERM', '--', PT_OSC, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
          : spawn(PT_OSC, args, { stdio: ['ignore', 'pipe', 'pipe'] });
        const onData = (d: Buffer) => {
          for (const line of d.toString().split('\n')) if (line.trim()) onLine(line.trim());
        };
        child.stdout!.on('data', onData);
        child.stderr!.on('data', onData);
      }
      const abort = () => child.kill('SIGTERM');
      r.signal?.addEventListener('abort', abort, { once: true });
      child.on('error', (err) => reject(err));
      child.on('close', (code, sig) => {
        r.signal?.removeEventListener('abort', abort);
        if (code === 0) resolve();
        else
          reject(
            new OnlineCopyError(
              `${PT_OSC} ${sig ? `was stopped (${sig})` : `exited with ${code}`}: ${lines.slice(-6).join(' | ')}`,
              leftoverDrops(lines),
              [],
              madeByTool(lines, r.table.schema),
            ),
          );
      });
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
