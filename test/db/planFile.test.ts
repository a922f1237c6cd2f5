/** `run --plan FILE` checks the file: shape, server dialect/version/table, and the SQL against a fresh plan (real servers). */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { main } from '../../src/cli';
import { parsePlanFile, planDifferences } from '../../src/cli/planFile';
import type { Plan } from '../../src/core/types';
import { dbTest, throwawayDatabase } from './helpers';
import { q, schemaOf, seedTable } from './runHelpers';
import { capture } from '../helpers/cli';

function writePlan(plan: unknown): string {
  const file = join(mkdtempSync(join(tmpdir(), 'cw-planfile-')), 'plan.json');
  writeFileSync(file, JSON.stringify(plan, null, 2));
  return file;
}

type LooseStep = Record<string, unknown> & { sql: string; backfill?: { valueSql: string } };
type MutablePlan = Record<string, unknown> & {
  dialect: string;
  column: Record<string, unknown>;
  phases: (Record<string, unknown> & { steps: LooseStep[] })[];
};

describe('plan files: shape (no server)', () => {
  const planned = capture();
  let good: Plan;
  test('a plan written by `plan --format json` passes', async () => {
    assert.equal(
      await main(
        [
          'plan',
          '--dialect',
          'postgres',
          '--server-version',
          '15',
          '--rows',
          '5000',
          '--table',
          'public.t',
          '--column',
          'c int NOT NULL DEFAULT 1',
        ],
        { ...planned.io, out: () => undefined },
      ),
      0,
    );
    const c = capture();
    await main(
      [
        'plan',
        '--dialect',
        'postgres',
        '--server-version',
        '15',
        '--rows',
        '5000',
        '--table',
        'public.t',
        '--column',
        'c int NOT NULL DEFAULT 1',
        '--format',
        'json',
      ],
      c.io,
    );
    good = parsePlanFile(c.out.join('\n'), 'p.json');
    assert.equal(good.column.name, 'c');
  });
  const refusals: [string, (p: MutablePlan) => unknown, RegExp][] = [
    [
      'a step without "blocks"',
      (p) => {
        delete p.phases[0]!.steps[0]!.blocks;
        return p;
      },
      /plan\.phases\[0\]\.steps\[0\]\.blocks must be an object/,
    ],
    ['dialect "oracle"', (p) => ({ ...p, dialect: 'oracle' }), /plan\.dialect must be one of "postgres", "mysql", "mariadb"/],
    ['an empty plan', (p) => ({ ...p, phases: [] }), /has no steps: there is nothing to run/],
    ['phases with no steps', (p) => ({ ...p, phases: p.phases.map((ph) => ({ ...ph, steps: [] })) }), /has no steps/],
    [
      'a column spec with a field the planner does not know',
      (p) => ({ ...p, column: { ...p.column, type: 42 } }),
      /"column" is not a column definition/,
    ],
    [
      'a session that is not a list',
      (p) => {
        p.phases[0]!.steps[0]!.session = { before: 'SET x = 1', after: [] };
        return p;
      },
      /session\.before must be an array/,
    ],
    ['not JSON', () => '{', /is not JSON/],
  ];
  for (const [name, mutate, expected] of refusals) {
    test(`refused with its reason: ${name}`, () => {
      const copy = JSON.parse(JSON.stringify(good)) as MutablePlan;
      const value = mutate(copy);
      assert.throws(() => parsePlanFile(typeof value === 'string' ? value : JSON.stringify(value), 'p.json'), expected);
    });
  }
  test('planDifferences names valueSql, session and fallbackSql changes', () => {
    const a = JSON.parse(JSON.stringify(good)) as MutablePlan;
    const b = JSON.parse(JSON.stringify(good)) as MutablePlan;
    const step = b.phases[0]!.steps[0]!;
    step.session = { before: ['SET foreign_key_checks = 0'], after: [] };
    step.fallbackSql = 'DROP TABLE t';
    const d = planDifferences(a as unknown as Plan, b as unknown as Plan);
    assert.equal(d.length, 2);
    assert.match(d.join('\n'), /session\.before\[0\][\s\S]*SET foreign_key_checks = 0/);
    assert.match(d.join('\n'), /fallbackSql[\s\S]*DROP TABLE t/);
  });
});

