/**
 * Messages between the extension host and the wizard webview, declared once and imported by both sides.
 *
 * Three shapes (GitLens-style): requests carry an `id` and get exactly one typed response with the same id;
 * notifications go one way and expect nothing; `ready` is the handshake — the host posts nothing before it.
 * Every message is validated on arrival by `src/protocolValidation.ts` (`parseWebviewMessage` on the host,
 * `parseHostMessage` in the webview); one that does not fit is rejected with a specific reason, which the receiver logs.
 * Pure TypeScript: no vscode, no DOM, no node.
 */
import type { CodeChecklist } from './core/app/checklist';
import type { ModelPhase } from './core/app/modelEdit';
import type { ColumnDraft } from './core/draft';
import type { Dialect, Finding, Plan, Severity, TableRef } from './core/types';

export type { CodeChecklist, CodeChecklistItem, CodePlace } from './core/app/checklist';
export type { ColumnDraft } from './core/draft';

// ───────────────────────────── payloads ─────────────────────────────

/** Which wizard a panel is: kept in the webview's state so the host can reopen it after a window reload. */
export interface WizardTarget {
  readonly connection: string;
  readonly schema: string;
  readonly table: string;
}

export const EMPTY_DRAFT: ColumnDraft = {
  name: '',
  type: '',
  nullable: true,
  defaultKind: 'none',
  defaultText: '',
  unique: false,
  index: false,
  references: null,
  check: '',
  position: { kind: 'last' },
};

/** Common types offered per dialect; the wizard's type field and Add Column (Quick) take any type the server knows. */
export const TYPE_SUGGESTIONS: Record<Dialect, readonly string[]> = {
  postgres: ['text', 'varchar(255)', 'integer', 'bigint', 'boolean', 'numeric(12,2)', 'timestamptz', 'date', 'uuid', 'jsonb'],
  mysql: ['varchar(255)', 'int', 'bigint', 'tinyint(1)', 'decimal(12,2)', 'datetime', 'timestamp', 'date', 'text', 'json'],
  mariadb: ['varchar(255)', 'int', 'bigint', 'tinyint(1)', 'decimal(12,2)', 'datetime', 'timestamp', 'date', 'text', 'uuid'],
};

/** The fields of a draft a finding can point at (a `Finding.field` of the spec maps onto these). */
export type DraftField = 'name' | 'type' | 'nullable' | 'default' | 'unique' | 'index' | 'references' | 'check' | 'position';
export const DRAFT_FIELDS: readonly DraftField[] = [
  'name',
  'type',
  'nullable',
  'default',
  'unique',
  'index',
  'references',
  'check',
  'position',
];

/** What the wizard is adding a column to: sent once with `init`. Everything here came from the database or settings. */
export interface WizardContext {
  /** `production`: a read-only profile (introspection and EXPLAIN only), marked as such in the wizard. */
  readonly connection: {
    readonly name: string;
    readonly dialect: Dialect;
    readonly serverVersion: string;
    readonly allowRun: boolean;
    readonly production?: boolean;
  };
  readonly table: TableRef & { readonly rows: number; readonly bytes: number };
  /** Existing columns of the table (for AFTER and for name clashes). */
  readonly columns: readonly string[];
  /** Tables a foreign key may reference. */
  readonly tables: readonly TableRef[];
  /** The migration tool files will be written for, e.g. `dbmate`, `plain-sql`. */
  readonly migrationsTool: string;
  /** Where the estimates come from: being measured now, measured on this server, or rough (with why). */
  readonly estimates?: { readonly state: 'measuring' | 'measured' | 'rough'; readonly text: string };
  /** A Galera cluster or a published table (logical replication): the topology in one line, and what is wrong with the profile's nodes. */
  readonly topology?: { readonly summary: string; readonly problems: readonly string[] };
}

