/**
 * The wizard's live backend: its own database session, the table's facts, plans on every change, probes when typing
 * pauses, calibration, the topology, and the actions (write migration files, run, copy SQL, the application side).
 * The panel (panel.ts) owns the webview and its lifecycle and hands this to the WizardSession.
 */
import * as vscode from 'vscode';
import { CONTEXT_KEYS } from '../contextKeys';
import type { Finding, OnlineCopyTool, Plan, TableFacts, TableRef, Target } from '../../core/types';
import { onlineCopyToolFor } from '../../db/mysql/onlineCopy';
import { ownCopyOffer } from '../../db/mysql/ownCopy';
import type { DatabaseClient, ServerInfo, TableSummary } from '../../db/client';
import { formatReport, runPlan, RunFailure, type RunOptions, type RunOutcome } from '../../db/run';
import { runClusterPlan } from '../../db/cluster';
import { renderStages } from '../../core/topology';
import { detectWizardTopology, runRefusal, type WizardTopology } from './topology';
import { savePlanBaseline, saveRunBaseline } from '../rollout/baselineFiles';
import { openPlace, previewModelEdits, scanWorkspace } from '../app/codeSide';
import { codeChecklist } from '../../core/app/checklist';
import { modelExtras, type ModelPhase } from '../../core/app/modelEdit';
import type { WorkspaceScan } from '../../core/app/scan';
import { summarizeScan, writesWithoutColumn } from '../../core/app/scan';
import { verifyPlan } from '../../db/verify';
import { keptNotNullCheck, type PlanOptions } from '../../core/plan';
import type { CodeChecklist, ColumnDraft, PendingMigrations, Requests, RunSummary, WizardContext } from '../../protocol';
import type { Connections } from '../connections/manager';
import type { ConnectionProfile } from '../connections/profiles';
import { redactSecrets } from '../../core/redact';
import type { Log } from '../log';
import { chooseMigrationTool, migrationTarget, writePlanFiles, type MigrationTarget } from '../migrationFiles';
import { readSettings } from '../settings';
import { calibrationsOf, type Calibrations } from '../calibrations';
import { formatEstimatesVsActual } from '../../core/estimateReport';
import { planDraft, planScript } from '../../core/draft';
import type { WizardBackend } from './session';
import { runSummary } from './runSummary';
import { logRunProgress } from './runProgressLog';
import { describeError, formatCount } from '../../core/format';
import { folderEntries, historyRecording, writtenFiles } from '../../core/migrations/history';
import { WRITERS } from '../../core/migrations/tools/index';
import { isMigrationTool } from '../../core/migrations/types';
import { PendingRuns } from './pendingRuns';

/** The log component of the wizard's lines. */
export const LOG = 'wizard';
/** Probes run this long after the last plan request, so typing does not start one per keystroke. */
const VERIFY_DELAY_MS = 800;

export interface WizardServices {
  readonly extension: vscode.ExtensionContext;
  readonly connections: Connections;
  readonly log: Log;
}

/** The wizard's backend over a live connection: facts once (and on Refresh), plans on every change, probes when typing pauses. */
export class LiveBackend implements WizardBackend {
  private facts: TableFacts | null = null;
  private info: ServerInfo | null = null;
  private ptOsc: Promise<OnlineCopyTool | null> | undefined;
  private ownCopyOffer: Promise<PlanOptions['ownCopy'] | null> | undefined;
  private tables: TableSummary[] | null = null;
  private target: MigrationTarget | null | undefined;
  private latestRevision = 0;
  private verifyTimer: ReturnType<typeof setTimeout> | undefined;
  /** Set once probing was refused or declined on this panel: plans stay unverified, and nobody is asked again. */
  private probeRefused = false;
  private readonly verified = new Map<string, Plan>();
  onVerified: (revision: number, plan: Plan) => void = () => undefined;
  /** The table changed under the wizard (a run added the column): the panel re-reads and tells the webview. */
  onTableChanged: () => void = () => undefined;

  private readonly calibrations: Calibrations;
  /** The table's topology (Galera / logical replication) with the profile's nodes connected; null on a single server. */
  private cluster: Promise<WizardTopology | null> | undefined;

