/**
 * The written migrations applied by the real tools against the real PostgreSQL and MariaDB: after `up` the column exists
 * with the requested type, default, NOT NULL and index, every existing row is backfilled; after rolling back it is gone.
 */
import assert from 'node:assert/strict';
import { symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { planFor } from '../unit/migrations/plans';
import type { WriterOptions } from '../../src/core/migrations';
import { FILE_BATCH_GROWTH, FILE_BATCH_MAX } from '../../src/core/migrations/programs';
import { dbTest, throwawayDatabase, type ThrowawayDatabase } from './helpers';
import { assertPgApplied, assertPgGone, pgPlan, pgSeed, pgUrlNoSsl, ROWS, runTool, writeInto, workspacesForFile } from './migrationTools';

const pg = throwawayDatabase('postgres');
const my = throwawayDatabase('mysql');
const workspace = workspacesForFile();

/** Write `table`'s migrations for knex, then `migrate:latest` and `migrate:rollback --all` with the real knex CLI. */
async function knexRoundTrip(
  db: ThrowawayDatabase,
  table: string,
  prefix: string,
  options: WriterOptions,
  migrations: Record<string, unknown>,
): Promise<void> {
  await pgSeed(db.client, table);
  const ws = workspace(prefix);
  await writeInto(ws, pgPlan(table), 'knex', 'migrations', options);
  const knexfile = join(ws.root, 'knexfile.js');
  symlinkSync(join(__dirname, '../../node_modules'), join(ws.root, 'node_modules')); // the knex CLI wants a local knex
  const config = { client: 'pg', connection: db.url, migrations: { directory: './migrations', ...migrations } };
  writeFileSync(knexfile, `module.exports = ${JSON.stringify(config)};\n`);
  runTool('knex', ['--knexfile', knexfile, 'migrate:latest'], { cwd: ws.root });
  await assertPgApplied(db.client, table);
  runTool('knex', ['--knexfile', knexfile, 'migrate:rollback', '--all'], { cwd: ws.root });
  await assertPgGone(db.client, table);
}

/** Write `table`'s migrations for node-pg-migrate, then `up` and `down N` with the real CLI; the files written. */
async function nodePgMigrateRoundTrip(
  db: ThrowawayDatabase,
  table: string,
  prefix: string,
  options: WriterOptions,
  extraArgs: readonly string[],
): Promise<readonly string[]> {
  await pgSeed(db.client, table);
  const ws = workspace(prefix);
  const { created } = await writeInto(ws, pgPlan(table), 'node-pg-migrate', 'migrations', options);
  const env = { DATABASE_URL: db.url };
  const args = ['--migrations-dir', 'migrations', ...extraArgs];
  runTool('node-pg-migrate', ['up', ...args], { cwd: ws.root, env });
  await assertPgApplied(db.client, table);
  runTool('node-pg-migrate', ['down', String(created.length), ...args], { cwd: ws.root, env });
  await assertPgGone(db.client, table);
  return created;
}

describe('real migration tools apply the written files', () => {
  it(
    'dbmate on PostgreSQL: up, then rollback one by one',
    dbTest(async (t) => {
      const db = pg.get(t);
      await pgSeed(db.client, 'users_dbmate');
      const ws = workspace('dbmate');
      const { created } = await writeInto(ws, pgPlan('users_dbmate'), 'dbmate', 'db/migrations');
      assert.ok(created.length >= 5, created.join(', '));
      const env = { DATABASE_URL: pgUrlNoSsl(db.url) };
      runTool('dbmate', ['--no-dump-schema', 'up'], { cwd: ws.root, env });
      await assertPgApplied(db.client, 'users_dbmate');
      for (let i = 0; i < created.length; i++) runTool('dbmate', ['--no-dump-schema', 'rollback'], { cwd: ws.root, env });
      await assertPgGone(db.client, 'users_dbmate');
    }),
  );

  it(
    'knex on PostgreSQL: migrate:latest, then rollback --all',
    dbTest(async (t) => {
      await knexRoundTrip(pg.get(t), 'users_knex', 'knex', {}, {});
    }),
  );

  it(
    'node-pg-migrate on PostgreSQL: up, then down all',
    dbTest(async (t) => {
      await nodePgMigrateRoundTrip(pg.get(t), 'users_npm', 'npm', {}, []);
    }),
  );

  it(
    'node-pg-migrate with TypeScript migrations (ES module syntax): up, then down all',
    dbTest(async (t) => {
      const created = await nodePgMigrateRoundTrip(pg.get(t), 'users_npm_ts', 'npm-ts', { code: { ext: 'ts', esm: true } }, [
        '--migrations-table',
        'pgmigrations_ts',
      ]);
      assert.ok(created.every((p) => p.endsWith('.ts')));
    }),
  );

  it(
    'knex with ES module migrations (.mjs): migrate:latest, then rollback --all',
    dbTest(async (t) => {
      await knexRoundTrip(
        pg.get(t),
        'users_knex_esm',
        'knex-esm',
        { code: { ext: 'mjs', esm: true } },
        { loadExtensions: ['.mjs'], tableName: 'knex_migrations_esm' },
      );
    }),
  );

  it(
    'dbmate on MariaDB: up, then rollback one by one',
    dbTest(async (t) => {
      const db = my.get(t);
      await db.client.query('CREATE TABLE users_dbmate (id bigint PRIMARY KEY, name text)');
      await db.client.query(`INSERT INTO users_dbmate SELECT seq, CONCAT('n', seq) FROM seq_1_to_${ROWS}`);
      const plan = planFor('mariadb', '10.11.6-MariaDB', 'token varchar(40) NOT NULL DEFAULT (UUID())', {
        index: true,
        schema: db.name,
        table: 'users_dbmate',
        rows: ROWS,
      });
      const ws = workspace('dbmate-my');
      const { created } = await writeInto(ws, plan, 'dbmate', 'db/migrations');
      const env = { DATABASE_URL: db.url };
      runTool('dbmate', ['--no-dump-schema', 'up'], { cwd: ws.root, env });
      const col = await db.client.query<{ COLUMN_TYPE: string; IS_NULLABLE: string; COLUMN_DEFAULT: string | null }>(
        `SELECT COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'users_dbmate' AND COLUMN_NAME = 'token'`,
      );
      assert.deepEqual(
        col.map((r) => [r.COLUMN_TYPE, r.IS_NULLABLE]),
        [['varchar(40)', 'NO']],
      );
      assert.match(String(col[0]!.COLUMN_DEFAULT), /uuid\(\)/i);
      const nulls = await db.client.query<{ n: number }>('SELECT COUNT(*) AS n FROM users_dbmate WHERE token IS NULL');
      assert.equal(Number(nulls[0]!.n), 0);
      const idx = await db.client.query<{ n: number }>(
        `SELECT COUNT(*) AS n FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND INDEX_NAME = 'users_dbmate_token_idx'`,
      );
      assert.equal(Number(idx[0]!.n), 1);
      for (let i = 0; i < created.length; i++) runTool('dbmate', ['--no-dump-schema', 'rollback'], { cwd: ws.root, env });
      const gone = await db.client.query(
        `SELECT 1 FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'users_dbmate' AND COLUMN_NAME = 'token'`,
      );
      assert.equal(gone.length, 0);
    }),
  );

  it(
    'knex on MariaDB (mysql2): migrate:latest, then rollback --all',
    dbTest(async (t) => {
      const db = my.get(t);
      await db.client.query('CREATE TABLE users_knex (id bigint PRIMARY KEY, name text)');
      await db.client.query(`INSERT INTO users_knex SELECT seq, CONCAT('n', seq) FROM seq_1_to_${ROWS}`);
      const plan = planFor('mariadb', '10.11.6-MariaDB', 'token varchar(40) NOT NULL DEFAULT (UUID())', {
        index: true,
        schema: db.name,
        table: 'users_knex',
        rows: ROWS,
      });
      const ws = workspace('knex-my');
      await writeInto(ws, plan, 'knex', 'migrations');
      const knexfile = join(ws.root, 'knexfile.js');
      symlinkSync(join(__dirname, '../../node_modules'), join(ws.root, 'node_modules')); // the knex CLI wants a local knex
      writeFileSync(
        knexfile,
        `module.exports = { client: 'mysql2', connection: ${JSON.stringify(db.url)}, migrations: { directory: './migrations' } };\n`,
      );
      runTool('knex', ['--knexfile', knexfile, 'migrate:latest'], { cwd: ws.root });
      const col = await db.client.query<{ COLUMN_TYPE: string; IS_NULLABLE: string }>(
        `SELECT COLUMN_TYPE, IS_NULLABLE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'users_knex' AND COLUMN_NAME = 'token'`,
      );
      assert.deepEqual(
        col.map((r) => [r.COLUMN_TYPE, r.IS_NULLABLE]),
        [['varchar(40)', 'NO']],
      );
      runTool('knex', ['--knexfile', knexfile, 'migrate:rollback', '--all'], { cwd: ws.root });
      const gone = await db.client.query(
        `SELECT 1 FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'users_knex' AND COLUMN_NAME = 'token'`,
      );
      assert.equal(gone.length, 0);
    }),
  );
});

describe('the lock timeout in the written files takes effect', () => {
  for (const tool of ['dbmate', 'sequelize'] as const) {
    it(
      `${tool}: ADD COLUMN behind a long transaction fails after the lock timeout instead of queueing, then succeeds`,
      dbTest(async (t) => {
        const db = pg.get(t);
        const table = `users_lt_${tool}`;
        await pgSeed(db.client, table);
        const ws = workspace(`lt-${tool}`);
        if (tool === 'sequelize') symlinkSync(join(__dirname, '../../node_modules'), join(ws.root, 'node_modules'));
        await writeInto(ws, pgPlan(table), tool, 'db/migrations');
        const run = () =>
          tool === 'dbmate'
            ? runTool('dbmate', ['--no-dump-schema', 'up'], { cwd: ws.root, env: { DATABASE_URL: pgUrlNoSsl(db.url) }, allowFailure: true })
            : runTool('sequelize-cli', ['db:migrate', '--url', db.url, '--migrations-path', 'db/migrations'], {
                cwd: ws.root,
                allowFailure: true,
              });
        const holder = await db.connect();
        await holder.query('BEGIN');
        await holder.query(`LOCK TABLE "${table}" IN ACCESS SHARE MODE`);
        const started = Date.now();
        const blocked = run();
        const seconds = (Date.now() - started) / 1000;
        await holder.query('ROLLBACK');
        assert.notEqual(blocked.status, 0);
        assert.match(`${blocked.stdout}${blocked.stderr}`, /lock timeout/);
        assert.ok(seconds < 30, `failed fast (${seconds}s)`);
        const ok = run();
        assert.equal(ok.status, 0, ok.stderr);
        await assertPgApplied(db.client, table);
      }),
    );
  }
});

describe('the backfill loop in a migration file', () => {
  it(
    'stops with an error instead of looping forever when the new value is NULL for some rows',
    dbTest(async (t) => {
      const db = pg.get(t);
      await pgSeed(db.client, 'users_stuck');
      const plan = JSON.parse(JSON.stringify(pgPlan('users_stuck'))) as ReturnType<typeof pgPlan> & {
        phases: { steps: { sql: string; backfill?: { valueSql: string } }[] }[];
      };
      for (const phase of plan.phases) for (const step of phase.steps) if (step.backfill) step.backfill.valueSql = 'NULL::uuid';
      const ws = workspace('stuck');
      const { created } = await writeInto(ws, plan, 'plain-sql', 'sql');
      const expand = created.find((p) => p.includes('_expand'))!;
      const backfill = created.find((p) => p.includes('_backfill'))!;
      runTool('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', db.url, '-f', expand], { cwd: ws.root });
      const r = runTool('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', db.url, '-f', backfill], { cwd: ws.root, allowFailure: true });
      assert.notEqual(r.status, 0);
      assert.match(r.stderr, /backfill made no progress: the new value is NULL for some rows from 1 to 1000/);
    }),
  );
});