/** The result of planning a draft: findings for the fields, and the plan when the draft is complete enough to plan. */
export interface PlanResult {
  /** Echo of the request's revision, so the webview can drop stale answers. */
  readonly revision: number;
  readonly findings: readonly Finding[];
  readonly plan: Plan | null;
  /** Set when the plan could not be computed at all (e.g. the connection dropped). */
  readonly error?: string;
}

/** One step of a completed run: what it was, how long it took, and what the plan estimated. */
export interface RunStepSummary {
  readonly phaseIndex: number;
  readonly stepIndex: number;
  readonly phase: string;
  readonly sql: string;
  readonly seconds: number;
  /** The plan's estimate for the step (absent when the run's step is not in the plan on screen). */
  readonly estimateSeconds?: number;
  readonly range?: readonly [number, number];
  /** Why the step did not run (e.g. already applied by an earlier, resumed run). */
  readonly skipped?: string;
  readonly note?: string;
  readonly rows?: number;
}

/** What a completed run did, for the wizard's result view (the full report opens through `openRunReport`). */
export interface RunSummary {
  readonly runId: string;
  readonly table: TableRef;
  readonly column: string;
  readonly steps: readonly RunStepSummary[];
  /** The table with its indexes: predicted by the plan (null when no step predicts it) and measured after the run. */
  readonly size?: { readonly predictedBytes: number | null; readonly measuredBytes: number };
  /** What the user must check: a node that did not confirm the column, a difference the end-of-run check found. */
  readonly warnings: readonly string[];
  /** Migration files written for this column that the project's migration tool has not recorded as applied. */
  readonly migrations?: PendingMigrations;
}

/**
 * Migration files for the run's column (named after it, in the project's migration folder): unless the tool applied
 * them already, it lists them as pending and its next run applies them again.
 */
export interface PendingMigrations {
  /** The tool, as its users know it (dbmate, Flyway, …). */
  readonly tool: string;
  /** Their folder, workspace-relative ('' for the workspace root). */
  readonly folder: string;
  readonly files: readonly string[];
  /** The tool's history table, when Column Wizard can record them there (`recordApplied`); absent when it cannot. */
  readonly history?: string;
  /** How many migrations `recordApplied` recorded as applied, once it has. */
  readonly recorded?: number;
}

// ───────────────────────────── requests (webview → host, answered) ─────────────────────────────

/** Each request: its params and its result. A mapped type of handlers over this makes a missing handler a compile error. */
export interface Requests {
  /** Validate and plan the draft from live facts. */
  computePlan: { params: { readonly draft: ColumnDraft; readonly revision: number }; result: PlanResult };
  /** Columns of another table, for the foreign-key column picker. */
  listColumns: { params: { readonly table: TableRef }; result: { readonly columns: readonly string[] } };
  /** Write the plan of this draft as migration files in the workspace. */
  writeMigration: { params: { readonly draft: ColumnDraft }; result: { readonly files: readonly string[] } };
  /** Run the plan of this draft (only offered when the profile allows it). */
  runMigration: {
    params: { readonly draft: ColumnDraft };
    result: { readonly started: boolean; readonly message: string; readonly run?: RunSummary };
  };
  /** Open a run's report (one this panel ran) as a readable document. */
  openRunReport: { params: { readonly runId: string }; result: { readonly opened: boolean } };
  /** Record the pending migrations of a run this panel did (its summary's `migrations`) as applied in the tool's history table. */
  recordApplied: { params: { readonly runId: string }; result: { readonly recorded: number; readonly table: string } };
  /** Put the plan's SQL on the clipboard. */
  copySql: { params: { readonly draft: ColumnDraft }; result: { readonly characters: number } };
  /** Scan the workspace for the table's models and call sites: the plan's rollout checklist with its places in the code (at most `MAX_PLACES` per step). */
  scanCode: { params: { readonly draft: ColumnDraft }; result: CodeChecklist };
  /** Offer the model edit of a phase as a refactoring preview: `expand` (nullable field) or `final` (required, after the constrain phase). */
  previewModelEdit: { params: { readonly draft: ColumnDraft; readonly phase: ModelPhase }; result: { readonly edits: number } };
  /** Open a place the last `scanCode` listed. */
  openPlace: { params: { readonly file: string; readonly line: number }; result: { readonly opened: boolean } };
}
/** The most places one checklist step carries to the webview; the host cuts the rest (the log has them all). */
export const MAX_PLACES = 200;
export type RequestMethod = keyof Requests;
export const REQUEST_METHODS: readonly RequestMethod[] = [
  'computePlan',
  'listColumns',
  'writeMigration',
  'runMigration',
  'openRunReport',
  'recordApplied',
  'copySql',
  'scanCode',
  'previewModelEdit',
  'openPlace',
];

