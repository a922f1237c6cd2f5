/**
 * column-wizard run: execute a plan (a plan.json, or planned here from the live table) on a local database, with
 * lock timeouts and retries, a throttled batched backfill, resume after an interruption, and a report afterwards.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline/promises';
import type { Io } from '../cli';
import type { Plan, TableRef } from '../core/types';
import { TOOLS, WRITERS } from '../core/migrations/tools/index';
import { isMigrationTool, type MigrationToolModule } from '../core/migrations/types';
import { folderEntries, historyRecording, writtenFiles } from '../core/migrations/history';
import { defaultName } from '../core/migrations/units';
import { connect, type DatabaseClient } from '../db/client';
import { describeTarget, parseConnectionUrl, redactUrl } from '../db/connection';
import {
  abandonRun,
  assertRunAllowed,
  findResumableRun,
  previewAbandon,
  findUnfinishedRun,
  formatReport,
  mysqlReplicaLag,
  postgresReplicationLag,
  RunFailure,
  runPlan,
  type LagThrottle,
  type RunOptions,
  type RunOutcome,
  type RunProgress,
} from '../db/run';
import { runPlanWithReplicas, type ColumnConfirmation, type ReplicaTarget } from '../db/replication';
import { numberOption, parse, requireString, textOrJson, UsageError, type Options } from './args';
import { holdOnlineCopyAhead, liveRequest, planFromServer, type LiveRequest } from './livePlan';
import { discardHeldOnlineCopy } from '../db/mysql/onlineCopy';
import { renderPlanText, TABLE_COLUMN_OPTIONS } from './plan';
import { checkPlanFile, executedExtras, parsePlanFile } from './planFile';
import { saveRunBaseline } from './rollout';
import { CALIBRATION_OPTIONS, cliCalibration, learnFromCliRun } from './calibration';
import { estimatesVsActual, formatEstimatesVsActual } from '../core/estimateReport';
import type { ResolvedCalibration } from '../db/calibrationCache';
import { CLUSTER_OPTIONS, clusterContext, renderCluster, type ClusterContext } from './cluster';
import { runClusterPlan } from '../db/cluster';

export const RUN_OPTIONS: Options = {
  url: { type: 'string' },
  plan: { type: 'string' },
  ...TABLE_COLUMN_OPTIONS,
  standbys: { type: 'boolean' },
  yes: { type: 'boolean', short: 'y' },
  format: { type: 'string' },
  'allow-remote': { type: 'boolean' },
  'lock-timeout-ms': { type: 'string' },
  'statement-timeout-ms': { type: 'string' },
  'batch-ms': { type: 'string' },
  'batch-size': { type: 'string' },
  'max-lag': { type: 'string' },
  'lag-url': { type: 'string' },
  'replica-url': { type: 'string', multiple: true },
  'abandon-previous': { type: 'boolean' },
  replan: { type: 'boolean' },
  'trust-plan-sql': { type: 'boolean' },
  'baseline-dir': { type: 'string' },
  'no-baseline': { type: 'boolean' },
  'no-online-copy': { type: 'boolean' },
  'no-own-copy': { type: 'boolean' },
  'record-applied': { type: 'string' },
  'history-table': { type: 'string' },
  name: { type: 'string' },
  ...CALIBRATION_OPTIONS,
  ...CLUSTER_OPTIONS,
};

/** A plan file, validated (src/cli/planFile.ts); it is checked against the live server before it runs. */
export const parsePlanJson = parsePlanFile;