describe('the PostgreSQL keyset backfill file', () => {
  it(
    'commits its batches with synchronous_commit off and grows a batch by at most FILE_BATCH_GROWTH over the one before',
    dbTest(async (t) => {
      const db = pg.get(t);
      const table = 'users_batches';
      const rows = 60_000;
      await db.client.query(`CREATE TABLE "${table}" (id bigint PRIMARY KEY, name text)`);
      await db.client.query(`INSERT INTO "${table}" SELECT g, 'n' || g FROM generate_series(1, ${rows}) g`);
      const plan = planFor('postgres', '15.4', 'token uuid NOT NULL DEFAULT gen_random_uuid()', { table, rows });
      const ws = workspace('batches');
      const { created } = await writeInto(ws, plan, 'plain-sql', 'sql');
      const psql = (file: string) => runTool('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', db.url, '-f', file], { cwd: ws.root });
      psql(created.find((p) => p.includes('_expand'))!);
      // Each UPDATE statement of the loop logs its row count and the synchronous_commit it runs under.
      await db.client.query('CREATE TABLE batch_log (seq serial, n bigint, sync text)');
      await db.client.query(`CREATE FUNCTION log_batch() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN INSERT INTO batch_log (n, sync) SELECT count(*), current_setting('synchronous_commit') FROM changed; RETURN NULL; END $$`);
      await db.client.query(
        `CREATE TRIGGER log_batch AFTER UPDATE ON "${table}" REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION log_batch()`,
      );
      psql(created.find((p) => p.includes('_backfill'))!);
      const log = await db.client.query<{ n: string; sync: string }>('SELECT n, sync FROM batch_log ORDER BY seq');
      const sizes = log.map((r) => Number(r.n));
      assert.equal(
        sizes.reduce((a, b) => a + b, 0),
        rows,
      );
      assert.ok(sizes.length >= 3, `batches: ${sizes.join(', ')}`);
      assert.deepEqual([...new Set(log.map((r) => r.sync))], ['off']);
      assert.equal(sizes[0], 1000);
      for (let i = 1; i < sizes.length; i++) {
        assert.ok(sizes[i]! <= Math.ceil(sizes[i - 1]! * FILE_BATCH_GROWTH), `batch ${i + 1} grew from ${sizes[i - 1]} to ${sizes[i]}`);
        assert.ok(sizes[i]! <= FILE_BATCH_MAX, `batch ${i + 1}: ${sizes[i]} rows`);
      }
      const [left] = await db.client.query<{ n: string }>(`SELECT count(*) AS n FROM "${table}" WHERE token IS NULL`);
      assert.equal(Number(left!.n), 0);
    }),
  );
});