  /**
   * The wizard's own session, opened on first use and closed with the backend: probes open transactions and set
   * session variables, which must not interleave with the tree's listings on the shared client.
   */
  private own: Promise<DatabaseClient> | undefined;

  constructor(
    private readonly profile: ConnectionProfile,
    private readonly table: TableRef,
    private readonly services: WizardServices,
  ) {
    this.calibrations = calibrationsOf(services.extension, services.connections, services.log);
    this.pendingRuns = new PendingRuns(services.extension.workspaceState);
  }

  private client(): Promise<DatabaseClient> {
    if (!this.own) {
      this.own = this.services.connections.open(this.profile);
      this.own.catch(() => {
        this.own = undefined;
      });
    }
    return this.own;
  }

  private async closeClient(): Promise<void> {
    const c = this.own;
    this.own = undefined;
    await (await c?.catch(() => undefined))?.close().catch(() => undefined);
  }

  /** Re-plan when this connection's calibration arrives (or a run corrected it). */
  onCalibration(listener: () => void): vscode.Disposable {
    return this.calibrations.onDidChange((p) => {
      if (p.name === this.profile.name) listener();
    });
  }

  private async serverTarget(): Promise<Target> {
    if (!this.info) this.info = await (await this.client()).serverInfo();
    return { dialect: this.info.dialect, version: this.info.version };
  }

  /** Detected once per panel (and on Refresh); the node connections stay open until the panel closes. */
  private topology(refresh = false): Promise<WizardTopology | null> {
    if (refresh && this.cluster) {
      const old = this.cluster;
      this.cluster = undefined;
      void old.then(
        (t) => t?.close(),
        () => undefined,
      );
    }
    if (!this.cluster) {
      this.cluster = this.client().then((c) =>
        detectWizardTopology(c, this.table, this.profile, this.services.connections, (p) => this.services.log.warn(LOG, p)),
      );
      this.cluster.then(
        (t) => {
          for (const p of t?.problems ?? []) this.services.log.warn(LOG, p);
        },
        () => {
          this.cluster = undefined;
        },
      );
    }
    return this.cluster;
  }

  /** The single-server plan annotated for the topology: cluster-wide stalls, the order of the nodes, the findings. */
  private async forTopology(plan: Plan): Promise<Plan> {
    const cluster = await this.topology();
    return cluster && plan.phases.length ? cluster.annotate(plan).plan : plan;
  }

  async context(refresh: boolean): Promise<WizardContext> {
    const client = await this.client();
    if (refresh || !this.facts) {
      this.ownCopyOffer = undefined;
      this.facts = await client.tableFacts(this.table);
      this.verified.clear();
    }
    const cluster = await this.topology(refresh);
    if (refresh || !this.tables) this.tables = await client.listTables();
    if (refresh || this.target === undefined) this.target = await migrationTarget();
    const target = await this.serverTarget();
    // Calibrated by default: measured once per connection in the background; the webview re-plans when it arrives.
    void this.calibrations.ensure(this.profile);
    const { state, text } = this.calibrations.peek(this.profile);
    return {
      estimates: { state, text },
      connection: {
        name: this.profile.name,
        dialect: target.dialect,
        serverVersion: target.version,
        allowRun: (await this.services.connections.permissions(this.profile)).run,
        production: this.profile.production === true,
      },
      table: { schema: this.table.schema, name: this.table.name, rows: this.facts.rows, bytes: this.facts.bytes },
      columns: (this.facts.columns ?? []).map((c) => c.name),
      tables: this.tables.map((t) => ({ schema: t.schema, name: t.name })),
      ...(cluster ? { topology: { summary: cluster.describe(null).summary, problems: [...cluster.problems] } } : {}),
      migrationsTool: this.target
        ? `${this.target.tool}${this.target.detected ? ` in ${this.target.detected.dir || '(root)'}` : ''}${this.target.ambiguous ? ' (ambiguous: set columnWizard.migrationsTool)' : ''}`
        : 'no workspace folder open',
    };
  }

