/**
 * The runner: executes a Plan phase by phase on a local database with lock timeouts and retries, a keyset-batched
 * backfill, a migration lock, and state saved after every step and batch so an interrupted run resumes.
 */
import { DEFAULT_LOCK_TIMEOUT_MS } from '../../core/dialects/index';
import type { LockRisk, Plan, Step, TableRef } from '../../core/types';
import type { DatabaseClient } from '../client';
import { runBackfill } from './backfill';
import { currentSchema, keepingSessionSettings, runnerDialect, sessionId, type RunnerDialect } from './dialect';
import { checkOutcome } from './outcome';
import {
  describeBlockers,
  describeError,
  findBlockers,
  isAlreadyApplied,
  isConnectionLost,
  isInstantRefused,
  isLockTimeout,
} from './errors';
import { assertRunAllowed } from './guard';
import { findBatchKey } from './keys';
import { acquireMigrationLock, releaseMigrationLock } from './migrationLock';
import { buildReport, sizeSnapshot } from './report';
import { resolvePolicy, withLockRetry } from './retry';
import { newRunId, planHash, RunStore } from './state';
import { RunFailure, type RetryPolicy, type RunOptions, type RunOutcome, type RunProgress, type RunState, type StepLog } from './types';

export const DEFAULT_RUN_LOCK_TIMEOUT_MS = DEFAULT_LOCK_TIMEOUT_MS;

type OnlineIndex = NonNullable<RunnerDialect['onlineIndex']>;

/**
 * Each chunk of an online copy (pt-online-schema-change --chunk-time) aims at this time unless --batch-ms says otherwise;
 * a writer waits at most about this long for a row the chunk holds. MariaDB 10.11, 1M rows, a single-row writer, one run
 * each: 50 ms 3.0 s (writer max 45 ms), 100 ms 2.5 s (max 75 ms), pt-osc's own 500 ms 2.5 s (max 432 ms). Then 6 paired
 * runs each of 100 and 150 ms against pt-osc's defaults (load 3.7–8.3, alternating order): the copy took 1.06 s longer
 * than pt-osc's on average at 100 ms and 0.27 s less at 150 ms; writer p99 24–55 / 30–76 ms, max 56–131 / 102–233 ms,
 * pt-osc p99 91–336 ms, max 310–638 ms, no writer errors.
 */
export const ONLINE_COPY_CHUNK_MS = 150;

export { concurrentIndexName } from '../postgres/run';

/** Write-restricting statements: what a stopped run may leave enforced on new and updated rows. */
function restrictsWrites(sql: string): boolean {
  return /\bADD\s+CONSTRAINT\b|\bSET\s+NOT\s+NULL\b|\bADD\s+(UNIQUE|FOREIGN|CHECK)\b|\bMODIFY\b[\s\S]*\bNOT\s+NULL\b/i.test(sql);
}

/** A plan for an unqualified table (schema "") gets the connection's current schema/database, everywhere it names the table. */
async function withResolvedSchema(client: DatabaseClient, plan: Plan): Promise<Plan> {
  const needs = plan.table.schema === '' || plan.phases.some((p) => p.steps.some((s) => s.backfill && s.backfill.table.schema === ''));
  if (!needs) return plan;
  const schema = await currentSchema(client);
  return {
    ...plan,
    table: { ...plan.table, schema: plan.table.schema || schema },
    phases: plan.phases.map((p) => ({
      ...p,
      steps: p.steps.map((s) =>
        s.backfill && s.backfill.table.schema === '' ? { ...s, backfill: { ...s.backfill, table: { ...s.backfill.table, schema } } } : s,
      ),
    })),
  };
}

/**
 * Whether a run record belongs to the table as it is now. PostgreSQL's OID survives rewrites; InnoDB's table id
 * changes when an ALTER rebuilds the table, so on MySQL/MariaDB a record whose step was in flight (the step may be
 * the rebuild) still matches. Records from before identities were kept match.
 */
function sameIncarnation(d: RunnerDialect, state: Pick<RunState, 'tableId' | 'stepStarted'>, identity: string): boolean {
  return state.tableId === null || state.tableId === identity || (d.identityChangesOnRebuild && state.stepStarted);
}

/**
 * Catalog reads the run makes (identity, sizes, the batch key, the report): under the run's lock timeout and retried
 * like its steps, so a session holding the table for a few seconds delays them; after the last attempt the failure
 * names the blocking sessions.
 */
