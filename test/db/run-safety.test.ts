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
import { RunFailure, runPlan, RunStore } from '../../src/db/run';
import { dbTest, throwawayDatabase } from './helpers';
import { q, schemaOf, seedTable } from './run-helpers';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) }, out, err };
}

for (const engine of ['postgres', 'mysql'] as const) {
  describe(`run safety on ${engine}`, () => {
    const db = throwawayDatabase(engine);

    test('NOT NULL without a default on a table with rows is refused before anything runs, with the default to add', dbTest(async (t) => {
      const d = db.get(t);
      const schema = schemaOf(engine, d.name);
      await seedTable(d.client, engine, schema, 'nn', 50);
      const ran = capture();
      const code = await main(['run', '--url', d.url, '--table', `${schema}.nn`, '--column', 'nick text NOT NULL', '--yes'], ran.io);
      assert.equal(code, 1);
      assert.match(ran.err.join('\n'), /not-null-needs-values: .*NOT NULL without a DEFAULT/);
      const cols = await d.client.query(engine === 'postgres'
        ? `SELECT 1 FROM information_schema.columns WHERE table_name = 'nn' AND column_name = 'nick'`
        : `SELECT 1 FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = '${d.name}' AND TABLE_NAME = 'nn' AND COLUMN_NAME = 'nick'`);
      assert.equal(cols.length, 0, 'nothing ran');
      // runPlan itself refuses a plan that carries an error (the wizard calls it directly).
      const info = await d.client.serverInfo();
      const p = planColumn(parseColumnDefinition('nick text NOT NULL', info.dialect), await d.client.tableFacts({ schema, name: 'nn' }), { dialect: info.dialect, version: info.version });
      assert.ok(p.warnings.some((w) => w.code === 'not-null-needs-values' && w.severity === 'error' && /DEFAULT ''/.test(w.fix ?? '')));
      await assert.rejects(runPlan(await d.connect(), p), (err: unknown) => err instanceof RunFailure && err.kind === 'refused' && /nothing was run/.test(err.message));
      await d.client.query(`INSERT INTO ${q(engine, schema)}.${q(engine, 'nn')} (id, v) VALUES (1000, 1)`);
    }));

    if (engine === 'postgres') {
      test('a failing VALIDATE drops its NOT VALID constraint again (writes keep working), and the same plan resumes from the ADD', dbTest(async (t) => {
        const d = db.get(t);
        await seedTable(d.client, engine, 'public', 'chk', 40);
        const info = await d.client.serverInfo();
        const spec = parseColumnDefinition('c int DEFAULT 0 CHECK (c > 0)', 'postgres');
        const p = planColumn(spec, await d.client.tableFacts({ schema: 'public', name: 'chk' }), { dialect: 'postgres', version: info.version });
        assert.ok(p.phases.some((ph) => ph.steps.some((s) => /NOT VALID$/.test(s.sql))), 'the plan adds the CHECK NOT VALID, then validates it');
        const err = await runPlan(await d.connect(), p).then(() => null, (e: unknown) => e);
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
        assert.match(addAt, /ADD CONSTRAINT "chk_c_check" CHECK .* NOT VALID/, 'the saved position is the ADD, so a resume adds it again');
        // Fix the rows; the same plan resumes and completes.
        await d.client.query('UPDATE public.chk SET c = 1');
        const out = await runPlan(await d.connect(), p);
        assert.equal(out.status, 'completed');
        const [v] = await d.client.query<{ valid: boolean }>(`SELECT convalidated AS valid FROM pg_constraint WHERE conname = 'chk_c_check'`);
        assert.equal(v?.valid, true);
      }));
    }
  });
}
