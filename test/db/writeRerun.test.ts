/**
 * Written files that can be applied again: each DDL step is skipped when the catalog shows it applied, so `dbmate up`
 * goes on after a partial failure of a unit, and after `column-wizard run` already applied the plan — with the real
 * dbmate on the machine's PostgreSQL and MariaDB.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { dbTest, throwawayDatabase } from './helpers';
import { cliProcess, pgUrlNoSsl, psqlFile, runTool, workspacesForFile, writeDbmate, writeInto } from './migrationTools';
import { planFor } from '../unit/migrations/plans';

const pg = throwawayDatabase('postgres');
const my = throwawayDatabase('mysql');
const workspace = workspacesForFile();

let runs = 0;
const history = () => `cw_rerun_history_${++runs}`;
const cli = cliProcess;
const write = writeDbmate;

describe('written files applied again', () => {
  it(
    "MariaDB: the expand unit's first DDL applied and its second failed — dbmate up goes on",
    dbTest(async (t) => {
      const db = my.get(t);
      await db.client.query('CREATE TABLE h19_partial (id bigint PRIMARY KEY, name text)');
      await db.client.query("INSERT INTO h19_partial SELECT seq, CONCAT('a', seq) FROM seq_1_to_3000");
      const ws = workspace('rerun-partial');
      const w = write(ws.root, [
        '--url',
        db.url,
        '--table',
        'h19_partial',
        '--column',
        'token varchar(40) NOT NULL DEFAULT (UUID())',
        '--index',
      ]);
      assert.equal(w.status, 0, `${w.stdout}\n${w.stderr}`);
      // What the expand unit leaves when its ADD COLUMN committed and its SET DEFAULT failed (MariaDB DDL commits as it goes).
      await db.client.query('ALTER TABLE h19_partial ADD COLUMN token varchar(40) NULL');
      const up = runTool('dbmate', ['--no-dump-schema', 'up'], {
        cwd: ws.root,
        env: { DBMATE_MIGRATIONS_TABLE: history(), DATABASE_URL: db.url },
        allowFailure: true,
      });
      assert.equal(up.status, 0, `${up.stdout}\n${up.stderr}`);
      const rows = await db.client.query<{ nulls: number; distinct_tokens: number }>(
        'SELECT SUM(token IS NULL) AS nulls, COUNT(DISTINCT token) AS distinct_tokens FROM h19_partial',
      );
      assert.equal(Number(rows[0]!.nulls), 0);
      assert.equal(Number(rows[0]!.distinct_tokens), 3000);
      const col = await db.client.query<{ IS_NULLABLE: string; COLUMN_DEFAULT: string | null }>(
        "SELECT IS_NULLABLE, COLUMN_DEFAULT FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'h19_partial' AND COLUMN_NAME = 'token'",
      );
      assert.equal(col[0]!.IS_NULLABLE, 'NO');
      assert.match(String(col[0]!.COLUMN_DEFAULT), /uuid\(\)/i);
    }),
  );

  it(
    "PostgreSQL, dbmate: a failed concurrent unique build leaves an INVALID index that applying again would skip; the file's DROP line, then dbmate up, builds it",
    dbTest(async (t) => {
      const db = pg.get(t);
      await db.client.query('CREATE TABLE h19_cic_dbmate (id bigint PRIMARY KEY, name text, code int)');
      await db.client.query("INSERT INTO h19_cic_dbmate SELECT g, 'n' || g, g FROM generate_series(1, 2000) g");
      await db.client.query('UPDATE h19_cic_dbmate SET code = 7 WHERE id <= 2');
      const ws = workspace('rerun-cic-dbmate');
      const { created } = await writeInto(
        ws,
        planFor('postgres', '15.4', 'code int', { unique: true, table: 'h19_cic_dbmate', rows: 2000 }),
        'dbmate',
        'db/migrations',
      );
      const indexFile = created.find((f) => f.includes('_index'))!;
      const text = readFileSync(join(ws.root, indexFile), 'utf8');
      const drop = /^-- {3}(DROP INDEX CONCURRENTLY IF EXISTS .*;)$/m.exec(text)?.[1];
      assert.ok(drop, `the file gives the DROP to run:\n${text}`);
      assert.match(text, /^-- then run `dbmate up`/m);
      const build = /^CREATE INDEX CONCURRENTLY IF NOT EXISTS .*;$|^CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS .*;$/m.exec(text)?.[0];
      assert.ok(build, text);
      const dbmate = () =>
        runTool('dbmate', ['--no-dump-schema', '--migrations-table', 'h19_dbmate_cic', 'up'], {
          cwd: ws.root,
          env: { DATABASE_URL: pgUrlNoSsl(db.url) },
          allowFailure: true,
        });
      const failed = dbmate();
      assert.notEqual(failed.status, 0, 'the unique build fails on the duplicate');
      assert.match(`${failed.stdout}${failed.stderr}`, /could not create unique index/);
      const valid = async () =>
        (
          await db.client.query<{ valid: boolean }>(
            "SELECT indisvalid AS valid FROM pg_index WHERE indexrelid = 'h19_cic_dbmate_code_key'::regclass",
          )
        )[0]?.valid;
      assert.equal(await valid(), false, 'the failed build left an INVALID index');
      await db.client.query('UPDATE h19_cic_dbmate SET code = id WHERE id <= 2');
      // What the note says: the file's statement, applied again, skips the INVALID index.
      assert.equal(psqlFile(ws, db.url, build).status, 0);
      assert.equal(await valid(), false, 'IF NOT EXISTS skipped the INVALID index');
      // What the note says to do: its DROP line, then dbmate up.
      assert.equal(psqlFile(ws, db.url, drop).status, 0);
      const done = dbmate();
      assert.equal(done.status, 0, `${done.stdout}\n${done.stderr}`);
      assert.equal(await valid(), true);
      const unique = await db.client.query<{ n: string }>(
        "SELECT count(*) AS n FROM pg_constraint WHERE conrelid = 'h19_cic_dbmate'::regclass AND contype = 'u'",
      );
      assert.equal(Number(unique[0]!.n), 1, 'the UNIQUE constraint is attached to the rebuilt index');
    }),
  );

  for (const engine of ['postgres', 'mysql'] as const) {
    it(
      `${engine}: write, then run, then dbmate up: the files skip what run applied and leave the rows as run filled them`,
      dbTest(async (t) => {
        const db = (engine === 'postgres' ? pg : my).get(t);
        const column =
          engine === 'postgres' ? 'token uuid NOT NULL DEFAULT gen_random_uuid()' : 'token varchar(40) NOT NULL DEFAULT (UUID())';
        if (engine === 'postgres') {
          await db.client.query('CREATE TABLE h19_after_run (id bigint PRIMARY KEY, name text)');
          await db.client.query("INSERT INTO h19_after_run SELECT g, 'n' || g FROM generate_series(1, 3000) g");
        } else {
          await db.client.query('CREATE TABLE h19_after_run (id bigint PRIMARY KEY, name text)');
          await db.client.query("INSERT INTO h19_after_run SELECT seq, CONCAT('a', seq) FROM seq_1_to_3000");
        }
        const ws = workspace(`rerun-after-run-${engine}`);
        const w = write(ws.root, ['--url', db.url, '--table', 'h19_after_run', '--column', column, '--index']);
        assert.equal(w.status, 0, `${w.stdout}\n${w.stderr}`);
        const r = cli(ws.root, ['run', '--url', db.url, '--table', 'h19_after_run', '--column', column, '--index', '--yes']);
        assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
        const before = await db.client.query<{ id: string; token: string }>('SELECT id, token FROM h19_after_run ORDER BY id');
        const url = engine === 'postgres' ? pgUrlNoSsl(db.url) : db.url;
        const up = runTool('dbmate', ['--no-dump-schema', 'up'], {
          cwd: ws.root,
          env: { DBMATE_MIGRATIONS_TABLE: history(), DATABASE_URL: url },
          allowFailure: true,
        });
        assert.equal(up.status, 0, `${up.stdout}\n${up.stderr}`);
        const after = await db.client.query<{ id: string; token: string }>('SELECT id, token FROM h19_after_run ORDER BY id');
        assert.deepEqual(
          after.map((x) => String(x.token)),
          before.map((x) => String(x.token)),
          'dbmate up rewrote no row',
        );
        assert.equal(new Set(after.map((x) => String(x.token))).size, 3000);
      }),
    );
  }

  it(
    'PostgreSQL, Knex: a concurrent unique index build that failed (duplicates) leaves an INVALID index; after fixing the data, migrate:latest drops it and builds it again',
    dbTest(async (t) => {
      const db = pg.get(t);
      await db.client.query('CREATE TABLE h19_cic (id bigint PRIMARY KEY, name text)');
      await db.client.query("INSERT INTO h19_cic SELECT g, 'n' || g FROM generate_series(1, 2000) g");
      const ws = workspace('rerun-cic');
      await writeInto(ws, planFor('postgres', '15.4', 'code int', { unique: true, table: 'h19_cic', rows: 2000 }), 'knex', 'migrations');
      assert.ok(readdirSync(join(ws.root, 'migrations')).some((f) => f.includes('_index')));
      symlinkSync(join(__dirname, '../../node_modules'), join(ws.root, 'node_modules')); // the knex CLI wants a local knex
      const knexfile = join(ws.root, 'knexfile.js');
      writeFileSync(
        knexfile,
        `module.exports = { client: 'pg', connection: ${JSON.stringify(db.url)}, migrations: { directory: './migrations', tableName: 'h19_knex_cic' } };\n`,
      );
      const knex = (args: string[]) => runTool('knex', ['--knexfile', knexfile, ...args], { cwd: ws.root, allowFailure: true });
      assert.equal(knex(['migrate:up']).status, 0, 'expand');
      await db.client.query('UPDATE h19_cic SET code = 7 WHERE id <= 2');
      const failed = knex(['migrate:up']);
      assert.notEqual(failed.status, 0, 'the unique build fails on the duplicate');
      assert.match(`${failed.stdout}${failed.stderr}`, /could not create unique index/);
      const invalid = await db.client.query<{ valid: boolean }>(
        "SELECT indisvalid AS valid FROM pg_index WHERE indexrelid = 'h19_cic_code_key'::regclass",
      );
      assert.equal(invalid[0]?.valid, false, 'the failed build left an INVALID index');
      await db.client.query('UPDATE h19_cic SET code = id WHERE id <= 2');
      const done = knex(['migrate:latest']);
      assert.equal(done.status, 0, `${done.stdout}\n${done.stderr}`);
      const valid = await db.client.query<{ valid: boolean }>(
        "SELECT indisvalid AS valid FROM pg_index WHERE indexrelid = 'h19_cic_code_key'::regclass",
      );
      assert.equal(valid[0]?.valid, true);
      const unique = await db.client.query<{ n: string }>(
        "SELECT count(*) AS n FROM pg_constraint WHERE conrelid = 'h19_cic'::regclass AND contype = 'u'",
      );
      assert.equal(Number(unique[0]!.n), 1, 'the UNIQUE constraint is attached to the rebuilt index');
    }),
  );

  for (const engine of ['postgres', 'mysql'] as const) {
    it(
      `${engine}: dbmate rollback goes on when part of a down is already undone (index dropped, column gone)`,
      dbTest(async (t) => {
        const db = (engine === 'postgres' ? pg : my).get(t);
        await db.client.query('CREATE TABLE h19_down (id bigint PRIMARY KEY, name text)');
        await db.client.query(
          engine === 'postgres'
            ? "INSERT INTO h19_down SELECT g, 'd' || g FROM generate_series(1, 2000) g"
            : "INSERT INTO h19_down SELECT seq, CONCAT('d', seq) FROM seq_1_to_2000",
        );
        const column =
          engine === 'postgres' ? 'token uuid NOT NULL DEFAULT gen_random_uuid()' : 'token varchar(40) NOT NULL DEFAULT (UUID())';
        const ws = workspace(`rerun-down-${engine}`);
        const w = write(ws.root, ['--url', db.url, '--table', 'h19_down', '--column', column, '--index']);
        assert.equal(w.status, 0, `${w.stdout}\n${w.stderr}`);
        const files = readdirSync(join(ws.root, 'db/migrations'));
        const env = { DBMATE_MIGRATIONS_TABLE: history(), DATABASE_URL: engine === 'postgres' ? pgUrlNoSsl(db.url) : db.url };
        const dbmate = (args: string[]) => runTool('dbmate', ['--no-dump-schema', ...args], { cwd: ws.root, env, allowFailure: true });
        const up = dbmate(['up']);
        assert.equal(up.status, 0, `${up.stdout}\n${up.stderr}`);
        // What a down that failed half-way leaves: the index migration's DROP INDEX done by hand, then the column too.
        await db.client.query(
          engine === 'postgres' ? 'DROP INDEX h19_down_token_idx' : 'ALTER TABLE h19_down DROP INDEX h19_down_token_idx',
        );
        for (let i = 0; i < files.length; i++) {
          if (i === files.length - 1) await db.client.query('ALTER TABLE h19_down DROP COLUMN token');
          const back = dbmate(['rollback']);
          assert.equal(back.status, 0, `rollback ${i + 1} of ${files.length}:\n${back.stdout}\n${back.stderr}`);
        }
        const status = dbmate(['status']);
        assert.match(status.stdout, /Applied: 0/);
        const cols = await db.client.query(
          `SELECT 1 FROM information_schema.columns WHERE table_schema = ${engine === 'postgres' ? 'current_schema()' : 'DATABASE()'} AND table_name = 'h19_down' AND column_name = 'token'`,
        );
        assert.equal(cols.length, 0);
      }),
    );
  }

  for (const engine of ['postgres', 'mysql'] as const) {
    it(
      `${engine}: run --record-applied dbmate:DIR records the written files in dbmate's history, so dbmate up applies nothing`,
      dbTest(async (t) => {
        const db = (engine === 'postgres' ? pg : my).get(t);
        await db.client.query('CREATE TABLE h19_record (id bigint PRIMARY KEY, name text)');
        await db.client.query(
          engine === 'postgres'
            ? "INSERT INTO h19_record SELECT g, 'n' || g FROM generate_series(1, 2000) g"
            : "INSERT INTO h19_record SELECT seq, CONCAT('n', seq) FROM seq_1_to_2000",
        );
        const ws = workspace(`record-applied-${engine}`);
        const url = engine === 'postgres' ? pgUrlNoSsl(db.url) : db.url;
        const column =
          engine === 'postgres' ? 'token uuid NOT NULL DEFAULT gen_random_uuid()' : 'token varchar(40) NOT NULL DEFAULT (UUID())';
        const w = write(ws.root, ['--url', db.url, '--table', 'h19_record', '--column', column, '--index']);
        assert.equal(w.status, 0, `${w.stdout}\n${w.stderr}`);
        const files = readdirSync(join(ws.root, 'db/migrations'));
        const table = history();
        const r = cli(
          ws.root,
          [
            'run',
            '--url',
            db.url,
            '--table',
            'h19_record',
            '--column',
            column,
            '--index',
            '--yes',
            '--no-baseline',
            '--record-applied',
            'dbmate:db/migrations',
          ],
          { DBMATE_MIGRATIONS_TABLE: table },
        );
        assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
        assert.match(r.stdout, new RegExp(`Recorded ${files.length} dbmate migration\\(s\\) as applied in ${table}`));
        const up = runTool('dbmate', ['--no-dump-schema', 'up'], {
          cwd: ws.root,
          env: { DBMATE_MIGRATIONS_TABLE: table, DATABASE_URL: url },
        });
        assert.doesNotMatch(up.stdout, /Applying/, up.stdout);
        const status = runTool('dbmate', ['status'], { cwd: ws.root, env: { DBMATE_MIGRATIONS_TABLE: table, DATABASE_URL: url } });
        assert.match(status.stdout, new RegExp(`Applied: ${files.length}`));
        assert.match(status.stdout, /Pending: 0/);
      }),
    );
  }
});