async function introspect<T>(
  client: DatabaseClient,
  table: TableRef,
  what: string,
  fn: () => Promise<T>,
  policy: RetryPolicy,
  lockTimeoutMs: number,
  runId: string | null,
  options: RunOptions,
): Promise<T> {
  await runnerDialect(client).setLockTimeout(client, lockTimeoutMs);
  try {
    return (
      await withLockRetry(
        fn,
        policy,
        async (attempt, delayMs, err) =>
          options.onProgress?.({
            runId: runId ?? '',
            sessionId: 0,
            phaseIndex: 0,
            stepIndex: 0,
            phaseTitle: '',
            kind: 'retry',
            message: `reading ${what}: attempt ${attempt} failed (${describeError(err)}); ${await blockersNow(client, table, err)}retrying in ${delayMs} ms`,
          }),
        options.signal,
      )
    ).value;
  } catch (err) {
    if (!isLockTimeout(err)) throw err;
    const blockers = await findBlockers(client, table).catch(() => []);
    const attempts = (err as { attempts?: number }).attempts ?? policy.maxAttempts;
    throw new RunFailure(
      `Lock timeout reading ${what} of ${table.schema}.${table.name} after ${attempts} attempt${attempts === 1 ? '' : 's'} (lock timeout ${lockTimeoutMs} ms each). ${describeBlockers(blockers)} ` +
        'End or wait for those sessions, then run the same plan again.',
      'lock-timeout',
      runId,
      blockers,
      { cause: err },
    );
  }
}

/** For a retry's progress line: the sessions holding the table when a lock wait timed out ("" for other errors). */
async function blockersNow(client: DatabaseClient, table: TableRef, err: unknown): Promise<string> {
  if (!isLockTimeout(err)) return '';
  return `${describeBlockers(await findBlockers(client, table).catch(() => []))} `;
}

/** Resume information without running (and without creating the state table): the unfinished run for this plan's column, if any. */
export async function findUnfinishedRun(client: DatabaseClient, plan: Plan): Promise<RunState | null> {
  plan = await withResolvedSchema(client, plan);
  const store = new RunStore(client, plan.table.schema);
  if (!(await store.exists())) return null;
  const state = await store.findUnfinished(plan.table, plan.column.name);
  return state && (await onThisTable(client, state)) ? state : null;
}

/** The record is for the table as it is now (not an earlier incarnation, dropped and re-created since). */
async function onThisTable(client: DatabaseClient, state: RunState): Promise<boolean> {
  const d = runnerDialect(client);
  const identity = await d.tableIdentity(client, state.table);
  return identity !== null && sameIncarnation(d, state, identity);
}

/**
 * Execute `plan` on the database behind `client` (a connection dedicated to the run), resuming an unfinished run
 * of the same plan where it stopped. Resolves `completed` with the report, or `cancelled` (resumable); rejects with
 * a RunFailure that says why, with the blocking sessions after exhausted lock-timeout retries.
 */
export async function runPlan(client: DatabaseClient, plan: Plan, options: RunOptions = {}): Promise<RunOutcome> {
  const d = runnerDialect(client);
  if (!d.planDialects.includes(plan.dialect)) {
    throw new RunFailure(
      `The plan is for ${plan.dialect} but the connection is to ${d.displayName}; plan again against this server.`,
      'refused',
      null,
    );
  }
  await assertRunAllowed(client.options, options.allowRemote);
  const errors = plan.warnings.filter((w) => w.severity === 'error');
  if (errors.length) {
    throw new RunFailure(
      `The plan has errors; nothing was run: ${errors.map((e) => `${e.code}: ${e.message}${e.fix ? ` (fix: ${e.fix})` : ''}`).join(' ')}`,
      'refused',
      null,
    );
  }
  // The connection may be the caller's: its own timeouts are back in place when the run ends, however it ends. One
  // that could not be set back is a warning on the outcome (or on the failure), not an error: the run's steps stand.
  const warnings: string[] = [];
  try {
    const out = await keepingSessionSettings(
      d,
      client,
      () => runChecked(client, d, plan, options),
      (w) => warnings.push(w),
    );
    return out.status === 'completed' ? { ...out, report: { ...out.report, warnings } } : { ...out, warnings };
  } catch (err) {
    if (err instanceof RunFailure) err.warnings.push(...warnings);
    throw err;
  }
}

