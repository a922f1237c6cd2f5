/**
 * Written files that can be applied again: each DDL step is skipped when the catalog shows it applied, so `dbmate up`
 * goes on after a partial failure of a unit, and after `column-wizard run` already applied the plan — with the real
 * dbmate on the machine's PostgreSQL and MariaDB.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { dbTest, throwawayDatabase } from './helpers';
import { pgUrlNoSsl, runTool, workspacesForFile } from './migrationTools';

const CLI = resolve(__dirname, '../../src/cli.ts');
const TSX = resolve(__dirname, '../../node_modules/.bin/tsx');
const pg = throwawayDatabase('postgres');
const my = throwawayDatabase('mysql');
const workspace = workspacesForFile();

let runs = 0;
const history = () => `cw_rerun_history_${++runs}`;
const cli = (cwd: string, args: string[]) => spawnSync(TSX, [CLI, ...args], { cwd, encoding: 'utf8', timeout: 300_000 });
const write = (cwd: string, args: string[]) => cli(cwd, ['write', '--tool', 'dbmate', '--dir', 'db/migrations', '--no-calibrate', ...args]);

describe('written files applied again', () => {
  it('MariaDB: the expand unit\'s first DDL applied and its second failed — dbmate up goes on', dbTest(async (t) => {
    const db = my.get(t);
    await db.client.query('CREATE TABLE h19_partial (id bigint PRIMARY KEY, name text)');
    await db.client.query("INSERT INTO h19_partial SELECT seq, CONCAT('a', seq) FROM seq_1_to_3000");
    const ws = workspace('rerun-partial');
    const w = write(ws.root, ['--url', db.url, '--table', 'h19_partial', '--column', 'token varchar(40) NOT NULL DEFAULT (UUID())', '--index']);
    assert.equal(w.status, 0, `${w.stdout}\n${w.stderr}`);
    // What the expand unit leaves when its ADD COLUMN committed and its SET DEFAULT failed (MariaDB DDL commits as it goes).
    await db.client.query('ALTER TABLE h19_partial ADD COLUMN token varchar(40) NULL');
    const up = runTool('dbmate', ['--no-dump-schema', 'up'], { cwd: ws.root, env: { DBMATE_MIGRATIONS_TABLE: history(), DATABASE_URL: db.url }, allowFailure: true });
    assert.equal(up.status, 0, `${up.stdout}\n${up.stderr}`);
    const rows = await db.client.query<{ nulls: number; distinct_tokens: number }>('SELECT SUM(token IS NULL) AS nulls, COUNT(DISTINCT token) AS distinct_tokens FROM h19_partial');
    assert.equal(Number(rows[0]!.nulls), 0);
    assert.equal(Number(rows[0]!.distinct_tokens), 3000);
    const col = await db.client.query<{ IS_NULLABLE: string; COLUMN_DEFAULT: string | null }>(
      "SELECT IS_NULLABLE, COLUMN_DEFAULT FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'h19_partial' AND COLUMN_NAME = 'token'");
    assert.equal(col[0]!.IS_NULLABLE, 'NO');
    assert.match(String(col[0]!.COLUMN_DEFAULT), /uuid\(\)/i);
  }));

  for (const engine of ['postgres', 'mysql'] as const) {
    it(`${engine}: write, then run, then dbmate up: the files skip what run applied and leave the rows as run filled them`, dbTest(async (t) => {
      const db = (engine === 'postgres' ? pg : my).get(t);
      const column = engine === 'postgres' ? 'token uuid NOT NULL DEFAULT gen_random_uuid()' : 'token varchar(40) NOT NULL DEFAULT (UUID())';
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
      const up = runTool('dbmate', ['--no-dump-schema', 'up'], { cwd: ws.root, env: { DBMATE_MIGRATIONS_TABLE: history(), DATABASE_URL: url }, allowFailure: true });
      assert.equal(up.status, 0, `${up.stdout}\n${up.stderr}`);
      const after = await db.client.query<{ id: string; token: string }>('SELECT id, token FROM h19_after_run ORDER BY id');
      assert.deepEqual(after.map((x) => String(x.token)), before.map((x) => String(x.token)), 'dbmate up rewrote no row');
      assert.equal(new Set(after.map((x) => String(x.token))).size, 3000);
    }));
  }
});
