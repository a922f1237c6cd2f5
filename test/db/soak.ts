/**
 * Fault-injection soak for the runner (issue 14 item 8): rounds of one plan on a fresh table, each with one injected
 * fault, each checked afterwards — no row lost or changed outside the new column, the table writable, the run state
 * consistent (position, status, no NOT VALID constraint left behind), and an exact resume (every row written once).
 * Used by bench/soak.ts (figures) and test/db/runSoak.test.ts (a small run that must find no violation).
 * The server-restart fault needs a server the round may restart (test/db/privateServers.ts), never a shared one.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Plan } from '../../src/core/types';
import type { DatabaseClient } from '../../src/db/client';
import { abandonRun, previewAbandon, RunFailure, runPlan, RunStore, type RunOutcome } from '../../src/db/run';
import type { Engine } from './helpers';
import { fullPlan, q, seedTable, step } from './runHelpers';

export const FAULTS = ['killed-process', 'terminated-backend', 'held-lock', 'cancel', 'failing-validate', 'server-restart'] as const;
export type Fault = (typeof FAULTS)[number];

export interface RoundResult {
  readonly engine: Engine;
  readonly fault: Fault;
  /** The fault landed (a kill during the run, a lock the run had to wait for, a validate that failed). */
  readonly injected: boolean;
  readonly violations: readonly string[];
  readonly seconds: number;
  /** Runner invocations until the plan completed (1 = no resume was needed). */
  readonly invocations: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function scalar(client: DatabaseClient, sql: string): Promise<number> {
  const [row] = await client.query<Record<string, unknown>>(sql);
  return Number(Object.values(row!)[0]);
}

/** A fingerprint of the columns the run must not change (id, v) and the row count. */
async function fingerprint(client: DatabaseClient, engine: Engine, tbl: string): Promise<string> {
  const sql =
    engine === 'postgres'
      ? `SELECT count(*)::text || ':' || coalesce(sum(id * 31 + v), 0)::text || ':' || coalesce(md5(string_agg(id::text || ',' || v::text, ';' ORDER BY id)), '') AS f FROM ${tbl}`
      : `SELECT CONCAT(count(*), ':', coalesce(sum(id * 31 + v), 0), ':', coalesce(md5(group_concat(id, ',', v ORDER BY id SEPARATOR ';')), '')) AS f FROM ${tbl}`;
  const [row] = await client.query<{ f: string }>(sql);
  return String(row!.f);
}

async function sessionOf(client: DatabaseClient, engine: Engine): Promise<number> {
  return scalar(client, engine === 'postgres' ? 'SELECT pg_backend_pid()' : 'SELECT CONNECTION_ID()');
}

/** The runner in its own process (test/db/runChild.ts), killed with SIGKILL once it has started the backfill. */
async function runChildAndKill(url: string, planFile: string): Promise<boolean> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'runChild.ts'), url, planFile], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let killed = false;
  await new Promise<void>((resolve) => {
    child.stdout.on('data', (b: Buffer) => {
      const m = /batch (\d+)/.exec(b.toString());
      if (m && !killed && Number(m[1]) >= 500) {
        killed = true;
        setTimeout(() => child.kill('SIGKILL'), Math.floor(Math.random() * 40));
      }
    });
    child.on('exit', () => resolve());
  });
  return killed;
}

/** A client whose connection can be replaced (after a server restart ended it); every call goes to the current one. */
function replaceable(first: DatabaseClient): { client: DatabaseClient; replace(next: DatabaseClient): void } {
  let current = first;
  const client = new Proxy(first, {
    get(_target, key) {
      const v = (current as unknown as Record<PropertyKey, unknown>)[key];
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(current) : v;
    },
  });
  return {
    client,
    replace(next) {
      current = next;
    },
  };
}

/**
 * One round: fresh table, the fault, the checks, the resume. `restartServer` is required for the server-restart
 * fault and restarts the server `client` and `openRunner` connect to; `client`'s connection is then ended (the round
 * uses a new one of its own, closed at the end).
 */