async function runChecked(client: DatabaseClient, d: RunnerDialect, plan: Plan, options: RunOptions): Promise<RunOutcome> {
  const policy = resolvePolicy(options.retry);
  const session = await sessionId(d, client);
  plan = await withResolvedSchema(client, plan);
  const table = { schema: plan.table.schema, name: plan.table.name };
  await acquireMigrationLock(client, table, options.migrationLockWaitMs ?? 3_000);
  let runId: string | null = null;
  try {
    const lockTimeoutMs = options.lockTimeoutMs ?? DEFAULT_RUN_LOCK_TIMEOUT_MS;
    const read = <T>(what: string, fn: () => Promise<T>) => introspect(client, table, what, fn, policy, lockTimeoutMs, runId, options);
    const store = new RunStore(client, plan.table.schema);
    await store.ensure();
    const hash = planHash(plan);
    const identity = await read("the table's identity", () => d.tableIdentity(client, table));
    if (identity === null) throw new RunFailure(`Table ${table.schema}.${table.name} does not exist on this server.`, 'refused', null);
    let state = await store.findUnfinished(table, plan.column.name);
    if (state && !sameIncarnation(d, state, identity)) {
      // The table was dropped and re-created (a reset database): that run's position says nothing about this table.
      await store.update(state.runId, {
        status: 'abandoned',
        finished: true,
        error: `the table was re-created (the run was on ${state.tableId}, the table is now ${identity}); a fresh run replaced this one`,
      });
      options.onProgress?.({
        runId: state.runId,
        sessionId: session,
        phaseIndex: 0,
        stepIndex: 0,
        phaseTitle: '',
        kind: 'retry',
        message: `run ${state.runId} was on an earlier incarnation of the table (dropped and re-created since); starting a fresh run`,
      });
      state = null;
    }
    if (state && state.planHash !== hash) {
      if (!options.abandonPrevious) {
        throw new RunFailure(
          `An unfinished run (${state.runId}, ${state.status}) of a different plan for ${table.schema}.${table.name}.${plan.column.name} exists, stopped at phase ${state.phaseIndex + 1} step ${state.stepIndex + 1}. ` +
            'Resume it with its own plan, or abandon it (CLI: --abandon-previous) after checking what it applied.',
          'refused',
          state.runId,
        );
      }
      await store.update(state.runId, { status: 'abandoned', finished: true });
      state = null;
    }
    if (!state) {
      // The same plan already ran to the end on this incarnation of the table (e.g. the connection was lost while the
      // report was being built): applying it again would fail on the existing column, so report on the finished run.
      const done = await store.findCompleted(table, plan.column.name, hash);
      // A finished run whose column is not there any more (dropped by hand since): that run says nothing about the
      // table now, so the plan runs afresh instead of reporting the old run.
      const thisTable = done !== null && sameIncarnation(d, { ...done, stepStarted: false }, identity);
      const stillThere = thisTable && (await read('the column', () => d.serverObjects(client, table, plan.column.name))).column !== null;
      if (done && thisTable && !stillThere) {
        options.onProgress?.({
          runId: done.runId,
          sessionId: session,
          phaseIndex: 0,
          stepIndex: 0,
          phaseTitle: '',
          kind: 'retry',
          message: `run ${done.runId} completed this plan earlier, but column ${plan.column.name} is not on ${table.schema}.${table.name} any more; starting a fresh run`,
        });
      }
      if (done && stillThere) {
        const report = await read('the report', async () =>
          buildReport(
            client,
            {
              runId: done.runId,
              dialect: plan.dialect,
              table,
              column: plan.column.name,
              startedAt: done.startedAt,
              before: done.before,
              steps: [],
              resumed: true,
            },
            await checkOutcome(client, plan),
          ),
        );
        return { status: 'completed', runId: done.runId, report };
      }
    }
    const resumed = state !== null;
    if (state) {
      await store.update(state.runId, { status: 'running', error: null, ...(state.tableId !== identity ? { tableId: identity } : {}) });
    } else {
      state = await store.create(newRunId(), plan, hash, await read("the table's size", () => sizeSnapshot(client, table)), identity);
    }
    runId = state.runId;
    const ctx = new RunContext(client, d, plan, options, policy, store, state, session);
    return await ctx.execute(resumed);
  } catch (err) {
    if (err instanceof RunFailure) throw err;
    if (isConnectionLost(err)) {
      throw new RunFailure(
        `The run's connection was lost (${describeError(err)}). Its state is saved; run the same plan again to resume.`,
        'connection-lost',
        runId,
        [],
        { cause: err },
      );
    }
    throw new RunFailure(describeError(err), 'statement', runId, [], { cause: err });
  } finally {
    await releaseMigrationLock(client, table).catch(() => undefined);
  }
}

/**
 * The unfinished run on a column and the plan it was started with. Resume with that plan: planning again from the
 * live table would see the half-applied change (the column already there) and plan something else.
 */
