/**
 * Column Wizard's own online copy (src/db/mysql/ownCopy.ts) run by the runner on the real MariaDB: planned where the table
 * allows it (and not where it does not), consistent under a writer that inserts, updates and deletes, stopped by a cancel
 * and by a failure in the middle with the table as it was and nothing left, and a killed copy's leftovers dropped by the
 * next one.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseColumnDefinition } from '../../src/core/columnSpec';
import { planColumn, planSteps } from '../../src/core/plan';
import type { Plan, TableRef } from '../../src/core/types';
import type { DatabaseClient } from '../../src/db/client';
import { ownCopyLeftovers, ownCopyNames, ownCopyOffer, ownCopyRefusal } from '../../src/db/mysql/ownCopy';
import { runPlan } from '../../src/db/run';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli';
import { capture } from '../helpers/cli';
import { dbTest, throwawayDatabase } from './helpers';
import { seedTable } from './runHelpers';

const my = throwawayDatabase('mysql');
type Db = ReturnType<typeof my.get>;
const COLUMN = 'token char(36) NOT NULL DEFAULT (UUID())';

/** The plan for COLUMN on `name` from the live table, with the own copy offered as `plan --url` offers it. */
async function livePlan(db: Db, name: string): Promise<Plan> {
  const table = { schema: db.name, name };
  const info = await db.client.serverInfo();
  return planColumn(
    parseColumnDefinition(COLUMN, info.dialect),
    await db.client.tableFacts(table),
    { dialect: info.dialect, version: info.version },
    { ownCopy: await ownCopyOffer(db.client, table) },
  );
}

/**
 * A table `name` of `rows` rows whose keys have a gap and a dense run after it (1 … rows/2, then rows·10 … rows·10 +
 * rows/2): chunks sized by key span alone would take the dense run in one.
 */
async function seedGappy(db: Db, name: string, rows: number): Promise<void> {
  await seedTable(db.client, 'mysql', db.name, name, rows / 2);
  await db.client.query(`INSERT INTO ${name} SELECT seq, seq % 97 FROM seq_${rows * 10}_to_${rows * 10 + rows / 2 - 1}`);
  await db.client.query(`ANALYZE TABLE ${name}`);
}

/** Every object a copy of `name` makes (its triggers, new and old table) that is still there. */
async function left(db: Db, name: string): Promise<string[]> {
  return ownCopyLeftovers(db.client, { schema: db.name, name });
}

async function hasColumn(client: DatabaseClient, table: TableRef): Promise<boolean> {
  const rows = await client.query(
    "SELECT 1 FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND COLUMN_NAME = 'token'",
    [table.schema, table.name],
  );
  return rows.length > 0;
}

/** id and v of every row, as one checksum and a count. */
async function contents(client: DatabaseClient, table: string): Promise<{ n: number; sum: string }> {
  const [r] = await client.query<{ n: number | string; sum: string | null }>(
    `SELECT COUNT(*) AS n, CAST(COALESCE(SUM(CRC32(CONCAT(id, ':', v))), 0) AS CHAR) AS sum FROM ${table}`,
  );
  return { n: Number(r!.n), sum: String(r!.sum) };
}