  /** Plan a draft from the cached facts; throws with the reason when it cannot be planned. */
  /** The online-copy tool the plan may use (`onlineCopyToolFor`, as `plan --url` and `run` ask it), found once per panel. */
  private async onlineCopyTool(target: Target): Promise<OnlineCopyTool | null> {
    if (target.dialect === 'postgres') return null;
    const { options } = await this.client();
    this.ptOsc ??= Promise.resolve().then(() => onlineCopyToolFor(target, options));
    return this.ptOsc;
  }

  /** Column Wizard's own copy as the plan may use it (`ownCopyOffer`, as `plan --url` and `run` ask it); again on Refresh. */
  private async ownCopy(target: Target): Promise<PlanOptions['ownCopy'] | null> {
    if (target.dialect === 'postgres') return null;
    const client = await this.client();
    this.ownCopyOffer ??= ownCopyOffer(client, this.table).catch(() => null);
    return this.ownCopyOffer;
  }

  /** `onlineCopy`: false for written migration files, which have no online copy (the batched plan). */
  private async plan(draft: ColumnDraft, onlineCopy = true): Promise<{ plan: Plan | null; findings: Finding[] }> {
    if (!this.facts) await this.context(false);
    const calibration = this.calibrations.peek(this.profile).calibration;
    const target = await this.serverTarget();
    const tool = onlineCopy ? await this.onlineCopyTool(target) : null;
    const own = onlineCopy ? await this.ownCopy(target) : null;
    return planDraft(draft, this.facts as TableFacts, target, {
      lockTimeoutMs: readSettings().lockTimeoutMs,
      ...(calibration ? { calibration } : {}),
      ...(tool ? { onlineCopyTool: tool } : {}),
      ...(own ? { ownCopy: own } : {}),
    });
  }

  async computePlan(draft: ColumnDraft, revision: number): Promise<{ findings: Finding[]; plan: Plan | null; error?: string }> {
    this.latestRevision = revision;
    try {
      const { plan, findings } = await this.plan(draft);
      if (plan && !findings.some((f) => f.severity === 'error')) {
        const cached = this.verified.get(verifyKey(plan));
        if (cached) return { findings, plan: await this.forTopology(cached) };
        this.scheduleVerify(plan, revision);
      }
      return { findings, plan: plan ? await this.forTopology(plan) : null };
    } catch (err) {
      this.services.log.error(LOG, 'planning failed', err);
      return { findings: [], plan: null, error: redactSecrets(vscode.l10n.t('Planning failed: {0}', describeError(err))) };
    }
  }

  /** Probe the plan's DDL on empty shadow copies of the table, then tell the webview what the server did. */
  private scheduleVerify(plan: Plan, revision: number): void {
    if (this.verifyTimer !== undefined) clearTimeout(this.verifyTimer);
    this.verifyTimer = setTimeout(() => {
      if (revision !== this.latestRevision) return;
      void (async () => {
        try {
          if (this.probeRefused) return;
          try {
            await this.services.connections.admitProbe(this.profile, true);
          } catch (err) {
            this.probeRefused = true;
            this.services.log.info('probe', `the plan is not verified on the server: ${describeError(err)}`);
            return;
          }
          const client = await this.client();
          const { plan: checked, defects } = await verifyPlan(client, plan, (line) => this.services.log.warn('probe', line));
          this.verified.set(verifyKey(plan), checked);
          if (defects.length)
            this.services.log.warn(
              'probe',
              `${defects.length} step(s) behaved differently on the server than the rules predict; the plan shows what the server did`,
            );
          // Probes see one server; the topology's claims (a cluster-wide TOI stall, the node order) go on top.
          if (revision === this.latestRevision) this.onVerified(revision, await this.forTopology(checked));
        } catch (err) {
          this.services.log.warn('probe', `could not verify the plan on the server: ${describeError(err)}`);
        }
      })();
    }, VERIFY_DELAY_MS);
  }

  private async actionablePlan(draft: ColumnDraft, onlineCopy = true): Promise<Plan> {
    const { plan, findings } = await this.plan(draft, onlineCopy);
    const errors = findings.filter((f) => f.severity === 'error');
    if (!plan || errors.length) throw new Error(errors[0]?.message ?? vscode.l10n.t('The column is not complete yet.'));
    const annotated = await this.forTopology(this.verified.get(verifyKey(plan)) ?? plan);
    const blocking = annotated.warnings.filter((w) => w.severity === 'error');
    if (blocking.length) throw new Error(blocking[0]!.message);
    return annotated;
  }