/** `run --table/--column`: resume an unfinished run with its saved plan, else plan exactly as `plan --url` does. */
async function planLive(
  client: DatabaseClient,
  request: LiveRequest,
  values: Record<string, unknown>,
  io: Io,
  calibration: ResolvedCalibration,
): Promise<Plan> {
  const { table, spec } = request;
  // An interrupted run resumes with the plan it started with: planning again would see the half-applied change.
  const resumable = values['abandon-previous'] === true ? null : await findResumableRun(client, table, spec.name);
  if (resumable) {
    if (JSON.stringify(resumable.plan.column) !== JSON.stringify(spec)) {
      throw new UsageError(
        `an unfinished run ${resumable.state.runId} on ${table.schema}.${table.name}.${spec.name} was started with a different column definition; ` +
          'run it again with that definition to resume it, or add --abandon-previous to undo what it made and start again',
      );
    }
    io.err(`Resuming run ${resumable.state.runId} with the plan it started with.`);
    return resumable.plan;
  }
  // MySQL/MariaDB: planFromServer offers the online copy when pt-online-schema-change is installed (as plan --url does).
  return planFromServer(client, request, values, io, 'run', calibration.calibration);
}

/**
 * --abandon-previous: show what the unfinished run on the column made and the statements that undo it, ask (or take
 * --yes; refuse when stdin is not a terminal), then undo it. Returns an exit code when the command must stop there.
 */
async function abandonPrevious(
  client: DatabaseClient,
  table: TableRef,
  column: string,
  values: Record<string, unknown>,
  io: Io,
  lockTimeoutMs: number | undefined,
): Promise<number | null> {
  const preview = await previewAbandon(client, table, column);
  if (!preview) {
    io.err(`--abandon-previous: no unfinished run on ${table.schema}.${table.name}.${column}; nothing to undo.`);
    return null;
  }
  const s = preview.state;
  const where = `stopped at phase ${s.phaseIndex + 1} step ${s.stepIndex + 1}${s.stepStarted ? ' (that step had started)' : ''}`;
  io.err(
    preview.otherIncarnation
      ? `Unfinished run ${s.runId} (${s.status}) was on an earlier incarnation of ${table.schema}.${table.name} (dropped and re-created since): nothing of it to undo; it will be closed.`
      : preview.statements.length
        ? `Unfinished run ${s.runId} (${s.status}, ${where}). Abandoning it undoes what it made:\n${preview.statements.map((x) => `  ${x};`).join('\n')}`
        : `Unfinished run ${s.runId} (${s.status}, ${where}) made nothing that is still there; it will be closed.`,
  );
  if (values.yes !== true && preview.statements.length) {
    if (!process.stdin.isTTY) {
      io.err('column-wizard run: not undoing without confirmation. Review the statements above and add --yes.');
      return 2;
    }
    if (!(await confirm(io, `Undo run ${s.runId} with these statements?`))) {
      io.err('Not undone; nothing was run.');
      return 1;
    }
  }
  const { warnings } = await abandonRun(client, preview, lockTimeoutMs !== undefined ? { lockTimeoutMs } : {});
  for (const w of warnings) io.err(`column-wizard run: warning: ${w}`);
  io.err(
    `Run ${s.runId} abandoned${preview.statements.length ? ` and undone (${preview.statements.length} statement${preview.statements.length === 1 ? '' : 's'})` : ''}.`,
  );
  return null;
}