export async function findResumableRun(
  client: DatabaseClient,
  table: TableRef,
  column: string,
): Promise<{ state: RunState; plan: Plan } | null> {
  const schema = table.schema || (await currentSchema(client));
  const store = new RunStore(client, schema);
  if (!(await store.exists())) return null;
  const state = await store.findUnfinished({ schema, name: table.name }, column);
  if (!state || !(await onThisTable(client, state))) return null;
  const plan = await store.plan(state.runId);
  return plan ? { state, plan } : null;
}

class RunContext {
  private readonly steps: StepLog[] = [];
  private readonly runId: string;

  constructor(
    private readonly client: DatabaseClient,
    private readonly d: RunnerDialect,
    private readonly plan: Plan,
    private readonly options: RunOptions,
    private readonly policy: RetryPolicy,
    private readonly store: RunStore,
    private state: RunState,
    private readonly session: number,
  ) {
    this.runId = state.runId;
  }

  private emit(p: Omit<RunProgress, 'runId' | 'sessionId' | 'phaseTitle'> & { phaseIndex: number }) {
    this.options.onProgress?.({
      runId: this.runId,
      sessionId: this.session,
      phaseTitle: this.plan.phases[p.phaseIndex]?.title ?? '',
      ...p,
    });
  }

  private next(pi: number, si: number): { phaseIndex: number; stepIndex: number } {
    const phase = this.plan.phases[pi]!;
    return si + 1 < phase.steps.length ? { phaseIndex: pi, stepIndex: si + 1 } : { phaseIndex: pi + 1, stepIndex: 0 };
  }

  private lockTimeoutMs(): number {
    return this.options.lockTimeoutMs ?? DEFAULT_RUN_LOCK_TIMEOUT_MS;
  }

  private statementTimeoutMs(step: Step): number {
    if (this.options.statementTimeoutMs !== undefined) return this.options.statementTimeoutMs;
    const estimate = step.estimate?.totalSeconds ?? 0;
    return Math.max(60_000, Math.ceil(estimate * 10_000));
  }

  /** The lock timeout for a DDL step: the runner's option, else the plan's own statement, else the default. */
  private async applyTimeouts(step: Step, local: boolean): Promise<void> {
    if (this.options.lockTimeoutMs === undefined && step.lockTimeoutSql) {
      await this.client.query(step.lockTimeoutSql);
    } else {
      await this.d.setLockTimeout(this.client, this.lockTimeoutMs(), local);
    }
    await this.d.setStatementTimeout(this.client, this.statementTimeoutMs(step), local);
  }

  private read<T>(what: string, fn: () => Promise<T>): Promise<T> {
    return introspect(this.client, this.plan.table, what, fn, this.policy, this.lockTimeoutMs(), this.runId, this.options);
  }

  private onRetry(pi: number, si: number) {
    return async (attempt: number, delayMs: number, err: unknown) =>
      this.emit({
        kind: 'retry',
        phaseIndex: pi,
        stepIndex: si,
        message: `attempt ${attempt} failed (${describeError(err)}); ${await blockersNow(this.client, this.plan.table, err)}retrying in ${delayMs} ms`,
      });
  }

  async execute(resumed: boolean): Promise<RunOutcome> {
    const phases = this.plan.phases;
    let pi = this.state.phaseIndex;
    let si = this.state.stepIndex;
    let started = this.state.stepStarted;
    while (pi < phases.length) {
      const phase = phases[pi]!;
      if (si >= phase.steps.length) {
        pi++;
        si = 0;
        continue;
      }
      if (this.options.signal?.aborted) return this.cancelled(pi, si, this.state.backfillRows);
      const step = phase.steps[si]!;
      const t0 = performance.now();
      this.emit({ kind: 'step-start', phaseIndex: pi, stepIndex: si, message: step.sql });
      try {
        if (!step.backfill) await this.options.beforeStep?.(step, { phaseIndex: pi, stepIndex: si });
        if (step.backfill) {
          const outcome = await this.backfill(pi, si, step);
          if (outcome) return outcome;
        } else if (step.onlineCopy) {
          const outcome = await this.onlineCopyStep(pi, si, step, started, t0);
          if (outcome) return outcome;
        } else if (this.d.runsInTransaction(step.sql, this.plan.serverVersion)) {
          await this.transactionalStep(pi, si, step, t0);
        } else {
          await this.autocommitStep(pi, si, step, started, t0);
        }
      } catch (err) {
        // Cancelled while waiting to retry a lock timeout: the step did not apply, so this is a clean stop.
        if (this.options.signal?.aborted && isLockTimeout(err)) return this.cancelled(pi, si, this.state.backfillRows);
        throw await this.fail(err, pi, si);
      }
      this.emit({ kind: 'step-done', phaseIndex: pi, stepIndex: si });
      ({ phaseIndex: pi, stepIndex: si } = this.next(pi, si));
      started = false;
      this.state = { ...this.state, backfillLastKey: null, backfillRows: 0 };
    }
    await this.store.update(this.runId, { status: 'completed', phaseIndex: pi, stepIndex: 0, stepStarted: false, finished: true });
    await this.d.setStatementTimeout(this.client, 300_000);
    const report = await this.read('the report', async () =>
      buildReport(
        this.client,
        {
          runId: this.runId,
          dialect: this.plan.dialect,
          table: this.state.table,
          column: this.plan.column.name,
          startedAt: this.state.startedAt,
          before: this.state.before,
          steps: this.steps,
          resumed,
        },
        await checkOutcome(this.client, this.plan),
      ),
    );
    return { status: 'completed', runId: this.runId, report };
  }