describe("Column Wizard's own online copy (MariaDB)", () => {
  it(
    'is planned for a NOT NULL DEFAULT (UUID()) column, and under a writer that inserts, updates and deletes the table ends with every write and a value in every row',
    dbTest(async (t) => {
      const db = my.get(t);
      const ROWS = 40_000;
      await seedGappy(db, 'orders', ROWS);
      // The writer's every change is also made to this table in the same transaction: the end state to compare with.
      await db.client.query('CREATE TABLE shadow (id bigint PRIMARY KEY, v int NOT NULL)');
      await db.client.query('INSERT INTO shadow SELECT id, v FROM orders');
      const plan = await livePlan(db, 'orders');
      const steps = planSteps(plan);
      assert.equal(steps.length, 1);
      assert.equal(steps[0]!.onlineCopy?.tool.name, 'column-wizard');
      assert.equal(steps[0]!.estimate.kind, 'own-copy');
      assert.match(plan.warnings.find((w) => w.code === 'online-copy')?.message ?? '', /Column Wizard itself, 2 connections/);

      const writerConn = await db.connect();
      const ids = [...Array(ROWS / 2).keys()].map((i) => i + 1).concat([...Array(ROWS / 2).keys()].map((i) => ROWS * 10 + i));
      let running = true;
      let nextId = ROWS * 20;
      const counts = { insert: 0, update: 0, delete: 0 };
      const errors: string[] = [];
      const writer = (async () => {
        while (running) {
          const pick = ids[Math.floor(Math.random() * ids.length)]!;
          const r = Math.random();
          const [sql, params, kind] =
            r < 0.6
              ? (['UPDATE %t SET v = v + 1 WHERE id = ?', [pick], 'update'] as const)
              : r < 0.8
                ? (['INSERT INTO %t (id, v) VALUES (?, 7)', [nextId++], 'insert'] as const)
                : (['DELETE FROM %t WHERE id = ?', [pick], 'delete'] as const);
          try {
            await writerConn.query('BEGIN');
            await writerConn.query(sql.replace('%t', 'orders'), [...params]);
            await writerConn.query(sql.replace('%t', 'shadow'), [...params]);
            await writerConn.query('COMMIT');
            counts[kind]++;
          } catch (err) {
            await writerConn.query('ROLLBACK').catch(() => undefined);
            errors.push((err as Error).message);
          }
        }
      })();
      const runner = await db.connect();
      const lines: string[] = [];
      let out;
      try {
        out = await runPlan(runner, plan, {
          backfill: { targetBatchMs: 10 },
          onProgress: (p) => p.message && lines.push(p.message),
        });
      } finally {
        running = false;
        await writer;
      }
      assert.equal(out.status, 'completed', JSON.stringify(out));
      assert.match(out.report.steps[0]?.note ?? '', /^done by column-wizard /);
      assert.deepEqual(errors, []);
      assert.ok(counts.insert > 0 && counts.update > 0 && counts.delete > 0, JSON.stringify(counts));
      assert.ok(
        lines.some((l) => /copying about \d+ rows with 2 connections/.test(l)),
        lines.join('\n'),
      );
      assert.deepEqual(await contents(db.client, 'orders'), await contents(db.client, 'shadow'));
      const [n] = await db.client.query<{ n: number | string; d: number | string; nulls: number | string | null }>(
        'SELECT COUNT(*) AS n, COUNT(DISTINCT token) AS d, SUM(token IS NULL) AS nulls FROM orders',
      );
      assert.equal(Number(n!.d), Number(n!.n));
      assert.equal(Number(n!.nulls), 0);
      const [col] = await db.client.query<{ nullable: string; def: string | null }>(
        "SELECT IS_NULLABLE AS nullable, COLUMN_DEFAULT AS def FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = 'orders' AND COLUMN_NAME = 'token'",
        [db.name],
      );
      assert.equal(col?.nullable, 'NO');
      assert.match(col?.def ?? '', /uuid\(\)/i);
      assert.deepEqual(await left(db, 'orders'), []);
    }),
  );

  it(
    "keeps the table's AUTO_INCREMENT counter: a key handed out and deleted before the copy is not handed out again",
    dbTest(async (t) => {
      const db = my.get(t);
      await db.client.query('CREATE TABLE counted (id bigint AUTO_INCREMENT PRIMARY KEY, v int NOT NULL)');
      await db.client.query('INSERT INTO counted (v) SELECT seq FROM seq_1_to_100');
      await db.client.query('DELETE FROM counted WHERE id > 90');
      const counter = async () => {
        const [row] = await db.client.query<Record<string, string>>('SHOW CREATE TABLE counted');
        return Number(/ AUTO_INCREMENT=(\d+)/.exec(Object.values(row!)[1]!)?.[1]);
      };
      const next = await counter();
      assert.ok(next > 91, `the counter is past the deleted keys (${next})`);
      const out = await runPlan(await db.connect(), await livePlan(db, 'counted'));
      assert.equal(out.status, 'completed', JSON.stringify(out));
      const conn = await db.connect();
      await conn.query('INSERT INTO counted (v) VALUES (1)');
      const [r] = await conn.query<{ id: number | string }>('SELECT LAST_INSERT_ID() AS id');
      assert.equal(Number(r!.id), next);
    }),
  );

  it(
    'cancelled in the middle of the copy: the run is cancelled, the table is as it was with nothing left, and running again completes',
    dbTest(async (t) => {
      const db = my.get(t);
      await seedGappy(db, 'stopped', 100_000);
      const before = await contents(db.client, 'stopped');
      const plan = await livePlan(db, 'stopped');
      const ac = new AbortController();
      const runner = await db.connect();
      const out = await runPlan(runner, plan, {
        signal: ac.signal,
        // Small chunks, so that the cancel falls between two of them.
        backfill: { targetBatchMs: 2 },
        onProgress: (p) => {
          if (p.message?.includes('copying about')) setTimeout(() => ac.abort(), 30);
        },
      });
      assert.equal(out.status, 'cancelled', JSON.stringify(out));
      assert.equal(await hasColumn(db.client, { schema: db.name, name: 'stopped' }), false);
      assert.deepEqual(await contents(db.client, 'stopped'), before);
      assert.deepEqual(await left(db, 'stopped'), []);
      const again = await runPlan(runner, plan);
      assert.equal(again.status, 'completed');
      assert.deepEqual(await contents(db.client, 'stopped'), before);
    }),
  );

  it(
    'a copier whose session is killed in the middle: the run fails saying the table is unchanged, with nothing left',
    dbTest(async (t) => {
      const db = my.get(t);
      await seedGappy(db, 'killed', 100_000);
      const before = await contents(db.client, 'killed');
      const plan = await livePlan(db, 'killed');
      const names = ownCopyNames({ schema: db.name, name: 'killed' });
      const killer = await db.connect();
      let killed = 0;
      let watching = true;
      // Kills the first session seen copying a chunk into the new table.
      const watch = (async () => {
        while (watching && !killed) {
          const rows = await killer.query<{ id: number | string }>(
            "SELECT ID AS id FROM information_schema.PROCESSLIST WHERE INFO LIKE CONCAT('INSERT IGNORE INTO %', ?, '%')",
            [names.newTable],
          );
          for (const r of rows.slice(0, 1)) {
            await killer.query(`KILL ${Number(r.id)}`).catch(() => undefined);
            killed++;
          }
        }
      })();
      const runner = await db.connect();
      await assert.rejects(
        runPlan(runner, plan, { backfill: { targetBatchMs: 20 } }).finally(() => {
          watching = false;
        }),
        /Failed at phase 1 .*the own online copy failed: one of its connections was closed by the server.*dropped its triggers and new table; the table is unchanged \(no column token\)/s,
      );
      await watch;
      assert.ok(killed > 0, 'a copier was killed');
      assert.equal(await hasColumn(db.client, { schema: db.name, name: 'killed' }), false);
      assert.deepEqual(await contents(db.client, 'killed'), before);
      assert.deepEqual(await left(db, 'killed'), []);
    }),
  );

  it(
    "drops a killed copy's triggers and new table before it copies, and says so",
    dbTest(async (t) => {
      const db = my.get(t);
      await seedTable(db.client, 'mysql', db.name, 'leftover', 5_000);
      const names = ownCopyNames({ schema: db.name, name: 'leftover' });
      // What a copy killed after its triggers leaves: the new table and triggers that write to it.
      await db.client.query(`CREATE TABLE \`${names.newTable}\` LIKE leftover`);
      await db.client.query(
        `CREATE TRIGGER \`${names.triggers[2]}\` AFTER INSERT ON leftover FOR EACH ROW REPLACE INTO \`${names.newTable}\` (id, v) VALUES (NEW.id, NEW.v)`,
      );
      assert.equal((await left(db, 'leftover')).length, 2);
      // Planned with the server's view of the table: the copy's own leftover trigger is not "a trigger of the table's own".
      const plan = await livePlan(db, 'leftover');
      assert.equal(planSteps(plan)[0]!.onlineCopy?.tool.name, 'column-wizard');
      const lines: string[] = [];
      const out = await runPlan(await db.connect(), plan, { onProgress: (p) => p.message && lines.push(p.message) });
      assert.equal(out.status, 'completed', JSON.stringify(out));
      assert.ok(
        lines.some((l) => /dropped what an earlier copy of this table left \(2 objects\)/.test(l)),
        lines.join('\n'),
      );
      assert.deepEqual(await left(db, 'leftover'), []);
      const [n] = await db.client.query<{ n: number | string }>('SELECT COUNT(token) AS n FROM leftover');
      assert.equal(Number(n!.n), 5_000);
    }),
  );

  it(
    'is not planned for a table with triggers of its own, a composite key or a foreign key, and says why',
    dbTest(async (t) => {
      const db = my.get(t);
      await seedTable(db.client, 'mysql', db.name, 'trig', 100);
      await db.client.query('CREATE TABLE audit (id bigint)');
      await db.client.query('CREATE TRIGGER trig_audit AFTER UPDATE ON trig FOR EACH ROW INSERT INTO audit VALUES (NEW.id)');
      // A trigger of the table's own named like the copy's: the copy's are only its three exact names.
      await seedTable(db.client, 'mysql', db.name, 'lookalike', 100);
      await db.client.query('CREATE TRIGGER cw_copy_audit AFTER INSERT ON lookalike FOR EACH ROW INSERT INTO audit VALUES (NEW.id)');
      await db.client.query('CREATE TABLE pair (a int NOT NULL, b int NOT NULL, PRIMARY KEY (a, b))');
      await db.client.query('INSERT INTO pair SELECT seq, seq FROM seq_1_to_100');
      await seedTable(db.client, 'mysql', db.name, 'parent', 100);
      await db.client.query('CREATE TABLE child (id bigint PRIMARY KEY, p bigint, FOREIGN KEY (p) REFERENCES parent (id))');
      await db.client.query('INSERT INTO child SELECT seq, seq FROM seq_1_to_100');
      const cases: [string, RegExp][] = [
        ['trig', /triggers of its own/],
        ['lookalike', /triggers of its own/],
        ['pair', /primary key is not one integer column/],
        ['child', /foreign keys refer to the table or from it/],
        ['parent', /foreign keys refer to the table or from it/],
      ];
      for (const [name, why] of cases) {
        assert.match((await ownCopyRefusal(db.client, { schema: db.name, name })) ?? '', why, name);
        const plan = await livePlan(db, name);
        assert.ok(!planSteps(plan).some((s) => s.onlineCopy), name);
        assert.match(plan.warnings.find((w) => w.code === 'online-copy')?.message ?? '', why, name);
      }
      assert.equal(await ownCopyRefusal(db.client, { schema: db.name, name: 'audit' }), 'the table has no primary key');
    }),
  );

  it(
    'a plan file with the own copy (plan --url) runs as written; one whose copy ALTER was changed is refused with the difference, nothing run',
    dbTest(async (t) => {
      const db = my.get(t);
      await seedTable(db.client, 'mysql', db.name, 'filed', 2_000);
      const planned = capture();
      const args = ['--url', db.url, '--table', 'filed', '--column', COLUMN];
      assert.equal(await main(['plan', ...args, '--format', 'json', '--no-calibrate'], planned.io), 0, planned.text());
      const plan = JSON.parse(planned.out.join('\n')) as Plan;
      const copy = planSteps(plan).find((s) => s.onlineCopy);
      assert.equal(copy?.onlineCopy?.tool.name, 'column-wizard');
      const write = (p: unknown) => {
        const file = join(mkdtempSync(join(tmpdir(), 'cw-ownplan-')), 'plan.json');
        writeFileSync(file, JSON.stringify(p));
        return file;
      };
      // The ALTER the copy applies to its new table, changed: not what Column Wizard plans.
      const tampered = JSON.parse(JSON.stringify(plan)) as Plan;
      const step = planSteps(tampered).find((s) => s.onlineCopy)!;
      (step.onlineCopy as { alter: string }).alter += ', ADD COLUMN extra int';
      const refused = capture();
      assert.equal(await main(['run', '--url', db.url, '--plan', write(tampered), '--yes', '--no-calibrate'], refused.io), 2);
      assert.match(
        refused.text(),
        /refused: the file's SQL is not what Column Wizard plans[\s\S]*onlineCopy:\s*\n\s*file:.*ADD COLUMN extra int/,
      );
      assert.equal(await hasColumn(db.client, { schema: db.name, name: 'filed' }), false, 'nothing ran');
      const ran = capture();
      assert.equal(await main(['run', '--url', db.url, '--plan', write(plan), '--yes', '--no-calibrate'], ran.io), 0, ran.text());
      assert.match(ran.text(), /done by column-wizard /);
      const [n] = await db.client.query<{ n: number | string }>('SELECT COUNT(DISTINCT token) AS n FROM filed');
      assert.equal(Number(n!.n), 2_000);
    }),
  );
});