async function confirm(io: Io, question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`${question} [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}

function progressLine(p: RunProgress): string | null {
  const where = `[${p.phaseIndex + 1}.${p.stepIndex + 1} ${p.phaseTitle}]`;
  switch (p.kind) {
    case 'step-start':
      return `${where} ${p.message ?? ''}`; // in full: every statement is shown before it runs
    case 'retry':
      return `${where} ${p.message}`;
    case 'throttled':
      return `${where} paused: replication lag ${p.lagSeconds?.toFixed(1)} s`;
    case 'batch': {
      const pct = p.rowsEstimated ? ` (${Math.min(100, Math.round((100 * p.rowsDone!) / p.rowsEstimated))}%)` : '';
      const eta = p.etaSeconds !== null && p.etaSeconds !== undefined ? `, ETA ${Math.ceil(p.etaSeconds)} s` : '';
      return `${where} ${p.rowsDone} / ~${p.rowsEstimated} rows${pct}, ${p.rowsPerSecond} rows/s, batch ${p.batchSize}${eta}`;
    }
    default:
      return null;
  }
}

export async function run(argv: string[], io: Io): Promise<number> {
  const { values } = parse(argv, RUN_OPTIONS);
  const format = textOrJson(values);
  const url = requireString(values, 'url');
  if (values.plan !== undefined && (values.table !== undefined || values.column !== undefined))
    throw new UsageError('give either --plan or --table/--column, not both');
  if (values.plan === undefined && (values.table === undefined || values.column === undefined))
    throw new UsageError('give --plan plan.json, or --table and --column to plan from the live table');
  const connection = parseConnectionUrl(url);
  await assertRunAllowed(connection, values['allow-remote'] === true);
  const maxLag = numberOption(values, 'max-lag');
  const lagUrl = values['lag-url'] as string | undefined;
  if (lagUrl && maxLag === undefined) throw new UsageError('--lag-url needs --max-lag SECONDS');
  const replicaUrls = (values['replica-url'] as string[] | undefined) ?? [];
  if (lagUrl && replicaUrls.length)
    throw new UsageError('give --replica-url (lag, standby checks and the post-run confirmation on each replica) or --lag-url, not both');
  if (maxLag !== undefined && connection.engine === 'mysql' && !lagUrl && !replicaUrls.length)
    throw new UsageError('--max-lag on MySQL/MariaDB needs --lag-url of the replica to read SHOW SLAVE STATUS from');
  const batchMs = numberOption(values, 'batch-ms');
  const batchSize = numberOption(values, 'batch-size');
  if (batchMs === 0 || batchSize === 0 || (batchSize !== undefined && !Number.isInteger(batchSize)))
    throw new UsageError('--batch-ms and --batch-size must be positive (--batch-size a whole number)');
  const lockTimeoutMs = numberOption(values, 'lock-timeout-ms');
  if (typeof values['record-applied'] === 'string') recordTarget(values['record-applied']);
  else if (values['history-table'] !== undefined || values.name !== undefined)
    throw new UsageError('--history-table and --name go with --record-applied TOOL:DIR');
  const statementTimeoutMs = numberOption(values, 'statement-timeout-ms');

  const planFile = values.plan as string | undefined;
  const filePlan =
    planFile === undefined
      ? undefined
      : parsePlanJson(
          await readFile(planFile, 'utf8').catch((err: Error) => {
            throw new UsageError(`--plan: cannot read ${planFile}: ${err.message}`);
          }),
          planFile,
        );

  // Perl compiles pt-online-schema-change meanwhile when the change looks like one for its copy.
  if (!filePlan) await holdOnlineCopyAhead(connection, values);
  const client = await connect(connection).catch((err: unknown) => {
    discardHeldOnlineCopy();
    throw err;
  });
  let lagClient: DatabaseClient | undefined;
  const replicas: ReplicaTarget[] = [];
  let cluster: ClusterContext | undefined;
  const ac = new AbortController();
  // SIGINT (Ctrl-C) and SIGTERM cancel as between batches: an online-copy tool is stopped and what it made dropped.
  const onSignal = (signal: NodeJS.Signals) => {
    io.err(
      signal === 'SIGINT'
        ? 'Cancelling after the current batch… (Ctrl-C again to exit at once; the run resumes where it stopped)'
        : `Cancelling after the current batch (${signal})… (the run resumes where it stopped)`,
    );
    ac.abort();
    process.removeListener(signal, onSignal);
  };
  try {
    const request = filePlan ? null : await liveRequest(client, values);
    if (values['abandon-previous'] === true) {
      const stop = await abandonPrevious(
        client,
        request?.table ?? filePlan!.table,
        request?.spec.name ?? filePlan!.column.name,
        values,
        io,
        lockTimeoutMs,
      );
      if (stop !== null) return stop;
    }
    // This server's calibration: plans a live table with it, and learns from the run's timings afterwards.
    const calibration = await cliCalibration(client, values, io);
    const single = filePlan
      ? await checkPlanFile(
          client,
          filePlan,
          {
            replan: values.replan === true,
            trustPlanSql: values['trust-plan-sql'] === true,
            ...(lockTimeoutMs !== undefined ? { lockTimeoutMs } : {}),
            standbys: values.standbys === true,
            calibration: calibration.calibration,
          },
          (line) => io.err(line),
        )
      : await planLive(client, request!, values, io, calibration);
    // A Galera cluster or logical replication (--node subscribers): the plan for it and the nodes (src/cli/cluster.ts).
    cluster = await clusterContext(client, single, values, 'run');
    if (cluster.topologyPlan && replicaUrls.length)
      throw new UsageError(
        '--replica-url is for physical replicas; on a Galera cluster or with logical subscribers give the nodes with --node',
      );
    const plan = cluster.topologyPlan?.plan ?? single;
    const errors = plan.warnings.filter((w) => w.severity === 'error');
    if (errors.length) {
      io.err(`column-wizard run: the plan has errors; nothing was run:\n${errors.map((e) => `  ${e.code}: ${e.message}`).join('\n')}`);
      return 1;
    }
    const target = describeTarget(connection);
    if (format === 'text')
      io.out(`${renderPlanText(plan)}\n${executedExtras(plan)}${cluster.topologyPlan ? renderCluster(cluster.topologyPlan) : ''}`);
    // A live plan was looked up already (planLive resumes the unfinished run with its own plan, and says so).
    const unfinished = filePlan ? await findUnfinishedRun(client, plan) : null;
    if (unfinished)
      io.err(
        `An unfinished run ${unfinished.runId} (${unfinished.status}) exists for this column, stopped at phase ${unfinished.phaseIndex + 1} step ${unfinished.stepIndex + 1}${unfinished.backfillRows ? ` after ${unfinished.backfillRows} backfilled rows` : ''}; running the same plan resumes it.`,
      );
    if (values.yes !== true) {
      if (!process.stdin.isTTY) {
        io.err(`column-wizard run: not running without confirmation. Review the plan above and add --yes to run it on ${target}.`);
        return 2;
      }
      if (!(await confirm(io, `Run this plan on ${target}?`))) {
        io.err('Not run.');
        return 1;
      }
    }
    let lag: LagThrottle | undefined;
    for (const u of replicaUrls) replicas.push({ name: redactUrl(u), client: await connect(u) });
    if (maxLag !== undefined && !replicas.length) {
      lagClient = await connect(lagUrl ?? url);
      lag = {
        source: connection.engine === 'postgres' ? postgresReplicationLag(lagClient) : mysqlReplicaLag(lagClient),
        maxSeconds: maxLag,
      };
    }
    let lastBatchLine = 0;
    const options: RunOptions = {
      ...(lockTimeoutMs !== undefined ? { lockTimeoutMs } : {}),
      ...(statementTimeoutMs !== undefined ? { statementTimeoutMs } : {}),
      backfill: { ...(batchMs ? { targetBatchMs: batchMs } : {}), ...(batchSize ? { fixedBatchSize: batchSize } : {}) },
      ...(lag ? { lag } : {}),
      // An online copy (pt-online-schema-change) waits for the same replicas' lag between its chunks.
      ...(maxLag !== undefined && connection.engine === 'mysql' && (replicaUrls.length || lagUrl)
        ? {
            onlineCopyLag: {
              maxSeconds: maxLag,
              replicas: (replicaUrls.length ? replicaUrls : [lagUrl!]).map((u) => parseConnectionUrl(u)),
            },
          }
        : {}),
      allowRemote: values['allow-remote'] === true,
      abandonPrevious: values['abandon-previous'] === true,
      signal: ac.signal,
      onProgress: (p) => {
        if (p.kind === 'batch' && Date.now() - lastBatchLine < 1000) return;
        if (p.kind === 'batch') lastBatchLine = Date.now();
        const line = progressLine(p);
        if (line) io.err(line);
      },
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    let confirmations: readonly ColumnConfirmation[] | null = null;
    let outcome: RunOutcome;
    if (cluster.topologyPlan) {
      const r = await runClusterPlan(client, cluster.topologyPlan, {
        ...options,
        nodes: cluster.nodes,
        rsu: cluster.rsu,
        onNode: (l) => io.err(`node ${l.node}: stage ${l.stage} done in ${l.seconds.toFixed(1)} s${l.skipped ? ` (${l.skipped})` : ''}`),
        onThrottle: (w) => io.err(`backfill paused: ${w}`),
      });
      outcome = r.outcome;
      confirmations = r.confirmations;
    } else if (replicas.length) {
      const r = await runPlanWithReplicas(client, plan, {
        ...options,
        replicas,
        ...(maxLag !== undefined ? { maxLagSeconds: maxLag } : {}),
        standbyTransactions: {
          onBlocked: (s) =>
            io.err(
              `waiting for ${s.length} standby transaction${s.length === 1 ? '' : 's'} on the table before an ACCESS EXCLUSIVE step: ${s.map((x) => `${x.standby} pid ${x.pid} (${x.ageSeconds} s)`).join(', ')}`,
            ),
        },
      });
      outcome = r.outcome;
      confirmations = r.confirmations;
    } else {
      outcome = await runPlan(client, plan, options);
    }
    if (outcome.status === 'cancelled') {
      if (format === 'json') io.out(JSON.stringify(outcome, null, 2));
      else
        io.out(
          `Cancelled run ${outcome.runId} at phase ${outcome.phaseIndex + 1} step ${outcome.stepIndex + 1} (${outcome.rowsDone} rows backfilled). Run the same command again to resume.`,
        );
      for (const w of outcome.warnings) io.err(`column-wizard run: warning: ${w}`);
      return 130;
    }
    await learnFromCliRun(calibration, plan, outcome.report.steps).catch((err: Error) =>
      io.err(`column-wizard run: could not save the run's timings to the calibration cache: ${err.message}`),
    );
    // The rollout baseline `column-wizard verify` compares with later; a failure to save it does not undo the run.
    const baseline =
      values['no-baseline'] === true
        ? null
        : await saveRunBaseline(client, plan, outcome.report, (values['baseline-dir'] as string | undefined) ?? '.').catch((err: Error) => {
            io.err(`column-wizard run: the run completed, but the rollout baseline was not saved: ${err.message}`);
            return null;
          });
    io.out(
      format === 'json'
        ? JSON.stringify(
            {
              status: 'completed',
              runId: outcome.runId,
              report: outcome.report,
              estimates: estimatesVsActual(plan, outcome.report.steps),
              ...(confirmations ? { replicas: confirmations } : {}),
              baseline,
            },
            null,
            2,
          )
        : [formatReport(outcome.report), ...formatEstimatesVsActual(plan, outcome.report.steps, outcome.report.after.totalBytes)].join(
            '\n',
          ),
    );
    // The text report says them (formatReport); with --json they are in the report and said here too.
    if (format === 'json') for (const w of outcome.report.warnings) io.err(`column-wizard run: warning: ${w}`);
    if (baseline && format === 'text')
      io.out(
        `Rollout baseline: ${baseline} (check the rollout later with column-wizard verify --table ${outcome.report.table.schema}.${outcome.report.table.name} --column ${plan.column.name})`,
      );
    if (outcome.report.problems.length) {
      io.err(`column-wizard run: the run's steps finished, but the table is not as planned: ${outcome.report.problems.join('; ')}.`);
      return 1;
    }
    if (typeof values['record-applied'] === 'string') {
      const recorded = await recordApplied(client, plan, values['record-applied'], values).catch((err: Error) => {
        io.err(`column-wizard run: the run completed, but the written migrations were not recorded as applied: ${err.message}`);
        return null;
      });
      if (recorded === null) return 1;
      if (format === 'text') io.out(recorded);
    }
    const missing = (confirmations ?? []).filter((c) => !c.confirmed);
    if (format === 'text' && confirmations) {
      for (const c of confirmations) {
        io.out(
          c.confirmed
            ? `Replica ${c.replica}: has ${plan.column.name} (${c.column?.type}${c.column?.nullable ? '' : ' NOT NULL'}), confirmed after ${c.waitedSeconds.toFixed(1)} s`
            : `Replica ${c.replica}: NOT confirmed after ${c.waitedSeconds.toFixed(1)} s — ${c.differences.map((d) => d.message).join('; ')}`,
        );
      }
    }
    if (missing.length) {
      io.err(
        `column-wizard run: the run completed on the primary, but ${missing.map((c) => c.replica).join(', ')} ${missing.length === 1 ? 'does' : 'do'} not have ${plan.column.name} as the primary defines it yet; check replication there (column-wizard drift).`,
      );
      return 1;
    }
    return 0;
  } catch (err) {
    if (!(err instanceof RunFailure)) throw err;
    if (format === 'json')
      io.out(
        JSON.stringify(
          { status: 'failed', kind: err.kind, runId: err.runId, message: err.message, blockers: err.blockers, warnings: err.warnings },
          null,
          2,
        ),
      );
    io.err(`column-wizard run on ${redactUrl(url)}: ${err.message}`);
    for (const w of err.warnings) io.err(`column-wizard run: warning: ${w}`);
    return 1;
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    await lagClient?.close();
    for (const r of replicas) await r.client.close().catch(() => undefined);
    await cluster?.close();
    await client.close();
    discardHeldOnlineCopy();
  }
}

