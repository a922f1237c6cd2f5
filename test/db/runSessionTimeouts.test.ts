/**
 * The runner hands the connection back with the session's own timeouts. It sets lock and statement timeouts for its
 * steps and batches on the connection it is given, which may be the caller's (the extension's, the CLI's, a
 * benchmark's); before, they stayed set after the run, and the caller's next statement ran under them (a 3M-row
 * benchmark INSERT was cancelled by a leftover 30 s statement_timeout). Checked after a completed, a failed (a held
 * lock makes a DDL step time out) and a cancelled run, with settings of the session's own that nothing else uses.
 * A setting that cannot be set back (the connection is killed as the runner sets them back, the server refuses one)
 * is a warning on the outcome: the run's steps stand, and every other setting is still set back.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { DatabaseClient } from '../../src/db/client';
import { abandonRun, DEFAULT_RETRY, findBatchKey, previewAbandon, RunFailure, runBackfill, runPlan } from '../../src/db/run';
import { runnerDialect } from '../../src/db/run/dialect';
import { dbTest, throwawayDatabase, type Engine } from './helpers';
import { fullPlan, phase, plan, q, schemaOf, seedTable, step } from './runHelpers';

/** Distinct values, read back with plain SQL (not the code under test). */
const OWN: Record<Engine, { set: string[]; read: string; expected: Record<string, string> }> = {
  postgres: {
    set: [`SET lock_timeout = '7s'`, 'SET statement_timeout = 0'],
    read: `SELECT current_setting('lock_timeout') AS lock_timeout, current_setting('statement_timeout') AS statement_timeout`,
    expected: { lock_timeout: '7s', statement_timeout: '0' },
  },
  mysql: {
    set: ['SET SESSION lock_wait_timeout = 77, SESSION innodb_lock_wait_timeout = 33, SESSION max_statement_time = 0'],
    read: 'SELECT @@SESSION.lock_wait_timeout AS lock_wait_timeout, @@SESSION.innodb_lock_wait_timeout AS innodb_lock_wait_timeout, @@SESSION.max_statement_time AS max_statement_time',
    expected: { lock_wait_timeout: '77', innodb_lock_wait_timeout: '33', max_statement_time: '0' },
  },
};

async function ownSession(d: { connect(): Promise<DatabaseClient> }, engine: Engine): Promise<DatabaseClient> {
  const c = await d.connect();
  for (const s of OWN[engine].set) await c.query(s);
  assert.deepEqual(await settings(c, engine), OWN[engine].expected, 'the session starts with its own values');
  return c;
}

async function settings(c: DatabaseClient, engine: Engine): Promise<Record<string, string>> {
  const [row] = await c.query<Record<string, unknown>>(OWN[engine].read);
  // MariaDB shows max_statement_time as 0.000000.
  return Object.fromEntries(Object.entries(row!).map(([k, v]) => [k, String(v).replace(/^(\d+)\.0+$/, '$1')]));
}

/** The settings the runner sets back on each engine (MariaDB 10.11: no max_execution_time, which is MySQL's). */
const RESTORED: Record<Engine, string[]> = {
  postgres: ['lock_timeout', 'statement_timeout'],
  mysql: ['lock_wait_timeout', 'innodb_lock_wait_timeout', 'max_statement_time', 'foreign_key_checks', 'wsrep_osu_method'],
};

/**
 * `c`, whose connection another session (`killer`) kills the moment the runner starts setting the session's settings
 * back (the first statement that sets the session's own lock timeout, 7s / 77, which only that does): the connection
 * dropping right after the run's last step. The statements still go to the server; this only watches them.
 */