export async function soakRound(
  mainClient: DatabaseClient,
  url: string,
  openRunner: () => Promise<DatabaseClient>,
  engine: Engine,
  schema: string,
  round: number,
  fault: Fault,
  rows: number,
  restartServer?: () => Promise<void>,
): Promise<RoundResult> {
  const t0 = performance.now();
  const main = replaceable(mainClient);
  const client = main.client;
  let ownClient: DatabaseClient | undefined;
  const table = `soak_${round}`;
  const tbl = `${q(engine, schema)}.${q(engine, table)}`;
  await seedTable(client, engine, schema, table, rows);
  await client.query(`ALTER TABLE ${tbl} ADD COLUMN touches int NOT NULL DEFAULT 0`);
  await client.query(
    engine === 'postgres'
      ? `CREATE FUNCTION ${q(engine, `touch_${table}`)}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.touches := OLD.touches + 1; RETURN NEW; END $$`
      : `CREATE TRIGGER ${q(engine, `touch_${table}`)} BEFORE UPDATE ON ${tbl} FOR EACH ROW SET NEW.touches = OLD.touches + 1`,
  );
  if (engine === 'postgres')
    await client.query(
      `CREATE TRIGGER ${q(engine, `touch_${table}`)} BEFORE UPDATE ON ${tbl} FOR EACH ROW EXECUTE FUNCTION ${q(engine, `touch_${table}`)}()`,
    );
  const before = await fingerprint(client, engine, tbl);
  const plan = fullPlan(engine, schema, table, 'c', 'id * 3 + v');
  const violations: string[] = [];
  let injected = false;
  let invocations = 0;
  const opts = { backfill: { fixedBatchSize: 50, pauseMs: 3 }, lockTimeoutMs: engine === 'postgres' ? 300 : 1000 };

  const check = async (when: string) => {
    if ((await fingerprint(client, engine, tbl)) !== before) violations.push(`${when}: rows lost or changed outside the column`);
    try {
      await client.query(engine === 'postgres' ? 'SET lock_timeout = 3000' : 'SET SESSION lock_wait_timeout = 3');
      await client.query(`INSERT INTO ${tbl} (id, v, c) VALUES (${rows + 1000}, 1, 1)`);
      await client.query(`UPDATE ${tbl} SET c = 2 WHERE id = ${rows + 1000}`);
      await client.query(`DELETE FROM ${tbl} WHERE id = ${rows + 1000}`);
    } catch (err) {
      if (!/column .*c.* does not exist|Unknown column 'c'/i.test((err as Error).message))
        violations.push(`${when}: the table is not writable: ${(err as Error).message}`);
    }
    const state = (await new RunStore(client, schema).list()).filter((r) => r.table.name === table).at(-1);
    if (state && !['failed', 'cancelled', 'running', 'completed', 'abandoned'].includes(state.status))
      violations.push(`${when}: state ${state.status}`);
    if (
      state &&
      (state.phaseIndex > plan.phases.length ||
        (state.phaseIndex < plan.phases.length && state.stepIndex >= plan.phases[state.phaseIndex]!.steps.length))
    )
      violations.push(`${when}: state position ${state.phaseIndex}.${state.stepIndex} is outside the plan`);
    if (engine === 'postgres') {
      const notValid = await scalar(
        client,
        `SELECT count(*) FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid WHERE c.relname = '${table}' AND NOT k.convalidated`,
      );
      if (notValid > 0 && state?.status !== 'running')
        violations.push(`${when}: a NOT VALID constraint is left on the stopped run's table`);
    }
  };

  const attempt = async (p: Plan, extra: Record<string, unknown> = {}): Promise<RunOutcome | RunFailure> => {
    invocations++;
    const runner = await openRunner();
    try {
      return await runPlan(runner, p, { ...opts, ...extra });
    } catch (err) {
      if (err instanceof RunFailure) return err;
      throw err;
    } finally {
      await runner.close().catch(() => undefined);
    }
  };

  switch (fault) {
    case 'killed-process': {
      const file = join(mkdtempSync(join(tmpdir(), 'cw-soak-')), 'plan.json');
      writeFileSync(file, JSON.stringify(plan));
      invocations++;
      injected = await runChildAndKill(url, file);
      break;
    }
    case 'terminated-backend': {
      invocations++;
      const runner = await openRunner();
      const session = await sessionOf(runner, engine);
      let sawBatch = false;
      const done = runPlan(runner, plan, {
        ...opts,
        onProgress: (e) => {
          if (e.kind === 'batch' && (e.rowsDone ?? 0) >= 500) sawBatch = true;
        },
      }).then(
        () => false,
        (err: unknown) => err instanceof RunFailure && err.kind === 'connection-lost',
      );
      for (let i = 0; i < 500 && !sawBatch; i++) await sleep(10);
      await sleep(Math.floor(Math.random() * 40));
      await client.query(engine === 'postgres' ? `SELECT pg_terminate_backend(${session})` : `KILL ${session}`);
      injected = await done;
      await runner.close().catch(() => undefined);
      break;
    }
    case 'held-lock': {
      const holder = await openRunner();
      if (engine === 'postgres') {
        await holder.query('BEGIN');
        await holder.query(`LOCK TABLE ${tbl} IN ACCESS EXCLUSIVE MODE`);
      } else {
        await holder.query(`LOCK TABLES ${tbl} WRITE`);
      }
      const release = sleep(1500)
        .then(() => holder.query(engine === 'postgres' ? 'COMMIT' : 'UNLOCK TABLES'))
        .finally(() => holder.close());
      const r = await attempt(plan);
      await release;
      injected = true;
      if (r instanceof RunFailure) violations.push(`held lock: the run failed instead of waiting it out: ${r.message}`);
      break;
    }
    case 'cancel': {
      const ac = new AbortController();
      let n = 0;
      const r = await attempt(plan, {
        signal: ac.signal,
        onProgress: (e: { kind: string }) => {
          if (e.kind === 'batch' && ++n === 10) ac.abort();
        },
      });
      injected = !(r instanceof RunFailure) && r.status === 'cancelled';
      if (r instanceof RunFailure) violations.push(`cancel: failed: ${r.message}`);
      break;
    }
    case 'server-restart': {
      if (!restartServer) throw new Error('the server-restart fault needs a private server to restart');
      invocations++;
      const runner = await openRunner();
      let sawBatch = false;
      const done = runPlan(runner, plan, {
        ...opts,
        onProgress: (e) => {
          if (e.kind === 'batch' && (e.rowsDone ?? 0) >= 500) sawBatch = true;
        },
      }).then(
        () => 'completed',
        (err: unknown) => (err instanceof RunFailure ? err.kind : String(err)),
      );
      for (let i = 0; i < 500 && !sawBatch; i++) await sleep(10);
      await sleep(Math.floor(Math.random() * 40));
      await restartServer();
      const how = await done;
      injected = how === 'connection-lost';
      if (!injected) violations.push(`server restart: the run ended with ${how}, not a lost connection`);
      await runner.close().catch(() => undefined);
      ownClient = await openRunner();
      main.replace(ownClient);
      break;
    }
    case 'failing-validate': {
      if (engine === 'postgres') {
        // A CHECK that an existing row breaks: VALIDATE fails after the NOT VALID constraint went in.
        const bad = {
          ...plan,
          phases: plan.phases.map((ph) =>
            ph.kind !== 'constrain'
              ? ph
              : {
                  ...ph,
                  steps: [
                    step(`ALTER TABLE ${tbl} ADD CONSTRAINT "soak_c_chk" CHECK (c <> 3 * 7 + 7) NOT VALID`),
                    step(`ALTER TABLE ${tbl} VALIDATE CONSTRAINT "soak_c_chk"`),
                    ...ph.steps,
                  ],
                },
          ),
        };
        const r = await attempt(bad);
        injected = r instanceof RunFailure && /dropped again/.test(r.message);
        if (!injected)
          violations.push(
            `failing validate: expected a failure that drops the NOT VALID constraint, got ${r instanceof RunFailure ? r.message : r.status}`,
          );
        await check('after the failed VALIDATE');
        // The operator abandons it: everything the run made goes, the table is as before.
        const preview = await previewAbandon(client, { schema, name: table }, 'c');
        if (!preview) violations.push('failing validate: no unfinished run to abandon');
        else await abandonRun(client, preview);
        if (await scalar(client, `SELECT count(*) FROM information_schema.columns WHERE table_name = '${table}' AND column_name = 'c'`))
          violations.push('abandon: the column is still there');
        // The abandoned backfill touched every row once; reset the counter so "written once" below counts the new run.
        await client.query(`ALTER TABLE ${tbl} DISABLE TRIGGER USER`);
        await client.query(`UPDATE ${tbl} SET touches = 0`);
        await client.query(`ALTER TABLE ${tbl} ENABLE TRIGGER USER`);
      } else {
        // MariaDB has no NOT VALID: a CHECK that existing rows break fails atomically in its ALTER.
        const bad = {
          ...plan,
          phases: plan.phases.map((ph) =>
            ph.kind !== 'constrain'
              ? ph
              : { ...ph, steps: [step(`ALTER TABLE ${tbl} ADD CONSTRAINT \`soak_c_chk\` CHECK (c <> 3 * 7 + 7)`), ...ph.steps] },
          ),
        };
        const r = await attempt(bad);
        injected = r instanceof RunFailure && r.kind === 'statement';
        if (!injected)
          violations.push(`failing CHECK: expected a statement failure, got ${r instanceof RunFailure ? r.message : r.status}`);
        await check('after the failed CHECK');
        const preview = await previewAbandon(client, { schema, name: table }, 'c');
        if (!preview) violations.push('failing CHECK: no unfinished run to abandon');
        else await abandonRun(client, preview);
        if (
          await scalar(
            client,
            `SELECT count(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = '${schema}' AND TABLE_NAME = '${table}' AND COLUMN_NAME = 'c'`,
          )
        )
          violations.push('abandon: the column is still there');
        // The trigger would count this reset too: drop it around the reset.
        await client.query(`DROP TRIGGER ${q(engine, schema)}.${q(engine, `touch_${table}`)}`);
        await client.query(`UPDATE ${tbl} SET touches = 0`);
        await client.query(
          `CREATE TRIGGER ${q(engine, schema)}.${q(engine, `touch_${table}`)} BEFORE UPDATE ON ${tbl} FOR EACH ROW SET NEW.touches = OLD.touches + 1`,
        );
      }
      break;
    }
  }
  await check(`after ${fault}`);
  // Exact resume: the same plan, until it completes.
  let out: RunOutcome | RunFailure | undefined;
  for (let k = 0; k < 5; k++) {
    out = await attempt(plan);
    if (!(out instanceof RunFailure) && out.status === 'completed') break;
    if (out instanceof RunFailure && out.kind === 'locked') {
      await sleep(500);
      continue;
    }
    if (out instanceof RunFailure) break;
  }
  if (!out || out instanceof RunFailure || out.status !== 'completed')
    violations.push(`resume did not complete: ${out instanceof RunFailure ? out.message : out?.status}`);
  else if (out.report.problems.length) violations.push(`resume completed but: ${out.report.problems.join('; ')}`);
  const wrong = await scalar(client, `SELECT count(*) FROM ${tbl} WHERE c IS NULL OR c <> id * 3 + v`);
  if (wrong) violations.push(`${wrong} rows have the wrong value`);
  const touched = await scalar(client, `SELECT count(*) FROM ${tbl} WHERE touches <> 1`);
  if (touched) violations.push(`${touched} rows were not written exactly once by the backfill`);
  await check('after the resume');
  await client.query(`DROP TABLE ${tbl}`);
  if (engine === 'postgres') await client.query(`DROP FUNCTION ${q(engine, `touch_${table}`)}()`);
  await ownClient?.close().catch(() => undefined);
  return { engine, fault, injected, violations, seconds: (performance.now() - t0) / 1000, invocations };
}