/**
 * --record-applied TOOL:DIR: the tool (one with a `history`) and the folder. Checked before the run, so a typo does not
 * surface only after the change was applied.
 */
function recordTarget(spec: string): { tool: MigrationToolModule; dir: string } {
  const m = /^([a-z-]+):(.+)$/.exec(spec);
  const tool = m && isMigrationTool(m[1]!) ? WRITERS[m[1]] : undefined;
  if (!m || !tool?.history) {
    const tools = TOOLS.filter((t) => t.history)
      .map((t) => t.tool)
      .join(', ');
    throw new UsageError(`--record-applied takes TOOL:DIR (the folder the migrations were written to); the tools it records for: ${tools}`);
  }
  return { tool, dir: m[2]! };
}

/**
 * Record the plan's written migrations in DIR as applied in the tool's history table (`--history-table`, else the
 * table the tool's own environment variable names, else its default), so the tool does not apply again what the run did.
 * `--name` is the name the files were written with (`write --name`), `add_<table>_<column>` by default.
 */
async function recordApplied(client: DatabaseClient, plan: Plan, spec: string, values: Record<string, unknown>): Promise<string> {
  const { tool, dir } = recordTarget(spec);
  const entries = await readdir(dir, { withFileTypes: true }).catch((err: Error) => {
    throw new Error(`cannot read ${dir}: ${err.message}`);
  });
  const names = folderEntries(
    tool,
    entries.map((e) => ({ name: e.name, folder: e.isDirectory() })),
  );
  const name = typeof values.name === 'string' && values.name ? values.name : defaultName(plan);
  const files = writtenFiles(tool, plan, names, name);
  if (!files.length) throw new Error(`${dir} holds no ${tool.label} migration written for this plan (files named after ${name}_<phase>)`);
  const contents = await Promise.all(files.map(async (f) => ({ name: f, content: await readFile(join(dir, f), 'utf8') })));
  const table =
    (typeof values['history-table'] === 'string' && values['history-table']) ||
    (tool.history!.tableEnv && process.env[tool.history!.tableEnv]) ||
    undefined;
  const rec = historyRecording(tool, plan.dialect, contents, { table });
  for (const sql of rec.sql) await client.query(sql);
  return `Recorded ${rec.migrations.length} ${tool.tool} migration(s) as applied in ${rec.table}: ${rec.migrations.join(', ')}`;
}
