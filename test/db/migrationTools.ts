/**
 * Running real migration tools (from node_modules/.bin) against a throwaway database, for the migration writer tests.
 * Each workspace is a temporary folder the migrations are written into through the real node:fs FileSink.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { NodeFileSink } from '../../src/cli/nodeFileSink';
import { writeMigrations, type MigrationTool, type WriteResult, type WriterOptions } from '../../src/core/migrations';
import assert from 'node:assert/strict';
import { after, type TestContext } from 'node:test';
import type { Plan } from '../../src/core/types';
import type { DatabaseClient } from '../../src/db/client';
import type { ThrowawayDatabase } from './helpers';
import { planFor } from '../unit/migrations/plans';
import { skipOrFail } from './helpers';

export const BIN = resolve(__dirname, '../../node_modules/.bin');

export interface ToolRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Run a tool; throws with its output when it exits non-zero (unless `allowFailure`). */
export function runTool(
  cmd: string,
  args: readonly string[],
  opts: { cwd: string; env?: Record<string, string>; allowFailure?: boolean },
): ToolRun {
  const local = join(BIN, cmd);
  const exe = cmd.includes('/') || !existsSync(local) ? cmd : local;
  const r = spawnSync(exe, args, { cwd: opts.cwd, env: { ...process.env, ...opts.env }, encoding: 'utf8', timeout: 120_000 });
  const out = { status: r.status, stdout: r.stdout ?? '', stderr: `${r.stderr ?? ''}${r.error ? String(r.error) : ''}` };
  if (r.status !== 0 && !opts.allowFailure) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}\n${out.stdout}\n${out.stderr}`);
  return out;
}

/**
 * An optional tool outside node_modules (a Debian package): each `checks` command must exit 0. When one does not,
 * the test is skipped with the reason, or fails under CI=true (where .ci/run installs the tool).
 */
export function requireTool(t: TestContext, tool: string, install: string, checks: readonly (readonly string[])[]): void {
  for (const [cmd, ...args] of checks) {
    const r = spawnSync(cmd!, args, { encoding: 'utf8', timeout: 30_000 });
    if (r.status === 0) continue;
    const why = r.error
      ? (r.error as NodeJS.ErrnoException).code === 'ENOENT'
        ? `${cmd} is not on PATH`
        : r.error.message
      : `\`${[cmd, ...args].join(' ')}\` exited ${r.status}`;
    skipOrFail(t, `${tool} is not available (${why}); install ${install}`);
  }
}

export interface Workspace {
  readonly root: string;
  remove(): void;
}

export function tempWorkspace(prefix: string): Workspace {
  const root = mkdtempSync(join(tmpdir(), `cw-${prefix}-`));
  return { root, remove: () => rmSync(root, { recursive: true, force: true }) };
}

/** A `tempWorkspace` maker for one test file: every workspace it made is removed after the file. Call at top level. */
export function workspacesForFile(): (prefix: string) => Workspace {
  const made: Workspace[] = [];
  after(() => made.forEach((w) => w.remove()));
  return (prefix) => {
    const w = tempWorkspace(prefix);
    made.push(w);
    return w;
  };
}

/** Write the plan's migrations with the tool's writer into `dir` of the workspace; fails the test when the write fails. */
export async function writeInto(
  ws: Workspace,
  plan: Plan,
  tool: MigrationTool,
  dir: string,
  options: WriterOptions = {},
  now = new Date(),
  name?: string,
): Promise<{ result: WriteResult; created: readonly string[] }> {
  const { result, outcome } = await writeMigrations(new NodeFileSink(ws.root), plan, {
    tool,
    dir,
    now,
    options,
    ...(name ? { name } : {}),
  });
  if (!outcome.ok) throw new Error(outcome.message);
  return { result, created: outcome.created };
}

/** PostgreSQL URL with sslmode=disable (dbmate insists on an explicit mode for a local server without TLS). */
export function pgUrlNoSsl(url: string): string {
  const u = new URL(url);
  u.searchParams.set('sslmode', 'disable');
  return u.toString();
}

export const ROWS = 2500; // more than two backfill batches of 1000