  /** Transactional DDL (PostgreSQL): the step and the state's advance commit together, so a crash leaves exactly one of before/after. */
  private async transactionalStep(pi: number, si: number, step: Step, t0: number): Promise<void> {
    const nextPos = this.next(pi, si);
    const { attempts } = await withLockRetry(
      async () => {
        await this.client.query('BEGIN');
        try {
          await this.applyTimeouts(step, true);
          await this.runStatement(step, step.sql);
          const s = this.store.updateSql(this.runId, { ...nextPos, stepStarted: false, backfillLastKey: null, backfillRows: 0 });
          await this.client.query(s.sql, s.params);
          await this.client.query('COMMIT');
        } catch (err) {
          await this.client.query('ROLLBACK').catch(() => undefined);
          throw err;
        }
      },
      this.policy,
      this.onRetry(pi, si),
      this.options.signal,
    );
    this.steps.push({ phaseIndex: pi, stepIndex: si, sql: step.sql, attempts, seconds: (performance.now() - t0) / 1000 });
  }

  /** A statement that commits on its own (MySQL/MariaDB DDL, PostgreSQL CONCURRENTLY): marked started, run, marked done. */
  private async autocommitStep(pi: number, si: number, step: Step, resumingStarted: boolean, t0: number): Promise<void> {
    await this.store.update(this.runId, { phaseIndex: pi, stepIndex: si, stepStarted: true });
    await this.applyTimeouts(step, false);
    const online = this.d.onlineIndex;
    const index = online?.name(step.sql) ?? null;
    let attempts = 0;
    let skipped: string | undefined;
    let fellBack: string | undefined;
    if (online && index) {
      const r = await this.buildIndex(pi, si, step, online, index);
      attempts = r.attempts;
      skipped = r.skipped;
    } else {
      try {
        attempts = (await withLockRetry(() => this.runStatement(step, step.sql), this.policy, this.onRetry(pi, si), this.options.signal))
          .attempts;
      } catch (err) {
        if (isInstantRefused(err) && step.fallbackSql) {
          attempts =
            (await withLockRetry(() => this.runStatement(step, step.fallbackSql!), this.policy, this.onRetry(pi, si), this.options.signal))
              .attempts + 1;
          skipped = undefined;
          fellBack = `the server refused ALGORITHM=INSTANT (${describeError(err)}); ran the fallback instead`;
          this.emit({ kind: 'retry', phaseIndex: pi, stepIndex: si, message: fellBack });
        } else {
          // Applied before a crash that came ahead of the state write: the statement's effect is there already.
          if (!(resumingStarted && isAlreadyApplied(err))) throw err;
          attempts = 1;
          skipped = `already applied before the interruption (${describeError(err)})`;
        }
      }
    }
    // InnoDB gives a rebuilt table a new id: keep the record tied to the table this run is changing.
    const tableId = this.d.identityChangesOnRebuild
      ? await this.read("the table's identity", () => this.d.tableIdentity(this.client, this.plan.table))
      : undefined;
    await this.stepDone(pi, si, step, t0, attempts, tableId, skipped, fellBack);
  }

  /** Records a finished step: the run moves past it (its backfill progress cleared), and the report gets its line. */
  private async stepDone(
    pi: number,
    si: number,
    step: Step,
    t0: number,
    attempts: number,
    tableId: string | null | undefined,
    skipped: string | undefined,
    note: string | undefined,
  ): Promise<void> {
    await this.store.update(this.runId, {
      ...this.next(pi, si),
      stepStarted: false,
      backfillLastKey: null,
      backfillRows: 0,
      ...(tableId ? { tableId } : {}),
    });
    this.steps.push({
      phaseIndex: pi,
      stepIndex: si,
      sql: step.sql,
      attempts,
      seconds: (performance.now() - t0) / 1000,
      ...(skipped ? { skipped } : {}),
      ...(note ? { note } : {}),
    });
  }