  async listColumns(table: TableRef): Promise<readonly string[]> {
    const facts = await (await this.client()).tableFacts(table);
    return (facts.columns ?? []).map((c) => c.name);
  }

  async writeMigration(draft: ColumnDraft): Promise<readonly string[]> {
    const plan = await this.actionablePlan(draft, false);
    let target = this.target ?? (await migrationTarget());
    if (!target) throw new Error(vscode.l10n.t('Open a workspace folder to write migration files into.'));
    if (target.ambiguous) {
      const chosen = await chooseMigrationTool(target);
      if (!chosen) throw new Error(vscode.l10n.t('No files written: choose the migration tool (or set columnWizard.migrationsTool).'));
      target = chosen;
      this.target = chosen;
    }
    const { paths, result } = await writePlanFiles(plan, target, this.services.log);
    void vscode.commands.executeCommand('setContext', CONTEXT_KEYS.wroteMigration, true);
    this.services.log.info(LOG, `wrote ${paths.length} ${result.tool} file(s): ${paths.join(', ')}`);
    // The plan that was written, with its estimates, for Verify Rollout to compare with later.
    await savePlanBaseline(target.folder.uri, plan).then(
      (uri) => this.services.log.info(LOG, `rollout plan recorded in ${vscode.workspace.asRelativePath(uri)}`),
      (err: Error) => this.services.log.warn(LOG, `the rollout plan was not recorded: ${err.message}`),
    );
    void this.offerModelEdit(plan);
    const first = result.files[0];
    if (first)
      void vscode.window.showTextDocument(vscode.Uri.joinPath(target.folder.uri, ...first.path.split('/')), {
        preview: false,
        viewColumn: vscode.ViewColumn.Beside,
      });
    if (result.warnings.length || result.manual.length) {
      const notes = [...result.warnings, ...result.manual.map((m) => vscode.l10n.t('run by hand {0}: {1}', m.when, m.title))].join(' · ');
      void vscode.window.showWarningMessage(vscode.l10n.t('Column Wizard: {0}', notes), vscode.l10n.t('Show Log')).then((a) => {
        if (a) this.services.log.channel.show();
      });
    }
    return paths;
  }

  /** The application side: where the table is in the code, and the model edit for the expand phase as a preview. */
  private async offerModelEdit(plan: Plan): Promise<void> {
    try {
      const scan = await scanWorkspace({ table: plan.table.name, column: plan.column.name }, this.scans.token);
      const summary = summarizeScan(scan);
      this.services.log.info(LOG, `application side of ${plan.table.name}.${plan.column.name}: ${summary}`);
      const todo = scan.models.filter((m) => !m.hasColumn && m.kind !== 'activerecord');
      const writes = writesWithoutColumn(scan);
      if (!todo.length && !writes.length) return;
      const unset =
        writes.length === 0
          ? ''
          : writes.length === 1
            ? vscode.l10n.t('1 write does not set {0} yet (marked in the editor).', plan.column.name)
            : vscode.l10n.t('{0} writes do not set {1} yet (marked in the editor).', writes.length, plan.column.name);
      const showLog = vscode.l10n.t('Show Log');
      const preview = vscode.l10n.t('Preview Model Edit');
      const choice = await vscode.window.showInformationMessage(
        vscode.l10n.t('Column Wizard: {0}.', summary) + (unset ? ` ${unset}` : ''),
        ...(todo.length ? [preview] : []),
        showLog,
      );
      if (choice === showLog) this.services.log.channel.show();
      if (choice === preview) await previewModelEdits(scan, plan.column, plan.dialect, 'expand', this.services.log, modelExtras(plan));
    } catch (err) {
      this.services.log.warn(LOG, `application-side scan: ${describeError(err)}`);
    }
  }

  /** The last scan the wizard showed: the places it may open, and the models a model edit changes. */
  private lastScan: WorkspaceScan | null = null;
  /** Cancelled when the panel closes: a scan still walking the workspace stops. */
  private readonly scans = new vscode.CancellationTokenSource();
  /** The checklist scan under way: a newer one (another column, Rescan) cancels it. */
  private codeScan: vscode.CancellationTokenSource | undefined;