/** PostgreSQL 15: volatile default → expand, batched backfill, concurrent index, NOT NULL through a validated CHECK. */
export function pgPlan(table: string): Plan {
  return planFor('postgres', '15.4', 'token uuid NOT NULL DEFAULT gen_random_uuid()', { index: true, table, rows: ROWS });
}

export async function pgSeed(db: DatabaseClient, table: string): Promise<void> {
  await db.query(`CREATE TABLE "${table}" (id bigint PRIMARY KEY, name text)`);
  await db.query(`INSERT INTO "${table}" SELECT g, 'n' || g FROM generate_series(1, ${ROWS}) g`);
}

export async function pgColumn(db: DatabaseClient, table: string) {
  const cols = await db.query<{ data_type: string; is_nullable: string; column_default: string | null }>(
    `SELECT data_type, is_nullable, column_default FROM information_schema.columns WHERE table_schema = 'public' AND table_name = '${table}' AND column_name = 'token'`,
  );
  const idx = await db.query<{ valid: boolean }>(
    `SELECT i.indisvalid AS valid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = '${table}_token_idx'`,
  );
  const nulls = cols.length ? (await db.query<{ n: string }>(`SELECT count(*) AS n FROM "${table}" WHERE token IS NULL`))[0]!.n : null;
  const distinct = cols.length ? (await db.query<{ n: string }>(`SELECT count(DISTINCT token) AS n FROM "${table}"`))[0]!.n : null;
  return {
    column: cols[0],
    index: idx[0],
    nulls: nulls === null ? null : Number(nulls),
    distinct: distinct === null ? null : Number(distinct),
  };
}

export async function assertPgApplied(db: DatabaseClient, table: string): Promise<void> {
  const s = await pgColumn(db, table);
  assert.ok(s.column, `${table}.token exists`);
  assert.equal(s.column.data_type, 'uuid');
  assert.equal(s.column.is_nullable, 'NO');
  assert.equal(s.column.column_default, 'gen_random_uuid()');
  assert.deepEqual(s.index, { valid: true }, 'the index exists and is valid');
  assert.equal(s.nulls, 0, 'every existing row was backfilled');
  assert.equal(s.distinct, ROWS, 'each row got its own volatile default');
}

export async function assertPgGone(db: DatabaseClient, table: string): Promise<void> {
  const s = await pgColumn(db, table);
  assert.equal(s.column, undefined, `${table}.token is gone`);
  assert.equal(s.index, undefined, 'the index is gone');
}

/** The CLIs of knex, sequelize, kysely-ctl and drizzle-kit resolve their library from the workspace: link ours. */
export function linkNodeModules(ws: Workspace): void {
  symlinkSync(resolve(__dirname, '../../node_modules'), join(ws.root, 'node_modules'));
}

/** Run SQL the way a person runs a manual step: `psql -f`, which sends each statement on its own. */
export function psqlFile(ws: Workspace, url: string, sql: string): ToolRun {
  const file = join(ws.root, `manual-${Date.now()}.sql`);
  writeFileSync(file, `${sql}\n`);
  return runTool('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', url, '-f', file], { cwd: ws.root });
}

/** MariaDB: volatile default → instant add, full backfill, online index, NOT NULL. */
export function myPlan(schema: string, table: string): Plan {
  return planFor('mariadb', '10.11.6-MariaDB', 'token varchar(40) NOT NULL DEFAULT (UUID())', { index: true, schema, table, rows: ROWS });
}

export async function mySeed(db: DatabaseClient, table: string): Promise<void> {
  await db.query(`CREATE TABLE \`${table}\` (id bigint PRIMARY KEY, name text)`);
  await db.query(`INSERT INTO \`${table}\` SELECT seq, CONCAT('n', seq) FROM seq_1_to_${ROWS}`);
}