  /**
   * A step done by an online schema-change tool (`Step.onlineCopy`): marked started, the tool run, marked done. Resumed
   * after an interruption, it is skipped when the column is there (the tool swapped the tables before it), else run again.
   */
  private async onlineCopyStep(pi: number, si: number, step: Step, resumingStarted: boolean, t0: number): Promise<RunOutcome | null> {
    const copy = step.onlineCopy!;
    const run = this.d.onlineCopy;
    if (!run)
      throw new RunFailure(`${this.d.displayName} has no online copy; plan again without ${copy.tool.name}.`, 'refused', this.runId);
    await this.store.update(this.runId, { phaseIndex: pi, stepIndex: si, stepStarted: true });
    let skipped: string | undefined;
    const there = resumingStarted && (await this.d.serverObjects(this.client, this.plan.table, this.plan.column.name)).column !== null;
    if (there) {
      skipped = `the column is there: ${copy.tool.name} finished before the interruption`;
    } else {
      try {
        await run(this.client, this.plan.table, copy, {
          chunkTimeMs: this.options.backfill?.targetBatchMs ?? ONLINE_COPY_CHUNK_MS,
          lockTimeoutMs: this.lockTimeoutMs(),
          ...(this.options.onlineCopyLag ? { lag: this.options.onlineCopyLag } : {}),
          ...(this.options.lag ? { lagThrottle: this.options.lag } : {}),
          ...(this.options.signal ? { signal: this.options.signal } : {}),
          onLine: (line) => this.emit({ kind: 'retry', phaseIndex: pi, stepIndex: si, message: `${copy.tool.name}: ${line}` }),
        });
      } catch (err) {
        // Stopped by the cancel: the tool left the table as it was (its leftovers dropped), so running again starts over.
        if (this.options.signal?.aborted) {
          await this.store.update(this.runId, { stepStarted: false });
          return this.cancelled(pi, si, 0);
        }
        // Failed: the tool swaps the tables only at its end, so without the column and with what it left dropped
        // (the adapter lists what it could not drop in `remaining`) the table is as it was.
        const objects = await this.d.serverObjects(this.client, this.plan.table, this.plan.column.name).catch(() => null);
        const remaining = (err as { remaining?: readonly string[] }).remaining ?? [];
        if (err instanceof Error && objects && objects.column === null && !remaining.length) {
          await this.store.update(this.runId, { stepStarted: false });
          err.message += `; the table is unchanged (no column ${this.plan.column.name}); running again copies from the start`;
        }
        throw err;
      }
    }
    const tableId = await this.read("the table's identity", () => this.d.tableIdentity(this.client, this.plan.table));
    await this.stepDone(pi, si, step, t0, 1, tableId, skipped, `done by ${copy.tool.name} ${copy.tool.version}: ${copy.alter}`);
    return null;
  }

  /** The step's statement between its session settings (e.g. foreign_key_checks), which are restored even when it fails. */
  private async runStatement(step: Step, sql: string): Promise<void> {
    for (const before of step.session?.before ?? []) await this.client.query(before);
    try {
      await this.client.query(sql);
    } finally {
      for (const after of step.session?.after ?? []) await this.client.query(after).catch(() => undefined);
    }
  }

  private async dropIfInvalid(online: OnlineIndex, name: string): Promise<boolean> {
    if ((await online.validity(this.client, this.plan.table.schema, name)) !== false) return false;
    await this.client.query(online.dropSql(this.plan.table.schema, name));
    return true;
  }

  /** An online index build (CREATE INDEX CONCURRENTLY), then its validity: an invalid leftover is dropped and the build retried. */
  private async buildIndex(
    pi: number,
    si: number,
    step: Step,
    online: OnlineIndex,
    name: string,
  ): Promise<{ attempts: number; skipped?: string }> {
    const validity = () => online.validity(this.client, this.plan.table.schema, name);
    if ((await validity()) === true) return { attempts: 0, skipped: `index ${name} already exists and is valid` };
    await this.dropIfInvalid(online, name);
    const builds = this.options.indexAttempts ?? 3;
    let attempts = 0;
    for (let build = 1; build <= builds; build++) {
      const r = await withLockRetry(
        async () => {
          try {
            await this.runStatement(step, step.sql);
          } catch (err) {
            // A failed concurrent build leaves an INVALID index behind, which would make the retry fail with "exists".
            if (!isConnectionLost(err)) await this.dropIfInvalid(online, name);
            throw err;
          }
        },
        this.policy,
        this.onRetry(pi, si),
        this.options.signal,
      );
      attempts += r.attempts;
      if ((await validity()) === true) return { attempts };
      await this.dropIfInvalid(online, name);
      this.emit({
        kind: 'retry',
        phaseIndex: pi,
        stepIndex: si,
        message: `index ${name} was built INVALID; dropped, building again (${build}/${builds})`,
      });
    }
    throw new RunFailure(
      `Index ${name} was still invalid after ${builds} builds; it was dropped. Check for duplicate values or a failing expression.`,
      'invalid-index',
      this.runId,
    );
  }