for (const engine of ['postgres', 'mysql'] as const) {
  describe(`run --plan checks the file against the live ${engine} server`, () => {
    const db = throwawayDatabase(engine);

    async function planFor(
      d: { client: { serverInfo(): Promise<{ dialect: string; version: string }> } },
      schema: string,
      table: string,
      column: string,
      version?: string,
    ): Promise<MutablePlan> {
      const info = await d.client.serverInfo();
      const c = capture();
      assert.equal(
        await main(
          [
            'plan',
            '--dialect',
            info.dialect,
            '--server-version',
            version ?? info.version,
            '--rows',
            '300',
            '--table',
            `${schema}.${table}`,
            '--column',
            column,
            '--format',
            'json',
          ],
          c.io,
        ),
        0,
        c.err.join('\n'),
      );
      return JSON.parse(c.out.join('\n')) as MutablePlan;
    }

    test(
      'a tampered backfill valueSql is refused with the difference shown, nothing runs; --trust-plan-sql runs it as written',
      dbTest(async (t) => {
        const d = db.get(t);
        const schema = schemaOf(engine, d.name);
        await seedTable(d.client, engine, schema, 'tamper', 300);
        const column = engine === 'postgres' ? 'c int NOT NULL DEFAULT (random() * 10)::int' : 'c varchar(36) NOT NULL DEFAULT (UUID())';
        const plan = await planFor(d, schema, 'tamper', column);
        const backfill = plan.phases.flatMap((p) => p.steps).find((s) => s.backfill);
        assert.ok(backfill, 'the plan has a backfill step');
        const evil = engine === 'postgres' ? '(SELECT 666)' : "'tampered'";
        backfill.backfill!.valueSql = evil;
        const file = writePlan(plan);
        const refused = capture();
        assert.equal(await main(['run', '--url', d.url, '--plan', file, '--yes'], refused.io), 2);
        assert.match(
          refused.text(),
          /refused: the file's SQL is not what Column Wizard plans[\s\S]*backfill\.valueSql:\s*\n\s*file:\s*\(SELECT 666\)|refused: the file's SQL is not what Column Wizard plans[\s\S]*backfill\.valueSql:\s*\n\s*file:\s*'tampered'/,
        );
        const cols = await d.client.query(
          engine === 'postgres'
            ? `SELECT 1 FROM information_schema.columns WHERE table_name = 'tamper' AND column_name = 'c'`
            : `SELECT 1 FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = '${d.name}' AND TABLE_NAME = 'tamper' AND COLUMN_NAME = 'c'`,
        );
        assert.equal(cols.length, 0, 'nothing ran');

        const trusted = capture();
        assert.equal(await main(['run', '--url', d.url, '--plan', file, '--yes', '--trust-plan-sql'], trusted.io), 0, trusted.text());
        assert.match(trusted.text(), /--trust-plan-sql: running the file's SQL/);
        assert.match(
          trusted.text(),
          new RegExp(`backfill: UPDATE .* SET c = \\(${evil.replace(/[()]/g, '\\$&')}\\)`),
          'the value expression is printed before it runs',
        );
        const [row] = await d.client.query<{ n: number | string }>(
          `SELECT count(*) AS n FROM ${q(engine, schema)}.${q(engine, 'tamper')} WHERE c = ${engine === 'postgres' ? '666' : "'tampered'"}`,
        );
        assert.equal(Number(row!.n), 300, 'trusted: the file ran as written');
      }),
    );

    test(
      'a plan for another server version is refused; --replan plans from its column spec here and runs',
      dbTest(async (t) => {
        const d = db.get(t);
        const schema = schemaOf(engine, d.name);
        await seedTable(d.client, engine, schema, 'ver', 50);
        const info = await d.client.serverInfo();
        const other = engine === 'postgres' ? '18.0' : info.dialect === 'mariadb' ? '11.8.0' : '8.4.0';
        const plan = await planFor(d, schema, 'ver', 'c int NULL', other);
        const file = writePlan(plan);
        const refused = capture();
        assert.equal(await main(['run', '--url', d.url, '--plan', file, '--yes'], refused.io), 2);
        assert.match(
          refused.text(),
          new RegExp(
            `refused: the file was planned for ${info.dialect} ${other.replace(/\./g, '\\.')}, the server is ${info.version.replace(/\./g, '\\.')}`,
          ),
        );
        const replanned = capture();
        assert.equal(await main(['run', '--url', d.url, '--plan', file, '--yes', '--replan'], replanned.io), 0, replanned.text());
        assert.match(replanned.text(), /Planned afresh from the file's column spec/);
      }),
    );

    test(
      'a plan for the other engine family member is refused (MySQL plan on MariaDB, PostgreSQL plan on MySQL)',
      dbTest(async (t) => {
        const d = db.get(t);
        const schema = schemaOf(engine, d.name);
        await seedTable(d.client, engine, schema, 'dia', 10);
        const info = await d.client.serverInfo();
        const plan = await planFor(d, schema, 'dia', 'c int NULL');
        const wrong = info.dialect === 'mariadb' ? 'mysql' : info.dialect === 'mysql' ? 'mariadb' : 'postgres';
        if (wrong === 'postgres') {
          // The PostgreSQL server: a MariaDB plan of the same column.
          const c = capture();
          await main(
            [
              'plan',
              '--dialect',
              'mariadb',
              '--server-version',
              '10.11',
              '--table',
              `${schema}.dia`,
              '--column',
              'c int NULL',
              '--format',
              'json',
            ],
            c.io,
          );
          const refused = capture();
          assert.equal(await main(['run', '--url', d.url, '--plan', writePlan(JSON.parse(c.out.join('\n'))), '--yes'], refused.io), 2);
          assert.match(refused.text(), /refused: the file is for mariadb, the server is postgres/);
          return;
        }
        const refused = capture();
        assert.equal(await main(['run', '--url', d.url, '--plan', writePlan({ ...plan, dialect: wrong }), '--yes'], refused.io), 2);
        assert.match(refused.text(), new RegExp(`refused: the file is for ${wrong}, the server is ${info.dialect}`));
      }),
    );

    test(
      "a step that names another table is refused (the fresh plan names the file's table)",
      dbTest(async (t) => {
        const d = db.get(t);
        const schema = schemaOf(engine, d.name);
        await seedTable(d.client, engine, schema, 'mine', 10);
        await seedTable(d.client, engine, schema, 'theirs', 10);
        const plan = await planFor(d, schema, 'mine', 'c int NULL');
        const step = plan.phases[0]!.steps[0]!;
        step.sql = String(step.sql).replace(/mine/g, 'theirs');
        const refused = capture();
        assert.equal(await main(['run', '--url', d.url, '--plan', writePlan(plan), '--yes'], refused.io), 2);
        assert.match(refused.text(), /phase 1 step 1 sql:[\s\S]*theirs/);
        const cols = await d.client.query(
          engine === 'postgres'
            ? `SELECT 1 FROM information_schema.columns WHERE table_name = 'theirs' AND column_name = 'c'`
            : `SELECT 1 FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = '${d.name}' AND TABLE_NAME = 'theirs' AND COLUMN_NAME = 'c'`,
        );
        assert.equal(cols.length, 0);
      }),
    );
  });
}