  async scanCode(draft: ColumnDraft): Promise<CodeChecklist> {
    const plan = await this.actionablePlan(draft);
    this.codeScan?.cancel();
    const own = new vscode.CancellationTokenSource();
    this.codeScan = own;
    const linked = this.scans.token.onCancellationRequested(() => own.cancel());
    let scan: WorkspaceScan;
    try {
      scan = await scanWorkspace({ table: plan.table.name, column: plan.column.name }, own.token);
    } finally {
      linked.dispose();
      own.dispose();
      if (this.codeScan === own) this.codeScan = undefined;
    }
    this.lastScan = scan;
    const checklist = codeChecklist(plan, scan);
    this.services.log.info(LOG, `application side of ${plan.table.name}.${plan.column.name}: ${checklist.summary}`);
    for (const item of checklist.items)
      for (const p of item.places) this.services.log.info(LOG, `  ${p.done ? '✓' : '☐'} ${item.kind}: ${p.file}:${p.line} ${p.text}`);
    return checklist;
  }

  async previewModelEdit(draft: ColumnDraft, phase: ModelPhase): Promise<number> {
    const plan = await this.actionablePlan(draft);
    const last = this.lastScan;
    const scan =
      last && last.target.table === plan.table.name && last.target.column === plan.column.name
        ? last
        : await scanWorkspace({ table: plan.table.name, column: plan.column.name }, this.scans.token);
    return previewModelEdits(scan, plan.column, plan.dialect, phase, this.services.log, modelExtras(plan));
  }

  /** After a completed run the column is NOT NULL in the database: offer the model edit that makes the field required. */
  private async offerFinalEdit(plan: Plan): Promise<void> {
    if (plan.column.nullable) return;
    try {
      const scan = await scanWorkspace({ table: plan.table.name, column: plan.column.name }, this.scans.token);
      this.lastScan = scan;
      const todo = codeChecklist(plan, scan).modelEdits.final;
      if (!todo) return;
      const check = keptNotNullCheck(plan);
      const message = check
        ? todo === 1
          ? vscode.l10n.t(
              'Column Wizard: the CHECK {0} enforces {1} NOT NULL now (the column stays nullable); 1 model does not note it yet.',
              check.name,
              plan.column.name,
            )
          : vscode.l10n.t(
              'Column Wizard: the CHECK {0} enforces {1} NOT NULL now (the column stays nullable); {2} models do not note it yet.',
              check.name,
              plan.column.name,
              todo,
            )
        : todo === 1
          ? vscode.l10n.t('Column Wizard: {0} is NOT NULL now; 1 model still declares it optional.', plan.column.name)
          : vscode.l10n.t('Column Wizard: {0} is NOT NULL now; {1} models still declare it optional.', plan.column.name, todo);
      const choice = await vscode.window.showInformationMessage(message, vscode.l10n.t('Preview Final Model Edit'));
      if (choice) await previewModelEdits(scan, plan.column, plan.dialect, 'final', this.services.log, modelExtras(plan));
    } catch (err) {
      this.services.log.warn(LOG, `final model edit: ${describeError(err)}`);
    }
  }

  async openPlace(file: string, line: number): Promise<boolean> {
    const s = this.lastScan;
    const listed = s !== null && [...s.models, ...s.calls, ...s.api].some((p) => p.file === file && p.line === line);
    if (!listed) return false;
    await openPlace(file, line);
    return true;
  }