  private async backfill(pi: number, si: number, step: Step): Promise<RunOutcome | null> {
    const spec = step.backfill!;
    const t0 = performance.now();
    await this.store.update(this.runId, { phaseIndex: pi, stepIndex: si, stepStarted: true });
    const key = await this.read('the batch key', () => findBatchKey(this.client, spec.table, spec.column));
    const resumeFrom =
      this.state.phaseIndex === pi && this.state.stepIndex === si
        ? { lastKey: this.state.backfillLastKey, rowsDone: this.state.backfillRows, batchSize: this.state.batchSize }
        : undefined;
    // runBackfill's own warnings (a setting not set back to the run's value) are left: runPlan sets the session's own
    // settings back at the end and says which it could not.
    const r = await runBackfill({
      client: this.client,
      engine: this.client.options.engine,
      spec,
      key,
      store: { store: this.store, runId: this.runId },
      ...(resumeFrom ? { resumeFrom } : {}),
      options: { ...(spec.batchSize ? { initialBatchSize: spec.batchSize } : {}), ...this.options.backfill },
      ...(this.options.lag ? { lag: this.options.lag } : {}),
      ...(this.options.signal ? { signal: this.options.signal } : {}),
      retry: this.policy,
      lockTimeoutMs: this.lockTimeoutMs(),
      rowsHint: this.plan.table.rows,
      onProgress: (p) => this.emit({ ...p, phaseIndex: pi, stepIndex: si }),
      onRetry: this.onRetry(pi, si),
    });
    if (r.status === 'cancelled') return this.cancelled(pi, si, r.rowsDone);
    await this.store.update(this.runId, { ...this.next(pi, si), stepStarted: false, backfillLastKey: null, backfillRows: 0 });
    this.steps.push({
      phaseIndex: pi,
      stepIndex: si,
      sql: step.sql,
      attempts: 1,
      seconds: (performance.now() - t0) / 1000,
      rows: r.rowsDone,
      batches: r.batches,
    });
    return null;
  }

  private async cancelled(pi: number, si: number, rowsDone: number): Promise<RunOutcome> {
    await this.store.update(this.runId, { status: 'cancelled' });
    return { status: 'cancelled', runId: this.runId, phaseIndex: pi, stepIndex: si, rowsDone, warnings: [] };
  }

  /** Turn an error into a RunFailure, saving `failed` with the reason when the connection still works. */
  private async fail(err: unknown, pi: number, si: number): Promise<RunFailure> {
    if (err instanceof RunFailure) {
      await this.store.update(this.runId, { status: 'failed', error: err.message }).catch(() => undefined);
      return err;
    }
    const where = `phase ${pi + 1} (${this.plan.phases[pi]?.title ?? ''}) step ${si + 1}`;
    if (isConnectionLost(err)) {
      return new RunFailure(
        `The run's connection was lost at ${where} (${describeError(err)}). Its state is saved; run the same plan again to resume.`,
        'connection-lost',
        this.runId,
        [],
        { cause: err },
      );
    }
    let blockers: LockRisk[] = [];
    let message: string;
    let kind: RunFailure['kind'] = 'statement';
    if (isLockTimeout(err)) {
      kind = 'lock-timeout';
      blockers = await findBlockers(this.client, this.plan.table).catch(() => []);
      const attempts = (err as { attempts?: number }).attempts ?? this.policy.maxAttempts;
      message =
        `Lock timeout at ${where} after ${attempts} attempt${attempts === 1 ? '' : 's'} (lock timeout ${this.lockTimeoutMs()} ms each). ${describeBlockers(blockers)} ` +
        'End or wait for those sessions, then run the same plan again to resume.';
    } else {
      message = `Failed at ${where}: ${describeError(err)}.`;
      const undone = await this.undoUnvalidated(pi, si);
      if (undone.dropped.length) {
        message +=
          ` The NOT VALID constraint${undone.dropped.length === 1 ? '' : 's'} ${undone.dropped.map((d) => `${d.name} (added at step ${d.phaseIndex + 1}.${d.stepIndex + 1})`).join(', ')} ` +
          `${undone.dropped.length === 1 ? 'was' : 'were'} dropped again, so new and updated rows are not refused by ${undone.dropped.length === 1 ? 'it' : 'them'}. ` +
          `Run the same plan again to add and validate ${undone.dropped.length === 1 ? 'it' : 'them'} again (from step ${undone.dropped[0]!.phaseIndex + 1}.${undone.dropped[0]!.stepIndex + 1}) once the existing rows satisfy ${undone.dropped.length === 1 ? 'it' : 'them'}.`;
      } else {
        message += ' Run the same plan again to resume from this step once the cause is fixed.';
      }
    }
    message += this.enforcedNote(pi, si);
    // The server answered with an error: the statement did not take effect (a lost connection leaves that unknown).
    await this.store.update(this.runId, { status: 'failed', error: message, stepStarted: false }).catch(() => undefined);
    return new RunFailure(message, kind, this.runId, blockers, { cause: err });
  }