describe('squawk on the generated PostgreSQL migrations', () => {
  /**
   * What squawk still reports, each explained by the plan:
   * - require-statement-timeout: the plan sets lock_timeout before every DDL step (what keeps a blocked ALTER from
   *   queueing everyone behind it) but deliberately no statement_timeout, which would abort the long, non-blocking work
   *   (batched backfill, VALIDATE CONSTRAINT, CREATE INDEX CONCURRENTLY) half way.
   * - adding-not-nullable-field: SET NOT NULL comes after a CHECK (… IS NOT NULL) constraint was validated in an earlier
   *   migration, so PostgreSQL ≥ 12 skips the table scan; squawk reads one file at a time and cannot see that.
   * - require-lock-timeout (golang-migrate only): a concurrent index build must be the only statement of its file there,
   *   so its lock timeout is a comment telling to set it on the connection.
   */
  const cases: [tool: 'plain-sql' | 'golang-migrate', explained: string[]][] = [
    ['plain-sql', ['require-statement-timeout', 'adding-not-nullable-field']],
    ['golang-migrate', ['require-statement-timeout', 'adding-not-nullable-field', 'require-lock-timeout']],
  ];
  for (const [tool, explained] of cases) {
    it(`${tool}: nothing beyond ${explained.join(', ')}`, async () => {
      const ws = workspace(`squawk-${tool}`);
      const { created } = await writeInto(ws, pgPlan('users'), tool, 'migrations');
      const files = created.filter((p) => !p.endsWith('.down.sql'));
      assert.ok(files.length >= 5);
      const r = runTool('squawk', ['--reporter', 'json', ...files], { cwd: ws.root, allowFailure: true });
      const findings = JSON.parse(r.stdout || '[]') as { rule_name: string; file: string }[];
      assert.ok(findings.length > 0, 'squawk ran and saw the files');
      const unexplained = findings.filter((f) => !explained.includes(f.rule_name));
      assert.deepEqual(
        unexplained.map((f) => `${f.file}: ${f.rule_name}`),
        [],
      );
      if (tool === 'golang-migrate') {
        const lockRule = findings.filter((f) => f.rule_name === 'require-lock-timeout').map((f) => f.file);
        assert.ok(
          lockRule.every((f) => /_index\.up\.sql$/.test(f)),
          lockRule.join(', '),
        );
      }
    });
  }
});
