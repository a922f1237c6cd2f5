/**
 * `column-wizard write --url`: the files are planned from the live table (its primary key, rows, server version, the
 * server's checks), as `plan --url` plans — then applied by the real dbmate.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { EMPTY_DRAFT } from '../../src/protocol';
import { planDraft } from '../../src/core/draft';
import { dbTest, throwawayDatabase } from './helpers';
import { pgUrlNoSsl, runTool, workspacesForFile, writeDbmate, writeInto } from './migrationTools';

const pg = throwawayDatabase('postgres');
const my = throwawayDatabase('mysql');
const workspace = workspacesForFile();

/**
 * Each dbmate run keeps its history in a table of its own: the tests share a database, and two tests writing in the
 * same second get the same versions, which dbmate would take as applied already (seen in a clean CI run).
 */
let runs = 0;
const history = () => `cw_history_${++runs}`;
const write = writeDbmate;

function backfillFile(root: string): string {
  const dir = join(root, 'db/migrations');
  const name = readdirSync(dir).find((f) => f.includes('_backfill'));
  assert.ok(name, readdirSync(dir).join(', '));
  return readFileSync(join(dir, name), 'utf8');
}

describe('write --url', () => {
  it(
    "PostgreSQL: the backfill walks the table's primary key; dbmate applies the files",
    dbTest(async (t) => {
      const db = pg.get(t);
      await db.client.query('CREATE TABLE orders (region int, n bigint, note text, PRIMARY KEY (region, n))');
      await db.client.query('INSERT INTO orders SELECT g % 7, g, null FROM generate_series(1, 5000) g');
      await db.client.query('ANALYZE orders');
      const ws = workspace('write-url-pg');
      const r = write(ws.root, ['--url', db.url, '--table', 'orders', '--column', 'token uuid NOT NULL DEFAULT gen_random_uuid()']);
      assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
      const text = backfillFile(ws.root);
      assert.match(text, /Walks the primary key \(region, n\)/);
      assert.match(text, /"public"\."orders"\."region"%TYPE/);
      assert.doesNotMatch(text, /ctid/);
      runTool('dbmate', ['--no-dump-schema', 'up'], {
        cwd: ws.root,
        env: { DBMATE_MIGRATIONS_TABLE: history(), DATABASE_URL: pgUrlNoSsl(db.url) },
      });
      const nulls = await db.client.query<{ n: string }>('SELECT count(*) AS n FROM orders WHERE token IS NULL');
      assert.equal(Number(nulls[0]!.n), 0);
    }),
  );

  it(
    'PostgreSQL: a table without a primary key gets the ctid form, and the file says why',
    dbTest(async (t) => {
      const db = pg.get(t);
      await db.client.query('CREATE TABLE events (note text)');
      await db.client.query("INSERT INTO events SELECT 'e' || g FROM generate_series(1, 3000) g");
      const ws = workspace('write-url-pg-nokey');
      const r = write(ws.root, ['--url', db.url, '--table', 'events', '--column', 'token uuid DEFAULT gen_random_uuid()']);
      assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
      const text = backfillFile(ws.root);
      assert.match(text, /The table has no primary key: each batch picks rows still NULL by ctid/);
      runTool('dbmate', ['--no-dump-schema', 'up'], {
        cwd: ws.root,
        env: { DBMATE_MIGRATIONS_TABLE: history(), DATABASE_URL: pgUrlNoSsl(db.url) },
      });
      const nulls = await db.client.query<{ n: string }>('SELECT count(*) AS n FROM events WHERE token IS NULL');
      assert.equal(Number(nulls[0]!.n), 0);
    }),
  );

  it(
    "MariaDB: the server's own facts (version, key) — BEGIN NOT ATOMIC over the key; dbmate applies the files",
    dbTest(async (t) => {
      const db = my.get(t);
      await db.client.query('CREATE TABLE accounts (id bigint PRIMARY KEY, name text)');
      await db.client.query("INSERT INTO accounts SELECT seq, CONCAT('a', seq) FROM seq_1_to_5000");
      const ws = workspace('write-url-my');
      const r = write(ws.root, ['--url', db.url, '--table', 'accounts', '--column', 'token varchar(40) NOT NULL DEFAULT (UUID())']);
      assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
      const text = backfillFile(ws.root);
      assert.match(text, /^BEGIN NOT ATOMIC$/m);
      assert.match(text, /Walks the primary key \(id\)/);
      runTool('dbmate', ['--no-dump-schema', 'up'], { cwd: ws.root, env: { DBMATE_MIGRATIONS_TABLE: history(), DATABASE_URL: db.url } });
      const nulls = await db.client.query<{ n: number }>('SELECT COUNT(*) AS n FROM accounts WHERE token IS NULL');
      assert.equal(Number(nulls[0]!.n), 0);
    }),
  );

  it(
    'refuses --url with offline facts, and a column the server rejects, writing nothing',
    dbTest(async (t) => {
      const db = pg.get(t);
      await db.client.query('CREATE TABLE IF NOT EXISTS taken (id int PRIMARY KEY, token text)');
      const ws = workspace('write-url-refuse');
      const a = write(ws.root, ['--url', db.url, '--rows', '5', '--table', 'taken', '--column', 'x int']);
      assert.equal(a.status, 2, a.stderr);
      assert.match(a.stderr, /--rows cannot be combined with --url/);
      const b = write(ws.root, ['--url', db.url, '--table', 'taken', '--column', 'token text']);
      assert.notEqual(b.status, 0);
      assert.match(b.stderr, /the plan has errors; nothing was written/);
      assert.deepEqual(readdirSync(ws.root), []);
    }),
  );

  it(
    "the wizard's Write Migration Files: the plan from the live facts and the calibration the wizard holds gives files that walk the key and state the estimate with its basis",
    dbTest(async (t) => {
      // The wizard plans with planDraft over client.tableFacts, serverInfo and its calibration (src/extension/wizard/panel.ts)
      // and writes that plan (writePlanFiles → writeMigrations): the same calls here, on the real server.
      const db = pg.get(t);
      await db.client.query('CREATE TABLE h19_wizard (tenant int, seq bigint, note text, PRIMARY KEY (tenant, seq))');
      await db.client.query('INSERT INTO h19_wizard SELECT g % 5, g, null FROM generate_series(1, 4000) g');
      await db.client.query('ANALYZE h19_wizard');
      const info = await db.client.serverInfo();
      const facts = await db.client.tableFacts({ schema: 'public', name: 'h19_wizard' });
      const calibration = await db.client.calibrate();
      const { plan } = planDraft(
        { ...EMPTY_DRAFT, name: 'token', type: 'uuid', nullable: false, defaultKind: 'expression', defaultText: 'gen_random_uuid()' },
        facts,
        { dialect: info.dialect, version: info.version },
        { calibration },
      );
      assert.ok(plan);
      const ws = workspace('wizard-write');
      await writeInto(ws, plan, 'dbmate', 'db/migrations');
      const text = backfillFile(ws.root);
      assert.match(text, /Walks the primary key \(tenant, seq\)/);
      assert.match(text, /^-- Estimated time ≈ [^\n]* for about 4000 rows \(measured on this server on \d{4}-\d{2}-\d{2}\)\.$/m);
      runTool('dbmate', ['--no-dump-schema', 'up'], {
        cwd: ws.root,
        env: { DBMATE_MIGRATIONS_TABLE: history(), DATABASE_URL: pgUrlNoSsl(db.url) },
      });
      const nulls = await db.client.query<{ n: string }>('SELECT count(*) AS n FROM h19_wizard WHERE token IS NULL');
      assert.equal(Number(nulls[0]!.n), 0);
    }),
  );
});
