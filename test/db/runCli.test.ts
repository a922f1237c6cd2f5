/** `column-wizard run` in-process against the real servers. */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { main } from '../../src/cli';
import { parseColumnDefinition } from '../../src/core/columnSpec';
import { planColumn } from '../../src/core/plan';
import { RunFailure, runPlan } from '../../src/db/run';
import { dbTest, throwawayDatabase } from './helpers';
import { q, schemaOf, seedTable } from './runHelpers';
import { capture } from '../helpers/cli';

for (const engine of ['postgres', 'mysql'] as const) {
  describe(`column-wizard run on ${engine}`, () => {
    const db = throwawayDatabase(engine);

    test(
      'plans from the live table, refuses without --yes (nothing applied), then runs with --yes and prints the report',
      dbTest(async (t) => {
        const d = db.get(t);
        const schema = schemaOf(engine, d.name);
        await seedTable(d.client, engine, schema, 'live', 1200);
        const args = ['run', '--url', d.url, '--table', `${schema}.live`, '--column', 'c int NOT NULL DEFAULT 5', '--index'];
        const refused = capture();
        assert.equal(await main(args, refused.io), 2);
        assert.match(refused.err.join('\n'), /add --yes/);
        assert.match(refused.out.join('\n'), /== expand/, 'the plan is shown');
        const cols = await d.client.query(
          engine === 'postgres'
            ? `SELECT 1 FROM information_schema.columns WHERE table_name = 'live' AND column_name = 'c'`
            : `SELECT 1 FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = '${d.name}' AND TABLE_NAME = 'live' AND COLUMN_NAME = 'c'`,
        );
        assert.equal(cols.length, 0, 'nothing ran');

        const ran = capture();
        assert.equal(await main([...args, '--yes'], ran.io), 0, ran.err.join('\n'));
        const text = ran.out.join('\n');
        assert.match(text, /Run cw_\S+ completed on /);
        assert.match(text, /Column c: int(eger)?(\(11\))? NOT NULL DEFAULT '?5'?/);
        assert.match(text, /Index live_c_idx \(c\): valid/);
        assert.match(text, /ANALYZE: done/);
        assert.match(ran.err.join('\n'), /\[1\.1 /, 'progress lines on stderr');
        const [row] = await d.client.query<{ n: number | string }>(
          `SELECT count(*) AS n FROM ${q(engine, schema)}.${q(engine, 'live')} WHERE c = 5`,
        );
        assert.equal(Number(row!.n), 1200);
      }),
    );

    test(
      'runs a plan file with --format json and reports JSON',
      dbTest(async (t) => {
        const d = db.get(t);
        const schema = schemaOf(engine, d.name);
        await seedTable(d.client, engine, schema, 'fromfile', 800);
        const dialect = (await d.client.serverInfo()).dialect;
        const planned = capture();
        const version = (await d.client.serverInfo()).version;
        const column = engine === 'postgres' ? 'c uuid NOT NULL DEFAULT gen_random_uuid()' : 'c varchar(36) NOT NULL DEFAULT (UUID())';
        assert.equal(
          await main(
            [
              'plan',
              '--dialect',
              dialect,
              '--server-version',
              version,
              '--table',
              `${schema}.fromfile`,
              '--column',
              column,
              '--format',
              'json',
            ],
            planned.io,
          ),
          0,
          planned.err.join('\n'),
        );
        const file = join(mkdtempSync(join(tmpdir(), 'cw-cli-')), 'plan.json');
        writeFileSync(file, planned.out.join('\n'));
        const ran = capture();
        assert.equal(
          await main(['run', '--url', d.url, '--plan', file, '--yes', '--format', 'json', '--batch-size', '100'], ran.io),
          0,
          ran.err.join('\n'),
        );
        const json = JSON.parse(ran.out.join('\n')) as {
          status: string;
          report: { columnDefinition: { nullable: boolean }; steps: { rows?: number; batches?: number }[] };
        };
        assert.equal(json.status, 'completed');
        assert.equal(json.report.columnDefinition.nullable, false);
        const backfill = json.report.steps.find((s) => s.rows !== undefined)!;
        assert.equal(backfill.rows, 800);
        assert.equal(backfill.batches, 9);
        const [row] = await d.client.query<{ n: number | string }>(
          `SELECT count(DISTINCT c) AS n FROM ${q(engine, schema)}.${q(engine, 'fromfile')}`,
        );
        assert.equal(Number(row!.n), 800);
      }),
    );

    if (engine === 'postgres') {
      test(
        'after a failure part-way, the same --table/--column command resumes with the saved plan instead of planning again',
        dbTest(async (t) => {
          const d = db.get(t);
          await seedTable(d.client, engine, 'public', 'halfway', 300);
          await d.client.query('CREATE TABLE "public"."other_t" (id int)');
          const spec = { ...parseColumnDefinition('c int NOT NULL DEFAULT 5', 'postgres'), index: true };
          const info = await d.client.serverInfo();
          const p = planColumn(spec, await d.client.tableFacts({ schema: 'public', name: 'halfway' }), {
            dialect: 'postgres',
            version: info.version,
          });
          // An old snapshot makes the concurrent index build time out after the column was added.
          const holder = await d.connect();
          await holder.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
          await holder.query('SELECT count(*) FROM "public"."other_t"');
          await assert.rejects(
            runPlan(await d.connect(), p, { lockTimeoutMs: 100, retry: { maxAttempts: 1 } }),
            (err: unknown) => err instanceof RunFailure && err.kind === 'lock-timeout',
          );
          await holder.query('COMMIT');
          const ran = capture();
          const code = await main(
            ['run', '--url', d.url, '--table', 'public.halfway', '--column', 'c int NOT NULL DEFAULT 5', '--index', '--yes'],
            ran.io,
          );
          assert.equal(code, 0, ran.err.join('\n'));
          assert.match(ran.err.join('\n'), /Resuming run cw_\S+ with the plan it started with/);
          assert.match(ran.out.join('\n'), /completed on public\.halfway \(postgres\), resumed/);
          assert.match(ran.out.join('\n'), /Index halfway_c_idx \(c\): valid/);
          const other = capture();
          assert.equal(
            await main(['run', '--url', d.url, '--table', 'public.halfway', '--column', 'c int NOT NULL DEFAULT 6', '--yes'], other.io),
            1,
            'a completed run is not resumed; the new plan meets the existing column',
          );
        }),
      );
    }

    test(
      'a lock-timeout failure exits 1 with the blockers in JSON',
      dbTest(async (t) => {
        const d = db.get(t);
        const schema = schemaOf(engine, d.name);
        await seedTable(d.client, engine, schema, 'held_cli', 10);
        const holder = await d.connect();
        await holder.query(engine === 'postgres' ? 'BEGIN' : 'START TRANSACTION');
        await holder.query(`SELECT * FROM ${q(engine, schema)}.${q(engine, 'held_cli')}`);
        const ran = capture();
        const code = await main(
          [
            'run',
            '--url',
            d.url,
            '--table',
            `${schema}.held_cli`,
            '--column',
            'c int',
            '--yes',
            '--format',
            'json',
            '--lock-timeout-ms',
            engine === 'postgres' ? '50' : '1000',
          ],
          ran.io,
        );
        await holder.query('COMMIT');
        assert.equal(code, 1);
        const json = JSON.parse(ran.out.join('\n')) as { status: string; kind: string; blockers: { pid: number }[] };
        assert.equal(json.status, 'failed');
        assert.equal(json.kind, 'lock-timeout');
        assert.ok(json.blockers.length >= 1);
      }),
    );
  });
}

describe('column-wizard run without a database', () => {
  test('refuses a remote host before connecting, unless --allow-remote', async () => {
    const c = capture();
    assert.equal(
      await main(['run', '--url', 'postgres://app@db.prod.example.com:5432/app', '--table', 't', '--column', 'c int', '--yes'], c.io),
      1,
    );
    assert.match(c.err.join('\n'), /Refusing to run on "db\.prod\.example\.com": it is not a local host.*--allow-remote/s);
  });

  test('usage errors: no plan source, both sources, a file that is not a plan', async () => {
    let c = capture();
    assert.equal(await main(['run', '--url', 'postgres://127.0.0.1/x'], c.io), 2);
    assert.match(c.err.join('\n'), /give --plan plan\.json, or --table and --column/);
    c = capture();
    assert.equal(await main(['run', '--url', 'postgres://127.0.0.1/x', '--plan', 'p.json', '--table', 't'], c.io), 2);
    assert.match(c.err.join('\n'), /either --plan or --table/);
    c = capture();
    assert.equal(await main(['run', '--url', 'mysql://127.0.0.1/x', '--table', 't', '--column', 'c int', '--max-lag', '2'], c.io), 2);
    assert.match(c.err.join('\n'), /needs --lag-url/);
    const file = join(mkdtempSync(join(tmpdir(), 'cw-cli-')), 'bad.json');
    writeFileSync(file, '{"dialect": "postgres", "phases": [{"steps": [{}]}]}');
    c = capture();
    assert.equal(await main(['run', '--url', 'postgres://127.0.0.1/x', '--plan', file], c.io), 2);
    assert.match(c.err.join('\n'), /is not a Column Wizard plan: plan\.table must be an object/);
  });
});
