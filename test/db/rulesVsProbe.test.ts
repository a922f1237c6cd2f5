/**
 * The planner's lock rules against the real servers: every DDL step of the plan for each column addition is
 * probed on an empty copy of the table (src/db/verify.ts), and the rule's lock, rewrite and algorithm must equal
 * what the server did.
 */
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { parseColumnDefinition } from '../../src/core/columnSpec';
import { planColumn } from '../../src/core/plan';
import type { Plan, Step } from '../../src/core/types';
import { verifyPlan } from '../../src/db/verify';
import { MY_CASES, MY_TABLES, PG_CASES, PG_TABLES, type Case } from './rulesVsProbe.cases';
import { dbTest, throwawayDatabase } from './helpers';

const steps = (p: Plan): Step[] => p.phases.flatMap((ph) => ph.steps);

function suite(engine: 'postgres' | 'mysql', tables: readonly string[], cases: readonly Case[]): void {
  const db = throwawayDatabase(engine);
  let ready: Promise<void> | undefined;
  const setup = (t: TestContext) => {
    const { client } = db.get(t);
    ready ??= (async () => {
      for (const s of tables) await client.query(s);
    })();
    return ready.then(() => db.get(t));
  };

  it(`has at least 25 cases`, () => assert.ok(cases.length >= 25, `${cases.length} cases`));

  for (const c of cases) {
    const label = `${c.column}${c.index ? ' + index' : ''}${c.unique ? ' + unique' : ''}${c.table ? ` on ${c.table}` : ''}`;
    it(
      label,
      dbTest(async (t) => {
        const { client, name } = await setup(t);
        const info = await client.serverInfo();
        const table = { schema: engine === 'postgres' ? 'public' : name, name: c.table ?? 'base' };
        const facts = await client.tableFacts(table);
        const spec = {
          ...parseColumnDefinition(c.column, info.dialect),
          ...(c.index ? { index: true } : {}),
          ...(c.unique ? { unique: true } : {}),
        };
        const plan = planColumn(spec, facts, { dialect: info.dialect, version: info.version });
        const { plan: verified, defects } = await verifyPlan(client, plan);
        assert.deepEqual(
          defects.map((d) => d.message),
          [],
        );
        const probed = steps(verified).filter((s) => s.verified);
        assert.ok(probed.length >= 1, 'at least one step was probed');
        for (const s of probed) assert.equal(s.verified!.agrees, true, s.verified!.detail);
        // The real table is untouched: no new column.
        const cols =
          engine === 'postgres'
            ? await client.query(`SELECT 1 FROM pg_attribute WHERE attrelid = 'public.${table.name}'::regclass AND attname = 'c'`)
            : await client.query('SELECT 1 FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND COLUMN_NAME = ?', [
                name,
                table.name,
                'c',
              ]);
        assert.deepEqual(cols, []);
      }),
    );
  }

  it(
    'reports a wrong prediction as a rules defect, and the probe wins',
    dbTest(async (t) => {
      const { client, name } = await setup(t);
      const info = await client.serverInfo();
      const table = { schema: engine === 'postgres' ? 'public' : name, name: 'base' };
      const plan = planColumn(parseColumnDefinition('c int', info.dialect), await client.tableFacts(table), {
        dialect: info.dialect,
        version: info.version,
      });
      const first = steps(plan)[0]!;
      const wrong: Plan = { ...plan, phases: [{ ...plan.phases[0]!, steps: [{ ...first, lock: 'SHARE', rewrite: true }] }] };
      const lines: string[] = [];
      const { plan: v, defects } = await verifyPlan(client, wrong, (l) => lines.push(l));
      assert.equal(defects.length, 1);
      assert.match(lines[0]!, /rules defect: lock: rule SHARE, server .*; rewrite: rule yes, server no/);
      const step = steps(v)[0]!;
      assert.equal(step.verified!.agrees, false);
      assert.equal(step.lock, first.lock);
      assert.equal(step.rewrite, false);
    }),
  );
}

describe('rules vs probes: PostgreSQL', () => suite('postgres', PG_TABLES, PG_CASES));
describe('rules vs probes: MySQL/MariaDB', () => suite('mysql', MY_TABLES, MY_CASES));