  /** Plan positions before (pi, si), in order. */
  private *appliedBefore(pi: number, si: number): Generator<{ phaseIndex: number; stepIndex: number; step: Step }> {
    for (let p = 0; p <= pi && p < this.plan.phases.length; p++) {
      const steps = this.plan.phases[p]!.steps;
      for (let k = 0; k < steps.length && (p < pi || k < si); k++) yield { phaseIndex: p, stepIndex: k, step: steps[k]! };
    }
  }

  /**
   * Engines with NOT VALID constraints (PostgreSQL): after a statement failure at (pi, si), drop the NOT VALID constraints added earlier whose VALIDATE has
   * not succeeded (it is this step or a later one): left in place they refuse new and updated rows while the run is
   * stopped, e.g. a CHECK (c IS NOT NULL) on a column without a default refuses every INSERT that leaves it out. The
   * run's position goes back to the first dropped one, so running the same plan again adds and validates it again.
   */
  private async undoUnvalidated(pi: number, si: number): Promise<{ dropped: { name: string; phaseIndex: number; stepIndex: number }[] }> {
    const dropped: { name: string; phaseIndex: number; stepIndex: number }[] = [];
    const notValid = this.d.notValidConstraints;
    if (!notValid) return { dropped };
    const pending = new Set<string>();
    this.plan.phases.forEach((p, a) =>
      p.steps.forEach((s, b) => {
        const v = notValid.validated(s.sql);
        if (v !== null && (a > pi || (a === pi && b >= si))) pending.add(v);
      }),
    );
    for (const { phaseIndex, stepIndex, step } of this.appliedBefore(pi, si)) {
      const name = notValid.added(step.sql);
      if (name === null || !pending.has(name)) continue;
      try {
        await this.d.setLockTimeout(this.client, this.lockTimeoutMs());
        await withLockRetry(() => this.client.query(notValid.dropSql(this.plan.table, name)), this.policy, undefined, this.options.signal);
        dropped.push({ name, phaseIndex, stepIndex });
      } catch {
        break; // Reported by enforcedNote: still there, with the statement that drops it.
      }
    }
    if (dropped.length) {
      await this.store.update(this.runId, {
        phaseIndex: dropped[0]!.phaseIndex,
        stepIndex: dropped[0]!.stepIndex,
        stepStarted: false,
        backfillLastKey: null,
        backfillRows: 0,
      });
      this.undone = new Set(dropped.map((d) => `${d.phaseIndex}.${d.stepIndex}`));
    }
    return { dropped };
  }

  private undone = new Set<string>();

  /** What the stopped run leaves enforced on writes (constraints, NOT NULL) and the statement that undoes each. */
  private enforcedNote(pi: number, si: number): string {
    const left: string[] = [];
    for (const { phaseIndex, stepIndex, step } of this.appliedBefore(pi, si)) {
      if (this.undone.has(`${phaseIndex}.${stepIndex}`) || step.backfill || !restrictsWrites(step.sql)) continue;
      // A constraint dropped again by a later applied step is not enforced.
      const name = this.d.notValidConstraints?.added(step.sql) ?? null;
      if (
        name !== null &&
        [...this.appliedBefore(pi, si)].some(
          (x) => new RegExp(String.raw`\bDROP\s+CONSTRAINT\b`, 'i').test(x.step.sql) && x.step.sql.includes(this.d.ident(name)),
        )
      )
        continue;
      left.push(`${step.sql.split('\n')[0]!.slice(0, 200)}${step.down ? ` (undo: ${step.down})` : ''}`);
    }
    return left.length ? ` Now enforced on new and updated rows by the steps that ran: ${left.join('; ')}.` : '';
  }
}