export async function assertMyApplied(db: DatabaseClient, table: string): Promise<void> {
  const col = await db.query<{ COLUMN_TYPE: string; IS_NULLABLE: string; COLUMN_DEFAULT: string | null }>(
    `SELECT COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '${table}' AND COLUMN_NAME = 'token'`,
  );
  assert.deepEqual(
    col.map((r) => [r.COLUMN_TYPE, r.IS_NULLABLE]),
    [['varchar(40)', 'NO']],
  );
  assert.match(String(col[0]!.COLUMN_DEFAULT), /uuid\(\)/i);
  const nulls = await db.query<{ n: number }>(`SELECT COUNT(*) AS n FROM \`${table}\` WHERE token IS NULL`);
  assert.equal(Number(nulls[0]!.n), 0, 'every existing row was backfilled');
  const distinct = await db.query<{ n: number }>(`SELECT COUNT(DISTINCT token) AS n FROM \`${table}\``);
  assert.equal(Number(distinct[0]!.n), ROWS, 'each row got its own UUID');
  const idx = await db.query<{ n: number }>(
    `SELECT COUNT(*) AS n FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '${table}' AND INDEX_NAME = '${table}_token_idx'`,
  );
  assert.equal(Number(idx[0]!.n), 1, 'the index exists');
}

export async function assertMyGone(db: DatabaseClient, table: string): Promise<void> {
  const gone = await db.query(
    `SELECT 1 FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '${table}' AND COLUMN_NAME = 'token'`,
  );
  assert.equal(gone.length, 0, `${table}.token is gone`);
}

const CLI = resolve(__dirname, '../../src/cli.ts');
const TSX = resolve(__dirname, '../../node_modules/.bin/tsx');

/** `column-wizard ...args` in its own process (through tsx) in `cwd`, with `env` added to this process's environment. */
export const cliProcess = (cwd: string, args: readonly string[], env?: Record<string, string>) =>
  spawnSync(TSX, [CLI, ...args], { cwd, encoding: 'utf8', timeout: 300_000, ...(env ? { env: { ...process.env, ...env } } : {}) });

/** `column-wizard write --tool dbmate --dir db/migrations --no-calibrate ...args` in its own process. */
export const writeDbmate = (cwd: string, args: readonly string[]) =>
  cliProcess(cwd, ['write', '--tool', 'dbmate', '--dir', 'db/migrations', '--no-calibrate', ...args]);

/** The engines the tool runners know: the machine's PostgreSQL and MariaDB. */
export type ToolEngine = 'postgres' | 'mariadb';
type Engine = ToolEngine;

/** A real migration tool as the tests drive it: its writer options, folder, config and the command that applies pending migrations. */
export interface ToolRunner {
  readonly name: 'dbmate' | 'knex' | 'sequelize' | 'typeorm' | 'kysely' | 'node-pg-migrate';
  readonly options?: (engine: Engine) => WriterOptions;
  readonly dir: string;
  /** Writes the tool's config; returns the command that applies pending migrations. */
  readonly setup: (
    ws: Workspace,
    engine: Engine,
    db: ThrowawayDatabase,
    table: string,
  ) => { cmd: string; args: string[]; env?: Record<string, string> };
}

