/**
 * The runner never leaves the table worse than it was (issue 14 items 2–5): NOT NULL without a value is refused
 * before anything runs, a failed VALIDATE takes its NOT VALID constraint back out, `run --table/--column` plans like
 * `plan --url`, a failed run can be abandoned cleanly, run state is tied to the table's identity, every run ends with
 * a check of what it made, and introspection retries behind a held lock naming the blocker.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { main } from '../../src/cli';
import { parseColumnDefinition } from '../../src/core/columnSpec';
import { planColumn } from '../../src/core/plan';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DatabaseClient } from '../../src/db/client';
import { RunFailure, runPlan, RunStore, type RunProgress } from '../../src/db/run';
import { dbTest, throwawayDatabase, type Engine } from './helpers';
import { phase, plan, q, schemaOf, seedTable, step } from './runHelpers';
import { capture } from '../helpers/cli';

async function columnExists(client: DatabaseClient, engine: Engine, schema: string, table: string, column: string): Promise<boolean> {
  const rows = await client.query(
    engine === 'postgres'
      ? 'SELECT 1 FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 AND column_name = $3'
      : 'SELECT 1 FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND COLUMN_NAME = ?',
    [schema, table, column],
  );
  return rows.length > 0;
}

for (const engine of ['postgres', 'mysql'] as const) {
  describe(`run safety on ${engine}`, () => {
    const db = throwawayDatabase(engine);

    test(
      'NOT NULL without a default on a table with rows is refused before anything runs, with the default to add',
      dbTest(async (t) => {
        const d = db.get(t);
        const schema = schemaOf(engine, d.name);
        await seedTable(d.client, engine, schema, 'nn', 50);
        const ran = capture();
        const code = await main(['run', '--url', d.url, '--table', `${schema}.nn`, '--column', 'nick text NOT NULL', '--yes'], ran.io);
        assert.equal(code, 1);
        assert.match(ran.err.join('\n'), /not-null-needs-values: .*NOT NULL without a DEFAULT/);
        const cols = await d.client.query(
          engine === 'postgres'
            ? `SELECT 1 FROM information_schema.columns WHERE table_name = 'nn' AND column_name = 'nick'`
            : `SELECT 1 FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = '${d.name}' AND TABLE_NAME = 'nn' AND COLUMN_NAME = 'nick'`,
        );
        assert.equal(cols.length, 0, 'nothing ran');
        // runPlan itself refuses a plan that carries an error (the wizard calls it directly).
        const info = await d.client.serverInfo();
        const p = planColumn(parseColumnDefinition('nick text NOT NULL', info.dialect), await d.client.tableFacts({ schema, name: 'nn' }), {
          dialect: info.dialect,
          version: info.version,
        });
        assert.ok(p.warnings.some((w) => w.code === 'not-null-needs-values' && w.severity === 'error' && /DEFAULT ''/.test(w.fix ?? '')));
        await assert.rejects(
          runPlan(await d.connect(), p),
          (err: unknown) => err instanceof RunFailure && err.kind === 'refused' && /nothing was run/.test(err.message),
        );
        await d.client.query(`INSERT INTO ${q(engine, schema)}.${q(engine, 'nn')} (id, v) VALUES (1000, 1)`);
      }),
    );

    if (engine === 'postgres') {
      test(
        'a failing VALIDATE drops its NOT VALID constraint again (writes keep working), and the same plan resumes from the ADD',
        dbTest(async (t) => {
          const d = db.get(t);
          await seedTable(d.client, engine, 'public', 'chk', 40);
          const info = await d.client.serverInfo();
          const spec = parseColumnDefinition('c int DEFAULT 0 CHECK (c > 0)', 'postgres');
          const p = planColumn(spec, await d.client.tableFacts({ schema: 'public', name: 'chk' }), {
            dialect: 'postgres',
            version: info.version,
          });
          assert.ok(
            p.phases.some((ph) => ph.steps.some((s) => /NOT VALID$/.test(s.sql))),
            'the plan adds the CHECK NOT VALID, then validates it',
          );
          const err = await runPlan(await d.connect(), p).then(
            () => null,
            (e: unknown) => e,
          );
          assert.ok(err instanceof RunFailure, String(err));
          assert.equal(err.kind, 'statement');
          assert.match(err.message, /VALIDATE|violated/i);
          assert.match(err.message, /NOT VALID constraint chk_c_check \(added at step \d\.\d\) was dropped again/);
          // Without the undo, every UPDATE of an existing row fails: its new version has c = 0.
          await d.client.query('UPDATE public.chk SET v = v + 1');
          await d.client.query('INSERT INTO public.chk (id, v) VALUES (100, 1)');
          const [n] = await d.client.query<{ n: string }>(`SELECT count(*) AS n FROM pg_constraint WHERE conname = 'chk_c_check'`);
          assert.equal(Number(n!.n), 0);
          const state = (await new RunStore(d.client, 'public').list()).at(-1)!;
          assert.equal(state.status, 'failed');
          const addAt = p.phases[state.phaseIndex]!.steps[state.stepIndex]!.sql;
          assert.match(
            addAt,
            /ADD CONSTRAINT "chk_c_check" CHECK .* NOT VALID/,
            'the saved position is the ADD, so a resume adds it again',
          );
          // Fix the rows; the same plan resumes and completes.
          await d.client.query('UPDATE public.chk SET c = 1');
          const out = await runPlan(await d.connect(), p);
          assert.equal(out.status, 'completed');
          const [v] = await d.client.query<{ valid: boolean }>(
            `SELECT convalidated AS valid FROM pg_constraint WHERE conname = 'chk_c_check'`,
          );
          assert.equal(v?.valid, true);
        }),
      );
    }

    test(
      'run --table/--column validates on the server like plan --url: a default the server rejects stops it before anything runs',
      dbTest(async (t) => {
        const d = db.get(t);
        const schema = schemaOf(engine, d.name);
        await seedTable(d.client, engine, schema, 'baddef', 20);
        const column = engine === 'postgres' ? "c bigint DEFAULT nextval('no_such_sequence')" : 'c int DEFAULT (no_such_function())';
        const ran = capture();
        assert.equal(await main(['run', '--url', d.url, '--table', `${schema}.baddef`, '--column', column, '--yes'], ran.io), 1);
        assert.match(ran.err.join('\n'), /default-invalid/);
        assert.equal(await columnExists(d.client, engine, schema, 'baddef', 'c'), false, 'the column was not added');
      }),
    );

    test(
      '--abandon-previous undoes what a failed run made (constraint, index, column) after confirmation, then the new definition runs',
      dbTest(async (t) => {
        const d = db.get(t);
        const schema = schemaOf(engine, d.name);
        await seedTable(d.client, engine, schema, 'aband', 30);
        const tbl = `${q(engine, schema)}.${q(engine, 'aband')}`;
        const failing = engine === 'postgres' ? 'SELECT 1 / 0' : `SELECT * FROM ${q(engine, schema)}.no_such_table`;
        const steps =
          engine === 'postgres'
            ? [
                phase('expand', [step(`ALTER TABLE ${tbl} ADD COLUMN "c" integer`)], true),
                phase('index', [step(`CREATE INDEX CONCURRENTLY "aband_c_idx" ON ${tbl} ("c")`)]),
                phase('constrain', [step(`ALTER TABLE ${tbl} ADD CONSTRAINT "aband_c_check" CHECK ("c" > 0)`), step(failing)]),
              ]
            : [
                phase('expand', [step(`ALTER TABLE ${tbl} ADD COLUMN \`c\` int NULL, ALGORITHM=INSTANT`)]),
                phase('index', [step(`ALTER TABLE ${tbl} ADD INDEX \`aband_c_idx\` (\`c\`), ALGORITHM=INPLACE, LOCK=NONE`)]),
                phase('constrain', [step(`ALTER TABLE ${tbl} ADD CONSTRAINT \`aband_c_check\` CHECK (\`c\` > 0)`), step(failing)]),
              ];
        const dialect = engine === 'postgres' ? 'postgres' : 'mariadb';
        await assert.rejects(
          runPlan(await d.connect(), plan(dialect, schema, 'aband', 'c', steps)),
          (err: unknown) => err instanceof RunFailure && err.kind === 'statement',
        );
        assert.equal(await columnExists(d.client, engine, schema, 'aband', 'c'), true);

        const args = ['run', '--url', d.url, '--table', `${schema}.aband`, '--column', 'c int DEFAULT 7', '--abandon-previous'];
        const refused = capture();
        assert.equal(await main(args, refused.io), 2, 'stdin is not a terminal and there is no --yes');
        const shown = refused.err.join('\n');
        assert.match(shown, /DROP CONSTRAINT .*aband_c_check/);
        assert.match(shown, /DROP INDEX .*aband_c_idx/);
        assert.match(shown, /DROP COLUMN .*c/);
        assert.equal(await columnExists(d.client, engine, schema, 'aband', 'c'), true, 'nothing undone without confirmation');

        const ran = capture();
        assert.equal(await main([...args, '--yes'], ran.io), 0, ran.err.join('\n'));
        assert.match(ran.err.join('\n'), /abandoned and undone \(3 statements\)/);
        assert.match(ran.out.join('\n'), /Check: column c, its default on the server as planned/);
        const [row] = await d.client.query<{ n: number | string }>(`SELECT count(*) AS n FROM ${tbl} WHERE c = 7`);
        assert.equal(Number(row!.n), 30);
        const runs = (await new RunStore(d.client, schema).list()).filter((r) => r.table.name === 'aband');
        assert.deepEqual(
          runs.map((r) => r.status),
          ['abandoned', 'completed'],
        );
        const idx = await d.client.query(
          engine === 'postgres'
            ? `SELECT 1 FROM pg_class WHERE relname = 'aband_c_idx'`
            : `SELECT 1 FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = '${schema}' AND INDEX_NAME = 'aband_c_idx'`,
        );
        assert.equal(idx.length, 0, "the failed run's index is gone");
      }),
    );

    test(
      'a table dropped and re-created gets a fresh run, not the old record (completed or unfinished)',
      dbTest(async (t) => {
        const d = db.get(t);
        const schema = schemaOf(engine, d.name);
        const tbl = `${q(engine, schema)}.${q(engine, 'reset')}`;
        await seedTable(d.client, engine, schema, 'reset', 10);
        const args = ['run', '--url', d.url, '--table', `${schema}.reset`, '--column', 'c int DEFAULT 1', '--yes'];
        const first = capture();
        assert.equal(await main(args, first.io), 0, first.err.join('\n'));
        await d.client.query(`DROP TABLE ${tbl}`);
        await seedTable(d.client, engine, schema, 'reset', 10);
        const again = capture();
        assert.equal(await main(args, again.io), 0, again.err.join('\n'));
        const text = again.out.join('\n');
        assert.doesNotMatch(text, /resumed|NOT FOUND/);
        assert.match(text, /Check: column c, its default on the server as planned/);
        assert.equal(await columnExists(d.client, engine, schema, 'reset', 'c'), true);
        // An unfinished record from the old incarnation is closed, not resumed.
        const p = plan(engine === 'postgres' ? 'postgres' : 'mariadb', schema, 'reset', 'd', [
          phase('expand', [step(`ALTER TABLE ${tbl} ADD COLUMN ${q(engine, 'd')} int`), step('SELECT no_such_column_x FROM ' + tbl)]),
        ]);
        await assert.rejects(runPlan(await d.connect(), p), RunFailure);
        await d.client.query(`DROP TABLE ${tbl}`);
        await seedTable(d.client, engine, schema, 'reset', 10);
        const events: RunProgress[] = [];
        await assert.rejects(
          runPlan(await d.connect(), p, { onProgress: (e) => events.push(e) }),
          (err: unknown) => err instanceof RunFailure && /no_such_column_x/.test(err.message),
        );
        assert.ok(events.some((e) => /earlier incarnation of the table/.test(e.message ?? '')));
        assert.equal(await columnExists(d.client, engine, schema, 'reset', 'd'), true, 'the fresh run started at the first step');
        const runs = await new RunStore(d.client, schema).list();
        assert.equal(runs.filter((r) => r.status === 'abandoned' && /re-created/.test(r.error ?? '')).length, 1);
      }),
    );

    test(
      'a run whose table ends up not as planned exits 1 and says what differs',
      dbTest(async (t) => {
        const d = db.get(t);
        const schema = schemaOf(engine, d.name);
        await seedTable(d.client, engine, schema, 'differs', 5);
        const tbl = `${q(engine, schema)}.${q(engine, 'differs')}`;
        // The plan says NOT NULL DEFAULT 3 with an index, but its steps only add a nullable column.
        const base = plan(engine === 'postgres' ? 'postgres' : 'mariadb', schema, 'differs', 'c', [
          phase('expand', [step(`ALTER TABLE ${tbl} ADD COLUMN ${q(engine, 'c')} int`)]),
        ]);
        const p = { ...base, column: { ...base.column, nullable: false, default: { kind: 'literal' as const, value: '3' } } };
        const file = join(mkdtempSync(join(tmpdir(), 'cw-safety-')), 'plan.json');
        writeFileSync(file, JSON.stringify(p));
        const ran = capture();
        // --trust-plan-sql: the plan-file check (issue 15) would otherwise refuse this hand-made plan before it runs.
        assert.equal(await main(['run', '--url', d.url, '--plan', file, '--yes', '--trust-plan-sql'], ran.io), 1, ran.err.join('\n'));
        assert.match(
          ran.out.join('\n'),
          /CHECK FAILED — not as planned: column c is nullable; the plan makes it NOT NULL; column c has no default/,
        );
        assert.match(ran.err.join('\n'), /not as planned/);
      }),
    );

    test(
      'catalog reads retry behind a lock held for a few seconds, and name the holder (pid, user, application) when it stays',
      dbTest(async (t) => {
        const d = db.get(t);
        const schema = schemaOf(engine, d.name);
        await seedTable(d.client, engine, schema, 'heldx', 20);
        const tbl = `${q(engine, schema)}.${q(engine, 'heldx')}`;
        const holder = await d.connect();
        const [{ id: holderId }] = (await holder.query<{ id: number | string }>(
          engine === 'postgres' ? 'SELECT pg_backend_pid() AS id' : 'SELECT CONNECTION_ID() AS id',
        )) as [{ id: number | string }];
        if (engine === 'postgres') {
          await holder.query("SET application_name = 'held-by-test'");
          await holder.query('BEGIN');
          await holder.query(`LOCK TABLE ${tbl} IN ACCESS EXCLUSIVE MODE`);
        } else {
          await holder.query(`LOCK TABLES ${tbl} WRITE`);
        }
        const released = new Promise<void>((resolve) =>
          setTimeout(() => {
            void holder.query(engine === 'postgres' ? 'COMMIT' : 'UNLOCK TABLES').then(() => resolve());
          }, 2500),
        );
        const events: RunProgress[] = [];
        const p = plan(engine === 'postgres' ? 'postgres' : 'mariadb', schema, 'heldx', 'c', [
          phase('expand', [step(`ALTER TABLE ${tbl} ADD COLUMN ${q(engine, 'c')} int`)]),
        ]);
        const out = await runPlan(await d.connect(), p, {
          lockTimeoutMs: engine === 'postgres' ? 300 : 1000,
          retry: { maxAttempts: 20, baseDelayMs: 100, maxDelayMs: 400 },
          onProgress: (e) => events.push(e),
        });
        await released;
        assert.equal(out.status, 'completed');
        // PostgreSQL: pg_table_size and the catalog joins wait for ACCESS EXCLUSIVE; MariaDB's information_schema reads do not wait for LOCK TABLES.
        if (engine === 'postgres')
          assert.ok(
            events.some((e) => e.kind === 'retry' && /^reading /.test(e.message ?? '')),
            'the catalog read was retried',
          );
        else
          assert.ok(
            events.some((e) => e.kind === 'retry'),
            'the step was retried',
          );

        // Held for good: the failure names the holder.
        if (engine === 'postgres') {
          await holder.query('BEGIN');
          await holder.query(`LOCK TABLE ${tbl} IN ACCESS EXCLUSIVE MODE`);
        } else {
          await holder.query('START TRANSACTION');
          await holder.query(`SELECT * FROM ${tbl} FOR UPDATE`);
        }
        const p2 = plan(engine === 'postgres' ? 'postgres' : 'mariadb', schema, 'heldx', 'e', [
          phase('expand', [step(`ALTER TABLE ${tbl} ADD COLUMN ${q(engine, 'e')} int`)]),
        ]);
        const events2: RunProgress[] = [];
        const err = await runPlan(await d.connect(), p2, {
          lockTimeoutMs: engine === 'postgres' ? 200 : 1000,
          retry: { maxAttempts: 2, baseDelayMs: 50, maxDelayMs: 50 },
          onProgress: (e) => events2.push(e),
        }).then(
          () => null,
          (e: unknown) => e,
        );
        await holder.query(engine === 'postgres' ? 'COMMIT' : 'COMMIT');
        // Each retry's progress line names the session holding the table while the run waits, not only the final failure.
        // On MySQL/MariaDB the list also holds every other open transaction on the server (test files run in parallel),
        // so the holder is one of the named sessions, not necessarily the first.
        const retryLines = events2.filter((e) => e.kind === 'retry').map((e) => e.message ?? '');
        assert.ok(
          retryLines.length > 0 &&
            retryLines.every((m) => new RegExp(`Blocking sessions: (.*; )?pid ${Number(holderId)} \\(user (postgres|root)`).test(m)),
          retryLines.join('\n'),
        );
        if (engine === 'postgres')
          assert.ok(
            retryLines.every((m) => /application "held-by-test"/.test(m)),
            retryLines.join('\n'),
          );
        assert.ok(err instanceof RunFailure && err.kind === 'lock-timeout', String(err));
        assert.match(err.message, new RegExp(`pid ${Number(holderId)} \\(user (postgres|root)`));
        if (engine === 'postgres') assert.match(err.message, /application "held-by-test"/);
      }),
    );
  });
}