  async runMigration(draft: ColumnDraft): Promise<Requests['runMigration']['result']> {
    const permissions = await this.services.connections.permissions(this.profile);
    if (!permissions.run) {
      return {
        started: false,
        message: permissions.readOnly
          ? vscode.l10n.t('"{0}" is a production connection: read-only, never run.', this.profile.name)
          : vscode.l10n.t('Running is off for "{0}": set "allowRun": true in its profile to allow it.', this.profile.name),
      };
    }
    const plan = await this.actionablePlan(draft);
    const cluster = await this.topology();
    const refusal = cluster ? await runRefusal(cluster, plan, this.profile.name, (p) => this.services.connections.permissions(p)) : null;
    if (refusal) return { started: false, message: refusal };
    const stages = cluster
      ? `\n\n${cluster.topology.kind === 'galera' ? vscode.l10n.t('Order on the cluster:') : vscode.l10n.t('Order on the publisher and subscribers:')}\n${renderStages(cluster.annotate(plan))}`
      : '';
    const run = vscode.l10n.t('Run');
    const table = `${plan.table.schema}.${plan.table.name}`;
    const ok = await vscode.window.showWarningMessage(
      cluster
        ? vscode.l10n.t(
            'Run the {0}-phase plan on {1} ({2}) and its {3} other node(s) now?',
            plan.phases.length,
            this.profile.name,
            table,
            cluster.nodes.length,
          )
        : vscode.l10n.t('Run the {0}-phase plan on {1} ({2}) now?', plan.phases.length, this.profile.name, table),
      { modal: true, detail: `${planScript(plan).slice(0, 2000)}${stages.slice(0, 1500)}` },
      run,
    );
    if (ok !== run) return { started: false, message: vscode.l10n.t('Run cancelled.') };
    const client = await this.services.connections.open(this.profile);
    let unconfirmed: string | null = null;
    const what = `${plan.column.name} on ${this.profile.name} (${plan.table.schema}.${plan.table.name})`;
    try {
      const outcome = await vscode.window
        .withProgress(
          {
            location: vscode.ProgressLocation.Notification,
            title: vscode.l10n.t('Column Wizard: adding {0}', plan.column.name),
            cancellable: true,
          },
          async (progress, token): Promise<RunOutcome> => {
            const abort = new AbortController();
            token.onCancellationRequested(() => abort.abort());
            const options: RunOptions = {
              lockTimeoutMs: readSettings().lockTimeoutMs,
              allowRemote: permissions.run,
              signal: abort.signal,
              onProgress: (p) => {
                const rows = p.rowsDone !== undefined ? vscode.l10n.t('{0} rows', formatCount(p.rowsDone, vscode.env.language)) : '';
                progress.report({ message: [p.phaseTitle, rows, p.message ?? ''].filter(Boolean).join(' · ') });
                logRunProgress(this.services.log, p);
              },
            };
            if (!cluster) return runPlan(client, plan, options);
            const result = await runClusterPlan(client, cluster.annotate(plan), {
              ...options,
              nodes: cluster.nodes,
              rsu: cluster.rsu,
              onNode: (l) =>
                this.services.log.info(
                  'run',
                  `node ${l.node}: stage ${l.stage} done in ${l.seconds.toFixed(1)} s${l.skipped ? ` (${l.skipped})` : ''}`,
                ),
              onThrottle: (w) => this.services.log.info('run', `throttled: ${w}`),
            });
            const missing = (result.confirmations ?? []).filter((c) => !c.confirmed);
            if (result.outcome.status === 'completed' && !result.confirmed)
              unconfirmed = vscode.l10n.t(
                'the column is not confirmed on {0}',
                missing.map((c) => c.replica).join(', ') || vscode.l10n.t('every node'),
              );
            return result.outcome;
          },
        )
        .then(
          (o) => o,
          (err: unknown) => {
            if (err instanceof RunFailure) for (const w of err.warnings) this.services.log.warn('run', w);
            void vscode.window
              .showErrorMessage(
                vscode.l10n.t('Column Wizard: adding {0} failed: {1}', what, redactSecrets(describeError(err))),
                vscode.l10n.t('Show Log'),
              )
              .then((a) => {
                if (a) this.services.log.channel.show();
              });
            throw err;
          },
        );
      if (outcome.status === 'completed') {
        const report = [
          formatReport(outcome.report),
          ...formatEstimatesVsActual(plan, outcome.report.steps, outcome.report.after.totalBytes),
        ].join('\n');
        this.services.log.info('run', report);
        this.reports.set(outcome.runId, report);
        // formatReport (the log, Open Report) says the report's warnings; the summary view says them localized.
        const migrations = await this.pendingMigrations(outcome.runId, plan).catch((err: Error) => {
          this.services.log.warn('run', `the written migration files were not looked for: ${err.message}`);
          return undefined;
        });
        const run: RunSummary = {
          ...runSummary(plan, outcome.report, [
            ...(unconfirmed ? [unconfirmed] : []),
            ...outcome.report.warnings.map((w) => vscode.l10n.t('After the run: {0}', w)),
          ]),
          ...(migrations ? { migrations } : {}),
        };
        const notify = unconfirmed ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
        const showLog = vscode.l10n.t('Show Log');
        const openReport = vscode.l10n.t('Open Report');
        const done = unconfirmed
          ? vscode.l10n.t('Column Wizard: added {0} (run {1}), but {2}.', what, outcome.runId, unconfirmed)
          : vscode.l10n.t('Column Wizard: added {0} (run {1}).', what, outcome.runId);
        void notify(done, openReport, showLog).then((a) => {
          if (a === showLog) this.services.log.channel.show();
          if (a === openReport) void openRunReport(outcome.runId, report);
        });
        await this.calibrations
          .learn(this.profile, plan, outcome.report.steps)
          .catch((err: Error) => this.services.log.warn('run', `the run's timings were not saved to the calibration: ${err.message}`));
        const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
        if (folder) {
          await saveRunBaseline(folder, client, plan, outcome.report.table, outcome.report.startedAt).then(
            (uri) =>
              this.services.log.info(
                'run',
                `rollout baseline saved to ${vscode.workspace.asRelativePath(uri)} (Verify Rollout compares with it)`,
              ),
            (err: Error) => this.services.log.warn('run', `the rollout baseline was not saved: ${err.message}`),
          );
        }
        this.onTableChanged();
        void this.offerFinalEdit(plan);
        if (unconfirmed) {
          return {
            started: true,
            run,
            message: vscode.l10n.t(
              'Run {0} finished on {1}, but {2}: check that node before relying on the column (Check Drift compares the nodes).',
              outcome.runId,
              this.profile.name,
              unconfirmed,
            ),
          };
        }
        if (cluster) {
          return {
            started: true,
            run,
            message: vscode.l10n.t(
              'Run {0} completed on {1} and {2}. The report is in the Column Wizard log.',
              outcome.runId,
              this.profile.name,
              cluster.nodes.map((n) => n.name).join(', ') || vscode.l10n.t('the cluster'),
            ),
          };
        }
        return { started: true, run, message: vscode.l10n.t('Run {0} completed. The report is in the Column Wizard log.', outcome.runId) };
      }
      for (const w of outcome.warnings) this.services.log.warn('run', w);
      void vscode.window
        .showWarningMessage(
          vscode.l10n.t('Column Wizard: adding {0} was cancelled; running the same plan again resumes it.', what),
          vscode.l10n.t('Show Log'),
        )
        .then((a) => {
          if (a) this.services.log.channel.show();
        });
      return {
        started: true,
        message: vscode.l10n.t(
          'Run {0} cancelled at phase {1}, step {2}; running the same plan again resumes it.',
          outcome.runId,
          outcome.phaseIndex + 1,
          outcome.stepIndex + 1,
        ),
      };
    } finally {
      await client.close().catch(() => undefined);
    }
  }