/** dbmate, Knex, Sequelize CLI, TypeORM, kysely-ctl (both engines) and node-pg-migrate (PostgreSQL only). */
export const TOOL_RUNNERS: readonly ToolRunner[] = [
  {
    name: 'dbmate',
    dir: 'db/migrations',
    setup: (_ws, engine, db) => ({
      cmd: 'dbmate',
      args: ['--no-dump-schema', 'up'],
      env: { DATABASE_URL: engine === 'postgres' ? pgUrlNoSsl(db.url) : db.url },
    }),
  },
  {
    name: 'knex',
    dir: 'migrations',
    setup: (ws, engine, db) => {
      linkNodeModules(ws);
      writeFileSync(
        join(ws.root, 'knexfile.js'),
        `module.exports = { client: ${JSON.stringify(engine === 'postgres' ? 'pg' : 'mysql2')}, connection: ${JSON.stringify(db.url)}, migrations: { directory: './migrations' } };\n`,
      );
      return { cmd: 'knex', args: ['--knexfile', join(ws.root, 'knexfile.js'), 'migrate:latest'] };
    },
  },
  {
    name: 'sequelize',
    dir: 'migrations',
    setup: (ws, _engine, db) => {
      linkNodeModules(ws);
      return { cmd: 'sequelize-cli', args: ['db:migrate', '--url', db.url, '--migrations-path', 'migrations'] };
    },
  },
  {
    name: 'typeorm',
    dir: 'migrations',
    options: (engine) => ({ code: { ext: 'js', esm: false }, ...(engine === 'postgres' ? { nonTransactionalRunner: true } : {}) }),
    setup: (ws, engine, db) => {
      linkNodeModules(ws);
      const mode = engine === 'postgres' ? ", migrationsTransactionMode: 'each'" : '';
      writeFileSync(
        join(ws.root, 'data-source.js'),
        [
          "const { DataSource } = require('typeorm');",
          `module.exports = { default: new DataSource({ type: ${JSON.stringify(engine)}, url: ${JSON.stringify(db.url)}, migrations: [__dirname + '/migrations/*.js']${mode} }) };`,
          '',
        ].join('\n'),
      );
      return {
        cmd: 'typeorm',
        args: ['migration:run', '-d', 'data-source.js', ...(engine === 'postgres' ? ['--transaction', 'each'] : [])],
      };
    },
  },
  {
    name: 'kysely',
    dir: 'migrations',
    options: (engine) => (engine === 'postgres' ? { nonTransactionalRunner: true } : {}),
    setup: (ws, engine, db, table) => {
      linkNodeModules(ws);
      const dialect =
        engine === 'postgres'
          ? [
              "import { PostgresDialect } from 'kysely';",
              "import pg from 'pg';",
              `const dialect = new PostgresDialect({ pool: new pg.Pool({ connectionString: ${JSON.stringify(db.url)} }) });`,
            ]
          : [
              "import { MysqlDialect } from 'kysely';",
              "import { createPool } from 'mysql2';",
              `const dialect = new MysqlDialect({ pool: createPool(${JSON.stringify(db.url)}) });`,
            ];
      writeFileSync(
        join(ws.root, 'kysely.config.ts'),
        [
          ...dialect,
          "import { defineConfig } from 'kysely-ctl';",
          `export default defineConfig({ dialect, migrations: { migrationFolder: 'migrations', migrationTableName: ${JSON.stringify(`kysely_migration_${table}`)}, migrationLockTableName: ${JSON.stringify(`kysely_lock_${table}`)} } });`,
          '',
        ].join('\n'),
      );
      return {
        cmd: 'kysely',
        args: ['migrate:latest', '--no-outdated-check', '--no-filesystem-caching', ...(engine === 'postgres' ? ['--no-transaction'] : [])],
      };
    },
  },
  {
    name: 'node-pg-migrate',
    dir: 'migrations',
    setup: (_ws, _engine, db) => ({
      cmd: 'node-pg-migrate',
      args: ['up', '--migrations-dir', 'migrations'],
      env: { DATABASE_URL: db.url },
    }),
  },
];

/**
 * The record-applied tests' case: a 2,000-row table `table` (id, name) in `db`, and the plan (with its column definition) that adds an
 * indexed `token` (uuid / UUID() default, NOT NULL) to it.
 */
export async function tokenTableAndPlan(
  db: ThrowawayDatabase,
  engine: 'postgres' | 'mariadb',
  table: string,
): Promise<{ plan: Plan; column: string }> {
  const q = (s: string) => (engine === 'postgres' ? `"${s}"` : `\`${s}\``);
  await db.client.query(`CREATE TABLE ${q(table)} (id bigint PRIMARY KEY, name text)`);
  await db.client.query(
    engine === 'postgres'
      ? `INSERT INTO ${q(table)} SELECT g, 'n' || g FROM generate_series(1, 2000) g`
      : `INSERT INTO ${q(table)} SELECT seq, CONCAT('n', seq) FROM seq_1_to_2000`,
  );
  const column = engine === 'postgres' ? 'token uuid NOT NULL DEFAULT gen_random_uuid()' : 'token varchar(40) NOT NULL DEFAULT (UUID())';
  const plan =
    engine === 'postgres'
      ? planFor('postgres', '15.4', column, { index: true, table, rows: 2000 })
      : planFor('mariadb', '10.11.6-MariaDB', column, { index: true, schema: db.name, table, rows: 2000 });
  return { plan, column };
}
