import { spawn, spawnSync } from 'node:child_process';
/**
 * The runner's online copy on the real MariaDB: with pt-online-schema-change installed, a NOT NULL column with a per-row
 * default is planned as one copy by the tool (the plan says so), and the runner runs the tool while a single-row writer
 * keeps updating: every row gets its own value, the column ends NOT NULL with its default, no writer error, nothing left
 * behind (the tool's new table and triggers).
 */
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { parseColumnDefinition } from '../../src/core/columnSpec';
import { planColumn, planSteps } from '../../src/core/plan';
import type { Plan } from '../../src/core/types';
import { join } from 'node:path';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { parseConnectionUrl } from '../../src/db/connection';
import { tmpdir } from 'node:os';
import { discardHeldOnlineCopy, findPtOnlineSchemaChange, holdOnlineCopy } from '../../src/db/mysql/onlineCopy';
import { holdOnlineCopyAhead } from '../../src/cli/livePlan';
import { holdEarly } from '../../src/cli/holdEarly';
import { runPlan } from '../../src/db/run';
import { dbTest, skipOrFail, throwawayDatabase } from './helpers';
import { seedTable } from './runHelpers';

const my = throwawayDatabase('mysql');
const ROWS = 30_000;
type Db = ReturnType<typeof my.get>;

/** A seeded table `name` of `rows` rows and the plan that adds `token char(36) NOT NULL DEFAULT (UUID())` by one online copy. */
async function onlineCopyCase(t: TestContext, db: Db, name: string, rows: number): Promise<Plan> {
  const tool = findPtOnlineSchemaChange();
  if (!tool) skipOrFail(t, 'pt-online-schema-change is not installed (Debian package percona-toolkit)');
  const table = { schema: db.name, name };
  await seedTable(db.client, 'mysql', db.name, name, rows);
  const info = await db.client.serverInfo();
  return planColumn(
    parseColumnDefinition('token char(36) NOT NULL DEFAULT (UUID())', info.dialect),
    await db.client.tableFacts(table),
    { dialect: info.dialect, version: info.version },
    { onlineCopyTool: tool },
  );
}

/** The triggers in the database and its tables named LIKE `tableLike`: what the tool would leave behind. */
async function leftovers(db: Db, tableLike: string): Promise<unknown[]> {
  return [
    ...(await db.client.query('SELECT TRIGGER_NAME AS name FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = ?', [db.name])),
    ...(await db.client.query('SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME LIKE ?', [
      db.name,
      tableLike,
    ])),
  ];
}