  /** The pending migrations of completed runs, by run id, with where they are (recordApplied), in the workspace state. */
  private readonly pendingRuns: PendingRuns;

  /**
   * After a completed Run: migration files written for this column (named after it, in the project's migration folder)
   * are still pending in the tool's history unless the tool applied them. They go into the run's summary: the result view
   * offers to record them as applied in the tool's history table (the tools `run --record-applied` knows; rows already
   * there are left alone), or says what the tool does next.
   */
  private async pendingMigrations(runId: string, plan: Plan): Promise<PendingMigrations | undefined> {
    const target = this.target ?? (await migrationTarget().catch(() => null));
    if (!target || target.ambiguous || !isMigrationTool(target.tool)) return undefined;
    const tool = WRITERS[target.tool];
    const dir = target.detected?.dir ?? tool.defaultDir;
    const base = dir ? vscode.Uri.joinPath(target.folder.uri, ...dir.split('/')) : target.folder.uri;
    const entries = await Promise.resolve(vscode.workspace.fs.readDirectory(base)).catch((): [string, vscode.FileType][] => []);
    const names = writtenFiles(
      tool,
      plan,
      folderEntries(
        tool,
        entries
          .filter(([, type]) => type === vscode.FileType.File || type === vscode.FileType.Directory)
          .map(([name, type]) => ({ name, folder: type === vscode.FileType.Directory })),
      ),
    );
    if (!names.length) return undefined;
    await this.pendingRuns.remember(runId, {
      connection: this.profile.name,
      dialect: plan.dialect,
      tool: tool.tool,
      folder: base.toString(),
      names,
      at: Date.now(),
    });
    return { tool: tool.label, folder: dir ?? '', files: names, ...(tool.history ? { history: tool.history.table } : {}) };
  }

