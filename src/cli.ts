/**
 * column-wizard: the extension's capabilities for the terminal and CI.
 * Each subcommand lives in src/cli/<name>.ts and exports `run(argv, io)`; this file only dispatches.
 */
import { writeSync } from 'node:fs';
import { isUsageError } from './cli/args';
import { redactSecrets } from './core/redact';
import { describeError } from './core/format';
import { version } from '../package.json';

export interface Io {
  out(text: string): void;
  err(text: string): void;
}

interface Subcommand {
  readonly summary: string;
  readonly usage: string;
  readonly run?: (argv: string[], io: Io) => Promise<number>;
}

const SUBCOMMANDS: Record<string, Subcommand> = {
  plan: {
    summary: 'Plan adding a column: phases, SQL, and the lock impact of every step.',
    usage:
      'column-wizard plan (--url URL | --dialect postgres|mysql|mariadb --server-version X [--rows N] [--bytes N]) --table [schema.]name --column "<definition>" [--index] [--unique] [--format text|json] [--lock-timeout-ms N] [--standbys] [--no-calibrate | --recalibrate] [--calibration-max-age HOURS] [--no-online-copy | --no-own-copy] [--node URL …] [--galera-rsu]',
    run: (argv, io) => import('./cli/plan').then((m) => m.run(argv, io)),
  },
  explain: {
    summary: 'Report the lock each statement of a migration takes on a live database.',
    usage:
      'column-wizard explain --url URL --sql "<statements>" [--allow-probe] [--format text|json] [--no-calibrate | --recalibrate] [--calibration-max-age HOURS]',
    run: (argv, io) => import('./cli/explain').then((m) => m.run(argv, io)),
  },
  lint: {
    summary: 'Lint .sql migration files with the same rules.',
    usage:
      'column-wizard lint <files or folders…> [--url URL | --dialect D --server-version V] [--format text|json|sarif] [--tool <migration tool> | --transaction auto|wrapped|none] [--lock-timeout-configured] [--config FILE (default: the nearest .column-wizard.json or package.json "columnWizard" above each file)] [--schema SNAPSHOT (from column-wizard snapshot; default: the config\'s "snapshot")]',
    run: (argv, io) => import('./cli/lint').then((m) => m.run(argv, io)),
  },
  snapshot: {
    summary: "Write the tables' schema and statistics (no data, no credentials) to a file that lint --schema reads.",
    usage: 'column-wizard snapshot --url URL [--out FILE (never overwritten; default: stdout)] [--tables [schema.]name,… | --schema S]',
    run: (argv, io) => import('./cli/snapshot').then((m) => m.run(argv, io)),
  },
  write: {
    summary: "Write the plan as migration files in the workspace's migration tool format.",
    usage:
      'column-wizard write --dir DIR [--tool auto|<name>] [--name NAME] [--non-transactional-runner] [--format text|json] <plan options: --dialect D --server-version V [--rows N] [--bytes N] --table [schema.]name --column "<definition>" [--index] [--unique] [--lock-timeout-ms N]>',
    run: (argv, io) => import('./cli/write').then((m) => m.run(argv, io)),
  },
  run: {
    summary: 'Run a plan against a database: lock timeouts, retries, throttled batched backfill, resume.',
    usage:
      'column-wizard run --url URL (--plan plan.json [--replan | --trust-plan-sql] | --table [schema.]name --column "<definition>" [--index] [--unique] [--standbys]) [--yes] [--format text|json] [--allow-remote] [--lock-timeout-ms N] [--statement-timeout-ms N] [--batch-ms N | --batch-size N] [--max-lag SECONDS [--lag-url REPLICA_URL]] [--replica-url URL …] [--abandon-previous] [--no-online-copy | --no-own-copy] [--no-calibrate | --recalibrate] [--calibration-max-age HOURS] [--node URL …] [--galera-rsu] [--no-subscribers]',
    run: (argv, io) => import('./cli/run').then((m) => m.run(argv, io)),
  },
  baseline: {
    summary: 'Record how a table looks right after its new column was added, for a later verify (any migration tool).',
    usage:
      'column-wizard baseline --url URL --table [schema.]name --column NAME [--query "SELECT …" …] [--placeholder VALUE] [--sample N] [--dir DIR] [--format text|json]',
    run: (argv, io) => import('./cli/rollout').then((m) => m.runBaseline(argv, io)),
  },
  verify: {
    summary: 'Check a rollout days later: index use, query plans, storage, whether the app writes the column, other nodes.',
    usage:
      'column-wizard verify --url URL (--table [schema.]name --column NAME | --baseline FILE) [--query "SELECT …" …] [--node URL …] [--unused-days N] [--sample N] [--markdown FILE] [--dir DIR] [--format text|json]',
    run: (argv, io) => import('./cli/rollout').then((m) => m.runVerify(argv, io)),
  },
  scan: {
    summary:
      'Find the model that maps a table and the code that writes it (Prisma, Drizzle, TypeORM, Sequelize, Kysely, SQLAlchemy, Django, ActiveRecord, raw SQL).',
    usage: 'column-wizard scan --table [schema.]name --column NAME [--dir DIR] [--format text|json]',
    run: (argv, io) => import('./cli/appScan').then((m) => m.run(argv, io)),
  },
  drift: {
    summary: "Compare a table's definition across connections or replicas.",
    usage: 'column-wizard drift --url A --url B … --table [schema.]name [--format text|json]',
    run: (argv, io) => import('./cli/drift').then((m) => m.run(argv, io)),
  },
};

