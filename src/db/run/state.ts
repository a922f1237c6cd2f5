/**
 * Run state, persisted beside the table in `column_wizard_runs` so that a run interrupted by a crash, a killed
 * connection or a cancel resumes at the step and batch where it stopped.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Plan, TableRef } from '../../core/types';
import type { DatabaseClient } from '../client';
import { columnExists, qualified, runnerDialect, tableExists, type Engine, type RunnerDialect } from './dialect';
import type { RunState, RunStatus, SizeSnapshot } from './types';

export const STATE_TABLE = 'column_wizard_runs';

export function stateTable(engine: Engine, schema: string): string {
  return qualified(runnerDialect(engine), { schema, name: STATE_TABLE });
}

/** The DDL of the state table; one row per run. */
export function stateTableDdl(engine: Engine, schema: string): string {
  return runnerDialect(engine).stateTableDdl(stateTable(engine, schema));
}

/** Hash of what the run executes (SQL and backfill specs), not of estimates, so a re-computed plan of the same SQL resumes. */
export function planHash(plan: Plan): string {
  const essence = {
    dialect: plan.dialect,
    table: [plan.table.schema, plan.table.name],
    column: plan.column.name,
    phases: plan.phases.map((p) => ({ t: p.transactional, s: p.steps.map((s) => [s.sql, s.backfill ?? null]) })),
  };
  return createHash('sha256').update(JSON.stringify(essence)).digest('hex').slice(0, 32);
}

export function newRunId(): string {
  const t = new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return `cw_${t}_${randomBytes(4).toString('hex')}`;
}

interface Row {
  run_id: string;
  table_schema: string;
  table_name: string;
  column_name: string;
  plan_hash: string;
  status: string;
  phase_index: number;
  step_index: number;
  step_started: boolean | number;
  backfill_last_key: string | null;
  backfill_rows: number | string;
  batch_size: number | null;
  before_sizes: string | null;
  error: string | null;
  started_at: Date | string;
  updated_at: Date | string;
  finished_at: Date | string | null;
  table_id: string | null;
}

const iso = (d: Date | string | null): string | null => (d === null ? null : d instanceof Date ? d.toISOString() : String(d));

function toState(r: Row): RunState {
  return {
    runId: r.run_id,
    table: { schema: r.table_schema, name: r.table_name },
    column: r.column_name,
    planHash: r.plan_hash,
    status: r.status as RunStatus,
    phaseIndex: Number(r.phase_index),
    stepIndex: Number(r.step_index),
    stepStarted: r.step_started === true || Number(r.step_started) === 1,
    backfillLastKey: r.backfill_last_key === null ? null : (JSON.parse(r.backfill_last_key) as string[]),
    backfillRows: Number(r.backfill_rows),
    batchSize: r.batch_size === null ? null : Number(r.batch_size),
    before: r.before_sizes === null ? null : (JSON.parse(r.before_sizes) as SizeSnapshot),
    error: r.error,
    startedAt: iso(r.started_at)!,
    updatedAt: iso(r.updated_at)!,
    finishedAt: iso(r.finished_at),
    tableId: r.table_id ?? null,
  };
}

const COLUMNS =
  'run_id, table_schema, table_name, column_name, plan_hash, status, phase_index, step_index, step_started, backfill_last_key, backfill_rows, batch_size, before_sizes, error, started_at, updated_at, finished_at, table_id';

export class RunStore {
  readonly table: string;
  private readonly d: RunnerDialect;
  constructor(
    private readonly client: DatabaseClient,
    readonly schema: string,
  ) {
    this.d = runnerDialect(client);
    this.table = stateTable(client.options.engine, schema);
  }

  private p(n: number): string {
    return this.d.placeholder(n);
  }

  /** Whether the state table exists (without creating it). */
  async exists(): Promise<boolean> {
    return tableExists(this.d, this.client, { schema: this.schema, name: STATE_TABLE });
  }

  async ensure(): Promise<void> {
    await this.client.query(this.d.stateTableDdl(this.table));
    // A state table made before runs were tied to the table's identity gets the column (MySQL 8 has no ADD COLUMN IF NOT EXISTS).
    if (!(await columnExists(this.d, this.client, { schema: this.schema, name: STATE_TABLE }, 'table_id'))) {
      await this.client.query(`ALTER TABLE ${this.table} ADD COLUMN table_id ${this.d.stateTableIdType}`);
    }
  }