  async recordApplied(runId: string): Promise<{ recorded: number; table: string }> {
    const pending = this.pendingRuns.get(runId);
    if (!pending) throw new Error(vscode.l10n.t('Column Wizard has no migration files of run {0} to record.', runId));
    // The history rows go to the server the run changed, never to the server of another wizard's connection.
    if (pending.connection !== this.profile.name)
      throw new Error(
        vscode.l10n.t(
          'Run {0} was on connection {1}; this wizard is on {2}. Record its migrations from a wizard on {1}.',
          runId,
          pending.connection,
          this.profile.name,
        ),
      );
    const tool = WRITERS[pending.tool];
    if (!tool.history) throw new Error(vscode.l10n.t('Column Wizard cannot record {0} migrations as applied.', tool.label));
    const base = vscode.Uri.parse(pending.folder);
    const files = await Promise.all(
      pending.names.map(async (name) => ({
        name,
        content: new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(base, ...name.split('/')))),
      })),
    );
    const rec = historyRecording(tool, pending.dialect, files);
    const client = await this.services.connections.open(this.profile);
    try {
      for (const sql of rec.sql) await client.query(sql);
    } finally {
      await client.close().catch(() => undefined);
    }
    await this.pendingRuns.forget(runId);
    this.services.log.info(
      LOG,
      `recorded ${rec.migrations.length} ${tool.tool} migration(s) as applied in ${rec.table}: ${rec.migrations.join(', ')}`,
    );
    return { recorded: rec.migrations.length, table: rec.table };
  }

  /** The reports of the runs this panel did, by run id (the result view's Open Report). */
  private readonly reports = new Map<string, string>();

  async openRunReport(runId: string): Promise<boolean> {
    const report = this.reports.get(runId);
    if (report === undefined) return false;
    await openRunReport(runId, report);
    return true;
  }

  async copySql(draft: ColumnDraft): Promise<number> {
    const text = planScript(await this.actionablePlan(draft));
    await vscode.env.clipboard.writeText(text);
    return text.length;
  }

  /** Stops a pending probe and closes the topology's node connections and the wizard's own session. */
  dispose(): void {
    if (this.verifyTimer !== undefined) clearTimeout(this.verifyTimer);
    this.scans.cancel();
    this.scans.dispose();
    void this.cluster?.then(
      (t) => t?.close(),
      () => undefined,
    );
    void this.closeClient();
  }
}

/** The run report as a Markdown document (untitled: nothing is written to disk), shown in the Markdown preview. */
async function openRunReport(runId: string, report: string): Promise<void> {
  const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: runReportMarkdown(runId, report) });
  await vscode.commands.executeCommand('markdown.showPreview', doc.uri);
}

/** The report's lines in a fenced block under a heading (its columns are aligned for a fixed-width font). */
export function runReportMarkdown(runId: string, report: string): string {
  const fence = '`'.repeat(Math.max(3, ...[...report.matchAll(/`+/g)].map((m) => m[0].length + 1)));
  return `# ${vscode.l10n.t('Column Wizard run {0}', runId)}\n\n${fence}text\n${report}\n${fence}\n`;
}

/**
 * Plans with the same DDL verify the same way. The estimates are part of the key: when the server's calibration arrives
 * (or a run corrects it) the re-planned draft is verified again instead of showing the verified plan's old estimates.
 */
function verifyKey(plan: Plan): string {
  return JSON.stringify(
    plan.phases.map((p) =>
      p.steps.map((s) => [s.sql, s.estimate.totalSeconds, s.estimate.basis, s.estimate.measuredAt ?? null, s.estimate.runs ?? 0]),
    ),
  );
}