async function killedAtRestore(
  c: DatabaseClient,
  killer: DatabaseClient,
  engine: Engine,
): Promise<{ client: DatabaseClient; killed: () => boolean }> {
  const [{ id } = { id: 0 }] = await c.query<{ id: number | string }>(runnerDialect(engine).sessionIdSql);
  // (The backfill sets the run's own values back after it the same way, so the session's value tells them apart.)
  const restoring = (sql: string, params?: unknown[]) =>
    engine === 'postgres'
      ? /set_config\(/.test(sql) && params?.[0] === 'lock_timeout' && params[1] === '7s'
      : /^SET SESSION lock_wait_timeout = 77\b/.test(sql);
  let killed = false;
  const client: DatabaseClient = new Proxy(c, {
    get: (target, prop) => {
      const v = Reflect.get(target, prop) as unknown;
      if (prop !== 'query') return typeof v === 'function' ? v.bind(target) : v;
      return async (sql: string, params?: unknown[]) => {
        if (!killed && restoring(sql, params)) {
          killed = true;
          if (engine === 'postgres') await killer.query('SELECT pg_terminate_backend($1, 5000)', [Number(id)]);
          else {
            await killer.query(`KILL CONNECTION ${Number(id)}`);
            for (let i = 0; i < 100; i++) {
              if (!(await killer.query('SELECT 1 FROM information_schema.PROCESSLIST WHERE ID = ?', [Number(id)])).length) break;
              await new Promise((r) => setTimeout(r, 50));
            }
          }
        }
        return target.query(sql, params);
      };
    },
  });
  return { client, killed: () => killed };
}

function assertWarnsOfEvery(warnings: readonly string[], engine: Engine) {
  assert.equal(warnings.length, RESTORED[engine].length, warnings.join('\n'));
  for (const name of RESTORED[engine])
    assert.ok(
      warnings.some((w) => w.includes(`session's ${name} could not be set back`)),
      `${name} tried on its own and said: ${warnings.join('\n')}`,
    );
}

for (const engine of ['postgres', 'mysql'] as const) {
  describe(`the session's timeouts after a run on ${engine}`, () => {
    const db = throwawayDatabase(engine);

    test(
      'a completed run (backfill and DDL steps, the plan’s own lock timeout statements) leaves them as they were',
      dbTest(async (t) => {
        const d = db.get(t);
        const schema = schemaOf(engine, d.name);
        await seedTable(d.client, engine, schema, 'ok_t', 3000);
        const c = await ownSession(d, engine);
        const out = await runPlan(c, fullPlan(engine, schema, 'ok_t', 'n', 'v + 1'), { backfill: { initialBatchSize: 500 } });
        assert.equal(out.status, 'completed');
        assert.deepEqual(await settings(c, engine), OWN[engine].expected);
      }),
    );

    test(
      'a completed run whose connection is killed as it sets them back: completed, each setting a warning',
      dbTest(async (t) => {
        const d = db.get(t);
        const schema = schemaOf(engine, d.name);
        await seedTable(d.client, engine, schema, 'kill_t', 1000);
        const own = await ownSession(d, engine);
        const { client, killed } = await killedAtRestore(own, d.client, engine);
        // Before, the failed restore was thrown: the caller saw an error for a column that was added.
        const out = await runPlan(client, fullPlan(engine, schema, 'kill_t', 'n', 'v + 1'), { backfill: { initialBatchSize: 500 } });
        assert.ok(killed(), 'the connection was killed as the settings were set back');
        assert.equal(out.status, 'completed');
        assert.ok(out.status === 'completed');
        assert.deepEqual(out.report.problems, []);
        assertWarnsOfEvery(out.report.warnings, engine);
        const cols = await d.client.query(
          engine === 'postgres'
            ? `SELECT 1 FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'kill_t' AND column_name = 'n'`
            : `SELECT 1 FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = 'kill_t' AND COLUMN_NAME = 'n'`,
          [schema],
        );
        assert.equal(cols.length, 1, 'the column is there');
      }),
    );

    test(
      'a failed run whose connection is killed as it sets them back: the run’s own error, each setting a warning',
      dbTest(async (t) => {
        const d = db.get(t);
        const schema = schemaOf(engine, d.name);
        const table = `${q(engine, schema)}.${q(engine, 'killf_t')}`;
        await seedTable(d.client, engine, schema, 'killf_t', 1000);
        const own = await ownSession(d, engine);
        const { client, killed } = await killedAtRestore(own, d.client, engine);
        const holder = await d.connect();
        const p = fullPlan(engine, schema, 'killf_t', 'n', 'v + 1');
        let held = false;
        try {
          const err = await runPlan(client, p, {
            lockTimeoutMs: 1000,
            retry: { maxAttempts: 1 },
            beforeStep: async (_step, where) => {
              if (held || p.phases[where.phaseIndex]!.kind !== 'constrain') return;
              held = true;
              await holder.query('BEGIN');
              await holder.query(
                engine === 'postgres' ? `LOCK TABLE ${table} IN ACCESS EXCLUSIVE MODE` : `SELECT id FROM ${table} LIMIT 1`,
              );
            },
          }).then(
            () => null,
            (e: unknown) => e,
          );
          assert.ok(killed(), 'the connection was killed as the settings were set back');
          assert.ok(err instanceof RunFailure, String(err));
          assert.equal(err.kind, 'lock-timeout', err.message);
          assertWarnsOfEvery(err.warnings, engine);
        } finally {
          await holder.query('ROLLBACK').catch(() => undefined);
        }
      }),
    );

    test(
      'a setting the server refuses to set back leaves the others set back, and says which',
      dbTest(async (t) => {
        const d = db.get(t);
        const c = await ownSession(d, engine);
        const r = runnerDialect(engine);
        const saved = new Map(await r.sessionSettings(c));
        // The runner's values in place, as after a run; then a saved value the server refuses for the first setting.
        await r.setLockTimeout(c as DatabaseClient, 1000);
        await r.setStatementTimeout(c as DatabaseClient, 1000);
        const refused = RESTORED[engine][0]!;
        saved.set(refused, 'bogus');
        // Before, one statement set them all: the refusal left every one with the runner's value, and was thrown.
        const failed = await r.restoreSessionSettings(c, saved);
        assert.deepEqual(
          failed.map((f) => [f.name, f.value]),
          [[refused, 'bogus']],
        );
        const now = await settings(c, engine);
        for (const [k, v] of Object.entries(OWN[engine].expected)) if (k !== refused) assert.equal(now[k], v, k);
        assert.notEqual(now[refused], OWN[engine].expected[refused], `${refused} keeps the runner's value`);
      }),
    );

    test(
      'a run that fails on a DDL step behind a held lock (after its backfill) leaves them as they were',
      dbTest(async (t) => {
        const d = db.get(t);
        const schema = schemaOf(engine, d.name);
        const table = `${q(engine, schema)}.${q(engine, 'held_t')}`;
        await seedTable(d.client, engine, schema, 'held_t', 3000);
        const c = await ownSession(d, engine);
        const holder = await d.connect();
        const p = fullPlan(engine, schema, 'held_t', 'n', 'v + 1');
        let held = false;
        try {
          const err = await runPlan(c, p, {
            lockTimeoutMs: 1000,
            retry: { maxAttempts: 2, baseDelayMs: 50, maxDelayMs: 50 },
            beforeStep: async (_step, where) => {
              // The first step after the backfill: the holder takes the table and keeps it.
              if (held || p.phases[where.phaseIndex]!.kind !== 'constrain') return;
              held = true;
              await holder.query('BEGIN');
              await holder.query(
                engine === 'postgres' ? `LOCK TABLE ${table} IN ACCESS EXCLUSIVE MODE` : `SELECT id FROM ${table} LIMIT 1`,
              );
            },
          }).then(
            () => null,
            (e: unknown) => e,
          );
          assert.ok(err instanceof RunFailure, String(err));
          assert.equal(err.kind, 'lock-timeout', err.message);
          assert.ok(held, 'the lock was taken after the backfill');
        } finally {
          await holder.query('ROLLBACK').catch(() => undefined);
        }
        assert.deepEqual(await settings(c, engine), OWN[engine].expected);
      }),
    );

    test(
      'a run cancelled during its backfill, and abandoning it, leave them as they were',
      dbTest(async (t) => {
        const d = db.get(t);
        const schema = schemaOf(engine, d.name);
        await seedTable(d.client, engine, schema, 'stop_t', 3000);
        const c = await ownSession(d, engine);
        const stop = new AbortController();
        const out = await runPlan(c, fullPlan(engine, schema, 'stop_t', 'n', 'v + 1'), {
          backfill: { fixedBatchSize: 100 },
          signal: stop.signal,
          onProgress: (p) => {
            if (p.kind === 'batch') stop.abort();
          },
        });
        assert.equal(out.status, 'cancelled');
        assert.deepEqual(await settings(c, engine), OWN[engine].expected);
        // Abandoning it (undoing the column) on the same session gives them back too.
        const preview = await previewAbandon(c, { schema, name: 'stop_t' }, 'n');
        assert.ok(preview && preview.statements.length > 0);
        await abandonRun(c, preview);
        assert.deepEqual(await settings(c, engine), OWN[engine].expected);
      }),
    );

    if (engine === 'mysql')
      test(
        'a step that sets foreign_key_checks around its statement leaves the session’s own value (0 here) as it was',
        dbTest(async (t) => {
          const d = db.get(t);
          const schema = schemaOf(engine, d.name);
          await seedTable(d.client, engine, schema, 'fk_t', 10);
          const c = await ownSession(d, engine);
          await c.query('SET SESSION foreign_key_checks = 0');
          const table = `${q(engine, schema)}.${q(engine, 'fk_t')}`;
          const p = plan('mariadb', schema, 'fk_t', 'parent_id', [
            phase('expand', [
              step(`ALTER TABLE ${table} ADD COLUMN parent_id bigint NULL`),
              step(`ALTER TABLE ${table} ADD CONSTRAINT fk_t_parent FOREIGN KEY (parent_id) REFERENCES ${table} (id)`, {
                session: { before: ['SET SESSION foreign_key_checks = 0'], after: ['SET SESSION foreign_key_checks = 1'] },
              }),
            ]),
          ]);
          assert.equal((await runPlan(c, p)).status, 'completed');
          const [row] = await c.query<{ f: number | string }>('SELECT @@SESSION.foreign_key_checks AS f');
          assert.equal(String(row!.f), '0');
          assert.deepEqual(await settings(c, engine), OWN[engine].expected);
        }),
      );

    test(
      'runBackfill on its own (calibration, the benchmarks) leaves them as they were',
      dbTest(async (t) => {
        const d = db.get(t);
        const schema = schemaOf(engine, d.name);
        await seedTable(d.client, engine, schema, 'bf_t', 2000);
        await d.client.query(`ALTER TABLE ${q(engine, schema)}.${q(engine, 'bf_t')} ADD COLUMN n integer`);
        const c = await ownSession(d, engine);
        const table = { schema, name: 'bf_t' };
        const r = await runBackfill({
          client: c,
          engine,
          spec: { table, column: 'n', valueSql: 'v' },
          key: await findBatchKey(c, table, 'n'),
          retry: DEFAULT_RETRY,
          lockTimeoutMs: 1000,
        });
        assert.equal(r.status, 'done');
        assert.deepEqual(await settings(c, engine), OWN[engine].expected);
      }),
    );
  });
}