function help(): string {
  const width = Math.max(...Object.keys(SUBCOMMANDS).map((k) => k.length));
  return [
    'column-wizard — add a column to a live PostgreSQL or MySQL/MariaDB table safely',
    '',
    'Usage: column-wizard <command> [options]',
    '       column-wizard --version',
    '',
    'Commands:',
    ...Object.entries(SUBCOMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
    '',
    "Run 'column-wizard <command> --help' for a command's options.",
  ].join('\n');
}

/** Passwords given on the command line (in URLs) or in the environment: hidden wherever an error repeats them. */
function knownSecrets(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (const a of argv) {
    const m = /^(?:--[\w-]+=)?([a-z][a-z0-9+.-]*:\/\/.*)$/i.exec(a);
    if (!m) continue;
    const at = m[1]!.lastIndexOf('@');
    const colon = m[1]!.indexOf(':', m[1]!.indexOf('//') + 2);
    if (at < 0 || colon < 0 || colon > at) continue;
    const raw = m[1]!.slice(colon + 1, at);
    out.push(raw);
    try {
      out.push(decodeURIComponent(raw));
    } catch {
      /* not percent-encoded */
    }
  }
  for (const k of ['PGPASSWORD', 'MYSQL_PWD', 'MYSQL_PASSWORD']) if (process.env[k]) out.push(process.env[k]!);
  return out;
}

export async function main(argv: string[], rawIo: Io): Promise<number> {
  const known = knownSecrets(argv);
  // Every diagnostic goes through the one redaction (core/redact.ts); stdout carries plans and SQL, which are data.
  const io: Io = { out: (t) => rawIo.out(t), err: (t) => rawIo.err(redactSecrets(t, known)) };
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.out(help());
    return 0;
  }
  if (name === '--version' || name === '-v' || name === 'version') {
    io.out(version);
    return 0;
  }
  const cmd = SUBCOMMANDS[name];
  if (!cmd) {
    io.err(`column-wizard: unknown command '${name}'\n\n${help()}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(`${cmd.summary}\n\nUsage: ${cmd.usage}`);
    return 0;
  }
  if (!cmd.run) {
    io.err(`column-wizard ${name}: not available yet in this version.`);
    return 3;
  }
  try {
    return await cmd.run(rest, io);
  } catch (err) {
    if (isUsageError(err)) {
      io.err(`column-wizard ${name}: ${err.message}\n\nUsage: ${cmd.usage}`);
      return 2;
    }
    io.err(`column-wizard ${name}: ${describeError(err)}`);
    return 1;
  }
}

/**
 * Writes `text` to file descriptor 1 or 2. On POSIX it writes the bytes straight to the descriptor: first touching
 * `process.stdout` on a pipe builds a socket stream (net and the stream modules, about 5 ms of a 150 ms `lint` start,
 * bench/coldStart.ts). A write that fails (a non-blocking pipe that is full, a closed reader) hands what is left, and
 * every later write to that descriptor, to Node's stream, which is what printed everything before. On Windows it is
 * always the stream (which writes Unicode to the console).
 */
export function writeToFd(fd: 1 | 2, text: string, streamed = STREAMED): void {
  const stream = () => (fd === 1 ? process.stdout : process.stderr);
  if (process.platform === 'win32' || streamed.has(fd)) {
    stream().write(text);
    return;
  }
  const bytes = Buffer.from(text, 'utf8');
  let done = 0;
  try {
    while (done < bytes.length) done += writeSync(fd, bytes, done);
  } catch {
    streamed.add(fd);
    stream().write(bytes.subarray(done));
  }
}
const STREAMED = new Set<number>();

/** Runs the command line of this process, printing to stdout/stderr and setting the exit code. */
export function runFromProcess(): void {
  main(process.argv.slice(2), { out: (t) => writeToFd(1, `${t}\n`), err: (t) => writeToFd(2, `${t}\n`) }).then((code) => {
    process.exitCode = code;
  });
}

if (require.main === module) runFromProcess();