  /** The latest run on this column that has not completed or been abandoned. */
  async findUnfinished(table: TableRef, column: string): Promise<RunState | null> {
    const rows = await this.client.query<Row>(
      `SELECT ${COLUMNS} FROM ${this.table}
        WHERE table_schema = ${this.p(1)} AND table_name = ${this.p(2)} AND column_name = ${this.p(3)} AND status IN ('running', 'cancelled', 'failed')
        ORDER BY started_at DESC LIMIT 1`,
      [table.schema, table.name, column],
    );
    return rows[0] ? toState(rows[0]) : null;
  }

  /** The latest completed run of exactly this plan on this column, if any. */
  async findCompleted(table: TableRef, column: string, planHash: string): Promise<RunState | null> {
    const rows = await this.client.query<Row>(
      `SELECT ${COLUMNS} FROM ${this.table}
        WHERE table_schema = ${this.p(1)} AND table_name = ${this.p(2)} AND column_name = ${this.p(3)} AND plan_hash = ${this.p(4)} AND status = 'completed'
        ORDER BY started_at DESC LIMIT 1`,
      [table.schema, table.name, column, planHash],
    );
    return rows[0] ? toState(rows[0]) : null;
  }

  async get(runId: string): Promise<RunState | null> {
    const rows = await this.client.query<Row>(`SELECT ${COLUMNS} FROM ${this.table} WHERE run_id = ${this.p(1)}`, [runId]);
    return rows[0] ? toState(rows[0]) : null;
  }

  /** The plan a run was started with, as saved. */
  async plan(runId: string): Promise<Plan | null> {
    const rows = await this.client.query<{ plan: string }>(`SELECT plan FROM ${this.table} WHERE run_id = ${this.p(1)}`, [runId]);
    return rows[0] ? (JSON.parse(rows[0].plan) as Plan) : null;
  }

  async list(): Promise<RunState[]> {
    const rows = await this.client.query<Row>(`SELECT ${COLUMNS} FROM ${this.table} ORDER BY started_at`);
    return rows.map(toState);
  }

  async create(runId: string, plan: Plan, hash: string, before: SizeSnapshot | null, tableId: string | null = null): Promise<RunState> {
    await this.client.query(
      `INSERT INTO ${this.table} (run_id, table_schema, table_name, column_name, plan_hash, plan, status, before_sizes, table_id)
       VALUES (${[1, 2, 3, 4, 5, 6].map((n) => this.p(n)).join(', ')}, 'running', ${this.p(7)}, ${this.p(8)})`,
      [
        runId,
        plan.table.schema,
        plan.table.name,
        plan.column.name,
        hash,
        JSON.stringify(plan),
        before ? JSON.stringify(before) : null,
        tableId,
      ],
    );
    return (await this.get(runId))!;
  }

  /** Set some fields of a run; `updated_at` follows. */
  async update(
    runId: string,
    fields: Partial<{
      tableId: string | null;
      status: RunStatus;
      phaseIndex: number;
      stepIndex: number;
      stepStarted: boolean;
      backfillLastKey: readonly string[] | null;
      backfillRows: number;
      batchSize: number | null;
      error: string | null;
      finished: boolean;
    }>,
  ): Promise<void> {
    const { sql, params } = this.updateSql(runId, fields);
    await this.client.query(sql, params);
  }

  /** The UPDATE statement for `update`, to embed in a transaction or a data-modifying CTE. Placeholders start at `from`. */
  updateSql(runId: string, fields: Parameters<RunStore['update']>[1], from = 1): { sql: string; params: unknown[] } {
    const sets: string[] = [];
    const params: unknown[] = [];
    const add = (col: string, v: unknown) => {
      params.push(v);
      sets.push(`${col} = ${this.p(from + params.length - 1)}`);
    };
    if (fields.status !== undefined) add('status', fields.status);
    if (fields.tableId !== undefined) add('table_id', fields.tableId);
    if (fields.phaseIndex !== undefined) add('phase_index', fields.phaseIndex);
    if (fields.stepIndex !== undefined) add('step_index', fields.stepIndex);
    if (fields.stepStarted !== undefined) add('step_started', this.d.boolParam(fields.stepStarted));
    if (fields.backfillLastKey !== undefined)
      add('backfill_last_key', fields.backfillLastKey === null ? null : JSON.stringify(fields.backfillLastKey));
    if (fields.backfillRows !== undefined) add('backfill_rows', fields.backfillRows);
    if (fields.batchSize !== undefined) add('batch_size', fields.batchSize);
    if (fields.error !== undefined) add('error', fields.error === null ? null : fields.error.slice(0, 4000));
    const now = this.d.nowSql;
    sets.push(`updated_at = ${now}`);
    if (fields.finished) sets.push(`finished_at = ${now}`);
    params.push(runId);
    return { sql: `UPDATE ${this.table} SET ${sets.join(', ')} WHERE run_id = ${this.p(from + params.length - 1)}`, params };
  }
}