export type RequestMessage<M extends RequestMethod = RequestMethod> = M extends RequestMethod
  ? { readonly type: 'request'; readonly id: number; readonly method: M; readonly params: Requests[M]['params'] }
  : never;

export type ResponseMessage<M extends RequestMethod = RequestMethod> = M extends RequestMethod
  ? | { readonly type: 'response'; readonly id: number; readonly method: M; readonly ok: true; readonly result: Requests[M]['result'] }
    | { readonly type: 'response'; readonly id: number; readonly method: M; readonly ok: false; readonly error: string }
  : never;

// ───────────────────────────── notifications ─────────────────────────────

/** webview → host: loaded, listening. */
export interface ReadyNotification {
  readonly type: 'ready';
}
/** webview → host: the draft changed (the host keeps it to restore the panel and for the palette commands). */
export interface DidChangeDraftNotification {
  readonly type: 'didChangeDraft';
  readonly draft: ColumnDraft;
}
/** webview → host: the user asked to re-read the table's facts. */
export interface RefreshFactsNotification {
  readonly type: 'refreshFacts';
}

/** host → webview: the answer to `ready`; `draft` restores a draft the host kept (the webview's own state wins if it has one). */
export interface InitNotification {
  readonly type: 'init';
  readonly context: WizardContext;
  readonly draft: ColumnDraft | null;
}
/** host → webview: the table's facts were re-read; the webview re-plans. */
export interface DidChangeContextNotification {
  readonly type: 'didChangeContext';
  readonly context: WizardContext;
}
/** host → webview: the plan of `revision` after probes on the server checked its steps (`Step.verified` filled in). */
export interface DidVerifyPlanNotification {
  readonly type: 'didVerifyPlan';
  readonly revision: number;
  readonly plan: Plan;
}
/**
 * host → webview: fill the form with this draft (Add Column (Quick) or a lint quick fix opened the wizard of a table
 * whose wizard was already open). It replaces the webview's own draft, so the host asks the user first when that draft
 * has work in it; after a completed run it starts a new column.
 */
export interface UseDraftNotification {
  readonly type: 'useDraft';
  readonly draft: ColumnDraft;
}
/** host → webview: progress or an outcome the user should see (e.g. "3 files written"). */
export interface StatusNotification {
  readonly type: 'status';
  readonly level: Severity;
  readonly message: string;
}

export type WebviewMessage = ReadyNotification | DidChangeDraftNotification | RefreshFactsNotification | RequestMessage;
export type HostMessage =
  InitNotification | DidChangeContextNotification | DidVerifyPlanNotification | UseDraftNotification | StatusNotification | ResponseMessage;
export type HostNotification = Exclude<HostMessage, ResponseMessage>;

/** Map a spec-level finding field onto the draft field it is shown next to (fields the form has no control for land on the nearest one). */
export function draftFieldOf(field: Finding['field']): DraftField | undefined {
  if (field === undefined) return undefined;
  if ((DRAFT_FIELDS as readonly string[]).includes(field)) return field as DraftField;
  if (field === 'generated' || field === 'autoIncrement') return 'default';
  if (field === 'comment') return 'name';
  return 'type';
}

/** The `<meta name>` that carries the user's translations from the host's page (wizard/html.ts) to the webview (webview/locale.ts). */
export const L10N_META = 'column-wizard-l10n';
