/**
 * Planning from a live server — the one function behind both `plan --url` and `run --table/--column`, so the same
 * words plan the same way. Reads the server's flavor and version and the table's facts, checks the column on the
 * server, plans with this server's measured throughput (cached; src/cli/calibration.ts), and verifies every DDL step
 * with a probe on an empty copy of the table (the probe wins where it disagrees with the rules).
 */
import type { Io } from '../cli';
import { planColumn, planSteps, type PlanOptions } from '../core/plan';
import type { Calibration, ColumnSpec, Finding, OnlineCopyTool, Plan, TableRef, Target } from '../core/types';
import type { DatabaseClient } from '../db/client';
import type { ConnectionOptions } from '../db/connection';
import { verifyPlan } from '../db/verify';
import { requireString, UsageError } from './args';
import { planOptionsFromValues, tableAndColumnFromOptions } from './plan';
import { cliCalibration } from './calibration';

/** What --table/--column name on this server: the target, the table with its schema/database resolved, the column. */
export interface LiveRequest {
  readonly target: Target;
  readonly table: TableRef;
  readonly spec: ColumnSpec;
  /** Notes about how --table was read (a folded name). */
  readonly notes: readonly Finding[];
}

export async function liveRequest(client: DatabaseClient, values: Record<string, unknown>): Promise<LiveRequest> {
  const info = await client.serverInfo();
  const { table: parsed, spec, notes } = tableAndColumnFromOptions(values, info.dialect);
  const table = { schema: parsed.schema || client.options.database, name: parsed.name };
  if (!table.schema) throw new UsageError('--table needs a database (db.table) when the URL names none');
  return { target: { dialect: info.dialect, version: info.version }, table, spec, notes };
}

/**
 * The plan for `request` from the live table: server-side validation findings merged in (a server error stops there,
 * with no probe), then each DDL step probed. `command` prefixes the probe's disagreements on stderr.
 */
export async function planFromServer(
  client: DatabaseClient,
  request: LiveRequest,
  values: Record<string, unknown>,
  io: Io,
  command: string,
  calibration: Calibration | undefined,
  extra: PlanOptions = {},
): Promise<Plan> {
  const { target, table, spec } = request;
  const planOptions = { ...planOptionsFromValues(values), ...(await onlineCopyOption(client, target, table, values)), ...extra };
  const options = { ...planOptions, ...(calibration ? { calibration } : {}) };
  let facts = await client.tableFacts(table);
  // The write rate only counts the writes queued behind a step that blocks them (plan.ts `queued`): sampled (1 s)
  // only for a plan that has such a step, so a plan without one is the same without the wait.
  if (planSteps(planColumn(spec, facts, target, options)).some((s) => s.blocks.reads || s.blocks.writes))
    facts = await client.tableFacts(table, { sampleMs: 1000 });
  const serverFindings = await client.validateColumn(spec, table);
  const planned = planColumn(spec, facts, target, options);
  const known = new Set(planned.warnings.map((w) => w.code));
  const withFindings: Plan = {
    ...planned,
    warnings: [...request.notes, ...planned.warnings, ...serverFindings.filter((f) => !known.has(f.code))],
  };
  if (serverFindings.some((f) => f.severity === 'error')) return withFindings;
  const { plan, defects } = await verifyPlan(client, withFindings);
  for (const d of defects) io.err(`column-wizard ${command}: ${d.message}`);
  return plan;
}

/**
 * MySQL/MariaDB: the online copy lets the planner choose one copy where it is cheaper, unless --no-online-copy: Column
 * Wizard's own (`ownCopyOffer`) where the table allows it, unless --no-own-copy, else pt-online-schema-change where it is
 * installed (`onlineCopyToolFor`).
 */
export async function onlineCopyOption(
  client: DatabaseClient,
  target: Target,
  table: TableRef,
  values: Record<string, unknown>,
): Promise<Pick<PlanOptions, 'onlineCopyTool' | 'ownCopy'>> {
  if (target.dialect === 'postgres' || values['no-online-copy'] === true) return {};
  const tool = (await import('../db/mysql/onlineCopy')).onlineCopyToolFor(target, client.options);
  const ownCopy = values['no-own-copy'] === true ? null : await (await import('../db/mysql/ownCopy')).ownCopyOffer(client, table);
  return { ...(tool ? { onlineCopyTool: tool } : {}), ...(ownCopy ? { ownCopy } : {}) };
}

/**
 * `run --table/--column` on MySQL/MariaDB, before it connects: when the planner would choose the online copy for this
 * change on a table with rows and a primary key (asked with such guessed facts, as MariaDB 10.11 and as MySQL 8.0),
 * pt-online-schema-change is started and held once Perl has compiled it (`holdOnlineCopy`), so that its compilation
 * (0.1–0.4 s of CPU here) overlaps the run's connection, planning and checks instead of following them. The live plan
 * still decides: the held tool connects to nothing unless the run's copy of this table gives it its arguments.
 */
export async function holdOnlineCopyAhead(connection: ConnectionOptions, values: Record<string, unknown>): Promise<void> {
  const copy = await import('../db/mysql/onlineCopy');
  const table = aheadTable(connection, values, copy.findPtOnlineSchemaChange);
  // A tool dist/cli.js started early on a rough look at the arguments (src/cli/start.ts) is kept only for this table.
  if (table) copy.holdOnlineCopy(connection, table);
  else copy.discardHeldOnlineCopy();
}

/** The table whose copy the planner would choose for --table/--column, on guessed facts; null when none. */
function aheadTable(
  connection: ConnectionOptions,
  values: Record<string, unknown>,
  findTool: () => OnlineCopyTool | null,
): TableRef | null {
  // Column Wizard's own copy is chosen where the table allows it; the tool is held only when it is asked for instead.
  if (connection.engine !== 'mysql' || connection.ssl || values['no-online-copy'] === true || values['no-own-copy'] !== true) return null;
  const tool = findTool();
  if (!tool) return null;
  const targets: Target[] = [
    { dialect: 'mariadb', version: '10.11.0' },
    { dialect: 'mysql', version: '8.0.40' },
  ];
  for (const target of targets) {
    let request: { table: TableRef; spec: ColumnSpec };
    try {
      request = tableAndColumnFromOptions(values, target.dialect);
    } catch {
      return null; // the run reports it once connected
    }
    const table = { schema: request.table.schema || connection.database || '', name: request.table.name };
    if (!table.schema) return null;
    const guessed = { table, rows: 1_000_000, bytes: 100_000_000, primaryKey: ['id'], engine: 'InnoDB' };
    if (planSteps(planColumn(request.spec, guessed, target, { onlineCopyTool: tool })).some((s) => s.onlineCopy)) return table;
  }
  return null;
}

/** `plan --url`: connect, plan from the live table, disconnect. */
export async function planLive(values: Record<string, unknown>, io: Io): Promise<Plan> {
  for (const offline of ['dialect', 'server-version', 'rows', 'bytes']) {
    if (values[offline] !== undefined) throw new UsageError(`--${offline} cannot be combined with --url: the server and the table say it`);
  }
  const url = requireString(values, 'url');
  // Checked before connecting; read for the server's dialect once connected.
  requireString(values, 'table');
  requireString(values, 'column');
  planOptionsFromValues(values);
  const { connect } = await import('../db/client');
  const client: DatabaseClient = await connect(url);
  try {
    const request = await liveRequest(client, values);
    const { calibration } = await cliCalibration(client, values, io);
    return await planFromServer(client, request, values, io, 'plan', calibration);
  } finally {
    await client.close();
  }
}