describe('the runner with pt-online-schema-change (MariaDB)', () => {
  it(
    'adds a NOT NULL DEFAULT (UUID()) column by one online copy under a concurrent writer',
    dbTest(async (t) => {
      const db = my.get(t);
      const plan = await onlineCopyCase(t, db, 'orders', ROWS);
      const steps = planSteps(plan);
      assert.equal(steps.length, 1);
      assert.equal(steps[0]!.onlineCopy?.tool.name, 'pt-online-schema-change');
      assert.ok(plan.warnings.some((w) => w.code === 'online-copy'));

      const writerConn = await db.connect();
      let running = true;
      let writes = 0;
      const errors: string[] = [];
      const writer = (async () => {
        while (running) {
          try {
            await writerConn.query('UPDATE orders SET v = v + 1 WHERE id = ?', [1 + Math.floor(Math.random() * ROWS)]);
            writes++;
          } catch (err) {
            errors.push((err as Error).message);
          }
        }
      })();
      const runner = await db.connect();
      let out;
      try {
        out = await runPlan(runner, plan);
      } finally {
        running = false;
        await writer;
      }
      assert.equal(out.status, 'completed');
      assert.match(out.report.steps[0]?.note ?? '', /^done by pt-online-schema-change /);
      assert.deepEqual(errors, []);
      assert.ok(writes > 0);

      const [col] = await db.client.query<{ nullable: string; def: string | null }>(
        "SELECT IS_NULLABLE AS nullable, COLUMN_DEFAULT AS def FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = 'orders' AND COLUMN_NAME = 'token'",
        [db.name],
      );
      assert.equal(col?.nullable, 'NO');
      assert.match(col?.def ?? '', /uuid\(\)/i);
      const [n] = await db.client.query<{ rows: number | string; distinct_tokens: number | string }>(
        'SELECT count(*) AS `rows`, count(DISTINCT token) AS distinct_tokens FROM orders',
      );
      assert.equal(Number(n!.rows), ROWS);
      assert.equal(Number(n!.distinct_tokens), ROWS);
      assert.deepEqual(await leftovers(db, '\\_orders\\_%'), []);
    }),
  );

  it(
    'a completed run whose column was then dropped by hand: the same plan runs afresh and adds the column again',
    dbTest(async (t) => {
      const db = my.get(t);
      const plan = await onlineCopyCase(t, db, 'redone', 5_000);
      const runner = await db.connect();
      const first = await runPlan(runner, plan);
      assert.equal(first.status, 'completed');
      await db.client.query('ALTER TABLE redone DROP COLUMN token');
      const messages: string[] = [];
      const again = await runPlan(runner, plan, { onProgress: (p) => p.message && messages.push(p.message) });
      assert.equal(again.status, 'completed');
      assert.notEqual(again.runId, first.runId, 'a new run, not the old one reported again');
      assert.equal(again.status === 'completed' && again.report.resumed, false);
      assert.deepEqual(again.status === 'completed' && again.report.problems, []);
      assert.ok(
        messages.some((m) => m.includes(`run ${first.runId} completed this plan earlier, but column token is not on`)),
        messages.join('\n'),
      );
      const [n] = await db.client.query<{ d: number | string }>('SELECT count(DISTINCT token) AS d FROM redone');
      assert.equal(Number(n!.d), 5_000);
    }),
  );

  it(
    'another pt-online-schema-change copying the table (a name with a space): the run refuses, names its pid, and drops nothing of it',
    dbTest(async (t) => {
      const db = my.get(t);
      // Before, runningCopies split the tool's DSN on spaces too, never found `t=busy table`, and said no copy ran here.
      const plan = await onlineCopyCase(t, db, 'busy table', 300_000);
      const u = new URL(db.url);
      const other = spawn(
        'pt-online-schema-change',
        [
          '--alter',
          'ADD COLUMN other int NULL',
          `h=${u.hostname},P=${u.port || 3306},u=${decodeURIComponent(u.username)},D=${db.name},t=busy table`,
          ...(u.password ? [`--password=${decodeURIComponent(u.password)}`] : []),
          '--execute',
          '--recursion-method=none',
          '--chunk-time',
          '0.05',
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let out = '';
      await new Promise<void>((resolve, reject) => {
        other.stdout.on('data', (b: Buffer) => {
          out += b.toString();
          if (out.includes('Copying approximately')) resolve();
        });
        other.on('close', () => reject(new Error(`the other copy ended first:\n${out}`)));
      });
      const runner = await db.connect();
      const failure = await runPlan(runner, plan).then(
        () => '',
        (err: Error) => err.message,
      );
      const [triggers] = await db.client.query<{ n: number | string }>(
        'SELECT count(*) AS n FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = ? AND EVENT_OBJECT_TABLE = ?',
        [db.name, 'busy table'],
      );
      const code = await new Promise<number | null>((resolve) =>
        other.exitCode !== null ? resolve(other.exitCode) : other.on('close', resolve),
      );
      assert.match(failure, new RegExp(`pt-online-schema-change is still running on ${db.name}\\.busy table \\(pid ${other.pid}\\)`));
      assert.equal(Number(triggers!.n), 3, 'its triggers were left to it while it ran');
      assert.equal(code, 0, `the other copy completed:\n${out}`);
      const again = await runPlan(runner, plan);
      assert.equal(again.status, 'completed');
      assert.deepEqual(await leftovers(db, '\\_busy table\\_%'), []);
    }),
  );

  it(
    'the tool is given chunks of 150 ms by default, and --batch-ms when the run has one (a stand-in tool records its arguments)',
    dbTest(async (t) => {
      const db = my.get(t);
      const plan = await onlineCopyCase(t, db, 'chunked', 100);
      const dir = mkdtempSync(join(tmpdir(), 'cw-ptosc-args-'));
      const saved = process.env.PATH;
      try {
        // Records its arguments one per line and fails: the run stops there and says the table is unchanged.
        writeFileSync(join(dir, 'pt-online-schema-change'), `#!/bin/sh\nprintf '%s\\n' "$@" > "${dir}/args"\nexit 1\n`, { mode: 0o755 });
        process.env.PATH = `${dir}:${saved}`;
        const runner = await db.connect();
        const args = async (options: Parameters<typeof runPlan>[2]) => {
          await assert.rejects(runPlan(runner, plan, options), /exited with 1/);
          const lines = readFileSync(join(dir, 'args'), 'utf8').split('\n');
          return lines[lines.indexOf('--chunk-time') + 1];
        };
        assert.equal(await args({}), '0.150');
        assert.equal(await args({ backfill: { targetBatchMs: 80 } }), '0.080');
      } finally {
        process.env.PATH = saved;
        rmSync(dir, { recursive: true, force: true });
      }
    }),
  );

  it(
    'a table named like the tool’s new table (_spare_new) but without its triggers neither stops the run nor is dropped, when the copy fails or completes',
    dbTest(async (t) => {
      const db = my.get(t);
      const plan = await onlineCopyCase(t, db, 'spare', 100);
      await db.client.query('CREATE TABLE _spare_new (id int PRIMARY KEY)');
      await db.client.query('INSERT INTO _spare_new VALUES (7)');
      const kept = async () => (await db.client.query<{ id: number }>('SELECT id FROM _spare_new')).map((r) => Number(r.id));
      const dir = mkdtempSync(join(tmpdir(), 'cw-ptosc-fails-'));
      const saved = process.env.PATH;
      const runner = await db.connect();
      try {
        // A stand-in tool that fails at once: the run cleans up after it, and must not take that table for the tool's.
        writeFileSync(join(dir, 'pt-online-schema-change'), '#!/bin/sh\nexit 1\n', { mode: 0o755 });
        process.env.PATH = `${dir}:${saved}`;
        await assert.rejects(runPlan(runner, plan), /exited with 1/);
      } finally {
        process.env.PATH = saved;
        rmSync(dir, { recursive: true, force: true });
      }
      assert.deepEqual(await kept(), [7], 'kept after the failed copy');
      const done = await runPlan(runner, plan);
      assert.equal(done.status, 'completed');
      assert.deepEqual(await kept(), [7], 'kept after the completed copy');
      const [n] = await db.client.query<{ d: number | string }>('SELECT count(DISTINCT token) AS d FROM spare');
      assert.equal(Number(n!.d), 100);
      await db.client.query('DROP TABLE _spare_new');
    }),
  );

  it(
    'another pt-online-schema-change started after the run’s check while its tool fails: the run drops none of its triggers or table',
    dbTest(async (t) => {
      const db = my.get(t);
      const plan = await onlineCopyCase(t, db, 'race', 300_000);
      const u = new URL(db.url);
      const dir = mkdtempSync(join(tmpdir(), 'cw-ptosc-race-'));
      const saved = process.env.PATH;
      const runner = await db.connect();
      let failure = '';
      try {
        // The run's "tool": it starts the real one on the same table as someone else would (after the run found no copy
        // there), waits until that one is copying (its triggers and new table made), then fails having made nothing.
        const other = [
          '/usr/bin/pt-online-schema-change',
          '--alter',
          "'ADD COLUMN other int NULL'",
          `'h=${u.hostname},P=${u.port || 3306},u=${decodeURIComponent(u.username)},D=${db.name},t=race'`,
          ...(u.password ? [`'--password=${decodeURIComponent(u.password)}'`] : []),
          '--execute --recursion-method=none --chunk-time 0.05',
        ].join(' ');
        writeFileSync(
          join(dir, 'pt-online-schema-change'),
          `#!/bin/sh\n${other} > "${dir}/other.log" 2>&1 &\necho $! > "${dir}/other.pid"\n` +
            `i=0; while ! grep -q 'Copying approximately' "${dir}/other.log"; do sleep 0.05; i=$((i+1)); [ $i -gt 600 ] && break; done\nexit 1\n`,
          { mode: 0o755 },
        );
        process.env.PATH = `${dir}:${saved}`;
        failure = await runPlan(runner, plan).then(
          () => '',
          (err: Error) => err.message,
        );
      } finally {
        process.env.PATH = saved;
      }
      try {
        assert.match(failure, /exited with 1/);
        const log = () => readFileSync(join(dir, 'other.log'), 'utf8');
        assert.match(log(), /Copying approximately/, 'the other copy was copying when the run’s tool failed');
        const [triggers] = await db.client.query<{ n: number | string }>(
          'SELECT count(*) AS n FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = ? AND EVENT_OBJECT_TABLE = ?',
          [db.name, 'race'],
        );
        // Before, the run dropped every pt_osc trigger and `_race_new` that were not there before its tool started.
        assert.equal(Number(triggers!.n), 3, 'the other copy’s triggers are still there');
        assert.doesNotMatch(failure, /dropped what it left/);
        const pid = Number(readFileSync(join(dir, 'other.pid'), 'utf8'));
        for (let i = 0; i < 1200; i++) {
          try {
            process.kill(pid, 0);
          } catch {
            break;
          }
          await new Promise((r) => setTimeout(r, 50));
        }
        assert.match(log(), /Successfully altered/, `the other copy completed:\n${log()}`);
        const [col] = await db.client.query(
          "SELECT 1 FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = 'race' AND COLUMN_NAME = 'other'",
          [db.name],
        );
        assert.ok(col, 'its column is there');
        assert.deepEqual(await leftovers(db, '\\_race\\_%'), []);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }),
  );

  it(
    'a cancel during the copy drops the triggers and new table the tool leaves, and running again completes',
    dbTest(async (t) => {
      const db = my.get(t);
      const plan = await onlineCopyCase(t, db, 'cancelled', 300_000);
      const stop = new AbortController();
      const runner = await db.connect();
      // Cancelled once the tool has made its triggers and new table and is copying.
      const first = await runPlan(runner, plan, {
        signal: stop.signal,
        onProgress: (p) => {
          if (p.message?.includes('Copying approximately')) setTimeout(() => stop.abort(), 100);
        },
      });
      assert.equal(first.status, 'cancelled');
      assert.deepEqual(await leftovers(db, '\\_cancelled\\_%'), []);
      const [col] = await db.client.query(
        "SELECT 1 FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = 'cancelled' AND COLUMN_NAME = 'token'",
        [db.name],
      );
      assert.equal(col, undefined);
      const again = await runPlan(runner, plan);
      assert.equal(again.status, 'completed');
      const [n] = await db.client.query<{ d: number | string }>('SELECT count(DISTINCT token) AS d FROM cancelled');
      assert.equal(Number(n!.d), 300_000);
      assert.deepEqual(await leftovers(db, '\\_cancelled\\_%'), []);
    }),
  );

  it(
    'the tool killed mid-copy (nothing printed): the run fails, its triggers and new table are dropped, the table is unchanged and the error says so',
    dbTest(async (t) => {
      const db = my.get(t);
      const plan = await onlineCopyCase(t, db, 'killed', 300_000);
      const checksum = async () => (await db.client.query<Record<string, unknown>>('CHECKSUM TABLE killed'))[0]!.Checksum;
      const before = await checksum();
      const runner = await db.connect();
      let killed = false;
      const outcome = await runPlan(runner, plan, {
        onProgress: (p) => {
          if (killed || !p.message?.includes('Copying approximately')) return;
          killed = true;
          // SIGKILL of this process's own pt-online-schema-change child: it cannot print or drop anything.
          const ps = spawnSync('ps', ['-o', 'pid=,args=', '--ppid', String(process.pid)], { encoding: 'utf8' });
          const pid = ps.stdout
            .split('\n')
            .find((l) => l.includes('pt-online-schema-change'))
            ?.trim()
            .split(/\s+/)[0];
          assert.ok(pid, `no pt-online-schema-change child in:\n${ps.stdout}`);
          process.kill(Number(pid), 'SIGKILL');
        },
      }).then(
        (o) => ({ status: o.status, error: '' }),
        (err: Error) => ({ status: 'failed', error: err.message }),
      );
      assert.ok(killed, 'the copy was seen starting');
      assert.equal(outcome.status, 'failed', 'runPlan rejects with the failure');
      const { error } = outcome;
      assert.match(error, /was stopped \(SIGKILL\)/);
      assert.match(error, /dropped what it left \(4 statements\)/);
      assert.match(error, /the table is unchanged \(no column token\)/);
      assert.deepEqual(await leftovers(db, '\\_%'), []);
      assert.equal(await checksum(), before, 'the rows are as they were');
      const again = await runPlan(runner, plan);
      assert.equal(again.status, 'completed');
      const [n] = await db.client.query<{ d: number | string }>('SELECT count(DISTINCT token) AS d FROM killed');
      assert.equal(Number(n!.d), 300_000);
    }),
  );
});

describe('column-wizard run stopped by a signal during the online copy (MariaDB)', () => {
  it(
    'SIGKILL of the runner: its pt-online-schema-change exits too; the next run names what the tool left and how to remove it, and completes once they are gone',
    dbTest(async (t) => {
      const db = my.get(t);
      const name = 'sigkilled';
      await onlineCopyCase(t, db, name, 300_000);
      const args = ['run', '--url', db.url, '--table', name, '--column', 'token char(36) NOT NULL DEFAULT (UUID())', '--no-own-copy'];
      const cli = join(__dirname, '../../src/cli.ts');
      const child = spawn(process.execPath, ['--import', 'tsx', cli, ...args, '--yes', '--no-calibrate', '--no-baseline'], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let err = '';
      let tool: number | undefined;
      const killed = new Promise<void>((resolve) =>
        child.stderr.on('data', (b: Buffer) => {
          err += b.toString();
          if (tool !== undefined || !err.includes('Copying approximately')) return;
          const ps = spawnSync('ps', ['-o', 'pid=,args=', '--ppid', String(child.pid)], { encoding: 'utf8' }).stdout;
          tool = Number(
            ps
              .split('\n')
              .find((l) => l.includes('pt-online-schema-change'))
              ?.trim()
              .split(/\s+/)[0],
          );
          child.kill('SIGKILL');
          resolve();
        }),
      );
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      await killed;
      assert.ok(tool, `the copy was seen starting:\n${err}`);
      assert.equal(code, null, 'killed');
      // The tool got SIGTERM when its parent died. Gone, or a zombie nobody reaps (a container's first process may not).
      // Waited for generously (a loaded machine may be slow to schedule it): what shows it stopped rather than finished
      // is the table, below, not the time. Copying on, the tool would have ended its 300,000 rows well within this.
      const gone = async () => {
        for (let i = 0; i < 600; i++) {
          const stat = spawnSync('ps', ['-o', 'stat=', '-p', String(tool)], { encoding: 'utf8' }).stdout.trim();
          if (stat === '' || stat.startsWith('Z')) return true;
          await new Promise((r) => setTimeout(r, 50));
        }
        return false;
      };
      assert.equal(await gone(), true, 'the tool exited after the runner (within 30 s)');
      const [col] = await db.client.query(
        "SELECT 1 FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND COLUMN_NAME = 'token'",
        [db.name, name],
      );
      assert.equal(col, undefined, 'the tool stopped before its copy completed (no column token)');
      const again = spawnSync(process.execPath, ['--import', 'tsx', cli, ...args, '--yes', '--no-calibrate', '--no-baseline'], {
        encoding: 'utf8',
      });
      assert.equal(again.status, 1, again.stderr);
      assert.match(again.stderr, /has the triggers and new table of a pt-online-schema-change copy that did not finish/);
      assert.match(again.stderr, /No pt-online-schema-change runs on this machine/);
      const drops = /remove them with: (.*?); then run again/.exec(again.stderr)?.[1]?.split('; ') ?? [];
      // The triggers first (a trigger writing to a dropped table would fail the application's writes), then the table.
      const plain = drops.map((d) => d.replace(/`[^`]*`\.`([^`]*)`$/, '$1'));
      assert.deepEqual(
        [...plain.slice(0, 3)].sort(),
        ['del', 'ins', 'upd'].map((k) => `DROP TRIGGER IF EXISTS pt_osc_${db.name}_${name}_${k}`),
        again.stderr,
      );
      assert.deepEqual(plain.slice(3), [`DROP TABLE IF EXISTS _${name}_new`], again.stderr);
      for (const sql of drops) await db.client.query(sql);
      const third = spawnSync(process.execPath, ['--import', 'tsx', cli, ...args, '--yes', '--no-calibrate', '--no-baseline'], {
        encoding: 'utf8',
      });
      assert.equal(third.status, 0, third.stderr);
      const [n] = await db.client.query<{ d: number | string }>(`SELECT count(DISTINCT token) AS d FROM ${name}`);
      assert.equal(Number(n!.d), 300_000);
      assert.deepEqual(await leftovers(db, '\\_%'), []);
    }),
  );

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(
      `${signal} to the runner stops its pt-online-schema-change, drops what it made, exits 130; running again completes`,
      dbTest(async (t) => {
        const db = my.get(t);
        const name = `signalled_${signal.toLowerCase()}`;
        await onlineCopyCase(t, db, name, 300_000);
        const args = ['run', '--url', db.url, '--table', name, '--column', 'token char(36) NOT NULL DEFAULT (UUID())', '--no-own-copy'];
        const cli = join(__dirname, '../../src/cli.ts');
        const child = spawn(process.execPath, ['--import', 'tsx', cli, ...args, '--yes', '--no-calibrate', '--no-baseline'], {
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let err = '';
        let tool: number | undefined;
        child.stderr.on('data', (b: Buffer) => {
          err += b.toString();
          if (tool === undefined && err.includes('Copying approximately')) {
            const ps = spawnSync('ps', ['-o', 'pid=,args=', '--ppid', String(child.pid)], { encoding: 'utf8' }).stdout;
            tool = Number(
              ps
                .split('\n')
                .find((l) => l.includes('pt-online-schema-change'))
                ?.trim()
                .split(/\s+/)[0],
            );
            setTimeout(() => child.kill(signal), 100);
          }
        });
        const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
        assert.ok(tool, `the copy was seen starting:\n${err}`);
        assert.equal(code, 130, err);
        let alive = true;
        try {
          process.kill(tool!, 0);
        } catch {
          alive = false;
        }
        assert.equal(alive, false, 'the tool is not running any more');
        assert.deepEqual(await leftovers(db, '\\_%'), []);
        const [col] = await db.client.query(
          "SELECT 1 FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND COLUMN_NAME = 'token'",
          [db.name, name],
        );
        assert.equal(col, undefined, 'the table is unchanged');
        const again = spawnSync(process.execPath, ['--import', 'tsx', cli, ...args, '--yes', '--no-calibrate', '--no-baseline'], {
          encoding: 'utf8',
        });
        assert.equal(again.status, 0, again.stderr);
        const [n] = await db.client.query<{ d: number | string }>(`SELECT count(DISTINCT token) AS d FROM ${name}`);
        assert.equal(Number(n!.d), 300_000);
      }),
    );
  }
});

/** The pt-online-schema-change processes held for `schema`.`table` (holdOnlineCopy): pid and command line. */
function heldCopies(schema: string, table: string): { pid: number; args: string }[] {
  const ps = spawnSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  return ps.stdout
    .split('\n')
    .map((l) => /^\s*(\d+)\s+(.*)$/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null && m[2]!.includes('-Mcw_hold') && !m[2]!.startsWith('ps '))
    .filter((m) => m[2]!.split(/[\s,]/).includes(`D=${schema}`) && m[2]!.split(/[\s,]/).includes(`t=${table}`))
    .map((m) => ({ pid: Number(m[1]), args: m[2]! }));
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function until(what: string, ok: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('pt-online-schema-change started ahead of the copy (holdOnlineCopy, MariaDB)', () => {
  it(
    'held, it connects to nothing and changes nothing; the run’s copy of that table is done by it; one not taken is ended with its files',
    dbTest(async (t) => {
      const db = my.get(t);
      const plan = await onlineCopyCase(t, db, 'held', 5_000);
      await onlineCopyCase(t, db, 'untaken', 100);
      const runner = await db.connect();
      const sessions = async () =>
        Number(
          (
            await db.client.query<{ n: number | string }>('SELECT count(*) AS n FROM information_schema.PROCESSLIST WHERE DB = ?', [
              db.name,
            ])
          )[0]!.n,
        );
      const before = await sessions();
      try {
        holdOnlineCopy(runner.options, { schema: db.name, name: 'held' });
        const [h] = heldCopies(db.name, 'held');
        assert.ok(h, 'a held pt-online-schema-change for the table');
        // Long enough for Perl to compile the tool (0.1–0.4 s here; more under load): it waits on its stdin.
        await new Promise((r) => setTimeout(r, 2_000));
        assert.ok(alive(h.pid), 'still held');
        // The XS modules its top-level code requires are loaded while it is held, not after the handover (where
        // installed: perl loads each one here on its own first).
        const maps = readFileSync(`/proc/${h.pid}/maps`, 'utf8');
        for (const [module, library] of [
          ['IO::Socket::SSL', '/Net/SSLeay/SSLeay.so'],
          ['Term::ReadKey', '/Term/ReadKey/ReadKey.so'],
        ] as const)
          if (spawnSync('perl', [`-M${module}`, '-e1']).status === 0) assert.ok(maps.includes(library), `${module} loaded while held`);
        assert.equal(await sessions(), before, 'no connection of its own');
        assert.deepEqual(await leftovers(db, '\\_held\\_%'), []);
        const out = await runPlan(runner, plan);
        assert.equal(out.status, 'completed');
        assert.ok(!alive(h.pid), 'the held tool did the copy and ended (a copy by another process would leave it waiting)');
        const [n] = await db.client.query<{ d: number | string }>('SELECT count(DISTINCT token) AS d FROM held');
        assert.equal(Number(n!.d), 5_000);

        // Held for another table: the copy of `held` again is not its business; it is ended, its table untouched.
        await db.client.query('ALTER TABLE held DROP COLUMN token');
        holdOnlineCopy(runner.options, { schema: db.name, name: 'untaken' });
        const [u] = heldCopies(db.name, 'untaken');
        assert.ok(u);
        const dir = /-I(\S+)/.exec(u.args)![1]!;
        assert.equal((await runPlan(runner, plan)).status, 'completed');
        await until('the held tool for another table ended', () => !alive(u.pid));
        assert.ok(!existsSync(dir), `its option file's folder ${dir} removed`);
        const cols = await db.client.query(
          'SELECT 1 FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND COLUMN_NAME = ?',
          [db.name, 'untaken', 'token'],
        );
        assert.deepEqual(cols, []);

        // Discarded while held: ended, its folder removed.
        holdOnlineCopy(runner.options, { schema: db.name, name: 'untaken' });
        const [d] = heldCopies(db.name, 'untaken');
        assert.ok(d);
        await new Promise((r) => setTimeout(r, 500));
        discardHeldOnlineCopy();
        await until('the discarded tool ended', () => !alive(d.pid));
        assert.ok(!existsSync(/-I(\S+)/.exec(d.args)![1]!));
        assert.deepEqual(await leftovers(db, '\\_untaken\\_%'), []);
      } finally {
        discardHeldOnlineCopy();
        await runner.close();
      }
    }),
  );

  it(
    'run --table/--column --no-own-copy holds the tool ahead only for a change the planner would copy (and dist/cli.js on a rough look at the arguments, which the planner then confirms or ends); without --no-own-copy the own copy is chosen and nothing is held',
    dbTest(async (t) => {
      const db = my.get(t);
      await onlineCopyCase(t, db, 'ahead', 10);
      const connection = parseConnectionUrl(db.url);
      try {
        const tool = { 'no-own-copy': true };
        await holdOnlineCopyAhead(connection, { table: 'ahead', column: 'token char(36) NOT NULL DEFAULT (UUID())' });
        assert.deepEqual(heldCopies(db.name, 'ahead'), [], "without --no-own-copy: Column Wizard's own copy, nothing held");
        await holdOnlineCopyAhead(connection, { ...tool, table: 'ahead', column: 'note varchar(20) NULL' });
        assert.deepEqual(heldCopies(db.name, 'ahead'), [], 'a nullable column is added in place: nothing held');
        await holdOnlineCopyAhead(connection, {
          ...tool,
          table: 'ahead',
          column: 'token char(36) NOT NULL DEFAULT (UUID())',
          'no-online-copy': true,
        });
        assert.deepEqual(heldCopies(db.name, 'ahead'), [], '--no-online-copy: nothing held');
        await holdOnlineCopyAhead(connection, { ...tool, table: 'ahead', column: 'token char(36) NOT NULL DEFAULT (UUID())' });
        assert.equal(heldCopies(db.name, 'ahead').length, 1, 'a per-row default for every row: the copy, held');
        const [first] = heldCopies(db.name, 'ahead');
        await holdOnlineCopyAhead(connection, { ...tool, table: 'ahead', column: 'token char(36) NOT NULL DEFAULT (UUID())' });
        assert.deepEqual(heldCopies(db.name, 'ahead'), [first], 'held already: kept, not started again');
        await holdOnlineCopyAhead(connection, { ...tool, table: 'ahead', column: 'note varchar(20) NULL' });
        await until('a tool held for a change the planner does not copy is ended', () => heldCopies(db.name, 'ahead').length === 0);

        // dist/cli.js's early look at the arguments (before the CLI bundle loads).
        const column = 'token char(36) NOT NULL DEFAULT (UUID())';
        holdEarly(['--url', db.url, '--table', 'ahead', '--column', column, '--no-own-copy', '--plan', 'p.json']);
        holdEarly(['--url', db.url, '--table', 'ahead', '--column', column, '--no-own-copy', '--no-online-copy']);
        holdEarly(['--url', db.url, '--table', 'ahead', '--column', 'note varchar(20) NULL', '--no-own-copy']);
        holdEarly(['--url', db.url, '--table', 'ahead', '--column', column, '--yes']);
        assert.deepEqual(heldCopies(db.name, 'ahead'), [], '--plan, --no-online-copy, a nullable column, no --no-own-copy: nothing held');
        holdEarly(['--url', db.url, '--table', `${db.name}.ahead`, '--column', column, '--no-own-copy', '--yes']);
        assert.equal(heldCopies(db.name, 'ahead').length, 1, 'held early');
      } finally {
        discardHeldOnlineCopy();
      }
      await until('discarded', () => heldCopies(db.name, 'ahead').length === 0);
    }),
  );
});
